"""The users a CRUD machine acts as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

__all__ = ["DEFAULT_ACTORS", "Actor"]


@dataclass(frozen=True)
class Actor:
    """A user a CRUD machine sends requests as, made once per run (inside its savepoint).

    ``name`` is how reproducers name it (``as_user='owner'``) and the user's username. The user
    is made with the user model's ``create_user`` (``is_staff``/``is_superuser`` set), or is
    ``AnonymousUser`` with ``anonymous=True``.
    """

    name: str
    is_staff: bool = False
    is_superuser: bool = False
    anonymous: bool = False

    def make(self) -> AbstractBaseUser | AnonymousUser:
        """The user, saved (sync ORM: call it on the test's thread)."""
        if self.anonymous:
            return AnonymousUser()
        model: Any = get_user_model()
        username_field: str = model.USERNAME_FIELD
        field = model._meta.get_field(username_field)
        value = (
            f"{self.name}@example.com"
            if isinstance(field, models.EmailField)
            else f"stateful-{self.name}"
        )
        manager: Any = model._default_manager
        try:
            user: AbstractBaseUser = manager.create_user(**{username_field: value})
        except TypeError as error:
            raise TypeError(
                f"crud_machine() could not make the user of actor {self.name!r} with "
                f"{model.__name__}._default_manager.create_user({username_field}={value!r}): "
                f"{error}. Give the manager a create_user that needs no other fields, or make "
                "the users the viewset needs in the test's set-up."
            ) from error
        if self.is_staff or self.is_superuser:
            for flag in ("is_staff", "is_superuser"):
                if getattr(self, flag):
                    setattr(user, flag, True)
            user.save()
        return user


DEFAULT_ACTORS: tuple[Actor, ...] = (
    Actor("owner"),
    Actor("other"),
    Actor("staff", is_staff=True),
    Actor("anonymous", anonymous=True),
)
"""Who a CRUD machine acts as by default: two users, a staff user and an anonymous one."""
