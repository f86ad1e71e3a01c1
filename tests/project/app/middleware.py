"""Middleware of the test project that is not Django's own."""

import threading

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

HOOK_THREADS: list[tuple[str, int]] = []


class HookThreadsMiddleware(MiddlewareMixin):
    """Records each hook and its thread in ``HOOK_THREADS``; answers requests that carry an
    ``X-Answer`` header itself, with a 204."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        HOOK_THREADS.append(("request", threading.get_ident()))
        if "X-Answer" in request.headers:
            return HttpResponse(status=204)
        return None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        HOOK_THREADS.append(("response", threading.get_ident()))
        response["X-Hooks"] = "ran"
        return response


class CountingMiddleware(MiddlewareMixin):
    """Counts the requests this instance has seen, in ``X-Seen-By-Instance``: state that
    must not pass from one client to another."""

    seen = 0  # per instance from its first response on

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        self.seen += 1
        response["X-Seen-By-Instance"] = str(self.seen)
        return response
