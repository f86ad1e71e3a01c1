"""Composite fields: lists, dicts, JSON, and nested serializers (single and ``many=True``)."""

import contextlib
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import fields, serializers
from rest_framework.validators import UniqueTogetherValidator, UniqueValidator

from restflow_testing._loop_thread import call_on_serving_thread
from restflow_testing.strategies._dispatch import (
    Context,
    Kind,
    builtin,
    invalid_strategies,
    one_of,
    value_strategy,
)
from restflow_testing.strategies._forms import as_form_data, flatten_form
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
from restflow_testing.strategies._validation import Tally, accepted_only, run_nested_validation

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


_RECURSION_DEPTH = 3
"""How many times a serializer may enclose itself (a comment's replies' replies): deeper, its
optional fields are left out and its lists are empty."""


def nested_valid(serializer: AnySerializer, ctx: Context) -> SearchStrategy[Any]:
    """Payloads for a nested serializer field, checked with it when it validates more.

    In a form, they are dicts that the top level flattens into ``parent.child`` keys; a required
    nested serializer then needs at least one key sent.
    """
    if ctx.depth_of(serializer) >= _RECURSION_DEPTH:
        return st.nothing()
    inner = ctx.inside(serializer)
    strategy: SearchStrategy[Any] = fields_strategy(serializer, inner, {})
    if ctx.multipart and serializer.required and not ctx.partial:
        strategy = strategy.filter(bool)
    if ctx.validate and has_serializer_checks(serializer):
        tally = Tally.of_serializer(type(serializer).__name__, "from_serializer", ctx.path)

        def check(payload: Any) -> tuple[bool, object]:
            data = as_form_data(flatten_form(payload)) if ctx.multipart else payload
            return call_on_serving_thread(
                lambda: run_nested_validation(
                    serializer, data, caller="from_serializer", payload=payload
                )
            )

        strategy = accepted_only(strategy, check, tally)
    return strategy


def nested_invalid(serializer: AnySerializer, ctx: Context) -> list[SearchStrategy[Any]]:
    """Values a nested serializer field rejects: not objects, or objects with a broken field.

    A form has no objects, only the ``parent.child`` keys DRF reads them from: there, only
    objects with a broken field (flattened into such keys at the top level).
    """
    from restflow_testing.strategies._invalid import broken_payloads

    out: list[SearchStrategy[Any]] = []
    if not ctx.multipart:
        out.append(st.sampled_from([[], "text", 1, True]))
    if ctx.depth_of(serializer) < _RECURSION_DEPTH:
        out.extend(broken_payloads(serializer, ctx.inside(serializer), with_not_objects=False))
    return out


def _serializer_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    return nested_valid(cast(AnySerializer, field), ctx)


def _serializer_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    return nested_invalid(cast(AnySerializer, field), ctx)


def _many_sizes(field: AnyField) -> tuple[int, int]:
    low: int = getattr(field, "min_length", None) or 0
    if not getattr(field, "allow_empty", True):
        low = max(low, 1)
    high: int | None = getattr(field, "max_length", None)
    return low, (low + _NESTED_LIMIT if high is None else high)


def _item_valid(child: AnyField, ctx: Context) -> SearchStrategy[Any]:
    """Items of a ``ListSerializer``: payloads of a child serializer, or values of a child field
    (``ListSerializer(child=IntegerField())``)."""
    if isinstance(child, serializers.Serializer):
        return nested_valid(cast(AnySerializer, child), ctx)
    return value_strategy(child, ctx)


def _item_invalid(child: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    if isinstance(child, serializers.Serializer):
        return nested_invalid(cast(AnySerializer, child), ctx)
    return invalid_strategies(child, ctx)


def _stored_value(field: AnyField, payload: object, name: str) -> object:
    """What a unique column would store for ``payload[name]`` (trimmed text, parsed numbers),
    hashable; a missing value is unique."""
    if not isinstance(payload, dict) or name not in payload:
        return object()
    value: object = cast(dict[str, object], payload)[name]
    # A value the field rejects is left to validation to report.
    with contextlib.suppress(Exception):
        value = field.to_internal_value(value)
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _key(writable: dict[str, AnyField], names: list[str]) -> Callable[[Any], object]:
    def key(payload: Any) -> object:
        return tuple(_stored_value(writable[name], payload, name) for name in names)

    return key


def _model_unique_sets(serializer: AnySerializer) -> list[list[str]]:
    """The unique fields and unique-together sets of a ``ModelSerializer``'s model, by model
    field name (DRF validates a set only when the serializer has all of its fields)."""
    model: Any = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None:
        return []
    meta = model._meta
    sets: list[list[str]] = [
        [field.name] for field in meta.concrete_fields if field.unique and not field.primary_key
    ]
    sets.extend([str(name) for name in names] for names in meta.unique_together)
    sets.extend(
        [str(name) for name in constraint.fields] for constraint in meta.total_unique_constraints
    )
    return sets


def unique_keys(child: AnyField) -> list[Callable[[Any], object]]:
    """A key per rule of uniqueness the items of a ``many=True`` list must keep among
    themselves: per unique field and unique-together set of the child serializer or its model.

    DRF checks these against the rows in the database only (and a set whose other fields the
    payload does not send, such as the parent row, not at all), so two items of one list that
    share values pass validation and then fail on save. Fields the payload does not send are
    the same for every item of one list: the fields it sends must differ.
    """
    if not isinstance(child, serializers.Serializer):
        return []
    serializer = cast(AnySerializer, child)
    writable = writable_fields(serializer)
    by_source = {str(field.source): name for name, field in writable.items()}
    groups: list[list[str]] = [
        [name]
        for name, field in writable.items()
        if any(isinstance(validator, UniqueValidator) for validator in field.validators)
    ]
    for validator in cast(list[object], serializer.validators):
        if isinstance(validator, UniqueTogetherValidator):
            groups.append([str(name) for name in validator.fields if name in writable])
    for model_names in _model_unique_sets(serializer):
        groups.append([by_source[name] for name in model_names if name in by_source])
    unique_groups = {tuple(names) for names in groups if names}
    return [_key(writable, list(names)) for names in sorted(unique_groups)]


def _list_serializer_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    child: AnyField = cast(Any, field).child
    if ctx.multipart and not isinstance(child, serializers.Serializer):
        raise unsupported(field, ctx.path, "a form sends lists of objects only")
    low, high = _many_sizes(field)
    if ctx.multipart:
        # A form sends no empty list; each item as "parent[i]child" keys, one value per key.
        low = max(low, 1)
        ctx = replace(ctx, form_item=True)
    item = _item_valid(child, ctx.child("[]"))
    if item.is_empty:
        # A serializer nested in itself as deep as it may be: only an empty list is left.
        return st.just([]) if low == 0 else st.nothing()
    keys = unique_keys(child)
    if keys:
        return st.lists(item, min_size=low, max_size=high, unique_by=tuple(keys))
    return st.lists(item, min_size=low, max_size=high)


def _list_serializer_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    """Lists a ``ListSerializer`` rejects: not lists, too long or too short, or with a broken
    item. In a form (lists of objects only, sent as ``parent[i]child`` keys), no list is sent
    empty and none is anything but objects: too long, too short but not empty, or an item with
    a broken field."""
    child: AnyField = cast(Any, field).child
    low, _ = _many_sizes(field)
    high: int | None = getattr(field, "max_length", None)
    out: list[SearchStrategy[Any]] = []
    if ctx.multipart:
        if not isinstance(child, serializers.Serializer):
            return []
        ctx = replace(ctx, form_item=True)
    else:
        out.append(st.sampled_from([{}, "text", 1, True]))
    item = _item_valid(child, ctx.child("[]"))
    if high is not None:
        out.append(st.lists(item, min_size=high + 1, max_size=high + 2))
    if low > 0 and (low > 1 or not ctx.multipart):
        out.append(st.lists(item, min_size=int(ctx.multipart), max_size=low - 1))
    bad = _item_invalid(child, ctx.child("[]"))
    if bad:
        # Among as many valid items as the list needs, so that the item is what is broken.
        others = st.lists(item, min_size=max(low - 1, 0), max_size=max(low - 1, 0))
        out.append(st.tuples(others, one_of(bad)).map(lambda pair: [pair[1], *pair[0]]))
    return out


builtin(fields.ListField, kind=Kind(_list_valid, _list_invalid))
builtin(fields.DictField, kind=Kind(_dict_valid, _dict_invalid))
builtin(fields.JSONField, kind=Kind(_json_valid, _json_invalid))
builtin(fields._UnvalidatedField, kind=Kind(_anything_valid, _no_invalid))
builtin(serializers.Serializer, kind=Kind(_serializer_valid, _serializer_invalid))
builtin(serializers.ListSerializer, kind=Kind(_list_serializer_valid, _list_serializer_invalid))

__all__ = ["nested_invalid", "nested_valid", "writable_fields"]
