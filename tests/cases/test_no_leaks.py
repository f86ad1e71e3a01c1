"""Nothing one Hypothesis example does reaches the next, under either runner: rows, sessions,
credentials, forced authentication, settings and mail.

Every example first checks that it starts from the state set-up left (and records what it finds),
then does a random series of things that leave state behind: rows written by async and sync
views, a transaction broken by a failed insert, session logins (sync and async), credentials,
forced authentication, mail, overridden settings. Run long with::

    RESTFLOW_TESTING_LEAK_EXAMPLES=10000 .venv/bin/python -m pytest -q -s \
        tests/cases/test_no_leaks.py
"""

import os
from collections import Counter
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from restflow_testing import AsyncAPIClient, AsyncAPITestCase
from tests.project.app.models import Article, Tag

EXAMPLES = int(os.environ.get("RESTFLOW_TESTING_LEAK_EXAMPLES", "60"))
LONG_RUN = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ACTIONS = [
    "restflow-row",
    "drf-row",
    "alogin",
    "login",
    "force-login",
    "credentials",
    "force-authenticate",
    "mail",
    "settings",
]
# Each example's actions, and at most one failed insert at the end (nothing can query after it).
SCRIPTS = st.tuples(st.lists(st.sampled_from(ACTIONS), max_size=6), st.booleans())

# What every runner's examples found when they started, and what they did.
found: dict[str, Counter[str]] = {"unittest": Counter(), "pytest": Counter()}
done: dict[str, Counter[str]] = {"unittest": Counter(), "pytest": Counter()}


async def leftovers(client: AsyncAPIClient, baseline_settings: object) -> list[str]:
    """What the example finds that set-up did not leave."""
    found_here: list[str] = []
    if await Article.objects.acount() != 0 or await Tag.objects.acount() != 1:
        found_here.append("rows")
    if await Session.objects.acount() != 0 or settings.SESSION_COOKIE_NAME in client.cookies:
        found_here.append("sessions")
    if mail.outbox:
        found_here.append("mail")
    if baseline_settings != settings.REST_FRAMEWORK:
        found_here.append("settings")
    probe = (await client.post("/restflow/echo/", {"probe": 1})).json(as_type=dict[str, Any])
    if probe["content_type"] != "application/json":
        found_here.append("settings")
    if probe["headers"].get("HTTP_X_TENANT") != "acme" or "HTTP_X_API_KEY" in probe["headers"]:
        found_here.append("credentials")
    if probe["user"] is not None or probe["auth"] is not None:
        found_here.append("forced authentication or session")
    return found_here


async def act(client: AsyncAPIClient, action: str, number: int) -> None:
    """Do one thing that leaves state behind."""
    if action == "restflow-row":
        response = await client.post("/restflow/articles/", {"title": f"r{number}"})
        assert response.status_code == 201, response.content
    elif action == "drf-row":
        response = await client.post("/drf/articles/", {"title": f"d{number}"})
        assert response.status_code == 201, response.content
    elif action == "alogin":
        assert await client.alogin(username="ada", password="secret")
    elif action == "login":
        assert client.login(username="ada", password="secret")
    elif action == "force-login":
        client.force_login(await User.objects.aget(username="ada"))
    elif action == "credentials":
        client.credentials(HTTP_X_API_KEY=f"key-{number}", HTTP_X_TENANT="other")
    elif action == "force-authenticate":
        client.force_authenticate(User(username="eve"), token="forced")
    elif action == "mail":
        response = await client.post("/client/notify/", {"to": f"u{number}@example.com"})
        assert response.status_code == 202
    elif action == "settings":
        multipart = {**settings.REST_FRAMEWORK, "TEST_REQUEST_DEFAULT_FORMAT": "multipart"}
        with override_settings(REST_FRAMEWORK=multipart):
            response = await client.post("/restflow/echo/", {"a": "1"})
        assert response.json(as_type=dict[str, Any])["content_type"].startswith(
            "multipart/form-data"
        )


async def break_the_transaction() -> None:
    """A view's failed insert, answered with a 500: the example's transaction is broken."""
    client = AsyncAPIClient(raise_request_exception=False)
    response = await client.post("/client/tags/", {"name": "taken"})
    assert response.status_code == 500


async def run_example(
    runner: str, client: AsyncAPIClient, baseline: object, script: tuple[list[str], bool]
) -> None:
    actions, broken = script
    here = await leftovers(client, baseline)
    found[runner].update(here or ["nothing"])
    assert not here, f"the example started with what an earlier one left: {here}"
    for number, action in enumerate(actions):
        await act(client, action, number)
    if broken:
        await break_the_transaction()
    done[runner].update([*actions, *(["broken transaction"] if broken else [])])


# The test cases ------------------------------------------------------------------------------


class NoLeaksBetweenExamples(AsyncAPITestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        User.objects.create_user("ada", password="secret")
        Tag.objects.create(name="taken")

    def setUp(self) -> None:
        self.client.credentials(HTTP_X_TENANT="acme")
        self.baseline = dict(settings.REST_FRAMEWORK)

    @LONG_RUN
    @given(script=SCRIPTS)
    async def test_examples(self, script: tuple[list[str], bool]) -> None:
        await run_example("unittest", self.client, self.baseline, script)


# The pytest plugin ------------------------------------------------------------------------------


@pytest.fixture
def tenant_client(async_api_client: AsyncAPIClient) -> AsyncAPIClient:
    async_api_client.credentials(HTTP_X_TENANT="acme")
    return async_api_client


@pytest.fixture
def rows(db: None) -> None:
    User.objects.create_user("ada", password="secret")
    Tag.objects.create(name="taken")


@pytest.mark.django_db
@LONG_RUN
@given(script=SCRIPTS)
async def test_no_leaks_between_plugin_examples(
    rows: None, tenant_client: AsyncAPIClient, script: tuple[list[str], bool]
) -> None:
    await run_example("pytest", tenant_client, dict(settings.REST_FRAMEWORK), script)


def test_zz_report() -> None:
    """Every example started clean (run after the two above, in file order)."""
    for runner in ("unittest", "pytest"):
        counts: Any = found[runner]
        if not counts:
            continue  # that runner's test was not selected
        print(
            f"\n{runner}: {sum(counts.values())} examples; found at start: {dict(counts)}; "
            f"did: {dict(done[runner])}"
        )
        assert set(counts) == {"nothing"}, counts
