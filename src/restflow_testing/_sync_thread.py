"""Run a synchronous callable on the thread that is waiting on the current event loop.

Inside a test run by :func:`asgiref.sync.async_to_sync`, the thread that called it owns the
test's database connection and idles until the loop hands it work. Sync code that runs on the
event loop thread (a ``with`` block's exit, say) and must touch that connection uses
:func:`call_on_sync_thread` to run there and wait for the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from asgiref.current_thread_executor import CurrentThreadExecutor
from asgiref.sync import AsyncToSync

_T = TypeVar("_T")


def waiting_sync_thread() -> CurrentThreadExecutor | None:
    """The executor of the sync thread that awaits the running code, if there is one."""
    executor = getattr(AsyncToSync.executors, "current", None)
    return executor if isinstance(executor, CurrentThreadExecutor) else None


def call_on_sync_thread(function: Callable[[], _T]) -> _T:
    """Run ``function`` on the waiting sync thread and return its result (or raise its error).

    Blocks the calling thread (the event loop) until ``function`` is done. Raises
    ``RuntimeError`` when no sync thread is waiting.
    """
    executor = waiting_sync_thread()
    if executor is None:
        raise RuntimeError(
            "No synchronous test thread is waiting on this event loop; run the test through "
            "restflow_testing's test cases or pytest plugin."
        )
    return executor.submit(function).result()
