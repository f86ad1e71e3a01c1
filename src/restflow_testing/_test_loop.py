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
import contextlib
import threading
from collections.abc import Coroutine, Generator
from typing import Any, TypeVar

from asgiref.sync import AsyncToSync

from restflow_testing._in_place import IN_PLACE, install_in_place_fast_path
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
        install_in_place_fast_path()
        AsyncToSync.loop_thread_executors[self.loop] = IN_PLACE  # type: ignore[assignment]  # pyright: ignore[reportArgumentType]

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

    def unfinished_tasks(self) -> set[asyncio.Task[object]]:
        """The loop's tasks that are not finished, asked between runs."""
        return unfinished_tasks(self.loop)

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
