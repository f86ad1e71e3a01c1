"""Payloads through real endpoints: nested objects beside files, nested writes saved row by
row, integer columns, and relations whose rows are filtered out."""

import re
from typing import Any, ClassVar, cast

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework import serializers
from rest_framework.test import APIClient

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
from tests.project.app.serializers_patterns import (
    AvatarUploadSerializer,
    BoardSerializer,
    PlaylistUploadSerializer,
)

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
    @given(payload=invalid_from_serializer(PlaylistUploadSerializer))
    async def test_invalid_track_lists_get_400_with_errors_where_json_gets_them(
        self, payload: InvalidPayload
    ) -> None:
        assert isinstance(payload, dict)
        response = await self.client.post("/strategies/playlist/", payload, format="multipart")

        self.assertEqual(response.status_code, 400, response.content)
        as_json = PlaylistUploadSerializer(data=unflattened(payload))
        self.assertFalse(as_json.is_valid())
        self.assertEqual(error_paths(response.data), error_paths(cast(object, as_json.errors)))

    @EXAMPLES
    @given(payload=invalid_from_serializer(AvatarUploadSerializer))
    async def test_invalid_forms_get_400_with_errors_where_json_gets_them(
        self, payload: InvalidPayload
    ) -> None:
        assert isinstance(payload, dict)
        response = await self.client.post("/strategies/avatar/", payload, format="multipart")

        self.assertEqual(response.status_code, 400, response.content)
        # The same values sent as JSON objects are rejected at the same fields.
        as_json = AvatarUploadSerializer(data=unflattened(payload))
        self.assertFalse(as_json.is_valid())
        self.assertEqual(error_paths(response.data), error_paths(cast(object, as_json.errors)))


def unflattened(form: Payload) -> Payload:
    """A flat form payload as the JSON object it stands for: ``parent.child`` and
    ``parent[0]child`` keys back into objects and lists of objects."""
    out: dict[str, Any] = {}
    items: dict[str, dict[int, Payload]] = {}
    members: dict[str, Payload] = {}
    for key, value in form.items():
        if match := re.fullmatch(r"([^.\[]+)\[(\d+)\](.+)", key):
            items.setdefault(match[1], {}).setdefault(int(match[2]), {})[match[3]] = value
        elif match := re.fullmatch(r"([^.\[]+)\.(.+)", key):
            members.setdefault(match[1], {})[match[2]] = value
        else:
            out[key] = value
    for name, flat in members.items():
        out[name] = unflattened(flat)
    for name, indexed in items.items():
        out[name] = [unflattened(indexed[index]) for index in sorted(indexed)]
    return out


def error_paths(errors: object, prefix: tuple[object, ...] = ()) -> set[tuple[object, ...]]:
    """The paths of the fields DRF reports errors for: ``("links", 1, "url")``."""
    if isinstance(errors, dict):
        by_key = cast(dict[str, object], errors)
        return {
            path for key, nested in by_key.items() for path in error_paths(nested, (*prefix, key))
        }
    if isinstance(errors, list):
        entries = cast(list[object], errors)
        if any(isinstance(entry, dict) for entry in entries):
            return {
                path
                for index, entry in enumerate(entries)
                for path in error_paths(entry, (*prefix, index))
            }
    return {prefix}


def broken_in_forms(
    serializer: type[serializers.Serializer[Any]], url: str, examples: int
) -> set[Any]:
    """The fields DRF reports errors for (list indexes as ``"[i]"``) over invalid form
    payloads posted to ``url``, each of which must get a 400."""
    broken: set[tuple[object, ...]] = set()

    @settings(EXAMPLES, max_examples=examples, derandomize=True, database=None)
    @given(payload=invalid_from_serializer(serializer))
    def post(payload: InvalidPayload) -> None:
        assert isinstance(payload, dict)
        response: Any = APIClient().post(url, payload, format="multipart")
        assert response.status_code == 400, response.content
        broken.update(
            tuple("[i]" if isinstance(step, int) else step for step in path)
            for path in error_paths(response.data)
        )

    with override_settings(ROOT_URLCONF="tests.strategies.urls"):
        post()
    return broken


def test_invalid_forms_break_the_fields_of_nested_objects_and_list_items() -> None:
    broken = broken_in_forms(AvatarUploadSerializer, "/strategies/avatar/", 300)
    assert {("profile", "name"), ("profile", "age"), ("profile", "tags", "[i]")} <= broken
    assert {("links", "[i]", "title"), ("links", "[i]", "url")} <= broken


def test_invalid_forms_break_list_lengths_and_objects_nested_in_list_items() -> None:
    # Each way is one of many (a broken artist is one of 3 x 3 x 3 choices): enough examples
    # that every one is drawn.
    broken = broken_in_forms(PlaylistUploadSerializer, "/strategies/playlist/", 600)
    assert ("tracks", "non_field_errors") in broken  # too few or too many tracks
    assert {("tracks", "[i]", "title"), ("tracks", "[i]", "seconds")} <= broken
    assert any(path[:3] == ("tracks", "[i]", "artist") and len(path) == 4 for path in broken)


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
