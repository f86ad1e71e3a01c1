"""Checking drawn payloads with the serializer itself, and the errors when that cannot work.

Rules the strategies do not model (``validate()``, ``validate_<field>``, custom validators) are
met by drawing until the serializer accepts a payload. When it accepts too few for Hypothesis to
run the test, or raises something other than a validation error, the error names the
serializer, what it said and the fix.
"""

import warnings
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from hypothesis import reject, settings
from hypothesis import strategies as st
from hypothesis.errors import FailedHealthCheck, HypothesisException, StopTest
from hypothesis.strategies import SearchStrategy
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField

from restflow_testing.strategies._acceptance import (
    HEALTH_CHECK_INVALID,
    HEALTH_CHECK_VALID,
    UNSATISFIABLE_INVALID,
    Payloads,
    Run,
    Verdict,
    current_run,
)

_ATTEMPTS_PER_DRAW = 10
"""Payloads tried for one example before it is given up (Hypothesis' own filter tries 3)."""

_ERRORS_SHOWN = 3


class SerializerError(Exception):
    """A serializer raised something other than a validation error from ``is_valid()`` while a
    drawn payload was checked with it (simplejwt's ``AuthenticationFailed`` or ``TokenError``,
    an ``AssertionError`` of DRF's). The original exception is chained as ``__cause__``.

    The message names the serializer, the exception and the payload, and the fixes: strategies
    for the fields whose values must exist (credentials, tokens), or ``validate=False``.
    """


class UnsatisfiableSerializerError(FailedHealthCheck):
    """Too few drawn payloads pass the serializer's own validation (``validate()``, validators,
    ``validate_<field>``) for Hypothesis to run the test: payloads are drawn from the fields'
    declarations, and the serializer rejected so many that Hypothesis would stop the test with
    its generic ``filter_too_much`` health check or ``Unsatisfiable``. Raised on the example
    that would have stopped it, never earlier (the rule is in ``_acceptance``); also raised when
    the strategy is built for a serializer that requires itself at every level of nesting.

    The message names the serializer, the measured acceptance rate, the DRF errors of the last
    rejected payloads and the fix: strategies for the fields those rules tie together. A
    Hypothesis health check failure, so the test stops at once (nothing to shrink).
    """


def _short(value: object, limit: int = 240) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _raised(exc: Exception, *, name: str, caller: str, payload: object) -> SerializerError:
    context = (
        f"It reads {exc.args[0]!r} from its context: pass an instance made with it, e.g. "
        f"{caller}({name}(context={{{exc.args[0]!r}: ...}})). "
        if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str)
        else ""
    )
    return SerializerError(
        f"{name} raised {type(exc).__name__}: {exc} while validating a payload drawn by "
        f"{caller}(): {_short(payload)}. The strategies check each payload with the "
        f"serializer and expect a ValidationError for data it rejects. {context}If the "
        "serializer needs values that cannot be drawn (credentials of an existing user, a "
        f"token it issued, an id it looks up), pass strategies for those fields, e.g. "
        f"{caller}({name}, field=st.just(value)); if it needs a request or view, pass an "
        f"instance made with them: {caller}({name}(context={{'request': request}})); to draw "
        "without validating with the serializer, pass validate=False"
    )


def run_is_valid(
    serializer: Any, *, name: str, caller: str, payload: object
) -> tuple[bool, object]:
    """``serializer.is_valid()`` and its errors; anything but a validation error is reported as
    a ``SerializerError`` of the serializer."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ok = bool(serializer.is_valid())
    except HypothesisException:
        raise
    except Exception as exc:
        raise _raised(exc, name=name, caller=caller, payload=payload) from exc
    return ok, None if ok else serializer.errors


def run_nested_validation(
    serializer: Any, data: object, *, caller: str, payload: object
) -> tuple[bool, object]:
    """Whether a nested serializer field validates ``data``, and its errors when not; anything
    but a validation error is reported as a ``SerializerError`` of the serializer."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            serializer.run_validation(data)
    except (ValidationError, DjangoValidationError) as exc:
        return False, getattr(exc, "detail", None) or getattr(exc, "messages", None)
    except SkipField:
        return True, None
    except HypothesisException:
        raise
    except Exception as exc:
        name = type(serializer).__name__
        raise _raised(exc, name=name, caller=caller, payload=payload) from exc
    return True, None


class Tally:
    """A rule the drawn payloads are checked against (a serializer's validation, a field's
    validators) and where its counts are kept.

    ``subject`` says whose validation the values must pass, ``fix`` how to supply them.
    """

    def __init__(self, caller: str, subject: str, fix: str) -> None:
        self.caller = caller
        self.subject = subject
        self.fix = fix
        self.key = caller + subject
        self.outside_tests = Run()

    def start_example(self) -> tuple[Run, settings | None, Payloads]:
        """The current test's run (the example counted), its settings, and what this rule's
        checks saw in it: strategies made for the same rule in one test (``st.data()`` draws)
        share those counts."""
        run, test_settings = current_run(self.outside_tests)
        payloads = run.rules.get(self.key)
        if payloads is None:
            payloads = run.rules[self.key] = Payloads(_ERRORS_SHOWN)
        return run, test_settings, payloads

    @classmethod
    def of_serializer(cls, name: str, caller: str, path: str = "") -> "Tally":
        where = f" (nested at {path!r})" if path else ""
        return cls(
            f"{caller}({name})" if not path else caller + "()",
            f"{name}'s own validation{where} (validate(), validate_<field> or its validators)",
            f"pass strategies for the fields these rules are about, e.g. {caller}("
            f"{name if not path else 'MySerializer'}, "
            f"{'field' if not path else path.split('.')[0]}=st.just(value))",
        )

    @classmethod
    def of_field(cls, kind: str, path: str) -> "Tally":
        return cls(
            "from_serializer()",
            f"the validators of field {path!r} ({kind})",
            f"pass a strategy for it, e.g. from_serializer(MySerializer, "
            f"{path.split('.')[0] or 'field'}=st.just(value)), or register one for its class: "
            f"register_field_strategy({kind}, strategy_or_factory)",
        )

    def unsatisfiable(self, verdict: Verdict, payloads: Payloads) -> UnsatisfiableSerializerError:
        shown = "; ".join(_short(errors, 400) for errors in payloads.errors)
        tried, accepted = payloads.tried, payloads.accepted
        measured = (
            f"none of {tried} drawn payloads passed"
            if accepted == 0
            else f"only {accepted} of {tried} drawn payloads ({accepted / tried:.1%}) passed"
        )
        stop = (
            f"Hypothesis would fail its filter_too_much health check ({HEALTH_CHECK_INVALID} "
            f"examples given up before {HEALTH_CHECK_VALID} passed; one is given up after "
            f"{_ATTEMPTS_PER_DRAW} rejected payloads)"
            if verdict == "filter_too_much"
            else f"Hypothesis would stop with Unsatisfiable ({UNSATISFIABLE_INVALID} examples "
            "given up and none passed)"
        )
        return UnsatisfiableSerializerError(
            f"{self.caller}: {measured} {self.subject}, so {stop}. Values are drawn from the "
            "fields' declarations; rules beyond them (that tie fields together, or need "
            f"existing data) are met only by chance. Last errors: {shown}. To draw values "
            f"that meet them, {self.fix}"
        )


def accepted_only(
    strategy: SearchStrategy[Any], check: Callable[[Any], tuple[bool, object]], tally: Tally
) -> SearchStrategy[Any]:
    """The values of ``strategy`` that ``check`` accepts.

    Up to ten tries per example, then the example is given up (Hypothesis' ``reject()``). On
    the example whose giving up would make Hypothesis stop the test (its ``filter_too_much``
    health check, or ``Unsatisfiable``: the rule is in :mod:`._acceptance`), the draw raises
    ``UnsatisfiableSerializerError`` instead, with the measured acceptance rate; a test that
    Hypothesis would run to the end is never stopped.
    """

    @st.composite
    def accepted(draw: st.DrawFn) -> Any:
        run, test_settings, payloads = tally.start_example()
        for _ in range(_ATTEMPTS_PER_DRAW):
            try:
                value = draw(strategy)
            except StopTest:
                # A field's own strategy gave up the example: when that is the one that makes
                # Hypothesis give up the test, say why most examples were given up.
                verdict = run.stopped(test_settings)
                if verdict is not None and payloads.tried:
                    raise tally.unsatisfiable(verdict, payloads) from None
                raise
            ok, errors = check(value)
            payloads.tried += 1
            if ok:
                payloads.accepted += 1
                run.note_returned()
                return value
            payloads.errors.append(errors)
        verdict = run.give_up(test_settings)
        if verdict is not None:
            raise tally.unsatisfiable(verdict, payloads)
        reject()

    result: SearchStrategy[Any] = accepted()
    return result
