"""Let Hypothesis run ``@given`` tests written as ``async def``.

Hypothesis calls a test once per example and expects ``None``, not a coroutine. The adapter swaps
the test's ``inner_test`` (the hook Hypothesis documents for this) for a sync function that runs
each example's coroutine: on the test's loop when the test cases or the pytest plugin say so
(:func:`examples_run_by`), else with ``async_to_sync``. Shrinking, deadlines and the example
database see an ordinary sync test.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from collections.abc import Callable, Coroutine, Generator
from typing import Any, TypeAlias, cast

from asgiref.sync import async_to_sync

_ADAPTED_MARK = "_restflow_testing_async_inner"

ExampleBody: TypeAlias = Callable[[], Coroutine[Any, Any, object]]
"""Makes the coroutine of one example, its arguments bound."""
ExampleRunner: TypeAlias = Callable[[ExampleBody], object]
"""Runs one example's coroutine to completion, synchronously, and returns its result."""

_active = threading.local()


@contextlib.contextmanager
def examples_run_by(runner: ExampleRunner) -> Generator[None]:
    """Within the block, async ``@given`` examples on this thread are run by ``runner``."""
    previous: ExampleRunner | None = getattr(_active, "runner", None)
    _active.runner = runner
    try:
        yield
    finally:
        _active.runner = previous


def is_hypothesis_test(test: object) -> bool:
    """Whether ``test`` (a function or bound method) was decorated with ``@given``."""
    return getattr(test, "is_hypothesis_test", False) is True


def is_async_given_test(test: object) -> bool:
    """Whether ``test`` is a ``@given`` test whose body is ``async def`` (adapted or not)."""
    if not is_hypothesis_test(test):
        return False
    inner = _hypothesis_handle(test).inner_test
    return inspect.iscoroutinefunction(inner) or hasattr(inner, _ADAPTED_MARK)


def adapt_async_given(test: object) -> None:
    """Make the ``@given`` test ``test`` run its ``async def`` body once per example.

    Idempotent, and a no-op for tests whose body is synchronous. The change is made on the
    decorated function, so it holds for every later run of the same test.
    """
    if not is_hypothesis_test(test):
        return
    handle = _hypothesis_handle(test)
    inner = handle.inner_test
    if hasattr(inner, _ADAPTED_MARK) or not inspect.iscoroutinefunction(inner):
        return
    handle.inner_test = _run_each_example(cast("Callable[..., Coroutine[Any, Any, object]]", inner))


def _run_each_example(
    inner: Callable[..., Coroutine[Any, Any, object]],
) -> Callable[..., object]:
    @functools.wraps(inner)
    def run_example(*args: Any, **kwargs: Any) -> object:
        runner: ExampleRunner | None = getattr(_active, "runner", None)
        if runner is not None:
            return runner(lambda: inner(*args, **kwargs))

        # Hypothesis passes ``self`` by keyword, so the call is bound here rather than handed
        # to ``async_to_sync`` (whose ``__call__`` has a ``self`` of its own).
        async def example() -> object:
            return await inner(*args, **kwargs)

        return async_to_sync(example)()

    setattr(run_example, _ADAPTED_MARK, inner)
    return run_example


def _hypothesis_handle(test: object) -> Any:
    function: Any = getattr(test, "__func__", test)
    return function.hypothesis
