"""asyncSetUp, the test body and asyncTearDown share one event loop, for every kind of test."""

import asyncio
import contextvars
import inspect
import threading
import unittest
from collections.abc import AsyncIterator, Callable

from asgiref.sync import ThreadSensitiveContext, async_to_sync, sync_to_async
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connections
from django.test import override_settings

from restflow_testing import AsyncAPIClient, AsyncAPISimpleTestCase, AsyncAPITestCase
from tests.conftest import RunUnittest
from tests.project.app.middleware import HOOK_THREADS
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


class ServerBookkeepingTests(AsyncAPITestCase):
    """request_started and request_finished receivers run on the test's thread and connection."""

    def setUp(self) -> None:
        self.test_thread = threading.get_ident()

    async def test_request_signal_receivers_share_the_test_transaction(self) -> None:
        seen: list[tuple[str, int, int, bool]] = []

        def record(signal_name: str) -> Callable[..., None]:
            def receiver(**kwargs: object) -> None:
                connection = connections["default"]
                seen.append(
                    (signal_name, threading.get_ident(), id(connection), connection.in_atomic_block)
                )
                Tag.objects.create(name=f"written on {signal_name}")

            return receiver

        on_started, on_finished = record("request_started"), record("request_finished")
        request_started.connect(on_started)
        request_finished.connect(on_finished)
        try:
            response = await self.client.get("/restflow/echo/")
        finally:
            request_started.disconnect(on_started)
            request_finished.disconnect(on_finished)

        self.assertEqual(response.status_code, 200)
        test_connection = await sync_to_async(lambda: id(connections["default"]))()
        self.assertEqual(
            seen,
            [
                ("request_started", self.test_thread, test_connection, True),
                ("request_finished", self.test_thread, test_connection, True),
            ],
        )
        names = [name async for name in Tag.objects.values_list("name", flat=True)]
        self.assertEqual(
            sorted(names), ["written on request_finished", "written on request_started"]
        )


class TaskSemanticsTests(AsyncAPISimpleTestCase):
    """A test body runs as a real asyncio task on a running loop, however quickly it finishes."""

    async def test_body_runs_in_a_task_on_a_running_loop(self) -> None:
        self.assertIsNotNone(asyncio.current_task())
        self.assertTrue(asyncio.get_running_loop().is_running())
        async with asyncio.timeout(5):
            await asyncio.sleep(0)

    async def test_callbacks_it_schedules_have_run_when_it_returns(self) -> None:
        calls: list[str] = []
        asyncio.get_running_loop().call_soon(calls.append, "soon")
        # Cleanups run once the test has returned to unittest, off the loop.
        self.addCleanup(lambda: self.assertEqual(calls, ["soon"]))

    async def test_an_abandoned_async_generator_is_closed_on_the_loop(self) -> None:
        closed = asyncio.Event()

        async def numbers() -> AsyncIterator[int]:
            try:
                yield 1
                yield 2
            finally:
                await asyncio.sleep(0)  # only possible when the loop closes the generator
                closed.set()

        generator = numbers()
        self.assertEqual(await anext(generator), 1)
        del generator  # the loop's finaliser schedules aclose() on the test's loop
        await asyncio.wait_for(closed.wait(), timeout=5)


REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("REQUEST_ID")


class SyncToAsyncOnTheTestLoopTests(AsyncAPITestCase):
    """What asgiref's ``sync_to_async`` promises holds on the test loop, as under Django's own
    async tests: thread-sensitive work runs on the test's thread, the loop on another."""

    def setUp(self) -> None:
        self.test_thread = threading.get_ident()

    async def test_thread_sensitive_work_runs_on_the_test_thread(self) -> None:
        self.assertEqual(await sync_to_async(threading.get_ident)(), self.test_thread)
        self.assertNotEqual(threading.get_ident(), self.test_thread)

    async def test_context_changes_made_by_sync_code_reach_the_caller(self) -> None:
        await sync_to_async(REQUEST_ID.set)("set in sync code")
        self.assertEqual(REQUEST_ID.get(), "set in sync code")

    @unittest.skipUnless(
        "context" in inspect.signature(sync_to_async).parameters,
        "this asgiref's sync_to_async takes no context= (added in asgiref 3.10 or later)",
    )
    async def test_an_explicit_context_is_the_one_the_work_runs_in(self) -> None:
        context = contextvars.copy_context()
        context.run(REQUEST_ID.set, "in the given context")
        seen = await sync_to_async(REQUEST_ID.get, context=context)()
        self.assertEqual(seen, "in the given context")
        self.assertIsNone(REQUEST_ID.get(None))

    async def test_sync_code_may_call_async_to_sync(self) -> None:
        async def count_tags() -> int:
            return await Tag.objects.acount()

        def count_from_sync_code() -> int:
            return async_to_sync(count_tags)()

        await Tag.objects.acreate(name="visible to the nested loop")
        self.assertEqual(await sync_to_async(count_from_sync_code)(), 1)

    async def test_a_loop_that_sync_code_starts_cannot_hand_work_back_to_its_thread(
        self,
    ) -> None:
        # As under Django's async tests: asgiref's error, not a hang.
        async def thread_of_sync_work() -> int:
            return await sync_to_async(threading.get_ident)()

        def run_a_loop_of_its_own() -> int:
            return asyncio.run(thread_of_sync_work())

        with self.assertRaisesRegex(RuntimeError, "from its own thread"):
            await sync_to_async(run_a_loop_of_its_own)()

    async def test_thread_sensitive_context_stays_on_the_test_thread_and_transaction(
        self,
    ) -> None:
        # As under Django's async tests: the thread of an outer async_to_sync comes first.
        async with ThreadSensitiveContext():
            worker = await sync_to_async(threading.get_ident)()
            in_transaction = await sync_to_async(lambda: connections["default"].in_atomic_block)()
            await Tag.objects.acreate(name="inside a ThreadSensitiveContext")
        self.assertEqual(worker, self.test_thread)
        self.assertTrue(in_transaction)
        self.assertEqual(await Tag.objects.acount(), 1)

    async def test_work_not_thread_sensitive_goes_to_a_worker_thread(self) -> None:
        worker = await sync_to_async(threading.get_ident, thread_sensitive=False)()
        self.assertNotEqual(worker, self.test_thread)
        self.assertNotEqual(worker, threading.get_ident())


@override_settings(
    MIDDLEWARE=[*settings.MIDDLEWARE, "tests.project.app.middleware.HookThreadsMiddleware"]
)
class MiddlewareOnTheTestLoopTests(AsyncAPISimpleTestCase):
    """Django's sync-capable middleware run their hooks on the test's thread, around the view."""

    def setUp(self) -> None:
        HOOK_THREADS.clear()
        self.test_thread = threading.get_ident()

    async def test_hooks_run_on_the_test_thread_around_the_view(self) -> None:
        response = await self.client.get("/django/echo/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["X-Hooks"], "ran")
        test_thread = self.test_thread
        self.assertEqual(HOOK_THREADS, [("request", test_thread), ("response", test_thread)])

    async def test_an_answer_from_process_request_skips_the_view_not_process_response(
        self,
    ) -> None:
        response = await self.client.get("/django/boom/", headers={"X-Answer": "yes"})
        self.assertEqual(response.status_code, 204)  # the view would have raised
        self.assertEqual(response["X-Hooks"], "ran")
        self.assertEqual([hook for hook, _ in HOOK_THREADS], ["request", "response"])

    def test_off_a_test_loop_the_hooks_run_where_django_runs_them(self) -> None:
        response = asyncio.run(AsyncAPIClient().get("/django/echo/"))
        self.assertEqual(response["X-Hooks"], "ran")
        self.assertEqual([hook for hook, _ in HOOK_THREADS], ["request", "response"])
        test_thread = threading.get_ident()
        self.assertNotIn(test_thread, [thread for _, thread in HOOK_THREADS])
