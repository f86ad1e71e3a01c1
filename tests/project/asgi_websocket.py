"""A Channels ASGI application for the WebSocket tests: HTTP through Django, WebSockets
through Channels' ``AuthMiddlewareStack`` and ``URLRouter``, as a Channels project writes it."""

import os
from collections.abc import Callable
from typing import Any, cast

from channels.auth import AuthMiddlewareStack
from channels.consumer import AsyncConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.project.settings")

from tests.project.app.consumers import AsyncTagConsumer, SyncTagConsumer
from tests.project.app.consumers_websocket import (
    ArticleFeedConsumer,
    ChatConsumer,
    WhoAmIConsumer,
)


def route(pattern: str, consumer: type[AsyncConsumer]) -> URLPattern:
    """A URL route to a consumer (Django's ``path()`` types its target as a view)."""
    view: Callable[..., HttpResponseBase] = cast("Any", consumer.as_asgi())
    return path(pattern, view)


application = ProtocolTypeRouter(
    {
        "http": get_asgi_application(),
        "websocket": AuthMiddlewareStack(
            URLRouter(
                [
                    route("ws/whoami/", WhoAmIConsumer),
                    route("ws/chat/", ChatConsumer),
                    route("ws/articles/", ArticleFeedConsumer),
                    route("ws/tags/sync/", SyncTagConsumer),
                    route("ws/tags/async/", AsyncTagConsumer),
                ]
            )
        ),
    }
)
