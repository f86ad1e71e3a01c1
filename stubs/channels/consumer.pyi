from collections.abc import Awaitable, Callable
from typing import Any

from channels.layers import BaseChannelLayer

_Message = dict[str, Any]
_ASGIApplication = Callable[
    [_Message, Callable[[], Awaitable[_Message]], Callable[[_Message], Awaitable[None]]],
    Awaitable[None],
]

class AsyncConsumer:
    channel_layer_alias: str
    scope: dict[str, Any]
    channel_layer: BaseChannelLayer | None
    channel_name: str
    async def __call__(
        self,
        scope: _Message,
        receive: Callable[[], Awaitable[_Message]],
        send: Callable[[_Message], Awaitable[None]],
    ) -> None: ...
    @classmethod
    def as_asgi(cls, **initkwargs: Any) -> _ASGIApplication: ...

class SyncConsumer(AsyncConsumer): ...
