"""Which strategy a serializer field gets: registrations first, then the built-in field kinds.

Every built-in kind provides two builders: values the field accepts and values it rejects. A kind
also says which validators its values already satisfy; any other validator on a field (a custom
one, ``UniqueValidator``) is honoured by checking drawn values with the field itself.
"""

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeAlias, cast

from django.core import validators as dj_validators
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, models, router
from django.db.models.fields import PositiveIntegerRelDbTypeMixin
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework.exceptions import ValidationError
from rest_framework.fields import ListField, MultipleChoiceField, SkipField
from rest_framework.relations import ManyRelatedField
from rest_framework.serializers import BaseSerializer, ListSerializer
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from restflow_testing.strategies._registry import registered_strategy, unsupported
from restflow_testing.strategies._types import AnyField
from restflow_testing.strategies._validation import Tally, accepted_only

_CHECKED_METHODS = ("to_internal_value", "run_validation", "validate_empty_values")
_LIST_VALUED = (ListField, MultipleChoiceField, ManyRelatedField, ListSerializer)


@dataclass(frozen=True)
class Context:
    """How values are being drawn: for a partial update, for a multipart form, and where.

    ``validate`` says whether payloads are checked with the serializers that read them (their
    ``validate()`` and validators); ``serializers`` is the chain of serializer classes the
    current field is nested in, which bounds recursive serializers; ``form_item`` marks fields
    inside an item of a list of objects sent as a form, where DRF keeps one value per key.
    """

    partial: bool = False
    multipart: bool = False
    path: str = ""
    lenient_rows: bool = False
    validate: bool = True
    serializers: tuple[type[Any], ...] = ()
    form_item: bool = False

    def child(self, name: str) -> "Context":
        return replace(self, path=f"{self.path}.{name}" if self.path else name)

    def inside(self, serializer: object) -> "Context":
        """This context for the fields of ``serializer``, nested in the current chain."""
        return replace(self, serializers=(*self.serializers, type(serializer)))

    def depth_of(self, serializer: object) -> int:
        """How many times the class of ``serializer`` already encloses the current field."""
        return self.serializers.count(type(serializer))


class _Omit:
    """Marks a value that cannot be drawn (no rows to sample); its key is left out."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()


ValidBuilder: TypeAlias = Callable[[AnyField, Context], SearchStrategy[Any]]
InvalidBuilder: TypeAlias = Callable[[AnyField, Context], list[SearchStrategy[Any]]]


Honours: TypeAlias = Callable[[AnyField, object], bool]


def honours_types(*types: type[Any], callables: tuple[object, ...] = ()) -> Honours:
    """A predicate for validators that are instances of ``types`` or one of ``callables``."""

    def honours(field: AnyField, validator: object) -> bool:
        return isinstance(validator, types) or any(validator is known for known in callables)

    return honours


def _honours_nothing(field: AnyField, validator: object) -> bool:
    return False


@dataclass(frozen=True)
class Kind:
    """A built-in field kind: its value builders and which validators its values satisfy."""

    valid: ValidBuilder
    invalid: InvalidBuilder
    honours: Honours = _honours_nothing


LENGTH_VALIDATORS: tuple[type[Any], ...] = (
    dj_validators.MaxLengthValidator,
    dj_validators.MinLengthValidator,
)
VALUE_VALIDATORS: tuple[type[Any], ...] = (
    dj_validators.MaxValueValidator,
    dj_validators.MinValueValidator,
)

_ALWAYS_HONOURED = (
    dj_validators.ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
)

_kinds: dict[type[Any], Kind] = {}


def builtin(*classes: type[Any], kind: Kind) -> None:
    """Register ``kind`` as the built-in handling of the given DRF field classes."""
    for cls in classes:
        _kinds[cls] = kind


def _find_kind(field: AnyField) -> tuple[type[Any], Kind] | None:
    for cls in type(field).__mro__:
        kind = _kinds.get(cls)
        if kind is not None:
            return cls, kind
    return None


def accepts(field: AnyField, value: object) -> bool:
    """Whether ``field`` validates ``value`` (its validators included)."""
    return _verdict(field, value)[0]


def _verdict(field: AnyField, value: object) -> tuple[bool, object]:
    """Whether ``field`` validates ``value``, and its errors when not."""
    try:
        field.run_validation(value)
    except ValidationError as exc:
        return False, exc.detail
    except DjangoValidationError as exc:
        return False, exc.messages
    except SkipField:
        pass
    return True, None


def rejects(field: AnyField, value: object) -> bool:
    """Whether ``field`` raises a validation error for ``value``."""
    try:
        field.run_validation(value)
    except (ValidationError, DjangoValidationError):
        return True
    except SkipField:
        return False
    return False


def _needs_check(field: AnyField, owner: type[Any], kind: Kind) -> bool:
    # A subclass that changes how values are parsed is checked against the field itself.
    for cls in type(field).__mro__:
        if cls is owner:
            break
        if any(name in vars(cls) for name in _CHECKED_METHODS):
            return True
    for validator in field.validators:
        if isinstance(validator, _ALWAYS_HONOURED) or kind.honours(field, validator):
            continue
        return True
    return False


def value_strategy(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    """Values ``field`` accepts as input, ``None`` included when it allows null.

    In multipart mode every value is form-encodable: strings, lists of strings, uploaded files.
    """
    if ctx.form_item and isinstance(field, _LIST_VALUED):
        if field.required and not ctx.partial:
            raise unsupported(
                field,
                ctx.path,
                "in an item of a list of objects a form keeps one value per key, so DRF reads "
                "no list there",
            )
        return st.nothing()
    registered = registered_strategy(field)
    if registered is not None:
        strategy = registered
    else:
        found = _find_kind(field)
        if found is None:
            raise unsupported(field, ctx.path)
        owner, kind = found
        strategy = kind.valid(field, ctx)
        if _needs_check(field, owner, kind):
            tally = Tally.of_field(type(field).__name__, ctx.path)
            strategy = accepted_only(strategy, lambda value: _verdict(field, value), tally)
    # A ``source="*"`` field (a nested serializer flattened into its parent, usually) has
    # ``None`` validated as a value, not skipped as null: DRF rejects it, ``allow_null`` or not.
    # Nor can a form send a null object: no keys is no value.
    form_object = ctx.multipart and isinstance(field, BaseSerializer)
    if getattr(field, "allow_null", False) and field.source != "*" and not form_object:
        null: SearchStrategy[Any] = st.just("") if ctx.multipart else st.none()
        strategy = null | strategy
    return strategy


def invalid_strategies(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    """Strategies of values ``field`` rejects, one per broken rule it can break.

    In multipart mode the values are form values, or, for a nested serializer, objects (lists of
    objects for ``many=True``) that the form flattens into ``parent.child`` and
    ``parent[0]child`` keys. Inside an item of a list of objects a form keeps one value per key,
    so list-valued fields there are not broken.
    """
    if ctx.form_item and isinstance(field, _LIST_VALUED):
        return []
    out: list[SearchStrategy[Any]] = []
    if not getattr(field, "allow_null", False) and not ctx.multipart:
        out.append(st.none())
    found = _find_kind(field)
    if found is not None and registered_strategy(field) is None:
        out.extend(found[1].invalid(field, ctx))
    else:
        candidates: list[object] = [{}, [], True, 1.5, "\x00", ["\x00"], {"": None}]
        generic = st.sampled_from(candidates).filter(lambda value: rejects(field, value))
        out.append(generic)
    if ctx.multipart and not isinstance(field, BaseSerializer):
        required = bool(getattr(field, "required", False))
        out = [
            strategy.filter(lambda value: is_form_value(value) and (required or value != ""))
            for strategy in out
        ]
    return out


def limit(value: object) -> Any:
    """A validator's limit, called when it is callable (as Django does)."""
    return value() if callable(value) else value


def length_bounds(
    field: AnyField, validators: Iterable[object] | None = None
) -> tuple[int, int | None]:
    """The tightest (min, max) length from the field's options and length validators."""
    low = 0
    high: int | None = None
    for validator in field.validators if validators is None else validators:
        if isinstance(validator, dj_validators.MinLengthValidator):
            low = max(low, int(limit(validator.limit_value)))
        elif isinstance(validator, dj_validators.MaxLengthValidator):
            value = int(limit(validator.limit_value))
            high = value if high is None else min(high, value)
    for name, is_min in (("min_length", True), ("max_length", False)):
        option: object = getattr(field, name, None)
        if isinstance(option, int):
            if is_min:
                low = max(low, option)
            else:
                high = option if high is None else min(high, option)
    return low, high


def value_bounds(field: AnyField) -> tuple[Any, Any]:
    """The tightest (min, max) value from the field's options and value validators."""
    lows: list[Any] = []
    highs: list[Any] = []
    for validator in field.validators:
        if isinstance(validator, dj_validators.MinValueValidator):
            lows.append(limit(validator.limit_value))
        elif isinstance(validator, dj_validators.MaxValueValidator):
            highs.append(limit(validator.limit_value))
    option_low: object = getattr(field, "min_value", None)
    option_high: object = getattr(field, "max_value", None)
    if option_low is not None:
        lows.append(option_low)
    if option_high is not None:
        highs.append(option_high)
    return (max(lows) if lows else None), (min(highs) if highs else None)


def int_bounds(field: AnyField, *, storable: bool = False) -> tuple[int | None, int | None]:
    """Integer bounds of a numeric field, rounded inwards.

    With ``storable``, a ``ModelSerializer`` field over an integer model field is also kept
    within the database column's range (``Positive*Field`` columns start at 0, a declared
    ``IntegerField()`` over a ``SmallIntegerField`` stops where the column does), since saving
    a number the serializer lets through but the column cannot hold fails.
    """
    low, high = value_bounds(field)
    if storable:
        column = _column_range(field)
        if column is not None:
            low = column[0] if low is None else max(low, column[0])
            high = column[1] if high is None else min(high, column[1])
    return (
        None if low is None else math.ceil(low),
        None if high is None else math.floor(high),
    )


def model_field_of(field: AnyField) -> "models.Field[Any, Any] | None":
    """The model field a ``ModelSerializer`` field writes to, if it writes straight to one."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model: Any = getattr(meta, "model", None)
    source: object = getattr(field, "source", None)
    if model is None or not isinstance(source, str) or "." in source or source == "*":
        return None
    try:
        found: object = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    if not isinstance(found, models.Field):
        return None
    model_field: models.Field[Any, Any] = cast(Any, found)
    return model_field


def _column_range(field: AnyField) -> tuple[int, int] | None:
    model_field = model_field_of(field)
    if not isinstance(model_field, models.IntegerField):
        return None
    ops = connections[router.db_for_write(model_field.model)].ops
    try:
        bounds: tuple[Any, Any] = ops.integer_field_range(model_field.get_internal_type())
    except KeyError:
        return None
    low, high = bounds
    # A backend may report no range (SQLite before Django 5.0): no driver stores more than 64
    # bits, and Positive*Field columns still have a check constraint.
    if low is None:
        low = 0 if isinstance(model_field, PositiveIntegerRelDbTypeMixin) else -(2**63)
    if high is None:
        high = 2**63 - 1
    return int(low), int(high)


def one_of(strategies: Sequence[SearchStrategy[Any]]) -> SearchStrategy[Any]:
    """``st.one_of`` over a list, ``st.nothing()`` when empty."""
    return st.one_of(*strategies) if strategies else st.nothing()


def probe(field: AnyField, candidates: Iterable[object], ctx: Context) -> list[SearchStrategy[Any]]:
    """A strategy over those ``candidates`` that ``field`` rejects.

    Checked with the field on first draw (its validators may query the database, which is not
    available when strategies are built); in multipart mode only form values are candidates.
    """
    usable = [value for value in candidates if not ctx.multipart or is_form_value(value)]
    if not usable:
        return []

    def resolve() -> SearchStrategy[Any]:
        rejected = [value for value in usable if rejects(field, value)]
        return st.sampled_from(rejected) if rejected else st.nothing()

    return [st.deferred(resolve)]


def to_form(value: object) -> object:
    """``value`` as a multipart form sends it: booleans and numbers as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if value is None:
        return ""
    if isinstance(value, list):
        items: list[object] = cast(list[object], value)
        return [to_form(item) for item in items]
    return value


def is_form_value(value: object) -> bool:
    """Whether a multipart form can carry ``value``: text, an uploaded file, or a non-empty list
    of text (an empty list sends nothing at all)."""
    from django.core.files.uploadedfile import UploadedFile

    if isinstance(value, str | UploadedFile):
        return True
    if isinstance(value, list):
        items: list[object] = cast(list[object], value)
        return bool(items) and all(isinstance(item, str) for item in items)
    return False


def jsonable(value: object) -> bool:
    """Whether ``value`` can be sent as JSON by DRF's renderer (no lone surrogates, finite)."""
    import json

    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
        return True
    except (TypeError, ValueError, UnicodeEncodeError):
        return False
