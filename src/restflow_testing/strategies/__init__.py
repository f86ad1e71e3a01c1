"""Hypothesis strategies for fuzzing DRF APIs: payloads from serializers, users and tokens.

``from_serializer`` draws payloads a serializer accepts and ``invalid_from_serializer`` payloads it
must reject; ``users``, ``anonymous_users`` and ``tokens`` draw who sends them.
"""

from restflow_testing.strategies._fields import from_field
from restflow_testing.strategies._files import image_files, uploaded_files
from restflow_testing.strategies._invalid import InvalidPayload, invalid_from_serializer
from restflow_testing.strategies._json import json_objects, json_values
from restflow_testing.strategies._multipart import FormValue, multipart_data
from restflow_testing.strategies._registry import UnsupportedFieldError, register_field_strategy
from restflow_testing.strategies._relations import NoRowsError
from restflow_testing.strategies._serializers import SerializerLike, from_serializer
from restflow_testing.strategies._types import (
    FieldStrategy,
    FieldStrategyFactory,
    JSONObject,
    JSONScalar,
    JSONValue,
    Payload,
)
from restflow_testing.strategies._users import anonymous_users, tokens, users
from restflow_testing.strategies._validation import SerializerError, UnsatisfiableSerializerError

__all__ = [
    "FieldStrategy",
    "FieldStrategyFactory",
    "FormValue",
    "InvalidPayload",
    "JSONObject",
    "JSONScalar",
    "JSONValue",
    "NoRowsError",
    "Payload",
    "SerializerError",
    "SerializerLike",
    "UnsatisfiableSerializerError",
    "UnsupportedFieldError",
    "anonymous_users",
    "from_field",
    "from_serializer",
    "image_files",
    "invalid_from_serializer",
    "json_objects",
    "json_values",
    "multipart_data",
    "register_field_strategy",
    "tokens",
    "uploaded_files",
    "users",
]
