"""asyncSetUp, the test body and asyncTearDown share one event loop, for every kind of test."""

import asyncio
import threading

from asgiref.sync import sync_to_async

from restflow_testing import AsyncAPIClient, AsyncAPISimpleTestCase, AsyncAPITestCase
from tests.conftest import RunUnittest
from tests.project.app.models import Tag


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
        self.assertTrue(self.loop.is_running())
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


class ThreadTests(AsyncAPITestCase):
    """The ORM of async code runs on the thread (and connection) that set the test up."""

    setup_thread: int

    @classmethod
    def setUpTestData(cls) -> None:
        cls.setup_thread = threading.get_ident()
        Tag.objects.create(name="from-setup-test-data")

    async def test_async_orm_runs_on_the_set_up_thread(self) -> None:
        thread = await sync_to_async(threading.get_ident)()
        self.assertEqual(thread, self.setup_thread)
        self.assertTrue(await Tag.objects.filter(name="from-setup-test-data").aexists())
