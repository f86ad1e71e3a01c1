"""Number fields: integer, float and decimal (digits, places and bounds), and booleans."""

import decimal
import math
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import fields
from rest_framework.settings import api_settings

from restflow_testing.strategies._dispatch import (
    VALUE_VALIDATORS,
    Context,
    Kind,
    builtin,
    honours_types,
    int_bounds,
    probe,
    to_form,
    value_bounds,
)
from restflow_testing.strategies._types import AnyField

_WRONG_TYPES: list[object] = ["abc", "", [], {}, "1.5.1", True]


def _integer_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    low, high = int_bounds(field, storable=True)
    strategy: SearchStrategy[Any] = st.integers(low, high)
    return strategy.map(to_form) if ctx.multipart else strategy


def _integer_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    low, high = int_bounds(field)
    out: list[SearchStrategy[Any]] = []
    if low is not None:
        out.append(st.integers(max_value=low - 1))
    if high is not None:
        out.append(st.integers(min_value=high + 1))
    candidates: list[object] = [*_WRONG_TYPES, 1.5, "1e3", "0x10"]
    out.extend(probe(field, candidates, ctx))
    if ctx.multipart:
        out = [strategy.map(to_form) for strategy in out]
    return out


def _float_bounds(field: AnyField) -> tuple[Any, Any]:
    return value_bounds(field)


def _within(value: float, low: Any, high: Any) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _float_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    low, high = _float_bounds(field)
    strategy: SearchStrategy[Any] = st.floats(
        min_value=None if low is None else float(low),
        max_value=None if high is None else float(high),
        allow_nan=False,
        allow_infinity=False,
    )
    if low is not None or high is not None:
        strategy = strategy.filter(lambda value: _within(value, low, high))
    return strategy.map(to_form) if ctx.multipart else strategy


def _float_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    low, high = _float_bounds(field)
    out: list[SearchStrategy[Any]] = []
    if low is not None and math.isfinite(float(low)) and float(low) > -1e300:
        below = st.floats(max_value=float(low) - abs(float(low)) - 1, allow_nan=False)
        out.append(below.filter(math.isfinite))
    if high is not None and math.isfinite(float(high)) and float(high) < 1e300:
        above = st.floats(min_value=float(high) + abs(float(high)) + 1, allow_nan=False)
        out.append(above.filter(math.isfinite))
    out.extend(probe(field, [*_WRONG_TYPES, "nan", "inf", "-inf", "1e400"], ctx))
    if ctx.multipart:
        out = [strategy.map(to_form) for strategy in out]
    return out


def _decimal_text(value: Decimal) -> str:
    return f"{value:f}"


def _digits(value: Decimal) -> tuple[int, int, int]:
    """(total digits, decimal places, whole digits) as DRF's DecimalField counts them."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return (0, 0, 0)
    if exponent >= 0:
        total = len(digits) + exponent
        return total, 0, total
    if len(digits) > -exponent:
        return len(digits), -exponent, len(digits) + exponent
    return -exponent, -exponent, 0


def _fits_precision(value: Decimal, max_digits: int | None, places: int | None) -> bool:
    total, decimals, whole = _digits(value)
    if max_digits is not None and total > max_digits:
        return False
    if places is not None and decimals > places:
        return False
    return not (max_digits is not None and places is not None and whole > max_digits - places)


def _scaled(bound: Any, places: int, rounding: str) -> int:
    scaled = Decimal(bound).scaleb(places)
    return int(scaled.to_integral_value(rounding=rounding))


def _decimal_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    max_digits: int | None = getattr(field, "max_digits", None)
    places: int | None = getattr(field, "decimal_places", None)
    low, high = value_bounds(field)
    coerce = bool(getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING))

    # DRF quantizes to ``decimal_places`` in a context whose precision is ``max_digits``, or the
    # current context's when there is none: a longer number makes it raise InvalidOperation.
    digits = max_digits
    if digits is None and places is not None:
        digits = decimal.getcontext().prec

    def mantissas(scale: int) -> SearchStrategy[int]:
        lo = None if low is None else _scaled(low, scale, decimal.ROUND_CEILING)
        hi = None if high is None else _scaled(high, scale, decimal.ROUND_FLOOR)
        if digits is not None:
            cap = 10**digits - 1
            lo = -cap if lo is None else max(lo, -cap)
            hi = cap if hi is None else min(hi, cap)
        return st.integers(lo, hi)

    if places is not None:
        scales: SearchStrategy[int] = st.just(places)
    else:
        scales = st.integers(0, 6 if max_digits is None else max_digits)
    values = scales.flatmap(
        lambda scale: mantissas(scale).map(lambda mantissa: Decimal(mantissa).scaleb(-scale))
    )

    def render(value: Decimal) -> object:
        if coerce or ctx.multipart:
            return _decimal_text(value)
        number = float(value)
        shown = Decimal(repr(number))
        if math.isfinite(number) and shown == value and _fits_precision(shown, max_digits, places):
            return number
        return _decimal_text(value)

    return values.map(render)


def _decimal_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    max_digits: int | None = getattr(field, "max_digits", None)
    places: int | None = getattr(field, "decimal_places", None)
    low, high = value_bounds(field)
    out: list[SearchStrategy[Any]] = []
    if places is not None:
        out.append(st.integers(1, 9).map(lambda digit: "0." + "0" * places + str(digit)))
    if max_digits is not None:
        whole = max_digits - (places or 0)
        out.append(st.integers(1, 9).map(lambda digit: str(digit) + "0" * whole))
    if low is not None:
        out.append(st.integers(1, 1000).map(lambda step: _decimal_text(Decimal(low) - step)))
    if high is not None:
        out.append(st.integers(1, 1000).map(lambda step: _decimal_text(Decimal(high) + step)))
    out.extend(probe(field, [*_WRONG_TYPES, "NaN", "Infinity", "-Infinity", "1,5"], ctx))
    return out


def _boolean_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    if ctx.multipart:
        return st.sampled_from(["false", "true"])
    return st.booleans()


def _boolean_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    return probe(field, ["maybe", "2", 2, -1, 0.5, [], {}, "", "null", "tru"], ctx)


builtin(
    fields.IntegerField,
    kind=Kind(_integer_valid, _integer_invalid, honours_types(*VALUE_VALIDATORS)),
)
builtin(
    fields.FloatField, kind=Kind(_float_valid, _float_invalid, honours_types(*VALUE_VALIDATORS))
)
builtin(
    fields.DecimalField,
    kind=Kind(_decimal_valid, _decimal_invalid, honours_types(*VALUE_VALIDATORS)),
)
builtin(fields.BooleanField, kind=Kind(_boolean_valid, _boolean_invalid))
