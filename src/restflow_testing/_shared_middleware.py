"""One async middleware chain for every client, while it is made of Django's own middleware.

Django's test clients build the middleware chain (``load_middleware``) afresh for every client,
on its first request: every middleware class is imported, instantiated and wrapped. A test that
makes a fresh client per Hypothesis example pays that on every example: about a twentieth of the
instructions of a POST through four of Django's middleware.

The instances of Django's own middleware (``django.*``) hold nothing but what they read from the
settings when they are made; they keep no state between requests (Django's production handlers
share one chain between all requests and users). So while the settings stay the same, every
client can use one chain built once. The chain is built again after any settings change
(``override_settings``, ``modify_settings``, ``self.settings()``: each sends ``setting_changed``)
and whenever ``MIDDLEWARE`` differs from the list it was built for.

On a test loop the shared chain runs flat, one loop instead of two nested coroutines per
middleware (see :mod:`restflow_testing._flat_middleware`).

Middleware from anywhere else may keep state on its instances, so a ``MIDDLEWARE`` list with any
such entry gets a chain of its own per client, as Django's clients do: nothing one client's
requests did to a middleware instance is seen by another client.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.signals import setting_changed

from restflow_testing._flat_middleware import flat_chain

_SHAREABLE_PREFIX = "django."


class _Chain(NamedTuple):
    """A loaded async middleware chain and the ``MIDDLEWARE`` list it was built from."""

    middleware: tuple[str, ...]
    chain: Any
    view_middleware: list[Any]
    template_response_middleware: list[Any]
    exception_middleware: list[Any]


_shared: _Chain | None = None


def load_shared_chain(handler: BaseHandler) -> bool:
    """Give ``handler`` the shared async chain, built now if needed; ``False`` (and nothing
    done) when the chain may not be shared, and the handler must load its own."""
    global _shared
    if not _serves_like_django(handler):
        return False
    middleware = tuple(settings.MIDDLEWARE)
    shared = _shared
    # A chain in hand was built for this very list, which was all Django's own then.
    if shared is None or shared.middleware != middleware:
        if not all(path.startswith(_SHAREABLE_PREFIX) for path in middleware):
            return False
        # Built by a handler that never serves a request itself: the chain's innermost step is
        # that handler's _get_response_async, which reads nothing but the lists shared below.
        builder: Any = BaseHandler()
        builder.load_middleware(is_async=True)
        chain = builder._middleware_chain
        shared = _shared = _Chain(
            middleware,
            flat_chain(chain) or chain,
            builder._view_middleware,
            builder._template_response_middleware,
            builder._exception_middleware,
        )
    target: Any = handler
    target._view_middleware = shared.view_middleware
    target._template_response_middleware = shared.template_response_middleware
    target._exception_middleware = shared.exception_middleware
    target._middleware_chain = shared.chain
    return True


def _serves_like_django(handler: BaseHandler) -> bool:
    """Whether ``handler`` processes requests with Django's own ``_get_response_async``."""
    handler_class: Any = type(handler)
    django_class: Any = BaseHandler
    return handler_class._get_response_async is django_class._get_response_async


def _forget_chain(**kwargs: object) -> None:
    """Drop the shared chain: a setting changed, and middleware read settings when made."""
    global _shared
    _shared = None


setting_changed.connect(
    _forget_chain, weak=False, dispatch_uid="restflow_testing.shared_middleware"
)
