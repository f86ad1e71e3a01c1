"""The test's event loop, on a helper thread, with the test's thread serving its sync work.

This is how Django's own async tests and ASGI servers run code: the coroutine runs on an event
loop, and the thread-sensitive sync work it hands to ``sync_to_async`` (the async ORM, sync views,
middleware and signal receivers) runs on the one thread that waits for it. That thread is the
test's, so the work uses the test's database connections and stays in its transaction.

:class:`LoopThread` keeps one loop alive across calls, where ``async_to_sync`` makes a new loop and
thread each time, and plugs into asgiref where ``async_to_sync`` itself does: it registers the
executor that hands sync work to the waiting thread, per loop and in the coroutine's context.
Unlike ``async_to_sync``'s, that executor outlives a single call: a task started in one call
(an ``asyncSetUp`` that opens a session, say) still has its sync work served in the next.
Nothing of asgiref, Django or asyncio is replaced.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import functools
import threading
import weakref
from collections.abc import Callable, Coroutine, Generator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import AsyncToSync, sync_to_async
from hypothesis import control

_T = TypeVar("_T")


class LoopThread:
    """An event loop running on a thread of its own until :meth:`close`.

    :meth:`run` runs a coroutine on it from another thread, which serves the coroutine's
    thread-sensitive sync work until the coroutine is done, as ``async_to_sync`` does. Work that
    is not thread-sensitive runs on worker threads that :meth:`replace_workers` retires.
    """

    __test__ = False  # not a test, whatever pytest's name patterns say

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop = asyncio.new_event_loop()
        self._tasks: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        self.loop.set_task_factory(self._make_task)
        self._served = ServedWork()
        self._workers = WorkerThreads()
        self.loop.set_default_executor(self._workers)
        registered: dict[asyncio.AbstractEventLoop, Any] = AsyncToSync.loop_thread_executors
        registered[self.loop] = self._served
        self._thread = threading.Thread(
            target=self._run_forever, name="restflow-testing event loop", daemon=True
        )
        self._thread.start()

    def record_as_sync_parent(self) -> None:
        """Have asgiref record this loop as the one ``async_to_sync`` in sync code on the calling
        thread goes back to (asgiref records it when it runs sync work handed off by the loop;
        one sync call does it), so sync tests of a class find the class's loop from the first
        test on, whatever ran before."""
        self.run(sync_to_async(_nothing)())

    def _make_task(
        self,
        loop: asyncio.AbstractEventLoop,
        coroutine: Coroutine[Any, Any, Any] | Generator[Any, None, Any],
        /,
        **kwargs: Any,
    ) -> asyncio.Task[Any]:
        """The loop's task factory: asyncio's own tasks, recorded for :meth:`has_tasks`."""
        task: asyncio.Task[Any] = asyncio.Task(coroutine, loop=loop, **kwargs)
        self._tasks.add(task)
        return task

    def has_tasks(self) -> bool:
        """Whether any task of the loop is unfinished; asked from another thread between calls,
        to spare a call onto the loop when there is nothing to check there. ``True`` when code
        under test replaced the loop's task factory (the record is then incomplete)."""
        if self.loop.get_task_factory() != self._make_task:
            return True
        while True:
            try:
                return any(not task.done() for task in list(self._tasks))
            except RuntimeError:  # the set changed while it was copied: ask again
                continue

    def _run_forever(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            asyncio.set_event_loop(None)

    def run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coroutine`` on the loop and return its result (or raise its exception).

        Call it from the thread that made the loop thread, which runs the coroutine's
        thread-sensitive sync work meanwhile, with its own database connections (another thread
        gets ``RuntimeError``). Call it from sync code: from inside a running loop it raises
        ``RuntimeError`` (await the coroutine instead). Contextvars of the caller are seen by
        the coroutine; inside a Hypothesis example, so is the example's build context (``note``,
        ``event``, ``target`` and ``st.data()`` draws work in the coroutine).
        """
        if running_loop() is not None:
            coroutine.close()
            raise RuntimeError(
                "An event loop is already running on this thread: await the coroutine instead."
            )
        if self.loop.is_closed():
            coroutine.close()
            raise RuntimeError("This test loop is closed.")
        if threading.get_ident() != self._served.owner:
            coroutine.close()
            raise RuntimeError("Only the thread that made this test loop may run coroutines on it.")
        future = asyncio.run_coroutine_threadsafe(
            _serving(self._served, _build_context(), coroutine), self.loop
        )
        try:
            self._served.serve_until(future)
        except BaseException:  # interrupted (Ctrl-C, a test timeout): stop the coroutine too
            future.cancel()
            raise
        return future.result()

    def replace_workers(self) -> None:
        """Retire the worker threads that ran non-thread-sensitive work, waiting for them, so
        nothing they hold (thread-locals, asgiref's per-thread records) reaches the next test."""
        if self.loop.is_closed() or not self._workers.used:
            return
        retired, self._workers = self._workers, WorkerThreads()
        # Queued after anything already scheduled, before anything scheduled later.
        self.loop.call_soon_threadsafe(self.loop.set_default_executor, self._workers)
        retired.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Cancel what still runs on the loop (serving its sync work), finish its async
        generators, stop its thread and close it. Idempotent."""
        if self.loop.is_closed():
            return
        try:
            self.run(_cancel_everything())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()
            AsyncToSync.loop_thread_executors.pop(self.loop, None)
            self._served.shutdown()
            self.loop.close()
            self._workers.shutdown(wait=True, cancel_futures=True)


class ServedWork(Executor):
    """Sync work handed off by a loop's coroutines, run by the thread waiting in
    :meth:`serve_until`, one item at a time, in the order submitted.

    That thread is the one that made the executor; work submitted while it does not wait is run
    by its next :meth:`serve_until` (nested calls included): the executor stays open until
    :meth:`shutdown`.
    """

    def __init__(self) -> None:
        self.owner = threading.get_ident()
        self._ready = threading.Condition()
        self._queue: collections.deque[tuple[Future[Any], Callable[[], Any]]] = collections.deque()
        self._closed = False

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> Future[_T]:
        """Queue ``fn(*args, **kwargs)`` for the serving thread; its future holds the outcome.

        From the thread that serves it (sync code on the test's thread that runs a loop of its
        own, whose coroutine hands work back) it raises ``RuntimeError``, as asgiref's
        ``CurrentThreadExecutor`` does: that thread would wait for itself.
        """
        future: Future[_T] = Future()
        with self._ready:
            if threading.get_ident() == self.owner:
                raise RuntimeError(
                    "You cannot submit onto CurrentThreadExecutor from its own thread: sync code "
                    "on the test's thread started an event loop of its own (asyncio.run, say) "
                    "whose thread-sensitive sync work would wait for this very thread. Use "
                    "async_to_sync instead, which runs the coroutine on the test's loop."
                )
            if self._closed:
                raise RuntimeError(
                    "The test's event loop has closed: sync work handed off after the end of the "
                    "test cannot run. Await or cancel the task that does it before the test ends."
                )
            self._queue.append((future, functools.partial(fn, *args, **kwargs)))
            self._ready.notify_all()
        return future

    def serve_until(self, done: Future[Any]) -> None:
        """Run queued work on this thread until ``done`` is done and nothing is queued. Call it
        from the thread that made the executor (nested calls included)."""
        if threading.get_ident() != self.owner:
            raise RuntimeError("Only the thread that made this executor may serve it.")

        def wake(_: Future[Any]) -> None:
            with self._ready:
                self._ready.notify_all()

        done.add_done_callback(wake)
        while True:
            with self._ready:
                while not self._queue and not done.done():
                    self._ready.wait()
                if not self._queue:
                    return
                future, work = self._queue.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = work()
            except BaseException as exc:  # handed to the awaiting coroutine, as asgiref does
                future.set_exception(exc)
            else:
                future.set_result(result)
            del future, work

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse new work; work still queued fails with ``RuntimeError``."""
        with self._ready:
            self._closed = True
            queued, self._queue = self._queue, collections.deque()
        for future, _ in queued:
            if future.set_running_or_notify_cancel():
                future.set_exception(
                    RuntimeError("The test's event loop closed before this sync work could run.")
                )


async def _serving(
    served: ServedWork,
    build_context: control.BuildContext | None,
    coroutine: Coroutine[Any, Any, _T],
) -> _T:
    """Await ``coroutine`` with its thread-sensitive sync work sent to ``served``.

    asgiref's ``sync_to_async`` looks first for the executor in the context (which every task
    the coroutine starts inherits, and which ``ThreadSensitiveContext`` defers to), as
    ``async_to_sync`` registers it.
    """
    AsyncToSync.executors.current = served
    with _sharing(build_context):
        return await coroutine


def _nothing() -> None:
    """A sync call with no effect."""


def call_on_serving_thread(function: Callable[[], _T]) -> _T:
    """Call the sync ``function`` on the thread that serves the running loop's sync work, and
    wait for it; with no loop running on this thread, call it here.

    For sync code that runs on the loop but must use the test's database connection (entering
    ``captureOnCommitCallbacks``, a strategy drawn in an async test body). The loop waits
    meanwhile, as any blocking call makes it wait.
    """
    loop = running_loop()
    if loop is None:
        return function()
    executor = getattr(AsyncToSync.executors, "current", None)
    if executor is None:
        executor = AsyncToSync.loop_thread_executors.get(loop)
    if executor is None:
        raise NoServingThreadError(
            "This sync code needs the test's database connection, but it runs on an event loop "
            "whose sync work no thread serves. Run it from the test body (or asyncSetUp), or "
            "wrap it in asgiref's sync_to_async."
        )
    context = contextvars.copy_context()
    result: _T = executor.submit(context.run, function).result()
    return result


class NoServingThreadError(RuntimeError):
    """:func:`call_on_serving_thread` was called on an event loop whose sync work no thread
    serves (a loop that neither this library nor asgiref's ``async_to_sync`` runs)."""


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop running on this thread, if any."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class WorkerThreads(ThreadPoolExecutor):
    """A loop's default executor (``sync_to_async(..., thread_sensitive=False)``,
    ``run_in_executor(None, ...)``), which knows whether it was ever given work."""

    used = False

    def __init__(self) -> None:
        super().__init__(thread_name_prefix="restflow-testing worker")

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> Future[_T]:
        """Run ``fn(*args, **kwargs)`` on a worker thread."""
        self.used = True
        return super().submit(fn, *args, **kwargs)


def _build_context() -> control.BuildContext | None:
    """The build context of the Hypothesis example running on this thread, if any."""
    if not control.currently_in_test_context():
        return None
    return control.current_build_context()


@contextlib.contextmanager
def _sharing(build_context: control.BuildContext | None) -> Generator[None]:
    """Make ``build_context`` this thread's Hypothesis build context inside the block.

    Hypothesis keeps the example being built per thread; the example's coroutine runs on the
    loop's thread while the example's own thread waits for it.
    """
    variable: Any = getattr(control, "_current_build_context", None)
    if build_context is None or variable is None or not hasattr(variable, "with_value"):
        yield
        return
    with variable.with_value(build_context):
        yield


async def _cancel_everything() -> None:
    current = asyncio.current_task()
    leftover = [task for task in asyncio.all_tasks() if task is not current]
    for task in leftover:
        task.cancel()
    if leftover:
        await asyncio.gather(*leftover, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_asyncgens()
