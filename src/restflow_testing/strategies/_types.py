"""Type aliases shared by the strategies: payloads and field strategy factories (the JSON
types come from `restflow_testing.json_types`, re-exported here)."""

from collections.abc import Callable
from typing import Any, TypeAlias

from hypothesis.strategies import SearchStrategy
from rest_framework.fields import Field

from restflow_testing.json_types import JSONObject, JSONScalar, JSONValue

__all__ = [
    "AnyField",
    "FieldStrategy",
    "FieldStrategyFactory",
    "JSONObject",
    "JSONScalar",
    "JSONValue",
    "Payload",
]

Payload: TypeAlias = dict[str, Any]
"""A request payload: JSON-ready for ``format="json"``, or form values and uploaded files for
``format="multipart"``."""

AnyField: TypeAlias = Field[Any, Any, Any, Any]
"""Any DRF serializer field, serializers included."""

FieldStrategyFactory: TypeAlias = Callable[[AnyField], SearchStrategy[Any]]
"""A callable that receives a field instance and returns a strategy for values it accepts."""

FieldStrategy: TypeAlias = SearchStrategy[Any] | FieldStrategyFactory
"""What ``register_field_strategy`` accepts: a strategy, or a factory called with the field."""
