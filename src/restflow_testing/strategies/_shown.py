"""Strategies shown by a short name.

Hypothesis prints the repr of a strategy whose draw was interrupted (and warns when it is
large). The repr of a strategy tree built from a serializer spells out every field's strategy,
and an invalid payload's tree repeats the valid payload once per field it can break: hundreds of
kilobytes for a serializer of twenty fields.
"""

from typing import Any, NamedTuple, TypeVar, cast

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

T = TypeVar("T")


class _Shown(NamedTuple):
    name: str
    strategy: SearchStrategy[Any]

    def __repr__(self) -> str:  # the name, not the strategy: see the module docstring
        return self.name


@st.composite
def drawn(draw: st.DrawFn, shown: _Shown) -> Any:
    return draw(shown.strategy)


def shown_as(name: str, strategy: SearchStrategy[T]) -> SearchStrategy[T]:
    """``strategy``, with the repr ``drawn(name)``: it draws and shrinks the same values."""
    return cast("SearchStrategy[T]", drawn(_Shown(name, strategy)))
