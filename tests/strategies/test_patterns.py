"""Serializers people really write: lists of fields, recursion, decimals, source="*",
ModelField, usernames and their retype, rules no drawn value meets, base classes, context."""

import decimal
from typing import Any

import pytest
from django.contrib.auth.validators import UnicodeUsernameValidator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from restflow_testing.strategies import (
    InvalidPayload,
    Payload,
    SerializerError,
    UnsatisfiableSerializerError,
    UnsupportedFieldError,
    from_serializer,
    invalid_from_serializer,
)
from tests.project.app.serializers_patterns import (
    AmountsSerializer,
    BudgetSerializer,
    ChainSerializer,
    CommentSerializer,
    FolderSerializer,
    ListsSerializer,
    OrderSerializer,
)

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def collect(strategy: st.SearchStrategy[Any], count: int = 80) -> list[Any]:
    seen: list[Any] = []

    @settings(max_examples=count, database=None, deadline=None, derandomize=True)
    @given(strategy)
    def run(value: Any) -> None:
        seen.append(value)

    run()
    return seen


@EXAMPLES
@given(from_serializer(ListsSerializer))
def test_list_serializers_of_fields_and_lists_of_lists(payload: Payload) -> None:
    serializer = ListsSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    assert all(isinstance(item, int) and item >= 1 for item in payload["ids"])
    assert payload["grid"]
    assert all(row for row in payload["grid"])


def test_lists_of_lists_draw_items() -> None:
    seen = collect(from_serializer(ListsSerializer))
    assert any(len(payload["grid"]) > 1 for payload in seen)
    assert any(payload["ids"] for payload in seen)
    assert any(any(words) for payload in seen for words in payload.get("words", []))


@EXAMPLES
@given(invalid_from_serializer(ListsSerializer, validate=False))
def test_list_serializers_of_fields_are_broken_by_construction(payload: InvalidPayload) -> None:
    assert not ListsSerializer(data=payload).is_valid()


@EXAMPLES
@given(from_serializer(CommentSerializer))
def test_serializers_nesting_themselves_are_drawn_to_a_bounded_depth(payload: Payload) -> None:
    assert CommentSerializer(data=payload).is_valid()

    def depth(comment: Any) -> int:
        if not isinstance(comment, dict):
            return 0
        children: list[Any] = [*comment.get("replies", []), comment.get("quote")]
        return 1 + max((depth(child) for child in children), default=0)

    assert depth(payload) <= 3


def test_recursion_reaches_nested_levels() -> None:
    seen = collect(from_serializer(CommentSerializer))
    assert any(any(reply.get("replies") for reply in p.get("replies", [])) for p in seen)


@EXAMPLES
@given(from_serializer(FolderSerializer), invalid_from_serializer(FolderSerializer))
def test_recursion_through_another_serializer(payload: Payload, bad: InvalidPayload) -> None:
    assert FolderSerializer(data=payload).is_valid()
    assert not FolderSerializer(data=bad).is_valid()


def test_a_serializer_requiring_itself_forever_is_named() -> None:
    with pytest.raises(UnsatisfiableSerializerError, match=r"ChainSerializer.*\['next'\]"):
        from_serializer(ChainSerializer)


@EXAMPLES
@given(from_serializer(AmountsSerializer), invalid_from_serializer(AmountsSerializer))
def test_decimals_without_max_digits_fit_the_decimal_context(
    payload: Payload, bad: InvalidPayload
) -> None:
    assert AmountsSerializer(data=payload).is_valid()
    assert not AmountsSerializer(data=bad).is_valid()


def test_decimals_without_max_digits_still_draw_long_numbers() -> None:
    seen = collect(from_serializer(AmountsSerializer), 150)
    digits = [len(decimal.Decimal(payload["total"]).as_tuple().digits) for payload in seen]
    assert max(digits) > 12
    assert max(digits) <= decimal.getcontext().prec


@EXAMPLES
@given(from_serializer(OrderSerializer))
def test_source_star_fields_are_never_null(payload: Payload) -> None:
    assert payload["address"] is not None
    serializer = OrderSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors


def test_model_field_hint_names_the_django_model_field() -> None:
    with pytest.raises(UnsupportedFieldError) as caught:
        from_serializer(BudgetSerializer)
    message = str(caught.value)
    assert "'budget'" in message
    assert "Board.budget, a CentsField" in message
    assert "register_field_strategy(CentsField," in message


class UsernameSerializer(serializers.Serializer[Any]):
    """djoser's username change: Django's username validator and a retype of the new name."""

    new_username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    re_new_username = serializers.CharField(max_length=150)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["new_username"] != attrs["re_new_username"]:
            raise serializers.ValidationError({"re_new_username": "Usernames don't match."})
        return attrs


@EXAMPLES
@given(from_serializer(UsernameSerializer))
def test_regex_validator_subclasses_and_retypes_beyond_passwords(payload: Payload) -> None:
    assert payload["new_username"] == payload["re_new_username"]
    serializer = UsernameSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors


def test_field_validators_no_drawn_value_meets_name_the_field() -> None:
    def only_42(value: int) -> None:
        if value != 42:
            raise serializers.ValidationError("Only 42.")

    class Answer(serializers.Serializer[Any]):
        answer = serializers.IntegerField(validators=[only_42])

    with pytest.raises(UnsatisfiableSerializerError) as caught:
        collect(from_serializer(Answer), 5)
    message = str(caught.value)
    assert "the validators of field 'answer' (IntegerField)" in message
    assert "Only 42." in message
    assert "answer=st.just(value)" in message
    assert "register_field_strategy(IntegerField" in message
    assert collect(from_serializer(Answer, answer=st.just(42)), 5)[0] == {"answer": 42}


def test_base_classes_get_a_named_error() -> None:
    with pytest.raises(TypeError, match=r"cannot read the fields of ModelSerializer.*subclass"):
        from_serializer(serializers.ModelSerializer)

    class Plain(serializers.BaseSerializer[Any]):
        def to_internal_value(self, data: Any) -> Any:
            return data

    with pytest.raises(TypeError, match=r"Plain is a BaseSerializer without fields"):
        invalid_from_serializer(Plain)


class NeedsRequestSerializer(serializers.Serializer[Any]):
    """Reads the request from its context, as dj-rest-auth's and djoser's serializers do."""

    note = serializers.CharField(max_length=20)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.context["request"] is None:
            raise serializers.ValidationError("no request")
        return attrs


def test_context_a_serializer_reads_is_named() -> None:
    with pytest.raises(SerializerError) as caught:
        collect(from_serializer(NeedsRequestSerializer), 5)
    message = str(caught.value)
    assert "NeedsRequestSerializer raised KeyError: 'request'" in message
    assert "from_serializer(NeedsRequestSerializer(context={'request': ...}))" in message
    made = collect(from_serializer(NeedsRequestSerializer(context={"request": object()})), 5)
    assert made
