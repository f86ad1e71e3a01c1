"""Where a test loop's sync work runs: in place, on the test's thread, with the loop set aside.

Async code hands sync work off with ``sync_to_async(thread_sensitive=True)``: the async ORM,
Django's sync middleware and signal receivers, sync views. On a
:class:`~restflow_testing._test_loop.TestLoop` that work runs on the test's own thread, at once,
with the running loop set aside for the duration of the call. Django then sees an ordinary sync
thread and hands out the thread's own database connection, so every query runs in the test's
transaction and none waits on another thread.

Whether sync work runs in place is kept per thread, not asked of asyncio: a test loop records
itself while it runs (:func:`test_loop_running`) and :func:`call_in_place` clears the record for
the sync call it makes. (CPython 3.11's asyncio asks the kernel for the process id on every
look-up of the running loop while one runs, and on every change of it.)

The switch is a short cut in front of ``SyncToAsync.__call__`` (installed once per process by
:func:`install_short_cuts`): a thread-sensitive call made on a test loop calls the function
directly, without asgiref's context copy, executor submission and futures, which would cost
more than the sync work of a typical ORM call. Every other call (on any other loop or thread,
not thread-sensitive, or inside a ``ThreadSensitiveContext``) goes to asgiref unchanged.

A second short cut, in front of Django's ``MiddlewareMixin.__acall__``, serves the middleware
of every async request: Django wraps each ``process_request`` and ``process_response`` in a new
thread-sensitive ``sync_to_async``, which on a test loop would run the hook in place; the short
cut runs it in place without building the wrapper. Elsewhere Django's own method runs. (The
chain clients share runs its hooks flat instead: see :mod:`restflow_testing._flat_middleware`.)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from asgiref.sync import SyncToAsync
from django.utils.deprecation import MiddlewareMixin

from restflow_testing import _quick_wrappers

if TYPE_CHECKING:
    from django.http import HttpRequest

_T = TypeVar("_T")

_original_call: Callable[..., Awaitable[Any]] | None = None
_original_acall: Callable[..., Awaitable[Any]] | None = None
# Looked up once: every in-place call or in-place check uses them.
_set_running_loop = asyncio.events._set_running_loop
_asgiref_local = SyncToAsync.threadlocal
_thread_sensitive_context = SyncToAsync.thread_sensitive_context


class _ThreadRecord(threading.local):
    """Per thread: the test loop that is running there now, unless sync code runs in place."""

    loop: asyncio.AbstractEventLoop | None = None


_here = _ThreadRecord()


def test_loop_running(loop: asyncio.AbstractEventLoop | None) -> asyncio.AbstractEventLoop | None:
    """Record ``loop`` as the test loop running on this thread (``None``: no test loop runs);
    returns the previous record, for the caller to put back when the loop stops."""
    previous = _here.loop
    _here.loop = loop
    return previous


def in_event_loop() -> bool:
    """Whether an event loop is running on this thread."""
    return asyncio.events._get_running_loop() is not None


def on_test_loop() -> bool:
    """Whether the running loop is a test loop, whose thread-sensitive sync work runs in place."""
    return _here.loop is not None


def in_place_loop() -> asyncio.AbstractEventLoop | None:
    """The running loop if thread-sensitive sync work runs in place on it now, else ``None``.

    That is a test loop with no ``ThreadSensitiveContext`` in effect (which keeps its own
    thread, as asgiref documents).
    """
    loop = _here.loop
    if loop is None or _thread_sensitive_context.get(None) is not None:
        return None
    return loop


def call_in_place(
    loop: asyncio.AbstractEventLoop,
    context: Any,
    func: Callable[..., _T],
    /,
    *args: Any,
    **kwargs: Any,
) -> _T:
    """Call ``func`` now, on this thread, in ``context`` (or the caller's if it is ``None``),
    with ``loop`` set aside.

    asgiref's record of the calling loop, which ``async_to_sync`` inside the sync code would go
    back to, is cleared for the call: the loop is blocked while the call runs, so
    ``async_to_sync`` runs its coroutine on a loop of its own instead (whose sync calls come back
    to this thread).
    """
    local = _asgiref_local
    here = _here
    parent_loop = getattr(local, "main_event_loop", None)
    if parent_loop is not None:
        local.main_event_loop = None
    test_loop = here.loop
    here.loop = None
    _set_running_loop(None)
    try:
        if context is None:
            return func(*args, **kwargs)
        result: _T = context.run(func, *args, **kwargs)
        return result
    finally:
        _set_running_loop(loop)
        here.loop = test_loop
        # Also when it was None: the sync code may have left its own loop there.
        local.main_event_loop = parent_loop


def run_outside_loop(function: Callable[[], _T]) -> _T:
    """Call ``function`` on this thread as sync code, with the running loop set aside.

    Django's async-safety check passes and ``connections`` gives this thread's own connections,
    as if no loop were running. For sync code that runs while the test's loop is running and
    must use the ORM (``captureOnCommitCallbacks`` executing callbacks, say).
    """
    running = _here.loop or asyncio.events._get_running_loop()
    if running is None:
        return function()
    return call_in_place(running, None, function)


def install_short_cuts() -> None:
    """Put the short cuts in front of ``SyncToAsync.__call__`` and ``MiddlewareMixin.__acall__``,
    and the quick wrapper construction of :mod:`restflow_testing._quick_wrappers`, once."""
    global _original_call, _original_acall
    if _original_call is not None:
        return
    probe = SyncToAsync(_nothing)
    if not all(hasattr(probe, name) for name in ("func", "_thread_sensitive")):
        raise RuntimeError(
            "This asgiref's SyncToAsync keeps neither 'func' nor '_thread_sensitive', which "
            "restflow_testing's test loops rely on: install an asgiref release that "
            "restflow_testing supports (see its 'asgiref' requirement)."
        )
    _quick_wrappers.install()
    _original_acall = cast("Callable[..., Awaitable[Any]]", MiddlewareMixin.__acall__)
    setattr(MiddlewareMixin, "__acall__", _acall_in_place_on_test_loops)  # noqa: B010  # on purpose
    _original_call = cast("Callable[..., Awaitable[Any]]", SyncToAsync.__call__)
    setattr(SyncToAsync, "__call__", _call_in_place_on_test_loops)  # noqa: B010  # on purpose


def _nothing() -> None:
    """A sync function for probing ``SyncToAsync``'s attributes."""


async def _call_in_place_on_test_loops(self: SyncToAsync[..., _T], *args: Any, **kwargs: Any) -> _T:
    """``SyncToAsync.__call__``, running thread-sensitive work in place on a test loop.

    In place means: now, on this thread, in the caller's context (or the one given to
    ``sync_to_async``), with the running loop set aside (see :func:`call_in_place`).

    asgiref would also give precedence to the executor of an outer ``async_to_sync`` call found
    in the context; on a test loop that executor can only serve the test's own thread, which is
    busy running the loop, so the call would never run there: running it in place is the outcome
    that completes.
    """
    if getattr(self, "_thread_sensitive", False):
        loop = in_place_loop()
        if loop is not None:
            return call_in_place(loop, getattr(self, "context", None), self.func, *args, **kwargs)
    if _original_call is None:  # pragma: no cover - installed before it can be called
        raise RuntimeError("restflow_testing's SyncToAsync short cut was not installed.")
    delegated: _T = await _original_call(self, *args, **kwargs)
    return delegated


async def _acall_in_place_on_test_loops(self: MiddlewareMixin, request: HttpRequest) -> Any:
    """``MiddlewareMixin.__acall__``, calling the sync hooks in place on a test loop.

    Django's method runs ``process_request`` and then, if it answered nothing, the rest of the
    chain; then ``process_response``; each hook through a thread-sensitive ``sync_to_async``.
    This does the same, calling each hook as that ``sync_to_async`` would on a test loop.
    """
    loop = in_place_loop()
    if loop is None:
        if _original_acall is None:  # pragma: no cover - installed before it can be called
            raise RuntimeError("restflow_testing's middleware short cut was not installed.")
        return await _original_acall(self, request)
    hooks: Any = self
    response = None
    if hasattr(self, "process_request"):
        response = call_in_place(loop, None, hooks.process_request, request)
    response = response or await hooks.get_response(request)
    if hasattr(self, "process_response"):
        response = call_in_place(loop, None, hooks.process_response, request, response)
    return response
