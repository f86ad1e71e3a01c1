"""WebSocket sessions with Channels: consumers sync and async, JSON consumers, its
``AuthMiddlewareStack`` (forced authentication and session logins), the in-memory channel layer,
and REST Live's scenario: subscribe, see nothing, create a row, receive the broadcast.

Channels' consumers (their ``dispatch``, ``database_sync_to_async``) and its ``AuthMiddleware``
call ``close_old_connections()`` around every handler, which closes a connection inside a
transaction (Django ticket #30448) on every database but SQLite's in-memory test database. So on
SQLite these tests run in ``AsyncAPITestCase`` (the consumers' rows roll back with the test),
elsewhere in ``AsyncAPITransactionTestCase``; on such databases ``AsyncAPITestCase`` fails with
an error naming the fix, which is tested too.
"""

from typing import TYPE_CHECKING, Any
from unittest import skipIf

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.db import connection
from django.db.models.signals import post_save
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("channels", reason="Channels is not installed (it is in the dev extra)")

from channels.layers import get_channel_layer

from restflow_testing import (
    AsyncAPITestCase,
    AsyncAPITransactionTestCase,
    WebSocketDisconnect,
)
from tests.project.app.consumers_websocket import broadcast_article
from tests.project.app.models import Article, Tag

IN_TEST_TRANSACTION = connection.vendor == "sqlite"
if TYPE_CHECKING or IN_TEST_TRANSACTION:
    ChannelsTestCase = AsyncAPITestCase
else:
    ChannelsTestCase = AsyncAPITransactionTestCase

CHANNELS_APP = "tests.project.asgi_websocket.application"


@override_settings(ASGI_APPLICATION=CHANNELS_APP)
class Consumers(ChannelsTestCase):
    async def asyncSetUp(self) -> None:
        self.user = await sync_to_async(User.objects.create_user)("grace", password="secret")

    async def asyncTearDown(self) -> None:
        layer = get_channel_layer()
        if layer is not None:
            await layer.flush()

    async def whoami(self) -> dict[str, Any]:
        async with self.client.websocket_connect("/ws/whoami/", headers={"X-Trace": "t"}) as ws:
            described: dict[str, Any] = await ws.receive_json()
            return described

    async def test_anonymous_behind_the_auth_middleware(self) -> None:
        described = await self.whoami()
        self.assertEqual((described["user"], described["authenticated"]), ("", False))
        self.assertEqual(described["headers"]["x-trace"], "t")

    async def test_forced_authentication_survives_the_auth_middleware(self) -> None:
        self.client.force_authenticate(self.user)
        described = await self.whoami()
        self.assertEqual((described["user"], described["authenticated"]), ("grace", True))
        # The middleware's session lookup neither replaced the user nor touched the test's object.
        self.assertNotIn("_wrapped", vars(self.user))

    async def test_a_session_login_reaches_the_consumer_through_the_cookie(self) -> None:
        self.assertTrue(await self.client.alogin(username="grace", password="secret"))
        described = await self.whoami()
        self.assertEqual((described["user"], described["authenticated"]), ("grace", True))
        await self.client.alogout()
        self.assertEqual((await self.whoami())["authenticated"], False)

    async def test_credentials_arrive_in_the_scopes_headers(self) -> None:
        self.client.credentials(HTTP_AUTHORIZATION="Bearer xyz")
        self.assertEqual((await self.whoami())["headers"]["authorization"], "Bearer xyz")

    async def test_subprotocols_text_and_bytes_with_an_async_consumer(self) -> None:
        async with self.client.websocket_connect("/ws/chat/", subprotocols=["chat"]) as ws:
            self.assertEqual(ws.accepted_subprotocol, "chat")
            await ws.send_text("hi")
            self.assertEqual(await ws.receive_text(), "echo:hi")
            await ws.send_bytes(b"\x01\x02")
            self.assertEqual(await ws.receive_bytes(), b"\x01\x02")

    async def test_a_consumer_that_refuses_raises_on_entering(self) -> None:
        with self.assertRaises(WebSocketDisconnect) as caught:
            async with self.client.websocket_connect("/ws/chat/"):
                pass
        self.assertEqual(caught.exception.code, 4000)

    async def test_a_consumers_exception_is_raised_in_the_test(self) -> None:
        with self.assertRaisesRegex(ValueError, "the consumer failed"):
            async with self.client.websocket_connect("/ws/chat/", subprotocols=["chat"]) as ws:
                await ws.send_text("fail")
                await ws.receive_text()

    async def test_sync_and_async_json_consumers_write_through_database_sync_to_async(
        self,
    ) -> None:
        replies: list[dict[str, Any]] = []
        for kind in ("sync", "async"):
            async with self.client.websocket_connect(f"/ws/tags/{kind}/") as ws:
                await ws.send_json({"tag": f"{kind}-tag"})
                replies.append(await ws.receive_json())
        rows = [(tag.pk, tag.name) async for tag in Tag.objects.order_by("pk")]
        self.assertEqual(rows, [(reply["id"], reply["tag"]) for reply in replies])
        self.assertEqual([reply["consumer"] for reply in replies], ["sync", "async"])
        self.assertEqual(
            {reply["in_atomic_block"] for reply in replies}, {IN_TEST_TRANSACTION}, replies
        )

    async def test_a_sync_view_reaches_connected_consumers_through_the_channel_layer(
        self,
    ) -> None:
        async with self.client.websocket_connect("/ws/tags/async/") as ws:
            response = await self.client.post("/channels/broadcast/", {"text": "extra!"})
            self.assertEqual(response.status_code, 202, response.content)
            self.assertEqual(await ws.receive_json(), {"consumer": "async", "news": "extra!"})

    async def test_rest_live_subscribe_nothing_create_broadcast(self) -> None:
        post_save.connect(broadcast_article, sender=Article)
        self.addCleanup(post_save.disconnect, broadcast_article, sender=Article)
        self.client.force_authenticate(self.user)
        async with self.client.websocket_connect("/ws/articles/") as ws:
            self.assertTrue(await ws.receive_nothing())
            article = await Article.objects.acreate(title="Hello")
            self.assertEqual(await ws.receive_json(), {"created": article.pk, "title": "Hello"})
            self.assertTrue(await ws.receive_nothing())

    @settings(max_examples=10, deadline=None)
    @given(name=st.from_regex(r"[a-z]{1,10}", fullmatch=True))
    async def test_a_connection_per_example(self, name: str) -> None:
        async with self.client.websocket_connect("/ws/tags/async/") as ws:
            await ws.send_json({"tag": name})
            reply = await ws.receive_json()
        self.assertEqual(reply["tag"], name)
        if IN_TEST_TRANSACTION:  # each example's rows roll back with its savepoint
            self.assertEqual(await Tag.objects.acount(), 1)


@skipIf(IN_TEST_TRANSACTION, "SQLite's in-memory test database is never closed")
@override_settings(ASGI_APPLICATION=CHANNELS_APP)
class ChannelsClosingTheTestTransaction(AsyncAPITestCase):
    async def test_the_error_names_the_transaction_test_case(self) -> None:
        with self.assertRaisesRegex(RuntimeError, "AsyncAPITransactionTestCase") as caught:
            async with self.client.websocket_connect("/ws/whoami/") as ws:
                await ws.receive_json()
        self.assertIn("#30448", str(caught.exception))
