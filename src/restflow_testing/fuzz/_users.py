"""The users a fuzz run sends requests as: anonymous, regular, staff, superuser, token holder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from random import Random
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from django.apps import apps
from django.contrib.auth import get_user_model
from hypothesis import find
from hypothesis import strategies as st
from rest_framework.authentication import TokenAuthentication

from restflow_testing.fuzz._searches import ONE_DRAW
from restflow_testing.strategies import users

if TYPE_CHECKING:
    from restflow_testing.client import AsyncAPIClient

UserKind: TypeAlias = Literal["anonymous", "regular", "staff", "superuser", "token"]
"""Who sends a request: nobody, a regular user, a staff user, a superuser (all with forced
authentication), or a regular user holding a DRF authtoken sent in ``Authorization``."""

USER_KINDS: tuple[UserKind, ...] = ("anonymous", "regular", "staff", "superuser", "token")

_FLAGS: dict[UserKind, dict[str, bool]] = {
    "regular": {"is_staff": False, "is_superuser": False},
    "staff": {"is_staff": True, "is_superuser": False},
    "superuser": {"is_staff": True, "is_superuser": True},
}


@dataclass
class FuzzUsers:
    """One saved user per kind (the token holder is the regular user), made in the current
    transaction; the fields each was made with, for reproducers."""

    by_kind: dict[UserKind, Any] = field(default_factory=dict)
    fields: dict[UserKind, dict[str, Any]] = field(default_factory=dict)
    token: Any = None

    @classmethod
    def create(cls, random: Random) -> FuzzUsers:
        """Save a regular, a staff and a superuser, and a token for the regular one when DRF's
        authtoken app is installed."""
        made = cls()
        model = get_user_model()
        username_field = str(getattr(model, "USERNAME_FIELD", "username"))
        concrete = {f.name: f for f in model._meta.concrete_fields}
        for kind, flags in _FLAGS.items():
            name = f"fuzz-{kind}"
            if concrete.get(username_field) is not None and _is_email(concrete[username_field]):
                name += "@example.com"
            usable = {key: value for key, value in flags.items() if key in concrete}
            make: Any = users  # flags and the username field are known only at run time
            strategy = make(**usable, **{username_field: st.just(name)})
            user: Any = find(strategy, lambda _: True, settings=ONE_DRAW, random=random)
            user.save()
            made.by_kind[kind] = user
            wanted = {username_field, *getattr(model, "REQUIRED_FIELDS", ()), *usable}
            made.fields[kind] = {key: getattr(user, key) for key in wanted if key in concrete}
        if apps.is_installed("rest_framework.authtoken"):
            from rest_framework.authtoken.models import Token

            made.token = Token.objects.create(user=made.by_kind["regular"])
        return made

    def kinds_for(self, authenticators: Sequence[type[Any]]) -> tuple[UserKind, ...]:
        """The kinds a view can tell apart: the token holder only where a
        ``TokenAuthentication`` authenticates and a token exists."""
        token = self.token is not None and any(
            issubclass(cls, TokenAuthentication) for cls in authenticators
        )
        return tuple(kind for kind in USER_KINDS if kind != "token" or token)

    def user(self, kind: UserKind) -> Any:
        """The user ``request.user`` is for ``kind`` (``None`` for anonymous)."""
        if kind == "anonymous":
            return None
        return self.by_kind["regular" if kind == "token" else kind]

    def authenticate(self, client: AsyncAPIClient, kind: UserKind) -> None:
        """Make ``client``'s requests come from ``kind``."""
        if kind == "token":
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.token.key}")
        elif kind != "anonymous":
            client.force_authenticate(self.by_kind[kind])


def _is_email(model_field: Any) -> bool:
    from django.db.models import EmailField

    return isinstance(model_field, EmailField)
