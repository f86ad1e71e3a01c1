"""What a view's own declarations say about a request before it is sent: whether its
permission classes deny it, and whether its serializer rejects its body.

Both are asked of a view instance set up as for the request (``get_permissions()`` and
``get_serializer_class()`` per action), with the permission classes asked the way DRF,
drf-restflow and adrf evaluate them (``ahas_permission`` where a class has it, ``await`` for an
``async def has_permission``), so a view that skips or loosens its own checks is caught.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, cast

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


class PermissionAnswers:
    """The permission classes' answers to one request: the sync ones, asked on the calling
    thread at once, and the async ones, asked on the test loop by ``denial`` (awaited in the
    same call onto the loop as the request, to spare a round trip)."""

    def __init__(self) -> None:
        self.denied: str | None = None
        self._pending: list[tuple[str, Callable[[], Awaitable[object]]]] = []

    async def denial(self) -> str | None:
        """Why the permission classes deny the request, or ``None`` if they allow it (a class
        that raises while asked is left out)."""
        if self.denied is not None:
            return self.denied
        for message, ask in self._pending:
            try:
                if not await ask():
                    return message
            except Exception:
                continue
        return None

    def ask(self, message: str, permission: Any, name: str, *args: Any) -> None:
        """Ask ``permission`` ``name`` (its ``a``-prefixed async twin first, as drf-restflow
        does; ``await`` for an ``async def``, as adrf does)."""
        if self.denied is not None:
            return
        method = getattr(permission, f"a{name}", None) or getattr(permission, name)
        if inspect.iscoroutinefunction(method):
            self._pending.append((message, functools.partial(method, *args)))
            return
        try:
            if not method(*args):
                self.denied = message
        except Exception:
            return


def permission_answers(view: Any, endpoint: Endpoint, case: FuzzCase) -> PermissionAnswers:
    """What ``view``'s permission classes answer ``case``: ``has_permission``, and
    ``has_object_permission`` for the row its path names."""
    answers = PermissionAnswers()
    if view is None:
        return answers
    try:
        permissions = list(view.get_permissions())
    except Exception:
        return answers
    request = view.request
    who = f"the {case.user} user" if case.user != "anonymous" else "an anonymous user"
    for permission in permissions:
        message = f"{type(permission).__name__} denies {case.method} to {who}"
        answers.ask(message, permission, "has_permission", request, view)
    if case.target is None or endpoint.lookup_field is None:
        return answers
    try:
        instance = view.get_queryset().get(
            **{endpoint.lookup_field: case.values[endpoint.lookup_url_kwarg or ""]}
        )
    except Exception:
        return answers
    for permission in permissions:
        message = f"{type(permission).__name__} denies {case.method} on this object to {who}"
        answers.ask(message, permission, "has_object_permission", request, view, instance)
    return answers


def rejects_body(view: Any, endpoint: Endpoint, case: FuzzCase) -> bool:
    """Whether the serializer the view validates ``case``'s body with rejects it: bound to the
    target row for updates, partial for ``PATCH``, with the view's serializer context."""
    serializer_class = endpoint.request_serializer
    if view is None or serializer_class is None:
        return False
    from restflow_testing.strategies._forms import as_form_data

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
