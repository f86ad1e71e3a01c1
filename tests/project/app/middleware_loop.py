"""Middleware for the loop-semantics tests (enabled per test class with ``override_settings``)."""

import threading
import uuid

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

REQUEST_LOCAL = threading.local()


class ThreadLocalMiddleware(MiddlewareMixin):
    """Puts a fresh value into the thread-local ``REQUEST_LOCAL`` in ``process_request``.

    ``process_response`` reports the value set (``X-Local-Set``) and the value it sees itself
    (``X-Local-Seen-By-Response``), then clears it from its thread.
    """

    def process_request(self, request: HttpRequest) -> None:
        value = uuid.uuid4().hex
        REQUEST_LOCAL.value = value
        request.META["loop_local_value"] = value

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response["X-Local-Set"] = str(request.META.get("loop_local_value", ""))
        response["X-Local-Seen-By-Response"] = str(getattr(REQUEST_LOCAL, "value", ""))
        REQUEST_LOCAL.__dict__.pop("value", None)
        return response


class AsyncProcessRequestMiddleware(MiddlewareMixin):
    """A user mistake: ``process_request`` written as ``async def`` on a ``MiddlewareMixin``."""

    async def process_request(self, request: HttpRequest) -> None:
        return None
