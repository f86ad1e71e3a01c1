"""A Channels ASGI application for the WebSocket tests: HTTP through Django, WebSockets
through Channels' ``AuthMiddlewareStack`` and ``URLRouter``, as a Channels project writes it."""

import os

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.project.settings")

from tests.project.app.consumers import AsyncTagConsumer, SyncTagConsumer  # noqa: E402
from tests.project.app.consumers_websocket import (  # noqa: E402
    ArticleFeedConsumer,
    ChatConsumer,
    WhoAmIConsumer,
)

application = ProtocolTypeRouter(
    {
        "http": get_asgi_application(),
        "websocket": AuthMiddlewareStack(
            URLRouter(
                [
                    path("ws/whoami/", WhoAmIConsumer.as_asgi()),
                    path("ws/chat/", ChatConsumer.as_asgi()),
                    path("ws/articles/", ArticleFeedConsumer.as_asgi()),
                    path("ws/tags/sync/", SyncTagConsumer.as_asgi()),
                    path("ws/tags/async/", AsyncTagConsumer.as_asgi()),
                ]
            )
        ),
    }
)
