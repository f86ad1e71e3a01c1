"""The async API test client: DRF's ``APIClient`` over Django's ``AsyncClient``."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping, Sequence
from http import HTTPStatus
from http.cookies import SimpleCookie
from importlib import import_module
from io import BytesIO
from typing import TYPE_CHECKING, Any, Final, Literal, Self, TypeVar, cast, overload
from urllib.parse import urljoin, urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.test.client import (
    AsyncClient,
    ClientMixin,
    RedirectCycleError,
)
from django.urls import resolve
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from restflow_testing._asgi_scope import (
    Headers,
    QueryData,
    URLPath,
    assemble,
    cookie_header,
    credential_headers,
    request_scope,
    websocket_scope,
    wsgi_names,
)
from restflow_testing._awaited_requests import reported_if_not_awaited
from restflow_testing._client_handler import ForceAuthAsyncClientHandler
from restflow_testing._loop_thread import (
    NoServingThreadError,
    call_on_serving_thread,
    running_loop,
)
from restflow_testing._request_encoding import APIRequestEncoding, VerbRequest
from restflow_testing._request_record import RequestRecord
from restflow_testing._request_timeout import within_timeout
from restflow_testing.encoding import (
    CustomFormat,
    JSONData,
    MultipartData,
    RawBody,
)
from restflow_testing.response import APIResponse, as_api_response
from restflow_testing.websocket import (
    DEFAULT_TIMEOUT,
    ASGIApplication,
    ForcedUser,
    WebSocketSession,
)

if TYPE_CHECKING:
    from json import JSONEncoder

    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

__all__ = ["AsyncAPIClient", "QueryData", "URLPath"]

_T = TypeVar("_T")


_REDIRECTS: Final = frozenset(
    {
        HTTPStatus.MOVED_PERMANENTLY,
        HTTPStatus.FOUND,
        HTTPStatus.SEE_OTHER,
        HTTPStatus.TEMPORARY_REDIRECT,
        HTTPStatus.PERMANENT_REDIRECT,
    }
)
_KEEP_METHOD: Final = frozenset({HTTPStatus.TEMPORARY_REDIRECT, HTTPStatus.PERMANENT_REDIRECT})
_HAS_ASYNC_AUTH: Final = hasattr(ClientMixin, "alogin")


def _loaded(session: SessionBase) -> SessionBase:
    session.keys()  # loads the session data; later reads come from memory
    return session


def _off_the_loop(name: str, async_form: str, function: Callable[[], _T]) -> _T:
    """Call a sync session helper, which uses the database: here when no event loop runs on
    this thread; from code on a test loop (an async test), on the thread that serves its sync
    work, with the test's connection, while the loop waits."""
    if running_loop() is None:
        return function()
    try:
        return call_on_serving_thread(function)
    except NoServingThreadError:
        raise RuntimeError(
            f"client.{name} uses the database, which sync code cannot do on a running event "
            "loop, and no test thread serves this loop's sync work (the loop is not one this "
            f"library or asgiref's async_to_sync runs). Use 'await client.{async_form}' instead."
        ) from None


def _returning(value: _T) -> Callable[[], Awaitable[_T]]:
    async def get() -> _T:
        return value

    return get


class AsyncAPIClient(APIRequestEncoding, AsyncClient):
    """An async test client for DRF APIs, a drop-in for Django's ``AsyncClient`` and DRF's
    ``APIClient``. Every request runs through the project's ASGI stack (middleware, URL
    routing, the view, async or sync) in the calling event loop.

    **Bodies.** ``post``, ``put``, ``patch``, ``delete`` and ``options`` encode ``data`` as
    DRF's ``APIRequestFactory`` does: with ``content_type=...`` it is the raw body;
    otherwise ``format`` (default ``REST_FRAMEWORK["TEST_REQUEST_DEFAULT_FORMAT"]``) picks
    a renderer from ``TEST_REQUEST_RENDERER_CLASSES``, so multipart uploads work with every
    one of these verbs. Settings are read on each request, so ``override_settings`` applies.
    Set the class attributes ``default_format`` or ``renderer_classes_list`` to pin them
    instead. An unknown format raises ``ValueError`` naming the available ones, ``format``
    together with ``content_type`` raises ``TypeError``. ``get``, ``head`` and ``trace``
    send ``data`` as the query string.

    **Headers.** WSGI-style keywords (``HTTP_AUTHORIZATION="Token abc"``, ``CONTENT_TYPE``,
    ``REMOTE_ADDR``, ``SERVER_NAME``...) and Django's ``headers={"Authorization": ...}`` both work:
    per request, as constructor defaults (``AsyncAPIClient(HTTP_HOST=...)``) and, for headers,
    through [`credentials()`][restflow_testing.client.AsyncAPIClient.credentials]. Each header is
    sent once; the most specific value wins (per request, then credentials, then defaults).

    **Authentication.**
    [`force_authenticate()`][restflow_testing.client.AsyncAPIClient.force_authenticate] for DRF
    views (async or sync, no database I/O),
    [`credentials()`][restflow_testing.client.AsyncAPIClient.credentials] for token headers, and
    Django's session login: ``login``/``force_login`` and their async forms
    ``alogin``/``aforce_login``/``alogout`` on every supported Django version.
    [`logout()`][restflow_testing.client.AsyncAPIClient.logout] is safe inside an async test.

    **Timeouts.** ``AsyncAPIClient(timeout=seconds)`` and ``timeout=`` on every verb (which
    overrides the client's) bound how long a request may take, redirects followed included:
    past it an async view is interrupted and [`RequestTimeout`][restflow_testing.RequestTimeout] (a
    ``TimeoutError``) names the method, the path and where the view was waiting. Sync code
    cannot be interrupted: the request runs to its end, then raises ``RequestTimeout`` with
    the stack the sync code had at the deadline. ``asyncio.wait_for`` around a request works
    as it does around Django's own client.

    **CSRF.** Views see requests as exempt from CSRF checks unless the client is built with
    ``enforce_csrf_checks=True``.

    **Responses** are [`APIResponse`][restflow_testing.response.APIResponse]. ``follow=True``
    follows redirects (recording ``redirect_chain``); an exception raised by the view is re-raised
    unless ``raise_request_exception=False``, in which case the 500 response carries it in
    ``exc_info``. ``query_params=`` works on every supported Django version.
    """

    handler: ForceAuthAsyncClientHandler
    cookies: SimpleCookie
    extra: dict[str, Any] | None
    """The WSGI-style keywords of the last request (``None`` before the first), as Django's
    client keeps them: ``assertRedirects`` fetches the redirect target with them."""
    headers: Mapping[str, str] | None
    """The ``headers=`` of the last request, kept for the same reason."""

    def __init__(
        self,
        enforce_csrf_checks: bool = False,
        raise_request_exception: bool = True,
        *,
        json_encoder: type[JSONEncoder] = DjangoJSONEncoder,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **defaults: Any,
    ) -> None:
        self.timeout: float | None = _checked_timeout(timeout)
        """Seconds a request may take (a call's ``timeout=`` overrides it); ``None``: no limit."""
        if query_params:
            defaults["QUERY_STRING"] = urlencode(cast("Any", query_params), doseq=True)
        super().__init__(
            enforce_csrf_checks,
            raise_request_exception,
            json_encoder=json_encoder,
            headers=headers,
            **defaults,
        )
        self.handler = ForceAuthAsyncClientHandler(enforce_csrf_checks)
        self._credentials: dict[str, Any] = {}
        self._credential_headers: Headers = {}

    # Authentication -----------------------------------------------------------------

    def credentials(self, **kwargs: Any) -> None:
        """Send these headers (WSGI-style keys) with every later request, replacing any set
        before; no arguments clears them. Keys must start with ``HTTP_`` or ``CONTENT_``
        (``ValueError`` otherwise). A header passed to one request overrides them there."""
        converted = credential_headers(kwargs)
        self._credentials = dict(kwargs)
        self._credential_headers = converted

    def force_authenticate(
        self, user: AbstractBaseUser | AnonymousUser | None = None, token: object = None
    ) -> None:
        """Authenticate later requests to DRF views as ``user`` with ``token`` (``request.auth``),
        bypassing the authentication classes, for async and sync views alike, without
        database I/O. With no arguments forced authentication stops and, as with DRF's
        client, the client's session cookie is dropped so later requests are anonymous."""
        self.handler._force_user = user
        self.handler._force_token = token
        if user is None and token is None:
            self.cookies.pop(settings.SESSION_COOKIE_NAME, None)

    # Sessions, as Django's client: the sync helpers also work inside async tests, where they
    # run on the test's thread (see _off_the_loop).

    @property
    def session(self) -> SessionBase:
        """The client's session store, created and saved when there is none yet (``await
        asession()`` is the async form; this one works inside async tests too)."""
        return _off_the_loop("session", "asession()", lambda: super(AsyncAPIClient, self).session)

    async def asession(self) -> SessionBase:
        """The client's session store, created and saved when there is none yet, and loaded:
        reading it (``session["key"]``, ``"key" in session``, ``session.get()``) needs no
        database, so it works in async code; saving still does (``await session.asave()``)."""
        if _HAS_ASYNC_AUTH:
            session = await super().asession()
            await session.akeys()  # loads the session data; later reads come from memory
            return session
        return await sync_to_async(lambda: _loaded(self.session))()

    def login(self, **credentials: Any) -> bool:
        """Log in through the authentication backends; ``False`` when the credentials are
        rejected. Works inside async tests too; ``await alogin(...)`` is the async form."""
        return _off_the_loop(
            "login", "alogin(...)", lambda: super(AsyncAPIClient, self).login(**credentials)
        )

    async def alogin(self, **credentials: Any) -> bool:
        """Log in through the authentication backends, as ``login()``; ``False`` when the
        credentials are rejected."""
        if _HAS_ASYNC_AUTH:
            return await super().alogin(**credentials)
        return await sync_to_async(self.login)(**credentials)

    def force_login(self, user: AbstractBaseUser, backend: str | None = None) -> None:
        """Start a session for ``user`` without checking credentials. Works inside async tests
        too; ``await aforce_login(user)`` is the async form."""
        _off_the_loop(
            "force_login",
            "aforce_login(user)",
            lambda: super(AsyncAPIClient, self).force_login(cast("Any", user), backend),
        )

    async def aforce_login(self, user: AbstractBaseUser, backend: str | None = None) -> None:
        """Start a session for ``user`` without checking credentials, as ``force_login()``."""
        if _HAS_ASYNC_AUTH:
            await super().aforce_login(cast("Any", user), backend)
        else:
            await sync_to_async(self.force_login)(user, backend)

    def logout(self) -> None:
        """Log out as Django's client does: ``user_logged_out`` is sent (with the logged-in
        user, or ``None``), the session ends on the server, and credentials, forced
        authentication and cookies are cleared. Works inside async tests too; ``await
        alogout()`` is the async form."""
        _off_the_loop("logout", "alogout()", self._end_session)
        self._forget_auth()

    async def alogout(self) -> None:
        """As ``logout()``: ``user_logged_out`` is sent with the logged-in user (or ``None``),
        the session ends on the server, credentials, forced authentication and cookies are
        cleared. Also on Django versions without an async ``alogout``."""
        if _HAS_ASYNC_AUTH:
            from django.contrib.auth import aget_user
            from django.contrib.auth import alogout as end_session

            request = self._logout_request()
            user = await aget_user(request)
            request.user = user
            # Django's alogout() reads the user from request.auser(), as its middleware sets it.
            marked: Any = request
            marked.auser = _returning(user)
            await end_session(request)
        else:
            await sync_to_async(self._end_session)()
        self._forget_auth()

    def _end_session(self) -> None:
        from django.contrib.auth import get_user
        from django.contrib.auth import logout as end_session

        request = self._logout_request()
        request.user = get_user(request)
        end_session(request)

    def _logout_request(self) -> HttpRequest:
        """A request carrying the client's session (an empty, unsaved one when it has none)."""
        engine: Any = import_module(settings.SESSION_ENGINE)
        cookie = self.cookies.get(settings.SESSION_COOKIE_NAME)
        request = HttpRequest()
        request.session = engine.SessionStore(cookie.value if cookie else None)
        return request

    def _forget_auth(self) -> None:
        self._clear_auth()
        self.cookies = SimpleCookie()

    # Per-example state ------------------------------------------------------------------

    def _fresh_copy(self) -> Self:
        """A new client in this one's state (settings, defaults, credentials, forced
        authentication, cookies), with a handler and middleware chain of its own; what
        Hypothesis examples start from."""
        fresh = copy.copy(self)
        fresh._take_state_of(self)
        return fresh

    def _take_state_of(self, other: AsyncAPIClient) -> None:
        """Make this client's state a copy of ``other``'s (see :meth:`_fresh_copy`), in place."""
        attributes = vars(self)
        attributes.clear()
        attributes.update(vars(other))
        # Django's attributes (defaults, errors, exc_info) are set as Django's client sets them.
        attributes.update(defaults=copy.copy(other.defaults), errors=BytesIO(), exc_info=None)
        self.cookies = copy.deepcopy(other.cookies)
        self._credentials = dict(other._credentials)
        self._credential_headers = dict(other._credential_headers)
        self.handler = ForceAuthAsyncClientHandler(other.handler.enforce_csrf_checks)
        self.handler._force_user = other.handler._force_user
        self.handler._force_token = other.handler._force_token
        self.extra = None
        self.headers = None

    def _clear_auth(self) -> None:
        self._credentials = {}
        self._credential_headers = {}
        self.handler._force_user = None
        self.handler._force_token = None

    # Sending -----------------------------------------------------------------------

    @reported_if_not_awaited
    async def request(self, **request: Any) -> APIResponse:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        """Send one request built from ASGI scope keys (``method``, ``path``, ``headers``...),
        adding the client's defaults, credentials and cookies, and return its response."""
        scope = assemble(
            request, self.defaults, self._credential_headers, cookie_header(self.cookies)
        )
        with RequestRecord(scope) as record:
            raw = await self.handler(scope)
        response = as_api_response(raw)
        response.exc_info = record.exc_info
        if record.exc_info is not None and self.raise_request_exception:
            raise record.exc_info[1]
        response.client = self
        response.request = scope
        scope.update(wsgi_names(scope))
        if record.templates:
            response.templates = record.templates
            contexts = record.contexts
            response.context = contexts[0] if len(contexts) == 1 else contexts
        else:
            response.templates = []
            response.context = None
        urlconf = getattr(response.asgi_request, "urlconf", None)
        path = scope["path"]
        lazy: Any = SimpleLazyObject(lambda: resolve(path, urlconf=urlconf))
        response.resolver_match = lazy
        if response.cookies:
            self.cookies.update(response.cookies)
        return response

    async def _send(
        self, request: VerbRequest, follow: bool, timeout: float | None = None
    ) -> APIResponse:
        # Recorded as Django's client records them: assertRedirects() fetches the target with
        # the last request's headers.
        self.extra = dict(request.extra)
        self.headers = request.headers
        limit = self.timeout if timeout is None else _checked_timeout(timeout)
        if limit is None:
            return await self._send_and_follow(request, follow)
        served = [request]  # the request being served: the call's, then each redirect's

        def current() -> str:
            return f"{served[-1].method} {served[-1].path}"

        return await within_timeout(
            self._send_and_follow(request, follow, served),
            limit,
            request.method,
            str(request.path),
            current,
        )

    async def _send_and_follow(
        self, request: VerbRequest, follow: bool, served: list[VerbRequest] | None = None
    ) -> APIResponse:
        response = await self.request(**request.scope())
        if follow:
            response = await self._follow(response, request, served)
        return response

    async def _follow(
        self, response: APIResponse, request: VerbRequest, served: list[VerbRequest] | None
    ) -> APIResponse:
        chain: list[tuple[str, int]] = []
        response.redirect_chain = chain  # set when following, as Django does, even if empty
        while response.status_code in _REDIRECTS:
            location = response["Location"]
            chain.append((location, response.status_code))
            url = urlsplit(location)
            secure = request.secure
            extra = dict(request.extra)
            if url.scheme:
                secure = url.scheme == "https"
            if url.hostname:
                extra["HTTP_HOST"] = url.hostname
                extra["SERVER_NAME"] = url.hostname
            if url.port:
                extra["SERVER_PORT"] = str(url.port)
            path = url.path
            if not path and url.netloc:
                path = "/"  # RFC 3986, section 6.2.3: an empty path is "/"
            if not path.startswith("/"):  # relative, or empty: a query-only Location
                path = urljoin(response.request["path"], path)
            request = request._replace(
                path=path, secure=secure, query_params=None, query_string=url.query, extra=extra
            )
            if response.status_code not in _KEEP_METHOD:
                request = request._replace(method="GET", body=b"", content_type=None)
            if served is not None:
                served.append(request)
            response = await self.request(**request.scope())
            response.redirect_chain = chain
            if chain[-1] in chain[:-1]:
                raise RedirectCycleError("Redirect loop detected.", last_response=response)
            if len(chain) > 20:
                raise RedirectCycleError("Too many redirects.", last_response=response)
        return response

    # WebSockets --------------------------------------------------------------------

    def websocket_connect(
        self,
        path: URLPath,
        subprotocols: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        app: ASGIApplication | None = None,
        *,
        query_params: QueryData | None = None,
        secure: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        **extra: Any,
    ) -> WebSocketSession:
        """A WebSocket session with ``app`` (default: ``settings.ASGI_APPLICATION``), used as
        ``async with client.websocket_connect("/ws/") as ws:``.

        The handshake carries what this client's requests carry: its default headers,
        [`credentials()`][restflow_testing.client.AsyncAPIClient.credentials], its cookies (so a
        session login) and ``headers=``/WSGI-style keywords; after
        [`force_authenticate()`][restflow_testing.client.AsyncAPIClient.force_authenticate] the
        scope's ``user`` is the forced user, kept behind Channels' ``AuthMiddleware`` (which still
        reads the session, as for every connection). ``timeout`` is how long each receive (and the
        handshake) waits by default.
        """
        if isinstance(subprotocols, str):
            raise TypeError(
                f"subprotocols must be a list of subprotocol names, not the string "
                f"{subprotocols!r}: write subprotocols=[{subprotocols!r}]."
            )
        http = request_scope("GET", path, b"", None, secure, headers, query_params, None, extra)
        scope = websocket_scope(
            assemble(http, self.defaults, self._credential_headers, cookie_header(self.cookies)),
            subprotocols or (),
        )
        if self.handler._force_user is not None:
            scope["user"] = ForcedUser(self.handler._force_user)
        return WebSocketSession(app, scope, timeout=timeout)

    # Verbs -------------------------------------------------------------------------

    @reported_if_not_awaited
    async def get(  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: QueryData | None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse:
        """Send a GET request; ``data`` (or ``query_params``, not both) is the query string."""
        request = self._with_query("GET", path, data, secure, headers, query_params, extra)
        return await self._send(request, follow, timeout)

    @reported_if_not_awaited
    async def head(  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: QueryData | None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse:
        """Send a HEAD request; ``data`` (or ``query_params``, not both) is the query string."""
        request = self._with_query("HEAD", path, data, secure, headers, query_params, extra)
        return await self._send(request, follow, timeout)

    @reported_if_not_awaited
    async def trace(  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: QueryData | None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse:
        """Send a TRACE request; ``data`` (or ``query_params``, not both) is the query string."""
        request = self._with_query("TRACE", path, data, secure, headers, query_params, extra)
        return await self._send(request, follow, timeout)

    @reported_if_not_awaited
    async def generic(  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        method: str,
        path: URLPath,
        data: RawBody = b"",
        content_type: str | None = "application/octet-stream",
        secure: bool = False,
        *,
        follow: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse:
        """Send a request with any method and ``data`` as the raw body."""
        request = self._with_raw_body(
            method, path, data, content_type, secure, headers, query_params, extra
        )
        return await self._send(request, follow, timeout)

    # format="json" or none: data is a JSON value (dates, decimals and UUIDs too)
    @overload  # type: ignore[override]
    async def post(
        self,
        path: URLPath,
        data: JSONData = None,
        format: Literal["json"] | None = None,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # format="multipart", positional or keyword: a flat mapping of fields to values and files
    @overload
    async def post(
        self,
        path: URLPath,
        data: MultipartData | None,
        format: Literal["multipart"],
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @overload
    async def post(
        self,
        path: URLPath,
        data: MultipartData | None = None,
        *,
        format: Literal["multipart"],
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # content_type="application/json": a JSON value, encoded as Django's client does
    @overload
    async def post(
        self,
        path: URLPath,
        data: JSONData = None,
        format: None = None,
        *,
        content_type: Literal["application/json"],
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # any other content_type: data is the raw body
    @overload
    async def post(
        self,
        path: URLPath,
        data: RawBody | None = None,
        format: None = None,
        *,
        content_type: str,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # a CustomFormat, positional or keyword: data as that format's renderer takes it
    @overload
    async def post(
        self,
        path: URLPath,
        data: object,
        format: CustomFormat,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @overload
    async def post(
        self,
        path: URLPath,
        data: object = None,
        *,
        format: CustomFormat,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @reported_if_not_awaited
    async def post(  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: object = None,
        format: str | None = None,
        content_type: str | None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse:
        """Send a POST request; ``data`` is encoded as described in the class docstring."""
        request = self._with_body(
            "POST", path, data, format, content_type, secure, headers, query_params, extra
        )
        return await self._send(request, follow, timeout)

    # format="json" or none: data is a JSON value (dates, decimals and UUIDs too)
    @overload  # type: ignore[override]
    async def put(
        self,
        path: URLPath,
        data: JSONData = None,
        format: Literal["json"] | None = None,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # format="multipart", positional or keyword: a flat mapping of fields to values and files
    @overload
    async def put(
        self,
        path: URLPath,
        data: MultipartData | None,
        format: Literal["multipart"],
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @overload
    async def put(
        self,
        path: URLPath,
        data: MultipartData | None = None,
        *,
        format: Literal["multipart"],
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # content_type="application/json": a JSON value, encoded as Django's client does
    @overload
    async def put(
        self,
        path: URLPath,
        data: JSONData = None,
        format: None = None,
        *,
        content_type: Literal["application/json"],
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # any other content_type: data is the raw body
    @overload
    async def put(
        self,
        path: URLPath,
        data: RawBody | None = None,
        format: None = None,
        *,
        content_type: str,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # a CustomFormat, positional or keyword: data as that format's renderer takes it
    @overload
    async def put(
        self,
        path: URLPath,
        data: object,
        format: CustomFormat,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @overload
    async def put(
        self,
        path: URLPath,
        data: object = None,
        *,
        format: CustomFormat,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @reported_if_not_awaited
    async def put(  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: object = None,
        format: str | None = None,
        content_type: str | None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse:
        """Send a PUT request; ``data`` is encoded as described in the class docstring."""
        request = self._with_body(
            "PUT", path, data, format, content_type, secure, headers, query_params, extra
        )
        return await self._send(request, follow, timeout)

    # format="json" or none: data is a JSON value (dates, decimals and UUIDs too)
    @overload  # type: ignore[override]
    async def patch(
        self,
        path: URLPath,
        data: JSONData = None,
        format: Literal["json"] | None = None,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # format="multipart", positional or keyword: a flat mapping of fields to values and files
    @overload
    async def patch(
        self,
        path: URLPath,
        data: MultipartData | None,
        format: Literal["multipart"],
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @overload
    async def patch(
        self,
        path: URLPath,
        data: MultipartData | None = None,
        *,
        format: Literal["multipart"],
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # content_type="application/json": a JSON value, encoded as Django's client does
    @overload
    async def patch(
        self,
        path: URLPath,
        data: JSONData = None,
        format: None = None,
        *,
        content_type: Literal["application/json"],
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # any other content_type: data is the raw body
    @overload
    async def patch(
        self,
        path: URLPath,
        data: RawBody | None = None,
        format: None = None,
        *,
        content_type: str,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # a CustomFormat, positional or keyword: data as that format's renderer takes it
    @overload
    async def patch(
        self,
        path: URLPath,
        data: object,
        format: CustomFormat,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @overload
    async def patch(
        self,
        path: URLPath,
        data: object = None,
        *,
        format: CustomFormat,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @reported_if_not_awaited
    async def patch(  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: object = None,
        format: str | None = None,
        content_type: str | None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse:
        """Send a PATCH request; ``data`` is encoded as described in the class docstring."""
        request = self._with_body(
            "PATCH", path, data, format, content_type, secure, headers, query_params, extra
        )
        return await self._send(request, follow, timeout)

    # format="json" or none: data is a JSON value (dates, decimals and UUIDs too)
    @overload  # type: ignore[override]
    async def delete(
        self,
        path: URLPath,
        data: JSONData = None,
        format: Literal["json"] | None = None,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # format="multipart", positional or keyword: a flat mapping of fields to values and files
    @overload
    async def delete(
        self,
        path: URLPath,
        data: MultipartData | None,
        format: Literal["multipart"],
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @overload
    async def delete(
        self,
        path: URLPath,
        data: MultipartData | None = None,
        *,
        format: Literal["multipart"],
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # content_type="application/json": a JSON value, encoded as Django's client does
    @overload
    async def delete(
        self,
        path: URLPath,
        data: JSONData = None,
        format: None = None,
        *,
        content_type: Literal["application/json"],
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # any other content_type: data is the raw body
    @overload
    async def delete(
        self,
        path: URLPath,
        data: RawBody | None = None,
        format: None = None,
        *,
        content_type: str,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # a CustomFormat, positional or keyword: data as that format's renderer takes it
    @overload
    async def delete(
        self,
        path: URLPath,
        data: object,
        format: CustomFormat,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @overload
    async def delete(
        self,
        path: URLPath,
        data: object = None,
        *,
        format: CustomFormat,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @reported_if_not_awaited
    async def delete(  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: object = None,
        format: str | None = None,
        content_type: str | None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse:
        """Send a DELETE request; ``data`` is encoded as described in the class docstring."""
        request = self._with_body(
            "DELETE", path, data, format, content_type, secure, headers, query_params, extra
        )
        return await self._send(request, follow, timeout)

    # format="json" or none: data is a JSON value (dates, decimals and UUIDs too)
    @overload  # type: ignore[override]
    async def options(
        self,
        path: URLPath,
        data: JSONData = None,
        format: Literal["json"] | None = None,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # format="multipart", positional or keyword: a flat mapping of fields to values and files
    @overload
    async def options(
        self,
        path: URLPath,
        data: MultipartData | None,
        format: Literal["multipart"],
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @overload
    async def options(
        self,
        path: URLPath,
        data: MultipartData | None = None,
        *,
        format: Literal["multipart"],
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # content_type="application/json": a JSON value, encoded as Django's client does
    @overload
    async def options(
        self,
        path: URLPath,
        data: JSONData = None,
        format: None = None,
        *,
        content_type: Literal["application/json"],
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # any other content_type: data is the raw body
    @overload
    async def options(
        self,
        path: URLPath,
        data: RawBody | None = None,
        format: None = None,
        *,
        content_type: str,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    # a CustomFormat, positional or keyword: data as that format's renderer takes it
    @overload
    async def options(
        self,
        path: URLPath,
        data: object,
        format: CustomFormat,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @overload
    async def options(
        self,
        path: URLPath,
        data: object = None,
        *,
        format: CustomFormat,
        content_type: None = None,
        follow: bool = False,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse: ...
    @reported_if_not_awaited
    async def options(  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        path: URLPath,
        data: object = None,
        format: str | None = None,
        content_type: str | None = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: QueryData | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> APIResponse:
        """Send an OPTIONS request; ``data`` is encoded as described in the class docstring."""
        request = self._with_body(
            "OPTIONS", path, data, format, content_type, secure, headers, query_params, extra
        )
        return await self._send(request, follow, timeout)


def _checked_timeout(timeout: float | None) -> float | None:
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds or None, not {timeout!r}.")
    return timeout
