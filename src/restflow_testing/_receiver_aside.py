"""Keep one receiver of a signal out of a block, and put the very same receiver back after.

Django's test clients keep ``close_old_connections`` (which would close the test's connection in
the middle of its transaction) away from ``request_started`` and ``request_finished`` by calling
``disconnect()`` before each send and ``connect()`` after. ``connect()`` registers a new
``weakref.finalize`` on the receiver every time, which lives as long as the receiver (for
``close_old_connections``, the whole process): two more objects per request for the garbage
collector to walk, and the costliest step of the request's bookkeeping. It also moves the
receiver to the end of the list.

:class:`receiver_set_aside` takes the receiver's entry out of the signal's list and puts that same
entry back at its place, under the signal's lock, as ``disconnect()`` and ``connect()`` do.
Signals whose list is not laid out as this expects get Django's own ``disconnect()`` and
``connect()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal


class receiver_set_aside:  # named like a function: used as `with receiver_set_aside(...)`
    """Within the block ``signal`` does not call ``receiver`` (connected for any sender).

    A class rather than a generator context manager: it runs on every request.
    """

    __slots__ = ("_entry", "_fallback", "_index", "_key", "_receiver", "_signal")

    def __init__(self, signal: Signal, receiver: Callable[..., object]) -> None:
        self._signal = signal
        self._receiver = receiver
        self._key = (id(receiver), id(None))  # the key Signal.disconnect(receiver) looks for
        self._index = 0
        self._entry: Any = None
        self._fallback = False

    def __enter__(self) -> None:
        signal = self._signal
        lock: Any = getattr(signal, "lock", None)
        if lock is None or not isinstance(getattr(signal, "receivers", None), list):
            self._fallback = signal.disconnect(self._receiver)
            return
        with lock:
            self._index, self._entry = _find(signal.receivers, self._key)
            if self._entry is not None:
                del signal.receivers[self._index]
                signal.sender_receivers_cache.clear()

    def __exit__(self, *exc_info: object) -> None:
        signal = self._signal
        if self._fallback:
            signal.connect(self._receiver)
            return
        entry = self._entry
        if entry is None:
            return
        with signal.lock:
            # The list may have been rebuilt meanwhile (dead receivers are dropped by making a
            # new one), and something may have connected the receiver again.
            receivers: list[Any] = signal.receivers
            if _find(receivers, self._key)[1] is None:
                receivers.insert(min(self._index, len(receivers)), entry)
                signal.sender_receivers_cache.clear()


def _find(receivers: list[Any], key: tuple[int, int]) -> tuple[int, Any]:
    """The index and entry of the receiver registered under ``key``; ``(0, None)`` if none."""
    for index, entry in enumerate(receivers):
        if isinstance(entry, tuple) and entry and entry[0] == key:
            return index, receivers[index]
    return 0, None
