"""Type aliases shared by the strategies: JSON values, payloads and field strategy factories."""

from collections.abc import Callable
from typing import Any, TypeAlias

from hypothesis.strategies import SearchStrategy
from rest_framework.fields import Field

JSONScalar: TypeAlias = str | int | float | bool | None
"""A JSON scalar as Python's ``json`` module reads it."""

JSONValue: TypeAlias = JSONScalar | list["JSONValue"] | dict[str, "JSONValue"]
"""Any JSON document: scalars, lists and string-keyed objects, nested."""

JSONObject: TypeAlias = dict[str, JSONValue]
"""A JSON object."""

Payload: TypeAlias = dict[str, Any]
"""A request payload: JSON-ready for ``format="json"``, or form values and uploaded files for
``format="multipart"``."""

AnyField: TypeAlias = Field[Any, Any, Any, Any]
"""Any DRF serializer field, serializers included."""

FieldStrategyFactory: TypeAlias = Callable[[AnyField], SearchStrategy[Any]]
"""A callable that receives a field instance and returns a strategy for values it accepts."""

FieldStrategy: TypeAlias = SearchStrategy[Any] | FieldStrategyFactory
"""What ``register_field_strategy`` accepts: a strategy, or a factory called with the field."""
