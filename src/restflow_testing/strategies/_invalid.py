"""Payloads a serializer must reject, each breaking at least one of its rules."""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeAlias

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework.fields import empty

from restflow_testing.strategies._dispatch import Context, invalid_strategies, one_of
from restflow_testing.strategies._forms import flatten_form
from restflow_testing.strategies._serializers import (
    AnySerializer,
    SerializerLike,
    accepts_payload,
    check_extra_data,
    fields_strategy,
    has_file_fields,
    make_template,
    with_extra_data,
    writable_fields,
)
from restflow_testing.strategies._shown import shown_as
from restflow_testing.strategies._types import JSONScalar, JSONValue, Payload

InvalidPayload: TypeAlias = Payload | list[JSONValue] | JSONScalar
"""What ``invalid_from_serializer`` draws: usually an object, sometimes not an object at all."""

_NOT_OBJECTS: list[Any] = [[], "text", 0, True, [{}]]


def _without(payload: Payload, name: str) -> Payload:
    return {key: value for key, value in payload.items() if key != name}


def _with(payload: Payload, name: str, value: object) -> Payload:
    return {**payload, name: value}


def broken_payloads(
    serializer: AnySerializer, ctx: Context, *, with_not_objects: bool
) -> list[SearchStrategy[Any]]:
    """One strategy per way to break ``serializer``: not an object, a missing required field,
    or one field given a value it rejects; everything else drawn valid."""
    base_ctx = replace(ctx, lenient_rows=True)
    name = type(serializer).__name__
    base = shown_as(f"<valid fields of {name}>", fields_strategy(serializer, base_ctx, {}))
    out: list[SearchStrategy[Any]] = []
    if with_not_objects and not ctx.multipart:
        out.append(st.sampled_from(_NOT_OBJECTS))
    writable = writable_fields(serializer)
    required = [
        name
        for name, field in writable.items()
        if field.required
        and not ctx.partial
        and (not ctx.multipart or field.default_empty_html is empty)
    ]
    if required:
        out.append(st.tuples(base, st.sampled_from(required)).map(lambda pair: _without(*pair)))
    for name, field in writable.items():
        bad = invalid_strategies(field, base_ctx.child(name))
        if bad:
            out.append(
                st.tuples(base, st.just(name), one_of(bad)).map(lambda triple: _with(*triple))
            )
    return out


def invalid_from_serializer(
    serializer: SerializerLike,
    /,
    *,
    multipart: bool | None = None,
    validate: bool = True,
    extra_data: Mapping[str, SearchStrategy[Any]] | None = None,
) -> SearchStrategy[InvalidPayload]:
    """Payloads that ``serializer`` rejects: ``serializer(data=payload).is_valid()`` is false.

    Each payload breaks at least one rule, drawn from what the fields declare: not an object at
    all, a required field missing, or one field given a value of the wrong type, out of range,
    too long or too short, not among the choices, in a bad format, null where null is not
    allowed, blank where blank is not allowed, or a related row that does not exist; for a
    nested serializer, one of its fields broken the same way (or, for ``many=True``, one item
    among valid ones, or the list's length). The other fields are drawn valid (related fields
    without rows are left out), so the payload is otherwise realistic and shrinks to one small
    broken field. Every draw is checked with the serializer itself, so the guarantee holds for
    custom validation too; a serializer that raises something else than a validation error
    then raises ``SerializerError``.

    ``validate=False`` leaves that check out (for serializers whose ``is_valid()`` has effects):
    payloads then break a rule of the fields' own, which DRF rejects unless the serializer
    overrides how it reads its fields. ``extra_data`` adds keys that are not fields to every
    payload, as for [`from_serializer()`][restflow_testing.strategies.from_serializer]. Payloads
    are JSON-ready, or multipart form payloads under the same rule as ``from_serializer()`` (file
    fields present, or ``multipart=True``): there, nested objects are flattened into the
    ``parent.child`` and ``parent[0]child`` keys DRF reads, and a broken nested field is
    reported by DRF where it would be for JSON.
    """
    template = make_template(serializer, partial=False, caller="invalid_from_serializer")
    extra = check_extra_data(
        extra_data, writable_fields(template), caller="invalid_from_serializer"
    )
    form = has_file_fields(template) if multipart is None else multipart
    ctx = Context(
        partial=bool(getattr(template, "partial", False)), multipart=form, validate=validate
    ).inside(template)
    ways = broken_payloads(template, ctx, with_not_objects=True)
    if not ways:
        raise ValueError(
            f"invalid_from_serializer() found no rule to break in {type(template).__name__}: "
            "it has no writable fields that can be sent invalid"
        )
    strategy: SearchStrategy[InvalidPayload] = st.one_of(*ways)
    if form:
        strategy = strategy.map(
            lambda payload: flatten_form(payload) if isinstance(payload, dict) else payload
        )
    strategy = with_extra_data(strategy, extra)
    if validate:
        strategy = strategy.filter(
            lambda payload: (
                not accepts_payload(
                    template, payload, multipart=form, caller="invalid_from_serializer"
                )[0]
            )
        )
    return shown_as(f"invalid_from_serializer({type(template).__name__})", strategy)
