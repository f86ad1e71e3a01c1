"""Channels consumers for the WebSocket tests, routed by ``tests/project/asgi_websocket.py``."""

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer

from tests.project.app.models import Article

ARTICLES_GROUP = "suite-articles"


class WhoAmIConsumer(AsyncJsonWebsocketConsumer):
    """Sends, on connect, who ``scope["user"]`` is and the headers the handshake carried."""

    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        headers = {
            name.decode("latin1"): value.decode("latin1") for name, value in self.scope["headers"]
        }
        await self.send_json(
            {
                "user": getattr(user, "username", None),
                "authenticated": bool(getattr(user, "is_authenticated", False)),
                "headers": headers,
            }
        )


class ChatConsumer(AsyncWebsocketConsumer):
    """Accepts the ``chat`` subprotocol only; echoes text and bytes; ``fail`` raises."""

    async def connect(self) -> None:
        if "chat" not in self.scope["subprotocols"]:
            await self.close(code=4000)
            return
        await self.accept(subprotocol="chat")

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data == "fail":
            raise ValueError("the consumer failed")
        if text_data is not None:
            await self.send(text_data=f"echo:{text_data}")
        else:
            await self.send(bytes_data=bytes_data)


class ArticleFeedConsumer(AsyncJsonWebsocketConsumer):
    """Subscribes its client to :data:`ARTICLES_GROUP` and relays ``article.created`` events:
    what REST Live's subscriptions do."""

    groups = [ARTICLES_GROUP]

    async def article_created(self, event: dict[str, Any]) -> None:
        await self.send_json({"created": event["id"], "title": event["title"]})


def broadcast_article(
    sender: type[Article], instance: Article, created: bool, **kwargs: Any
) -> None:
    """A ``post_save`` receiver that tells :data:`ARTICLES_GROUP` of new articles, from sync
    code, as REST Live's signal handlers do."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if created and layer is not None:
        async_to_sync(layer.group_send)(
            ARTICLES_GROUP, {"type": "article.created", "id": instance.pk, "title": instance.title}
        )
