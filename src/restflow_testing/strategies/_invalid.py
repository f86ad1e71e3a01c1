"""Payloads a serializer must reject, each breaking at least one of its rules."""

from dataclasses import replace
from typing import Any, TypeAlias

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework.fields import empty

from restflow_testing.strategies._dispatch import Context, invalid_strategies, one_of
from restflow_testing.strategies._serializers import (
    AnySerializer,
    SerializerLike,
    fields_strategy,
    has_file_fields,
    is_accepted,
    make_template,
    writable_fields,
)
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
    base = fields_strategy(serializer, base_ctx, {})
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


def invalid_payloads(
    serializer: SerializerLike, /, *, multipart: bool | None = None, verify: bool = True
) -> SearchStrategy[InvalidPayload]:
    """The strategy behind
    [`invalid_from_serializer()`][restflow_testing.strategies.invalid_from_serializer];
    ``verify=False`` skips the final check, so tests can prove the construction alone breaks a rule.
    """
    template = make_template(serializer, partial=False, caller="invalid_from_serializer")
    form = has_file_fields(template) if multipart is None else multipart
    ctx = Context(partial=bool(getattr(template, "partial", False)), multipart=form)
    ways = broken_payloads(template, ctx, with_not_objects=True)
    if not ways:
        raise ValueError(
            f"invalid_from_serializer() found no rule to break in {type(template).__name__}: "
            "it has no writable fields that can be sent invalid"
        )
    strategy: SearchStrategy[InvalidPayload] = st.one_of(*ways)
    if verify:
        strategy = strategy.filter(
            lambda payload: not is_accepted(template, payload, multipart=form)
        )
    return strategy


def invalid_from_serializer(
    serializer: SerializerLike, /, *, multipart: bool | None = None
) -> SearchStrategy[InvalidPayload]:
    """Payloads that ``serializer`` rejects: ``serializer(data=payload).is_valid()`` is false.

    Each payload breaks at least one rule, drawn from what the fields declare: not an object at
    all, a required field missing, or one field given a value of the wrong type, out of range,
    too long or too short, not among the choices, in a bad format, null where null is not
    allowed, blank where blank is not allowed, or a related row that does not exist. The other
    fields are drawn valid (related fields without rows are left out), so the payload is
    otherwise realistic and shrinks to one small broken field. Every draw is checked with the
    serializer itself, so the guarantee holds for custom validation too.

    Payloads are JSON-ready, or multipart form payloads under the same rule as
    [`from_serializer()`][restflow_testing.strategies.from_serializer] (file fields present, or
    ``multipart=True``).
    """
    return invalid_payloads(serializer, multipart=multipart)
