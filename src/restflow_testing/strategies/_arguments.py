"""Checks of the arguments of the public strategies, made when a strategy is built."""

from hypothesis.errors import InvalidArgument


def check_count(function: str, name: str, value: object, minimum: int, why: str = "") -> int:
    """``value`` when it is an ``int`` of at least ``minimum``; else ``InvalidArgument`` naming
    the argument of ``function`` (and ``why`` the minimum is what it is)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(
            f"{function}({name}={value!r}): {name} must be an int, not {type(value).__name__}."
        )
    if value < minimum:
        raise InvalidArgument(
            f"{function}({name}={value!r}): {name} must be at least {minimum}{why}."
        )
    return value
