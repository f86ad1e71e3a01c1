"""Channels on the test loop (issue case 9): consumers driven by ``WebsocketCommunicator`` in an
``async def`` test, their ORM writes on the test's connection, and group messages sent by a sync
view through ``async_to_sync``; the same tests again in asyncio's debug mode, where a loop used
from the wrong thread raises instead of going unnoticed.
"""

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection

pytest.importorskip("channels", reason="Channels is not installed (it is in the dev extra)")

from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from pytest_django import DjangoDbBlocker

from restflow_testing import AsyncAPITestCase, AsyncAPITransactionTestCase
from tests.conftest import RunUnittest
from tests.project.app.consumers import AsyncTagConsumer, SyncTagConsumer
from tests.project.app.models import Article, Tag

ROOT = Path(__file__).resolve().parents[2]
# WebsocketCommunicator waits 1 s by default; debug mode and busy CI machines are slower.
TIMEOUT = 10.0
# What asyncio prints in debug mode when its loop is used from another thread, and the other
# complaints of a loop misused.
ASYNCIO_COMPLAINTS = (
    "non-thread-safe operation",
    "task was destroyed but it is pending",
    "exception in callback",
    "was never awaited",
)


# Channels' database_sync_to_async calls close_old_connections() around every handler, which
# closes a connection that is inside a transaction, as under Django's own TestCase (Channels
# recommends transactional tests). Django never closes SQLite's in-memory test database, so there
# the consumers' writes are shown inside the test's transaction; elsewhere they commit and the
# tables are flushed after each test.
IN_TEST_TRANSACTION = connection.vendor == "sqlite"
if TYPE_CHECKING or IN_TEST_TRANSACTION:
    ChannelsTestCase = AsyncAPITestCase
else:
    ChannelsTestCase = AsyncAPITransactionTestCase


class ChannelsOnTheTestLoop(ChannelsTestCase):
    async def asyncSetUp(self) -> None:
        # Every test starts from an empty table: the rows of the one before were rolled back.
        self.assertEqual(await Tag.objects.acount(), 0)
        self.assertEqual(await Article.objects.acount(), 0)

    async def asyncTearDown(self) -> None:
        layer = get_channel_layer()
        if layer is not None:
            await layer.flush()

    async def connect(self, communicator: WebsocketCommunicator) -> None:
        # Stops the consumer even when the test fails half-way (a second disconnect is harmless).
        self.addAsyncCleanup(communicator.disconnect, timeout=TIMEOUT)
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        self.assertTrue(connected)

    async def test_a_sync_consumer_writes_in_the_tests_transaction(self) -> None:
        communicator = WebsocketCommunicator(SyncTagConsumer.as_asgi(), "/ws/tags/")
        await self.connect(communicator)
        replies: list[Any] = []
        for name in ("sync-one", "sync-two"):
            await communicator.send_json_to({"tag": name})
            replies.append(await communicator.receive_json_from(timeout=TIMEOUT))
        await communicator.disconnect(timeout=TIMEOUT)

        rows = [(tag.pk, tag.name) async for tag in Tag.objects.order_by("id")]
        self.assertEqual(
            [(reply["id"], reply["tag"]) for reply in replies], rows, "the consumer's own rows"
        )
        self.assertEqual([name for _, name in rows], ["sync-one", "sync-two"])
        self.assertEqual(
            {reply["in_atomic_block"] for reply in replies}, {IN_TEST_TRANSACTION}, replies
        )
        self.assertEqual({reply["consumer"] for reply in replies}, {"sync"})

    async def test_an_async_consumer_writes_through_database_sync_to_async(self) -> None:
        communicator = WebsocketCommunicator(AsyncTagConsumer.as_asgi(), "/ws/tags/")
        await self.connect(communicator)
        await communicator.send_json_to({"tag": "async-one"})
        reply = await communicator.receive_json_from(timeout=TIMEOUT)
        await communicator.disconnect(timeout=TIMEOUT)

        tag = await Tag.objects.aget()
        self.assertEqual(tag.name, "async-one")
        self.assertEqual(reply["id"], tag.pk)
        self.assertEqual(reply["consumer"], "async")
        self.assertEqual(reply["in_atomic_block"], IN_TEST_TRANSACTION)

    async def test_a_sync_view_sends_to_the_group_of_connected_consumers(self) -> None:
        sync_side = WebsocketCommunicator(SyncTagConsumer.as_asgi(), "/ws/news/")
        async_side = WebsocketCommunicator(AsyncTagConsumer.as_asgi(), "/ws/news/")
        await self.connect(sync_side)
        await self.connect(async_side)

        response = await self.client.post("/channels/broadcast/", {"text": "extra!"})
        self.assertEqual(response.status_code, 202, response.content)
        relayed = [
            await sync_side.receive_json_from(timeout=TIMEOUT),
            await async_side.receive_json_from(timeout=TIMEOUT),
        ]
        # A consumer still answers its client after the group message, writing as before.
        await sync_side.send_json_to({"tag": "after-news"})
        answer = await sync_side.receive_json_from(timeout=TIMEOUT)
        await sync_side.disconnect(timeout=TIMEOUT)
        await async_side.disconnect(timeout=TIMEOUT)

        self.assertEqual(
            relayed,
            [{"consumer": "sync", "news": "extra!"}, {"consumer": "async", "news": "extra!"}],
        )
        article = await Article.objects.aget()  # written by the view
        self.assertEqual(
            (article.pk, article.title),
            (response.json(as_type=dict[str, object])["article"], "extra!"),
        )
        self.assertEqual(answer["tag"], "after-news")
        self.assertTrue(await Tag.objects.filter(pk=answer["id"], name="after-news").aexists())

    async def test_the_loop_is_in_debug_mode_when_asyncio_is(self) -> None:
        # What makes the run in a subprocess below a debug-mode run.
        asked = sys.flags.dev_mode or bool(os.environ.get("PYTHONASYNCIODEBUG"))
        self.assertEqual(asyncio.get_running_loop().get_debug(), asked)


# Outside pytest-django's transaction: on PostgreSQL, Channels' database_sync_to_async closes the
# connection the class's consumers use.
@pytest.mark.django_db(transaction=True)
def test_the_rows_consumers_and_views_wrote_are_rolled_back(
    run_unittest: RunUnittest, django_db_blocker: DjangoDbBlocker
) -> None:
    # One after the other on one thread: each test's asyncSetUp checks the tables are empty.
    report = run_unittest(ChannelsOnTheTestLoop)

    assert report.result.wasSuccessful(), report.output
    assert report.result.testsRun == 4, report.output
    with django_db_blocker.unblock():
        assert (Tag.objects.count(), Article.objects.count()) == (0, 0)


def test_the_same_tests_pass_in_asyncio_debug_mode() -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    env["PYTHONASYNCIODEBUG"] = "1"
    module = Path(__file__).relative_to(ROOT)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-v",
            "-s",  # no capture, and no logging plugin: whatever asyncio prints is in the output
            "-p",
            "no:logging",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            f"{module}::ChannelsOnTheTestLoop",
            f"{module}::test_the_rows_consumers_and_views_wrote_are_rolled_back",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # a hang fails here instead of blocking the suite
        check=False,
    )
    output = completed.stdout + completed.stderr

    assert completed.returncode == 0, output
    assert re.search(r"\b5 passed\b", output), output
    complaints = [text for text in ASYNCIO_COMPLAINTS if text in output.lower()]
    assert not complaints, output
