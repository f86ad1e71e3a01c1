"""Detect asyncio tasks that a test started and left running."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Literal, TypeAlias

LeakedTasks: TypeAlias = Literal["fail", "cancel"]
"""What happens to tasks a test leaves running: ``"fail"`` the test, or ``"cancel"`` them quietly
(as ``asyncio.run`` does)."""

LEAKED_TASK_MODES: tuple[LeakedTasks, ...] = ("fail", "cancel")


class LeakedTaskError(RuntimeError):
    """A test (or one of its examples) returned while tasks it started were still running.

    The tasks have been cancelled so they cannot run into the next test; the test fails so the
    leak is fixed at its source: await the task, or cancel it in the test or in
    ``asyncTearDown``. Tests that mean to leave fire-and-forget tasks behind opt out with
    ``leaked_tasks = "cancel"`` on the test case class or ``@pytest.mark.leaked_tasks("cancel")``.
    """


def check_leaked_tasks_mode(mode: object, where: str) -> LeakedTasks:
    """``mode`` if it is a valid leaked-task mode, else a ``ValueError`` naming the choices."""
    for valid in LEAKED_TASK_MODES:
        if mode == valid:
            return valid
    raise ValueError(
        f"{where}: leaked_tasks must be 'fail' (the default) or 'cancel', not {mode!r}."
    )


def running_tasks() -> set[asyncio.Task[object]]:
    """The tasks of the running loop that are not finished, the caller's own task excluded."""
    current = asyncio.current_task()
    return {task for task in asyncio.all_tasks() if task is not current}


async def end_leaked_tasks(
    existing: set[asyncio.Task[object]],
    where: Callable[[], str],
    *,
    mode: LeakedTasks = "fail",
    report: bool = True,
) -> None:
    """Cancel the tasks started since ``existing`` was taken that still run.

    With ``mode="fail"`` raises [`LeakedTaskError`][restflow_testing._leaked_tasks.LeakedTaskError]
    naming each task's coroutine, unless ``report`` is false (the test already failed: its own error
    is the one to show). With ``mode="cancel"`` the tasks are cancelled quietly. Either way they are
    finished (awaited) before this returns, so nothing of theirs runs into the next test.
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
    if mode == "cancel" or not report:
        return
    names = ", ".join(sorted(_describe(task) for task in leaked))
    raise LeakedTaskError(
        f"{where()} left {len(leaked)} asyncio task(s) running: {names}. They were cancelled; "
        "await them before the test ends, or cancel them in the test or in asyncTearDown "
        "(or opt out: leaked_tasks = 'cancel' on the class, "
        "@pytest.mark.leaked_tasks('cancel') on a pytest test)."
    )


def _describe(task: asyncio.Task[object]) -> str:
    coro = task.get_coro()
    qualname = getattr(coro, "__qualname__", None) or repr(coro)
    return f"{task.get_name()} ({qualname})"
