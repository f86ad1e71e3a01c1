"""Keep one receiver of a signal out of a block, and put the very same receiver back after.

Django's test clients keep ``close_old_connections`` (which would close the test's connection in
the middle of its transaction) away from ``request_started`` and ``request_finished`` by calling
``disconnect()`` before each send and ``connect()`` after. ``connect()`` registers a new
``weakref.finalize`` on the receiver every time, which lives as long as the receiver (for
``close_old_connections``, the whole process): two more objects per request for the garbage
collector to walk, and the costliest step of the request's bookkeeping. It also moves the
receiver to the end of the list.

:func:`receiver_set_aside` takes the receiver's entry out of the signal's list and puts that same
entry back at its place, under the signal's lock, as ``disconnect()`` and ``connect()`` do.
Signals whose list is not laid out as this expects get Django's own ``disconnect()`` and
``connect()``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator
from typing import Any

from django.dispatch import Signal


@contextlib.contextmanager
def receiver_set_aside(signal: Signal, receiver: Callable[..., object]) -> Generator[None]:
    """Within the block ``signal`` does not call ``receiver`` (connected for any sender)."""
    key = (id(receiver), id(None))  # the key Signal.disconnect(receiver) looks for
    lock: Any = getattr(signal, "lock", None)
    if lock is None or not isinstance(getattr(signal, "receivers", None), list):
        if not signal.disconnect(receiver):
            yield
            return
        try:
            yield
        finally:
            signal.connect(receiver)
        return
    with lock:
        index, entry = _find(signal.receivers, key)
        if entry is not None:
            del signal.receivers[index]
            signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        if entry is not None:
            with lock:
                # The list may have been rebuilt meanwhile (dead receivers are dropped by making
                # a new one), and something may have connected the receiver again.
                receivers: list[Any] = signal.receivers
                if _find(receivers, key)[1] is None:
                    receivers.insert(min(index, len(receivers)), entry)
                    signal.sender_receivers_cache.clear()


def _find(receivers: list[Any], key: tuple[int, int]) -> tuple[int, Any]:
    """The index and entry of the receiver registered under ``key``; ``(0, None)`` if none."""
    for index, entry in enumerate(receivers):
        if isinstance(entry, tuple) and entry[:1] == (key,):
            return index, receivers[index]
    return 0, None
