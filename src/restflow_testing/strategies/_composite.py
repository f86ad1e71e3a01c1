"""Composite fields: lists, dicts, JSON, and nested serializers (single and ``many=True``)."""

import json
from typing import Any, cast

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import fields, serializers

from restflow_testing.strategies._dispatch import (
    Context,
    Kind,
    accepts,
    builtin,
    invalid_strategies,
    one_of,
    value_strategy,
)
from restflow_testing.strategies._json import json_values
from restflow_testing.strategies._registry import unsupported
from restflow_testing.strategies._serializers import (
    AnySerializer,
    fields_strategy,
    has_serializer_checks,
    writable_fields,
)
from restflow_testing.strategies._text import TEXT_CHARACTERS
from restflow_testing.strategies._types import AnyField

_NESTED_LIMIT = 4
_COMPLEX_CHILDREN = (fields.ListField, fields.DictField, serializers.BaseSerializer)


def _sizes(field: AnyField, ctx: Context) -> tuple[int, int | None]:
    low: int = getattr(field, "min_length", None) or 0
    high: int | None = getattr(field, "max_length", None)
    if not getattr(field, "allow_empty", True) or ctx.multipart:
        low = max(low, 1)
    return low, high


def _list_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    child: AnyField = cast(Any, field).child
    if ctx.multipart and isinstance(child, (*_COMPLEX_CHILDREN, fields._UnvalidatedField)):
        raise unsupported(field, ctx.path, "a list of structured items cannot be sent as a form")
    low, high = _sizes(field, ctx)
    return st.lists(value_strategy(child, ctx.child("[]")), min_size=low, max_size=high)


def _list_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    child: AnyField = cast(Any, field).child
    low, high = _sizes(field, ctx)
    item = value_strategy(child, ctx.child("[]"))
    out: list[SearchStrategy[Any]] = []
    if not ctx.multipart:
        out.append(st.sampled_from(["text", 1, {"a": 1}, True]))
    if high is not None:
        out.append(st.lists(item, min_size=high + 1, max_size=high + 3))
    if low > 0 and not ctx.multipart:
        out.append(st.lists(item, min_size=0, max_size=low - 1))
    bad_items = invalid_strategies(child, ctx.child("[]"))
    if bad_items:
        out.append(
            st.tuples(st.lists(item, max_size=2), one_of(bad_items)).map(
                lambda pair: [*pair[0], pair[1]]
            )
        )
    return out


def _dict_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    if ctx.multipart:
        raise unsupported(field, ctx.path, "dictionaries cannot be sent as a multipart form")
    child: AnyField = cast(Any, field).child
    low = 0 if getattr(field, "allow_empty", True) else 1
    keys = st.text(TEXT_CHARACTERS, max_size=12)
    return st.dictionaries(keys, value_strategy(child, ctx.child("{}")), min_size=low, max_size=6)


def _dict_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    child: AnyField = cast(Any, field).child
    out: list[SearchStrategy[Any]] = [st.sampled_from(["text", 1, [1, 2], True])]
    if not getattr(field, "allow_empty", True):
        out.append(st.just({}))
    bad_items = invalid_strategies(child, ctx.child("{}"))
    if bad_items:
        out.append(one_of(bad_items).map(lambda value: {"key": value}))
    return out


def _json_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    values: SearchStrategy[Any] = json_values().filter(lambda value: value is not None)
    if ctx.multipart or getattr(field, "binary", False):
        return values.map(json.dumps)
    return values


def _json_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    if ctx.multipart or getattr(field, "binary", False):
        return [st.sampled_from(["{", "[1,", "not json", "{'a': 1}", "tru"])]
    return []


def _anything_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    values: SearchStrategy[Any] = json_values()
    return values.map(json.dumps) if ctx.multipart else values


def _no_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    return []


def nested_valid(serializer: AnySerializer, ctx: Context) -> SearchStrategy[Any]:
    """Payloads for a nested serializer field, checked with it when it validates more."""
    if ctx.multipart:
        raise unsupported(serializer, ctx.path, "nested objects cannot be sent as a multipart form")
    strategy: SearchStrategy[Any] = fields_strategy(serializer, ctx, {})
    if has_serializer_checks(serializer):
        strategy = strategy.filter(lambda payload: accepts(serializer, payload))
    return strategy


def nested_invalid(serializer: AnySerializer, ctx: Context) -> list[SearchStrategy[Any]]:
    """Values a nested serializer field rejects: not objects, or objects with a broken field."""
    from restflow_testing.strategies._invalid import broken_payloads

    out: list[SearchStrategy[Any]] = [st.sampled_from([[], "text", 1, True])]
    out.extend(broken_payloads(serializer, ctx, with_not_objects=False))
    return out


def _serializer_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    return nested_valid(cast(AnySerializer, field), ctx)


def _serializer_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    if ctx.multipart:
        return []
    return nested_invalid(cast(AnySerializer, field), ctx)


def _many_sizes(field: AnyField) -> tuple[int, int]:
    low: int = getattr(field, "min_length", None) or 0
    if not getattr(field, "allow_empty", True):
        low = max(low, 1)
    high: int | None = getattr(field, "max_length", None)
    return low, (low + _NESTED_LIMIT if high is None else high)


def _list_serializer_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    if ctx.multipart:
        raise unsupported(field, ctx.path, "lists of objects cannot be sent as a multipart form")
    child: AnySerializer = cast(Any, field).child
    low, high = _many_sizes(field)
    return st.lists(nested_valid(child, ctx.child("[]")), min_size=low, max_size=high)


def _list_serializer_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    if ctx.multipart:
        return []
    child: AnySerializer = cast(Any, field).child
    low, _ = _many_sizes(field)
    high: int | None = getattr(field, "max_length", None)
    item = nested_valid(child, ctx.child("[]"))
    out: list[SearchStrategy[Any]] = [st.sampled_from([{}, "text", 1, True])]
    if high is not None:
        out.append(st.lists(item, min_size=high + 1, max_size=high + 2))
    if low > 0:
        out.append(st.lists(item, max_size=low - 1))
    bad = nested_invalid(child, ctx.child("[]"))
    out.append(one_of(bad).map(lambda value: [value]))
    return out


builtin(fields.ListField, kind=Kind(_list_valid, _list_invalid))
builtin(fields.DictField, kind=Kind(_dict_valid, _dict_invalid))
builtin(fields.JSONField, kind=Kind(_json_valid, _json_invalid))
builtin(fields._UnvalidatedField, kind=Kind(_anything_valid, _no_invalid))
builtin(serializers.Serializer, kind=Kind(_serializer_valid, _serializer_invalid))
builtin(serializers.ListSerializer, kind=Kind(_list_serializer_valid, _list_serializer_invalid))

__all__ = ["nested_invalid", "nested_valid", "writable_fields"]
