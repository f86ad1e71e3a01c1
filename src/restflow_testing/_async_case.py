"""The machinery shared by the async test cases: one event loop per class, per-example isolation.

Every test of a class runs on the class's :class:`~restflow_testing._loop_thread.LoopThread`:
``asyncSetUp``, the test body and ``asyncTearDown`` run on that loop (an ``async def`` test in
one call onto it), while the test's thread serves the sync work the loop hands off, so
everything the test and its views do happens in the test's transaction.

``@given`` tests run the Hypothesis engine on the test's thread; each example then runs on the
loop, between ``asyncSetUp`` and ``asyncTearDown``, with fresh clients, inside the isolation the
test case provides (a savepoint for [`AsyncAPITestCase`][restflow_testing.cases.AsyncAPITestCase]).
"""

from __future__ import annotations

import contextlib
import enum
import functools
import inspect
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.test import SimpleTestCase
from django.test.client import AsyncClient

from restflow_testing._async_given import (
    adapt_async_given,
    examples_run_by,
    is_hypothesis_test,
)
from restflow_testing._awaited_requests import every_request_awaited
from restflow_testing._example_rollback import OutboxAtStart
from restflow_testing._leaked_tasks import (
    LeakedTasks,
    check_leaked_tasks_mode,
    end_leaked_tasks,
    running_tasks,
)
from restflow_testing._loop_thread import LoopThread, call_on_serving_thread, running_loop
from restflow_testing.client import AsyncAPIClient

if TYPE_CHECKING:
    import asyncio

    from django.http.response import HttpResponseBase

_T = TypeVar("_T")

_HOOK_PAIRS = (("setUp", "asyncSetUp"), ("tearDown", "asyncTearDown"))
# What unittest and Django read off a test method (skips, expected failures).
_UNITTEST_MARKERS = ("__unittest_skip__", "__unittest_skip_why__", "__unittest_expecting_failure__")


class AsyncTestMixin:
    """Run every test of a Django test case on one event loop with ``asyncSetUp``/``asyncTearDown``.

    Mixed into Django's test case classes ahead of them; see the module docstring for the
    guarantees.
    """

    client_class: ClassVar[type[AsyncAPIClient]] = AsyncAPIClient
    """The class of ``self.client``: set it to a subclass of
    [`AsyncAPIClient`][restflow_testing.client.AsyncAPIClient] to give every test of the class
    its own defaults."""
    async_client_class: ClassVar[type[AsyncAPIClient]] = AsyncAPIClient
    """The class of ``self.async_client`` (the same client type: both are async)."""
    client: AsyncAPIClient
    """A fresh client for each test, and for each Hypothesis example of a ``@given`` test."""
    async_client: AsyncAPIClient
    """Django's name for the async client; a second, separate client of ``async_client_class``."""
    leaked_tasks: ClassVar[LeakedTasks] = "fail"
    """What happens to asyncio tasks a test (or an example) leaves running: ``"fail"`` raises
    [`LeakedTaskError`][restflow_testing._leaked_tasks.LeakedTaskError]; ``"cancel"`` cancels them
    quietly, as ``asyncio.run`` does, for code that starts fire-and-forget tasks on purpose."""

    _async_cleanups: list[tuple[Callable[..., Awaitable[object]], tuple[Any, ...], dict[str, Any]]]
    _before_examples: _StateBeforeExamples
    _class_loop: ClassVar[LoopThread | None] = None
    _lifecycle_hooks_checked: ClassVar[bool] = False

    if TYPE_CHECKING:
        _testMethodName: str

        def id(self) -> str: ...

    async def asyncSetUp(self) -> None:
        """Prepare the test on its event loop: runs after ``setUp``, before the test body.

        For ``@given`` tests it runs before each example instead, inside that example's isolation.
        """

    async def asyncTearDown(self) -> None:
        """Clean up on the test's event loop: runs after the test body, before ``tearDown``.

        It runs even when the test failed, but not when ``asyncSetUp`` failed. For ``@given``
        tests it runs after each example.
        """

    def addAsyncCleanup(
        self, function: Callable[..., Awaitable[object]], /, *args: Any, **kwargs: Any
    ) -> None:
        """Await ``function(*args, **kwargs)`` on the test's loop after ``asyncTearDown``.

        Cleanups run last-in, first-out, also when the test failed.
        """
        self._async_cleanups.append((function, args, kwargs))

    def assertRedirects(
        self,
        response: HttpResponseBase,
        expected_url: str,
        status_code: int = 302,
        target_status_code: int = 200,
        msg_prefix: str = "",
        fetch_redirect_response: bool = True,
    ) -> None:
        """Django's ``assertRedirects``, whose fetch of the redirect target (with the headers of
        the request that was redirected) also works for the async client's responses, in
        ``async def`` tests and plain ones alike."""
        client = getattr(response, "client", None)
        if not fetch_redirect_response or not isinstance(client, AsyncClient):
            super().assertRedirects(  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
                response,
                expected_url,
                status_code,
                target_status_code,
                msg_prefix,
                fetch_redirect_response,
            )
            return
        marked: Any = response
        marked.client = _BlockingGet(client, self._run_to_completion)
        try:
            super().assertRedirects(  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
                response, expected_url, status_code, target_status_code, msg_prefix, True
            )
        finally:
            marked.client = client

    def _run_to_completion(self, make: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
        """Run the coroutine ``make()`` makes from sync code: on the test's loop from the test's
        thread; from code on that loop (which waits meanwhile), on a loop of its own whose sync
        work the test's thread serves, with the test's connection."""
        if running_loop() is None:
            return self._test_loop().run(make())
        return call_on_serving_thread(lambda: _run_on_a_loop_of_its_own(make))

    # -- unittest / Django hooks ------------------------------------------------------------

    def __call__(self, result: Any = None) -> None:
        # Django's per-test set-up and teardown for every test, ``@given`` ones included
        # (Hypothesis' Django cases would skip them for ``@given`` tests).
        SimpleTestCase.__call__(self, result)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

    def _setup_and_call(self, result: Any, debug: bool = False) -> None:
        name = self._testMethodName
        setattr(self, name, self._run_on_one_loop(getattr(self, name)))
        try:
            super()._setup_and_call(result, debug)  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
        finally:
            # The runner refers back to this test case: dropping it lets the test's objects be
            # freed as soon as the suite lets go of the test, without a garbage collection.
            vars(self).pop(name, None)
            loop = type(self).__dict__.get("_class_loop")
            if loop is not None:
                loop.replace_workers()

    def _callSetUp(self) -> None:
        if not type(self).__dict__.get("_lifecycle_hooks_checked", False):
            _check_lifecycle_hooks(self)
            check_leaked_tasks_mode(self.leaked_tasks, f"{type(self).__name__}.leaked_tasks")
            type(self)._lifecycle_hooks_checked = True
        self._async_cleanups = []
        super()._callSetUp()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]

    @classmethod
    def tearDownClass(cls) -> None:
        loop = cls.__dict__.get("_class_loop")
        if loop is not None:
            cls._class_loop = None
            loop.close()
        super().tearDownClass()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]

    @classmethod
    def _test_loop(cls) -> LoopThread:
        """The loop every test of this class runs on, made on first use."""
        loop = cls.__dict__.get("_class_loop")
        if loop is None:
            loop = cls._class_loop = LoopThread()
            loop.record_as_sync_parent()
        return loop

    def execute_example(self, run_example: Callable[[], _T]) -> _T:
        """Run one Hypothesis example: fresh clients, asyncSetUp, the example, asyncTearDown.

        Hypothesis calls this for every example of a ``@given`` test; the whole sequence runs
        inside :meth:`_example_isolation`. Each example's clients start in the state ``setUp``
        left the test's clients in (credentials, forced authentication, cookies), and the mail
        outbox holds what was sent before the first example. ``asyncSetUp`` runs before the
        example's arguments are drawn, so strategies see the rows it made.
        """
        at_start = self.__dict__.get("_before_examples")
        if at_start is None:
            at_start = self._before_examples = _StateBeforeExamples(self)
        with self._example_isolation():
            at_start.give_fresh_clients(self)
            at_start.outbox.restore()
            self._async_cleanups = []
            loop = self._test_loop()
            # An async body's coroutine runs on the loop (a sync body ignores this).
            with examples_run_by(lambda body: loop.run(body())):
                return self._run_between_hooks(loop, run_example, "An example of")

    @contextlib.contextmanager
    def _example_isolation(self) -> Generator[None]:
        """What keeps one Hypothesis example's effects out of the next; nothing by default."""
        yield

    # -- running a test ---------------------------------------------------------------------

    def _run_on_one_loop(self, method: Callable[[], Any]) -> Callable[[], object]:
        loop = self._test_loop()
        function = getattr(method, "__func__", None)
        kind, markers = _describe(function) if function is not None else _describe_test(method)
        # Partials of plain functions, not of bound methods: Django asks whether the test is a
        # coroutine function, which inspect answers at once for a function.
        run_test: functools.partial[object]
        case = type(self)
        if kind is _Kind.GIVEN:
            run_test = functools.partial(_call, method)
        elif kind is _Kind.ASYNC:
            run_test = functools.partial(case._run_async_test_on, self, loop, method)
        else:
            run_test = functools.partial(case._run_between_hooks, self, loop, method, "Test")
        for marker, value in markers:
            setattr(run_test, marker, value)
        return run_test

    def _run_async_test_on(
        self, loop: LoopThread, method: Callable[[], Coroutine[Any, Any, object]]
    ) -> object:
        # asyncSetUp, the test and asyncTearDown in one call onto the loop.
        return loop.run(self._run_async_test(method))

    def _run_between_hooks(self, loop: LoopThread, body: Callable[[], _T], where: str) -> _T:
        """Run the sync ``body`` on this thread between the async hooks, each a call onto the
        loop when there is anything to run there: ``asyncSetUp``, ``asyncTearDown``, async
        cleanups, or tasks to check (sync code may start them through ``async_to_sync``)."""
        existing: set[asyncio.Task[object]] = set()
        with every_request_awaited(lambda: f"{where} {self.id()}"):
            if type(self).asyncSetUp is not AsyncTestMixin.asyncSetUp:
                existing = loop.run(self._set_up())
            failed = True
            try:
                outcome = body()
                failed = False
            finally:
                if (
                    type(self).asyncTearDown is not AsyncTestMixin.asyncTearDown
                    or self._async_cleanups
                    or loop.has_tasks()
                ):
                    loop.run(self._finish(existing, failed, where))
        return outcome

    async def _run_async_test(self, body: Callable[[], Awaitable[object]]) -> None:
        with every_request_awaited(lambda: f"Test {self.id()}"):
            existing = await self._set_up()
            failed = True
            try:
                await body()
                failed = False
            finally:
                await self._finish(existing, failed, "Test")

    async def _set_up(self) -> set[asyncio.Task[object]]:
        """``asyncSetUp``; returns the tasks that ran before it, for the leaked-task check.

        A task ``asyncSetUp`` starts belongs to the test: it may run until the test ends.
        """
        existing = running_tasks()
        if type(self).asyncSetUp is not AsyncTestMixin.asyncSetUp:
            await self.asyncSetUp()
        return existing

    async def _finish(self, existing: set[asyncio.Task[object]], failed: bool, where: str) -> None:
        """asyncTearDown, async cleanups, then the leaked-task check (reported unless failed)."""
        try:
            if type(self).asyncTearDown is not AsyncTestMixin.asyncTearDown:
                await self.asyncTearDown()
        finally:
            try:
                while self._async_cleanups:
                    function, args, kwargs = self._async_cleanups.pop()
                    await function(*args, **kwargs)
            finally:
                await end_leaked_tasks(
                    existing,
                    lambda: f"{where} {self.id()}",
                    mode=self.leaked_tasks,
                    report=not failed,
                )


class _StateBeforeExamples:
    """What every example of a ``@given`` test starts from: the clients and the mail outbox as
    they were when the first example started, after ``setUp``."""

    def __init__(self, case: AsyncTestMixin) -> None:
        # What setUp left: any client, though the classes make AsyncAPIClients.
        self._clients: tuple[object, object] = (case.client, case.async_client)
        self.outbox = OutboxAtStart()

    def give_fresh_clients(self, case: AsyncTestMixin) -> None:
        """Give ``case`` copies of its clients as ``setUp`` left them."""
        client, async_client = self._clients
        case.client = _copy_or_new(client, case.client_class)
        case.async_client = _copy_or_new(async_client, case.async_client_class)


def _copy_or_new(client: object, client_class: type[AsyncAPIClient]) -> AsyncAPIClient:
    if isinstance(client, AsyncAPIClient):
        return client._fresh_copy()
    return client_class()


class _Kind(enum.Enum):
    """How a test method runs: see :meth:`AsyncTestMixin._run_on_one_loop`."""

    GIVEN = "a Hypothesis @given test"
    ASYNC = "an async def test"
    SYNC = "a plain test"


def _describe_test(test: Callable[..., object]) -> tuple[_Kind, tuple[tuple[str, object], ...]]:
    """The kind of a test method, and the unittest markers (skips...) it carries.

    An async ``@given`` test is adapted to run its examples on the test loop along the way.
    """
    if is_hypothesis_test(test):
        adapt_async_given(test)
        kind = _Kind.GIVEN
    elif inspect.iscoroutinefunction(test):
        kind = _Kind.ASYNC
    else:
        kind = _Kind.SYNC
    markers = tuple(
        (name, getattr(test, name)) for name in _UNITTEST_MARKERS if hasattr(test, name)
    )
    return kind, markers


# A test function's kind and markers are fixed once its class is defined: work them out once.
_describe = functools.cache(_describe_test)


def _check_lifecycle_hooks(case: object) -> None:
    """Reject lifecycle hooks of the wrong colour with an error that names the fix."""
    for sync_name, async_name in _HOOK_PAIRS:
        if inspect.iscoroutinefunction(getattr(case, sync_name)):
            raise TypeError(
                f"{type(case).__name__}.{sync_name} is 'async def', so unittest would never "
                f"await it. Rename it to {async_name} (which runs on the test's event loop), "
                f"or make it a plain 'def'."
            )
        if not inspect.iscoroutinefunction(getattr(case, async_name)):
            raise TypeError(
                f"{type(case).__name__}.{async_name} must be 'async def'. Declare it as "
                f"'async def {async_name}(self) -> None', or rename it to {sync_name} if it "
                f"does not await anything."
            )


class _BlockingGet:
    """What Django's ``assertRedirects`` uses of ``response.client`` (``extra``, ``headers``,
    ``get``), with ``get`` blocking until the async client's response is there."""

    def __init__(
        self, client: AsyncClient, run: Callable[[Callable[[], Coroutine[Any, Any, Any]]], Any]
    ) -> None:
        self.extra: object = getattr(client, "extra", None)
        self.headers: object = getattr(client, "headers", None)
        self._client = client
        self._run = run

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._run(lambda: self._client.get(*args, **kwargs))


def _run_on_a_loop_of_its_own(make: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    loop = LoopThread()
    try:
        return loop.run(make())
    finally:
        loop.close()


def _call(function: Callable[[], object]) -> object:
    """Call ``function``: the runner of a ``@given`` test, whose examples Hypothesis hands to
    :meth:`AsyncTestMixin.execute_example`."""
    return function()
