"""Views for the loop-semantics tests: each reports what it saw of threads, loops and transactions.

A test hands objects of its own event loop (an ``asyncio.Event``, the loop itself) to these views
through :data:`LOOP_REGISTRY`, and reads back what their background tasks did in :data:`LEAK_LOG`.
"""

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import async_to_sync
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tests.project.app.middleware_loop import REQUEST_LOCAL
from tests.project.app.models import Tag

WAIT_TIMEOUT = 10.0  # seconds: a regression fails with a timeout instead of hanging the suite


@dataclass
class LoopRegistry:
    """What the running test shares with the views it calls: set by the test, read by a view."""

    event: asyncio.Event | None = None
    loop: asyncio.AbstractEventLoop | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set[asyncio.Task[None]])

    def clear(self) -> None:
        self.event = None
        self.loop = None
        self.tasks.clear()

    def shared_event(self) -> asyncio.Event:
        if self.event is None:
            raise RuntimeError("The test did not put an asyncio.Event into LOOP_REGISTRY.")
        return self.event

    def test_loop(self) -> asyncio.AbstractEventLoop:
        if self.loop is None:
            raise RuntimeError("The test did not put its event loop into LOOP_REGISTRY.")
        return self.loop


LOOP_REGISTRY = LoopRegistry()
LEAK_LOG: list[str] = []


async def _wait_for_the_test() -> int:
    """Wait for the test's event; the id of the loop this ran on."""
    await asyncio.wait_for(LOOP_REGISTRY.shared_event().wait(), WAIT_TIMEOUT)
    return id(asyncio.get_running_loop())


def async_to_sync_view(request: HttpRequest) -> JsonResponse:
    """A sync view that waits, through ``async_to_sync``, for an event the test's loop sets."""
    loop_id = async_to_sync(_wait_for_the_test)()
    return JsonResponse({"loop": loop_id, "thread": threading.get_ident()})


def run_coroutine_threadsafe_view(request: HttpRequest) -> JsonResponse:
    """A sync view that runs a coroutine on the test's loop and blocks for its result."""
    future = asyncio.run_coroutine_threadsafe(_wait_for_the_test(), LOOP_REGISTRY.test_loop())
    loop_id = future.result(timeout=WAIT_TIMEOUT)
    return JsonResponse({"loop": loop_id, "thread": threading.get_ident()})


def sync_sleep(request: HttpRequest) -> HttpResponse:
    """A sync view that blocks its thread for ``?delay=`` seconds."""
    time.sleep(float(request.GET.get("delay", "0")))
    return HttpResponse("done")


async def thread_local_view(request: HttpRequest) -> JsonResponse:
    """An async view reporting the thread-local value a sync middleware may have set."""
    return JsonResponse({"seen": getattr(REQUEST_LOCAL, "value", None)})


async def async_echo(request: HttpRequest) -> HttpResponse:
    return HttpResponse("async")


class WriteTagView(APIView):
    """A sync DRF view that writes a ``Tag`` named ``name`` and reports its thread and whether it
    ran inside a transaction."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data: Any = request.data  # a dict (JSON) or a QueryDict (form data)
        Tag.objects.create(name=str(data["name"]))
        return Response(
            {
                "thread": threading.get_ident(),
                "in_atomic_block": connections["default"].in_atomic_block,
            },
            status=201,
        )


async def _run_forever(started: asyncio.Event) -> None:
    LEAK_LOG.append("started")
    started.set()
    try:
        await asyncio.sleep(3600)
    finally:
        LEAK_LOG.append("finally")


async def leak_task(request: HttpRequest) -> HttpResponse:
    """Starts a fire-and-forget task and answers once it runs, leaving it running."""
    started = asyncio.Event()
    task = asyncio.create_task(_run_forever(started))
    LOOP_REGISTRY.tasks.add(task)  # a strong reference, as fire-and-forget code keeps
    task.add_done_callback(LOOP_REGISTRY.tasks.discard)
    await asyncio.wait_for(started.wait(), WAIT_TIMEOUT)
    return HttpResponse("left a task running")
