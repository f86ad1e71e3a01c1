"""Where a test loop's sync work runs: in place, on the test's thread, with the loop set aside.

Async code hands sync work off with ``sync_to_async(thread_sensitive=True)``: the async ORM,
Django's sync middleware and signal receivers, sync views. On a
:class:`~restflow_testing._test_loop.TestLoop` that work runs on the test's own thread, at once,
with the running loop set aside for the duration of the call. Django then sees an ordinary sync
thread and hands out the thread's own database connection, so every query runs in the test's
transaction and none waits on another thread.

Two routes lead there, with the same outcome:

- :data:`IN_PLACE`, an executor registered as the test loop's thread executor in asgiref
  (``AsyncToSync.loop_thread_executors``), which asgiref itself picks for thread-sensitive calls
  on that loop;
- a short cut in front of ``SyncToAsync.__call__`` (:func:`install_in_place_fast_path`) that
  recognises the same situation and calls the function directly, skipping the context copy, the
  executor submission and the futures, which cost more than the sync work of a typical ORM
  call. Every other call, on any other loop or thread, goes to asgiref unchanged.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar, cast

from asgiref.sync import AsyncToSync, SyncToAsync

_T = TypeVar("_T")
_P = ParamSpec("_P")


def in_event_loop() -> bool:
    """Whether an event loop is running on this thread."""
    return asyncio.events._get_running_loop() is not None


def on_test_loop() -> bool:
    """Whether the running loop is a test loop, whose thread-sensitive sync work runs in place."""
    loop = asyncio.events._get_running_loop()
    return loop is not None and _LOOP_EXECUTORS.get(loop) is IN_PLACE


def run_in_place_on(loop: asyncio.AbstractEventLoop) -> None:
    """Make ``loop`` a test loop: its thread-sensitive sync work runs in place from now on."""
    install_in_place_fast_path()
    _LOOP_EXECUTORS[loop] = IN_PLACE


def forget_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Undo :func:`run_in_place_on` (for a loop about to close)."""
    _LOOP_EXECUTORS.pop(loop, None)


def run_outside_loop(function: Callable[[], _T]) -> _T:
    """Call ``function`` on this thread as sync code, with the running loop set aside.

    Django's async-safety check passes and ``connections`` gives this thread's own connections,
    as if no loop were running. For sync code that runs while the test's loop is running and
    must use the ORM (``captureOnCommitCallbacks`` executing callbacks, say).
    """
    running = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        return function()
    finally:
        asyncio.events._set_running_loop(running)


def _call_in_place(function: Callable[..., _T], /, *args: Any, **kwargs: Any) -> _T:
    """Run sync work handed off by ``sync_to_async`` in place: no running loop, no parent loop.

    ``sync_to_async`` records the calling loop for the sync code, so that ``async_to_sync``
    inside it goes back to that loop. The loop is blocked while the call runs in place, so the
    record is cleared for the duration: ``async_to_sync`` then runs its coroutine on a loop of
    its own. The thread's previous record is restored afterwards.
    """
    local = SyncToAsync.threadlocal
    parent_loop = getattr(local, "main_event_loop", None)
    running = asyncio.events._get_running_loop()
    local.main_event_loop = None
    asyncio.events._set_running_loop(None)
    try:
        return function(*args, **kwargs)
    finally:
        asyncio.events._set_running_loop(running)
        local.main_event_loop = parent_loop


class _InPlaceExecutor(Executor):
    """Runs each submitted call immediately, on the submitting thread, outside the loop.

    ``sync_to_async`` picks this executor for thread-sensitive calls on a test loop (it is
    registered as the loop's thread executor). The outcome comes back as an already finished
    *asyncio* future of the running loop, which ``loop.run_in_executor`` hands over as it is:
    awaiting it does not suspend, so a sync call costs no trip around the loop and no wake-up
    of its selector.
    """

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[_T] = loop.create_future()
        try:
            outcome.set_result(_call_in_place(_unwrap_thread_handler(fn, args, kwargs)))
        except BaseException as error:  # handed to the awaiting coroutine
            outcome.set_exception(error)
        return outcome  # type: ignore[return-value]  # pyright: ignore[reportReturnType]


def _unwrap_thread_handler(
    fn: Callable[..., _T], args: tuple[object, ...], kwargs: dict[str, object]
) -> Callable[[], _T]:
    """The call ``sync_to_async`` submitted, minus the loop it records for ``async_to_sync``.

    ``sync_to_async`` submits its ``thread_handler`` bound to the calling loop; the loop is
    replaced with ``None`` so that :func:`_call_in_place`'s cleared record stays cleared.
    """
    if (
        isinstance(fn, functools.partial)
        and getattr(fn.func, "__name__", "") == "thread_handler"
        and fn.args
        and isinstance(fn.args[0], asyncio.AbstractEventLoop)
    ):
        handler: Callable[..., _T] = fn.func
        rest: tuple[object, ...] = fn.args[1:]
        keywords: dict[str, object] = fn.keywords
        return lambda: handler(None, *rest, *args, **keywords, **kwargs)
    return functools.partial(fn, *args, **kwargs)


IN_PLACE = _InPlaceExecutor()
"""The executor of every test loop: thread-sensitive sync work runs in place."""

# asgiref's registry of the executor each loop's thread-sensitive work goes to (typed there for
# its own executor class only).
_LOOP_EXECUTORS = cast(
    "dict[asyncio.AbstractEventLoop, Executor]", AsyncToSync.loop_thread_executors
)


_original_call: Callable[..., Awaitable[Any]] | None = None


def install_in_place_fast_path() -> None:
    """Put :func:`_call_or_delegate` in front of ``SyncToAsync.__call__``, once per process.

    Skipped (leaving :data:`IN_PLACE` to do the job) if asgiref's ``SyncToAsync`` no longer
    keeps the attributes the short cut reads.
    """
    global _original_call
    if _original_call is not None:
        return
    probe = SyncToAsync(_nothing)
    if not all(hasattr(probe, name) for name in ("func", "context", "_thread_sensitive")):
        return
    _original_call = cast("Callable[..., Awaitable[Any]]", SyncToAsync.__call__)
    setattr(SyncToAsync, "__call__", _call_or_delegate)  # noqa: B010  # a method swap, on purpose


def _nothing() -> None:
    """A sync function for probing ``SyncToAsync``'s attributes."""


async def _call_or_delegate(self: SyncToAsync[..., _T], *args: Any, **kwargs: Any) -> _T:
    """``SyncToAsync.__call__``, calling in place when asgiref would pick :data:`IN_PLACE`.

    That is a thread-sensitive call on a test loop that no ``ThreadSensitiveContext`` claims
    (asgiref gives those precedence). The outcome is the one :data:`IN_PLACE` gives: the
    function runs now, on this thread, in the caller's context, with the loop set aside.

    asgiref would also give precedence to the executor of an outer ``async_to_sync`` call
    found in the context. On a test loop that executor can only serve the test's own thread,
    which is busy running the loop, so the call would never run; running it in place is the
    only outcome that completes.
    """
    loop = asyncio.get_running_loop()
    if (
        _LOOP_EXECUTORS.get(loop) is IN_PLACE
        and getattr(self, "_thread_sensitive", False)
        and SyncToAsync.thread_sensitive_context.get(None) is None
    ):
        func: Callable[..., _T] = self.func
        context = self.context
        # What _call_in_place does, inlined: this runs for every ORM call of a test.
        local = SyncToAsync.threadlocal
        parent_loop = getattr(local, "main_event_loop", None)
        local.main_event_loop = None
        asyncio.events._set_running_loop(None)
        try:
            if context is None:
                return func(*args, **kwargs)
            result: _T = context.run(func, *args, **kwargs)
            return result
        finally:
            asyncio.events._set_running_loop(loop)
            local.main_event_loop = parent_loop
    if _original_call is None:  # pragma: no cover - installed before it can be called
        raise RuntimeError("restflow_testing's SyncToAsync short cut was not installed.")
    delegated: _T = await _original_call(self, *args, **kwargs)
    return delegated
