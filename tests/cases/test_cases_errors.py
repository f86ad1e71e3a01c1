"""Mistakes in async tests get errors that name the fix."""

import asyncio

from asgiref.sync import async_to_sync

from restflow_testing import AsyncAPISimpleTestCase, LeakedTaskError
from tests.conftest import RunUnittest


async def forever(cancelled: list[bool]) -> None:
    """Sleep until cancelled, and record the cancellation."""
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        cancelled.append(True)
        raise


def test_plain_async_set_up_is_rejected(run_unittest: RunUnittest) -> None:
    class PlainAsyncSetUp(AsyncAPISimpleTestCase):
        def asyncSetUp(self) -> None:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
            pass

        async def test_anything(self) -> None:
            pass

    report = run_unittest(PlainAsyncSetUp)
    assert len(report.result.errors) == 1
    assert "asyncSetUp must be 'async def'" in report.output


def test_async_set_up_named_set_up_is_rejected(run_unittest: RunUnittest) -> None:
    class AwaitingSetUp(AsyncAPISimpleTestCase):
        async def setUp(self) -> None:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
            await asyncio.sleep(0)

        async def test_anything(self) -> None:
            pass

    report = run_unittest(AwaitingSetUp)
    assert len(report.result.errors) == 1
    assert "Rename it to asyncSetUp" in report.output
    assert "never awaited" not in report.output


def test_a_task_left_running_fails_the_test(run_unittest: RunUnittest) -> None:
    cancelled: list[bool] = []

    class Leaky(AsyncAPISimpleTestCase):
        async def test_leaks(self) -> None:
            asyncio.create_task(forever(cancelled), name="leaky-task")  # noqa: RUF006

    report = run_unittest(Leaky)
    assert len(report.result.errors) == 1
    assert LeakedTaskError.__name__ in report.output
    assert "leaky-task" in report.output
    assert "forever" in report.output
    assert cancelled == [True]


def test_a_task_a_sync_test_leaves_through_async_to_sync_fails_it(
    run_unittest: RunUnittest,
) -> None:
    # A sync test of the class reaches the class's loop through async_to_sync; a task it leaves
    # there is found although the class has no async hooks.
    cancelled: list[bool] = []

    async def start() -> asyncio.AbstractEventLoop:
        asyncio.create_task(forever(cancelled), name="left-by-sync-code")  # noqa: RUF006
        return asyncio.get_running_loop()

    loops: list[asyncio.AbstractEventLoop] = []

    class Leaky(AsyncAPISimpleTestCase):
        async def test_a_clean_async_test(self) -> None:
            loops.append(asyncio.get_running_loop())

        def test_b_clean_sync_test(self) -> None:
            pass

        def test_c_leaks_through_async_to_sync(self) -> None:
            loops.append(async_to_sync(start)())

    report = run_unittest(Leaky)
    assert report.result.testsRun == 3
    assert len(report.result.errors) == 1, report.output
    assert "test_c_leaks_through_async_to_sync" in report.result.errors[0][0].id()
    assert "left-by-sync-code" in report.output
    assert cancelled == [True]
    assert loops[0] is loops[1]  # async_to_sync in a sync test went to the class's loop
