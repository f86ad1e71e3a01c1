"""Views the client and factory tests need beyond the echo views: a custom body format,
CSRF token issuing, redirects of every kind, and failing views of each flavour."""

from typing import Any, cast

from adrf.views import APIView as AdrfAPIView
from asgiref.sync import sync_to_async
from django.core.mail import send_mail
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.middleware.csrf import get_token
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from restflow.views import AsyncAPIView

from tests.project.app.echo import describe
from tests.project.app.models import Tag


class KeyValueRenderer(BaseRenderer):
    """A made-up request format: ``key=value`` lines."""

    media_type = "text/x-key-value"
    format = "kv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Any = None,
    ) -> str:
        return "".join(f"{key}={value}\n" for key, value in data.items())


class KeyValueParser(BaseParser):
    media_type = "text/x-key-value"

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> dict[str, str]:
        text = stream.read().decode()
        return dict(line.split("=", 1) for line in text.splitlines() if line)


class KeyValueEchoView(AsyncAPIView):
    """A restflow view that also parses the ``kv`` format."""

    parser_classes = [JSONParser, KeyValueParser, MultiPartParser]

    async def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request), status=201)

    async def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))


@ensure_csrf_cookie
def csrf_token(request: HttpRequest) -> JsonResponse:
    """Sets the CSRF cookie and tells the token to send back (sync: Django 4.2's decorators
    do not wrap async views)."""
    return JsonResponse({"token": get_token(request)})


async def redirect_relative(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect("../../django/echo/?from=relative")


async def redirect_absolute(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect("http://api.example.com/django/echo/?from=absolute")


async def redirect_twice(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect("/django/redirect/")


async def redirect_keep_method(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status=307)
    response["Location"] = "/restflow/echo/"
    return response


async def redirect_loop(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect("/client/loop/")


async def streaming(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(iter([b"a", b"b"]))


class RestflowBoomView(AsyncAPIView):
    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise RuntimeError("boom from restflow")


class AdrfBoomView(AdrfAPIView):
    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise RuntimeError("boom from adrf")


class DrfBoomView(APIView):
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise RuntimeError("boom from drf")


def _username(request: HttpRequest) -> str | None:
    user = request.user
    return user.get_username() if user.is_authenticated else None


async def whoami(request: HttpRequest) -> JsonResponse:
    """A plain async Django view reporting the session's user (read in a thread: it queries)."""
    return JsonResponse({"user": await sync_to_async(_username)(request)})


class QueryOnlyRedirectView(APIView):
    """A sync DRF view that sends a bare request on to its own path with ``?success=true``."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response | HttpResponse:
        if request.query_params.get("success"):
            return Response({"path": request.path, "success": True})
        return HttpResponseRedirect("?success=true")


class RedirectToTenantView(AsyncAPIView):
    """A restflow view redirecting to :func:`tenant_only`."""

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect("/client/tenant-only/")


async def tenant_only(request: HttpRequest) -> JsonResponse:
    """A plain async view that answers 403 unless the request names its tenant (``X-Tenant``)."""
    tenant = request.headers.get("X-Tenant")
    return JsonResponse({"tenant": tenant}, status=200 if tenant else 403)


class RawBodyView(APIView):
    """A sync DRF view reporting the request's raw body and content type, unparsed."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"body": request.body.hex(), "content_type": request.META["CONTENT_TYPE"]})

    put = post


async def raw_body(request: HttpRequest) -> JsonResponse:
    """A plain async view reporting the request's raw body and content type."""
    return JsonResponse({"body": request.body.hex(), "content_type": request.META["CONTENT_TYPE"]})


class TagCreateView(APIView):
    """A sync DRF view that inserts the tag it is given, unchecked: a taken name fails the
    insert (``IntegrityError``, a 500), which breaks the surrounding transaction."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = cast("dict[str, str]", request.data)
        tag = Tag.objects.create(name=data["name"])
        return Response({"id": tag.pk}, status=201)


class NotifyView(AsyncAPIView):
    """A restflow view that mails the address it is given."""

    async def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = cast("dict[str, str]", request.data)
        await sync_to_async(send_mail)("Hello", "A notification.", "api@example.com", [data["to"]])
        return Response(status=202)


def count_visit(request: HttpRequest) -> JsonResponse:
    """A sync view that counts its visits in the session."""
    visits = int(request.session.get("visits", 0)) + 1
    request.session["visits"] = visits
    return JsonResponse({"visits": visits})
