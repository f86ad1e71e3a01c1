"""The client's request handler: Django's async test handler plus forced authentication."""

from __future__ import annotations

from collections.abc import Callable
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

from restflow_testing._in_place import on_test_loop, run_outside_loop
from restflow_testing._receiver_aside import receiver_set_aside
from restflow_testing._scope import META_KEY
from restflow_testing._shared_middleware import load_shared_chain

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


async def _server_side(function: Callable[..., object], /, **kwargs: Any) -> None:
    """Run the server's sync bookkeeping (closing the response) as Django's client does.

    Django's async test client runs it on a worker thread. On a test loop it runs in place
    instead, on the test's thread: receivers that touch the database then use the test's
    connection and transaction, and the request pays no thread hop.
    """
    if on_test_loop():
        run_outside_loop(lambda: function(**kwargs))
    else:
        await sync_to_async(function, thread_sensitive=False)(**kwargs)


async def _send_request_started(sender: type[object], scope: dict[str, Any]) -> None:
    """Send ``request_started`` as Django's client does, in place on a test loop.

    In place, async receivers still run (``Signal.send`` gives them a loop of their own) and the
    request does not pay the trip around the loop that ``Signal.asend`` takes.
    """
    send_async = getattr(request_started, "asend", None)  # Django >= 5.0
    if send_async is not None and not on_test_loop():
        await send_async(sender=sender, scope=scope)
    else:
        await _server_side(request_started.send, sender=sender, scope=scope)


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
        """Serve one request as Django's ``AsyncClientHandler`` does (see :func:`_server_side`)."""
        if getattr(self, "_middleware_chain", None) is None:
            self.load_middleware(is_async=True)
        body_file = scope.pop("_body_file", None)
        if body_file is None:
            body_file = FakePayload(b"")

        with receiver_set_aside(request_started, close_old_connections):
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
            with receiver_set_aside(request_finished, close_old_connections):
                await _server_side(response.close)  # fires request_finished
        return cast("_ASGIResponse", response)

    def load_middleware(self, is_async: bool = False) -> None:
        """Load the middleware chain; the async one is shared between clients while it may be
        (see :mod:`restflow_testing._shared_middleware`)."""
        if not (is_async and load_shared_chain(self)):
            super().load_middleware(is_async)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        """Apply extra ``META`` entries and forced authentication, then run the middleware."""
        if META_KEY in getattr(request, "scope", ()):
            apply_meta(request)
        if self._force_user is not None or self._force_token is not None:
            marked: Any = request
            marked._force_auth_user = self._force_user
            marked._force_auth_token = self._force_token
        return await super().get_response_async(request)
