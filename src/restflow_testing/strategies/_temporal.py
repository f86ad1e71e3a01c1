"""Date, time, datetime and duration fields, in the field's input formats and time zone."""

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django.conf import settings
from django.utils import timezone
from django.utils.duration import duration_iso_string, duration_string
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import ISO_8601, fields
from rest_framework.settings import api_settings

from restflow_testing.strategies._dispatch import (
    VALUE_VALIDATORS,
    Context,
    Kind,
    accepts,
    builtin,
    honours_types,
    probe,
    value_bounds,
)
from restflow_testing.strategies._types import AnyField

# Years 1000-9999 keep every strftime/strptime format and every offset conversion in range.
_MIN_DATETIME = dt.datetime(1000, 1, 2)
_MAX_DATETIME = dt.datetime(9999, 12, 30)
_OFFSETS = st.integers(-(23 * 60 + 59), 23 * 60 + 59)
_FORMAT_INDEX = st.integers(0, 7)
# Durations every database stores: SQLite keeps microseconds in 6 bytes.
_DURATION_LIMIT = dt.timedelta(microseconds=2**47 - 1)


def _formats(field: AnyField, default: Sequence[str]) -> list[str]:
    formats: object = getattr(field, "input_formats", None)
    chosen: Sequence[object] = (
        cast(Sequence[object], formats) if isinstance(formats, list | tuple) else default
    )
    return [str(item) for item in chosen] or [ISO_8601]


def _field_timezone(field: AnyField) -> dt.tzinfo | None:
    zone: object = getattr(field, "timezone", None)
    if isinstance(zone, dt.tzinfo):
        return zone
    return timezone.get_current_timezone() if settings.USE_TZ else None


def _unambiguous(value: dt.datetime) -> bool:
    """Whether an aware datetime exists and has one UTC offset (DRF rejects other ones)."""
    exists = value.astimezone(dt.UTC) == value
    return exists and value.replace(fold=1 - value.fold).utcoffset() == value.utcoffset()


def _valid_wall_time(naive: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A wall-clock time near ``naive`` that exists exactly once in ``zone``."""
    candidate = naive
    for _ in range(48):
        if _unambiguous(timezone.make_aware(candidate, zone)):
            return candidate
        candidate += dt.timedelta(hours=1)
    return candidate


def _render_datetime(field: AnyField, naive: dt.datetime, offset: int, index: int) -> str:
    formats = _formats(field, api_settings.DATETIME_INPUT_FORMATS)
    chosen = formats[index % len(formats)]
    zone = _field_timezone(field)
    aware = naive.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
    if chosen.lower() == ISO_8601:
        return naive.isoformat() if zone is None else aware.isoformat()
    if "%z" in chosen:
        return aware.strftime(chosen)
    if zone is None:
        return naive.strftime(chosen)
    return _valid_wall_time(naive, zone).strftime(chosen)


def _datetime_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    strategy = st.tuples(st.datetimes(_MIN_DATETIME, _MAX_DATETIME), _OFFSETS, _FORMAT_INDEX).map(
        lambda drawn: _render_datetime(field, *drawn)
    )
    if all(
        item.lower() == ISO_8601 for item in _formats(field, api_settings.DATETIME_INPUT_FORMATS)
    ):
        return strategy
    return strategy.filter(lambda text: accepts(field, text))


def _render_plain(
    field: AnyField, value: dt.date | dt.time, index: int, default: Sequence[str]
) -> str:
    formats = _formats(field, default)
    chosen = formats[index % len(formats)]
    if chosen.lower() == ISO_8601:
        return value.isoformat()
    return value.strftime(chosen)


def _date_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    dates = st.dates(_MIN_DATETIME.date(), _MAX_DATETIME.date())
    strategy = st.tuples(dates, _FORMAT_INDEX).map(
        lambda drawn: _render_plain(field, *drawn, api_settings.DATE_INPUT_FORMATS)
    )
    if all(item.lower() == ISO_8601 for item in _formats(field, api_settings.DATE_INPUT_FORMATS)):
        return strategy
    return strategy.filter(lambda text: accepts(field, text))


def _time_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    strategy = st.tuples(st.times(), _FORMAT_INDEX).map(
        lambda drawn: _render_plain(field, *drawn, api_settings.TIME_INPUT_FORMATS)
    )
    if all(item.lower() == ISO_8601 for item in _formats(field, api_settings.TIME_INPUT_FORMATS)):
        return strategy
    return strategy.filter(lambda text: accepts(field, text))


_BAD_TEMPORAL: list[object] = [
    "not a date",
    "2021-13-01",
    "2021-02-30",
    "2021-02-03T25:00",
    "25:61",
    "12:60:00",
    "noon",
    "",
    "31/12/2021",
    "2021-01-01T00:00:00+25:00",
    [],
    {},
    12,
    True,
]


def _temporal_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    # Format and time-zone dependent: only the candidates this field rejects right now.
    candidates = [value for value in _BAD_TEMPORAL if not ctx.multipart or isinstance(value, str)]
    return [st.sampled_from(candidates).filter(lambda value: not accepts(field, value))]


def _duration_bounds(field: AnyField) -> tuple[dt.timedelta, dt.timedelta]:
    low, high = value_bounds(field)
    low_value = (
        -_DURATION_LIMIT if not isinstance(low, dt.timedelta) else max(low, -_DURATION_LIMIT)
    )
    high_value = (
        _DURATION_LIMIT if not isinstance(high, dt.timedelta) else min(high, _DURATION_LIMIT)
    )
    return low_value, high_value


def _duration_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    low, high = _duration_bounds(field)
    return st.tuples(st.timedeltas(low, high), st.booleans()).map(
        lambda drawn: duration_iso_string(drawn[0]) if drawn[1] else duration_string(drawn[0])
    )


def _duration_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    low, high = value_bounds(field)
    out: list[SearchStrategy[Any]] = []
    if isinstance(low, dt.timedelta) and low > dt.timedelta.min + dt.timedelta(days=2):
        out.append(st.just(duration_string(low - dt.timedelta(days=1))))
    if isinstance(high, dt.timedelta) and high < dt.timedelta.max - dt.timedelta(days=2):
        out.append(st.just(duration_string(high + dt.timedelta(days=1))))
    out.extend(probe(field, ["abc", "1 day", "P1Y2", "10:99:00", "", [], {}, "P"], ctx))
    return out


builtin(fields.DateTimeField, kind=Kind(_datetime_valid, _temporal_invalid))
builtin(fields.DateField, kind=Kind(_date_valid, _temporal_invalid))
builtin(fields.TimeField, kind=Kind(_time_valid, _temporal_invalid))
builtin(
    fields.DurationField,
    kind=Kind(_duration_valid, _duration_invalid, honours_types(*VALUE_VALIDATORS)),
)
