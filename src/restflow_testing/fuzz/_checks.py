"""The six checks run on every response: what each reports, derived from the view alone.

* ``server_error``: a 5xx answer, or an exception out of the view.
* ``response_schema``: a 2xx body of a list, retrieve, create or update action that does not
  match the output serializer's fields and types.
* ``status_code``: a status the view cannot legitimately answer (see ``legitimate_statuses``).
* ``invalid_accepted``: a body the view's serializer rejects, answered 2xx by a create or
  update action (custom actions and plain API views may not read the body at all).
* ``rejected_write``: a request answered 4xx that changed rows.
* ``auth_bypass``: a request its permission classes deny, answered 2xx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from restflow_testing.fuzz._config import RouteConfig
from restflow_testing.fuzz._discovery import Endpoint
from restflow_testing.fuzz._generation import BODY_METHODS, FuzzCase
from restflow_testing.fuzz._schema import representation_problem
from restflow_testing.fuzz._writes import RowChanges

_SCHEMA_ACTIONS = {
    "list": True,
    "retrieve": False,
    "create": False,
    "update": False,
    "partial_update": False,
}
_VALIDATING_ACTIONS = {"create", "update", "partial_update"}
_PAGE_PARAMETER_PAGINATORS = ("PageNumberPagination", "CursorPagination")


@dataclass
class Outcome:
    """What one request did: its status (``None`` when the view raised), JSON body, the
    exception, the rows it changed, and what was known before it was sent."""

    case: FuzzCase
    status: int | None
    body: Any = None
    error: BaseException | None = None
    changes: RowChanges = field(default_factory=RowChanges)
    denied: str | None = None
    """Why the view's permission classes deny this request; ``None`` if they allow it."""
    invalid: bool = False
    """Whether the view's serializer, bound as the view binds it, rejects the body."""


def legitimate_statuses(endpoint: Endpoint, case: FuzzCase, config: RouteConfig) -> set[int] | None:
    """The statuses ``endpoint`` may answer ``case`` with; ``None`` when they cannot be derived
    (a plain Django view).

    Any 2xx; 400 for a body (validation, parse errors) or query parameters a filter reads; 401
    and 403 where a permission class may deny; 404 for routes with path parameters and for a
    page number or cursor out of range; 415 when no parser of the view takes the body's format;
    429 where throttles apply; and the route's configured ``statuses``.
    """
    if not endpoint.is_drf:
        return None
    allowed = set(range(200, 300)) | set(config.statuses)
    if case.method in BODY_METHODS:
        allowed |= {400, 415}
    if case.query and endpoint.filter_backends:
        allowed.add(400)
    if endpoint.restricts_access:
        allowed |= {401, 403}
    if endpoint.path_parameters or endpoint.kind == "apiview":
        allowed.add(404)
    if (
        case.query
        and endpoint.pagination_class is not None
        and any(
            cls.__name__ in _PAGE_PARAMETER_PAGINATORS for cls in endpoint.pagination_class.__mro__
        )
    ):
        allowed.add(404)
    if endpoint.kind == "apiview":
        allowed.add(400)
    if endpoint.throttle_classes:
        allowed.add(429)
    return allowed


def run_checks(endpoint: Endpoint, outcome: Outcome, config: RouteConfig) -> list[tuple[str, str]]:
    """The failed checks of ``outcome`` as ``(check, message)`` pairs, in the order above."""
    failures: list[tuple[str, str]] = []
    status = outcome.status
    skipped = set(config.checks)

    def fail(check: str, message: str) -> None:
        if check not in skipped:
            failures.append((check, message))

    if outcome.error is not None:
        fail("server_error", f"the view raised {type(outcome.error).__name__}: {outcome.error}")
        return failures
    if status is None:
        return failures
    if status >= 500:
        fail("server_error", f"answered {status}")
        return failures
    success = 200 <= status < 300
    many = _SCHEMA_ACTIONS.get(endpoint.action or "")
    if (
        success
        and many is not None
        and endpoint.response_serializer is not None
        and status in (200, 201)
        and outcome.body is not None
    ):
        problem = representation_problem(endpoint.response_serializer, outcome.body, many=many)
        if problem:
            fail(
                "response_schema",
                f"{status} body does not match {endpoint.response_serializer.__name__}: {problem}",
            )
    allowed = legitimate_statuses(endpoint, outcome.case, config)
    if allowed is not None and status not in allowed:
        fail(
            "status_code",
            f"answered {status}, which the view cannot legitimately return here "
            f"(expected one of {_ranges(allowed)})",
        )
    if (
        success
        and endpoint.action in _VALIDATING_ACTIONS
        and outcome.case.body_kind == "invalid"
        and outcome.invalid
    ):
        fail("invalid_accepted", f"answered {status} to a body its serializer rejects")
    if 400 <= status < 500 and outcome.changes.total:
        fail("rejected_write", f"answered {status} but changed rows ({outcome.changes.describe()})")
    if success and outcome.denied:
        fail("auth_bypass", f"answered {status} although {outcome.denied}")
    return failures


def _ranges(statuses: set[int]) -> str:
    rest = sorted(s for s in statuses if not 200 <= s < 300)
    return ", ".join(["2xx", *map(str, rest)])
