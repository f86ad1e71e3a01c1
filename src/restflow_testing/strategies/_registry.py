"""User registrations of field strategies, and the error raised for fields nobody knows."""

from typing import Any, cast

from hypothesis.strategies import SearchStrategy

from restflow_testing.strategies._types import AnyField, FieldStrategy

_registered: dict[type[Any], FieldStrategy] = {}


class UnsupportedFieldError(TypeError):
    """A serializer field has no strategy: neither built in nor registered.

    The message names the field and the two ways to supply one: a keyword strategy for that
    field, or [`register_field_strategy()`][restflow_testing.strategies.register_field_strategy] for
    its class.
    """


def register_field_strategy(field_class: type[Any], strategy: FieldStrategy, /) -> None:
    """Use ``strategy`` for every serializer field that is an instance of ``field_class``.

    ``strategy`` is either a strategy of JSON-ready values the field accepts, or a callable that
    receives the field instance and returns such a strategy (to read its options). Registrations
    take precedence over the built-in strategies and apply to subclasses too, nearest class first;
    registering the same class again replaces the earlier strategy. ``None`` is added for fields
    with ``allow_null=True``, so the strategy need not produce it.

    For a ``ModelSerializer`` field built from a custom Django model field (DRF's ``ModelField``),
    ``field_class`` may also be that Django model field class.
    """
    if not isinstance(cast(object, field_class), type):
        raise TypeError(
            f"register_field_strategy() needs a field class, got {field_class!r}; "
            "pass the class itself, e.g. register_field_strategy(MoneyField, st.integers())"
        )
    candidate: object = strategy
    if not (isinstance(candidate, SearchStrategy) or callable(candidate)):
        raise TypeError(
            "register_field_strategy() needs a strategy or a callable taking the field and "
            f"returning a strategy, got {strategy!r}"
        )
    _registered[field_class] = strategy


def registered_strategy(field: AnyField) -> SearchStrategy[Any] | None:
    """The registered strategy for ``field``, resolved against the field instance, if any."""
    classes: list[type[Any]] = list(type(field).__mro__)
    model_field: object = getattr(field, "model_field", None)
    if model_field is not None:
        classes.extend(type(model_field).__mro__)
    for cls in classes:
        found = _registered.get(cls)
        if found is None:
            continue
        if isinstance(found, SearchStrategy):
            return _strategy(found)
        made = cast(object, found(field))
        if not isinstance(made, SearchStrategy):
            raise TypeError(
                f"the strategy factory registered for {cls.__name__} returned {made!r}, "
                "not a Hypothesis strategy"
            )
        return _strategy(made)
    return None


def _strategy(value: Any) -> SearchStrategy[Any]:
    strategy: SearchStrategy[Any] = value
    return strategy


def unsupported(field: AnyField, path: str, reason: str = "") -> UnsupportedFieldError:
    """The error for a field without a strategy, naming it and the ways to supply one."""
    name = path or getattr(field, "field_name", None) or type(field).__name__
    top = name.split(".")[0]
    detail = f" ({reason})" if reason else ""
    kind = type(field).__name__
    register = kind
    model_field: object = getattr(field, "model_field", None)
    if model_field is not None:
        # DRF's ModelField wraps a Django model field that has no serializer field of its own.
        register = type(model_field).__name__
        owner = getattr(getattr(model_field, "model", None), "__name__", None)
        where = f"{owner}.{getattr(model_field, 'name', '?')}" if owner else "the model"
        kind = f"{kind} (DRF's wrapper of {where}, a {register} of the model)"
    return UnsupportedFieldError(
        f"no strategy for field {name!r} of type {kind}{detail}. Pass one for "
        f"this field, e.g. from_serializer(MySerializer, {top}=st.just(...)), or register one "
        f"for the class: register_field_strategy({register}, strategy_or_factory)"
    )
