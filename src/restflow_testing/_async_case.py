"""The machinery shared by the async test cases: one event loop per test, per-example isolation.

Every test method (``async def`` or not, ``@given`` or not) runs inside a single call of
:func:`asgiref.sync.async_to_sync`, so ``asyncSetUp``, the test body and ``asyncTearDown`` share
one event loop. The thread that started the test keeps the test's database connection and
serves every thread-sensitive ``sync_to_async`` call (the async ORM, sync views, sync
middleware), so everything the test and its views do happens in the test's transaction.

``@given`` tests run the Hypothesis engine on that same thread; each example then runs on the
test's loop, between ``asyncSetUp`` and ``asyncTearDown``, with fresh clients, and inside the
isolation the test case provides (a savepoint for :class:`~restflow_testing.AsyncAPITestCase`).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Awaitable, Callable, Generator
from functools import wraps
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from asgiref.sync import async_to_sync, sync_to_async
from django.test import SimpleTestCase

from restflow_testing._async_given import adapt_async_given, is_hypothesis_test
from restflow_testing._tasks import fail_on_leaked_tasks, running_tasks
from restflow_testing.client import AsyncAPIClient

if TYPE_CHECKING:
    import asyncio

_T = TypeVar("_T")

_HOOK_PAIRS = (("setUp", "asyncSetUp"), ("tearDown", "asyncTearDown"))


class AsyncTestMixin:
    """Run every test of a Django test case on one event loop with ``asyncSetUp``/``asyncTearDown``.

    Mixed into Django's test case classes ahead of them; see the module docstring for the
    guarantees.
    """

    client_class: ClassVar[type[AsyncAPIClient]] = AsyncAPIClient
    async_client_class: ClassVar[type[AsyncAPIClient]] = AsyncAPIClient
    client: AsyncAPIClient
    async_client: AsyncAPIClient

    _async_cleanups: list[tuple[Callable[..., Awaitable[object]], tuple[Any, ...], dict[str, Any]]]
    _example_tasks: set[asyncio.Task[object]]

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

    # -- unittest / Django hooks ------------------------------------------------------------

    def __call__(self, result: Any = None) -> None:
        # Django's per-test set-up and teardown for every test, ``@given`` ones included
        # (Hypothesis' Django cases would skip them for ``@given`` tests).
        SimpleTestCase.__call__(self, result)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

    def _setup_and_call(self, result: Any, debug: bool = False) -> None:
        method = getattr(self, self._testMethodName)
        setattr(self, self._testMethodName, self._run_on_one_loop(method))
        super()._setup_and_call(result, debug)  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]

    def _callSetUp(self) -> None:
        _check_lifecycle_hooks(self)
        self._async_cleanups = []
        super()._callSetUp()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]

    def execute_example(self, run_example: Callable[[], _T]) -> _T:
        """Run one Hypothesis example: fresh clients, asyncSetUp, the example, asyncTearDown.

        Hypothesis calls this for every example of a ``@given`` test; the whole sequence runs
        inside :meth:`_example_isolation`.
        """
        with self._example_isolation():
            self.client = self.client_class()
            self.async_client = self.async_client_class()
            self._async_cleanups = []
            async_to_sync(self._begin_example)()
            failed = True
            try:
                outcome = run_example()
                failed = False
            finally:
                async_to_sync(self._end_example)(failed)
        return outcome

    @contextlib.contextmanager
    def _example_isolation(self) -> Generator[None]:
        """What keeps one Hypothesis example's effects out of the next; nothing by default."""
        yield

    # -- running a test ---------------------------------------------------------------------

    def _run_on_one_loop(self, method: Callable[[], object]) -> Callable[[], None]:
        if is_hypothesis_test(method):
            adapt_async_given(method)
            body: Callable[[], Awaitable[object]] = sync_to_async(method)
            hooks_per_test = False
        elif inspect.iscoroutinefunction(method):
            body = method
            hooks_per_test = True
        else:
            body = sync_to_async(method)
            hooks_per_test = True

        @wraps(method)
        def run_test() -> None:
            async_to_sync(self._run_test)(body, hooks_per_test)

        return run_test

    async def _run_test(self, body: Callable[[], Awaitable[object]], hooks_per_test: bool) -> None:
        existing = running_tasks()
        if hooks_per_test:
            await self.asyncSetUp()
        failed = True
        try:
            await body()
            failed = False
        finally:
            await self._finish(existing, hooks_per_test, failed, f"Test {self.id()}")

    async def _begin_example(self) -> None:
        self._example_tasks = running_tasks()
        await self.asyncSetUp()

    async def _end_example(self, failed: bool) -> None:
        await self._finish(self._example_tasks, True, failed, f"An example of {self.id()}")

    async def _finish(
        self, existing: set[asyncio.Task[object]], run_tear_down: bool, failed: bool, where: str
    ) -> None:
        """asyncTearDown, async cleanups, then the leaked-task check (reported unless failed)."""
        try:
            if run_tear_down:
                await self.asyncTearDown()
        finally:
            try:
                while self._async_cleanups:
                    function, args, kwargs = self._async_cleanups.pop()
                    await function(*args, **kwargs)
            finally:
                try:
                    await fail_on_leaked_tasks(existing, where)
                except Exception:
                    if not failed:
                        raise


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
