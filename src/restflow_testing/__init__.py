"""Typed, async-first test SDK for Django REST framework APIs.

Importing the package needs no configured Django settings (the pytest plugin is loaded before
pytest-django configures them): every public name is loaded from its module on first access.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from restflow_testing._awaited_requests import RequestNotAwaitedError
    from restflow_testing._leaked_tasks import LeakedTaskError
    from restflow_testing._request_timeout import RequestTimeout
    from restflow_testing.cases import (
        AsyncAPILiveServerTestCase,
        AsyncAPISimpleTestCase,
        AsyncAPITestCase,
        AsyncAPITransactionTestCase,
    )
    from restflow_testing.client import AsyncAPIClient
    from restflow_testing.encoding import CustomFormat, JSONData, JSONValue, MultipartData
    from restflow_testing.factory import AsyncAPIRequestFactory, force_authenticate
    from restflow_testing.queries import CaptureQueriesContext
    from restflow_testing.response import APIResponse
    from restflow_testing.websocket import WebSocketDisconnect, WebSocketSession, WebSocketTimeout

__all__ = [
    "APIResponse",
    "AsyncAPIClient",
    "AsyncAPILiveServerTestCase",
    "AsyncAPIRequestFactory",
    "AsyncAPISimpleTestCase",
    "AsyncAPITestCase",
    "AsyncAPITransactionTestCase",
    "CaptureQueriesContext",
    "CustomFormat",
    "JSONData",
    "JSONValue",
    "LeakedTaskError",
    "MultipartData",
    "RequestNotAwaitedError",
    "RequestTimeout",
    "WebSocketDisconnect",
    "WebSocketSession",
    "WebSocketTimeout",
    "force_authenticate",
]

_MODULE_OF = {
    "APIResponse": "restflow_testing.response",
    "AsyncAPIClient": "restflow_testing.client",
    "AsyncAPILiveServerTestCase": "restflow_testing.cases",
    "AsyncAPIRequestFactory": "restflow_testing.factory",
    "AsyncAPISimpleTestCase": "restflow_testing.cases",
    "AsyncAPITestCase": "restflow_testing.cases",
    "AsyncAPITransactionTestCase": "restflow_testing.cases",
    "CaptureQueriesContext": "restflow_testing.queries",
    "CustomFormat": "restflow_testing.encoding",
    "JSONData": "restflow_testing.encoding",
    "JSONValue": "restflow_testing.encoding",
    "LeakedTaskError": "restflow_testing._leaked_tasks",
    "MultipartData": "restflow_testing.encoding",
    "RequestNotAwaitedError": "restflow_testing._awaited_requests",
    "RequestTimeout": "restflow_testing._request_timeout",
    "WebSocketDisconnect": "restflow_testing.websocket",
    "WebSocketSession": "restflow_testing.websocket",
    "WebSocketTimeout": "restflow_testing.websocket",
    "force_authenticate": "restflow_testing.factory",
}


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
