"""What one Hypothesis example leaves never reaches the next, in the test cases and under the pytest
plugin: a transaction a view broke, the mail outbox, and the clients' credentials, forced
authentication and cookies (each example starts from what set-up or the fixtures left)."""

import textwrap
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from hypothesis import given, settings
from hypothesis import strategies as st

from restflow_testing import AsyncAPIClient, AsyncAPITestCase
from tests.conftest import RunUnittest
from tests.project.app.models import Tag

pytest_plugins = ["pytester"]

# The inner test cases need the test database even when no other collected test asks for it.
pytestmark = pytest.mark.django_db

EXAMPLES = settings(max_examples=60, database=None, deadline=None)


def run_inner(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(test_inner=textwrap.dedent(source))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")


# A view's failed insert breaks the transaction ------------------------------------------------


def test_an_example_whose_view_broke_the_transaction_is_rolled_back_in_the_cases(
    run_unittest: RunUnittest,
) -> None:
    statuses: list[int] = []

    class Duplicates(AsyncAPITestCase):
        @classmethod
        def setUpTestData(cls) -> None:
            Tag.objects.create(name="taken")

        @EXAMPLES
        @given(st.sampled_from(["taken", "free"]), st.integers())
        async def test_insert(self, name: str, salt: int) -> None:
            # Every example starts with the one row, whatever the examples before did.
            self.assertEqual(await Tag.objects.acount(), 1)
            client = AsyncAPIClient(raise_request_exception=False)
            response = await client.post("/client/tags/", {"name": name})
            # No query here: the failed insert broke this example's transaction, as it would
            # break a Django test's.
            statuses.append(response.status_code)

    report = run_unittest(Duplicates)
    assert report.result.wasSuccessful(), report.output
    assert set(statuses) == {201, 500}
    assert 500 in statuses[:-1]  # later examples ran after a broken one


def test_an_example_whose_view_broke_the_transaction_is_rolled_back_by_the_plugin(
    inner: pytest.Pytester,
) -> None:
    result = run_inner(
        inner,
        """
        import pytest
        from hypothesis import HealthCheck, given, settings, strategies as st
        from restflow_testing import AsyncAPIClient
        from tests.project.app.models import Tag

        statuses: list[int] = []


        @pytest.fixture
        def taken(db: None) -> Tag:
            return Tag.objects.create(name="taken")


        @pytest.mark.django_db
        @settings(
            max_examples=60,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(name=st.sampled_from(["taken", "free"]), _=st.integers())
        async def test_insert(taken: Tag, name: str, _: int) -> None:
            assert await Tag.objects.acount() == 1
            client = AsyncAPIClient(raise_request_exception=False)
            response = await client.post("/client/tags/", {"name": name})
            statuses.append(response.status_code)


        def test_zz_both_kinds_ran() -> None:
            assert set(statuses) == {201, 500}
            assert 500 in statuses[:-1]
        """,
    )
    result.assert_outcomes(passed=2)
    assert "TransactionManagementError" not in result.stdout.str()


# The mail outbox ---------------------------------------------------------------------------


def test_each_example_starts_from_the_outbox_set_up_left_in_the_cases(
    run_unittest: RunUnittest,
) -> None:
    seen: list[list[str]] = []

    class Mailing(AsyncAPITestCase):
        def setUp(self) -> None:
            mail.send_mail("Welcome", "", "api@example.com", ["setup@example.com"])

        @EXAMPLES
        @given(st.lists(st.emails(), max_size=3))
        async def test_notify(self, addresses: list[str]) -> None:
            seen.append([message.to[0] for message in mail.outbox])
            for address in addresses:
                response = await self.client.post("/client/notify/", {"to": address})
                self.assertEqual(response.status_code, 202)
            self.assertEqual(len(mail.outbox), 1 + len(addresses))

    report = run_unittest(Mailing)
    assert report.result.wasSuccessful(), report.output
    assert len(seen) > 10
    assert all(start == ["setup@example.com"] for start in seen)


def test_each_example_starts_from_the_outbox_the_fixtures_left_under_the_plugin(
    inner: pytest.Pytester,
) -> None:
    result = run_inner(
        inner,
        """
        import pytest
        from django.core import mail
        from hypothesis import HealthCheck, given, settings, strategies as st
        from restflow_testing import AsyncAPIClient

        starts: list[int] = []


        @pytest.fixture
        def welcomed(mailoutbox: list[object]) -> list[object]:
            mail.send_mail("Welcome", "", "api@example.com", ["fixture@example.com"])
            return mailoutbox


        @settings(
            max_examples=60,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(addresses=st.lists(st.emails(), max_size=3))
        async def test_notify(welcomed: list[object], addresses: list[str]) -> None:
            starts.append(len(mail.outbox))
            assert welcomed is mail.outbox  # cleared in place: the fixture's list stays valid
            for address in addresses:
                await AsyncAPIClient().post("/client/notify/", {"to": address})
            assert len(welcomed) == 1 + len(addresses)


        def test_zz_every_example_started_with_the_fixtures_mail() -> None:
            assert len(starts) > 10
            assert set(starts) == {1}
        """,
    )
    result.assert_outcomes(passed=2)


# Client state --------------------------------------------------------------------------------


def test_each_examples_clients_start_from_the_state_set_up_left_in_the_cases(
    run_unittest: RunUnittest,
) -> None:
    seen: list[tuple[str | None, str | None, str | None]] = []

    class SetUpClients(AsyncAPITestCase):
        @classmethod
        def setUpTestData(cls) -> None:
            cls.ada = User.objects.create_user("ada")
            cls.bob = User.objects.create_user("bob")

        ada: User
        bob: User

        def setUp(self) -> None:
            self.client.force_authenticate(self.ada)
            self.client.credentials(HTTP_X_TENANT="acme")
            self.client.force_login(self.bob)  # a session cookie too
            self.async_client.credentials(HTTP_X_TENANT="async")

        @EXAMPLES
        @given(
            st.sampled_from(["logout", "other-credentials", "force-nobody", "nothing"]),
            st.integers(),
        )
        async def test_examples(self, change: str, salt: int) -> None:
            drf = (await self.client.get("/drf/echo/")).json(as_type=dict[str, Any])
            session = (await self.client.get("/client/whoami/")).json(as_type=dict[str, Any])
            other = (await self.async_client.get("/drf/echo/")).json(as_type=dict[str, Any])
            seen.append(
                (
                    drf["user"],
                    drf["headers"].get("HTTP_X_TENANT"),
                    session["user"],
                )
            )
            self.assertEqual(other["headers"].get("HTTP_X_TENANT"), "async")
            if change == "logout":
                await self.client.alogout()
            elif change == "other-credentials":
                self.client.credentials(HTTP_X_TENANT="other")
            elif change == "force-nobody":
                self.client.force_authenticate()

        async def test_plain_tests_keep_it_too(self) -> None:
            response = await self.client.get("/drf/echo/")
            self.assertEqual(response.json(as_type=dict[str, Any])["user"], "ada")

    report = run_unittest(SetUpClients)
    assert report.result.wasSuccessful(), report.output
    assert len(seen) > 10
    assert set(seen) == {("ada", "acme", "bob")}


def test_fixture_clients_start_each_example_in_the_fixtures_state_under_the_plugin(
    inner: pytest.Pytester,
) -> None:
    result = run_inner(
        inner,
        """
        import pytest
        from django.contrib.auth.models import User
        from hypothesis import HealthCheck, given, settings, strategies as st
        from restflow_testing import AsyncAPIClient

        seen: set[tuple[object, object]] = set()
        runs: list[str] = []


        @pytest.fixture
        def tenant_client(async_api_client: AsyncAPIClient) -> AsyncAPIClient:
            async_api_client.force_authenticate(User(username="ada"))
            async_api_client.credentials(HTTP_X_TENANT="acme")
            return async_api_client


        @settings(
            max_examples=60,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(
            change=st.sampled_from(["logout", "credentials", "force-bob", "nothing"]),
            _=st.integers(),
        )
        async def test_examples(tenant_client: AsyncAPIClient, change: str, _: int) -> None:
            body = (await tenant_client.get("/restflow/echo/")).json()
            seen.add((body["user"], body["headers"].get("HTTP_X_TENANT")))
            runs.append(change)
            if change == "logout":
                tenant_client.credentials()
                tenant_client.force_authenticate()
            elif change == "credentials":
                tenant_client.credentials(HTTP_X_TENANT="other")
            elif change == "force-bob":
                tenant_client.force_authenticate(User(username="bob"))


        def test_zz_every_example_started_from_the_fixture() -> None:
            assert len(runs) > 10
            assert seen == {("ada", "acme")}
        """,
    )
    result.assert_outcomes(passed=2)
