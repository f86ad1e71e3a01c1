"""``crud_machines``: a CRUD machine for every viewset registered on the project's routers.

Routers are found through the URLconf: the modules it includes are searched for DRF routers
(``BaseRouter`` instances), and a router counts when its URL patterns are served, under the
namespace of the ``include()`` that serves them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.routers import BaseRouter

from restflow_testing.stateful._actors import DEFAULT_ACTORS, Actor
from restflow_testing.stateful._crud import CRUDMachine, crud_machine
from restflow_testing.stateful._endpoint import Endpoint

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["crud_machines", "served_routers"]


def crud_machines(
    router_or_urlconf: BaseRouter | str | ModuleType | None = None,
    *,
    actors: Sequence[Actor] = DEFAULT_ACTORS,
    fields: dict[str, SearchStrategy[Any]] | None = None,
) -> list[type[CRUDMachine]]:
    """One ``crud_machine`` per viewset that can create and retrieve objects.

    ``router_or_urlconf`` is a router (each registration of it), a URLconf (module or dotted
    name), or ``None`` for the project's ``ROOT_URLCONF``: every router served by it, each
    with the namespace it is included under. Viewsets without a ``create`` or ``retrieve``
    action are left out.
    """
    if isinstance(router_or_urlconf, BaseRouter):
        namespaces = dict(served_routers())
        pairs = [(router_or_urlconf, namespaces.get(router_or_urlconf))]
    else:
        pairs = list(served_routers(router_or_urlconf))
    machines: list[type[CRUDMachine]] = []
    for router, namespace in pairs:
        for prefix, viewset, basename in router.registry:
            endpoint = Endpoint.of(viewset, prefix, basename, namespace)
            if {"create", "retrieve"} <= endpoint.actions:
                machines.append(
                    crud_machine(
                        router, prefix, url_namespace=namespace, actors=actors, fields=fields
                    )
                )
    return machines


def served_routers(
    urlconf: str | ModuleType | None = None,
) -> Iterator[tuple[BaseRouter, str | None]]:
    """The routers whose URLs ``urlconf`` (default: ``ROOT_URLCONF``) serves, each with the
    namespace its URLs are included under (``None`` for none), in URLconf order."""
    chosen: Any = urlconf if urlconf is not None else settings.ROOT_URLCONF
    resolver = get_resolver(chosen)
    namespace_of: dict[int, str | None] = {}
    modules: list[ModuleType] = []
    _walk(resolver, None, namespace_of, modules)
    seen: set[int] = set()
    for module in modules:
        for value in list(vars(module).values()):
            if isinstance(value, BaseRouter) and id(value) not in seen:
                seen.add(id(value))
                patterns = [p for p in value.urls if isinstance(p, URLPattern)]
                if patterns and id(patterns[0]) in namespace_of:
                    yield value, namespace_of[id(patterns[0])]


def _walk(
    resolver: URLResolver,
    namespace: str | None,
    namespace_of: dict[int, str | None],
    modules: list[ModuleType],
) -> None:
    urlconf: Any = resolver.urlconf_module
    module = urlconf if isinstance(urlconf, ModuleType) else None
    if module is None and isinstance(resolver.urlconf_name, str):
        module = sys.modules.get(resolver.urlconf_name)
    if module is not None and module not in modules:
        modules.append(module)
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            _walk(pattern, inner, namespace_of, modules)
        else:
            namespace_of.setdefault(id(pattern), namespace)
