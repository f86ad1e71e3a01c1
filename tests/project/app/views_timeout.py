"""Views that take long or never finish, for the request timeout tests: async views (Django's
and drf-restflow's) that wait, a DRF sync view and an async view doing sync work that sleep."""

import asyncio
import time
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from restflow.views import AsyncAPIView

from tests.project.app.models import Tag


async def wait_forever(request: HttpRequest) -> HttpResponse:
    """Waits for an event nobody sets."""
    await asyncio.Event().wait()
    return HttpResponse("unreachable")


class WaitingRestflowView(AsyncAPIView):
    """Sleeps ``?seconds=`` (default: an hour) before answering."""

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        await asyncio.sleep(float(request.query_params.get("seconds", 3600)))
        return Response({"slept": True})


class SleepingSyncView(APIView):
    """Saves a tag named ``?name=``, then sleeps ``?seconds=`` in sync code."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        Tag.objects.create(name=request.query_params["name"])
        time.sleep(float(request.query_params["seconds"]))
        return Response({"slept": True})


def _nap(seconds: float) -> None:
    time.sleep(seconds)


class SyncWorkRestflowView(AsyncAPIView):
    """Hands ``?seconds=`` of sleep to ``sync_to_async``, then waits an hour."""

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        await sync_to_async(_nap)(float(request.query_params["seconds"]))
        if "then_wait" in request.query_params:
            await asyncio.sleep(3600)
        return Response({"napped": True})


async def own_timeout(request: HttpRequest) -> HttpResponse:
    """Raises a ``TimeoutError`` of its own."""
    raise TimeoutError("the view's own timeout")


def to_forever(request: HttpRequest) -> HttpResponse:
    """Redirects to :func:`wait_forever`."""
    return HttpResponseRedirect("/timeout/forever/")
