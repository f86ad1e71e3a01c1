"""What a view's own declarations say about a request before it is sent: whether its
permission classes deny it, and whether its serializer rejects its body.

Both are asked of a view instance set up as for the request (``get_permissions()`` and
``get_serializer_class()`` per action), with the permission classes evaluated the way DRF,
drf-restflow and adrf evaluate them (``ahas_permission`` where a class has it, ``await`` for an
``async def has_permission``), so a view that skips or loosens its own checks is caught.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any, cast

from restflow_testing._loop_thread import LoopThread
from restflow_testing.fuzz._discovery import Endpoint
from restflow_testing.fuzz._generation import FuzzCase
from restflow_testing.fuzz._users import FuzzUsers
from restflow_testing.fuzz._views import prepared_view


def view_for(endpoint: Endpoint, case: FuzzCase, users: FuzzUsers) -> Any:
    """``endpoint``'s view set up for ``case``; ``None`` for views that are not DRF views."""
    if not endpoint.is_drf or endpoint.view_class is None:
        return None
    auth = users.token if case.user == "token" else None
    return prepared_view(
        endpoint.view_class,
        endpoint.initkwargs,
        method=case.method,
        path=case.path,
        action=endpoint.handler_action,
        actions=endpoint.actions,
        kwargs=case.values,
        user=users.user(case.user),
        auth=auth,
    )


def denial(view: Any, endpoint: Endpoint, case: FuzzCase, loop: LoopThread) -> str | None:
    """Why ``view``'s permission classes deny ``case``, or ``None`` if they allow it (or
    cannot be asked)."""
    if view is None:
        return None
    try:
        permissions = list(view.get_permissions())
    except Exception:
        return None
    request = view.request
    who = f"the {case.user} user" if case.user != "anonymous" else "an anonymous user"
    for permission in permissions:
        allowed = _ask(loop, permission, "has_permission", request, view)
        if allowed is False:
            return f"{type(permission).__name__} denies {case.method} to {who}"
    if case.target is None or endpoint.lookup_field is None:
        return None
    try:
        instance = view.get_queryset().get(
            **{endpoint.lookup_field: case.values[endpoint.lookup_url_kwarg or ""]}
        )
    except Exception:
        return None
    for permission in permissions:
        allowed = _ask(loop, permission, "has_object_permission", request, view, instance)
        if allowed is False:
            return f"{type(permission).__name__} denies {case.method} on this object to {who}"
    return None


def _ask(loop: LoopThread, permission: Any, name: str, *args: Any) -> bool | None:
    """``permission``'s answer to ``name`` (its ``a``-prefixed async twin first); ``None`` when
    asking raised."""
    method = getattr(permission, f"a{name}", None) or getattr(permission, name)
    try:
        if inspect.iscoroutinefunction(method):
            return bool(loop.run(method(*args)))
        return bool(method(*args))
    except Exception:
        return None


def rejects_body(view: Any, endpoint: Endpoint, case: FuzzCase) -> bool:
    """Whether the serializer the view validates ``case``'s body with rejects it: bound to the
    target row for updates, partial for ``PATCH``, with the view's serializer context."""
    serializer_class = endpoint.request_serializer
    if view is None or serializer_class is None:
        return False
    from restflow_testing.strategies._serializers import as_form_data

    instance = None
    if case.target is not None and endpoint.lookup_field is not None:
        try:
            instance = view.get_queryset().get(
                **{endpoint.lookup_field: case.values[endpoint.lookup_url_kwarg or ""]}
            )
        except Exception:
            return False
    data: Any = case.body
    if case.format == "multipart" and isinstance(data, dict):
        data = as_form_data(cast("dict[str, Any]", data))
    try:
        context = view.get_serializer_context()
    except Exception:
        context = {}
    try:
        serializer = serializer_class(
            instance, data=data, partial=case.method == "PATCH", context=context
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return not serializer.is_valid()
    except Exception:
        return False
