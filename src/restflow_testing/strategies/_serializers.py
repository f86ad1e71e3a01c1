"""Payloads from serializers: the fields a client writes, drawn with the field strategies."""

from collections.abc import Mapping
from typing import Any, TypeAlias, cast

from django.core.exceptions import ImproperlyConfigured
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import fields, serializers

from restflow_testing._loop_thread import call_on_serving_thread
from restflow_testing.strategies._dispatch import OMIT, Context, value_strategy
from restflow_testing.strategies._forms import as_form_data, flatten_form
from restflow_testing.strategies._passwords import repeat_retyped, retype_pairs
from restflow_testing.strategies._shown import shown_as
from restflow_testing.strategies._types import AnyField, Payload
from restflow_testing.strategies._validation import (
    Tally,
    UnsatisfiableSerializerError,
    accepted_only,
    run_is_valid,
)

SerializerLike: TypeAlias = (
    "type[serializers.BaseSerializer[Any]] | serializers.BaseSerializer[Any]"
)
"""A serializer class or instance (not ``many=True``)."""

AnySerializer: TypeAlias = serializers.BaseSerializer[Any]


def make_template(serializer: object, *, partial: bool, caller: str) -> AnySerializer:
    """A serializer instance of our own to read fields from and to validate with."""
    template = _instantiate(serializer, partial=partial, caller=caller)
    name = type(template).__name__
    if not isinstance(template, serializers.Serializer):
        raise TypeError(
            f"{caller}() draws the fields of a Serializer, and {name} is a BaseSerializer "
            "without fields (it reads its data its own way): draw its payloads with a strategy "
            "of your own, e.g. st.fixed_dictionaries({...})"
        )
    try:
        template.fields  # noqa: B018 (DRF builds the fields here, and asserts on bad Meta)
    except (AssertionError, ImproperlyConfigured) as exc:
        raise TypeError(
            f"{caller}() cannot read the fields of {name}: {exc}. A base class (a "
            "ModelSerializer without Meta.model, a mixin) has none to draw: pass a subclass "
            "that declares them"
        ) from exc
    return template


def _instantiate(serializer: object, *, partial: bool, caller: str) -> AnySerializer:
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


def _as_data(payload: object, *, multipart: bool) -> object:
    if multipart and isinstance(payload, dict):
        return as_form_data(cast(Payload, payload))
    return payload


def accepts_payload(
    template: AnySerializer, payload: object, *, multipart: bool, caller: str
) -> tuple[bool, object]:
    """Whether a fresh copy of ``template`` given ``payload`` passes ``is_valid()``, and its
    errors when not (a flat form payload is given as DRF's ``request.data`` holds it).

    Validation may query the database (unique validators, relations): it runs on the test's
    thread, also when drawn inside an async test body. Anything it raises but a validation
    error is a ``SerializerError``.
    """
    args, kwargs = _init_arguments(template)
    kwargs["partial"] = bool(getattr(template, "partial", False))
    kwargs["data"] = _as_data(payload, multipart=multipart)

    def check() -> tuple[bool, object]:
        checker = type(template)(*args, **kwargs)
        return run_is_valid(checker, name=type(template).__name__, caller=caller, payload=payload)

    return call_on_serving_thread(check)


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
    writable = writable_fields(serializer)
    for name, field in writable.items():
        strategy = overrides[name] if name in overrides else value_strategy(field, ctx.child(name))
        if field.required and not ctx.partial:
            required[name] = strategy
        elif not strategy.is_empty:
            optional[name] = strategy
    payloads = st.fixed_dictionaries(required, optional=optional).map(_drop_omitted)
    pairs = retype_pairs(writable)
    if pairs:
        payloads = payloads.map(lambda payload: repeat_retyped(payload, pairs))
    return payloads


def empty_required_fields(
    serializer: AnySerializer, ctx: Context, overrides: Mapping[str, SearchStrategy[Any]]
) -> list[str]:
    """The required fields no value can be drawn for (a serializer that requires itself)."""
    if ctx.partial:
        return []
    return [
        name
        for name, field in writable_fields(serializer).items()
        if field.required
        and name not in overrides
        and value_strategy(field, ctx.child(name)).is_empty
    ]


def has_file_fields(serializer: AnySerializer, seen: tuple[type[Any], ...] = ()) -> bool:
    """Whether a file or image field is written, at the top level or in nested serializers."""
    for field in writable_fields(serializer).values():
        if isinstance(field, fields.FileField):
            return True
        nested: object = getattr(field, "child", field)
        if not isinstance(nested, serializers.Serializer):
            continue
        inner = cast(AnySerializer, nested)
        if type(inner) not in seen and has_file_fields(inner, (*seen, type(serializer))):
            return True
    return False


def check_extra_data(
    extra_data: Mapping[str, SearchStrategy[Any]] | None,
    writable: Mapping[str, AnyField],
    *,
    caller: str,
) -> dict[str, SearchStrategy[Any]]:
    """The ``extra_data`` strategies, refused where they name a field or are no strategies."""
    extra = dict(extra_data or {})
    clashing = sorted(set(extra) & set(writable))
    if clashing:
        raise TypeError(
            f"{caller}() got extra_data for {clashing}, which are fields of the serializer: "
            f"override fields with keyword arguments instead, e.g. {caller}(..., "
            f"{clashing[0]}=st.just(value))"
        )
    for name, strategy in extra.items():
        if not isinstance(cast(object, strategy), SearchStrategy):
            raise TypeError(
                f"{caller}() needs a Hypothesis strategy for extra_data[{name!r}], got "
                f"{strategy!r}; wrap constants with st.just(...)"
            )
    return extra


def with_extra_data(
    strategy: SearchStrategy[Any], extra: Mapping[str, SearchStrategy[Any]]
) -> SearchStrategy[Any]:
    """Payloads of ``strategy`` with the keys of ``extra`` added (objects only)."""
    if not extra:
        return strategy

    def merge(pair: tuple[Any, dict[str, Any]]) -> Any:
        payload, added = pair
        if isinstance(payload, dict):
            return {**cast(Payload, payload), **added}
        return payload

    return st.tuples(strategy, st.fixed_dictionaries(dict(extra))).map(merge)


def from_serializer(
    serializer: SerializerLike,
    /,
    *,
    partial: bool = False,
    multipart: bool | None = None,
    validate: bool = True,
    extra_data: Mapping[str, SearchStrategy[Any]] | None = None,
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
    lists of text and fresh ``SimpleUploadedFile`` uploads; nested serializers are sent as DRF
    parses them from a form (``parent.child`` and ``parent[0]child`` keys). ``multipart=False``
    with file fields raises ``UnsupportedFieldError``.

    Related fields (primary key, slug, hyperlink, ``many=True``) are sampled from the rows that
    exist when the example is drawn, querying synchronously on the test's connection; a required
    relation without rows raises ``NoRowsError``. Unique fields are checked against existing
    rows at draw time, so draw after creating rows a payload must not collide with; items of a
    nested ``many=True`` list never share a value of a unique field, and integers of a
    ``ModelSerializer`` stay within their database column's range.

    Keyword arguments override the strategy of single top-level fields by name (their values are
    used as drawn: they must be valid themselves). ``extra_data`` maps keys that are not fields
    to strategies whose values every payload also carries (keys a serializer reads from
    ``initial_data``, such as djoser's ``uid`` and ``token``). A field without a built-in or
    registered strategy raises ``UnsupportedFieldError`` naming it. Password fields draw
    passwords that pass ``AUTH_PASSWORD_VALIDATORS``, and a retype field (``password2``,
    ``re_password``) repeats its password. Serializers that nest themselves are drawn a few
    levels deep.

    Validation the strategies do not model (custom validators, ``UniqueValidator``, the
    ``validate()`` methods of the serializer and of nested ones) is honoured by checking drawn
    payloads with the serializer itself: ``UnsatisfiableSerializerError`` when it rejects every
    one, ``SerializerError`` when it raises something else than a validation error. The check
    runs ``is_valid()``, with whatever effects it has (simplejwt's ``TokenBlacklistSerializer``
    blacklists the token it is given): ``validate=False`` leaves it out, and payloads then meet
    the fields' own rules only.
    """
    template = make_template(serializer, partial=partial, caller="from_serializer")
    writable = writable_fields(template)
    unknown = sorted(set(field_strategies) - set(writable))
    if unknown:
        raise TypeError(
            f"from_serializer() got strategies for {unknown}, which are not writable fields of "
            f"{type(template).__name__}; writable fields: {sorted(writable)}. Keys that are not "
            "fields go in extra_data={...}"
        )
    for name, strategy in field_strategies.items():
        if not isinstance(cast(object, strategy), SearchStrategy):
            raise TypeError(
                f"from_serializer() needs a Hypothesis strategy for field {name!r}, got "
                f"{strategy!r}; wrap constants with st.just(...)"
            )
    extra = check_extra_data(extra_data, writable, caller="from_serializer")
    form = has_file_fields(template) if multipart is None else multipart
    ctx = Context(
        partial=bool(getattr(template, "partial", False)), multipart=form, validate=validate
    ).inside(template)
    strategy = fields_strategy(template, ctx, field_strategies)
    if strategy.is_empty:
        raise UnsatisfiableSerializerError(
            f"from_serializer({type(template).__name__}): no value can be drawn for the "
            f"required fields {empty_required_fields(template, ctx, field_strategies)} (a "
            "serializer that requires itself at every level of nesting has no finite payload); "
            "pass strategies for them"
        )
    if form:
        strategy = strategy.map(flatten_form)
    strategy = with_extra_data(strategy, extra)
    if validate and has_serializer_checks(template):
        tally = Tally.of_serializer(type(template).__name__, "from_serializer")

        def check(payload: object) -> tuple[bool, object]:
            return accepts_payload(template, payload, multipart=form, caller="from_serializer")

        strategy = accepted_only(strategy, check, tally)
    return shown_as(f"from_serializer({type(template).__name__})", strategy)
