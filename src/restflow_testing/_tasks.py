"""Detect asyncio tasks that a test started and left running."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Callable, Coroutine
from typing import Any


class LeakedTaskError(RuntimeError):
    """A test (or one of its examples) returned while tasks it started were still running.

    The tasks have been cancelled so they cannot run into the next test; the test fails so the
    leak is fixed at its source: await the task, or cancel it in the test or in
    ``asyncTearDown``.
    """


_tracked: dict[asyncio.AbstractEventLoop, weakref.WeakSet[asyncio.Task[Any]]] = {}


def track_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Keep count of the tasks ``loop`` runs, so :func:`running_tasks` need not scan them all.

    ``asyncio.all_tasks()`` walks every task of the process; a task factory records the loop's
    own tasks as they are made, weakly, as asyncio does (a finished task needs no callback to
    leave the record). Stop with :func:`untrack_tasks`.
    """
    live: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()

    def factory(
        loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], **kwargs: Any
    ) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.Task(coro, loop=loop, **kwargs)
        live.add(task)
        return task

    loop.set_task_factory(factory)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    _tracked[loop] = live


def untrack_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Forget what :func:`track_tasks` recorded for ``loop``."""
    _tracked.pop(loop, None)
    loop.set_task_factory(None)


def running_tasks() -> set[asyncio.Task[object]]:
    """The tasks of the running loop that are not finished, the caller's own task excluded."""
    current = asyncio.current_task()
    return {task for task in unfinished_tasks(asyncio.get_running_loop()) if task is not current}


def unfinished_tasks(loop: asyncio.AbstractEventLoop) -> set[asyncio.Task[object]]:
    """The tasks of ``loop`` that are not finished."""
    tracked = _tracked.get(loop)
    if tracked is not None and not tracked:
        return set()
    tasks = asyncio.all_tasks(loop) if tracked is None else tracked
    return {task for task in tasks if not task.done()}


async def fail_on_leaked_tasks(
    existing: set[asyncio.Task[object]], where: Callable[[], str], *, report: bool = True
) -> None:
    """Cancel and report the tasks started since ``existing`` was taken that still run.

    Raises :class:`LeakedTaskError` naming each leaked task's coroutine, unless ``report`` is
    false (the test already failed: its own error is the one to show); the tasks are cancelled
    either way.
    """
    if not running_tasks() - existing:
        return
    await asyncio.sleep(0)  # let tasks that are about to finish do so
    leaked = running_tasks() - existing
    if not leaked:
        return
    for task in leaked:
        task.cancel()
    for task in leaked:
        with contextlib.suppress(BaseException):
            await task
    if not report:
        return
    names = ", ".join(sorted(_describe(task) for task in leaked))
    raise LeakedTaskError(
        f"{where()} left {len(leaked)} asyncio task(s) running: {names}. They were cancelled; "
        "await them before the test ends, or cancel them in the test or in asyncTearDown."
    )


def _describe(task: asyncio.Task[object]) -> str:
    coro = task.get_coro()
    qualname = getattr(coro, "__qualname__", None) or repr(coro)
    return f"{task.get_name()} ({qualname})"
