"""Static checks of ``strategies.users()``'s type: never run, only type-checked."""

from typing import assert_type

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from hypothesis.strategies import SearchStrategy

from restflow_testing.strategies import users


def user_strategies() -> None:
    # mypy (django-stubs' plugin) reads AUTH_USER_MODEL, the suite's default User; pyright has
    # no plugin and sees the base class.
    assert_type(users(), SearchStrategy[User])  # pyright: ignore[reportAssertTypeFailure]
    drawn_by_any_checker: SearchStrategy[AbstractBaseUser] = users(saved=True)
    _ = drawn_by_any_checker
