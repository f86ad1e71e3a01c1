"""When Hypothesis would give up on a test because checks reject its draws: the same decision,
taken on the same example, so that the strategies can name the serializer instead.

The strategies check drawn payloads with the serializer and give up an example (Hypothesis'
``reject()``) when ten payloads in a row were rejected. Hypothesis stops a test that gives up
too many examples, with a generic error. The thresholds are Hypothesis' own
(``hypothesis/internal/conjecture/engine.py``):

- the ``filter_too_much`` health check fails when 50 examples are invalid before 10 pass,
  counting from the example after the first (the simplest one, which the health check does not
  count), unless the test's settings suppress that health check;
- ``Unsatisfiable`` ends a test in which more than ``INVALID_THRESHOLD_BASE`` (458) examples
  were invalid or ran out of data and none passed (what happens when the health check is
  suppressed).

A :class:`Run` counts, per test (the function ``@given`` wraps), the examples in which a
checking strategy was drawn and how each ended: given up by a check, rejected elsewhere
(another strategy's filter, ``assume()``), out of data, or not. When a check gives up an
example, or a field's strategy ends it inside a check's draw, and that example is the one that
meets a threshold, the check raises the named error instead. The examples a run sees as invalid
are among those Hypothesis counts as invalid, and those it sees as not invalid include every one
Hypothesis counts as passing, so a threshold is met only on an example where Hypothesis' own is
met: a test Hypothesis would run to the end is never stopped. (An example rejected before any
check is drawn is not seen: Hypothesis may then stop the test first, with its own error.) Once
an example fails, no threshold applies: Hypothesis stops its health checks then and reports the
failure. The first example counted is taken to be Hypothesis' simplest one, which holds unless
the example database replays examples of the test first.
"""

from __future__ import annotations

import sys
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, Literal

from hypothesis import HealthCheck, Phase, settings
from hypothesis.control import cleanup, current_build_context
from hypothesis.errors import InvalidArgument, StopTest, UnsatisfiedAssumption
from hypothesis.internal.conjecture import engine

HEALTH_CHECK_VALID = 10
"""Passing examples after which the health check stops counting (its ``max_valid_draws``)."""

HEALTH_CHECK_INVALID = 50
"""Examples given up, before ten pass, that fail the health check (``max_invalid_draws``)."""

_INVALID_THRESHOLD_BASE: int | None = getattr(engine, "INVALID_THRESHOLD_BASE", None)
UNSATISFIABLE_INVALID = None if _INVALID_THRESHOLD_BASE is None else _INVALID_THRESHOLD_BASE + 1
"""Examples given up, none passing, that end the test with ``Unsatisfiable`` (459); ``None``
with a Hypothesis that names no such threshold."""

Verdict = Literal["filter_too_much", "unsatisfiable"]

_State = Literal["drawn", "returned", "given up", "ended"]
"""How the current example went: drawn, a value returned by every check so far, given up
(invalid), or ended otherwise (out of data)."""


class Payloads:
    """The payloads one rule checked in a test: tried, accepted, the errors of the last
    rejected ones."""

    def __init__(self, errors_kept: int) -> None:
        self.tried = 0
        self.accepted = 0
        self.errors: deque[object] = deque(maxlen=errors_kept)


class Run:
    """The examples of one test in which a checking strategy was drawn, and how they ended;
    and per rule (a serializer's or field's validation) the payloads checked."""

    def __init__(self) -> None:
        self.rules: dict[str, Payloads] = {}
        self.examples = 0
        self.given_up = 0
        self.overruns = 0
        self.returned = 0
        """Examples in which every check drawn returned a value: all that can pass."""
        self.failed = False
        self._first: _State = "drawn"
        self._state: _State = "drawn"
        self._current: weakref.ref[Any] | None = None

    def enter(self, context: object | None) -> None:
        """Count the example being drawn (``context``: its build context), once."""
        if context is not None:
            current = self._current() if self._current is not None else None
            if current is context:
                return
            self._current = weakref.ref(context)
            example = self.examples
            cleanup(lambda: self._note_end(example))
        if self.examples == 1:
            self._first = self._state
        self.examples += 1
        self._state = "drawn"

    def _note_end(self, example: int) -> None:
        # Runs as the example's build context exits: the exception being handled, if any, is
        # the one the example ended with. Hypothesis counts an example rejected anywhere
        # (``assume()``, a filter of another strategy) as invalid, and one that ran out of
        # data as neither passing nor invalid; a failure ends the health checks.
        error = sys.exc_info()[1]
        if error is None or example != self.examples - 1 or self._state in ("given up", "ended"):
            return
        if isinstance(error, UnsatisfiedAssumption):
            self._end("INVALID")
        elif isinstance(error, StopTest):
            current = self._current() if self._current is not None else None
            self._end(_status(current))
        elif isinstance(error, Exception):
            self.failed = True

    def _end(self, status: str) -> None:
        if self._state == "returned":
            self.returned -= 1
        if status == "INVALID":
            self.given_up += 1
            self._state = "given up"
        else:
            self.overruns += 1
            self._state = "ended"

    def note_returned(self) -> None:
        """A check of the current example returned a value."""
        if self._state == "drawn":
            self._state = "returned"
            self.returned += 1

    def stopped(self, test_settings: settings | None) -> Verdict | None:
        """The current example was ended by Hypothesis inside a check's draw (a filter of a
        field's strategy gave up, or the data ran out); which Hypothesis rule that meets."""
        current = self._current() if self._current is not None else None
        if self._state not in ("given up", "ended"):
            self._end(_status(current))
        return self._verdict(test_settings) if self._state == "given up" else None

    def give_up(self, test_settings: settings | None) -> Verdict | None:
        """Count the current example as given up; which Hypothesis rule it meets, if any."""
        if self._state not in ("given up", "ended"):
            self._end("INVALID")
        return self._verdict(test_settings)

    def _verdict(self, test_settings: settings | None) -> Verdict | None:
        if self.failed or (
            test_settings is not None and Phase.generate not in test_settings.phases
        ):
            return None
        stopped = self.given_up + self.overruns
        unsatisfiable = UNSATISFIABLE_INVALID is not None and stopped >= UNSATISFIABLE_INVALID
        if unsatisfiable and self.returned == 0:
            return "unsatisfiable"
        suppressed = test_settings is not None and (
            HealthCheck.filter_too_much in test_settings.suppress_health_check
        )
        if suppressed or self.examples == 1:
            return None
        first = self._first
        counted_given_up = self.given_up - (first == "given up")
        counted_returned = self.returned - (first == "returned")
        if counted_given_up >= HEALTH_CHECK_INVALID and counted_returned < HEALTH_CHECK_VALID:
            return "filter_too_much"
        return None


def _status(context: object) -> str:
    """How Hypothesis ended the example of ``context`` (``"INVALID"``, ``"OVERRUN"``)."""
    data = getattr(context, "data", None)
    return str(getattr(getattr(data, "status", None), "name", "INVALID"))


_runs: weakref.WeakKeyDictionary[Callable[..., Any], Run] = weakref.WeakKeyDictionary()


def current_run(outside_tests: Run) -> tuple[Run, settings | None]:
    """The run of the test being executed and its settings, the current example counted.

    Draws made outside a build context (on another thread than the test's) are counted in
    ``outside_tests``, each draw as an example.
    """
    try:
        context = current_build_context()
    except InvalidArgument:
        context = None
    test: Callable[..., Any] | None = getattr(context, "wrapped_test", None)
    if context is None or test is None:
        outside_tests.enter(None)
        return outside_tests, None
    run = _runs.get(test)
    if run is None:
        run = _runs[test] = Run()
    run.enter(context)
    return run, _settings_of(test)


def _settings_of(test: Callable[..., Any]) -> settings | None:
    """The settings ``test`` runs with: those ``@given`` keeps on it (the ones Hypothesis makes
    current while the test runs, but on the test's own thread only: an async test's body, which
    may draw with ``st.data()``, runs on its loop's thread)."""
    kept: object = getattr(test, "_hypothesis_internal_use_settings", None)
    return kept if isinstance(kept, settings) else settings.default
