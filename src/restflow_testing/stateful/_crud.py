"""``crud_machine``: a state machine that creates, lists, reads, updates and deletes objects
through a router-registered viewset and checks that the API remembers what it was told.

The machine keeps its own model of the objects it made (a ``Bundle``): their creator and the
representation they should have. Every write is followed by reads as the object's creator, so
per-user querysets and object permissions cause no false alarms; requests answered 401, 403 (or
404 to someone else than the creator) must change nothing.
"""

from __future__ import annotations

import builtins
import functools
import re
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

from asgiref.sync import sync_to_async
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, MultipleResults, consumes, multiple
from rest_framework.routers import BaseRouter

from restflow_testing.stateful._actors import DEFAULT_ACTORS, Actor
from restflow_testing.stateful._decorators import precondition, rule
from restflow_testing.stateful._endpoint import (
    Endpoint,
    expected_after_write,
    unchanged_fields,
)
from restflow_testing.stateful._machine import APIStateMachine
from restflow_testing.strategies._serializers import (
    from_serializer,
    has_file_fields,
    writable_fields,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from hypothesis.strategies import SearchStrategy

    from restflow_testing.client import AsyncAPIClient
    from restflow_testing.response import APIResponse

__all__ = [
    "CRUDMachine",
    "CRUDObject",
    "CRUDStatistics",
    "StatefulInvariantError",
    "crud_machine",
]

_SUCCESS = range(200, 300)


class StatefulInvariantError(AssertionError):
    """A CRUD machine found the API breaking one of its invariants.

    ``invariant`` names the rule broken (``"after update, retrieve shows what was sent"``);
    the message adds what was seen.
    """

    def __init__(self, invariant: str, detail: str) -> None:
        self.invariant = invariant
        self.detail = detail
        super().__init__(f"{invariant}: {detail}")


@dataclass(eq=False)
class CRUDObject:
    """An object a CRUD machine made: its lookup value, who made it, and the representation
    its creator should see."""

    key: str
    creator: str
    representation: dict[str, Any]

    def __repr__(self) -> str:
        return f"CRUDObject(key={self.key!r}, creator={self.creator!r})"


@dataclass
class CRUDStatistics:
    """Requests of CRUD machine runs, gathered by
    ``run_crud_machine``."""

    runs: int = 0
    requests: int = 0
    detail_requests: int = 0
    """Retrieve, update, partial update and destroy requests, including the reads that check
    an invariant (the read after a destroy expects a 404)."""
    detail_requests_reaching_objects: int = 0
    """Detail requests for an object that existed, not answered 404."""
    rule_detail_requests: int = 0
    """Detail requests of the rules themselves (the reads that check invariants left out)."""
    rule_detail_requests_reaching_objects: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    """``"<action> <status>"`` counts, e.g. ``"create 201"``."""

    @property
    def reaching_share(self) -> float:
        """The share of detail requests that reached an existing object."""
        if not self.detail_requests:
            return 0.0
        return self.detail_requests_reaching_objects / self.detail_requests


statistics: ContextVar[CRUDStatistics | None] = ContextVar(
    "restflow_testing_crud_statistics", default=None
)


class CRUDMachine(APIStateMachine):
    """The base of the machines ``crud_machine`` builds; see there for the rules."""

    endpoint: ClassVar[Endpoint]
    actors: ClassVar[tuple[Actor, ...]]
    max_pages: ClassVar[int] = 100
    crud_arguments: ClassVar[dict[str, Any]]
    """The arguments of the ``crud_machine`` call that made the class (for reproducers)."""

    def __init__(self) -> None:
        super().__init__()
        self._users: dict[str, AbstractBaseUser | AnonymousUser] = {}
        self._clients: dict[str, AsyncAPIClient] = {}
        self._live: dict[str, CRUDObject] = {}
        self._destroyed: dict[str, CRUDObject] = {}
        counts = statistics.get()
        if counts is not None:
            counts.runs += 1

    # -- requests -----------------------------------------------------------------------------

    async def _client_as(self, role: str) -> AsyncAPIClient:
        client = self._clients.get(role)
        if client is None:
            actor = next(actor for actor in type(self).actors if actor.name == role)
            user = await sync_to_async(actor.make)()
            client = type(self.client)()
            if not actor.anonymous:
                client.force_authenticate(user)
            self._users[role] = user
            self._clients[role] = client
        return client

    async def _send(
        self,
        role: str,
        action: str,
        url: str,
        payload: Mapping[str, Any] | None = None,
        *,
        target: CRUDObject | None = None,
        check: bool = False,
    ) -> APIResponse:
        client = await self._client_as(role)
        method = _METHODS[action]
        if payload is None:
            response: APIResponse = await getattr(client, method)(url)
        else:
            form = "multipart" if self._multipart(action) else "json"
            response = await getattr(client, method)(url, dict(payload), format=form)
        counts = statistics.get()
        if counts is not None:
            counts.requests += 1
            counts.statuses[f"{action} {response.status_code}"] += 1
            if target is not None:
                reached = target.key in self._live and response.status_code != 404
                counts.detail_requests += 1
                counts.detail_requests_reaching_objects += reached
                if not check:
                    counts.rule_detail_requests += 1
                    counts.rule_detail_requests_reaching_objects += reached
        if response.status_code >= 500:
            raise StatefulInvariantError(
                "no request is answered with a server error",
                f"{action} as {role} ({method.upper()} {url}) answered "
                f"{response.status_code}: {_shorten(response.content)}",
            )
        return response

    @classmethod
    def _multipart(cls, action: str) -> bool:
        if action not in ("create", "update", "partial_update"):
            return False
        return has_file_fields(cls.endpoint.serializer(action))

    async def _read_as_creator(self, obj: CRUDObject, invariant: str) -> dict[str, Any]:
        url = type(self).endpoint.detail_url(obj.key)
        response = await self._send(obj.creator, "retrieve", url, target=obj, check=True)
        if response.status_code != 200:
            raise StatefulInvariantError(
                invariant,
                f"retrieve of {obj.key!r} as its creator {obj.creator!r} answered "
                f"{response.status_code}: {_shorten(response.content)}",
            )
        shown = cast("dict[str, Any]", response.json())
        return shown

    async def _list_as(self, role: str) -> builtins.list[dict[str, Any]] | None:
        """Every item of the list, all pages followed; ``None`` if the list was refused."""
        url: str | None = type(self).endpoint.list_url()
        items: list[dict[str, Any]] = []
        pages = 0
        while url is not None:
            response = await self._send(role, "list", url)
            if response.status_code in (401, 403):
                return None
            if response.status_code != 200:
                raise StatefulInvariantError(
                    "the list can be read", f"GET {url} as {role} answered {response.status_code}"
                )
            body: Any = response.json()
            if isinstance(body, list):
                items.extend(cast("builtins.list[dict[str, Any]]", body))
                return items
            if not isinstance(body, dict) or not isinstance(body.get("results"), list):
                raise LookupError(
                    f"crud_machine(): cannot read the list response of {url} (neither a list "
                    "nor a page with 'results'); use DRF's pagination classes or a plain list"
                )
            page = cast("dict[str, Any]", body)
            items.extend(page["results"])
            next_url: object = page.get("next")
            url = next_url if isinstance(next_url, str) else None
            pages += 1
            if pages >= type(self).max_pages and url is not None:
                raise StatefulInvariantError(
                    "the list's pages end", f"still a next page after {pages} pages ({url})"
                )
        return items

    async def _row_count(self) -> int | None:
        model = type(self).endpoint.model()
        if model is None:
            return None
        count: int = await model._default_manager.acount()
        return count

    async def _check_unchanged(self, obj: CRUDObject, action: str, role: str, status: int) -> None:
        shown = await self._read_as_creator(obj, f"a {action} answered {status} changes nothing")
        if shown != obj.representation:
            raise StatefulInvariantError(
                f"a {action} answered {status} changes nothing",
                f"{action} of {obj.key!r} as {role} was answered {status}, yet retrieve now "
                f"shows {_differences(obj.representation, shown)}",
            )

    # -- rules (decorated per viewset by crud_machine) ------------------------------------------

    async def _create(self, as_user: str, payload: dict[str, Any]) -> MultipleResults[CRUDObject]:
        """POST a valid payload; a 2xx answer makes an object, checked retrievable as made."""
        endpoint = type(self).endpoint
        before = await self._row_count()
        response = await self._send(as_user, "create", endpoint.list_url(), payload)
        if response.status_code not in _SUCCESS:
            after = await self._row_count()
            if after != before:
                model = endpoint.model()
                raise StatefulInvariantError(
                    f"a create answered {response.status_code} changes nothing",
                    f"{model.__name__ if model is not None else 'the model'} had {before} rows "
                    f"before, {after} after",
                )
            return multiple()
        made = cast("dict[str, Any]", response.json())
        obj = CRUDObject(endpoint.key_of(made), as_user, made)
        self._live[obj.key] = obj
        self._destroyed.pop(obj.key, None)
        if "retrieve" in endpoint.actions:
            shown = await self._read_as_creator(obj, "a created object is retrievable")
            if shown != made:
                raise StatefulInvariantError(
                    "a created object's representation equals the create response's",
                    f"retrieve of {obj.key!r} shows {_differences(made, shown)}",
                )
        return multiple(obj)

    async def _list(self, as_user: str) -> None:
        """Read every page of the list; it holds each live object the user made (as made) and
        no destroyed one."""
        items = await self._list_as(as_user)
        if items is None:
            return
        endpoint = type(self).endpoint
        listed = {endpoint.key_of(item): item for item in items}
        compare = type(self)._list_shows_retrieve_representation()
        for obj in self._live.values():
            if obj.creator != as_user:
                continue
            if obj.key not in listed:
                raise StatefulInvariantError(
                    "the list holds every created, undestroyed object",
                    f"{obj.key!r} (made by {as_user}) is missing from the list of "
                    f"{len(listed)} items",
                )
            if compare and listed[obj.key] != obj.representation:
                raise StatefulInvariantError(
                    "the list shows each object as retrieve does",
                    f"{obj.key!r} in the list: {_differences(obj.representation, listed[obj.key])}",
                )
        for key in self._destroyed:
            if key in listed:
                raise StatefulInvariantError(
                    "the list no longer holds a destroyed object",
                    f"{key!r} was destroyed but is listed as {as_user}",
                )

    async def _retrieve(self, as_user: str, obj: CRUDObject) -> None:
        """GET an object; its creator sees it as last written."""
        url = type(self).endpoint.detail_url(obj.key)
        response = await self._send(as_user, "retrieve", url, target=obj)
        if as_user != obj.creator:
            return
        if response.status_code != 200:
            raise StatefulInvariantError(
                "an object is retrievable by its creator until destroyed",
                f"retrieve of {obj.key!r} answered {response.status_code}: "
                f"{_shorten(response.content)}",
            )
        shown = cast("dict[str, Any]", response.json())
        if shown != obj.representation:
            raise StatefulInvariantError(
                "retrieve shows an object as last written",
                f"{obj.key!r}: {_differences(obj.representation, shown)}",
            )

    async def _update(self, as_user: str, obj: CRUDObject, payload: dict[str, Any]) -> None:
        """PUT a valid payload; then retrieve shows what was sent and nothing else changed."""
        await self._write("update", as_user, obj, payload, partial=False)

    async def _partial_update(self, as_user: str, obj: CRUDObject, payload: dict[str, Any]) -> None:
        """PATCH a valid partial payload; then retrieve shows what was sent and nothing else
        changed."""
        await self._write("partial_update", as_user, obj, payload, partial=True)

    async def _write(
        self, action: str, role: str, obj: CRUDObject, payload: dict[str, Any], *, partial: bool
    ) -> None:
        endpoint = type(self).endpoint
        response = await self._send(role, action, endpoint.detail_url(obj.key), payload, target=obj)
        status = response.status_code
        if status not in _SUCCESS:
            self._refused_to_creator(obj, action, role, status)
            await self._check_unchanged(obj, action, role, status)
            return
        name = action.replace("_", " ")
        shown = await self._read_as_creator(obj, f"after {name}, the object is retrievable")

        def expectations() -> tuple[dict[str, Any], list[str]]:
            serializer = endpoint.serializer(action)
            return (
                expected_after_write(serializer, payload, partial=partial),
                unchanged_fields(serializer, payload, partial=partial),
            )

        expected, unchanged = await sync_to_async(expectations)()
        for field_name, value in expected.items():
            if field_name in shown and shown[field_name] != value:
                raise StatefulInvariantError(
                    f"after {name}, retrieve shows what was sent",
                    f"{field_name!r} of {obj.key!r}: sent {payload.get(field_name)!r} "
                    f"(shown as {value!r}), retrieve shows {shown[field_name]!r}",
                )
        for field_name in unchanged:
            before = obj.representation.get(field_name)
            if (
                field_name in shown
                and field_name in obj.representation
                and shown[field_name] != before
            ):
                raise StatefulInvariantError(
                    f"after {name}, the fields not sent are unchanged",
                    f"{field_name!r} of {obj.key!r} was {before!r}, not sent, and is now "
                    f"{shown[field_name]!r}",
                )
        obj.representation = shown

    async def _destroy(self, as_user: str, obj: CRUDObject) -> MultipleResults[CRUDObject]:
        """DELETE an object; then retrieve answers 404 and the list no longer holds it."""
        endpoint = type(self).endpoint
        response = await self._send(as_user, "destroy", endpoint.detail_url(obj.key), target=obj)
        status = response.status_code
        if status not in _SUCCESS:
            self._refused_to_creator(obj, "destroy", as_user, status)
            await self._check_unchanged(obj, "destroy", as_user, status)
            return multiple(obj)  # still there: back into the bundle
        del self._live[obj.key]
        self._destroyed[obj.key] = obj
        after = await self._send(
            obj.creator, "retrieve", endpoint.detail_url(obj.key), target=obj, check=True
        )
        if after.status_code != 404:
            raise StatefulInvariantError(
                "after destroy, retrieve answers 404",
                f"destroy of {obj.key!r} answered {status}, then retrieve as "
                f"{obj.creator} answered {after.status_code}",
            )
        if "list" in endpoint.actions:
            items = await self._list_as(obj.creator)
            if items is not None and any(endpoint.key_of(item) == obj.key for item in items):
                raise StatefulInvariantError(
                    "after destroy, the list no longer holds the object",
                    f"{obj.key!r} is still listed after its destroy answered {status}",
                )
        return multiple()

    def _refused_to_creator(self, obj: CRUDObject, action: str, role: str, status: int) -> None:
        if status == 404 and role == obj.creator:
            raise StatefulInvariantError(
                "an object is found by its creator until destroyed",
                f"{action.replace('_', ' ')} of {obj.key!r} as its creator answered 404",
            )

    @classmethod
    def _list_shows_retrieve_representation(cls) -> bool:
        found: bool | None = cls.__dict__.get("_same_list_serializer")
        if found is None:
            endpoint = cls.endpoint
            found = endpoint.serializer_class("list") is endpoint.serializer_class("retrieve")
            cls._same_list_serializer = found
        return found

    _same_list_serializer: ClassVar[bool | None] = None

    if TYPE_CHECKING:
        # The rules as the machines crud_machine builds have them: sync methods that run
        # the request on the test loop (as a reproducer calls them).
        def create(self, as_user: str, payload: dict[str, Any]) -> MultipleResults[CRUDObject]: ...
        def list(self, as_user: str) -> None: ...
        def retrieve(self, as_user: str, obj: CRUDObject) -> None: ...
        def update(self, as_user: str, obj: CRUDObject, payload: dict[str, Any]) -> None: ...
        def partial_update(
            self, as_user: str, obj: CRUDObject, payload: dict[str, Any]
        ) -> None: ...
        def destroy(self, as_user: str, obj: CRUDObject) -> MultipleResults[CRUDObject]: ...


_METHODS = {
    "create": "post",
    "list": "get",
    "retrieve": "get",
    "update": "put",
    "partial_update": "patch",
    "destroy": "delete",
}


def crud_machine(
    router: BaseRouter,
    prefix: str,
    *,
    url_namespace: str | None = None,
    actors: Sequence[Actor] = DEFAULT_ACTORS,
    fields: Mapping[str, SearchStrategy[Any]] | None = None,
    max_pages: int = 100,
) -> type[CRUDMachine]:
    """A state machine for the viewset ``router`` registered at ``prefix``.

    Rules, for each action the viewset has (``create`` and ``retrieve`` are required), each
    sent as one of ``actors`` (drawn per step; by default an owner, another user, a staff user
    and an anonymous user):

    * ``create``: POST a payload drawn with ``strategies.from_serializer`` from the viewset's
      create serializer; a 2xx answer adds the object to the machine's bundle;
    * ``list``: GET every page (following DRF pagination's ``next`` links);
    * ``retrieve``, ``update`` (PUT, a full payload), ``partial_update`` (PATCH, a partial
      one) and ``destroy`` on objects of the bundle.

    Invariants (a broken one raises ``StatefulInvariantError`` naming it): a created object
    is retrievable and shows what the create response showed; after an update or a partial
    update, retrieve shows each sent writable field as the serializer renders what it parsed,
    and every other writable field unchanged (a full update may reset fields with a default to
    it); after a destroy, retrieve answers 404 and the list no longer holds the object; the list
    holds every live object its user made, as retrieve shows it when both use one serializer
    class; a request answered 4xx changes nothing (and a 404 to the object's creator is a
    failure while the object lives); no request is answered 5xx. Reads that check an invariant
    are sent as the object's creator.

    ``fields`` overrides the strategies of single writable fields by name (as
    ``from_serializer``'s keyword arguments); ``url_namespace`` is the namespace the router's
    URLs are included under. The class is named after the viewset's basename
    (``article`` -> ``ArticleCRUD``).
    """
    registered = {entry[0]: entry for entry in router.registry}
    if prefix not in registered:
        raise LookupError(
            f"crud_machine(): nothing is registered at {prefix!r} on this router; registered "
            f"prefixes: {sorted(registered)}"
        )
    _, viewset, basename = registered[prefix]
    endpoint = Endpoint.of(viewset, prefix, basename, url_namespace)
    missing = {"create", "retrieve"} - endpoint.actions
    if missing:
        raise TypeError(
            f"crud_machine(): {viewset.__name__} has no {' or '.join(sorted(missing))} action; "
            "a CRUD machine creates objects and reads them back"
        )
    actors = tuple(actors)
    if not actors or len({actor.name for actor in actors}) != len(actors):
        raise ValueError("crud_machine(): actors must be one or more Actors with distinct names")
    overrides = dict(fields or {})
    roles = st.sampled_from([actor.name for actor in actors])
    objects: Bundle[CRUDObject] = Bundle(_identifier(basename))

    def payloads(action: str) -> SearchStrategy[dict[str, Any]]:
        def build() -> SearchStrategy[dict[str, Any]]:
            serializer = endpoint.serializer(action)
            writable = writable_fields(serializer)
            chosen = {name: strategy for name, strategy in overrides.items() if name in writable}
            draw: Any = from_serializer
            strategy: SearchStrategy[dict[str, Any]] = draw(
                serializer, partial=action == "partial_update", **chosen
            )
            return strategy

        return st.deferred(build)

    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": f"CRUD state machine of {viewset.__name__} at {prefix!r}.",
        "endpoint": endpoint,
        "actors": actors,
        "max_pages": max_pages,
        "crud_arguments": {
            "router": router,
            "prefix": prefix,
            "url_namespace": url_namespace,
            "actors": actors,
            "fields": fields,
            "max_pages": max_pages,
        },
        "create": rule(target=objects, as_user=roles, payload=payloads("create"))(
            _named(CRUDMachine._create, "create")
        ),
        "retrieve": rule(as_user=roles, obj=objects)(_named(CRUDMachine._retrieve, "retrieve")),
    }
    if "list" in endpoint.actions:
        # Only once there is something to list: an empty start teaches nothing.
        namespace["list"] = precondition(_has_objects)(
            rule(as_user=roles)(_named(CRUDMachine._list, "list"))
        )
    if "update" in endpoint.actions:
        namespace["update"] = rule(as_user=roles, obj=objects, payload=payloads("update"))(
            _named(CRUDMachine._update, "update")
        )
    if "partial_update" in endpoint.actions:
        namespace["partial_update"] = rule(
            as_user=roles, obj=objects, payload=payloads("partial_update")
        )(_named(CRUDMachine._partial_update, "partial_update"))
    if "destroy" in endpoint.actions:
        namespace["destroy"] = rule(target=objects, as_user=roles, obj=consumes(objects))(
            _named(CRUDMachine._destroy, "destroy")
        )
    name = _class_name(basename)
    namespace["__qualname__"] = name
    made: type[CRUDMachine] = type(name, (CRUDMachine,), namespace)
    return made


def _has_objects(machine: CRUDMachine) -> bool:
    return bool(machine._live or machine._destroyed)


def _named(
    rule_body: Callable[..., Coroutine[Any, Any, Any]], name: str
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """``rule_body`` under the name steps are printed with (``state.create(...)``)."""

    @functools.wraps(rule_body)
    async def step(*args: Any, **kwargs: Any) -> Any:
        return await rule_body(*args, **kwargs)

    step.__name__ = name
    step.__qualname__ = f"CRUDMachine.{name}"
    return step


def _identifier(basename: str) -> str:
    name = re.sub(r"\W+", "_", basename).strip("_").lower() or "object"
    return f"_{name}" if name[0].isdigit() else name


def _class_name(basename: str) -> str:
    words = re.split(r"[\W_]+", basename)
    name = "".join(word[:1].upper() + word[1:] for word in words if word) or "Object"
    return f"{'_' if name[0].isdigit() else ''}{name}CRUD"


def _shorten(content: bytes, limit: int = 300) -> str:
    text = content.decode("utf-8", "replace")
    return text if len(text) <= limit else text[:limit] + "..."


def _differences(expected: Mapping[str, Any], shown: Mapping[str, Any]) -> str:
    keys = sorted(set(expected) | set(shown))
    parts = [
        f"{key!r}: expected {expected.get(key, '<absent>')!r}, got {shown.get(key, '<absent>')!r}"
        for key in keys
        if expected.get(key, _ABSENT) != shown.get(key, _ABSENT)
    ]
    return "; ".join(parts) or "the same fields in another form"


_ABSENT = object()
