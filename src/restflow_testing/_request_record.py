"""What serving one request leaves for its response: the templates it rendered and its exception.

Django's test clients connect a receiver to ``template_rendered`` and ``got_request_exception``
for every request and disconnect it afterwards, which costs more than the rest of the client's
own work. Here one receiver per signal is connected once, for the process, and records into the
:class:`RequestRecord` of the request being served in the current context: the client makes the
record current around the request, and the request's sync code sees it too, on the test's
thread or a worker thread, since asgiref carries the context there. Requests served
concurrently (two client calls under ``asyncio.gather``) therefore keep separate records.
"""

from __future__ import annotations

import sys
from contextvars import ContextVar, Token
from copy import copy
from types import TracebackType
from typing import Any

from django.core.signals import got_request_exception
from django.test import signals
from django.test.utils import ContextList

_current: ContextVar[RequestRecord | None] = ContextVar(
    "restflow_testing_request_record", default=None
)
_RECEIVER_UID = "restflow_testing.request_record"


class RequestRecord:
    """The templates rendered (with copies of their contexts) and the last exception raised while
    serving the request of ``scope``; current while used as a context manager."""

    __slots__ = ("_token", "contexts", "exc_info", "scope", "templates")

    def __init__(self, scope: dict[str, Any]) -> None:
        self.scope = scope
        self.templates: list[Any] = []
        self.contexts = ContextList()
        self.exc_info: tuple[type[BaseException], BaseException, TracebackType] | None = None
        self._token: Token[RequestRecord | None] | None = None

    def __enter__(self) -> RequestRecord:
        self._token = _current.set(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _current.reset(self._token)
            self._token = None


def _on_template_rendered(sender: object, template: object, context: Any, **kwargs: object) -> None:
    record = _current.get()
    if record is not None:
        record.templates.append(template)
        record.contexts.append(copy(context))


def _on_request_exception(sender: object, request: object = None, **kwargs: object) -> None:
    record = _current.get()
    if record is not None and getattr(request, "scope", None) is record.scope:
        raised = sys.exc_info()
        if raised[0] is not None:
            record.exc_info = raised


signals.template_rendered.connect(_on_template_rendered, weak=False, dispatch_uid=_RECEIVER_UID)
got_request_exception.connect(_on_request_exception, weak=False, dispatch_uid=_RECEIVER_UID)
