"""The async API request factory: DRF's ``APIRequestFactory`` producing ASGI requests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, cast, overload

from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import LimitedStream
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.test.client import AsyncRequestFactory, FakePayload
from django.utils.http import urlencode

from restflow_testing._asgi_scope import assemble, cookie_header
from restflow_testing._client_handler import apply_meta
from restflow_testing._request_encoding import APIRequestEncoding, VerbRequest
from restflow_testing.client import QueryData, URLPath
from restflow_testing.encoding import (
    CustomFormat,
    JSONData,
    MultipartData,
    RawBody,
)

if TYPE_CHECKING:
    from json import JSONEncoder

    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

__all__ = ["AsyncAPIRequestFactory", "force_authenticate"]


def force_authenticate(
    request: HttpRequest,
    user: AbstractBaseUser | AnonymousUser | None = None,
    token: object = None,
) -> None:
    """Make DRF authenticate ``request`` as ``user`` with ``token`` (``request.auth``),
    bypassing the view's authentication classes, in async and sync views alike."""
    marked: Any = request
    marked._force_auth_user = user
    marked._force_auth_token = token


class AsyncAPIRequestFactory(APIRequestEncoding, AsyncRequestFactory):
    """Builds ``ASGIRequest`` objects for calling a view directly: ``await view(request)``.

    The verbs, their arguments and the body encoding are those of
    [`AsyncAPIClient`][restflow_testing.client.AsyncAPIClient] (without ``follow``): ``post``,
    ``put``, ``patch``, ``delete`` and ``options`` render ``data`` with the format's DRF renderer
    (settings read per request) or send it raw with ``content_type=...``; ``get``, ``head`` and
    ``trace`` send it as the query string. WSGI-style keywords and ``headers=`` work per request and
    as constructor defaults. Each request carries the factory's CSRF choice: exempt from CSRF checks
    unless ``enforce_csrf_checks=True``. Use
    [`force_authenticate()`][restflow_testing.factory.force_authenticate] to authenticate one
    request.
    """

    def __init__(
        self,
        enforce_csrf_checks: bool = False,
        *,
        json_encoder: type[JSONEncoder] = DjangoJSONEncoder,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **defaults: Any,
    ) -> None:
        if query_params:
            defaults["QUERY_STRING"] = urlencode(cast("Any", query_params), doseq=True)
        super().__init__(json_encoder=json_encoder, headers=headers, **defaults)
        self.enforce_csrf_checks = enforce_csrf_checks

    def request(self, **request: Any) -> ASGIRequest:
        """Build a request from ASGI scope keys (``method``, ``path``, ``headers``...) plus the
        factory's defaults and cookies."""
        scope = assemble(request, self.defaults, {}, cookie_header(self.cookies))
        body_file: Any = scope.pop("_body_file", None) or FakePayload(b"")
        stream: Any = LimitedStream(body_file, len(body_file))
        built = ASGIRequest(scope, stream)
        apply_meta(built)
        marked: Any = built
        marked._dont_enforce_csrf_checks = not self.enforce_csrf_checks
        return built

    def _build(self, request: VerbRequest) -> ASGIRequest:
        return self.request(**request.scope())

    def get(  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: QueryData | None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest:
        """Build a GET request; ``data`` (or ``query_params``, not both) is the query string."""
        return self._build(
            self._with_query("GET", path, data, secure, headers, query_params, extra)
        )

    def head(
        self,
        path: URLPath,
        data: QueryData | None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest:
        """Build a HEAD request; ``data`` (or ``query_params``, not both) is the query string."""
        return self._build(
            self._with_query("HEAD", path, data, secure, headers, query_params, extra)
        )

    def trace(  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: QueryData | None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest:
        """Build a TRACE request; ``data`` (or ``query_params``, not both) is the query string."""
        return self._build(
            self._with_query("TRACE", path, data, secure, headers, query_params, extra)
        )

    def generic(
        self,
        method: str,
        path: URLPath,
        data: RawBody = b"",
        content_type: str | None = "application/octet-stream",
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest:
        """Build a request with any method and ``data`` as the raw body."""
        return self._build(
            self._with_raw_body(
                method, path, data, content_type, secure, headers, query_params, extra
            )
        )

    # format="json" or none: data is a JSON value (dates, decimals and UUIDs too)
    @overload  # type: ignore[override]
    def post(
        self,
        path: URLPath,
        data: JSONData = None,
        format: Literal["json"] | None = None,
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # format="multipart", positional or keyword: a flat mapping of fields to values and files
    @overload
    def post(
        self,
        path: URLPath,
        data: MultipartData | None,
        format: Literal["multipart"],
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    @overload
    def post(
        self,
        path: URLPath,
        data: MultipartData | None = None,
        *,
        format: Literal["multipart"],
        content_type: None = None,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # content_type="application/json": a JSON value, encoded as Django's client does
    @overload
    def post(
        self,
        path: URLPath,
        data: JSONData = None,
        format: None = None,
        *,
        content_type: Literal["application/json"],
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # any other content_type: data is the raw body
    @overload
    def post(
        self,
        path: URLPath,
        data: RawBody | None = None,
        format: None = None,
        *,
        content_type: str,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # a CustomFormat, positional or keyword: data as that format's renderer takes it
    @overload
    def post(
        self,
        path: URLPath,
        data: object,
        format: CustomFormat,
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    @overload
    def post(
        self,
        path: URLPath,
        data: object = None,
        *,
        format: CustomFormat,
        content_type: None = None,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    def post(  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: object = None,
        format: str | None = None,
        content_type: str | None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest:
        """Build a POST request; ``data`` is encoded as described in the class docstring."""
        return self._build(
            self._with_body(
                "POST", path, data, format, content_type, secure, headers, query_params, extra
            )
        )

    # format="json" or none: data is a JSON value (dates, decimals and UUIDs too)
    @overload  # type: ignore[override]
    def put(
        self,
        path: URLPath,
        data: JSONData = None,
        format: Literal["json"] | None = None,
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # format="multipart", positional or keyword: a flat mapping of fields to values and files
    @overload
    def put(
        self,
        path: URLPath,
        data: MultipartData | None,
        format: Literal["multipart"],
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    @overload
    def put(
        self,
        path: URLPath,
        data: MultipartData | None = None,
        *,
        format: Literal["multipart"],
        content_type: None = None,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # content_type="application/json": a JSON value, encoded as Django's client does
    @overload
    def put(
        self,
        path: URLPath,
        data: JSONData = None,
        format: None = None,
        *,
        content_type: Literal["application/json"],
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # any other content_type: data is the raw body
    @overload
    def put(
        self,
        path: URLPath,
        data: RawBody | None = None,
        format: None = None,
        *,
        content_type: str,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # a CustomFormat, positional or keyword: data as that format's renderer takes it
    @overload
    def put(
        self,
        path: URLPath,
        data: object,
        format: CustomFormat,
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    @overload
    def put(
        self,
        path: URLPath,
        data: object = None,
        *,
        format: CustomFormat,
        content_type: None = None,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    def put(  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: object = None,
        format: str | None = None,
        content_type: str | None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest:
        """Build a PUT request; ``data`` is encoded as described in the class docstring."""
        return self._build(
            self._with_body(
                "PUT", path, data, format, content_type, secure, headers, query_params, extra
            )
        )

    # format="json" or none: data is a JSON value (dates, decimals and UUIDs too)
    @overload  # type: ignore[override]
    def patch(
        self,
        path: URLPath,
        data: JSONData = None,
        format: Literal["json"] | None = None,
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # format="multipart", positional or keyword: a flat mapping of fields to values and files
    @overload
    def patch(
        self,
        path: URLPath,
        data: MultipartData | None,
        format: Literal["multipart"],
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    @overload
    def patch(
        self,
        path: URLPath,
        data: MultipartData | None = None,
        *,
        format: Literal["multipart"],
        content_type: None = None,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # content_type="application/json": a JSON value, encoded as Django's client does
    @overload
    def patch(
        self,
        path: URLPath,
        data: JSONData = None,
        format: None = None,
        *,
        content_type: Literal["application/json"],
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # any other content_type: data is the raw body
    @overload
    def patch(
        self,
        path: URLPath,
        data: RawBody | None = None,
        format: None = None,
        *,
        content_type: str,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # a CustomFormat, positional or keyword: data as that format's renderer takes it
    @overload
    def patch(
        self,
        path: URLPath,
        data: object,
        format: CustomFormat,
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    @overload
    def patch(
        self,
        path: URLPath,
        data: object = None,
        *,
        format: CustomFormat,
        content_type: None = None,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    def patch(  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: object = None,
        format: str | None = None,
        content_type: str | None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest:
        """Build a PATCH request; ``data`` is encoded as described in the class docstring."""
        return self._build(
            self._with_body(
                "PATCH", path, data, format, content_type, secure, headers, query_params, extra
            )
        )

    # format="json" or none: data is a JSON value (dates, decimals and UUIDs too)
    @overload  # type: ignore[override]
    def delete(
        self,
        path: URLPath,
        data: JSONData = None,
        format: Literal["json"] | None = None,
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # format="multipart", positional or keyword: a flat mapping of fields to values and files
    @overload
    def delete(
        self,
        path: URLPath,
        data: MultipartData | None,
        format: Literal["multipart"],
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    @overload
    def delete(
        self,
        path: URLPath,
        data: MultipartData | None = None,
        *,
        format: Literal["multipart"],
        content_type: None = None,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # content_type="application/json": a JSON value, encoded as Django's client does
    @overload
    def delete(
        self,
        path: URLPath,
        data: JSONData = None,
        format: None = None,
        *,
        content_type: Literal["application/json"],
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # any other content_type: data is the raw body
    @overload
    def delete(
        self,
        path: URLPath,
        data: RawBody | None = None,
        format: None = None,
        *,
        content_type: str,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # a CustomFormat, positional or keyword: data as that format's renderer takes it
    @overload
    def delete(
        self,
        path: URLPath,
        data: object,
        format: CustomFormat,
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    @overload
    def delete(
        self,
        path: URLPath,
        data: object = None,
        *,
        format: CustomFormat,
        content_type: None = None,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    def delete(  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: object = None,
        format: str | None = None,
        content_type: str | None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest:
        """Build a DELETE request; ``data`` is encoded as described in the class docstring."""
        return self._build(
            self._with_body(
                "DELETE", path, data, format, content_type, secure, headers, query_params, extra
            )
        )

    # format="json" or none: data is a JSON value (dates, decimals and UUIDs too)
    @overload  # type: ignore[override]
    def options(
        self,
        path: URLPath,
        data: JSONData = None,
        format: Literal["json"] | None = None,
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # format="multipart", positional or keyword: a flat mapping of fields to values and files
    @overload
    def options(
        self,
        path: URLPath,
        data: MultipartData | None,
        format: Literal["multipart"],
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    @overload
    def options(
        self,
        path: URLPath,
        data: MultipartData | None = None,
        *,
        format: Literal["multipart"],
        content_type: None = None,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # content_type="application/json": a JSON value, encoded as Django's client does
    @overload
    def options(
        self,
        path: URLPath,
        data: JSONData = None,
        format: None = None,
        *,
        content_type: Literal["application/json"],
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # any other content_type: data is the raw body
    @overload
    def options(
        self,
        path: URLPath,
        data: RawBody | None = None,
        format: None = None,
        *,
        content_type: str,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    # a CustomFormat, positional or keyword: data as that format's renderer takes it
    @overload
    def options(
        self,
        path: URLPath,
        data: object,
        format: CustomFormat,
        content_type: None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    @overload
    def options(
        self,
        path: URLPath,
        data: object = None,
        *,
        format: CustomFormat,
        content_type: None = None,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest: ...
    def options(  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: object = None,
        format: str | None = None,
        content_type: str | None = None,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        **extra: Any,
    ) -> ASGIRequest:
        """Build an OPTIONS request; ``data`` is encoded as described in the class docstring."""
        return self._build(
            self._with_body(
                "OPTIONS", path, data, format, content_type, secure, headers, query_params, extra
            )
        )
