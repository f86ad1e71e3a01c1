"""``rule``, ``initialize``, ``invariant`` and ``precondition`` that accept ``async def``.

Each decorator hands Hypothesis' own decorator a sync function: an ``async def`` method (or
precondition) is wrapped, with ``functools.wraps``, into a function that runs its coroutine
on the machine's test loop and returns the result. Hypothesis calls the function it was given,
so the wrapper is what runs for every step; nothing of Hypothesis is replaced.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar, cast, overload

from hypothesis import stateful

if TYPE_CHECKING:
    from hypothesis.stateful import Bundle
    from hypothesis.strategies import SearchStrategy

_F = TypeVar("_F", bound=Callable[..., object])
_INVARIANT_MARK = "_restflow_testing_invariant"
_P = ParamSpec("_P")
_R = TypeVar("_R")


class StepDecorator(Protocol):
    """What the decorators return: an ``async def`` method becomes a sync one returning what
    the coroutine returns (it runs on the machine's test loop); a sync one keeps its type."""

    @overload
    def __call__(self, function: Callable[_P, Coroutine[Any, Any, _R]], /) -> Callable[_P, _R]: ...
    @overload
    def __call__(self, function: _F, /) -> _F: ...


__all__ = ["StepDecorator", "initialize", "invariant", "precondition", "rule"]


def rule(
    *,
    targets: Sequence[Bundle[Any]] = (),
    target: Bundle[Any] | None = None,
    **kwargs: SearchStrategy[Any],
) -> StepDecorator:
    """Hypothesis' ``rule``, for ``def`` and ``async def`` methods.

    An ``async def`` rule runs on the machine's test loop, where ``self.client`` works; its
    return value goes to ``target``/``targets`` as a sync rule's does.
    """
    make: Any = stateful.rule
    decorate: Any = make(targets=targets, target=target, **kwargs)
    return _applying(decorate, "rule")


def initialize(
    *,
    targets: Sequence[Bundle[Any]] = (),
    target: Bundle[Any] | None = None,
    **kwargs: SearchStrategy[Any],
) -> StepDecorator:
    """Hypothesis' ``initialize``, for ``def`` and ``async def``
    methods: each runs once per run, before any rule."""
    make: Any = stateful.initialize
    decorate: Any = make(targets=targets, target=target, **kwargs)
    return _applying(decorate, "initialize")


def invariant(*, check_during_init: bool = False) -> StepDecorator:
    """Hypothesis' ``invariant``, for ``def`` and ``async def``
    methods: checked after every step (an ``async def`` one on the test loop)."""
    mark: Any = stateful.invariant(check_during_init=check_during_init)

    def decorate(function: Any) -> Any:
        checked = mark(function)
        setattr(checked, _INVARIANT_MARK, True)
        return checked

    return _applying(decorate, "invariant")


def is_invariant(method: object) -> bool:
    """Whether ``method`` was decorated with this module's ``invariant``."""
    return getattr(method, _INVARIANT_MARK, False) is True


def precondition(
    predicate: Callable[[Any], bool] | Callable[[Any], Awaitable[bool]], /
) -> StepDecorator:
    """Hypothesis' ``precondition``; ``predicate`` may be ``async def``.

    An async predicate is awaited on the machine's test loop each time Hypothesis asks whether
    the rule may run (before drawing the rule's arguments).
    """
    if not callable(predicate):
        raise TypeError(
            f"precondition() takes a function of the machine, got {predicate!r}: write "
            "@precondition(lambda self: ...)"
        )
    checked = cast("Callable[[Any], bool]", _synchronous(predicate, "precondition"))
    mark: Any = stateful.precondition(checked)

    def decorate(function: Any) -> Any:
        guarded = mark(function)
        if is_invariant(function):
            setattr(guarded, _INVARIANT_MARK, True)
        return guarded

    return _applying(decorate, "precondition")


def _applying(decorate: Callable[[Any], Any], name: str) -> StepDecorator:
    def accept(function: Any) -> Any:
        if not callable(function):
            raise TypeError(f"@{name}(...) decorates a method, got {function!r}")
        return decorate(_synchronous(function, name))

    made: Any = accept
    return cast("StepDecorator", made)


def _synchronous(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``function`` if it is sync; else a sync wrapper that runs its coroutine on the
    machine's test loop."""
    if not inspect.iscoroutinefunction(function):
        return function
    coroutine_function = cast("Callable[..., Coroutine[Any, Any, Any]]", function)

    @functools.wraps(coroutine_function)
    def run_on_test_loop(machine: object, /, *args: Any, **kwargs: Any) -> Any:
        run: Callable[[Coroutine[Any, Any, Any]], Any] | None = getattr(machine, "_run", None)
        if run is None:
            raise TypeError(
                f"{getattr(function, '__qualname__', function)} is an async @{name}, which "
                f"needs a machine that runs coroutines: subclass "
                f"restflow_testing.stateful.APIStateMachine, not {type(machine).__name__}'s "
                "base."
            )
        return run(coroutine_function(machine, *args, **kwargs))

    return run_on_test_loop
