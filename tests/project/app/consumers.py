"""Channels consumers that ``tests/cases/test_channels_loop.py`` drives through
``WebsocketCommunicator``.

Both save a :class:`~tests.project.app.models.Tag` with the ORM for every JSON message
``{"tag": name}`` and reply with the row's id; both join :data:`GROUP` and relay its
``news.message`` events (sent by ``views_channels.BroadcastView``) to their client. One is a sync
consumer (its handlers run through ``database_sync_to_async``, its sends through
``async_to_sync``); the other is async and saves through ``database_sync_to_async`` itself.
"""

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer, JsonWebsocketConsumer
from django.db import connection

from tests.project.app.models import Tag

GROUP = "suite-news"


def save_tag(name: str) -> dict[str, Any]:
    """Save a tag; its id, and whether the connection was inside a transaction (the test's)."""
    tag = Tag.objects.create(name=name)
    return {"id": tag.pk, "in_atomic_block": connection.in_atomic_block}


class SyncTagConsumer(JsonWebsocketConsumer):
    groups = [GROUP]

    def receive_json(self, content: Any, **kwargs: Any) -> None:
        self.send_json({"consumer": "sync", "tag": content["tag"], **save_tag(content["tag"])})

    def news_message(self, event: dict[str, Any]) -> None:
        self.send_json({"consumer": "sync", "news": event["text"]})


class AsyncTagConsumer(AsyncJsonWebsocketConsumer):
    groups = [GROUP]

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        saved = await database_sync_to_async(save_tag)(content["tag"])
        await self.send_json({"consumer": "async", "tag": content["tag"], **saved})

    async def news_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"consumer": "async", "news": event["text"]})
