"""Django's database guarantees hold in the async cases: deferred constraints are checked at the
end of each test and each example, and a case only reaches the databases it declares."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restflow_testing import AsyncAPITestCase
from tests.conftest import RunUnittest
from tests.project.app.models import Article

# The inner test cases need the test database even when no other collected test asks for it.
pytestmark = pytest.mark.django_db

MISSING_USER_ID = 987_654


def test_an_example_that_breaks_a_foreign_key_fails_with_the_minimal_example(
    run_unittest: RunUnittest,
) -> None:
    class DanglingAuthor(AsyncAPITestCase):
        @settings(max_examples=20, database=None, deadline=None)
        @given(user_id=st.integers(min_value=0, max_value=10))
        async def test_create(self, user_id: int) -> None:
            # The constraint is deferred: the INSERT succeeds, the check at the example's end
            # does not, as it would at Django's test end or at a real COMMIT.
            await Article.objects.acreate(title="orphan", author_id=MISSING_USER_ID + user_id)

    report = run_unittest(DanglingAuthor)

    assert not report.result.wasSuccessful()
    assert "IntegrityError" in report.output
    assert "user_id=0" in report.output


def test_a_test_that_breaks_a_foreign_key_fails_as_in_django(run_unittest: RunUnittest) -> None:
    class DanglingAuthor(AsyncAPITestCase):
        async def test_create(self) -> None:
            await Article.objects.acreate(title="orphan", author_id=MISSING_USER_ID)

    report = run_unittest(DanglingAuthor)

    assert not report.result.wasSuccessful()
    assert "IntegrityError" in report.output


# Django's TestCase closes every connection when a class ends; a class that declares no
# databases does so outside any transaction of its own, which must not be pytest-django's.
@pytest.mark.django_db(transaction=True)
def test_a_case_without_databases_keeps_djangos_refusal(run_unittest: RunUnittest) -> None:
    class NoDatabase(AsyncAPITestCase):
        databases = set[str]()

        async def test_query(self) -> None:
            await Article.objects.acount()

    class WithDatabase(AsyncAPITestCase):
        async def test_query(self) -> None:
            self.assertEqual(await Article.objects.acount(), 0)

    refused = run_unittest(NoDatabase)
    allowed = run_unittest(WithDatabase)

    assert "Database queries to 'default' are not allowed" in refused.output
    assert allowed.result.wasSuccessful(), allowed.output


def test_a_subclass_that_declares_no_databases_opens_no_transaction(
    run_unittest: RunUnittest,
) -> None:
    class WithDatabase(AsyncAPITestCase):
        async def test_query(self) -> None:
            self.assertEqual(await Article.objects.acount(), 0)

    class WithoutDatabase(WithDatabase):
        databases = set[str]()

        async def test_query(self) -> None:
            # Nothing to query; a savepoint on 'default' around this test would be refused.
            self.assertEqual(self.databases, set())

    parent = run_unittest(WithDatabase)
    child = run_unittest(WithoutDatabase)

    assert parent.result.wasSuccessful(), parent.output
    assert child.result.wasSuccessful(), child.output


def test_a_class_run_again_with_other_databases_is_asked_again(run_unittest: RunUnittest) -> None:
    class Narrowed(AsyncAPITestCase):
        async def test_nothing_queried(self) -> None:
            self.assertIsNotNone(self.client)

    first = run_unittest(Narrowed)
    Narrowed.databases = set()
    second = run_unittest(Narrowed)

    assert first.result.wasSuccessful(), first.output
    assert second.result.wasSuccessful(), second.output
