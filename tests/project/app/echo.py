"""What an echo view reports about the request it received, shared by every view flavour."""

from typing import Any, TypedDict

from django.http import HttpRequest
from rest_framework.request import Request


class Echo(TypedDict):
    """The body of every echo view: ``response.json(as_type=Echo)`` in the suite."""

    method: str
    path: str
    host: str
    secure: bool
    content_type: str
    headers: dict[str, str]
    user: str | None
    query: dict[str, list[str]]


class DRFEcho(Echo):
    """The body of the DRF echo views (restflow, adrf, DRF), which also report what DRF parsed."""

    data: Any
    """The parsed body (uploads as name, size and content type)."""
    auth: str | None
    """``request.auth`` as a string."""


def describe(request: Request | HttpRequest) -> dict[str, Any]:
    """A JSON-ready picture of the request: method, headers, user, auth, body and query."""
    meta = request.META
    user = request.user
    described: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "host": request.get_host(),
        "secure": request.is_secure(),
        "content_type": meta.get("CONTENT_TYPE", ""),
        "headers": {key: str(value) for key, value in meta.items() if key.startswith("HTTP_")},
        "user": user.get_username() if user.is_authenticated else None,
    }
    if isinstance(request, Request):
        described["data"] = _plain(request.data)
        described["query"] = {
            key: request.query_params.getlist(key) for key in request.query_params
        }
        described["auth"] = None if request.auth is None else str(request.auth)
    else:
        described["query"] = {key: request.GET.getlist(key) for key in request.GET}
    return described


def _plain(data: Any) -> Any:
    """Turn DRF's parsed data (QueryDict with uploads, or JSON) into JSON-ready values."""
    if hasattr(data, "lists"):
        plain: dict[str, Any] = {}
        for key, values in data.lists():
            items = [_upload(value) for value in values]
            plain[key] = items[0] if len(items) == 1 else items
        return plain
    return data


def _upload(value: Any) -> Any:
    if hasattr(value, "read") and hasattr(value, "name"):
        content = value.read()
        return {"name": value.name, "size": len(content), "content_type": value.content_type}
    return value
