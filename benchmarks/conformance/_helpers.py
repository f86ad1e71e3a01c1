"""What a ported test module calls (see ``_port``): the same for every variant."""

import inspect
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async

__all__ = ["_port_await", "_port_raises", "_port_sync"]


async def _port_await(value: Any) -> Any:
    """``value`` itself, or what it gives when awaited if it is awaitable."""
    return await value if inspect.isawaitable(value) else value


async def _port_sync(call: Callable[[], Any]) -> Any:
    """The result of the sync (ORM) ``call``, run as an async test reaches the ORM."""
    return await sync_to_async(call)()


async def _port_raises(assertion: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``assertRaises``-style ``assertion``: its context manager, or the callable form awaited."""
    leading = 1 if assertion.__name__ == "assertRaises" else 2
    if len(args) <= leading:
        return assertion(*args, **kwargs)
    function, *function_args = args[leading:]
    with assertion(*args[:leading]):
        await _port_await(function(*function_args, **kwargs))
    return None
