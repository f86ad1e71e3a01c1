"""invalid_from_serializer: every payload is rejected, by construction and not only by filtering."""

import warnings
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample
from hypothesis.extra.django import TestCase
from rest_framework import serializers

from restflow_testing.strategies import InvalidPayload, invalid_from_serializer
from tests.project.app.models import Tag
from tests.project.app.serializers_strategies import (
    CompositeSerializer,
    FilesSerializer,
    GadgetSerializer,
    RelationsSerializer,
    ScalarsSerializer,
)
from tests.strategies.test_valid import form

EXAMPLES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rejected(serializer: serializers.BaseSerializer[Any]) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return not serializer.is_valid()


@EXAMPLES
@given(invalid_from_serializer(ScalarsSerializer, validate=False))
def test_scalar_rules_are_broken_by_construction(payload: InvalidPayload) -> None:
    assert rejected(ScalarsSerializer(data=payload))


@EXAMPLES
@given(invalid_from_serializer(CompositeSerializer, validate=False))
def test_composite_rules_are_broken_by_construction(payload: InvalidPayload) -> None:
    assert rejected(CompositeSerializer(data=payload))


@EXAMPLES
@given(invalid_from_serializer(FilesSerializer, validate=False))
def test_multipart_rules_are_broken_by_construction(payload: InvalidPayload) -> None:
    assert isinstance(payload, dict)
    assert rejected(FilesSerializer(data=form(payload)))


@EXAMPLES
@given(invalid_from_serializer(ScalarsSerializer))
def test_public_strategy_is_rejected(payload: InvalidPayload) -> None:
    assert rejected(ScalarsSerializer(data=payload))


def _breakages(payload: InvalidPayload) -> set[str]:
    """The error codes the serializer reports for ``payload`` ("not an object" for non-dicts)."""
    if not isinstance(payload, dict):
        return {"not an object"}
    serializer = ScalarsSerializer(data=payload)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        serializer.is_valid()
    errors: dict[str, Any] = dict(cast(Any, serializer.errors))
    return {str(detail.code) for details in errors.values() for detail in details}


@pytest.mark.parametrize(
    "wanted",
    [
        {"not an object"},
        {"required"},
        {"invalid"},
        {"null"},
        {"max_length", "min_length", "max_value", "min_value", "invalid_choice"},
    ],
)
def test_every_kind_of_breakage_is_drawn(wanted: set[str]) -> None:
    # find() searches until one payload breaks the rule (no shrinking: any witness will do).
    found = find(
        invalid_from_serializer(ScalarsSerializer),
        lambda payload: bool(_breakages(payload) & wanted),
        settings=settings(max_examples=2000, database=None, deadline=None, phases=[Phase.generate]),
    )
    assert _breakages(found) & wanted


class DatabaseInvalid(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        Tag.objects.bulk_create([Tag(name=f"tag-{index}") for index in range(2)])

    @EXAMPLES
    @given(data=st.data())
    def test_relations_and_model_rules_are_broken(self, data: st.DataObject) -> None:
        relations = data.draw(invalid_from_serializer(RelationsSerializer, validate=False))
        assert rejected(RelationsSerializer(data=relations))
        gadget = data.draw(invalid_from_serializer(GadgetSerializer, validate=False))
        assert rejected(GadgetSerializer(data=gadget))

    def test_a_mapping_never_stands_in_for_a_broken_list(self) -> None:
        # DRF iterates a mapping given to a many-related field: {} is a valid empty list to it.
        class TagsOnly(serializers.Serializer[Any]):
            tags: Any = serializers.PrimaryKeyRelatedField[Tag](
                queryset=Tag.objects.all(), many=True
            )

        with self.assertRaises(NoSuchExample):
            find(
                invalid_from_serializer(TagsOnly, validate=False),
                lambda payload: isinstance(payload, dict) and isinstance(payload.get("tags"), dict),
                settings=settings(
                    max_examples=300, database=None, deadline=None, phases=[Phase.generate]
                ),
            )

    @settings(max_examples=30, deadline=None)
    @given(data=st.data())
    def test_invalid_payloads_need_no_rows(self, data: st.DataObject) -> None:
        Tag.objects.all().delete()
        payload = data.draw(invalid_from_serializer(RelationsSerializer))
        assert rejected(RelationsSerializer(data=payload))
