"""View instances set up as for one request, to ask a view what it would use for it.

DRF decides serializers, permissions, parsers, throttles and pagination per request (and per
action in viewsets): ``get_serializer_class()``, ``get_permissions()``... are methods of a view
instance that has ``request``, ``action`` and ``kwargs``. ``prepared_view`` makes such an
instance without dispatching anything.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request


def drf_request(method: str, path: str, user: Any = None, auth: Any = None) -> Request:
    """A DRF ``Request`` for ``method path`` made by ``user`` (anonymous when ``None``)."""
    django_request = _factory().generic(method, path)
    request = Request(django_request, authenticators=())
    request.user = AnonymousUser() if user is None else user
    request.auth = auth
    return request


@functools.cache
def _factory() -> Any:
    from restflow_testing.factory import AsyncAPIRequestFactory

    return AsyncAPIRequestFactory()


def prepared_view(
    view_class: type[Any],
    initkwargs: Mapping[str, Any],
    *,
    method: str,
    path: str,
    action: str | None,
    actions: Mapping[str, str] | None,
    kwargs: Mapping[str, Any],
    user: Any = None,
    auth: Any = None,
) -> Any:
    """An instance of ``view_class`` set up as ``as_view()`` and ``initial()`` set it up for a
    ``method`` request to ``path`` by ``user``, without running any handler."""
    view = view_class(**initkwargs)
    request = drf_request(method, path, user, auth)
    view.request = request
    view.args = ()
    view.kwargs = dict(kwargs)
    view.format_kwarg = None
    view.headers = {}
    if actions is not None:
        view.action_map = dict(actions)
    if action is not None or actions is not None:
        view.action = action
    return view


def serializer_classes(view: Any) -> tuple[type[Any] | None, type[Any] | None, str | None]:
    """The request (input) and response (output) serializer classes of a prepared view, and why
    they could not be found if so. drf-restflow's per-action request and response serializers
    are honoured."""
    try:
        request_class = _call(view, "get_request_serializer_class") or _call(
            view, "get_serializer_class"
        )
        response_class = _call(view, "get_response_serializer_class") or request_class
    except Exception as error:  # get_serializer_class() may need what only a real request has
        fallback = getattr(view, "serializer_class", None)
        return fallback, fallback, f"get_serializer_class() raised {type(error).__name__}: {error}"
    return request_class, response_class, None


def _call(view: Any, name: str) -> Any:
    method = getattr(view, name, None)
    return None if method is None else method()
