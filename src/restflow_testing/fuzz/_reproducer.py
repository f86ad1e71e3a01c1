"""Reproducers: a failure as an ``AsyncAPITestCase`` test method to paste into a suite.

The method makes the users and rows the run made (through the API or the ORM, as the run did),
sends the shrunk request, and asserts what the failed check expects.
"""

from __future__ import annotations

import pprint
import re
from collections.abc import Mapping, Sequence
from typing import Any, cast
from urllib.parse import quote

from django.apps import apps
from django.db import models

from restflow_testing.fuzz._discovery import Endpoint
from restflow_testing.fuzz._generation import FuzzCase
from restflow_testing.fuzz._rows import Row, model_serializer, writable_relations
from restflow_testing.fuzz._users import FuzzUsers, UserKind

_INDENT = "    "


def reproducer(
    endpoint: Endpoint,
    case: FuzzCase,
    check: str,
    message: str,
    *,
    seed: int,
    users: FuzzUsers,
    rows: Sequence[Row],
    changed_tables: Sequence[str] = (),
    allowed: set[int] | None = None,
) -> str:
    """The test method reproducing ``case``'s failure of ``check``."""
    lines: list[str] = []
    name = (
        re.sub(r"\W+", "_", f"test_{check}_{endpoint.method}_{endpoint.route}").strip("_").lower()
    )
    lines.append(f"async def {name}(self) -> None:")
    body: list[str] = [
        f'"""{check} on {endpoint.id}: {_one_line(message)}',
        "",
        f"Found by restflow_testing.fuzz with seed {seed}; replay the run with",
        f"python -m restflow_testing fuzz --seed {seed} --include '^{_escape(endpoint.id)}$'",
        '"""',
    ]
    imports = {"from django.contrib.auth import get_user_model"}
    body.append("User = get_user_model()")
    needed = _users_needed(case, rows)
    for kind in needed:
        fields = ", ".join(f"{key}={value!r}" for key, value in users.fields[kind].items())
        body.append(f"{kind} = await User._default_manager.acreate({fields})")
    if case.user == "token":
        imports.add("from rest_framework.authtoken.models import Token")
        body.append("token = await Token.objects.acreate(user=regular)")
    variables = {(row.model._meta.label, row.pk): row.variable for row in rows}
    for kind, user in users.by_kind.items():
        variables[(user._meta.label, user.pk)] = kind
    for row in rows:
        imports.add(f"from {row.model.__module__} import {row.model.__name__}")
        body.extend(_make_row(row, variables))
    tables = _models_of(changed_tables)
    for model in tables:
        imports.add(f"from {model.__module__} import {model.__name__}")
        body.append(f"{_snapshot_name(model)} = {_snapshot(model)}")
    body.append(_authenticate(case.user))
    body.append(f"response = {_request(endpoint, case, variables)}")
    body.extend(_assertion(endpoint, check, tables, allowed))
    lines.extend(_INDENT + line if line else "" for line in body)
    header = ["# " + line for line in sorted(imports)]
    return "\n".join([*header, *lines])


def _escape(text: str) -> str:
    """``text`` as a regular expression matching itself (``{name}`` placeholders and spaces
    stay readable: Python's ``re`` takes them literally)."""
    return re.sub(r"([.^$*+?()\[\]|\\])", r"\\\1", text)


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace('"""', "'''")


def _users_needed(case: FuzzCase, rows: Sequence[Row]) -> list[UserKind]:
    wanted: set[UserKind] = {"regular"} if case.user == "token" else set()
    if case.user != "anonymous" and case.user != "token":
        wanted.add(case.user)
    for row in rows:
        if row.user is not None:
            wanted.add(row.user)
        if row.via == "orm":
            wanted.update(("regular", "staff", "superuser"))
    order: tuple[UserKind, ...] = ("regular", "staff", "superuser")
    return [kind for kind in order if kind in wanted]


def _authenticate(kind: UserKind) -> str:
    if kind == "anonymous":
        return "self.client.logout()"
    if kind == "token":
        return 'self.client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")'
    return f"self.client.force_authenticate({kind})"


def _make_row(row: Row, variables: Mapping[tuple[str, Any], str]) -> list[str]:
    model = row.model.__name__
    if row.via == "api":
        payload = _with_relations(
            row.payload, writable_relations(model_serializer(row.model)), variables
        )
        return [
            _authenticate(row.user or "superuser"),
            f"await self.client.post({row.path!r}, {payload}, format={row.format!r})",
            f"{row.variable} = await {model}._default_manager.alatest('pk')",
        ]
    values: dict[str, str] = {}
    later: list[str] = []
    for key, value in row.payload.items():
        try:
            model_field = row.model._meta.get_field(key)
        except Exception:
            continue
        if isinstance(model_field, models.ManyToManyField):
            items = ", ".join(_row_variable(model_field.related_model, v, variables) for v in value)
            later.append(f"await {row.variable}.{key}.aset([{items}])")
        elif isinstance(model_field, models.ForeignKey):
            values[key] = _row_variable(model_field.related_model, value, variables)
        else:
            values[key] = repr(value)
    arguments = ", ".join(f"{key}={value}" for key, value in values.items())
    return [f"{row.variable} = await {model}._default_manager.acreate({arguments})", *later]


def _row_variable(model: Any, pk: object, variables: Mapping[tuple[str, Any], str]) -> str:
    variable = variables.get((model._meta.label, _as_pk(pk)))
    return variable if variable is not None else f"{model.__name__}._default_manager.get(pk={pk!r})"


def _request(endpoint: Endpoint, case: FuzzCase, variables: Mapping[tuple[str, Any], str]) -> str:
    path = repr(case.path)
    if case.target is not None and endpoint.lookup_url_kwarg:
        attribute = "pk" if endpoint.lookup_field in (None, "pk") else endpoint.lookup_field
        placeholder = "{" + case.target.variable + "." + str(attribute) + "}"
        template = endpoint.route
        for name, value in case.values.items():
            text = placeholder if name == endpoint.lookup_url_kwarg else quote(value, safe="")
            template = template.replace("{" + name + "}", text)
        path = "f" + repr(template)
    method = case.method.lower()
    arguments = [path]
    if case.body_kind != "none":
        relations = writable_relations(endpoint.request_serializer)
        body = _with_relations(case.body, relations, variables)
        arguments.append(body)
        arguments.append(f"format={case.format!r}")
    if case.query:
        arguments.append(f"query_params={dict(case.query)!r}")
    return f"await self.client.{method}({', '.join(arguments)})"


def _with_relations(
    body: object, relations: Mapping[str, Any], variables: Mapping[tuple[str, Any], str]
) -> str:
    shown = body  # as drawn, for the literal
    if not isinstance(body, dict) or not relations:
        return _literal(shown, {})
    fields = cast("dict[str, object]", body)
    replaced: dict[str, str] = {}
    for key, model in relations.items():
        value = fields.get(key)
        if isinstance(value, list):
            values = cast("list[object]", value)
            items = [_pk_expression(model, item, variables) for item in values]
            if any(item is not None for item in items):
                texts = [
                    text if text is not None else repr(item)
                    for text, item in zip(items, values, strict=True)
                ]
                replaced[key] = "[" + ", ".join(texts) + "]"
        elif (text := _pk_expression(model, value, variables)) is not None:
            replaced[key] = text
    return _literal(fields, replaced)


def _pk_expression(
    model: Any, value: object, variables: Mapping[tuple[str, Any], str]
) -> str | None:
    try:
        variable = variables.get((model._meta.label, _as_pk(value)))
    except TypeError:  # not a primary key at all (an invalid body)
        return None
    return None if variable is None else f"{variable}.pk"


def _as_pk(value: object) -> object:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _literal(body: object, replaced: Mapping[str, str]) -> str:
    shown = body  # as drawn, for the literal
    if not isinstance(body, dict) or not replaced:
        return pprint.pformat(shown, width=88, sort_dicts=False)
    fields = cast("dict[str, object]", body)
    items = [
        f"{key!r}: {replaced[key] if key in replaced else repr(value)}"
        for key, value in fields.items()
    ]
    return "{" + ", ".join(items) + "}"


def _models_of(tables: Sequence[str]) -> list[type[models.Model]]:
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    return [by_table[table] for table in tables if table in by_table]


def _snapshot_name(model: type[models.Model]) -> str:
    return f"{model._meta.model_name}_rows"


def _snapshot(model: type[models.Model]) -> str:
    return f"[row async for row in {model.__name__}._default_manager.order_by('pk').values()]"


def _assertion(
    endpoint: Endpoint, check: str, tables: Sequence[type[models.Model]], allowed: set[int] | None
) -> list[str]:
    if check == "server_error":
        return ["self.assertLess(response.status_code, 500)"]
    if check == "response_schema":
        many = endpoint.action == "list"
        serializer = endpoint.response_serializer
        name = "" if serializer is None else serializer.__name__
        return [
            f"# from {'' if serializer is None else serializer.__module__} import {name}",
            "# from restflow_testing.fuzz import assert_representation",
            f"assert_representation(response.json(), {name}, many={many})",
        ]
    if check == "status_code":
        statuses = sorted(s for s in (allowed or set()) if not 200 <= s < 300)
        return [
            "self.assertTrue(response.status_code < 300 or "
            f"response.status_code in {set(statuses)!r})"
        ]
    if check == "invalid_accepted":
        return ["self.assertEqual(response.status_code, 400)"]
    if check == "rejected_write":
        return [
            f"self.assertEqual({_snapshot(model)}, {_snapshot_name(model)})" for model in tables
        ] or ["# the rows it changed are in tables no model of the project maps"]
    if check == "auth_bypass":
        return ["self.assertIn(response.status_code, {401, 403, 404})"]
    return []
