"""The event loop a test drives from its own thread.

A :class:`TestLoop` runs coroutines with ``run_until_complete`` on the test's thread, so entering
the loop costs microseconds, not a thread hand-off. The synchronous work that async code hands
off with ``sync_to_async(thread_sensitive=True)`` runs on that same thread, in place (see
:mod:`restflow_testing._in_place`): with the thread's own database connection, the one
``setUpTestData``, ``setUp`` and pytest-django's ``db`` fixture use. Everything the test and its
views write therefore happens inside the test's transaction.

The price of running sync work in place is that it blocks the loop while it runs, exactly as a
single worker thread would serialise it; sync code that calls ``async_to_sync`` still works (it
gets a loop of its own, whose sync calls come back to this thread).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import sys
import threading
from collections.abc import Coroutine, Generator
from typing import Any, TypeVar

from restflow_testing._in_place import install_short_cuts, test_loop_running
from restflow_testing._tasks import track_tasks, unfinished_tasks, untrack_tasks

_T = TypeVar("_T")

_active = threading.local()


class TestLoop:
    """An event loop driven by the test's thread with ``run_until_complete``.

    Thread-sensitive ``sync_to_async`` calls made on it run in place on the same thread, with
    that thread's database connections. The loop lives until :meth:`close`.
    """

    __test__ = False  # not a test, whatever pytest's name patterns say

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        track_tasks(self.loop)
        install_short_cuts()
        self._steps_eagerly = _can_step_eagerly(self.loop)

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
        """Run ``coroutine`` to completion on this loop and return its result.

        As ``run_until_complete``, with one saving: when the coroutine's task is the only thing
        the loop has to do, its first step runs at once, and a task that finishes in that step
        (a test that never waits on I/O, the usual case once sync work runs in place) leaves the
        loop without a single iteration of it.
        """
        loop = self.loop
        if loop.is_running():
            coroutine.close()
            raise RuntimeError(
                "The test's event loop is already running: await the coroutine instead."
            )
        # The test's own task: made directly, since the leaked-task check only looks for the
        # tasks a test starts (which the loop's task factory records).
        task = asyncio.Task(coroutine, loop=loop)
        previous = test_loop_running(loop)
        try:
            if self._steps_eagerly and _first_step_finished(loop, task):
                return task.result()
            return loop.run_until_complete(task)
        finally:
            test_loop_running(previous)

    def unfinished_tasks(self) -> set[asyncio.Task[object]]:
        """The loop's tasks that are not finished, asked between runs."""
        return unfinished_tasks(self.loop)

    def close(self) -> None:
        """Cancel what is left on the loop, finish its async generators and close it."""
        loop = self.loop
        if loop.is_closed():
            return
        previous = test_loop_running(loop)
        try:
            leftover = asyncio.all_tasks(loop)
            for task in leftover:
                task.cancel()
            if leftover:
                loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            test_loop_running(previous)
            untrack_tasks(loop)
            loop.close()


_LOOP_INTERNALS = ("_ready", "_thread_id", "_asyncgen_firstiter_hook", "_asyncgen_finalizer_hook")


def _can_step_eagerly(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether ``loop`` has the internals :func:`_first_step_finished` relies on (and no debug)."""
    return (
        all(hasattr(loop, name) for name in _LOOP_INTERNALS)
        and isinstance(getattr(loop, "_ready", None), collections.deque)
        and not loop.get_debug()
    )


def _first_step_finished(loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any]) -> bool:
    """Run ``task``'s first step now if it is all the loop has to do; say if that finished it.

    The loop's next iteration would run exactly that step first (it is the only ready
    callback), with the loop marked as running; this does the same without the iteration
    (the selector poll, the done callbacks, the bookkeeping of ``run_forever``). The answer is
    ``True`` only if the task is then done and nothing else became ready: the case where
    ``run_until_complete`` would have had no more to do. Otherwise the caller carries on with
    ``run_until_complete``, from the very state the loop's own iteration would have left.
    """
    internals: Any = loop
    ready: collections.deque[Any] = internals._ready
    if len(ready) != 1 or getattr(ready[0]._callback, "__self__", None) is not task:
        return False
    handle = ready.popleft()
    hooks = sys.get_asyncgen_hooks()
    sys.set_asyncgen_hooks(
        firstiter=internals._asyncgen_firstiter_hook, finalizer=internals._asyncgen_finalizer_hook
    )
    internals._thread_id = threading.get_ident()
    asyncio.events._set_running_loop(loop)
    try:
        handle._run()
    finally:
        asyncio.events._set_running_loop(None)
        internals._thread_id = None
        sys.set_asyncgen_hooks(*hooks)
    return task.done() and not ready
