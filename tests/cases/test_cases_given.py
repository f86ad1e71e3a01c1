"""@given on async test methods: one loop, fresh clients, isolated examples, Hypothesis intact."""

import asyncio
import re

from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import override_settings
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st
from hypothesis.database import InMemoryExampleDatabase

from restflow_testing import AsyncAPIClient, AsyncAPISimpleTestCase, AsyncAPITestCase
from restflow_testing.strategies import from_serializer, users
from tests.conftest import RunUnittest
from tests.project.app.models import Article, Tag
from tests.project.app.serializers_strategies import RelationsSerializer


def _tag_count() -> int:
    return Tag.objects.count()


@override_settings(
    MIDDLEWARE=[*django_settings.MIDDLEWARE, "tests.project.app.middleware.CountingMiddleware"]
)
class MiddlewareStatePerExampleTests(AsyncAPITestCase):
    """A middleware that keeps state on its instance starts afresh with every example."""

    @settings(max_examples=10)
    @given(requests=st.integers(min_value=1, max_value=3))
    async def test_each_example_gets_its_own_middleware_instances(self, requests: int) -> None:
        seen = [
            (await self.client.get("/django/echo/"))["X-Seen-By-Instance"] for _ in range(requests)
        ]
        self.assertEqual(seen, [str(count) for count in range(1, requests + 1)])


class ExampleIsolationTests(AsyncAPITestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        Tag.objects.create(name="shared")

    def setUp(self) -> None:
        Tag.objects.create(name="per-test")
        self.starting_counts: list[int] = []
        self.clients: list[AsyncAPIClient] = []
        self.loops: set[asyncio.AbstractEventLoop] = set()

    async def asyncSetUp(self) -> None:
        self.loops.add(asyncio.get_running_loop())
        await Tag.objects.acreate(name="per-example")

    @settings(max_examples=25)
    @given(titles=st.lists(st.text(st.characters(categories=["L", "N"]), min_size=1), max_size=3))
    async def test_every_example_starts_from_the_same_rows(self, titles: list[str]) -> None:
        self.loops.add(asyncio.get_running_loop())
        self.clients.append(self.client)
        self.starting_counts.append(await Tag.objects.acount())
        for title in titles:
            response = await self.client.post("/restflow/articles/", {"title": title})
            self.assertEqual(response.status_code, 201, response.content)
        await Tag.objects.acreate(name=f"example-{len(self.starting_counts)}")
        self.assertEqual(await Article.objects.acount(), len(titles))

    def tearDown(self) -> None:
        self.assertGreater(len(self.starting_counts), 1)
        # setUpTestData + setUp + asyncSetUp rows, and never an earlier example's rows.
        self.assertEqual(set(self.starting_counts), {3})
        self.assertEqual(len({id(client) for client in self.clients}), len(self.clients))
        self.assertEqual(len(self.loops), 1)
        self.assertEqual(Tag.objects.count(), 2)
        self.assertEqual(Article.objects.count(), 0)

    @settings(max_examples=10)
    @given(count=st.builds(_tag_count), padding=st.integers())
    async def test_strategy_draws_use_the_test_connection(self, count: int, padding: int) -> None:
        # The draw ran inside the example's savepoint, on the connection of setUpTestData.
        self.assertEqual(count, 3)
        self.starting_counts.append(count)
        self.clients.append(self.client)


class ExampleDecoratorTests(AsyncAPISimpleTestCase):
    seen: list[int]

    def setUp(self) -> None:
        self.seen = []

    @settings(max_examples=5, database=None)
    @given(st.integers(min_value=0, max_value=10))
    @example(1234)
    async def test_explicit_examples_run(self, number: int) -> None:
        await asyncio.sleep(0)
        self.seen.append(number)

    def tearDown(self) -> None:
        self.assertIn(1234, self.seen)


def test_failing_async_given_reports_the_shrunk_example(run_unittest: RunUnittest) -> None:
    database = InMemoryExampleDatabase()

    class Failing(AsyncAPISimpleTestCase):
        @settings(database=database, max_examples=200)
        @given(number=st.integers())
        async def test_small_numbers(self, number: int) -> None:
            await asyncio.sleep(0)
            if number >= 17:
                raise ValueError(f"too big: {number}")

    report = run_unittest(Failing)
    assert len(report.result.errors) == 1, report.output
    # The report names the shrunk example (Hypothesis' wording changed over versions).
    assert re.search(r"(Falsifying example|Failing test case): test_small_numbers\(", report.output)
    assert "number=17," in report.output
    assert "ValueError: too big: 17" in report.output
    assert isinstance(database, InMemoryExampleDatabase)
    assert database.data, "the failing example was not saved to the Hypothesis database"


def test_deadlines_time_the_awaited_example(run_unittest: RunUnittest) -> None:
    class Slow(AsyncAPISimpleTestCase):
        @settings(deadline=50, max_examples=3, database=None, derandomize=True)
        @given(st.just(None))
        async def test_slow(self, nothing: None) -> None:
            await asyncio.sleep(0.2)

    report = run_unittest(Slow)
    assert not report.result.wasSuccessful()
    assert "DeadlineExceeded" in report.output


def test_health_checks_still_run(run_unittest: RunUnittest) -> None:
    class Filtering(AsyncAPISimpleTestCase):
        @settings(database=None, suppress_health_check=[HealthCheck.too_slow])
        @given(st.integers().filter(lambda _: False))
        async def test_never_satisfied(self, number: int) -> None:
            await asyncio.sleep(0)

    report = run_unittest(Filtering)
    assert not report.result.wasSuccessful()
    assert re.search(r"FailedHealthCheck|Unsatisfiable", report.output), report.output


class DrawsInTheAsyncBodyTests(AsyncAPITestCase):
    """Hypothesis' helpers and database-backed strategies work inside an async example body,
    which runs on the loop's thread while the test's thread serves its queries."""

    @classmethod
    def setUpTestData(cls) -> None:
        Tag.objects.bulk_create([Tag(name=f"tag-{index}") for index in range(3)])

    @settings(max_examples=15)
    @given(data=st.data())
    async def test_draws_that_query_rows_see_the_test_transaction(
        self, data: st.DataObject
    ) -> None:
        created = await Tag.objects.acreate(name="made in the body")
        note(f"created {created.pk}")
        event("drew from the body")
        payload = data.draw(from_serializer(RelationsSerializer), label="payload")
        pks = {pk async for pk in Tag.objects.values_list("pk", flat=True)}
        self.assertIn(payload["tag"], pks)
        self.assertTrue(set(payload["tags"]) <= pks)
        user = data.draw(users(saved=True), label="user")
        self.assertTrue(await User.objects.filter(pk=user.pk).aexists())
