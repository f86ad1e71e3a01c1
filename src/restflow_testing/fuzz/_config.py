"""Configuration for what discovery cannot derive, per route.

Routes are named as reports name them: ``"POST /api/books/"`` for one method, or
``"/api/books/{pk}/"`` for every method of a route. A project sets
``RESTFLOW_TESTING_FUZZ`` in its settings to a ``FuzzConfig`` (or the dotted path of one);
the pytest and unittest entries also take one directly.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from hypothesis.strategies import SearchStrategy

from restflow_testing.fuzz._users import USER_KINDS, UserKind

if TYPE_CHECKING:
    from restflow_testing.fuzz._discovery import Endpoint

CHECKS = (
    "server_error",
    "response_schema",
    "status_code",
    "invalid_accepted",
    "rejected_write",
    "auth_bypass",
)
"""The names of the checks, as every report spells them."""

SETTING = "RESTFLOW_TESTING_FUZZ"


@dataclass(frozen=True)
class RouteConfig:
    """What to do differently for one route (or one method of it).

    * ``skip``: leave the route out (a string says why; reports list it as skipped).
    * ``fields``: Hypothesis strategies for single body fields by name, for fields whose valid
      values the serializer cannot tell (an external id, a value checked by a custom validator).
    * ``body``: a strategy of whole bodies (``st.just({...})`` for a fixed one), sent instead of
      the serializer's valid bodies; invalid bodies are then not sent.
    * ``users``: the user kinds to send requests as (all five by default).
    * ``statuses``: further statuses the view may legitimately answer (a ``409`` its code
      raises), so ``status_code`` does not report them.
    * ``checks``: checks not to run on this route (names from ``CHECKS``).
    """

    skip: bool | str = False
    fields: Mapping[str, SearchStrategy[Any]] = field(
        default_factory=dict[str, SearchStrategy[Any]]
    )
    body: SearchStrategy[Any] | None = None
    users: Collection[UserKind] | None = None
    statuses: Collection[int] = ()
    checks: Collection[str] = ()

    def __post_init__(self) -> None:
        unknown_users = sorted(set(self.users or ()) - set(USER_KINDS))
        if unknown_users:
            raise ValueError(
                f"RouteConfig(users=...): unknown kinds {unknown_users}; use {USER_KINDS}"
            )
        unknown_checks = sorted(set(self.checks) - set(CHECKS))
        if unknown_checks:
            raise ValueError(
                f"RouteConfig(checks=...): unknown checks {unknown_checks}; use {CHECKS}"
            )
        for name, strategy in self.fields.items():
            if not isinstance(cast(object, strategy), SearchStrategy):
                raise TypeError(
                    f"RouteConfig(fields=...): {name!r} needs a Hypothesis strategy, got "
                    f"{strategy!r}; wrap constants with st.just(...)"
                )
        if self.body is not None and not isinstance(cast(object, self.body), SearchStrategy):
            raise TypeError("RouteConfig(body=...) needs a Hypothesis strategy: st.just({...})")


@dataclass(frozen=True)
class FuzzConfig:
    """Per-route configuration: ``routes`` maps ``"METHOD /route/"`` or ``"/route/"`` to a
    ``RouteConfig``; a method-specific entry wins over a route-wide one."""

    routes: Mapping[str, RouteConfig] = field(default_factory=dict[str, RouteConfig])

    def __post_init__(self) -> None:
        for key, value in self.routes.items():
            if not isinstance(cast(object, value), RouteConfig):
                raise TypeError(
                    f"FuzzConfig(routes=...): {key!r} needs a RouteConfig, got {value!r}"
                )
            if not key.startswith("/") and " /" not in key:
                raise ValueError(
                    f"FuzzConfig(routes=...): {key!r} is not a route; write 'POST /api/books/' "
                    "or '/api/books/{pk}/' as reports print them"
                )

    def for_endpoint(self, endpoint: Endpoint) -> RouteConfig:
        """The configuration of ``endpoint``: its method's entry, its route's, or the default."""
        return self.routes.get(endpoint.id) or self.routes.get(endpoint.route) or RouteConfig()

    def unmatched(self, endpoints: Collection[Endpoint]) -> list[str]:
        """Configured routes no endpoint has (a typo, or a route that went away)."""
        known = {e.id for e in endpoints} | {e.route for e in endpoints}
        return sorted(key for key in self.routes if key not in known)


def project_config() -> FuzzConfig:
    """The configuration in the ``RESTFLOW_TESTING_FUZZ`` setting (empty without one)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    value: object = getattr(settings, SETTING, None)
    if value is None:
        return FuzzConfig()
    if isinstance(value, str):
        try:
            value = import_string(value)
        except ImportError as error:
            raise ImportError(
                f"settings.{SETTING} = {value!r} cannot be imported: {error}"
            ) from None
    if isinstance(value, FuzzConfig):
        return value
    raise TypeError(f"settings.{SETTING} must be a FuzzConfig or its dotted path, got {value!r}")
