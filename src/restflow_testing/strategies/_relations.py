"""Related fields: primary key, slug and hyperlink relations, single and many.

Values are sampled from the rows that exist when the example is drawn: the queryset is evaluated
then, synchronously, on the test's connection and inside its transaction (drawn inside an async
test body, the queries run on the test's thread, which serves the loop's sync work).
"""

from operator import attrgetter
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import relations

from restflow_testing._loop_thread import call_on_serving_thread
from restflow_testing.strategies._dispatch import OMIT, Context, Kind, builtin, model_field_of
from restflow_testing.strategies._types import AnyField

_MANY_LIMIT = 5


class NoRowsError(LookupError):
    """A required related field was drawn while its queryset had no rows to sample."""


def _queryset(field: AnyField) -> "QuerySet[Model]":
    queryset: QuerySet[Model] | None = cast(Any, field).get_queryset()
    if queryset is None:
        raise TypeError(f"related field {field.field_name!r} has no queryset to sample from")
    if not queryset.ordered:
        queryset = queryset.order_by("pk")
    return queryset


def _jsonish(value: object, ctx: Context) -> object:
    if ctx.multipart:
        return str(value)
    if isinstance(value, str | int) and not isinstance(value, bool):
        return value
    return str(value)


def _represent(field: AnyField, row: Model, ctx: Context) -> object:
    """The input a related field resolves back to ``row``."""
    if isinstance(field, relations.SlugRelatedField):
        slug_field: str = field.slug_field
        value: object = attrgetter(slug_field.replace("__", "."))(row)
        queryset = _queryset(field)
        if queryset.filter(**{slug_field: value}).count() != 1:
            reject()
        return _jsonish(value, ctx)
    if isinstance(field, relations.HyperlinkedRelatedField):
        lookup: object = getattr(row, field.lookup_field)
        try:
            return reverse(field.view_name, kwargs={field.lookup_url_kwarg: lookup})
        except NoReverseMatch as exc:
            raise TypeError(
                f"related field {field.field_name!r}: cannot reverse view {field.view_name!r} "
                f"for {row!r}; pass a strategy for this field instead"
            ) from exc
    pk_field: AnyField | None = getattr(field, "pk_field", None)
    if pk_field is not None:
        return _jsonish(pk_field.to_representation(row.pk), ctx)
    return _jsonish(row.pk, ctx)


def _filter_of(field: AnyField, queryset: "QuerySet[Model]") -> str:
    """What keeps a related field's queryset from a model's rows: ``limit_choices_to`` on the
    model field, or the queryset's own ``WHERE`` clause."""
    model_field: Any = model_field_of(field)
    limits = getattr(model_field, "get_limit_choices_to", None)
    limit: object = limits() if callable(limits) else None
    if limit:
        return f"limit_choices_to={limit!r} on {model_field.model.__name__}.{model_field.name}"
    try:
        sql = str(queryset.query)
    except EmptyResultSet:
        return "the field's queryset, which is empty by construction (.none())"
    where = sql.partition(" WHERE ")[2].partition(" ORDER BY ")[0]
    return f"the field's queryset (WHERE {where})" if where else "the field's queryset"


def _no_rows(field: AnyField, ctx: Context, queryset: "QuerySet[Model]") -> object:
    if ctx.lenient_rows or ctx.partial or not field.required:
        return OMIT
    name = ctx.path or field.field_name
    model = queryset.model
    total = call_on_serving_thread(model._base_manager.count)
    if total:
        problem = (
            f"none of the {total} {model.__name__} rows pass {_filter_of(field, queryset)} "
            "when the example is drawn. Create rows that match it"
        )
    else:
        problem = (
            f"{model.__name__} has no rows to sample from when the example is drawn. Create "
            "rows first"
        )
    raise NoRowsError(
        f"field {name!r} is a required relation but {problem} (in setUpTestData, a fixture, "
        "or the test before drawing), or pass a strategy for the field: from_serializer(..., "
        f"{(ctx.path or 'field').split('.')[0]}=st.just(pk))"
    )


def _related_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    @st.composite
    def rows(draw: st.DrawFn) -> object:
        queryset = _queryset(field)
        count = call_on_serving_thread(queryset.count)
        if count == 0:
            if getattr(field, "allow_null", False):
                return "" if ctx.multipart else None
            return _no_rows(field, ctx, queryset)
        index = draw(st.integers(0, count - 1))
        return call_on_serving_thread(lambda: _represent(field, queryset[index], ctx))

    return rows()


def _many_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    child: AnyField = cast(Any, field).child_relation
    allow_empty = bool(getattr(field, "allow_empty", True))

    @st.composite
    def rows(draw: st.DrawFn) -> object:
        queryset = _queryset(child)
        count = call_on_serving_thread(queryset.count)
        if count == 0:
            if allow_empty:
                return []
            return _no_rows(field, ctx, queryset)
        indexes = draw(
            st.lists(
                st.integers(0, count - 1),
                unique=True,
                min_size=0 if allow_empty else 1,
                max_size=min(count, _MANY_LIMIT),
            )
        )
        return call_on_serving_thread(
            lambda: [_represent(child, queryset[index], ctx) for index in indexes]
        )

    return rows()


def _related_invalid_values(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    missing: SearchStrategy[Any]
    if isinstance(field, relations.HyperlinkedRelatedField):
        missing = st.sampled_from(["/no/such/url/", "not a url"])
    elif isinstance(field, relations.SlugRelatedField):
        missing = st.text("xyz", min_size=12, max_size=16).map(lambda text: "missing-" + text)
    else:
        missing = st.integers(1, 10**6).map(lambda number: -number)
    if ctx.multipart:
        return [missing.map(str)]
    return [missing, st.sampled_from([True, [], {}, [1], {"pk": 1}])]


def _related_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    return _related_invalid_values(field, ctx)


def _many_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    child: AnyField = cast(Any, field).child_relation
    out: list[SearchStrategy[Any]] = [
        strategy.map(lambda value: [value]) for strategy in _related_invalid_values(child, ctx)
    ]
    if not ctx.multipart:
        # Not lists. No mapping: DRF iterates any iterable but a string, so ``{}`` is an empty
        # list to it.
        out.append(st.sampled_from(["1", 1, True]))
        if not getattr(field, "allow_empty", True):
            out.append(st.just([]))
    return out


builtin(
    relations.PrimaryKeyRelatedField,
    relations.SlugRelatedField,
    relations.HyperlinkedRelatedField,
    kind=Kind(_related_valid, _related_invalid),
)
builtin(relations.ManyRelatedField, kind=Kind(_many_valid, _many_invalid))
