"""WebSocket sessions on the test's event loop, opened by the test client.

A session runs the ASGI application (``settings.ASGI_APPLICATION`` unless another is given) as a
task on the running loop and talks to it through the two ASGI callables, as a server would. Its
sync work (Channels' ``database_sync_to_async``, the async ORM) is served like a request's: on
the test's thread, inside the test's transaction. The handshake carries what the client knows:
forced authentication (``scope["user"]``), its cookies (so a session login) and its headers.
"""

from __future__ import annotations

import asyncio
import collections
import json
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Literal

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.utils.functional import LazyObject
from django.utils.module_loading import import_string

__all__ = [
    "ASGIApplication",
    "WebSocketDisconnect",
    "WebSocketSession",
    "WebSocketTimeout",
]

ASGIApplication = Callable[[Any, Any, Any], Awaitable[object]]
"""An ASGI application: ``await app(scope, receive, send)``."""

Message = dict[str, Any]

DEFAULT_TIMEOUT: Final = 10.0
"""Seconds a session waits for the application, unless told otherwise."""

_ABNORMAL_CLOSURE: Final = 1006  # RFC 6455 7.4.1: the connection ended without a close frame
_APPLICATION_FINISHED: Final[Message] = {"type": "restflow_testing.application_finished"}


class WebSocketDisconnect(Exception):
    """The application closed the connection (or rejected the handshake) with ``code``.

    ``code`` is the close code it sent (1000 when it sent none), or 1006 when it ended without
    closing; ``reason`` the reason it gave.
    """

    def __init__(self, code: int, reason: str = "", *, message: str | None = None) -> None:
        self.code = code
        self.reason = reason
        super().__init__(message or f"WebSocket closed with code {code}" + _reason(reason))


class WebSocketTimeout(TimeoutError):
    """Nothing arrived from the application in time; the session stays usable."""


class WebSocketSession:
    """One WebSocket connection to an ASGI application, as ``async with`` block.

    Entering the block sends the handshake and waits for the application to accept it
    ([`WebSocketDisconnect`][restflow_testing.websocket.WebSocketDisconnect] when it closes
    instead); leaving it closes the connection, unless the application or
    [`close()`][restflow_testing.websocket.WebSocketSession.close] already did, and waits for the
    application to finish. An exception raised by the application is raised in the test: by the
    receive that would have seen its next message, or on leaving the block.

    Every receive waits at most ``timeout`` seconds (the session's unless one is passed) and
    raises [`WebSocketTimeout`][restflow_testing.websocket.WebSocketTimeout] after that; the
    message, when it comes, is still there for the next receive.
    """

    def __init__(
        self,
        app: ASGIApplication | None,
        scope: dict[str, Any],
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.scope = scope
        self.path: str = scope["path"]
        self.timeout = timeout
        self.accepted_subprotocol: str | None = None
        """The subprotocol the application accepted, ``None`` when it chose none."""
        self.accept_headers: list[tuple[bytes, bytes]] = []
        """Headers the application sent with its acceptance."""
        self._accepted = False
        self._app = app
        self._task: asyncio.Task[object] | None = None
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: collections.deque[Message] = collections.deque()
        self._waiters: list[asyncio.Future[None]] = []
        self._closed_by_app: Message | None = None
        self._closed_by_test = False

    # The block -------------------------------------------------------------------

    async def __aenter__(self) -> WebSocketSession:
        if self._task is not None or self._closed_by_test:
            raise RuntimeError(
                f"This WebSocket session for {self.path} was already opened; call "
                "websocket_connect() again for a new connection."
            )
        app = self._app if self._app is not None else project_application()
        self._task = asyncio.get_running_loop().create_task(
            _run_application(app, self.scope, self._receive_from_test, self._send_to_test),
            name=f"WebSocket application for {self.path}",
        )
        self._task.add_done_callback(self._application_finished)
        await self._to_app.put({"type": "websocket.connect"})
        try:
            message = await self._next_message(self.timeout, handshake=True)
            if message["type"] == "websocket.send":
                raise RuntimeError(
                    f"The WebSocket application for {self.path} sent a frame before accepting "
                    "the handshake: an ASGI WebSocket application sends websocket.accept (or "
                    "websocket.close) first."
                )
            if message["type"] != "websocket.accept":
                raise self._disconnect(message, rejected=True)
            self._accepted = True
            self.accepted_subprotocol = message.get("subprotocol")
            self.accept_headers = list(message.get("headers") or [])
            await _check_connections_open(self.path)
        except BaseException as error:
            try:
                await self._finish(code=1000)
            except Exception as cleanup_error:
                error.add_note(f"Closing the connection then failed too: {cleanup_error!r}")
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            await self._finish(code=1000)
        except Exception as app_exc:
            if exc is None:
                raise
            exc.add_note(f"The WebSocket application for {self.path} also raised: {app_exc!r}")
        if exc is None:
            await _check_connections_open(self.path)

    # Sending ---------------------------------------------------------------------

    async def send_text(self, data: str) -> None:
        """Send a text frame."""
        await self._send({"type": "websocket.receive", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary frame."""
        await self._send({"type": "websocket.receive", "bytes": data})

    async def send_json(self, data: object, *, mode: Literal["text", "binary"] = "text") -> None:
        """Send ``data`` as JSON (Django's encoder: dates, decimals and UUIDs work), in a text
        frame or, with ``mode="binary"``, a UTF-8 binary frame."""
        _check_mode(mode)
        text = json.dumps(data, cls=DjangoJSONEncoder)
        if mode == "binary":
            await self.send_bytes(text.encode())
        else:
            await self.send_text(text)

    async def _send(self, message: Message) -> None:
        self._check_open()
        await self._to_app.put(message)

    # Receiving -------------------------------------------------------------------

    async def receive(self, *, timeout: float | None = None) -> Message:
        """The next ASGI message the application sent (``websocket.send`` or
        ``websocket.close``), as it sent it."""
        return await self._next_message(self._timeout(timeout))

    async def receive_text(self, *, timeout: float | None = None) -> str:
        """The next text frame; ``TypeError`` if the frame is binary,
        [`WebSocketDisconnect`][restflow_testing.websocket.WebSocketDisconnect] if the
        application closed the connection."""
        return str(await self._frame("text", timeout))

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:
        """The next binary frame; ``TypeError`` if the frame is text,
        [`WebSocketDisconnect`][restflow_testing.websocket.WebSocketDisconnect] if the
        application closed the connection."""
        return bytes(await self._frame("bytes", timeout))

    async def _frame(self, key: Literal["text", "bytes"], seconds: float | None) -> Any:
        """The payload of the next frame, which must be of the ``key`` kind."""
        message = await self._next_frame(seconds)
        data = message.get(key)
        if data is None:
            wanted, got, other = (
                ("text", "binary", "bytes") if key == "text" else ("binary", "text", "text")
            )
            raise TypeError(
                f"Expected a {wanted} frame from {self.path}, got a {got} one: "
                f"{message.get(other)!r:.200}. Use receive_{other}() for {got} frames."
            )
        return data

    async def receive_json(
        self, *, mode: Literal["text", "binary"] = "text", timeout: float | None = None
    ) -> Any:
        """The next frame, text (or binary with ``mode="binary"``), decoded from JSON."""
        _check_mode(mode)
        if mode == "binary":
            return json.loads(await self.receive_bytes(timeout=timeout))
        return json.loads(await self.receive_text(timeout=timeout))

    async def receive_nothing(self, timeout: float = 0.1) -> bool:
        """``True`` if the application sends nothing within ``timeout`` seconds; a message that
        arrives instead is kept for the next receive (and ``False`` is returned)."""
        self._check_receivable()
        if self._from_app:
            return False
        try:
            async with asyncio.timeout(timeout):
                await self._arrival()
        except TimeoutError:
            return True
        return False

    async def _next_frame(self, seconds: float | None) -> Message:
        message = await self._next_message(self._timeout(seconds))
        if message["type"] == "websocket.send":
            return message
        if message["type"] == "websocket.accept":
            raise RuntimeError(
                f"The WebSocket application for {self.path} accepted the handshake twice."
            )
        raise self._disconnect(message, rejected=False)

    async def _next_message(self, seconds: float, *, handshake: bool = False) -> Message:
        """The next message from the application, waiting at most ``seconds`` for it; when the
        application has finished, its exception or a 1006 disconnect."""
        self._check_receivable()
        if not self._from_app:
            try:
                async with asyncio.timeout(seconds):
                    while not self._from_app and self._closed_by_app is None:
                        await self._arrival()
            except TimeoutError:
                raise WebSocketTimeout(self._timeout_message(seconds, handshake)) from None
            self._check_receivable()
        message = self._from_app.popleft()
        if message is _APPLICATION_FINISHED:
            self._closed_by_app = {"type": "websocket.close", "code": _ABNORMAL_CLOSURE}
            self._wake()  # other receives waiting: the connection is gone
            self._raise_application_outcome()
            raise self._disconnect(self._closed_by_app, rejected=not self._accepted)
        if message["type"] == "websocket.close":
            self._closed_by_app = message
        return message

    async def _arrival(self) -> None:
        """Wait until the application sends a message (every waiting receive is woken)."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            self._waiters.remove(waiter)

    def _timeout_message(self, seconds: float, handshake: bool) -> str:
        if handshake:
            return (
                f"Waited {seconds:g} s for the WebSocket application at {self.path} to accept or "
                "refuse the handshake; it did neither, and the connection was abandoned. Pass a "
                "longer timeout= to websocket_connect() if it is slow to answer."
            )
        return (
            f"Waited {seconds:g} s for a message from the WebSocket application at {self.path}; "
            "nothing came. The session is still open: receive again, or pass a longer timeout=."
        )

    # Closing ---------------------------------------------------------------------

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the connection from the client's side with ``code`` and wait for the
        application to finish (re-raising its exception, if it raised one)."""
        self._closed_by_test = True
        await self._finish(code=code, reason=reason)

    async def _finish(self, *, code: int, reason: str = "") -> None:
        """Tell the application the client is gone unless it finished, wait for it, and
        re-raise what it raised."""
        self._closed_by_test = True
        task = self._task
        if task is None:
            return
        if not task.done():
            await self._to_app.put({"type": "websocket.disconnect", "code": code, "reason": reason})
            finished, _ = await asyncio.wait({task}, timeout=self.timeout)
            if not finished:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                raise RuntimeError(
                    f"The WebSocket application for {self.path} did not finish within "
                    f"{self.timeout:g} s of the client's disconnect (websocket.disconnect, code "
                    f"{code}); it was cancelled. An ASGI application must return once it "
                    "receives websocket.disconnect."
                ) from None
        self._raise_application_outcome()

    def _raise_application_outcome(self) -> None:
        task = self._task
        if task is not None and task.done() and not task.cancelled():
            error = task.exception()
            if error is not None:
                self._task = None  # raised once
                raise error

    # The application's side ------------------------------------------------------

    async def _receive_from_test(self) -> Message:
        return await self._to_app.get()

    async def _send_to_test(self, message: Mapping[str, Any]) -> None:
        kind = message.get("type")
        if kind not in ("websocket.accept", "websocket.send", "websocket.close"):
            raise ValueError(
                f"The WebSocket application for {self.path} sent an ASGI message of type "
                f"{kind!r}; a WebSocket application sends websocket.accept, websocket.send or "
                "websocket.close."
            )
        self._from_app.append(dict(message))
        self._wake()

    def _application_finished(self, _: object) -> None:
        self._from_app.append(_APPLICATION_FINISHED)
        self._wake()

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    # Helpers ---------------------------------------------------------------------

    def _timeout(self, timeout: float | None) -> float:
        return self.timeout if timeout is None else timeout

    def _check_open(self) -> None:
        """Refuse to send once either side closed the connection or the application ended."""
        self._check_receivable()
        closing = next(
            (
                message
                for message in self._from_app
                if message is not _APPLICATION_FINISHED and message["type"] == "websocket.close"
            ),
            None,
        )
        if closing is not None:
            raise self._disconnect(closing, rejected=False)
        task = self._task
        if task is not None and task.done():
            self._raise_application_outcome()
            ended = {"type": "websocket.close", "code": _ABNORMAL_CLOSURE}
            raise self._disconnect(ended, rejected=False)

    def _check_receivable(self) -> None:
        if self._closed_by_test:
            raise RuntimeError(f"The WebSocket session for {self.path} is closed.")
        if self._closed_by_app is not None:
            raise self._disconnect(self._closed_by_app, rejected=False)

    def _disconnect(self, message: Message, *, rejected: bool) -> WebSocketDisconnect:
        code = int(message.get("code") or 1000)
        reason = str(message.get("reason") or "")
        if rejected and code == _ABNORMAL_CLOSURE:
            text = (
                f"The WebSocket application for {self.path} ended without accepting or refusing "
                "the handshake."
            )
        elif rejected:
            text = (
                f"The WebSocket application rejected the handshake to {self.path} "
                f"(close code {code}{_reason(reason)})."
            )
            if not any(name == b"origin" for name, _ in self.scope["headers"]):
                text += (
                    " If it checks the Origin header (Channels' AllowedHostsOriginValidator), "
                    "pass headers={'Origin': 'http://testserver'}."
                )
        elif code == _ABNORMAL_CLOSURE:
            text = (
                f"The WebSocket application for {self.path} finished without closing the "
                "connection."
            )
        else:
            text = (
                f"The WebSocket application closed the connection to {self.path} "
                f"(close code {code}{_reason(reason)})."
            )
        return WebSocketDisconnect(code, reason, message=text)


if TYPE_CHECKING:
    _LazyUser = LazyObject[object]
else:  # LazyObject is generic only in django-stubs
    _LazyUser = LazyObject


class ForcedUser(_LazyUser):
    """``scope["user"]`` of a session opened after ``force_authenticate(user)``: that user (it
    compares, reads and passes ``isinstance`` checks as the user does).

    Channels' ``AuthMiddleware`` resolves the session's user by assigning it to ``_wrapped``;
    the forced user is kept instead, as DRF's forced authentication wins over authenticators,
    and the test's own user object is left untouched.
    """

    def __init__(self, user: object) -> None:
        super().__init__()
        self.__dict__["_wrapped"] = user

    def __setattr__(self, name: str, value: object) -> None:
        if name != "_wrapped":
            super().__setattr__(name, value)

    def _setup(self) -> None:  # the user is given at once: never called
        raise RuntimeError("ForcedUser is made with its user.")


async def _run_application(
    app: ASGIApplication,
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Mapping[str, Any]], Awaitable[None]],
) -> object:
    return await app(scope, receive, send)


def _check_mode(mode: str) -> None:
    if mode not in ("text", "binary"):
        raise ValueError(f"mode must be 'text' or 'binary', not {mode!r}.")


def _reason(reason: str) -> str:
    return f", reason {reason!r}" if reason else ""


_applications: dict[str, ASGIApplication] = {}


def project_application() -> ASGIApplication:
    """The application ``settings.ASGI_APPLICATION`` names (imported once per value)."""
    path = getattr(settings, "ASGI_APPLICATION", None)
    if not path:
        raise ImproperlyConfigured(
            "websocket_connect() needs an ASGI application: set ASGI_APPLICATION in the settings "
            "(as Channels does, for example 'myproject.asgi.application') or pass app=."
        )
    application = _applications.get(path)
    if application is None:
        try:
            application = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"ASGI_APPLICATION {path!r} cannot be imported ({exc}); fix the setting or pass "
                "app=."
            ) from exc
        _applications[path] = application
    return application


def _connections_closed_in_transaction() -> list[str]:
    return [
        connection.alias
        for connection in connections.all(initialized_only=True)
        if connection.closed_in_transaction
    ]


async def _check_connections_open(path: str) -> None:
    """Fail clearly when the application closed a test database connection inside the test's
    transaction, which Django's ``close_old_connections`` does (Django ticket #30448) on every
    database but SQLite's in-memory test database, which Django never closes."""
    if all("sqlite" in str(database.get("ENGINE")) for database in settings.DATABASES.values()):
        return
    closed = await sync_to_async(_connections_closed_in_transaction)()
    if closed:
        raise RuntimeError(
            f"The WebSocket application for {path} closed the test's database connection "
            f"{', '.join(map(repr, closed))} inside the test's transaction, so the test's rows "
            "are gone. Channels calls django.db.close_old_connections() around every consumer "
            "handler, and Django closes a connection that is inside a transaction (Django "
            "ticket #30448; SQLite's in-memory test database is never closed, so this happens "
            "on other databases). Run the test in AsyncAPITransactionTestCase (pytest: "
            "@pytest.mark.django_db(transaction=True)): the consumer's writes then commit and "
            "the tables are emptied after the test."
        )
