"""A middleware that records the thread its hooks run on."""

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
