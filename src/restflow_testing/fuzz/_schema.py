"""Whether a response body matches the fields and types of the view's output serializer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from rest_framework import fields, relations, serializers

_ANY = object()


def representation_problem(serializer_class: type[Any], body: object, *, many: bool) -> str | None:
    """What is wrong with ``body`` as ``serializer_class``'s representation (a list of them, or a
    page holding one in ``results``, when ``many``); ``None`` when it matches or cannot be
    judged (a serializer with its own ``to_representation``)."""
    if _custom_representation(serializer_class):
        return None
    try:
        serializer = serializer_class()
    except Exception:
        return None
    shown = body  # as received, for messages
    if many:
        items: object = body
        if isinstance(body, dict):
            items = cast("dict[str, object]", body).get("results")
        if not isinstance(items, list):
            return f"a list response is {_name(shown)}, not a list or a page with 'results'"
        for index, item in enumerate(cast("list[object]", items)):
            problem = _object_problem(serializer, item)
            if problem:
                return f"item {index}: {problem}"
        return None
    return _object_problem(serializer, body)


def _custom_representation(serializer_class: type[Any]) -> bool:
    own = serializer_class.to_representation
    return own not in {
        serializers.Serializer.to_representation,
        serializers.ListSerializer.to_representation,
    }


def _object_problem(serializer: Any, body: object) -> str | None:
    if not isinstance(body, dict):
        return f"the body is {_name(body)}, not an object"
    fields_in_body = cast("dict[str, object]", body)
    readable: Mapping[str, Any] = {
        name: item for name, item in serializer.fields.items() if not item.write_only
    }
    extra = sorted(set(fields_in_body) - set(readable))
    if extra:
        return f"fields {extra} are not fields of {type(serializer).__name__}"
    missing = sorted(
        name for name, item in readable.items() if item.required and name not in fields_in_body
    )
    if missing:
        return f"fields {missing} of {type(serializer).__name__} are missing"
    for name, item in readable.items():
        if name in fields_in_body:
            problem = _value_problem(item, fields_in_body[name])
            if problem:
                return f"field {name!r}: {problem}"
    return None


def _value_problem(item: Any, value: object) -> str | None:
    if value is None:  # DRF writes None for any attribute that is None
        return None
    if isinstance(item, serializers.ListSerializer):
        if not isinstance(value, list):
            return f"{_name(value)}, expected a list"
        for element in cast("list[object]", value):
            problem = _value_problem(item.child, element)
            if problem:
                return problem
        return None
    if isinstance(item, serializers.BaseSerializer):
        nested: Any = cast(Any, item)
        if _custom_representation(nested.__class__):
            return None
        return _object_problem(nested, value)
    if isinstance(item, relations.ManyRelatedField | fields.MultipleChoiceField | fields.ListField):
        return None if isinstance(value, list) else f"{_name(value)}, expected a list"
    expected = _expected(item)
    if expected is _ANY or isinstance(value, expected):
        if isinstance(value, bool) and expected in {(int,), (int, float)}:
            return f"{_name(value)}, expected {_names(expected)}"
        return None
    return f"{_name(value)}, expected {_names(expected)}"


def _expected(item: Any) -> Any:
    if isinstance(item, fields.BooleanField):
        return (bool,)
    if isinstance(item, fields.IntegerField):
        return (int,)
    if isinstance(item, fields.FloatField):
        return (int, float)
    if isinstance(item, fields.DecimalField):
        return (str, int, float)
    if isinstance(item, fields.DictField | fields.HStoreField):
        return (dict,)
    if isinstance(
        item,
        fields.CharField
        | fields.DateTimeField
        | fields.DateField
        | fields.TimeField
        | fields.DurationField
        | fields.FileField
        | relations.HyperlinkedRelatedField
        | relations.StringRelatedField,
    ):
        return (str,)
    if isinstance(item, fields.UUIDField):
        return (str, int)
    if isinstance(item, relations.PrimaryKeyRelatedField):
        return (int, str)
    return _ANY


def _names(expected: tuple[type, ...]) -> str:
    return " or ".join(_TYPE_NAMES[t] for t in expected)


_TYPE_NAMES = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    dict: "an object",
}


def _name(value: object) -> str:
    return f"{type(value).__name__} {value!r}"[:80]


def assert_representation(body: object, serializer_class: type[Any], *, many: bool = False) -> None:
    """Raise ``AssertionError`` naming the first difference between ``body`` (a response's
    JSON) and ``serializer_class``'s representation: unknown or missing fields, values of the
    wrong type. ``many=True`` takes a list, or a page holding the list in ``results``."""
    problem = representation_problem(serializer_class, body, many=many)
    if problem is not None:
        raise AssertionError(problem)
