"""A router-registered viewset as a CRUD machine sees it: routes, serializers, lookups.

Serializers come from the viewset itself (``get_serializer()`` for the action), so per-action
``get_serializer_class`` overrides are honoured; URLs are reversed from the router's route
names (``{basename}-list``, ``{basename}-detail``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

from django.db.models import Model
from django.urls import NoReverseMatch, resolve, reverse
from rest_framework import fields as drf_fields
from rest_framework.relations import ManyRelatedField
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer
from rest_framework.viewsets import ViewSetMixin

from restflow_testing.factory import AsyncAPIRequestFactory
from restflow_testing.strategies._serializers import writable_fields

CRUD_ACTIONS = ("create", "list", "retrieve", "update", "partial_update", "destroy")


@dataclass(frozen=True)
class Endpoint:
    """One router registration: ``prefix`` served by ``viewset`` under ``basename``."""

    viewset: type[ViewSetMixin]
    prefix: str
    basename: str
    url_namespace: str | None = None
    actions: frozenset[str] = field(default=frozenset())

    @classmethod
    def of(
        cls, viewset: type[ViewSetMixin], prefix: str, basename: str, url_namespace: str | None
    ) -> Endpoint:
        actions = frozenset(action for action in CRUD_ACTIONS if hasattr(viewset, action))
        return cls(viewset, prefix, basename, url_namespace, actions)

    # -- routes -----------------------------------------------------------------------------

    def _route(self, suffix: str) -> str:
        name = f"{self.basename}-{suffix}"
        return f"{self.url_namespace}:{name}" if self.url_namespace else name

    def list_url(self) -> str:
        try:
            return reverse(self._route("list"))
        except NoReverseMatch as error:
            raise LookupError(
                f"crud_machine(): no URL named {self._route('list')!r}: is the router's "
                "urls included in the URLconf, under that namespace (url_namespace=...)?"
            ) from error

    def detail_url(self, key: str) -> str:
        return reverse(self._route("detail"), kwargs={self.lookup_url_kwarg: key})

    @property
    def lookup_field(self) -> str:
        return str(getattr(self.viewset, "lookup_field", "pk"))

    @property
    def lookup_url_kwarg(self) -> str:
        return str(getattr(self.viewset, "lookup_url_kwarg", None) or self.lookup_field)

    # -- serializers ------------------------------------------------------------------------

    def serializer(self, action: str) -> BaseSerializer[Any]:
        """The serializer the viewset uses for ``action``, with the context it gets (a
        request as an anonymous user); made once per endpoint and action (it is only read:
        its fields parse and render values, payloads are drawn from copies)."""
        return _serializer(self, action)

    def _make_serializer(self, action: str) -> BaseSerializer[Any]:
        request = Request(AsyncAPIRequestFactory().get("/"))
        make: Any = self.viewset
        view: Any = make(
            action=action, basename=self.basename, detail=action not in ("create", "list")
        )
        view.request = request
        view.args = ()
        view.kwargs = {}
        view.format_kwarg = None
        serializer: BaseSerializer[Any] = view.get_serializer()
        return serializer

    def serializer_class(self, action: str) -> type[BaseSerializer[Any]]:
        return type(self.serializer(action))

    def model(self) -> type[Model] | None:
        queryset = getattr(self.viewset, "queryset", None)
        if queryset is not None:
            return cast("type[Model]", queryset.model)
        meta = getattr(self.serializer_class("retrieve"), "Meta", None)
        return getattr(meta, "model", None)

    # -- objects ----------------------------------------------------------------------------

    def key_of(self, representation: Mapping[str, Any]) -> str:
        """The lookup value of the object ``representation`` shows (its URL keyword)."""
        name = self.lookup_field
        if name == "pk":
            model = self.model()
            name = model._meta.pk.name if model is not None and model._meta.pk else "id"
            if name not in representation and "pk" in representation:
                name = "pk"
        if name in representation:
            return str(representation[name])
        url = representation.get("url")
        if isinstance(url, str):
            kwargs = resolve(urlsplit(url).path).kwargs
            if self.lookup_url_kwarg in kwargs:
                return str(kwargs[self.lookup_url_kwarg])
        raise LookupError(
            f"crud_machine(): {self.viewset.__name__}'s representations hold neither its "
            f"lookup field {name!r} nor a 'url': add one of them to the serializer's fields, so "
            "the machine can tell which object a response shows (got keys "
            f"{sorted(representation)})"
        )


@functools.cache
def _serializer(endpoint: Endpoint, action: str) -> BaseSerializer[Any]:
    return endpoint._make_serializer(action)


def expected_after_write(
    serializer: BaseSerializer[Any], sent: Mapping[str, Any], *, partial: bool
) -> dict[str, Any]:
    """What a representation should show for each field a write set: each sent writable field
    as the serializer would render what it parsed, and (for a full update) each unsent field
    with a default as that default. Sync code (relations query): run it on the test's thread.
    Fields whose value cannot be parsed back on its own are left out."""
    expected: dict[str, Any] = {}
    for name, writable in writable_fields(serializer).items():
        if writable.write_only:
            continue
        try:
            if name in sent:
                value = sent[name]
                shown = (
                    None
                    if value is None
                    else writable.to_representation(writable.to_internal_value(value))
                )
            elif not partial and writable.default is not drf_fields.empty:
                shown = writable.to_representation(writable.get_default())
            else:
                continue
        except Exception:
            continue
        rendered = as_json(shown)
        if isinstance(writable, ManyRelatedField) and isinstance(shown, list):
            rendered = AnyOrder(rendered)
        expected[name] = rendered
    return expected


class AnyOrder(list[Any]):
    """The expected value of a many-related field: equal to a list of the same items in any
    order, since the database need not keep the order the client sent them in."""

    __hash__ = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list):
            return False
        return sorted(map(repr, self)) == sorted(map(repr, cast("list[object]", other)))

    def __ne__(self, other: object) -> bool:
        return not self == other


def unchanged_fields(
    serializer: BaseSerializer[Any], sent: Mapping[str, Any], *, partial: bool
) -> list[str]:
    """The writable fields a write must leave alone: not sent, and (full update) no default."""
    names: list[str] = []
    for name, writable in writable_fields(serializer).items():
        if name in sent or writable.write_only:
            continue
        if not partial and writable.default is not drf_fields.empty:
            continue
        names.append(name)
    return names


def as_json(value: object) -> Any:
    """``value`` as a JSON response shows it (DRF's encoder: decimals, dates, UUIDs...)."""
    return json.loads(JSONRenderer().render(value))
