"""Users of the project's user model, anonymous users, and DRF authtoken tokens."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import hypothesis.extra.django as hypothesis_django
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from restflow_testing._loop_thread import call_on_serving_thread

if TYPE_CHECKING:
    # django-stubs' name for the project's user model: AbstractBaseUser to type checkers without
    # a Django plugin, the AUTH_USER_MODEL class under mypy with django-stubs' plugin.
    from django.contrib.auth.models import _User
    from rest_framework.authtoken.models import Token

_FLAGS = ("is_staff", "is_superuser", "is_active")


def _model_fields(model: type[models.Model]) -> "dict[str, models.Field[Any, Any]]":
    return {field.name: field for field in model._meta.concrete_fields}


def _needs_value(field: "models.Field[Any, Any]", wanted: set[str]) -> bool:
    if field.name in wanted:
        return True
    if field.primary_key or field.auto_created or not field.editable:
        return False
    return not (field.has_default() or field.null or field.blank)


def _model_field_for(field: "models.Field[Any, Any]") -> SearchStrategy[Any]:
    make = cast(Any, hypothesis_django.from_field)
    strategy: SearchStrategy[Any] = make(field)
    return strategy


def _parse_permissions(permissions: Sequence[str]) -> list[tuple[str, str]]:
    parsed: list[tuple[str, str]] = []
    for permission in permissions:
        if permission.count(".") != 1:
            raise ValueError(
                f"permissions are 'app_label.codename' strings, got {permission!r} "
                "(e.g. permissions=['auth.add_user'])"
            )
        app_label, codename = permission.split(".")
        parsed.append((app_label, codename))
    return parsed


def _permission(app_label: str, codename: str) -> Permission:
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist:
        raise LookupError(
            f"permission '{app_label}.{codename}' does not exist in the test database; check "
            "the app label and codename (default ones are add_/change_/delete_/view_<model>)"
        ) from None


def users(
    *,
    saved: bool = False,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
    is_active: bool | None = True,
    permissions: Sequence[str] = (),
    **field_strategies: SearchStrategy[Any],
) -> SearchStrategy["_User"]:
    """Users of the project's user model (``get_user_model()``, custom models included).

    Typed as that model where the type checker knows it (mypy with django-stubs' plugin reads
    ``AUTH_USER_MODEL``), as ``AbstractBaseUser`` elsewhere.

    Every field a user needs is drawn from the model's own field definitions and validators:
    ``USERNAME_FIELD``, ``REQUIRED_FIELDS`` and any other field without a default, blank or null
    allowance. ``is_staff``/``is_superuser``/``is_active``: ``True`` or ``False`` sets the flag,
    ``None`` draws it (only models that have the field may set it). ``field_strategies`` override
    single model fields; ``password=st.just("secret")`` sets a usable password (hashed with the
    project's hasher), otherwise the password is unusable, which costs no hashing and still works
    with ``force_authenticate`` and ``force_login``.

    ``saved=False`` (the default) builds instances without touching the database (``pk`` is
    ``None``). ``saved=True`` inserts each user when drawn, inside the current transaction (the
    example's, under Django's test cases); unique fields are drawn unused at that moment.
    ``permissions`` (``"app_label.codename"`` strings) are granted to saved users only.
    """
    model = get_user_model()
    model_fields = _model_fields(model)
    flags = {"is_staff": is_staff, "is_superuser": is_superuser, "is_active": is_active}
    for name, value in flags.items():
        if name not in model_fields and value is not None:
            if name == "is_active" and value is True:
                continue
            raise TypeError(
                f"users({name}={value!r}): {model.__name__} has no {name} field; pass {name}=None"
            )
    unknown = sorted(set(field_strategies) - set(model_fields))
    if unknown:
        raise TypeError(
            f"users() got strategies for {unknown}, which are not fields of {model.__name__}; "
            f"fields: {sorted(model_fields)}"
        )
    parsed = _parse_permissions(permissions)
    if parsed and not saved:
        raise ValueError(
            "permissions are granted to saved users only: use users(saved=True, "
            "permissions=[...]) inside a test with database access"
        )
    if parsed and "user_permissions" not in {field.name for field in model._meta.many_to_many}:
        raise TypeError(
            f"{model.__name__} has no user_permissions (it does not use PermissionsMixin), "
            "so permissions cannot be granted"
        )
    raw_password = field_strategies.pop("password", None)
    wanted: set[str] = {str(getattr(model, "USERNAME_FIELD", "username"))}
    wanted.update(str(name) for name in getattr(model, "REQUIRED_FIELDS", ()))
    values: dict[str, SearchStrategy[Any]] = {}
    for name, field in model_fields.items():
        if name == "password" or name in _FLAGS:
            continue
        if name in field_strategies:
            values[name] = field_strategies[name]
        elif _needs_value(field, wanted):
            if field.is_relation:
                raise TypeError(
                    f"users(): {model.__name__}.{name} is a required relation; pass "
                    f"{name}=<strategy of related instances>"
                )
            values[name] = _model_field_for(field)
    for name, value in flags.items():
        if name in model_fields:
            values[name] = field_strategies.get(
                name, st.booleans() if value is None else st.just(value)
            )
    unique_names = [name for name in values if model_fields[name].unique]
    password_strategy: SearchStrategy[str | None] = (
        st.none() if raw_password is None else raw_password
    )

    @st.composite
    def build(draw: st.DrawFn) -> "_User":
        data = draw(st.fixed_dictionaries(values))
        if saved:
            for name in unique_names:
                taken = model._default_manager.filter(**{name: data[name]}).exists
                assume(not call_on_serving_thread(taken))
        user = model(**data)
        password = draw(password_strategy)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        if saved:
            call_on_serving_thread(lambda: _save(user, parsed))
        return user

    return build()


def _save(user: AbstractBaseUser, permissions: list[tuple[str, str]]) -> None:
    """Save ``user`` and grant it ``permissions`` (app label and codename pairs)."""
    user.save()
    if permissions:
        granted = [_permission(app, codename) for app, codename in permissions]
        cast(Any, user).user_permissions.add(*granted)


def anonymous_users() -> SearchStrategy[AnonymousUser]:
    """Django's ``AnonymousUser`` (what ``request.user`` is without authentication)."""
    return st.builds(AnonymousUser)


def tokens(*, users: SearchStrategy[AbstractBaseUser] | None = None) -> SearchStrategy["Token"]:
    """DRF authtoken ``Token`` rows for saved users (``users(saved=True)`` unless given).

    Each draw creates the user's token in the current transaction (or returns the token the user
    already has); its ``key`` is drawn, so examples replay exactly. Send it as
    ``client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")``. Needs
    ``rest_framework.authtoken`` in ``INSTALLED_APPS`` (with its migrations applied).
    """
    if not apps.is_installed("rest_framework.authtoken"):
        raise ImproperlyConfigured(
            "tokens() needs DRF's token model: add 'rest_framework.authtoken' to INSTALLED_APPS "
            "(and run its migrations) to use TokenAuthentication"
        )
    from rest_framework.authtoken.models import Token

    owners = _saved_users() if users is None else users
    keys = st.binary(min_size=20, max_size=20).map(bytes.hex)

    @st.composite
    def build(draw: st.DrawFn) -> Token:
        user = draw(owners)
        if user.pk is None:
            raise ValueError("tokens() needs saved users: pass users=users(saved=True)")
        owner: Any = user
        existing = call_on_serving_thread(Token.objects.filter(user=owner).first)
        if existing is not None:
            return existing
        key = draw(keys)
        assume(not call_on_serving_thread(Token.objects.filter(key=key).exists))
        return call_on_serving_thread(lambda: Token.objects.create(user=owner, key=key))

    return build()


def _saved_users() -> SearchStrategy[AbstractBaseUser]:
    return users(saved=True)
