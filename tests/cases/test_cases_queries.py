"""Counting queries in async tests: the test cases' ``assertNumQueries`` and
``restflow_testing.CaptureQueriesContext`` count the queries of requests awaited inside them,
in the test cases and under the pytest plugin."""

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection

from restflow_testing import (
    AsyncAPIClient,
    AsyncAPITestCase,
    AsyncAPITransactionTestCase,
    CaptureQueriesContext,
)
from tests.conftest import RunUnittest
from tests.project.app.models import Article

# The inner test cases need the test database even when no other collected test asks for it.
pytestmark = pytest.mark.django_db

# Listing articles is one SELECT of the articles and one of each article's tags, whatever the
# view flavour.
LISTS = {"restflow": "/restflow/articles/", "drf": "/drf/articles/"}


class AssertNumQueriesInAsyncTests(AsyncAPITestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        Article.objects.create(title="first")

    async def test_counts_the_queries_of_an_awaited_request(self) -> None:
        for flavour, path in LISTS.items():
            with self.subTest(flavour=flavour), self.assertNumQueries(2):
                response = await self.client.get(path)
            self.assertEqual(len(response.json(as_type=list[Any])), 1)

    async def test_counts_async_orm_calls_and_several_requests(self) -> None:
        with self.assertNumQueries(1 + 3 + 3):
            await Article.objects.acreate(title="second")
            await self.client.get(LISTS["restflow"])
            await self.client.get(LISTS["drf"])

    async def test_counts_nothing_for_a_request_that_queries_nothing(self) -> None:
        with self.assertNumQueries(0):
            await self.client.get("/restflow/echo/")

    async def test_reports_the_queries_when_the_count_is_wrong(self) -> None:
        with (
            self.assertRaisesMessage(AssertionError, "2 queries executed, 0 expected"),
            self.assertNumQueries(0),
        ):
            await self.client.get(LISTS["drf"])

    async def test_capture_queries_context_with_djangos_connection_proxy(self) -> None:
        with CaptureQueriesContext(connection) as captured:
            await self.client.get(LISTS["restflow"])
        self.assertEqual(len(captured), 2)
        self.assertIn("suite_article", captured[0]["sql"])

    def test_sync_tests_count_as_in_django(self) -> None:
        get = async_to_sync(self.client.get)
        with self.assertNumQueries(2):
            get(LISTS["drf"])
        self.assertNumQueries(2, get, LISTS["restflow"])


@pytest.mark.django_db(transaction=True)  # the inner case flushes tables: no outer transaction
def test_assert_num_queries_in_a_transaction_test_case(run_unittest: RunUnittest) -> None:
    class Counting(AsyncAPITransactionTestCase):
        async def test_count(self) -> None:
            with self.assertNumQueries(1 + 2):
                await Article.objects.acreate(title="a")
                await self.client.get(LISTS["drf"])

    report = run_unittest(Counting)
    assert report.result.wasSuccessful(), report.output
    assert report.result.testsRun == 1


@pytest.mark.django_db
async def test_capture_queries_context_under_the_pytest_plugin() -> None:
    await Article.objects.acreate(title="first")
    client = AsyncAPIClient()
    with CaptureQueriesContext(connection) as captured:
        response = await client.get(LISTS["drf"])
        await client.get("/restflow/echo/")
    assert response.json(as_type=list[dict[str, Any]])[0]["title"] == "first"
    assert ["suite_article" in query["sql"] for query in captured] == [True, True]


def test_capture_queries_context_outside_a_loop_is_djangos(db: None) -> None:
    with CaptureQueriesContext(connection) as captured:
        Article.objects.count()
    assert len(captured) == 1
