"""Static checks of WebSocket sessions and request timeouts, run by mypy and basedpyright.

Nothing here is collected by pytest. Calls that must type-check go through ``assert_type``;
calls that must be rejected carry ignore comments for the exact errors (both checkers fail on an
unused ignore).
"""

from typing import Any, assert_type

from restflow_testing import (
    APIResponse,
    AsyncAPIClient,
    RequestTimeout,
    WebSocketDisconnect,
    WebSocketSession,
    WebSocketTimeout,
)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None: ...


async def sessions_that_type_check(client: AsyncAPIClient) -> None:
    session = client.websocket_connect("/ws/", subprotocols=["chat"], headers={"X-Trace": "t"})
    assert_type(session, WebSocketSession)
    async with client.websocket_connect("/ws/", app=app, timeout=2.5, HTTP_X_A="a") as ws:
        assert_type(ws, WebSocketSession)
        assert_type(ws.accepted_subprotocol, str | None)
        await ws.send_text("hi")
        await ws.send_bytes(b"\x00")
        await ws.send_json({"a": 1})
        await ws.send_json([1, 2], mode="binary")
        assert_type(await ws.receive_text(), str)
        assert_type(await ws.receive_bytes(timeout=0.5), bytes)
        assert_type(await ws.receive_json(mode="binary"), Any)
        assert_type(await ws.receive(), dict[str, Any])
        assert_type(await ws.receive_nothing(timeout=0.1), bool)
        await ws.close(code=4000, reason="done")


def errors_that_type_check(
    disconnect: WebSocketDisconnect, timeout: WebSocketTimeout, request_timeout: RequestTimeout
) -> None:
    assert_type(disconnect.code, int)
    assert_type(disconnect.reason, str)
    timed_out: TimeoutError = timeout
    assert_type(request_timeout.method, str)
    assert_type(request_timeout.path, str)
    assert_type(request_timeout.timeout, float)
    also_timed_out: TimeoutError = request_timeout
    del timed_out, also_timed_out


async def timeouts_that_type_check(client: AsyncAPIClient) -> None:
    assert_type(AsyncAPIClient(timeout=5).timeout, float | None)
    assert_type(await client.get("/x/", timeout=1.5), APIResponse)
    assert_type(await client.post("/x/", {"a": 1}, timeout=2), APIResponse)
    assert_type(await client.patch("/x/", {"a": 1}, format="multipart", timeout=2), APIResponse)
    assert_type(await client.generic("PURGE", "/x/", timeout=None), APIResponse)


async def calls_that_must_be_rejected(client: AsyncAPIClient) -> None:
    async with client.websocket_connect("/ws/") as ws:
        await ws.send_text(b"bytes")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        await ws.send_bytes("text")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        await ws.send_json({}, mode="xml")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        await ws.receive_text(timeout="1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    client.websocket_connect("/ws/", subprotocols=[1])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    await client.get("/x/", timeout="soon")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
