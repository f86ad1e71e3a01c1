"""Middleware of the test project that is not Django's own."""

import threading
from collections.abc import Awaitable, Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.decorators import async_only_middleware
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


@async_only_middleware
def function_middleware(
    get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]],
) -> Callable[[HttpRequest], Awaitable[HttpResponseBase]]:
    """A middleware written as a function (not a ``MiddlewareMixin``), async only."""

    async def middleware(request: HttpRequest) -> HttpResponseBase:
        response = await get_response(request)
        response["X-Function-Middleware"] = "ran"
        return response

    return middleware
