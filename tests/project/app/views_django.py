"""Plain Django async views."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse

from tests.project.app.echo import describe


async def echo(request: HttpRequest) -> JsonResponse:
    return JsonResponse(describe(request))


async def redirect_to_echo(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect("/django/echo/")


async def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom from a plain async view")
