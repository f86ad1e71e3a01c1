"""users(), anonymous_users() and tokens()."""

from typing import Any, cast

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from pytest_django import DjangoAssertNumQueries
from rest_framework.authtoken.models import Token

from restflow_testing.strategies import anonymous_users, tokens, users

EXAMPLES = settings(max_examples=25, deadline=None)


@pytest.mark.django_db
def test_unsaved_users_touch_no_database(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    drawn: list[AbstractBaseUser] = []

    @EXAMPLES
    @given(users(is_staff=True))
    def collect(user: AbstractBaseUser) -> None:
        drawn.append(user)

    with django_assert_num_queries(0):
        collect()
    assert drawn
    for user in drawn:
        typed: Any = user
        assert user.pk is None
        assert typed.is_staff is True
        assert typed.is_active is True
        assert not user.has_usable_password()
        typed.full_clean(exclude=["password"], validate_unique=False)


@EXAMPLES
@given(users(is_superuser=None, is_active=None, password=st.just("s3cret")))
def test_flags_drawn_and_passwords_set(user: AbstractBaseUser) -> None:
    typed: Any = user
    assert isinstance(typed.is_superuser, bool)
    assert isinstance(typed.is_active, bool)
    assert user.check_password("s3cret")


@given(anonymous_users())
def test_anonymous_users(user: AnonymousUser) -> None:
    assert not user.is_authenticated


def test_permissions_need_saved_users() -> None:
    with pytest.raises(ValueError, match="saved=True"):
        users(permissions=["auth.add_user"])
    with pytest.raises(ValueError, match=r"app_label\.codename"):
        users(saved=True, permissions=["add_user"])


def test_unknown_fields_are_named() -> None:
    with pytest.raises(TypeError, match="nickname"):
        users(nickname=st.just("x"))


def test_tokens_name_the_missing_app() -> None:
    installed = [app for app in _installed() if app != "rest_framework.authtoken"]
    with (
        override_settings(INSTALLED_APPS=installed),
        pytest.raises(ImproperlyConfigured, match=r"'rest_framework\.authtoken' to INSTALLED_APPS"),
    ):
        tokens()


def _installed() -> list[str]:
    from django.conf import settings as django_settings

    return list(django_settings.INSTALLED_APPS)


class SavedUsers(TestCase):
    @EXAMPLES
    @given(users(saved=True, is_superuser=False, permissions=["suite.add_tag", "auth.view_user"]))
    def test_saved_users_exist_with_permissions(self, user: AbstractBaseUser) -> None:
        model = get_user_model()
        assert model.objects.filter(pk=user.pk).exists()
        fresh: Any = model.objects.get(pk=user.pk)
        assert fresh.has_perm("suite.add_tag")
        assert fresh.has_perm("auth.view_user")
        assert not fresh.has_perm("suite.delete_tag")

    @EXAMPLES
    @given(st.lists(users(saved=True), min_size=2, max_size=4))
    def test_several_saved_users_in_one_example(self, drawn: list[AbstractBaseUser]) -> None:
        assert len({user.pk for user in drawn}) == len(drawn)

    @settings(max_examples=1, deadline=None)
    @given(st.data())
    def test_unknown_permission_is_named(self, data: st.DataObject) -> None:
        with self.assertRaisesRegex(LookupError, "'suite.fly_tag' does not exist"):
            data.draw(users(saved=True, permissions=["suite.fly_tag"]))

    @EXAMPLES
    @given(tokens())
    def test_tokens_belong_to_saved_users(self, token: Token) -> None:
        drawn: Any = cast(Any, token)
        key: str = drawn.key
        assert Token.objects.filter(key=key, user=drawn.user).exists()
        assert len(key) == 40

    @EXAMPLES
    @given(st.data())
    def test_tokens_reuse_a_users_token(self, data: st.DataObject) -> None:
        user = data.draw(users(saved=True))
        first = data.draw(tokens(users=st.just(user)))
        second = data.draw(tokens(users=st.just(user)))
        assert first.key == second.key
