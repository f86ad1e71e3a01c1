"""Payloads as a multipart form carries them, and as DRF's ``request.data`` then holds them.

A form is flat. DRF reads a nested serializer from ``parent.child`` keys and a list of objects
from ``parent[0]child`` keys (``rest_framework.utils.html``), so nested payloads are flattened
into those keys; lists of text stay lists, sent as repeated fields.
"""

from collections.abc import Mapping
from typing import Any, cast

from django.http import QueryDict

from restflow_testing.strategies._types import Payload


def _is_object_list(value: object) -> bool:
    if not isinstance(value, list):
        return False
    items: list[object] = cast(list[object], value)
    return bool(items) and all(isinstance(item, dict) for item in items)


def _flatten_into(out: Payload, key: str, value: object, *, item: bool) -> None:
    if isinstance(value, dict):
        members: dict[str, object] = cast(dict[str, object], value)
        # Inside a list item DRF already stripped "parent[i]": the item's keys follow directly.
        for name, member in members.items():
            _flatten_into(out, f"{key}{name}" if item else f"{key}.{name}", member, item=False)
    elif _is_object_list(value):
        for index, entry in enumerate(cast(list[object], value)):
            _flatten_into(out, f"{key}[{index}]", entry, item=True)
    else:
        out[key] = value


def flatten_form(payload: Mapping[str, Any]) -> Payload:
    """``payload`` with nested objects and lists of objects as the flat keys DRF parses."""
    out: Payload = {}
    for key, value in payload.items():
        _flatten_into(out, key, value, item=False)
    return out


def as_form_data(payload: Mapping[str, Any]) -> QueryDict:
    """A flat form payload as DRF's ``request.data`` holds it after a multipart request."""
    data = QueryDict(mutable=True)
    for key, value in payload.items():
        if isinstance(value, list):
            items: list[object] = cast(Any, value)
            if items:
                data.setlist(key, [item if isinstance(item, str) else str(item) for item in items])
        else:
            data[key] = value
    return data
