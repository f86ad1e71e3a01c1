"""Choice fields: single and multiple choice, grouped choices included."""

from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import fields

from restflow_testing.strategies._dispatch import Context, Kind, builtin, probe
from restflow_testing.strategies._registry import unsupported
from restflow_testing.strategies._types import AnyField


def choice_values(field: AnyField, ctx: Context) -> list[object]:
    """Each accepted choice once, as JSON (or a form) carries it."""
    mapping: dict[str, object] = getattr(field, "choice_strings_to_values", {})
    out: list[object] = []
    for text, key in mapping.items():
        if ctx.multipart:
            out.append(text)
        elif isinstance(key, str | int | float) and str(key) == text:
            out.append(key)
        else:
            out.append(text)
    return out


def _choice_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    values = choice_values(field, ctx)
    options: list[object] = [*values, ""] if getattr(field, "allow_blank", False) else values
    if not options and field.required and not getattr(field, "allow_null", False):
        raise unsupported(field, ctx.path, "it has no choices")
    return st.sampled_from(options) if options else st.nothing()


def _bad_choices(field: AnyField) -> list[object]:
    taken = set(getattr(field, "choice_strings_to_values", {}))
    bad: list[object] = []
    for candidate in ["not-a-choice", "?", "-1", "zzz", "0.5", "NONE"]:
        if candidate not in taken:
            bad.append(candidate)
    return bad


def _choice_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    extra: list[object] = [] if ctx.multipart else [[], {}, ["x"]]
    return probe(field, [*_bad_choices(field), *extra], ctx)


def _multiple_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    values = choice_values(field, ctx)
    allow_empty = bool(getattr(field, "allow_empty", True))
    if not values and not allow_empty:
        raise unsupported(field, ctx.path, "it has no choices and may not be empty")
    if not values:
        return st.just([])
    return st.lists(st.sampled_from(values), unique=True, min_size=0 if allow_empty else 1)


def _multiple_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    out: list[SearchStrategy[Any]] = []
    bad = _bad_choices(field)
    if bad:
        out.append(st.sampled_from(bad).map(lambda value: [value]))
    if not ctx.multipart:
        out.extend(probe(field, ["a", 1, {}, True], ctx))
    if not getattr(field, "allow_empty", True) and not ctx.multipart:
        out.append(st.just([]))
    return out


builtin(fields.ChoiceField, kind=Kind(_choice_valid, _choice_invalid))
builtin(fields.MultipleChoiceField, kind=Kind(_multiple_valid, _multiple_invalid))
