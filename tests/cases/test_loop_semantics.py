"""The test loop behaves as under Django's own async tests, case by case.

Django runs an ``async def`` test method with ``async_to_sync``: the test's event loop runs on
another thread while the test's thread waits and serves the thread-sensitive sync work
(``sync_to_async``). The test cases and the pytest plugin run their loop the same way, so each
check below runs against :class:`~restflow_testing.AsyncAPITestCase` (or its simple twin), as a
pytest-plugin test, and, where it is cheap, under Django's own test case with Django's
``AsyncClient`` (the reference): all must agree. The views they call are under ``/loop/``
(``tests/project/app/views_loop.py``).
"""

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, ParamSpec, TypeVar, cast

import django
import django.test
import pytest
from asgiref.sync import SyncToAsync, ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core.signals import request_started
from django.db import connections
from django.test import override_settings
from django.test.client import AsyncClient
from django.utils.deprecation import MiddlewareMixin
from pytest_django import DjangoDbBlocker

from restflow_testing import (
    AsyncAPIClient,
    AsyncAPISimpleTestCase,
    AsyncAPITestCase,
    LeakedTaskError,
)
from tests.conftest import ROOT, RunUnittest
from tests.plugin.test_pytest_plugin import run, write
from tests.project.app.models import Tag
from tests.project.app.views_loop import LEAK_LOG, LOOP_REGISTRY, WAIT_TIMEOUT

pytest_plugins = ["pytester"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

REQUIRES_ASYNC_RECEIVERS_REASON = "Django signals await async receivers from Django 5.0 on"
REQUIRES_ASYNC_RECEIVERS = unittest.skipIf(django.VERSION < (5, 0), REQUIRES_ASYNC_RECEIVERS_REASON)
THREAD_LOCAL_MIDDLEWARE = [
    *settings.MIDDLEWARE,
    "tests.project.app.middleware_loop.ThreadLocalMiddleware",
]
ASYNC_PROCESS_REQUEST_MIDDLEWARE = [
    *settings.MIDDLEWARE,
    "tests.project.app.middleware_loop.AsyncProcessRequestMiddleware",
]


# -- The checks, each run under our test case, the plugin and Django's test case --------------
# ``client`` is the test's client: an AsyncAPIClient in ours and the plugin's, Django's
# AsyncClient in Django's; ``test_thread`` is the thread that ran setUp (the fixtures).


async def _set_after(event: asyncio.Event, delay: float) -> None:
    await asyncio.sleep(delay)
    event.set()


async def check_sync_view_waits_for_the_test_loop(
    case: unittest.TestCase, client: AsyncClient, test_thread: int, path: str
) -> None:
    """Case 1: a sync view blocks on a coroutine that waits for an event the test's loop sets."""
    loop = asyncio.get_running_loop()
    event = asyncio.Event()
    LOOP_REGISTRY.clear()
    LOOP_REGISTRY.event = event
    LOOP_REGISTRY.loop = loop
    setter = asyncio.create_task(_set_after(event, 0.05))
    try:
        response = await asyncio.wait_for(client.get(path), WAIT_TIMEOUT)
    finally:
        setter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await setter
        LOOP_REGISTRY.clear()
    case.assertEqual(response.status_code, 200, response.content)
    case.assertTrue(event.is_set())
    # The coroutine ran on the test's loop; the sync view on the test's thread.
    case.assertEqual(response.json(), {"loop": id(loop), "thread": test_thread})


async def check_wait_for_times_out_during_a_sync_view(
    case: unittest.TestCase, client: AsyncClient
) -> None:
    """Case 2: the loop stays free while a sync view blocks the test's thread."""
    started = time.monotonic()
    with case.assertRaises(TimeoutError):
        await asyncio.wait_for(client.get("/loop/sync-sleep/?delay=2"), 0.5)
    elapsed = time.monotonic() - started
    case.assertGreaterEqual(elapsed, 0.45)
    case.assertLess(elapsed, 1.5)


async def check_sync_middleware_thread_local_stays_on_its_thread(
    case: unittest.TestCase, client: AsyncClient
) -> None:
    """Case 3: a thread-local a sync middleware sets is not seen by the async view."""
    response = await client.get("/loop/thread-local/")
    case.assertEqual(response.status_code, 200, response.content)
    value_set = response["X-Local-Set"]
    case.assertTrue(value_set)  # process_request ran
    case.assertEqual(response["X-Local-Seen-By-Response"], value_set)  # on one thread
    case.assertEqual(response.json(), {"seen": None})  # the async view runs on another


async def check_thread_local_set_in_sync_to_async_stays_on_its_thread(
    case: unittest.TestCase,
) -> None:
    """Case 3: a thread-local set inside sync_to_async is not seen by the async test."""
    local = threading.local()

    def set_value() -> None:
        local.value = "set in sync code"

    def get_value() -> object:
        return getattr(local, "value", None)

    await sync_to_async(set_value)()
    case.assertIsNone(get_value())
    case.assertEqual(await sync_to_async(get_value)(), "set in sync code")


async def check_async_request_started_receiver_runs_on_the_test_loop(
    case: unittest.TestCase, client: AsyncClient
) -> None:
    """Case 4: an async ``request_started`` receiver runs on the test's loop."""
    loops: list[asyncio.AbstractEventLoop] = []

    async def receiver(sender: object, **kwargs: object) -> None:
        loops.append(asyncio.get_running_loop())

    request_started.connect(receiver)
    try:
        response = await client.get("/loop/async-echo/")
    finally:
        request_started.disconnect(receiver)
    case.assertEqual(response.status_code, 200, response.content)
    case.assertEqual(len(loops), 1)
    case.assertIs(loops[0], asyncio.get_running_loop())


async def check_async_process_request_is_a_type_error(
    case: unittest.TestCase, client: AsyncClient
) -> None:
    """Case 5: ``async def process_request`` on a MiddlewareMixin fails as Django makes it fail."""
    with case.assertRaisesRegex(TypeError, "sync_to_async can only be applied to sync functions"):
        await client.get("/loop/async-echo/")


class RecordingSyncToAsync(SyncToAsync[_P, _R]):
    """A ``SyncToAsync`` that wraps the work in its own ``thread_handler``, as Channels'
    ``database_sync_to_async`` does (which closes old connections around it)."""

    def __init__(self, func: Callable[_P, _R], handled_on: list[int]) -> None:
        super().__init__(func)
        self.handled_on = handled_on

    def thread_handler(self, loop: asyncio.AbstractEventLoop, *args: Any, **kwargs: Any) -> Any:
        self.handled_on.append(threading.get_ident())
        handler = cast("Callable[..., Any]", super().thread_handler)  # unannotated in asgiref
        return handler(loop, *args, **kwargs)


def _write_tag(name: str) -> tuple[int, bool]:
    Tag.objects.create(name=name)
    return threading.get_ident(), connections["default"].in_atomic_block


async def check_sync_to_async_subclass_keeps_its_thread_handler(
    case: unittest.TestCase, test_thread: int
) -> None:
    """Case 6: a SyncToAsync subclass's thread_handler runs; its work on the test's thread."""
    handled_on: list[int] = []
    name = f"handler-{uuid.uuid4().hex[:12]}"
    thread, in_atomic_block = await RecordingSyncToAsync(_write_tag, handled_on)(name)
    case.assertEqual(handled_on, [test_thread])
    case.assertEqual(thread, test_thread)
    case.assertTrue(in_atomic_block)
    case.assertTrue(await Tag.objects.filter(name=name).aexists())


async def check_view_in_thread_sensitive_context_writes_in_the_transaction(
    case: unittest.TestCase, client: AsyncClient, test_thread: int, name: str
) -> None:
    """Case 7: a sync DRF view reached inside ThreadSensitiveContext writes in the transaction."""
    async with ThreadSensitiveContext():
        response = await client.post("/loop/write-tag/", {"name": name})
    case.assertEqual(response.status_code, 201, response.content)
    case.assertEqual(response.json(), {"thread": test_thread, "in_atomic_block": True})
    case.assertTrue(await Tag.objects.filter(name=name).aexists())


# -- Cases 1 to 7 under our test case --------------------------------------------------------


class SyncCodeReachesTheTestLoopTests(AsyncAPITestCase):
    """Case 1: sync code on the test's thread may wait for the test's loop."""

    def setUp(self) -> None:
        self.test_thread = threading.get_ident()

    async def test_a_sync_view_calling_async_to_sync_completes(self) -> None:
        await check_sync_view_waits_for_the_test_loop(
            self, self.client, self.test_thread, "/loop/async-to-sync/"
        )

    async def test_a_sync_view_running_a_coroutine_threadsafe_completes(self) -> None:
        await check_sync_view_waits_for_the_test_loop(
            self, self.client, self.test_thread, "/loop/run-coroutine-threadsafe/"
        )


class TimeoutDuringASyncViewTests(AsyncAPITestCase):
    """Case 2."""

    async def test_wait_for_times_out_while_a_sync_view_blocks(self) -> None:
        await check_wait_for_times_out_during_a_sync_view(self, self.client)


@override_settings(MIDDLEWARE=THREAD_LOCAL_MIDDLEWARE)
class ThreadLocalTests(AsyncAPITestCase):
    """Case 3."""

    async def test_a_sync_middleware_thread_local_is_not_seen_by_an_async_view(self) -> None:
        await check_sync_middleware_thread_local_stays_on_its_thread(self, self.client)

    async def test_a_thread_local_set_in_sync_to_async_is_not_seen_by_the_test(self) -> None:
        await check_thread_local_set_in_sync_to_async_stays_on_its_thread(self)


class AsyncReceiverTests(AsyncAPISimpleTestCase):
    """Case 4."""

    @REQUIRES_ASYNC_RECEIVERS
    async def test_an_async_request_started_receiver_runs_on_the_test_loop(self) -> None:
        await check_async_request_started_receiver_runs_on_the_test_loop(self, self.client)


@override_settings(MIDDLEWARE=ASYNC_PROCESS_REQUEST_MIDDLEWARE)
class AsyncProcessRequestTests(AsyncAPISimpleTestCase):
    """Case 5."""

    async def test_async_process_request_gives_djangos_type_error(self) -> None:
        await check_async_process_request_is_a_type_error(self, self.client)


class SyncToAsyncSubclassTests(AsyncAPITestCase):
    """Case 6."""

    def setUp(self) -> None:
        self.test_thread = threading.get_ident()

    async def test_its_thread_handler_runs_and_its_work_is_in_the_transaction(self) -> None:
        await check_sync_to_async_subclass_keeps_its_thread_handler(self, self.test_thread)


class ThreadSensitiveContextViewTests(AsyncAPITestCase):
    """Case 7 (the direct variant is in test_cases_loop.py)."""

    def setUp(self) -> None:
        self.test_thread = threading.get_ident()

    async def test_a_sync_view_writes_in_the_test_transaction(self) -> None:
        await check_view_in_thread_sensitive_context_writes_in_the_transaction(
            self, self.client, self.test_thread, f"tsc-{uuid.uuid4().hex[:12]}"
        )


# -- Cases 1 to 7 under Django's own test cases (the reference) -------------------------------


class DjangoSyncCodeReachesTheTestLoopTests(django.test.TestCase):
    def setUp(self) -> None:
        self.test_thread = threading.get_ident()

    async def test_a_sync_view_calling_async_to_sync_completes(self) -> None:
        await check_sync_view_waits_for_the_test_loop(
            self, self.async_client, self.test_thread, "/loop/async-to-sync/"
        )

    async def test_a_sync_view_running_a_coroutine_threadsafe_completes(self) -> None:
        await check_sync_view_waits_for_the_test_loop(
            self, self.async_client, self.test_thread, "/loop/run-coroutine-threadsafe/"
        )


class DjangoTimeoutDuringASyncViewTests(django.test.TestCase):
    async def test_wait_for_times_out_while_a_sync_view_blocks(self) -> None:
        await check_wait_for_times_out_during_a_sync_view(self, self.async_client)


@override_settings(MIDDLEWARE=THREAD_LOCAL_MIDDLEWARE)
class DjangoThreadLocalTests(django.test.TestCase):
    async def test_a_sync_middleware_thread_local_is_not_seen_by_an_async_view(self) -> None:
        await check_sync_middleware_thread_local_stays_on_its_thread(self, self.async_client)

    async def test_a_thread_local_set_in_sync_to_async_is_not_seen_by_the_test(self) -> None:
        await check_thread_local_set_in_sync_to_async_stays_on_its_thread(self)


class DjangoAsyncReceiverTests(django.test.SimpleTestCase):
    @REQUIRES_ASYNC_RECEIVERS
    async def test_an_async_request_started_receiver_runs_on_the_test_loop(self) -> None:
        await check_async_request_started_receiver_runs_on_the_test_loop(self, self.async_client)


@override_settings(MIDDLEWARE=ASYNC_PROCESS_REQUEST_MIDDLEWARE)
class DjangoAsyncProcessRequestTests(django.test.SimpleTestCase):
    async def test_async_process_request_gives_djangos_type_error(self) -> None:
        await check_async_process_request_is_a_type_error(self, self.async_client)


class DjangoSyncToAsyncSubclassTests(django.test.TestCase):
    def setUp(self) -> None:
        self.test_thread = threading.get_ident()

    async def test_its_thread_handler_runs_and_its_work_is_in_the_transaction(self) -> None:
        await check_sync_to_async_subclass_keeps_its_thread_handler(self, self.test_thread)


class DjangoThreadSensitiveContextViewTests(django.test.TestCase):
    def setUp(self) -> None:
        self.test_thread = threading.get_ident()

    async def test_a_sync_view_writes_in_the_test_transaction(self) -> None:
        await check_view_in_thread_sensitive_context_writes_in_the_transaction(
            self, self.async_client, self.test_thread, f"tsc-{uuid.uuid4().hex[:12]}"
        )


# -- Cases 1 to 7 under the pytest plugin (a loop per test; pytest's thread serves) -----------

ASSERT = unittest.TestCase()  # unittest's assertion methods, for the checks above


@pytest.fixture
def pytest_thread() -> int:
    """The thread that sets up the fixtures and serves the test's sync work."""
    return threading.get_ident()


@pytest.fixture
def thread_local_middleware() -> Iterator[None]:
    with override_settings(MIDDLEWARE=THREAD_LOCAL_MIDDLEWARE):
        yield


@pytest.fixture
def async_process_request_middleware() -> Iterator[None]:
    with override_settings(MIDDLEWARE=ASYNC_PROCESS_REQUEST_MIDDLEWARE):
        yield


@pytest.mark.parametrize("path", ["/loop/async-to-sync/", "/loop/run-coroutine-threadsafe/"])
async def test_plugin_sync_code_reaches_the_test_loop(
    async_api_client: AsyncAPIClient, pytest_thread: int, path: str
) -> None:
    await check_sync_view_waits_for_the_test_loop(ASSERT, async_api_client, pytest_thread, path)


async def test_plugin_wait_for_times_out_while_a_sync_view_blocks(
    async_api_client: AsyncAPIClient,
) -> None:
    await check_wait_for_times_out_during_a_sync_view(ASSERT, async_api_client)


@pytest.mark.usefixtures("thread_local_middleware")
async def test_plugin_sync_middleware_thread_local_is_not_seen_by_an_async_view(
    async_api_client: AsyncAPIClient,
) -> None:
    await check_sync_middleware_thread_local_stays_on_its_thread(ASSERT, async_api_client)


async def test_plugin_thread_local_set_in_sync_to_async_is_not_seen_by_the_test() -> None:
    await check_thread_local_set_in_sync_to_async_stays_on_its_thread(ASSERT)


@pytest.mark.skipif(django.VERSION < (5, 0), reason=REQUIRES_ASYNC_RECEIVERS_REASON)
async def test_plugin_async_request_started_receiver_runs_on_the_test_loop(
    async_api_client: AsyncAPIClient,
) -> None:
    await check_async_request_started_receiver_runs_on_the_test_loop(ASSERT, async_api_client)


@pytest.mark.usefixtures("async_process_request_middleware")
async def test_plugin_async_process_request_gives_djangos_type_error(
    async_api_client: AsyncAPIClient,
) -> None:
    await check_async_process_request_is_a_type_error(ASSERT, async_api_client)


@pytest.mark.django_db
async def test_plugin_sync_to_async_subclass_keeps_its_thread_handler(pytest_thread: int) -> None:
    await check_sync_to_async_subclass_keeps_its_thread_handler(ASSERT, pytest_thread)


@pytest.mark.django_db
async def test_plugin_view_in_thread_sensitive_context_writes_in_the_transaction(
    async_api_client: AsyncAPIClient, pytest_thread: int
) -> None:
    await check_view_in_thread_sensitive_context_writes_in_the_transaction(
        ASSERT, async_api_client, pytest_thread, f"tsc-{uuid.uuid4().hex[:12]}"
    )


# -- Case 7: the view's row is rolled back after the test ------------------------------------


@pytest.mark.parametrize("flavour", ["ours", "django"])
def test_a_row_a_view_writes_inside_a_thread_sensitive_context_is_rolled_back(
    run_unittest: RunUnittest, django_db_blocker: DjangoDbBlocker, flavour: str
) -> None:
    name = f"tsc-{flavour}-{uuid.uuid4().hex[:12]}"
    test_thread = threading.get_ident()  # run_unittest runs the class on this thread

    class Ours(AsyncAPITestCase):
        async def test_writes(self) -> None:
            await check_view_in_thread_sensitive_context_writes_in_the_transaction(
                self, self.client, test_thread, name
            )

    class Djangos(django.test.TestCase):
        async def test_writes(self) -> None:
            await check_view_in_thread_sensitive_context_writes_in_the_transaction(
                self, self.async_client, test_thread, name
            )

    report = run_unittest(Ours if flavour == "ours" else Djangos)

    assert report.result.wasSuccessful(), report.output
    assert report.result.testsRun == 1
    with django_db_blocker.unblock():
        assert not Tag.objects.filter(name=name).exists()


# -- Case 8: worker threads do not carry state from one test to the next ---------------------

WORKER_LOCAL = threading.local()
Role = Literal["spawns", "reads"]


@dataclass
class WorkerRecord:
    """What the tests of a :class:`_WorkerStateProbe` class saw, for the outer test to check."""

    baseline: set[threading.Thread]  # threads alive before the class ran
    prefix: str  # the name prefix of the loop's worker threads
    workers: dict[str, list[threading.Thread]] = field(
        default_factory=dict[str, list[threading.Thread]]
    )
    seen: dict[str, list[object]] = field(default_factory=dict[str, list[object]])
    stray: dict[str, list[str]] = field(default_factory=dict[str, list[str]])


def _read_then_set(role: str) -> tuple[object, threading.Thread]:
    seen: object = getattr(WORKER_LOCAL, "value", None)
    WORKER_LOCAL.value = role
    return seen, threading.current_thread()


class _WorkerStateProbe:
    """Two tests that run work on worker threads (``thread_sensitive=False``), in the order
    ``order`` gives; mixed into our simple test case and into Django's."""

    order: ClassVar[tuple[Role, Role]]
    record: ClassVar[WorkerRecord]

    async def test_1(self) -> None:
        await self._run(self.order[0])

    async def test_2(self) -> None:
        await self._run(self.order[1])

    async def _run(self, role: Role) -> None:
        record = self.record
        # Worker threads of earlier tests of this class must be gone by now.
        record.stray[role] = [
            thread.name
            for thread in threading.enumerate()
            if record.prefix in thread.name and thread not in record.baseline
        ]
        calls = 4 if role == "spawns" else 1
        outcomes = await asyncio.gather(
            *(sync_to_async(_read_then_set, thread_sensitive=False)(role) for _ in range(calls))
        )
        record.seen[role] = [seen for seen, _ in outcomes]
        record.workers[role] = [worker for _, worker in outcomes]


@pytest.mark.parametrize(
    ("base", "prefix"),
    [(AsyncAPISimpleTestCase, "restflow-testing worker"), (django.test.SimpleTestCase, "asyncio_")],
    ids=["ours", "django"],
)
@pytest.mark.parametrize("order", [("spawns", "reads"), ("reads", "spawns")], ids=str)
def test_worker_thread_state_does_not_reach_the_next_test(
    run_unittest: RunUnittest,
    base: type[django.test.SimpleTestCase],
    prefix: str,
    order: tuple[Role, Role],
) -> None:
    record = WorkerRecord(baseline=set(threading.enumerate()), prefix=prefix)
    case: type[unittest.TestCase] = type(
        "WorkerState", (_WorkerStateProbe, base), {"order": order, "record": record}
    )

    report = run_unittest(case)

    assert report.result.wasSuccessful(), report.output
    assert report.result.testsRun == 2
    # Each worker thread a test used started out blank (its first call saw nothing), and saw
    # at most what the same test set: nothing of the other test's.
    for role in order:
        seen, workers = record.seen[role], record.workers[role]
        assert set(seen) <= {None, role}, (role, seen)
        assert seen.count(None) == len(set(workers)), (role, seen, workers)
    workers = [worker for role in order for worker in record.workers[role]]
    assert all(worker.name.startswith(prefix) for worker in workers), workers
    assert not set(record.workers[order[0]]) & set(record.workers[order[1]])
    if base is not AsyncAPISimpleTestCase:
        # Django's tests get fresh worker threads per test too (a new loop, with a new default
        # executor, per async_to_sync call), but asgiref before 3.9 closes that loop without
        # shutting its executor down: the threads end whenever the executor is collected.
        return
    # No worker thread of the first test was still there when the second started.
    assert record.stray == {"spawns": [], "reads": []}
    # And none survives the class.
    assert [worker.name for worker in workers if worker.is_alive()] == []


# -- Case 11: tasks a view leaves running ----------------------------------------------------


def test_a_task_a_view_leaves_running_fails_the_test_by_default(
    run_unittest: RunUnittest,
) -> None:
    class Leaky(AsyncAPISimpleTestCase):
        async def test_leaks(self) -> None:
            response = await self.client.get("/loop/leak-task/")
            self.assertEqual(response.status_code, 200)

    LEAK_LOG.clear()
    report = run_unittest(Leaky)

    assert len(report.result.errors) == 1, report.output
    assert LeakedTaskError.__name__ in report.result.errors[0][1], report.output
    assert "left 1 asyncio task(s) running" in report.output
    assert "_run_forever" in report.output
    assert LEAK_LOG == ["started", "finally"]  # cancelled, and its finally ran


def test_leaked_tasks_cancel_cancels_the_task_quietly(run_unittest: RunUnittest) -> None:
    class Leaky(AsyncAPISimpleTestCase):
        leaked_tasks = "cancel"

        async def test_leaks(self) -> None:
            response = await self.client.get("/loop/leak-task/")
            self.assertEqual(response.status_code, 200)

    LEAK_LOG.clear()
    report = run_unittest(Leaky)

    assert report.result.wasSuccessful(), report.output
    assert report.result.testsRun == 1
    assert LEAK_LOG == ["started", "finally"]


def test_djangos_test_case_cancels_a_leaked_task_quietly(run_unittest: RunUnittest) -> None:
    # The reference for leaked_tasks = "cancel": asyncio.run, under async_to_sync, cancels it.
    class Leaky(django.test.SimpleTestCase):
        async def test_leaks(self) -> None:
            response = await self.async_client.get("/loop/leak-task/")
            self.assertEqual(response.status_code, 200)

    LEAK_LOG.clear()
    report = run_unittest(Leaky)

    assert report.result.wasSuccessful(), report.output
    assert LEAK_LOG == ["started", "finally"]


def test_an_invalid_leaked_tasks_value_names_the_choices(run_unittest: RunUnittest) -> None:
    class Invalid(AsyncAPISimpleTestCase):
        leaked_tasks = "ignore"  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]

        async def test_anything(self) -> None:
            await asyncio.sleep(0)

    report = run_unittest(Invalid)

    assert len(report.result.errors) == 1, report.output
    assert "ValueError: Invalid.leaked_tasks: leaked_tasks must be 'fail' (the default) or " in (
        report.output
    )
    assert "'cancel', not 'ignore'" in report.output


PLUGIN_LEAKS = """
from collections.abc import Iterator

import pytest
from restflow_testing import AsyncAPIClient
from tests.project.app.views_loop import LEAK_LOG


@pytest.fixture
def leak_log() -> Iterator[list[str]]:
    LEAK_LOG.clear()
    yield LEAK_LOG
    assert LEAK_LOG == ["started", "finally"], "the view's task was not cancelled"


@pytest.mark.leaked_tasks("cancel")
async def test_cancel(leak_log: list[str], async_api_client: AsyncAPIClient) -> None:
    response = await async_api_client.get("/loop/leak-task/")
    assert response.status_code == 200
    assert leak_log == ["started"]


async def test_fail(leak_log: list[str], async_api_client: AsyncAPIClient) -> None:
    response = await async_api_client.get("/loop/leak-task/")
    assert response.status_code == 200


@pytest.mark.leaked_tasks("ignore")
async def test_bad_mark() -> None:
    pass
"""


def test_the_leaked_tasks_mark_of_the_pytest_plugin(inner: pytest.Pytester) -> None:
    write(inner, "test_leaks", PLUGIN_LEAKS)

    result = run(inner)

    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*::test_cancel PASSED*",
            "*::test_fail FAILED*",
            "*::test_bad_mark FAILED*",
        ],
        consecutive=False,
    )
    output = result.stdout.str()
    assert "LeakedTaskError: Test test_leaks.py::test_fail left 1 asyncio task(s)" in output
    assert (
        "UsageError: test_leaks.py::test_bad_mark: leaked_tasks must be 'fail' (the default) "
        "or 'cancel', not 'ignore'."
    ) in output


# -- asgiref and Django are left as they are --------------------------------------------------

PATCHABLE = ("SyncToAsync.__call__", "SyncToAsync.__init__", "MiddlewareMixin.__acall__")


def _current_functions() -> dict[str, object]:
    return {
        "SyncToAsync.__call__": SyncToAsync.__dict__["__call__"],
        "SyncToAsync.__init__": SyncToAsync.__dict__["__init__"],
        "MiddlewareMixin.__acall__": MiddlewareMixin.__dict__["__acall__"],
    }


AT_IMPORT = _current_functions()


def _assert_untouched() -> None:
    now = _current_functions()
    assert all(now[name] is AT_IMPORT[name] for name in PATCHABLE), now
    for name, function in now.items():
        module = (
            "django.utils.deprecation" if name.startswith("MiddlewareMixin") else "asgiref.sync"
        )
        assert getattr(function, "__module__", None) == module, (name, function)
        assert getattr(function, "__qualname__", None) == name, (name, function)


UNTOUCHED_SCRIPT = """
import io
import json
import sys
import unittest

from asgiref.sync import SyncToAsync
from django.utils.deprecation import MiddlewareMixin


def current():
    return {
        "SyncToAsync.__call__": SyncToAsync.__dict__["__call__"],
        "SyncToAsync.__init__": SyncToAsync.__dict__["__init__"],
        "MiddlewareMixin.__acall__": MiddlewareMixin.__dict__["__acall__"],
    }


def same(seen):
    return {name: seen[name] is before[name] for name in before}


loaded_first = sorted(name for name in sys.modules if name.startswith("restflow_testing"))
before = current()

import restflow_testing
import restflow_testing.pytest_plugin

import django

django.setup()

import restflow_testing.cases
import restflow_testing.client
import restflow_testing.strategies
from restflow_testing import AsyncAPISimpleTestCase

after = current()
during = {}


class Probe(AsyncAPISimpleTestCase):
    async def test_async(self):
        response = await self.client.get("/loop/async-echo/")
        assert response.status_code == 200, response.status_code
        during["async test"] = same(current())

    def test_sync(self):
        during["sync test"] = same(current())


stream = io.StringIO()
result = unittest.TextTestRunner(stream=stream).run(
    unittest.defaultTestLoader.loadTestsFromTestCase(Probe)
)
print(json.dumps({
    "loaded first": loaded_first,
    "passed": result.wasSuccessful(),
    "output": stream.getvalue(),
    "after import": same(after),
    "during": during,
}))
"""


def test_asgiref_and_django_are_the_same_before_and_after_import_and_in_a_test() -> None:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.project.settings"}
    completed = subprocess.run(
        [sys.executable, "-c", UNTOUCHED_SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["loaded first"] == []
    assert report["passed"], report["output"]
    all_same = dict.fromkeys(PATCHABLE, True)
    assert report["after import"] == all_same
    assert report["during"] == {"async test": all_same, "sync test": all_same}


class UntouchedDuringATestTests(AsyncAPISimpleTestCase):
    async def test_async_test_and_its_requests_see_the_originals(self) -> None:
        response = await self.client.get("/loop/async-echo/")  # through MiddlewareMixin.__acall__
        self.assertEqual(response.status_code, 200)
        _assert_untouched()

    def test_sync_test_sees_the_originals(self) -> None:
        _assert_untouched()


async def test_a_pytest_plugin_test_sees_the_originals(async_api_client: AsyncAPIClient) -> None:
    response = await async_api_client.get("/loop/async-echo/")
    assert response.status_code == 200
    _assert_untouched()
