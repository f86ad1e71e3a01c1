"""What the client and the factory share: turning a verb's arguments into one request.

Both encode bodies the DRF way (``encode_data()``, with the class's
``default_format`` and ``renderer_classes_list``) and read the query of ``GET``, ``HEAD`` and
``TRACE`` from ``data``; the client then sends the request, the factory hands it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings

from restflow_testing._asgi_scope import QueryData, URLPath, query_string, request_scope
from restflow_testing.encoding import RawBody, encode_data

if TYPE_CHECKING:
    from json import JSONEncoder

    from rest_framework.renderers import BaseRenderer


class VerbRequest(NamedTuple):
    """What one call of a verb method asks for, before the defaults, credentials and cookies of
    the client or factory are added."""

    method: str
    path: URLPath
    body: bytes
    content_type: str | None
    secure: bool
    headers: Mapping[str, str] | None
    query_params: QueryData | None
    query_string: str | None
    extra: Mapping[str, Any]

    def scope(self) -> dict[str, Any]:
        """The per-request part of the ASGI scope."""
        return request_scope(*self)


class APIRequestEncoding:
    """The request encoding of [`AsyncAPIClient`][restflow_testing.client.AsyncAPIClient] and
    [`AsyncAPIRequestFactory`][restflow_testing.factory.AsyncAPIRequestFactory], as DRF's
    ``APIRequestFactory`` has it."""

    default_format: str | None = None
    """The format used when a request passes none; ``None``: ``TEST_REQUEST_DEFAULT_FORMAT``."""

    renderer_classes_list: Sequence[type[BaseRenderer]] | None = None
    """Renderers that provide formats; ``None``: ``TEST_REQUEST_RENDERER_CLASSES``."""

    json_encoder: type[JSONEncoder]
    """What encodes a mapping or list sent with a JSON ``content_type=`` (Django's client's
    ``json_encoder`` argument; ``DjangoJSONEncoder`` by default). ``format="json"`` uses the
    JSON renderer's own encoder, as DRF's client does."""

    def _with_body(
        self,
        method: str,
        path: URLPath,
        data: object,
        format: str | None,
        content_type: str | None,
        secure: bool,
        headers: Mapping[str, str] | None,
        query_params: QueryData | None,
        extra: Mapping[str, Any],
    ) -> VerbRequest:
        """A request whose ``data`` is its body, rendered by ``format`` or raw with
        ``content_type`` (``POST``, ``PUT``, ``PATCH``, ``DELETE``, ``OPTIONS``)."""
        body, encoded_type = encode_data(
            data,
            format,
            content_type,
            default_format=self.default_format,
            renderer_classes=self.renderer_classes_list,
            json_encoder=self.json_encoder,
        )
        return VerbRequest(
            method, path, body, encoded_type, secure, headers, query_params, None, extra
        )

    @staticmethod
    def _with_query(
        method: str,
        path: URLPath,
        data: QueryData | None,
        secure: bool,
        headers: Mapping[str, str] | None,
        query_params: QueryData | None,
        extra: Mapping[str, Any],
    ) -> VerbRequest:
        """A request whose ``data`` is its query string (``GET``, ``HEAD``, ``TRACE``)."""
        query = query_string(data, query_params)
        return VerbRequest(method, path, b"", None, secure, headers, query_params, query, extra)

    @staticmethod
    def _with_raw_body(
        method: str,
        path: URLPath,
        data: RawBody,
        content_type: str | None,
        secure: bool,
        headers: Mapping[str, str] | None,
        query_params: QueryData | None,
        extra: Mapping[str, Any],
    ) -> VerbRequest:
        """A request of any method with ``data`` as its raw body (``generic``)."""
        body = data.encode(settings.DEFAULT_CHARSET) if isinstance(data, str) else data
        return VerbRequest(
            method.upper(),
            path,
            body,
            content_type if body else None,
            secure,
            headers,
            query_params,
            None,
            extra,
        )
