"""Rows for detail routes and relations to point at, made before a route's examples run.

A row of a model is made through the API where a route creates that model (``POST`` to a
viewset's or generic view's create action, as the regular user and failing that as the
superuser), else through a ``ModelSerializer`` of the model; its payload is drawn with the
serializer strategies. Models the payload relates to get rows first. Every row is recorded, so a
reproducer can make it again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any, Literal

from django.db import models
from hypothesis import find
from rest_framework import serializers
from rest_framework.fields import FileField

from restflow_testing.fuzz._discovery import Endpoint
from restflow_testing.fuzz._searches import ONE_DRAW
from restflow_testing.fuzz._users import FuzzUsers, UserKind

ROWS_PER_MODEL = 2


@dataclass(frozen=True)
class Row:
    """One row made for the run: how, by whom, and the values it was made with."""

    model: type[models.Model]
    pk: Any
    variable: str
    via: Literal["api", "orm"]
    user: UserKind | None = None
    path: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict[str, Any])
    format: str = "json"

    def lookup(self, lookup_field: str) -> str:
        """The value of ``lookup_field`` of this row, as a URL holds it."""
        instance = self.model._default_manager.get(pk=self.pk)
        value = getattr(instance, "pk" if lookup_field == "pk" else lookup_field)
        return str(getattr(value, "pk", value))


@dataclass
class Rows:
    """The rows of one run, by model; ``ensure`` makes them on first need."""

    endpoints: Sequence[Endpoint]
    users: FuzzUsers
    send: Callable[[UserKind, str, Mapping[str, Any], str], tuple[int, object]]
    random: Random
    made: dict[type[models.Model], list[Row]] = field(default_factory=dict)
    order: list[Row] = field(default_factory=list)
    problems: dict[type[models.Model], str] = field(default_factory=dict)
    _pending: set[type[models.Model]] = field(default_factory=set)

    def ensure(self, model: type[models.Model]) -> list[Row]:
        """Rows of ``model`` (made now if none were); empty when they cannot be made, with the
        reason in ``problems``."""
        if model in self.made:
            return self.made[model]
        if model in self._pending:  # a cycle of required relations
            return []
        self._pending.add(model)
        try:
            rows = self._make(model)
        finally:
            self._pending.discard(model)
        self.made[model] = rows
        return rows

    def populate(self) -> None:
        """Rows of every model some endpoint creates, so lists have items and rows have
        dependants (a book for an author: deleting it must cope with that)."""
        for endpoint in self.endpoints:
            if (
                endpoint.action == "create"
                and endpoint.model is not None
                and not endpoint.path_parameters
            ):
                self.ensure(endpoint.model)

    def ensure_related(self, serializer_class: type[Any] | None) -> None:
        """Rows for every model ``serializer_class``'s writable relations point at."""
        for model in related_models(serializer_class):
            self.ensure(model)

    def variables(self) -> dict[tuple[str, Any], str]:
        """The reproducer's variable of each row, by model label and pk."""
        return {(row.model._meta.label, row.pk): row.variable for row in self.order}

    def _make(self, model: type[models.Model]) -> list[Row]:
        creator = next(
            (
                e
                for e in self.endpoints
                if e.action == "create" and e.model is model and not e.path_parameters
            ),
            None,
        )
        rows: list[Row] = []
        for attempt in range(ROWS_PER_MODEL * 3):
            if len(rows) == ROWS_PER_MODEL:
                break
            owner: UserKind = "regular" if len(rows) == 0 else "superuser"
            try:
                row = (
                    self._through_api(model, creator, owner, len(rows))
                    if creator is not None and attempt < ROWS_PER_MODEL * 2
                    else self._through_orm(model, len(rows))
                )
            except Exception as error:
                self.problems[model] = f"{type(error).__name__}: {error}"
                continue
            if row is not None:
                rows.append(row)
                self.order.append(row)
        return rows

    def _through_api(
        self, model: type[models.Model], creator: Endpoint, owner: UserKind, index: int
    ) -> Row | None:
        payload = self._payload_for(creator.request_serializer)
        form = "multipart" if has_file_fields(creator.request_serializer) else "json"
        before = set(model._default_manager.values_list("pk", flat=True))
        for user in (owner, "superuser"):
            status, _ = self.send(user, creator.route, payload, form)
            if 200 <= status < 300:
                new = set(model._default_manager.values_list("pk", flat=True)) - before
                if len(new) != 1:
                    self.problems[model] = f"{creator.id} answered {status} without one new row"
                    return None
                return Row(
                    model,
                    new.pop(),
                    _variable(model, index),
                    "api",
                    user,
                    creator.route,
                    payload,
                    form,
                )
        self.problems[model] = f"{creator.id} refused every payload drawn for it (last: {status})"
        return None

    def _payload_for(self, serializer: Any) -> dict[str, Any]:
        """One payload ``serializer`` accepts, its related rows made first."""
        from restflow_testing.strategies import from_serializer

        self.ensure_related(serializer)
        payload: dict[str, Any] = find(
            from_serializer(serializer), lambda _: True, settings=ONE_DRAW, random=self.random
        )
        return payload

    def _through_orm(self, model: type[models.Model], index: int) -> Row | None:
        serializer_class = model_serializer(model)
        payload = self._payload_for(serializer_class)
        serializer = serializer_class(data=payload)
        serializer.is_valid(raise_exception=True)
        instance: Any = serializer.save()
        return Row(model, instance.pk, _variable(model, index), "orm", payload=payload)


def model_serializer(model: type[models.Model]) -> type[serializers.ModelSerializer[Any]]:
    """A ``ModelSerializer`` of every field of ``model``."""
    meta = type("Meta", (), {"model": model, "fields": "__all__"})
    made: type[serializers.ModelSerializer[Any]] = type(
        f"{model.__name__}RowSerializer", (serializers.ModelSerializer,), {"Meta": meta}
    )
    return made


def writable_relations(serializer_class: type[Any] | None) -> dict[str, type[models.Model]]:
    """The writable relation fields of ``serializer_class`` and the model each points at."""
    if serializer_class is None:
        return {}
    try:
        fields: Mapping[str, Any] = serializer_class().fields
    except Exception:
        return {}
    out: dict[str, type[models.Model]] = {}
    for name, item in fields.items():
        if item.read_only:
            continue
        relation = getattr(item, "child_relation", item)
        queryset = getattr(relation, "queryset", None)
        model = getattr(queryset, "model", None)
        if isinstance(relation, serializers.RelatedField) and model is not None:
            out[name] = model
    return out


def related_models(serializer_class: type[Any] | None) -> list[type[models.Model]]:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return [m for m in writable_relations(serializer_class).values() if m is not user_model]


def has_file_fields(serializer_class: type[Any] | None) -> bool:
    if serializer_class is None:
        return False
    try:
        fields: Mapping[str, Any] = serializer_class().fields
    except Exception:
        return False
    return any(isinstance(f, FileField) and not f.read_only for f in fields.values())


def _variable(model: type[models.Model], index: int) -> str:
    return f"{model._meta.model_name}_{index + 1}"
