"""Payloads through real endpoints: nested objects beside files, nested writes saved row by
row, integer columns, and relations whose rows are filtered out."""

from typing import Any, ClassVar

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework import serializers

from restflow_testing import AsyncAPITestCase
from restflow_testing.strategies import (
    InvalidPayload,
    NoRowsError,
    Payload,
    UnsupportedFieldError,
    from_serializer,
    invalid_from_serializer,
)
from tests.project.app.models_strategies import Board, Label
from tests.project.app.serializers_patterns import AvatarUploadSerializer, BoardSerializer

EXAMPLES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@override_settings(ROOT_URLCONF="tests.strategies.urls")
class NestedObjectsBesideFiles(AsyncAPITestCase):
    @EXAMPLES
    @given(payload=from_serializer(AvatarUploadSerializer))
    async def test_nested_objects_are_sent_as_drf_parses_forms(self, payload: Payload) -> None:
        assert "profile" not in payload
        assert isinstance(payload["profile.name"], str)
        response = await self.client.post("/strategies/avatar/", payload, format="multipart")

        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.data["profile"]["name"], payload["profile.name"].strip())
        sent_links = sorted(key for key in payload if key.startswith("links["))
        titles = [link["title"] for link in response.data["links"]]
        self.assertEqual(len(titles), len([key for key in sent_links if key.endswith("title")]))
        if "profile.tags" in payload:
            self.assertEqual(len(response.data["profile"]["tags"]), len(payload["profile.tags"]))

    @EXAMPLES
    @given(payload=invalid_from_serializer(AvatarUploadSerializer))
    async def test_invalid_forms_get_400(self, payload: InvalidPayload) -> None:
        assert isinstance(payload, dict)
        response = await self.client.post("/strategies/avatar/", payload, format="multipart")

        self.assertEqual(response.status_code, 400, response.content)


def test_lists_inside_list_items_of_a_form_are_named() -> None:
    class Item(serializers.Serializer[Any]):
        codes = serializers.ListField(child=serializers.IntegerField())

    class Upload(serializers.Serializer[Any]):
        upload = serializers.FileField()
        items = Item(many=True)

    with pytest.raises(UnsupportedFieldError, match=r"'items\.\[\]\.codes'.*one value per key"):
        from_serializer(Upload)


@override_settings(ROOT_URLCONF="tests.strategies.urls")
class NestedWrites(TestCase):
    staff: ClassVar[Any]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.staff = User.objects.create_user(username="boss", is_staff=True)
        Label.objects.create(board=Board.objects.create(name="old"), name="taken")

    @EXAMPLES
    @given(data=st.data())
    def test_nested_lists_keep_unique_values_apart_and_save(self, data: st.DataObject) -> None:
        payload = data.draw(from_serializer(BoardSerializer))
        names = [label["name"].strip() for label in payload["labels"]]
        assert len(set(names)) == len(names)
        assert "taken" not in names
        positions = [int(lane["position"]) for lane in payload.get("lanes", [])]
        assert len(set(positions)) == len(positions)
        serializer = BoardSerializer(data=payload)
        assert serializer.is_valid(), serializer.errors
        board = serializer.save()
        assert Label.objects.filter(board=board).count() == len(names)

    @EXAMPLES
    @given(data=st.data())
    def test_integers_stay_within_the_columns(self, data: st.DataObject) -> None:
        payload = data.draw(from_serializer(BoardSerializer))
        ops = connection.ops
        for name, internal in (("hits", "IntegerField"), ("rank", "SmallIntegerField")):
            if name in payload:
                low, high = ops.integer_field_range(internal)
                assert (low or -(2**63)) <= payload[name] <= (high or 2**63 - 1)
        response: Any = self.client.post(
            "/strategies/boards/", payload, content_type="application/json"
        )
        assert response.status_code == 201, response.content

    def test_lists_with_many_labels_are_drawn(self) -> None:
        sizes: list[int] = []

        @settings(max_examples=60, database=None, deadline=None)
        @given(from_serializer(BoardSerializer))
        def run(payload: Payload) -> None:
            sizes.append(len(payload["labels"]))

        run()
        assert max(sizes) >= 3


class FilteredRelations(TestCase):
    """``owner`` is limited to staff users (``limit_choices_to``)."""

    def test_rows_hidden_by_limit_choices_to_are_named(self) -> None:
        User.objects.create_user(username="plain")

        class OwnedSerializer(serializers.ModelSerializer[Board]):
            class Meta:
                model = Board
                fields = ["name", "owner"]
                extra_kwargs: ClassVar[dict[str, Any]] = {
                    "owner": {"allow_null": False, "required": True}
                }

        @settings(max_examples=1, database=None, deadline=None)
        @given(from_serializer(OwnedSerializer))
        def run(payload: Payload) -> None:
            pass

        with pytest.raises(NoRowsError) as caught:
            run()
        message = str(caught.value)
        assert "none of the 1 User rows pass limit_choices_to={'is_staff': True}" in message
        assert "on Board.owner" in message

    def test_rows_hidden_by_the_queryset_name_its_where_clause(self) -> None:
        User.objects.create_user(username="inactive", is_active=False)

        class ActiveOnly(serializers.Serializer[Any]):
            user = serializers.PrimaryKeyRelatedField[Any](
                queryset=get_user_model().objects.filter(is_active=True)
            )

        @settings(max_examples=1, database=None, deadline=None)
        @given(from_serializer(ActiveOnly))
        def run(payload: Payload) -> None:
            pass

        with pytest.raises(NoRowsError) as caught:
            run()
        message = str(caught.value)
        assert "none of the 1 User rows pass the field's queryset (WHERE" in message
        assert "is_active" in message
