"""Request timeouts: a request that runs past its deadline fails, showing where the view waited.

An async view is interrupted at the deadline, as ``asyncio.timeout`` interrupts any coroutine.
Sync code (a sync view, or ``sync_to_async`` work an async view waits for) cannot be interrupted:
the request runs to its end and then fails, with the stack the sync code had at the deadline.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import os
import sys
import threading
import traceback
from collections.abc import Callable, Coroutine, Iterator
from types import CodeType, FrameType
from typing import Any, Final, TypeVar, cast

import asgiref
from asgiref.sync import SyncToAsync

_T = TypeVar("_T")

_WAITS_FOR_SYNC_WORK: Final[CodeType] = SyncToAsync.__call__.__code__
_RUNS_SYNC_WORK: Final[CodeType] = SyncToAsync.thread_handler.__code__
_SHOWN: Final = 12
_WRAPPERS: Final = (
    os.path.dirname(__file__) + os.sep,  # this library
    os.path.dirname(asgiref.__file__) + os.sep,  # asgiref's sync_to_async wrapping
)
_RECHECK: Final = 0.05
"""Seconds between looks at a request whose sync work overran, to interrupt what follows it."""


class RequestTimeout(TimeoutError):
    """A request did not finish within its ``timeout``; the message names the method, the path
    and where the view was at the deadline."""

    def __init__(self, message: str, *, method: str, path: str, timeout: float) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.timeout = timeout


async def within_timeout(
    request: Coroutine[Any, Any, _T],
    seconds: float,
    method: str,
    path: str,
    current: Callable[[], str] | None = None,
) -> _T:
    """Await ``request`` in the calling task; :class:`RequestTimeout` after ``seconds``.

    ``current`` names the request being served (``"GET /next/"``) when it is no longer the
    call's own (a redirect being followed). Cancellation from outside (``asyncio.wait_for``
    around the call, say) passes through as without a timeout.
    """
    loop = asyncio.get_running_loop()
    interrupted_at: list[str] = []  # where the request waited when it was interrupted
    overrun: list[str] = []  # the sync code running at the deadline, when it had to wait for it

    def at_deadline() -> None:
        chain = list(_awaited_frames(request))
        if chain and chain[-1].f_code is _WAITS_FOR_SYNC_WORK:
            if not overrun:
                overrun.append(_format_sync_stacks() or _format(chain))
            recheck[0] = loop.call_later(_RECHECK, at_deadline)
        else:
            interrupted_at.append(_format(chain))
            deadline.reschedule(loop.time())

    def failure(what: str) -> RequestTimeout:
        call = f"{method} {path}"
        served = current() if current is not None else call
        named = call if served == call else f"{call} (redirected to {served})"
        return RequestTimeout(
            f"{named} did not finish within its timeout of {seconds:g} s{what}",
            method=method,
            path=path,
            timeout=seconds,
        )

    deadline = asyncio.timeout(None)
    recheck = [loop.call_later(seconds, at_deadline)]
    try:
        async with deadline:
            result = await request
    except TimeoutError:
        if not deadline.expired():
            raise
        text = (
            f" and was interrupted. At the deadline the view was waiting at:\n{interrupted_at[0]}"
        )
        if overrun:
            text += f"\nBefore that, it waited for sync code, which was at:\n{overrun[0]}"
        raise failure(text) from None
    finally:
        recheck[0].cancel()
    if overrun:
        raise failure(
            ". At the deadline it was waiting for sync code, which cannot be interrupted, so the "
            "request ran to its end; its response is discarded. The sync code running at the "
            "deadline (with requests sent concurrently, it may be another request's that this "
            f"one waited for):\n{overrun[0]}"
        )
    return result


def _awaited_frames(awaitable: object) -> Iterator[FrameType]:
    """The frames of a suspended coroutine and of what it awaits, outermost first; awaited
    tasks (``asyncio.wait_for``'s, say) are followed into their coroutine, and the iterator of
    an awaitable object's ``__await__`` into the coroutine it wraps."""
    current: object = awaitable
    while current is not None:
        if isinstance(current, asyncio.Task):
            current = cast("object", current.get_coro())
            continue
        frame = getattr(current, "cr_frame", None) or getattr(current, "gi_frame", None)
        if frame is None:
            # A coroutine's __await__() iterator refers to nothing but its coroutine.
            wrapped = [ref for ref in gc.get_referents(current) if inspect.iscoroutine(ref)]
            if len(wrapped) != 1:
                return
            current = wrapped[0]
            continue
        yield frame
        current = getattr(current, "cr_await", None) or getattr(current, "gi_yieldfrom", None)


def _format(frames: list[FrameType]) -> str:
    """Frames as a traceback shows them, innermost last, from the first frame that is neither
    this library's nor asgiref's wrapping, at most :data:`_SHOWN` of them."""
    start = 0
    while start < len(frames) - 1 and frames[start].f_code.co_filename.startswith(_WRAPPERS):
        start += 1
    shown = frames[start:][-_SHOWN:]
    summary = traceback.StackSummary.extract((frame, frame.f_lineno) for frame in shown)
    hidden = len(frames) - start - len(shown)
    above = f"  ... {hidden} outer frame{'s' * (hidden > 1)} not shown\n" if hidden else ""
    return above + "".join(summary.format()).rstrip()


def _format_sync_stacks() -> str:
    """The stacks of the threads running sync work handed off by an event loop (asgiref's
    ``thread_handler`` and what it called), each from the handed-off function down."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    stacks: list[str] = []
    for ident, frame in sys._current_frames().items():
        frames: list[FrameType] = []
        walked: FrameType | None = frame
        while walked is not None and walked.f_code is not _RUNS_SYNC_WORK:
            frames.append(walked)
            walked = walked.f_back
        if walked is not None and frames:
            stacks.append(f"  (thread {names.get(ident, ident)!r})\n{_format(frames[::-1])}")
    return "\n".join(stacks)
