"""asyncSetUp, the test body and asyncTearDown share one event loop, for every kind of test."""

import asyncio

from asgiref.sync import sync_to_async
from django.db import connections

from restflow_testing import AsyncAPIClient, AsyncAPISimpleTestCase, AsyncAPITestCase
from tests.conftest import RunUnittest
from tests.project.app.models import Article, Tag


class SharedLoopTests(AsyncAPISimpleTestCase):
    async def asyncSetUp(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.ready = asyncio.Event()
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.producer = asyncio.create_task(self.queue.put("from set-up"))

    async def asyncTearDown(self) -> None:
        if asyncio.get_running_loop() is not self.loop:
            raise AssertionError("asyncTearDown ran on another loop than asyncSetUp")
        await self.producer

    async def test_event_made_in_set_up_can_be_awaited(self) -> None:
        self.assertIs(asyncio.get_running_loop(), self.loop)
        asyncio.get_running_loop().call_later(0.01, self.ready.set)
        await asyncio.wait_for(self.ready.wait(), timeout=5)
        self.assertEqual(await self.queue.get(), "from set-up")

    def test_sync_tests_get_async_set_up_too(self) -> None:
        self.assertFalse(self.loop.is_closed())
        self.assertFalse(self.ready.is_set())

    async def test_client_is_the_async_api_client(self) -> None:
        self.assertIsInstance(self.client, AsyncAPIClient)
        self.assertIsInstance(self.async_client, AsyncAPIClient)
        response = await self.client.get("/restflow/echo/")
        self.assertEqual(response.status_code, 200)


class OrderTests(AsyncAPITestCase):
    events: list[str]

    def setUp(self) -> None:
        self.events = ["setUp"]

    async def asyncSetUp(self) -> None:
        self.events.append("asyncSetUp")
        self.addAsyncCleanup(self._record, "cleanup 1")
        self.addAsyncCleanup(self._record, "cleanup 2")

    async def _record(self, event: str) -> None:
        self.events.append(event)

    async def asyncTearDown(self) -> None:
        self.events.append("asyncTearDown")

    def tearDown(self) -> None:
        self.events.append("tearDown")
        self.assertEqual(
            self.events,
            ["setUp", "asyncSetUp", "test", "asyncTearDown", "cleanup 2", "cleanup 1", "tearDown"],
        )

    async def test_lifecycle_order(self) -> None:
        self.events.append("test")


def test_async_tear_down_and_cleanups_run_when_the_test_fails(run_unittest: RunUnittest) -> None:
    seen: list[str] = []

    class Failing(AsyncAPISimpleTestCase):
        async def asyncSetUp(self) -> None:
            self.addAsyncCleanup(self.cleanup)

        async def cleanup(self) -> None:
            seen.append("cleanup")

        async def asyncTearDown(self) -> None:
            seen.append("asyncTearDown")

        async def test_fails(self) -> None:
            self.fail("the test's own failure")

    report = run_unittest(Failing)
    assert len(report.result.failures) == 1
    assert "the test's own failure" in report.output
    assert seen == ["asyncTearDown", "cleanup"]


class ConnectionTests(AsyncAPITestCase):
    """The ORM of async code uses the connection that set the test up, in its transaction."""

    setup_connection_id: int  # an id: setUpTestData's attributes are deep-copied per test

    @classmethod
    def setUpTestData(cls) -> None:
        cls.setup_connection_id = id(connections["default"])
        Tag.objects.create(name="from-setup-test-data")

    async def test_async_orm_uses_the_set_up_connection(self) -> None:
        connection = await sync_to_async(lambda: connections["default"])()
        self.assertEqual(id(connection), self.setup_connection_id)
        self.assertTrue(await sync_to_async(lambda: connection.in_atomic_block)())
        self.assertTrue(await Tag.objects.filter(name="from-setup-test-data").aexists())

    async def test_views_write_through_the_same_transaction(self) -> None:
        response = await self.client.post("/drf/articles/", {"title": "From a sync view"})
        self.assertEqual(response.status_code, 201)
        self.assertTrue(await Article.objects.filter(title="From a sync view").aexists())
