"""WebSocket applications the WebSocket tests talk to: Channels consumers (routed by
``tests/project/asgi_websocket.py``) and plain ASGI applications with no Channels at all.

Channels is imported by the consumers' module only, so this module loads where Channels is not
installed (the plain applications' tests still run there).
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from tests.project.app.models import Tag

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def plain_echo(scope: Message, receive: Receive, send: Send) -> None:
    """Accepts (with the first subprotocol offered), then echoes text and binary frames; text
    commands: ``close:<code>`` closes, ``boom`` raises, ``scope`` sends what the scope holds,
    ``tag:<name>`` saves a tag with the async ORM and sends its id and the number of tags,
    ``later`` sends ``"late"`` after 0.2 s."""
    if scope["type"] != "websocket":
        raise ValueError(f"plain_echo serves WebSocket connections, not {scope['type']}")
    message = await receive()
    if message["type"] != "websocket.connect":
        raise ValueError(f"expected websocket.connect, got {message['type']}")
    offered: list[str] = scope.get("subprotocols") or []
    await send({"type": "websocket.accept", "subprotocol": offered[0] if offered else None})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text is None:
            await send({"type": "websocket.send", "bytes": message["bytes"]})
        elif text.startswith("close:"):
            await send({"type": "websocket.close", "code": int(text[6:]), "reason": "asked"})
        elif text == "boom":
            raise RuntimeError("boom from the application")
        elif text == "scope":
            user = scope.get("user")
            await send({"type": "websocket.send", "text": _describe(scope, user)})
        elif text.startswith("tag:"):
            tag = await Tag.objects.acreate(name=text[4:])
            count = await Tag.objects.acount()
            await send({"type": "websocket.send", "text": f"{tag.pk}:{count}"})
        elif text == "later":
            await asyncio.sleep(0.2)
            await send({"type": "websocket.send", "text": "late"})
        else:
            await send({"type": "websocket.send", "text": text})


def _describe(scope: Message, user: object) -> str:
    import json

    headers = {name.decode("latin1"): value.decode("latin1") for name, value in scope["headers"]}
    return json.dumps(
        {
            "user": getattr(user, "username", None) if user is not None else None,
            "authenticated": bool(getattr(user, "is_authenticated", False)),
            "headers": headers,
            "query_string": scope["query_string"].decode("latin1"),
            "scheme": scope["scheme"],
            "path": scope["path"],
        }
    )


async def plain_reject(scope: Message, receive: Receive, send: Send) -> None:
    """Rejects every handshake with close code 4003."""
    await receive()
    await send({"type": "websocket.close", "code": 4003, "reason": "go away"})


async def plain_fails_on_connect(scope: Message, receive: Receive, send: Send) -> None:
    """Raises during the handshake."""
    await receive()
    raise LookupError("no room for this connection")


async def plain_quits(scope: Message, receive: Receive, send: Send) -> None:
    """Accepts, sends one frame and returns without closing."""
    await receive()
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": "bye"})


async def plain_ignores_disconnect(scope: Message, receive: Receive, send: Send) -> None:
    """Accepts and never returns, whatever it receives."""
    await receive()
    await send({"type": "websocket.accept"})
    while True:
        await receive()
