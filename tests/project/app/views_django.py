"""Plain Django views."""

import asyncio
import time

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template import Context, Template

from tests.project.app.echo import describe


async def echo(request: HttpRequest) -> JsonResponse:
    return JsonResponse(describe(request))


async def redirect_to_echo(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect("/django/echo/")


async def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom from a plain async view")


GREETING = Template("Hello {{ name }}")


async def greeting(request: HttpRequest) -> HttpResponse:
    """Renders a template with the ``name`` query parameter."""
    return HttpResponse(GREETING.render(Context({"name": request.GET.get("name", "")})))


async def slow(request: HttpRequest) -> HttpResponse:
    """Answers after ``?delay=`` seconds of waiting on the event loop."""
    await asyncio.sleep(float(request.GET.get("delay", "0")))
    return HttpResponse("done")


def sync_slow(request: HttpRequest) -> HttpResponse:
    """A sync view that blocks its thread for ``?delay=`` seconds."""
    time.sleep(float(request.GET.get("delay", "0")))
    return HttpResponse("done")
