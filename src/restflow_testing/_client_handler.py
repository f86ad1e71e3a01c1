"""The client's request handler: Django's async test handler plus forced authentication."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, cast

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import LimitedStream
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test.client import (
    AsyncClientHandler,
    FakePayload,
    aclosing_iterator_wrapper,
    closing_iterator_wrapper,
    conditional_content_removal,
)

from restflow_testing._asgi_scope import META_KEY

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase
    from django.test.client import _ASGIResponse


def apply_meta(request: HttpRequest) -> None:
    """Move the scope's extra ``META`` entries (``REMOTE_USER``...) onto the request."""
    scope: dict[str, Any] = getattr(request, "scope", {})
    meta = scope.pop(META_KEY, None)
    if meta:
        request.META.update(meta)


class _ConnectionsKeptOpen:
    """While any client request is being served, ``close_old_connections`` is disconnected
    from ``request_started`` and ``request_finished``, as Django's test clients do around each
    send: it would close the test's connection in the middle of its transaction.

    Counted, so that of two requests served at once (``asyncio.gather``), the first to finish
    does not connect it again while the other still runs.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._serving = 0
        self._disconnected: list[Any] = []

    def __enter__(self) -> None:
        with self._lock:
            if self._serving == 0:
                self._disconnected = [
                    signal
                    for signal in (request_started, request_finished)
                    if signal.disconnect(close_old_connections)
                ]
            self._serving += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._serving -= 1
            if self._serving == 0:
                for signal in self._disconnected:
                    signal.connect(close_old_connections)
                self._disconnected = []


_connections_kept_open = _ConnectionsKeptOpen()


async def _send_request_started(sender: type[object], scope: dict[str, Any]) -> None:
    """Send ``request_started`` as Django's ASGI handler does: async receivers on the running
    loop (Django 5.0+), sync ones through a thread-sensitive ``sync_to_async``."""
    send_async = getattr(request_started, "asend", None)  # Django >= 5.0
    if send_async is not None:
        await send_async(sender=sender, scope=scope)
    else:
        await sync_to_async(request_started.send)(sender=sender, scope=scope)


class ForceAuthAsyncClientHandler(AsyncClientHandler):
    """Django's async test handler, marking each request with the client's forced credentials.

    DRF's ``Request`` (and so restflow's, adrf's and DRF's own views, async or sync) reads
    ``_force_auth_user`` / ``_force_auth_token`` and authenticates with them, no database
    query involved.
    """

    def __init__(self, enforce_csrf_checks: bool = True, *args: Any, **kwargs: Any) -> None:
        super().__init__(enforce_csrf_checks, *args, **kwargs)
        self._force_user: object = None
        self._force_token: object = None

    async def __call__(self, scope: dict[str, Any]) -> _ASGIResponse:
        """Serve one request as Django's ``AsyncClientHandler`` does; the response is closed
        (``request_finished``) through a thread-sensitive ``sync_to_async``, as Django's ASGI
        handler closes it, so receivers use the test's database connection."""
        with _connections_kept_open:
            return await self._serve(scope)

    async def _serve(self, scope: dict[str, Any]) -> _ASGIResponse:
        if getattr(self, "_middleware_chain", None) is None:
            self.load_middleware(is_async=True)
        body_file = scope.pop("_body_file", None)
        if body_file is None:
            body_file = FakePayload(b"")
        await _send_request_started(type(self), scope)
        request = ASGIRequest(scope, LimitedStream(body_file, len(body_file)))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        marked: Any = request
        marked._dont_enforce_csrf_checks = not self.enforce_csrf_checks
        response = await self.get_response_async(request)
        conditional_content_removal(request, response)
        response.asgi_request = request  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
        if response.streaming:
            streamed: Any = response
            if streamed.is_async:
                streamed.streaming_content = aclosing_iterator_wrapper(
                    streamed.streaming_content, response.close
                )
            else:
                streamed.streaming_content = closing_iterator_wrapper(
                    streamed.streaming_content, response.close
                )
        else:
            await sync_to_async(response.close)()  # fires request_finished
        return cast("_ASGIResponse", response)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        """Apply extra ``META`` entries and forced authentication, then run the middleware."""
        if META_KEY in getattr(request, "scope", ()):
            apply_meta(request)
        if self._force_user is not None or self._force_token is not None:
            marked: Any = request
            marked._force_auth_user = self._force_user
            marked._force_auth_token = self._force_token
        return await super().get_response_async(request)
