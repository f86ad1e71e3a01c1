"""Payloads from serializers: the fields a client writes, drawn with the field strategies."""

import warnings
from collections.abc import Mapping
from typing import Any, TypeAlias, cast

from django.http import QueryDict
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import fields, serializers

from restflow_testing._loop_thread import call_on_serving_thread
from restflow_testing.strategies._dispatch import OMIT, Context, value_strategy
from restflow_testing.strategies._types import AnyField, Payload

SerializerLike: TypeAlias = (
    "type[serializers.BaseSerializer[Any]] | serializers.BaseSerializer[Any]"
)
"""A serializer class or instance (not ``many=True``)."""

AnySerializer: TypeAlias = serializers.BaseSerializer[Any]


def make_template(serializer: object, *, partial: bool, caller: str) -> AnySerializer:
    """A serializer instance of our own to read fields from and to validate with."""
    if isinstance(serializer, type) and issubclass(serializer, serializers.BaseSerializer):
        if issubclass(serializer, serializers.ListSerializer):
            raise TypeError(f"{caller}() takes a single-object serializer, not a ListSerializer")
        try:
            made: AnySerializer = cast(Any, serializer)(partial=partial)
            return made
        except TypeError as exc:
            raise TypeError(
                f"{caller}() could not instantiate {serializer.__name__} without arguments "
                f"({exc}); pass a serializer instance instead"
            ) from exc
    if isinstance(serializer, serializers.ListSerializer):
        raise TypeError(
            f"{caller}() takes a single-object serializer, not many=True; draw lists with "
            f"st.lists({caller}(ChildSerializer))"
        )
    if isinstance(serializer, serializers.BaseSerializer):
        given: AnySerializer = cast(Any, serializer)
        args, kwargs = _init_arguments(given)
        kwargs["partial"] = partial or bool(getattr(given, "partial", False))
        copy: AnySerializer = type(given)(*args, **kwargs)
        return copy
    raise TypeError(f"{caller}() needs a serializer class or instance, got {serializer!r}")


def _init_arguments(serializer: AnySerializer) -> tuple[tuple[Any, ...], dict[str, Any]]:
    args: tuple[Any, ...] = tuple(getattr(serializer, "_args", ()))[:1]
    kwargs: dict[str, Any] = dict(getattr(serializer, "_kwargs", {}))
    kwargs.pop("data", None)
    kwargs.pop("many", None)
    return args, kwargs


def as_form_data(payload: Mapping[str, Any]) -> "QueryDict":
    """``payload`` as DRF's ``request.data`` holds a multipart request of it."""
    data = QueryDict(mutable=True)
    for key, value in payload.items():
        if isinstance(value, list):
            items: list[object] = cast(Any, value)
            if items:
                data.setlist(key, [item if isinstance(item, str) else str(item) for item in items])
        else:
            data[key] = value
    return data


def is_accepted(template: AnySerializer, payload: object, *, multipart: bool) -> bool:
    """Whether a fresh copy of ``template`` given ``payload`` passes ``is_valid()``.

    Validation may query the database (unique validators, relations): it runs on the test's
    thread, also when drawn inside an async test body.
    """
    return call_on_serving_thread(lambda: _passes(template, payload, multipart=multipart))


def _passes(template: AnySerializer, payload: object, *, multipart: bool) -> bool:
    args, kwargs = _init_arguments(template)
    kwargs["partial"] = bool(getattr(template, "partial", False))
    data: object = (
        as_form_data(cast(Payload, payload)) if multipart and isinstance(payload, dict) else payload
    )
    kwargs["data"] = data
    checker = type(template)(*args, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bool(checker.is_valid())


def writable_fields(serializer: AnySerializer) -> dict[str, AnyField]:
    """The fields a client sends: not read-only, not hidden."""
    all_fields = cast(Mapping[str, AnyField], getattr(serializer, "fields", {}))
    return {
        name: field
        for name, field in all_fields.items()
        if not field.read_only and not isinstance(field, fields.HiddenField)
    }


def has_serializer_checks(serializer: AnySerializer) -> bool:
    """Whether validation beyond the fields runs: validators, ``validate`` or ``validate_<f>``."""
    cls = type(serializer)
    if list(serializer.validators):
        return True
    for name in ("validate", "to_internal_value", "run_validation", "run_validators"):
        if getattr(cls, name) is not getattr(serializers.Serializer, name):
            return True
    return any(hasattr(serializer, f"validate_{name}") for name in writable_fields(serializer))


def _drop_omitted(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if value is not OMIT}


def fields_strategy(
    serializer: AnySerializer, ctx: Context, overrides: Mapping[str, SearchStrategy[Any]]
) -> SearchStrategy[Payload]:
    """Payload dicts for ``serializer``'s writable fields (no serializer-level checks)."""
    required: dict[str, SearchStrategy[Any]] = {}
    optional: dict[str, SearchStrategy[Any]] = {}
    for name, field in writable_fields(serializer).items():
        strategy = overrides[name] if name in overrides else value_strategy(field, ctx.child(name))
        if field.required and not ctx.partial:
            required[name] = strategy
        elif not strategy.is_empty:
            optional[name] = strategy
    return st.fixed_dictionaries(required, optional=optional).map(_drop_omitted)


def has_file_fields(serializer: AnySerializer) -> bool:
    return any(
        isinstance(field, fields.FileField) for field in writable_fields(serializer).values()
    )


def from_serializer(
    serializer: SerializerLike,
    /,
    *,
    partial: bool = False,
    multipart: bool | None = None,
    **field_strategies: SearchStrategy[Any],
) -> SearchStrategy[Payload]:
    """Payloads that ``serializer`` accepts: ``serializer(data=payload).is_valid()`` is true.

    ``serializer`` is a serializer class (instantiated without arguments) or instance (its
    context, instance and options are kept; ``ModelSerializer`` included). Read-only and hidden
    fields are left out; optional fields (``required=False`` or with a ``default``) are sometimes
    left out; ``allow_null`` fields are sometimes ``None``. With ``partial=True`` every field is
    optional, as for ``serializer(instance, data=payload, partial=True)``.

    Payloads are JSON-ready (``format="json"``) unless the serializer has file or image fields, or
    ``multipart=True``: then they are form payloads for ``format="multipart"``, with text values,
    lists of text and fresh ``SimpleUploadedFile`` uploads. ``multipart=False`` with file fields
    raises ``UnsupportedFieldError``.

    Related fields (primary key, slug, hyperlink, ``many=True``) are sampled from the rows that
    exist when the example is drawn, querying synchronously on the test's connection; a required
    relation without rows raises ``NoRowsError``. Unique fields are checked against existing
    rows at draw time, so draw after creating rows a payload must not collide with.

    Keyword arguments override the strategy of single top-level fields by name (their values are
    used as drawn: they must be valid themselves). A field without a
    built-in or registered strategy raises ``UnsupportedFieldError`` naming it. Validators the
    strategies do not model (custom ones, ``UniqueValidator``, serializer ``validate()`` methods)
    are honoured by filtering drawn values with the serializer itself.
    """
    template = make_template(serializer, partial=partial, caller="from_serializer")
    writable = writable_fields(template)
    unknown = sorted(set(field_strategies) - set(writable))
    if unknown:
        raise TypeError(
            f"from_serializer() got strategies for {unknown}, which are not writable fields of "
            f"{type(template).__name__}; writable fields: {sorted(writable)}"
        )
    for name, strategy in field_strategies.items():
        if not isinstance(cast(object, strategy), SearchStrategy):
            raise TypeError(
                f"from_serializer() needs a Hypothesis strategy for field {name!r}, got "
                f"{strategy!r}; wrap constants with st.just(...)"
            )
    form = has_file_fields(template) if multipart is None else multipart
    ctx = Context(partial=bool(getattr(template, "partial", False)), multipart=form)
    strategy = fields_strategy(template, ctx, field_strategies)
    if has_serializer_checks(template):
        strategy = strategy.filter(lambda payload: is_accepted(template, payload, multipart=form))
    return strategy
