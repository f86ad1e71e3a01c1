"""The response type the async API client returns."""

from __future__ import annotations

import json as _json
import re
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from django.http.response import HttpResponseBase

from restflow_testing.json_types import JSONValue, typed_json

if TYPE_CHECKING:
    from django.core.handlers.asgi import ASGIRequest
    from django.template.base import Template
    from django.test.client import AsyncClient
    from django.test.utils import ContextList
    from django.urls import ResolverMatch

__all__ = ["APIResponse"]

_T = TypeVar("_T")

_JSON_CONTENT_TYPE = re.compile(r"^application\/(.+\+)?json", re.IGNORECASE)


class APIResponse(HttpResponseBase):
    """What [`AsyncAPIClient`][restflow_testing.client.AsyncAPIClient] returns: the view's own
    response object (still an instance of its class, ``Response``, ``JsonResponse``...) that is
    also an ``APIResponse``, so Django's assertions accept it and these attributes are typed:

    - ``status_code``, ``headers`` (and ``response["Header"]``), ``content``, ``cookies``;
    - ``json()``: the body parsed as JSON, typed as
      [`JSONValue`][restflow_testing.json_types.JSONValue] (``ValueError`` when the content type
      is not JSON); ``json(as_type=Article)``: the body checked against a ``TypedDict`` or
      dataclass of yours and typed as it;
    - ``data``: the data a DRF ``Response`` was built with. On other responses reading it
      raises ``AttributeError`` saying to use ``json()`` or ``content``;
    - ``request``: the ASGI scope the client sent, with the WSGI names Django's sync client
      records too (``PATH_INFO``, ``REQUEST_METHOD``, ``QUERY_STRING``, ``SERVER_NAME``,
      ``SERVER_PORT``, ``wsgi.url_scheme``: ``assertRedirects`` reads ``PATH_INFO`` to resolve a
      relative ``Location``); ``asgi_request``: the ``ASGIRequest`` the view received;
    - ``redirect_chain``: ``(url, status)`` of each redirect followed, set only with
      ``follow=True`` (as Django's client does: ``assertRedirects`` tells from its presence
      whether the redirect was followed);
    - ``exc_info``: what the view raised, kept when ``raise_request_exception=False``;
    - ``templates`` and ``context``: the templates rendered while serving this request and
      their contexts, as Django's test client gives them (requests served concurrently keep
      their own);
    - ``resolver_match``, ``client``, as Django's test client.
    """

    content: bytes
    data: Any
    request: dict[str, Any]
    asgi_request: ASGIRequest
    client: AsyncClient
    redirect_chain: list[tuple[str, int]]
    exc_info: Any
    templates: list[Template]
    context: ContextList | dict[str, Any] | None
    resolver_match: ResolverMatch

    @overload
    def json(self, *, as_type: type[_T], **kwargs: Any) -> _T: ...
    @overload
    def json(self, *, as_type: None = None, **kwargs: Any) -> JSONValue: ...
    def json(self, *, as_type: type[Any] | None = None, **kwargs: Any) -> Any:
        """The body parsed as JSON; ``kwargs`` go to ``json.loads``.

        Parsed once and kept when called without ``kwargs``; a call with ``kwargs`` parses again
        with them. With ``as_type`` (a ``TypedDict``, a dataclass, ``list[Article]``...), the
        body checked against that type all the way down and returned as it, so editors complete
        what follows: see [`typed_json()`][restflow_testing.json_types.typed_json] for what is
        checked. Raises ``ValueError`` when the response's content type is not JSON or the body
        does not fit ``as_type``."""
        parsed: JSONValue = self.__dict__.get("_json", _MISSING) if not kwargs else _MISSING
        if parsed is _MISSING:
            content_type = self.get("Content-Type") or ""
            if not _JSON_CONTENT_TYPE.match(content_type):
                raise ValueError(f'Content-Type header is "{content_type}", not "application/json"')
            parsed = _json.loads(self.content.decode(self.charset), **kwargs)
            if not kwargs:
                self.__dict__["_json"] = parsed
        if as_type is None:
            return parsed
        return typed_json(parsed, as_type)

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name == "data":
                raise AttributeError(
                    f"This {type(self).__name__} is not a DRF Response, so it has no .data. "
                    "Use .json() to parse a JSON body, or .content for the raw bytes."
                )
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}", name=name, obj=self
            )


_MISSING: Any = object()

_classes: dict[type[HttpResponseBase], type[APIResponse]] = {}


def as_api_response(response: HttpResponseBase) -> APIResponse:
    """Make ``response`` an ``APIResponse`` in place, keeping its own class as a base."""
    cls = type(response)
    api_class = _classes.get(cls)
    if api_class is None:
        if isinstance(response, APIResponse):
            return response
        api_class = type(
            cls.__name__,
            (APIResponse, cls),
            {"__module__": cls.__module__, "__qualname__": cls.__qualname__},
        )
        _classes[cls] = api_class
    response.__class__ = api_class
    return cast("APIResponse", response)
