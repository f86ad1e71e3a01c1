"""Discovery: every endpoint of a URLconf, with what its view declares, without a schema.

An ``Endpoint`` is one method of one route. Its fields are what the view would use for a
request (the serializers, authenticators, permissions, parsers, throttles, filter and pagination
query parameters of that action), asked from a view instance set up as for that request. What
cannot be derived is left empty and named in ``Endpoint.notes``; the endpoint is still
fuzzed with what is known. ``viewsets`` groups the routes of router-registered viewsets, with
their serializer and lookup, for tools that drive a whole resource (create, then read, update and
delete what was made).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, cast
from urllib.parse import quote

from django.db import models
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from restflow_testing.fuzz._routes import PathParameter, RawRoute, walk_urlconf
from restflow_testing.fuzz._views import prepared_view, serializer_classes

ViewKind: TypeAlias = Literal["viewset", "generic", "apiview", "django"]
"""``viewset``: a DRF, drf-restflow or adrf viewset action; ``generic``: a generic API view;
``apiview``: any other DRF ``APIView``; ``django``: a plain Django view (function or class)."""

_HANDLERS = ("get", "post", "put", "patch", "delete")
_GENERIC_ACTIONS = {
    ("GET", False): "list",
    ("GET", True): "retrieve",
    ("POST", False): "create",
    ("PUT", True): "update",
    ("PATCH", True): "partial_update",
    ("DELETE", True): "destroy",
}
_QUERY_TYPES = {"integer", "number", "string", "boolean"}
# adrf's routers map methods to async handlers of their own names.
_ASYNC_ACTION_NAMES = {
    "alist": "list",
    "acreate": "create",
    "aretrieve": "retrieve",
    "aupdate": "update",
    "partial_aupdate": "partial_update",
    "adestroy": "destroy",
}


@dataclass(frozen=True)
class QueryParameter:
    """A query parameter a filter or pagination backend reads (from its OpenAPI description)."""

    name: str
    type: str
    source: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Endpoint:
    """One HTTP method of one route, and what its view declares for it.

    ``route`` has ``{name}`` placeholders as the URL pattern names them (``/api/books/{pk}/``).
    Class tuples hold the classes of the instances the view would use for this method and
    action (``get_permissions()`` and friends), so per-action overrides are honoured.
    """

    method: str
    route: str
    view: str
    kind: ViewKind
    callback: Callable[..., Any] = field(repr=False, compare=False)
    view_class: type[Any] | None = None
    initkwargs: Mapping[str, Any] = field(default_factory=dict[str, Any], repr=False, compare=False)
    actions: Mapping[str, str] | None = field(default=None, repr=False, compare=False)
    action: str | None = None
    """The viewset action (adrf's ``alist``... named as DRF names them: ``list``...), or the
    action a generic view's handler performs; ``None`` for other views."""
    url_name: str | None = None
    is_async: bool = False
    detail: bool = False
    path_parameters: tuple[PathParameter, ...] = ()
    query_parameters: tuple[QueryParameter, ...] = ()
    request_serializer: type[Any] | None = None
    response_serializer: type[Any] | None = None
    model: type[models.Model] | None = None
    lookup_field: str | None = None
    lookup_url_kwarg: str | None = None
    authentication_classes: tuple[type[Any], ...] = ()
    permission_classes: tuple[type[Any], ...] = ()
    parser_classes: tuple[type[Any], ...] = ()
    throttle_classes: tuple[type[Any], ...] = ()
    pagination_class: type[Any] | None = None
    filter_backends: tuple[type[Any], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """``"METHOD /route/"``: how reports, test ids and configuration name the endpoint."""
        return f"{self.method} {self.route}"

    @property
    def handler_action(self) -> str | None:
        """The action name the view itself sees (``self.action``) for this method."""
        if self.actions is not None:
            return self.actions.get(self.method.lower())
        return self.action

    @property
    def is_drf(self) -> bool:
        """Whether a DRF ``APIView`` (viewsets and generic views included) serves it."""
        return self.kind != "django"

    @property
    def restricts_access(self) -> bool:
        """Whether some permission class may deny a request (anything but ``AllowAny``)."""
        return any(not issubclass(cls, AllowAny) for cls in self.permission_classes)

    def path(self, values: Mapping[str, str]) -> str:
        """The route with each ``{name}`` replaced by ``values[name]``, percent-encoded."""
        path = self.route
        for parameter in self.path_parameters:
            path = path.replace("{" + parameter.name + "}", quote(values[parameter.name], safe=""))
        return path


@dataclass(frozen=True)
class ViewSetRoutes:
    """The routes of one router-registered viewset: its actions, serializer, model and lookup."""

    viewset: type[Any]
    basename: str | None
    model: type[models.Model] | None
    serializer: type[Any] | None
    lookup_field: str | None
    lookup_url_kwarg: str | None
    endpoints: Mapping[str, Endpoint]
    """Endpoints by action name (``"list"``, ``"create"``, ``"retrieve"``, custom actions...)."""

    @property
    def list_route(self) -> str | None:
        endpoint = self.endpoints.get("list") or self.endpoints.get("create")
        return None if endpoint is None else endpoint.route

    @property
    def detail_route(self) -> str | None:
        for action in ("retrieve", "update", "partial_update", "destroy"):
            if action in self.endpoints:
                return self.endpoints[action].route
        return None


def discover(urlconf: str | None = None) -> list[Endpoint]:
    """Every endpoint of ``urlconf`` (``ROOT_URLCONF`` when ``None``), in URLconf order.

    DRF routers' viewset actions and ``@action`` routes, ``APIView`` and generic views, drf-restflow
    and adrf async views and viewsets, plain Django views. Methods are those the view declares
    (a viewset's action map, an ``APIView``'s handlers); a plain function view declares none and
    is listed for ``GET`` only, with a note.
    """
    endpoints: list[Endpoint] = []
    for route in walk_urlconf(urlconf):
        endpoints.extend(_endpoints_of(route))
    return endpoints


def select(
    endpoints: Iterable[Endpoint],
    include: Sequence[str | re.Pattern[str]] = (),
    exclude: Sequence[str | re.Pattern[str]] = (),
) -> list[Endpoint]:
    """The endpoints whose ``"METHOD /route/"`` an ``include`` regular expression matches (all
    when there is none) and no ``exclude`` one does (``re.search``)."""
    wanted = [re.compile(pattern) for pattern in include]
    unwanted = [re.compile(pattern) for pattern in exclude]
    return [
        e
        for e in endpoints
        if (not wanted or any(p.search(e.id) for p in wanted))
        and not any(p.search(e.id) for p in unwanted)
    ]


def viewsets(endpoints: Iterable[Endpoint]) -> list[ViewSetRoutes]:
    """The router-registered viewsets among ``endpoints``, each with its routes by action."""
    grouped: dict[tuple[type[Any], str | None], dict[str, Endpoint]] = {}
    for endpoint in endpoints:
        if endpoint.kind != "viewset" or endpoint.view_class is None or endpoint.action is None:
            continue
        key = (endpoint.view_class, _basename(endpoint.url_name))
        grouped.setdefault(key, {}).setdefault(endpoint.action, endpoint)
    out: list[ViewSetRoutes] = []
    for (viewset, basename), actions in grouped.items():
        first = next(iter(actions.values()))
        primary = actions.get("create") or actions.get("retrieve") or first
        detail = next((e for e in actions.values() if e.detail), first)
        out.append(
            ViewSetRoutes(
                viewset=viewset,
                basename=basename,
                model=first.model,
                serializer=primary.request_serializer,
                lookup_field=detail.lookup_field,
                lookup_url_kwarg=detail.lookup_url_kwarg,
                endpoints=actions,
            )
        )
    return out


def _basename(url_name: str | None) -> str | None:
    if url_name is None or "-" not in url_name:
        return url_name
    return url_name.rsplit("-", 1)[0]


def _endpoints_of(route: RawRoute) -> list[Endpoint]:
    callback = route.callback
    view_class: Any = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    actions: dict[str, str] | None = getattr(callback, "actions", None)
    initkwargs: dict[str, Any] = dict(getattr(callback, "initkwargs", {}) or {})
    name = _qualified_name(view_class if view_class is not None else callback)
    common: dict[str, Any] = {
        "route": route.template,
        "view": name,
        "callback": callback,
        "view_class": view_class,
        "initkwargs": initkwargs,
        "url_name": route.name,
        "is_async": _is_async(callback, view_class),
        "path_parameters": route.parameters,
    }
    notes = list(route.problems)
    handlers: Any = view_class  # asked only which handlers it defines
    if view_class is None:
        notes.append("plain function view: it declares no methods, so only GET is sent")
        return [Endpoint(method="GET", kind="django", notes=tuple(notes), **common)]
    if not (isinstance(view_class, type) and issubclass(view_class, APIView)):
        methods = [m.upper() for m in _HANDLERS if hasattr(handlers, m)]
        return [
            Endpoint(method=method, kind="django", notes=tuple(notes), **common)
            for method in methods
        ]
    if actions is not None:
        return [
            _drf_endpoint(method.upper(), "viewset", action, actions, notes, common)
            for method, action in actions.items()
            if method in _HANDLERS
        ]
    kind: ViewKind = "generic" if issubclass(view_class, GenericAPIView) else "apiview"
    return [
        _drf_endpoint(method.upper(), kind, None, None, notes, common)
        for method in _HANDLERS
        if hasattr(handlers, method)
    ]


def _drf_endpoint(
    method: str,
    kind: ViewKind,
    action: str | None,
    actions: Mapping[str, str] | None,
    route_notes: list[str],
    common: dict[str, Any],
) -> Endpoint:
    notes = list(route_notes)
    view_class: type[Any] = common["view_class"]
    lookup_field: str | None = getattr(view_class, "lookup_field", None)
    lookup_url_kwarg: str | None = getattr(view_class, "lookup_url_kwarg", None) or lookup_field
    parameter_names = {parameter.name for parameter in common["path_parameters"]}
    detail = lookup_url_kwarg in parameter_names if lookup_url_kwarg else False
    if kind == "generic":
        action = _generic_action(view_class, method, detail)

    try:
        view = prepared_view(
            view_class,
            common["initkwargs"],
            method=method,
            path=common["route"],
            action=action,
            actions=actions,
            kwargs={name: "0" for name in parameter_names},
        )
    except Exception as error:
        notes.append(f"the view could not be instantiated ({type(error).__name__}: {error})")
        return Endpoint(method=method, kind=kind, action=action, notes=tuple(notes), **common)
    found: dict[str, Any] = {
        "authentication_classes": _classes(view, "get_authenticators", notes),
        "permission_classes": _classes(view, "get_permissions", notes),
        "parser_classes": _classes(view, "get_parsers", notes),
        "throttle_classes": _classes(view, "get_throttles", notes),
    }
    request_serializer = response_serializer = None
    model: type[models.Model] | None = None
    pagination_class: type[Any] | None = None
    filter_backends: tuple[type[Any], ...] = ()
    query: list[QueryParameter] = []
    if isinstance(view, GenericAPIView):
        request_serializer, response_serializer, problem = serializer_classes(view)
        if problem:
            notes.append(problem)
        model = _model(view, response_serializer, notes)
        declared: Any = cast(Any, view)
        filter_backends = tuple(declared.filter_backends or ())
        if method == "GET" and not detail:
            paginator = _paginator(view, notes)
            pagination_class = None if paginator is None else _class_of(paginator)
            sources: list[tuple[str, Any]] = [("filter", backend()) for backend in filter_backends]
            if paginator is not None:
                sources.append(("pagination", paginator))
            query = _query_parameters(view, sources, notes)
    else:
        request_serializer = response_serializer = getattr(view, "serializer_class", None)
        if kind == "apiview" and request_serializer is None and method in {"POST", "PUT", "PATCH"}:
            notes.append("no serializer declared: bodies are arbitrary JSON objects")
    if detail and model is None:
        notes.append("no model found for the lookup: only missing objects are requested")
    return Endpoint(
        method=method,
        kind=kind,
        action=_ASYNC_ACTION_NAMES.get(action, action) if action is not None else None,
        actions=actions,
        detail=detail,
        query_parameters=tuple(query),
        request_serializer=request_serializer,
        response_serializer=response_serializer,
        model=model,
        lookup_field=lookup_field if detail else None,
        lookup_url_kwarg=lookup_url_kwarg if detail else None,
        pagination_class=pagination_class,
        filter_backends=filter_backends,
        notes=tuple(notes),
        **found,
        **common,
    )


def _generic_action(view_class: type[Any], method: str, detail: bool) -> str | None:
    action = _GENERIC_ACTIONS.get((method, detail))
    return action if action is not None and hasattr(view_class, action) else None


def _classes(view: Any, getter: str, notes: list[str]) -> tuple[type[Any], ...]:
    try:
        items: list[Any] = list(getattr(view, getter)())
        return tuple(_class_of(item) for item in items)
    except Exception as error:
        notes.append(f"{getter}() raised {type(error).__name__}: {error}")
        return ()


def _model(view: Any, serializer: type[Any] | None, notes: list[str]) -> type[models.Model] | None:
    try:
        return view.get_queryset().model  # type: ignore[no-any-return]
    except Exception as error:
        meta = getattr(serializer, "Meta", None)
        model = getattr(meta, "model", None)
        if model is None:
            notes.append(f"get_queryset() raised {type(error).__name__}: {error}")
        return model


def _paginator(view: Any, notes: list[str]) -> Any:
    try:
        return view.paginator
    except Exception as error:
        notes.append(f"the paginator could not be made ({type(error).__name__}: {error})")
        return None


def _query_parameters(
    view: Any, sources: list[tuple[str, Any]], notes: list[str]
) -> list[QueryParameter]:
    out: list[QueryParameter] = []
    for source, backend in sources:
        describe = getattr(backend, "get_schema_operation_parameters", None)
        if describe is None:
            notes.append(f"{type(backend).__name__} does not describe its query parameters")
            continue
        try:
            described: list[dict[str, Any]] = list(describe(view))
        except Exception as error:
            notes.append(
                f"{type(backend).__name__}.get_schema_operation_parameters() raised "
                f"{type(error).__name__}: {error}"
            )
            continue
        for item in described:
            if item.get("in", "query") != "query" or "name" not in item:
                continue
            schema: dict[str, Any] = item.get("schema") or {}
            kind = str(schema.get("type", "string"))
            choices = tuple(str(choice) for choice in schema.get("enum", ()))
            out.append(
                QueryParameter(
                    name=str(item["name"]),
                    type=kind if kind in _QUERY_TYPES else "string",
                    source=source,
                    choices=choices,
                )
            )
    return out


def _class_of(instance: object) -> type[Any]:
    return type(instance)


def _is_async(callback: Callable[..., Any], view_class: Any) -> bool:
    """Whether Django calls the view as a coroutine function (class views say so themselves)."""
    if view_class is not None and hasattr(view_class, "view_is_async"):
        return bool(view_class.view_is_async)
    return inspect.iscoroutinefunction(callback)


def _qualified_name(obj: object) -> str:
    module = getattr(obj, "__module__", "?")
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", repr(obj))
    return f"{module}.{name}"
