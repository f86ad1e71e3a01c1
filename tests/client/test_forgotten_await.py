"""A request that is never awaited fails the test that made it, naming the call, in the test
cases (async and plain tests, ``asyncSetUp``, ``@given`` examples) and under the pytest plugin."""

import asyncio
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restflow_testing import AsyncAPIClient, AsyncAPISimpleTestCase, AsyncAPITestCase
from tests.conftest import RunUnittest

pytest_plugins = ["pytester"]

# The inner test cases need the test database even when no other collected test asks for it.
pytestmark = pytest.mark.django_db

THIS_FILE = Path(__file__).name


def test_a_forgotten_await_in_an_async_test_fails_it(run_unittest: RunUnittest) -> None:
    class Forgetful(AsyncAPISimpleTestCase):
        async def test_forgets(self) -> None:
            self.client.get("/restflow/echo/")  # type: ignore[unused-coroutine]  # pyright: ignore[reportUnusedCoroutine]

        async def test_awaits(self) -> None:
            response = await self.client.get("/restflow/echo/")
            self.assertEqual(response.status_code, 200)

    report = run_unittest(Forgetful)
    assert report.result.testsRun == 2
    assert len(report.result.errors) == 1
    failed, traceback = report.result.errors[0]
    assert "test_forgets" in failed.id()
    assert "RequestNotAwaitedError" in traceback
    assert f"client.get('/restflow/echo/') at {__file__}" in traceback
    assert "Write 'await' before each call." in traceback


def test_forgotten_awaits_of_every_verb_are_each_named(run_unittest: RunUnittest) -> None:
    class Forgetful(AsyncAPISimpleTestCase):
        async def test_forgets(self) -> None:
            pending = [
                self.client.post("/drf/echo/", {"a": 1}),
                self.client.put("/adrf/echo/", {"a": 1}),
                self.client.delete("/django/echo/"),
                self.client.generic("PROPFIND", "/django/echo/"),
            ]
            self.assertEqual(len(pending), 4)

    report = run_unittest(Forgetful)
    ((_, traceback),) = report.result.errors
    assert "made 4 request(s) it never awaited" in traceback
    for call in [
        "client.post('/drf/echo/', {'a': 1})",
        "client.put('/adrf/echo/', {'a': 1})",
        "client.delete('/django/echo/')",
        "client.generic('PROPFIND', '/django/echo/')",
    ]:
        assert call in traceback


def test_a_forgotten_await_in_async_set_up_or_a_plain_test_fails(
    run_unittest: RunUnittest,
) -> None:
    class ForgetsInSetUp(AsyncAPISimpleTestCase):
        async def asyncSetUp(self) -> None:
            self.client.options("/restflow/echo/")  # type: ignore[unused-coroutine]  # pyright: ignore[reportUnusedCoroutine]

        async def test_async(self) -> None:
            pass

        def test_plain(self) -> None:
            self.client.head("/restflow/echo/")  # type: ignore[unused-coroutine]  # pyright: ignore[reportUnusedCoroutine]

    report = run_unittest(ForgetsInSetUp)
    errors = {test.id().rsplit(".", 1)[-1]: text for test, text in report.result.errors}
    assert set(errors) == {"test_async", "test_plain"}
    assert "client.options('/restflow/echo/')" in errors["test_async"]
    assert "client.head('/restflow/echo/')" in errors["test_plain"]
    assert "client.options" in errors["test_plain"]  # asyncSetUp runs for every test


def test_using_the_awaitable_as_a_response_says_to_await(run_unittest: RunUnittest) -> None:
    class UsesIt(AsyncAPISimpleTestCase):
        async def test_status(self) -> None:
            response = self.client.get("/restflow/echo/")
            self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]

    report = run_unittest(UsesIt)
    ((_, traceback),) = report.result.errors
    assert "client.get('/restflow/echo/') at" in traceback
    assert "returns an awaitable, not a response, so it has no 'status_code'" in traceback
    assert "Requests never awaited: client.get('/restflow/echo/')" in traceback


def test_a_forgotten_await_fails_the_given_example_that_made_it(
    run_unittest: RunUnittest,
) -> None:
    class ForgetsSometimes(AsyncAPITestCase):
        @settings(max_examples=30, database=None)
        @given(st.integers(0, 10))
        async def test_examples(self, number: int) -> None:
            if number >= 7:
                self.client.get(f"/restflow/echo/?n={number}")  # type: ignore[unused-coroutine]  # pyright: ignore[reportUnusedCoroutine]
            else:
                await self.client.get(f"/restflow/echo/?n={number}")

    report = run_unittest(ForgetsSometimes)
    ((_, traceback),) = report.result.errors
    assert "An example of" in traceback
    assert "client.get('/restflow/echo/?n=7')" in traceback  # shrunk to the smallest
    assert "number=7" in traceback  # the falsifying example is reported


def test_requests_passed_to_tasks_and_gather_count_as_awaited(run_unittest: RunUnittest) -> None:
    class Concurrent(AsyncAPISimpleTestCase):
        async def test_gather_and_tasks(self) -> None:
            first, second = await asyncio.gather(
                self.client.get("/restflow/echo/"), self.client.get("/adrf/echo/")
            )
            task = asyncio.create_task(self.client.get("/drf/echo/"))
            self.assertEqual(
                [first.status_code, second.status_code, (await task).status_code], [200, 200, 200]
            )
            closed = self.client.get("/django/echo/")
            closed.close()  # dropped on purpose

    report = run_unittest(Concurrent)
    assert report.result.wasSuccessful(), report.output


async def test_outside_a_test_runner_the_client_returns_plain_coroutines() -> None:
    response = await AsyncAPIClient().get("/restflow/echo/")
    assert response.status_code == 200


# The pytest plugin --------------------------------------------------------------------------------


def test_the_plugin_fails_a_test_and_an_example_that_forget_to_await(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile(
        test_forgetful=textwrap.dedent(
            """
            from hypothesis import given, settings, strategies as st
            from restflow_testing import AsyncAPIClient


            async def test_forgets(async_api_client: AsyncAPIClient) -> None:
                async_api_client.patch("/restflow/echo/", {"a": 1})


            async def test_awaits(async_api_client: AsyncAPIClient) -> None:
                assert (await async_api_client.get("/restflow/echo/")).status_code == 200


            @settings(max_examples=20, database=None)
            @given(st.integers(0, 5))
            async def test_examples(number: int) -> None:
                client = AsyncAPIClient()
                if number >= 3:
                    client.post("/drf/echo/", {"n": number})
                else:
                    await client.post("/drf/echo/", {"n": number})
            """
        )
    )

    result = inner.runpytest_subprocess("-p", "no:cacheprovider", "-v")

    result.assert_outcomes(passed=1, failed=2)
    output = result.stdout.str()
    assert (
        "RequestNotAwaitedError: Test test_forgetful.py::test_forgets made 1 request(s)" in output
    )
    assert "client.patch('/restflow/echo/', {'a': 1}) at" in output
    assert "An example of test_forgetful.test_examples made 1 request(s)" in output
    assert "client.post('/drf/echo/', {'n': 3})" in output
    assert "was never awaited" not in output  # no RuntimeWarning left for the garbage collector
