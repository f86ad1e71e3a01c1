"""JSON documents: values and objects any JSON API can receive and store."""

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from restflow_testing.strategies._arguments import check_count
from restflow_testing.strategies._text import TEXT_CHARACTERS
from restflow_testing.strategies._types import JSONObject, JSONScalar, JSONValue

_INT64 = 2**63 - 1


def _scalars() -> SearchStrategy[JSONScalar]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-_INT64 - 1, _INT64),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(TEXT_CHARACTERS),
    )


def json_values(*, max_leaves: int = 10) -> SearchStrategy[JSONValue]:
    """JSON values: null, booleans, numbers, strings, and lists and objects of them, nested.

    Guarantees: every value survives a strict JSON round trip (``json.dumps(...,
    allow_nan=False)`` then ``json.loads``) unchanged; integers fit 64 bits; floats are finite;
    strings are valid UTF-8 without NUL characters (so every database's JSON column stores them).
    At most ``max_leaves`` scalars per value. Shrinks towards ``None``. A bad ``max_leaves``
    raises Hypothesis' ``InvalidArgument`` here.
    """
    check_count("json_values", "max_leaves", max_leaves, 1)

    def extend(children: SearchStrategy[JSONValue]) -> SearchStrategy[JSONValue]:
        return st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.text(TEXT_CHARACTERS, max_size=12), children, max_size=4),
        )

    return st.recursive(_scalars(), extend, max_leaves=max_leaves)


def json_objects(*, max_leaves: int = 10) -> SearchStrategy[JSONObject]:
    """JSON objects (string keys) whose values are
    [`json_values()`][restflow_testing.strategies.json_values]; shrinks towards ``{}``."""
    check_count("json_objects", "max_leaves", max_leaves, 1)
    return st.dictionaries(
        st.text(TEXT_CHARACTERS, max_size=12), json_values(max_leaves=max_leaves), max_size=6
    )
