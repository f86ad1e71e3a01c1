"""ASGI scopes from the arguments test code passes: WSGI-style keys, ``headers=`` and defaults.

Django's ``AsyncClient`` turns every extra keyword into a header named after the key, so
``HTTP_AUTHORIZATION=...`` arrives as ``HTTP_HTTP_AUTHORIZATION`` and ``HTTP_HOST`` defaults
are lost. Here each key means what it means in a WSGI environ:

- ``HTTP_<NAME>``: the request header ``<name>`` (``HTTP_HOST`` replaces ``testserver``);
- ``CONTENT_TYPE`` / ``CONTENT_LENGTH``: those headers;
- ``QUERY_STRING``, ``SERVER_NAME``, ``SERVER_PORT``, ``REMOTE_ADDR``, ``REMOTE_PORT``,
  ``SCRIPT_NAME``, ``wsgi.url_scheme``: the matching parts of the ASGI scope;
- other upper-case CGI variables (``REMOTE_USER``, ``AUTH_TYPE``...) and other ``wsgi.*``
  keys: set on ``request.META`` as given;
- anything else (``ACCEPT=...``, ``x_tenant=...``), as Django's async client documents: the
  header named by the key, lower-cased with ``_`` turned into ``-``.

Headers are keyed by name, so a header given twice (a default, a credential, a per-request
value) is sent once, with the most specific value: per request over credentials over
defaults, and ``headers=`` over keyword extras.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http.cookies import SimpleCookie
from typing import Any, Final, TypeAlias, cast
from urllib.parse import unquote, urlsplit

from django.test.client import FakePayload
from django.utils.functional import Promise
from django.utils.http import urlencode

META_KEY: Final = "_restflow_testing_meta"
"""Scope key carrying ``request.META`` entries that have no ASGI counterpart."""

Headers = dict[bytes, bytes]

URLPath: TypeAlias = "str | Promise"
"""A request path, possibly with a query string; ``reverse_lazy()`` results work too."""

QueryData: TypeAlias = "Mapping[str, object] | Sequence[tuple[str, object]]"
"""Query parameters: a mapping (sequence values repeat the key) or ``(key, value)`` pairs."""

_SERVER: Final = ("testserver", "80")
_CLIENT: Final = ("127.0.0.1", 0)

_CGI_META: Final = frozenset(
    {
        "AUTH_TYPE",
        "GATEWAY_INTERFACE",
        "PATH_TRANSLATED",
        "REMOTE_HOST",
        "REMOTE_IDENT",
        "REMOTE_USER",
        "SERVER_PROTOCOL",
        "SERVER_SOFTWARE",
        "PATH_INFO",
        "REQUEST_METHOD",
    }
)


def _latin1(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else str(value)).encode("latin1")


def header_name(key: str) -> bytes | None:
    """The ASGI header name a WSGI-style ``key`` stands for, or ``None`` when it is not a header."""
    if key.startswith("HTTP_"):
        return key[5:].lower().replace("_", "-").encode("latin1")
    if key == "CONTENT_TYPE":
        return b"content-type"
    if key == "CONTENT_LENGTH":
        return b"content-length"
    return None


def credential_headers(credentials: Mapping[str, object]) -> Headers:
    """Headers from ``credentials()`` keys, which must start with ``HTTP_`` or ``CONTENT_``."""
    converted: Headers = {}
    for key, value in credentials.items():
        name = header_name(key) if key.startswith(("HTTP_", "CONTENT_")) else None
        if name is None:
            raise ValueError(
                f"credentials() key {key!r} is not a request header: keys must start with "
                "'HTTP_' (for example HTTP_AUTHORIZATION='Token abc') or 'CONTENT_' "
                "(CONTENT_TYPE, CONTENT_LENGTH), as in a WSGI environ."
            )
        converted[name] = _latin1(value)
    return converted


def header_mapping(headers: Mapping[str, str]) -> Headers:
    """Headers from Django's ``headers={"Authorization": ...}`` argument (HTTP names)."""
    converted: Headers = {}
    for name, value in headers.items():
        if "_" in name:
            raise ValueError(
                f"Header name {name!r} contains '_': ASGI servers and Django drop such "
                "headers. Write it with '-' (for example 'X-Api-Key'), or pass the "
                "WSGI-style keyword HTTP_X_API_KEY=... instead of headers=."
            )
        converted[name.lower().encode("latin1")] = _latin1(value)
    return converted


def apply_extra(
    extra: Mapping[str, object], headers: Headers, scope: dict[str, Any], meta: dict[str, Any]
) -> None:
    """Sort WSGI-style ``extra`` keys into ``headers``, ``scope`` parts and ``meta``."""
    for key, value in extra.items():
        name = header_name(key)
        if name is not None:
            headers[name] = _latin1(value)
        elif key == "QUERY_STRING":
            scope["query_string"] = value
        elif key == "SERVER_NAME":
            scope["server"] = (value, scope["server"][1])
        elif key == "SERVER_PORT":
            scope["server"] = (scope["server"][0], str(value))
        elif key == "REMOTE_ADDR":
            scope["client"] = (value, scope["client"][1])
        elif key == "REMOTE_PORT":
            scope["client"] = (scope["client"][0], int(str(value)))
        elif key == "wsgi.url_scheme":
            scope["scheme"] = value
        elif key == "SCRIPT_NAME":
            scope["root_path"] = value
        elif key in _CGI_META or key.startswith("wsgi."):
            meta[key] = value
        else:
            headers[key.lower().replace("_", "-").encode("latin1")] = _latin1(value)


def request_scope(
    method: str,
    path: object,
    body: bytes,
    content_type: str | None,
    secure: bool,
    headers: Mapping[str, str] | None,
    query_params: QueryData | None,
    query_string: str | None,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """The per-request part of a scope: what one call of a verb method asks for.

    Client-wide defaults and credentials are merged later by :func:`assemble`.
    """
    parsed = urlsplit(str(path))
    scope: dict[str, Any] = {"method": method, "path": unquote(parsed.path)}
    request_headers: Headers = {}
    if body:
        request_headers[b"content-length"] = str(len(body)).encode("ascii")
        scope["_body_file"] = FakePayload(body)
    if content_type is not None:
        request_headers[b"content-type"] = content_type.encode("latin1")
    if secure:
        scope["scheme"] = "https"
        scope["server"] = ("testserver", "443")
    if extra:
        base_server = scope.get("server", _SERVER)
        parts: dict[str, Any] = {"server": base_server, "client": _CLIENT}
        meta: dict[str, Any] = {}
        apply_extra(extra, request_headers, parts, meta)
        for key, value in parts.items():
            if value is not base_server and value is not _CLIENT:
                scope[key] = value
        if meta:
            scope[META_KEY] = meta
    if headers:
        request_headers.update(header_mapping(headers))
    if query_params:
        scope["query_string"] = urlencode(cast("Any", query_params), doseq=True)
    elif query_string:
        scope["query_string"] = query_string
    elif "query_string" not in scope and parsed.query:
        scope["query_string"] = parsed.query
    scope["headers"] = request_headers
    return scope


def assemble(
    request: dict[str, Any],
    defaults: Mapping[str, object],
    credentials: Headers,
    cookie_header: bytes | None,
) -> dict[str, Any]:
    """The full ASGI scope: base values, then ``defaults``, ``credentials``, then ``request``.

    ``request`` holds scope keys (as Django's ``AsyncClient.request(**request)`` takes them);
    its ``headers`` may be a name-to-value dict or an ASGI list of pairs.
    """
    headers: Headers = {b"host": b"testserver"}
    scope: dict[str, Any] = {
        "asgi": {"version": "3.0"},
        "type": "http",
        "http_version": "1.1",
        "client": _CLIENT,
        "server": _SERVER,
        "scheme": "http",
        "method": "GET",
        "path": "/",
        "query_string": "",
    }
    meta: dict[str, Any] | None = None
    if defaults:
        meta = {}
        apply_extra(defaults, headers, scope, meta)
    if credentials:
        headers.update(credentials)
    request_headers = request.pop("headers", None)
    request_meta = request.pop(META_KEY, None)
    scope.update(request)
    if request_headers:
        if isinstance(request_headers, dict):
            headers.update(cast("Headers", request_headers))
        else:
            for name, value in cast("list[tuple[bytes | str, bytes | str]]", request_headers):
                headers[_latin1(name).lower()] = _latin1(value)
    if request_meta:
        meta = {**meta, **request_meta} if meta else request_meta
    if meta:
        scope[META_KEY] = meta
    if cookie_header:
        existing = headers.get(b"cookie")
        headers[b"cookie"] = existing + b"; " + cookie_header if existing else cookie_header
    scope["headers"] = list(headers.items())
    return scope


def wsgi_names(scope: Mapping[str, Any]) -> dict[str, str]:
    """What a sent ``scope`` asked for, under the WSGI names Django's sync client records its
    requests by (``assertRedirects`` and tests written for that client read them)."""
    query = scope["query_string"]
    host, port = scope["server"]
    return {
        "PATH_INFO": scope["path"],
        "REQUEST_METHOD": scope["method"],
        "QUERY_STRING": query.decode("latin1") if isinstance(query, bytes) else str(query),
        "SERVER_NAME": str(host),
        "SERVER_PORT": str(port),
        "wsgi.url_scheme": scope["scheme"],
    }


def query_string(data: QueryData | None, query_params: QueryData | None) -> str | None:
    """The query string of a GET-like request whose ``data`` is its query."""
    if data and query_params:
        raise ValueError(
            "query_params and data arguments are mutually exclusive. For GET, HEAD and TRACE "
            "requests data is the query string: pass the query as one of them."
        )
    return urlencode(cast("Any", data), doseq=True) if data else None


def cookie_header(cookies: SimpleCookie) -> bytes | None:
    """The ``Cookie`` header for a client's cookie jar, ``None`` when it is empty."""
    if not cookies:
        return None
    return b"; ".join(sorted(f"{m.key}={m.coded_value}".encode("latin1") for m in cookies.values()))


def websocket_scope(http_scope: dict[str, Any], subprotocols: Sequence[str]) -> dict[str, Any]:
    """The WebSocket handshake scope for an assembled HTTP ``GET`` scope (ASGI spec 2.4): the
    same path, headers (with the upgrade headers a browser sends), client and server, a
    ``ws``/``wss`` scheme, and the query string as bytes, as servers send it."""
    query = http_scope["query_string"]
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "wss" if http_scope["scheme"] == "https" else "ws",
        "path": http_scope["path"],
        "query_string": query if isinstance(query, bytes) else str(query).encode("latin1"),
        "root_path": http_scope.get("root_path", ""),
        "client": http_scope["client"],
        "server": http_scope["server"],
        "subprotocols": list(subprotocols),
        "state": {},
    }
    headers: list[tuple[bytes, bytes]] = [*http_scope["headers"], *_UPGRADE_HEADERS]
    if subprotocols:
        headers.append((b"sec-websocket-protocol", ", ".join(subprotocols).encode("latin1")))
    scope["headers"] = headers
    return scope


_UPGRADE_HEADERS: Final = (
    (b"connection", b"Upgrade"),
    (b"upgrade", b"websocket"),
    (b"sec-websocket-version", b"13"),
)
