"""The client's request handler: Django's async test handler plus forced authentication."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.test.client import AsyncClientHandler

from restflow_testing._scope import META_KEY

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase


def apply_meta(request: HttpRequest) -> None:
    """Move the scope's extra ``META`` entries (``REMOTE_USER``...) onto the request."""
    scope: dict[str, Any] = getattr(request, "scope", {})
    meta = scope.pop(META_KEY, None)
    if meta:
        request.META.update(meta)


class ForceAuthAsyncClientHandler(AsyncClientHandler):
    """Marks each request with the client's forced user and token before middleware runs.

    DRF's ``Request`` (and so restflow's, adrf's and DRF's own views, async or sync) reads
    ``_force_auth_user`` / ``_force_auth_token`` and authenticates with them, no database
    query involved.
    """

    def __init__(self, enforce_csrf_checks: bool = True, *args: Any, **kwargs: Any) -> None:
        super().__init__(enforce_csrf_checks, *args, **kwargs)
        self._force_user: object = None
        self._force_token: object = None

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        """Apply extra ``META`` entries and forced authentication, then run the middleware."""
        if META_KEY in getattr(request, "scope", ()):
            apply_meta(request)
        if self._force_user is not None or self._force_token is not None:
            marked: Any = request
            marked._force_auth_user = self._force_user
            marked._force_auth_token = self._force_token
        return await super().get_response_async(request)
