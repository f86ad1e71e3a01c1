"""Generation: the requests sent to one endpoint, drawn with Hypothesis.

A ``FuzzCase`` is one request: the user who sends it, the path (pointing at a row made for
the run, or at a missing one), query parameters, and a body that the endpoint's serializer
accepts (``valid``) or must reject (``invalid``), drawn with the serializer strategies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from restflow_testing.fuzz._config import RouteConfig
from restflow_testing.fuzz._discovery import Endpoint, QueryParameter
from restflow_testing.fuzz._rows import Row, has_file_fields
from restflow_testing.fuzz._users import UserKind
from restflow_testing.strategies._shown import shown_as

BodyKind: TypeAlias = Literal["none", "valid", "invalid", "configured", "any"]
"""``valid``: the serializer accepts it; ``invalid``: the serializer rejects it; ``configured``:
drawn from the route's configured body; ``any``: a JSON object for a view without serializer."""

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_QUERY_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", max_size=12)


@dataclass(frozen=True)
class FuzzCase:
    """One request of a fuzz run."""

    method: str
    path: str
    user: UserKind
    values: Mapping[str, str] = field(default_factory=dict[str, str])
    """The value of each ``{name}`` of the route in ``path``."""
    target: Row | None = None
    """The row the path points at; ``None`` for routes without a lookup or a missing row."""
    missing: bool = False
    """Whether the lookup in the path names a row that does not exist."""
    query: Mapping[str, str] = field(default_factory=dict[str, str])
    body_kind: BodyKind = "none"
    body: Any = None
    format: str = "json"


def body_format(endpoint: Endpoint) -> str | None:
    """The format bodies are sent in: JSON when a parser takes it, multipart for file fields
    or views that only parse forms; ``None`` when no parser of the view takes either."""
    parsers = endpoint.parser_classes
    if has_file_fields(endpoint.request_serializer) or (
        parsers and not any(issubclass(p, JSONParser) for p in parsers)
    ):
        if not parsers or any(issubclass(p, (MultiPartParser, FormParser)) for p in parsers):
            return "multipart"
        return None
    return "json"


def cases(
    endpoint: Endpoint,
    config: RouteConfig,
    user_kinds: Sequence[UserKind],
    rows: Sequence[Row],
) -> SearchStrategy[FuzzCase]:
    """Requests to ``endpoint`` as ``user_kinds``, its lookup pointing at ``rows`` or at a
    missing row."""
    form = body_format(endpoint) or "json"
    # Shown by name: the repr of the whole tree (every body strategy) runs to tens of kilobytes.
    return shown_as(
        f"<requests to {endpoint.id}>",
        st.builds(
            _case,
            st.just(endpoint),
            st.sampled_from(list(user_kinds)),
            _targets(endpoint, rows),
            _query(endpoint.query_parameters),
            _bodies(endpoint, config, form),
            st.just(form),
        ),
    )


def _case(
    endpoint: Endpoint,
    user: UserKind,
    target: tuple[dict[str, str], Row | None, bool],
    query: dict[str, str],
    body: tuple[BodyKind, Any],
    form: str,
) -> FuzzCase:
    values, row, missing = target
    return FuzzCase(
        method=endpoint.method,
        path=endpoint.path(values),
        user=user,
        values=values,
        target=row,
        missing=missing,
        query=query,
        body_kind=body[0],
        body=body[1],
        format=form,
    )


def _targets(
    endpoint: Endpoint, rows: Sequence[Row]
) -> SearchStrategy[tuple[dict[str, str], Row | None, bool]]:
    lookup = endpoint.lookup_url_kwarg if endpoint.detail else None
    others = {
        p.name: st.from_regex(p.pattern, fullmatch=True).filter(
            lambda v: "/" not in v and _usable(v)
        )
        for p in endpoint.path_parameters
        if p.name != lookup
    }
    rest = st.fixed_dictionaries(others)
    if lookup is None:
        return rest.map(lambda values: (values, None, False))
    parameter = next(p for p in endpoint.path_parameters if p.name == lookup)
    field_name = endpoint.lookup_field or "pk"
    existing_values = {row.lookup(field_name): row for row in rows}

    def missing_value(value: str) -> bool:
        # Printable only: a NUL byte in a lookup is a 500 from PostgreSQL under any stock
        # view, which says nothing about the view.
        return value not in existing_values and "/" not in value and _usable(value)

    missing = st.tuples(
        rest, st.from_regex(parameter.pattern, fullmatch=True).filter(missing_value)
    ).map(lambda pair: ({**pair[0], lookup: pair[1]}, None, True))
    if not existing_values:
        return missing
    existing = st.tuples(rest, st.sampled_from(sorted(existing_values.items()))).map(
        lambda pair: ({**pair[0], lookup: pair[1][0]}, pair[1][1], False)
    )
    # Most requests reach real rows; some ask for missing ones.
    return st.one_of(existing, existing, existing, missing)


def _usable(value: str) -> bool:
    return value != "" and value.isprintable()


def _query(parameters: Sequence[QueryParameter]) -> SearchStrategy[dict[str, str]]:
    optional: dict[str, SearchStrategy[str]] = {}
    for parameter in parameters:
        if parameter.choices:
            values: SearchStrategy[str] = st.sampled_from(parameter.choices)
        elif parameter.type == "integer":
            values = st.integers(min_value=-1, max_value=5).map(str)
        elif parameter.type == "number":
            values = st.floats(min_value=-1, max_value=100, allow_nan=False).map(str)
        elif parameter.type == "boolean":
            values = st.sampled_from(["true", "false"])
        else:
            values = _QUERY_TEXT
        optional[parameter.name] = values
    return st.fixed_dictionaries({}, optional=optional)


def _bodies(
    endpoint: Endpoint, config: RouteConfig, form: str
) -> SearchStrategy[tuple[BodyKind, Any]]:
    from restflow_testing.strategies import from_serializer, invalid_from_serializer, json_objects

    if endpoint.method not in BODY_METHODS:
        return st.just(("none", None))
    if config.body is not None:
        return config.body.map(_labelled("configured"))
    serializer = endpoint.request_serializer
    if serializer is None:
        return json_objects().map(_labelled("any"))
    multipart = form == "multipart"
    fields: Any = config.fields  # field names only: none is one of from_serializer's options
    valid = from_serializer(
        serializer, partial=endpoint.method == "PATCH", multipart=multipart, **fields
    ).map(_labelled("valid"))
    try:
        invalid = invalid_from_serializer(serializer, multipart=multipart)
    except ValueError:  # no rule to break: only valid bodies
        return valid
    return st.one_of(valid, valid, invalid.map(_labelled("invalid")))


def _labelled(kind: BodyKind) -> Callable[[object], tuple[BodyKind, Any]]:
    def label(body: object) -> tuple[BodyKind, Any]:
        return kind, body

    return label
