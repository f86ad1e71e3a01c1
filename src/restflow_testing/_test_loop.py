"""The event loop a test drives from its own thread, and where its sync work runs.

A :class:`TestLoop` runs coroutines with ``run_until_complete`` on the test's thread, so entering
the loop costs microseconds, not a thread hand-off. The synchronous work that async code hands
off with ``sync_to_async(thread_sensitive=True)`` (the async ORM, sync views and middleware,
signal receivers) runs on that same thread, in place, with the event loop set aside for the
duration of the call: Django then sees an ordinary sync thread and hands out the thread's own
database connection, the one ``setUpTestData``, ``setUp`` and pytest-django's ``db`` fixture
use. Everything the test and its views write therefore happens inside the test's transaction,
and no query ever waits on another thread.

The price of running sync work in place is that it blocks the loop while it runs, exactly as a
single worker thread would serialise it; sync code that calls ``async_to_sync`` still works (it
gets a loop of its own, whose sync calls come back to this thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import Callable, Coroutine, Generator
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import AsyncToSync, SyncToAsync

from restflow_testing._tasks import track_tasks, untrack_tasks

_T = TypeVar("_T")
_P = ParamSpec("_P")

_active = threading.local()
_THREAD_HANDLER_STATE = ("main_event_loop", "main_event_loop_pid", "task_context")
_MISSING = object()


def in_event_loop() -> bool:
    """Whether an event loop is running on this thread."""
    return asyncio.events._get_running_loop() is not None


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


class _InPlaceExecutor(Executor):
    """Runs each submitted call immediately, on the submitting thread, outside the loop.

    The outcome comes back as an already finished *asyncio* future of the running loop, which
    ``loop.run_in_executor`` hands over as it is: awaiting it does not suspend, so a sync call
    costs no trip around the loop and no wake-up of its selector.
    """

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[_T] = loop.create_future()
        call = _without_parent_loop(functools.partial(fn, *args, **kwargs))
        saved = {
            name: getattr(SyncToAsync.threadlocal, name, _MISSING) for name in _THREAD_HANDLER_STATE
        }
        try:
            outcome.set_result(run_outside_loop(call))
        except BaseException as error:  # handed to the awaiting coroutine
            outcome.set_exception(error)
        finally:
            for name, value in saved.items():
                if value is _MISSING:
                    with contextlib.suppress(AttributeError):
                        delattr(SyncToAsync.threadlocal, name)
                else:
                    setattr(SyncToAsync.threadlocal, name, value)
        return outcome  # type: ignore[return-value]  # pyright: ignore[reportReturnType]


def _without_parent_loop(call: functools.partial[_T]) -> Callable[[], _T]:
    """Keep sync code from scheduling ``async_to_sync`` work on the loop it is blocking.

    ``sync_to_async`` records the calling loop for the sync code (so that ``async_to_sync``
    inside it goes back to that loop). The loop is blocked while the call runs in place, so the
    record is dropped: ``async_to_sync`` then runs its coroutine on a loop of its own.
    """
    inner: object = call.func
    if (
        isinstance(inner, functools.partial)
        and getattr(inner.func, "__name__", "") == "thread_handler"
        and inner.args
        and isinstance(inner.args[0], asyncio.AbstractEventLoop)
    ):
        handler: Callable[..., _T] = inner.func
        rest: tuple[object, ...] = inner.args[1:]
        keywords: dict[str, object] = inner.keywords
        return lambda: handler(None, *rest, **keywords)
    return call


_IN_PLACE = _InPlaceExecutor()


class TestLoop:
    """An event loop driven by the test's thread with ``run_until_complete``.

    Thread-sensitive ``sync_to_async`` calls made on it run in place on the same thread, with
    that thread's database connections. The loop lives until :meth:`close`.
    """

    __test__ = False  # not a test, whatever pytest's name patterns say

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        track_tasks(self.loop)
        AsyncToSync.loop_thread_executors[self.loop] = _IN_PLACE  # type: ignore[assignment]  # pyright: ignore[reportArgumentType]

    @staticmethod
    def active() -> TestLoop | None:
        """The loop of the test running on this thread, while :meth:`activate` is in effect."""
        loop: TestLoop | None = getattr(_active, "loop", None)
        return loop

    @contextlib.contextmanager
    def activate(self) -> Generator[None]:
        """Make this the loop that async ``@given`` examples on this thread run on."""
        previous = TestLoop.active()
        _active.loop = self
        try:
            yield
        finally:
            _active.loop = previous

    def run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coroutine`` to completion on this loop and return its result."""
        if self.loop.is_running():
            coroutine.close()
            raise RuntimeError(
                "The test's event loop is already running: await the coroutine instead."
            )
        previous = TestLoop.active()
        _active.loop = self
        try:
            return self.loop.run_until_complete(coroutine)
        finally:
            _active.loop = previous

    def close(self) -> None:
        """Cancel what is left on the loop, finish its async generators and close it."""
        loop = self.loop
        if loop.is_closed():
            return
        try:
            leftover = asyncio.all_tasks(loop)
            for task in leftover:
                task.cancel()
            if leftover:
                loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            AsyncToSync.loop_thread_executors.pop(loop, None)
            untrack_tasks(loop)
            loop.close()
