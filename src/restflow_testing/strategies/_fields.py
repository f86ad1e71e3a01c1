"""``from_field``: values one serializer field accepts; loads every built-in field kind."""

from typing import Any, cast

from hypothesis.strategies import SearchStrategy
from rest_framework.fields import Field

# Importing these modules registers the built-in field kinds.
from restflow_testing.strategies import (
    _choices,
    _composite,
    _files,
    _numbers,
    _relations,
    _temporal,
    _text,
)
from restflow_testing.strategies._dispatch import Context, value_strategy
from restflow_testing.strategies._types import AnyField


def from_field(
    field: "Field[Any, Any, Any, Any]", /, *, multipart: bool = False
) -> SearchStrategy[Any]:
    """Values ``field`` accepts as input: ``field.run_validation(value)`` succeeds.

    The field may be bound to a serializer or standalone. Values are JSON-ready, or form values
    (text, lists of text, uploaded files) with ``multipart=True``; ``None`` is included when the
    field allows null. Nested serializers give payload dicts; related fields sample existing rows
    at draw time. Raises ``UnsupportedFieldError`` for a field without a built-in or registered
    strategy.
    """
    if not isinstance(cast(object, field), Field):
        raise TypeError(f"from_field() needs a DRF field instance, got {field!r}")
    typed: AnyField = field
    name: object = getattr(typed, "field_name", None)
    ctx = Context(multipart=multipart, path=name if isinstance(name, str) else "")
    return value_strategy(typed, ctx)


_KIND_MODULES = (_choices, _composite, _files, _numbers, _relations, _temporal, _text)
