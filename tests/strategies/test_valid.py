"""Every payload from_serializer draws passes is_valid(), for every DRF field kind."""

from typing import Any

from django.http import QueryDict
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework import serializers

from restflow_testing.strategies import NoRowsError, Payload, from_field, from_serializer
from tests.project.app.models import Tag
from tests.project.app.models_strategies import Gadget
from tests.project.app.serializers import ArticleSerializer
from tests.project.app.serializers_strategies import (
    CompositeSerializer,
    FilesSerializer,
    GadgetSerializer,
    RelationsSerializer,
    ScalarsSerializer,
    ValidatedSerializer,
)

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def form(payload: Payload) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in payload.items():
        if isinstance(value, list):
            if value:
                data.setlist(key, value)  # pyright: ignore[reportUnknownArgumentType]
        else:
            data[key] = value
    return data


def assert_valid(serializer: serializers.BaseSerializer[Any]) -> None:
    assert serializer.is_valid(), serializer.errors


@EXAMPLES
@given(from_serializer(ScalarsSerializer))
def test_scalars_accepted_with_use_tz(payload: Payload) -> None:
    assert "shown" not in payload
    assert "hidden" not in payload
    assert_valid(ScalarsSerializer(data=payload))


@EXAMPLES
@given(from_serializer(ScalarsSerializer))
def test_scalars_accepted_without_use_tz(payload: Payload) -> None:
    with override_settings(USE_TZ=False):
        serializer = ScalarsSerializer(data=payload)
        assert_valid(serializer)
        assert serializer.validated_data["datetime"].tzinfo is None


@EXAMPLES
@given(st.data())
def test_datetimes_follow_use_tz_at_draw_time(data: st.DataObject) -> None:
    field = serializers.DateTimeField()
    with override_settings(USE_TZ=False):
        naive = data.draw(from_field(field))
        assert field.run_validation(naive).tzinfo is None
    with override_settings(USE_TZ=True, TIME_ZONE="Europe/Paris"):
        aware = data.draw(from_field(field))
        assert field.run_validation(aware).tzinfo is not None
        local = serializers.DateTimeField(input_formats=["%Y-%m-%d %H:%M:%S"])
        assert local.run_validation(data.draw(from_field(local))).tzinfo is not None


@EXAMPLES
@given(from_serializer(CompositeSerializer))
def test_composites_accepted(payload: Payload) -> None:
    assert_valid(CompositeSerializer(data=payload))
    assert 1 <= len(payload["parts"]) <= 3


@EXAMPLES
@given(from_serializer(ValidatedSerializer))
def test_unmodelled_validation_is_honoured(payload: Payload) -> None:
    assert payload["even"] % 2 == 0
    assert_valid(ValidatedSerializer(data=payload))


@EXAMPLES
@given(from_serializer(ScalarsSerializer, partial=True))
def test_partial_draws_valid_subsets(payload: Payload) -> None:
    assert_valid(ScalarsSerializer(data=payload, partial=True))


def test_partial_draws_omit_required_fields() -> None:
    seen: set[int] = set()

    @settings(max_examples=40, database=None)
    @given(from_serializer(ScalarsSerializer, partial=True))
    def collect(payload: Payload) -> None:
        seen.add(len(payload))

    collect()
    assert 0 in seen
    assert max(seen) > 1


@EXAMPLES
@given(from_serializer(FilesSerializer))
def test_file_fields_make_multipart_payloads(payload: Payload) -> None:
    assert payload["upload"].size > 0
    assert all(isinstance(value, str | list) for key, value in payload.items() if key != "upload")
    assert_valid(FilesSerializer(data=form(payload)))


class DatabaseDraws(TestCase):
    """Draws that read rows: each example runs in its own rolled-back transaction."""

    @classmethod
    def setUpTestData(cls) -> None:
        Tag.objects.bulk_create([Tag(name=f"tag-{index}") for index in range(3)])

    @EXAMPLES
    @given(data=st.data())
    def test_related_fields_sample_existing_rows(self, data: st.DataObject) -> None:
        payload = data.draw(from_serializer(RelationsSerializer))
        assert payload["tag"] in set(Tag.objects.values_list("pk", flat=True))
        assert 1 <= len(payload["tags"]) <= 3
        assert_valid(RelationsSerializer(data=payload))

    @EXAMPLES
    @given(data=st.data())
    def test_model_serializer_payloads_are_accepted_and_saved(self, data: st.DataObject) -> None:
        payload = data.draw(from_serializer(GadgetSerializer))
        serializer = GadgetSerializer(data=payload)
        assert_valid(serializer)
        gadget = serializer.save()
        assert Gadget.objects.filter(pk=gadget.pk).exists()

    @EXAMPLES
    @given(data=st.data())
    def test_unique_fields_avoid_existing_rows(self, data: st.DataObject) -> None:
        first = data.draw(from_serializer(GadgetSerializer))
        saved = GadgetSerializer(data=first)
        assert_valid(saved)
        saved.save()
        clash = {**first, "name": saved.validated_data["name"]}
        again = data.draw(from_serializer(GadgetSerializer))
        assert again["name"].strip() != clash["name"]
        assert_valid(GadgetSerializer(data=again))
        assert not GadgetSerializer(data=clash).is_valid()


class RelationsWithoutRows(TestCase):
    @settings(max_examples=1, database=None)
    @given(data=st.data())
    def test_required_relation_without_rows_names_the_fix(self, data: st.DataObject) -> None:
        with self.assertRaisesRegex(NoRowsError, "'tag'.*Tag has no rows"):
            data.draw(from_serializer(RelationsSerializer))

    @EXAMPLES
    @given(from_serializer(ArticleSerializer))
    def test_optional_relations_without_rows_are_left_out_or_empty(self, payload: Payload) -> None:
        assert payload.get("tags", []) == []
        assert_valid(ArticleSerializer(data=payload))


@EXAMPLES
@given(from_serializer(ScalarsSerializer(), integer=st.just(4)))
def test_keyword_strategies_override_fields_of_instances(payload: Payload) -> None:
    assert payload["integer"] == 4
    assert_valid(ScalarsSerializer(data=payload))
