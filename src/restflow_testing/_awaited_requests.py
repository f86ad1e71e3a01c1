"""Fail the test that forgot to ``await`` a request.

A request method of the client returns an awaitable that sends nothing until it is awaited; an
un-awaited one would only show as a ``RuntimeWarning`` when it is garbage collected, after the
test passed. While a test or example runs inside :func:`every_request_awaited` (the test cases
and the pytest plugin put each one there), the awaitables it makes and never awaits fail it,
naming the call and where it was made.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Coroutine, Generator
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from asgiref.sync import markcoroutinefunction

_T = TypeVar("_T")
_Method = TypeVar("_Method", bound=Callable[..., Coroutine[Any, Any, Any]])

_pending: ContextVar[dict[int, PendingRequest[Any]] | None] = ContextVar(
    "restflow_testing_pending_requests", default=None
)


class RequestNotAwaitedError(RuntimeError):
    """A test made a request with the client and never awaited it, so nothing was sent."""


class PendingRequest(Coroutine[Any, Any, _T]):
    """The awaitable a request method returns: the method's coroutine, which it hands on when
    awaited (or sent to, as tasks do), and a note of the call for the report if it never is."""

    __slots__ = ("_call", "_coroutine", "_pending")

    def __init__(
        self,
        coroutine: Coroutine[Any, Any, _T],
        call: str,
        pending: dict[int, PendingRequest[Any]],
    ) -> None:
        self._coroutine = coroutine
        self._call = call
        self._pending: dict[int, PendingRequest[Any]] | None = pending
        pending[id(self)] = self

    def _start(self) -> Coroutine[Any, Any, _T]:
        pending = self._pending
        if pending is not None:
            self._pending = None
            pending.pop(id(self), None)
        return self._coroutine

    def __await__(self) -> Generator[Any, None, _T]:
        return self._start().__await__()

    def send(self, value: Any, /) -> Any:
        """Advance the request's coroutine (how a task runs it)."""
        return self._start().send(value)

    def throw(self, *args: Any) -> Any:
        """Raise an exception inside the request's coroutine."""
        return self._start().throw(*args)

    def close(self) -> None:
        """Close the request's coroutine: it is then not reported as forgotten."""
        self._start().close()

    def forget(self) -> str:
        """Close the coroutine unsent (no warning follows) and describe the call."""
        self._coroutine.close()
        return self._call

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"{self._call} returns an awaitable, not a response, so it has no {name!r}: "
            "write 'await' before the call."
        )


def reported_if_not_awaited(method: _Method) -> _Method:
    """Make the request method ``method`` return an awaitable that fails the running test
    (inside :func:`every_request_awaited`) if it is never awaited."""
    name = method.__name__

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Coroutine[Any, Any, Any]:
        coroutine = method(*args, **kwargs)
        pending = _pending.get()
        if pending is None:
            return coroutine
        return PendingRequest(coroutine, _describe(name, args), pending)

    return cast("_Method", markcoroutinefunction(call))


def _describe(name: str, args: tuple[Any, ...]) -> str:
    caller = sys._getframe(2)  # the code that called the client's method
    shown = ", ".join(repr(argument) for argument in args[1:])  # args[0] is the client
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"client.{name}({shown}) at {caller.f_code.co_filename}:{caller.f_lineno}"


@contextlib.contextmanager
def every_request_awaited(where: Callable[[], str]) -> Generator[None]:
    """Within the block, requests made and never awaited fail with
    :class:`RequestNotAwaitedError` at its end (``where()`` names the test); if the block
    raised, its exception carries a note naming them instead."""
    pending: dict[int, PendingRequest[Any]] = {}
    token = _pending.set(pending)
    try:
        yield
    except BaseException as error:
        forgotten = [request.forget() for request in list(pending.values())]
        if forgotten:
            error.add_note(f"Requests never awaited: {'; '.join(forgotten)}.")
        raise
    finally:
        _pending.reset(token)
    forgotten = [request.forget() for request in list(pending.values())]
    if forgotten:
        raise RequestNotAwaitedError(
            f"{where()} made {len(forgotten)} request(s) it never awaited, so they were never "
            f"sent: {'; '.join(forgotten)}. Write 'await' before each call."
        )
