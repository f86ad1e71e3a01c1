"""``sync_to_async`` wrappers built without the checks that cannot fail.

Every ``sync_to_async(function)`` builds a ``SyncToAsync``, and asgiref's constructor asks twice
whether the function is a coroutine function, then copies its metadata with
``functools.update_wrapper``: together about as much work as the in-place call the wrapper makes
on a test loop. A request through Django's async stack builds several of them (for the view, the
response's rendering, drf-restflow's authentication and the view's own ORM calls).

For the common case, a plain Python function (or a method bound to one) whose code is neither a
coroutine nor a generator and which carries no attributes of its own, the answer to both
questions is "no": a function is a coroutine function by its code flags or by a marker attribute,
and it has neither. :func:`install` puts a constructor in front of asgiref's that builds those
wrappers directly, with exactly the attributes asgiref's constructor gives them, and leaves every
other callable (partials, callable objects, coroutine functions, functions with attributes, a
custom executor) to asgiref. Before it installs anything, it builds probe wrappers both ways and
installs nothing if their attributes differ, so an asgiref release that builds its wrappers
differently keeps its own constructor.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import operator
from collections.abc import Callable
from types import FunctionType, MethodType
from typing import Any, cast

from asgiref.sync import SyncToAsync, markcoroutinefunction

# Code flags of functions whose wrappers asgiref refuses or that deserve its full checks.
_NOT_PLAIN = (
    inspect.CO_COROUTINE
    | inspect.CO_ITERABLE_COROUTINE
    | inspect.CO_ASYNC_GENERATOR
    | inspect.CO_GENERATOR
)

# The metadata ``functools.update_wrapper`` copies, read from a function in one call.
_metadata = operator.attrgetter(*functools.WRAPPER_ASSIGNMENTS)
_original_init: Callable[..., None] | None = None
# What every quickly built wrapper gets besides its function's metadata: the coroutine-function
# marker asgiref puts on it, and no executor.
_fixed_attributes: dict[str, Any] = {}


def install() -> None:
    """Build plain functions' ``SyncToAsync`` wrappers quickly from now on, if that is exact."""
    global _original_init
    if _original_init is not None:
        return
    original = cast("Callable[..., None]", SyncToAsync.__init__)

    def marked() -> None:
        """Shows which attribute ``markcoroutinefunction`` sets."""

    _fixed_attributes.update(vars(markcoroutinefunction(marked)))
    _fixed_attributes["_executor"] = None
    if not _builds_like(original):
        _fixed_attributes.clear()
        return
    _original_init = original
    setattr(SyncToAsync, "__init__", _init_quickly)  # noqa: B010  # on purpose


def _init_quickly(
    self: SyncToAsync[..., Any],
    func: Callable[..., Any],
    thread_sensitive: bool = True,
    executor: Any = None,
    context: contextvars.Context | None = None,
) -> None:
    """``SyncToAsync.__init__``: quickly for a plain sync function, by asgiref otherwise."""
    given: Any = func
    target: Any = given.__func__ if type(given) is MethodType else given
    if (
        executor is not None
        or type(target) is not FunctionType
        or target.__dict__
        or target.__code__.co_flags & _NOT_PLAIN
    ):
        if _original_init is None:  # pragma: no cover - installed before it can be called
            raise RuntimeError("restflow_testing's SyncToAsync constructor was not installed.")
        _original_init(self, func, thread_sensitive, executor, context)
        return
    attributes = self.__dict__
    attributes.update(zip(functools.WRAPPER_ASSIGNMENTS, _metadata(target), strict=True))
    attributes.update(_fixed_attributes)
    attributes["__wrapped__"] = func
    attributes["func"] = func
    attributes["context"] = context
    attributes["_thread_sensitive"] = thread_sensitive
    if target is not given:
        attributes["__self__"] = given.__self__


def _builds_like(original: Callable[..., None]) -> bool:
    """Whether :func:`_init_quickly` gives probe wrappers exactly the attributes ``original``
    gives them."""
    probes: list[Callable[..., Any]] = [_probe_function, _Probe().method]
    variants: list[dict[str, Any]] = [
        {},
        {"thread_sensitive": False},
        {"context": contextvars.Context()},
    ]
    for func in probes:
        for options in variants:
            by_asgiref, quickly = _unbuilt(), _unbuilt()
            original(by_asgiref, func, **options)
            _init_quickly(quickly, func, **options)
            if vars(by_asgiref) != vars(quickly):
                return False
    return True


def _unbuilt() -> SyncToAsync[..., Any]:
    """A ``SyncToAsync`` whose constructor has not run yet."""
    return cast("SyncToAsync[..., Any]", object.__new__(SyncToAsync))


def _probe_function(value: int) -> int:
    """A plain sync function, for probing how asgiref builds wrappers."""
    return value


class _Probe:
    """An object with a plain sync method, for probing how asgiref builds wrappers."""

    def method(self, value: int) -> int:
        """A plain sync method."""
        return value
