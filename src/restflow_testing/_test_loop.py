"""The event loop a test drives from its own thread, and the thread its sync work runs on.

A :class:`TestLoop` runs coroutines with ``run_until_complete`` on the test's thread, so entering
the loop costs microseconds, not a thread hand-off. Django's ORM refuses to run on a thread
with a running event loop, so the synchronous work that async code hands off with
``sync_to_async(thread_sensitive=True)`` (the async ORM, sync views and middleware, signal
receivers) runs on one dedicated *database thread*, which uses the very connection objects of
the test's thread. Only one of the two threads touches a connection at a time: while the loop
runs, the test's thread is inside the loop and never calls the ORM itself (Django's
async-safety check forbids it).

Everything the test and its views write therefore goes through the connection that
``setUpTestData``, ``setUp`` and pytest-django's ``db`` fixture use, inside their transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine, Generator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import AsyncToSync
from django.db import connections

_T = TypeVar("_T")

_database_executor: ThreadPoolExecutor | None = None
_database_executor_lock = threading.Lock()
_shared: dict[str, Any] = {}
_active = threading.local()


def database_executor() -> ThreadPoolExecutor:
    """The single thread that runs thread-sensitive sync work for every test loop."""
    global _database_executor
    with _database_executor_lock:
        if _database_executor is None:
            _database_executor = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="restflow-testing-database"
            )
        return _database_executor


def run_on_database_thread(function: Callable[[], _T]) -> _T:
    """Run ``function`` on the database thread, wait for it, and return its result.

    For sync code that runs on the test's thread while its loop is running and must use the
    ORM (``captureOnCommitCallbacks`` executing callbacks, say). The connections are those
    :meth:`TestLoop.run` shared when it started the loop.
    """
    return database_executor().submit(function).result()


def share_connections() -> None:
    """Make the database thread use the calling thread's connection objects.

    Call it from sync code only: with a loop running, Django hands out per-task connections.

    Cheap when nothing changed since the last call; each connection is marked as shared
    between threads (``inc_thread_sharing``) once.
    """
    current = {alias: connections[alias] for alias in connections}
    if len(current) == len(_shared) and all(
        _shared.get(alias) is connection for alias, connection in current.items()
    ):
        return
    for alias, connection in current.items():
        if _shared.get(alias) is not connection:
            connection.inc_thread_sharing()
    database_executor().submit(_install, current).result()
    _shared.clear()
    _shared.update(current)


def _install(shared: dict[str, Any]) -> None:
    for alias, connection in shared.items():
        connections[alias] = connection


class TestLoop:
    """An event loop driven by the test's thread with ``run_until_complete``.

    Thread-sensitive ``sync_to_async`` calls made on it run on the database thread, with the
    connections of the thread that called :meth:`run`. The loop lives until :meth:`close`.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        AsyncToSync.loop_thread_executors[self.loop] = database_executor()  # type: ignore[assignment]  # pyright: ignore[reportArgumentType]

    @staticmethod
    def active() -> TestLoop | None:
        """The loop of the test running on this thread, if :meth:`activate` is in effect."""
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
        share_connections()
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
            loop.close()
