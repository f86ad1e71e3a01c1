"""Session helpers as Django's client has them: ``user_logged_out`` always sent, with the real
user, and the sync ``login``/``force_login``/``logout``/``session`` inside async tests, in the test
cases and under the pytest plugin, against every view flavour that reads a session."""

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_out
from django.contrib.sessions.models import Session

from restflow_testing import AsyncAPIClient, AsyncAPITestCase

SESSION_VIEWS = {
    "restflow": "/restflow/echo/",
    "adrf": "/adrf/echo/",
    "drf": "/drf/echo/",
    "django": "/client/whoami/",
}


class LoggedOut:
    """Records each ``user_logged_out`` while connected."""

    def __init__(self) -> None:
        self.users: list[str | None] = []

    def receive(self, sender: object, request: Any, user: Any, **kwargs: object) -> None:
        self.users.append(None if user is None else user.get_username())

    def __enter__(self) -> "LoggedOut":
        user_logged_out.connect(self.receive)
        return self

    def __exit__(self, *exc_info: object) -> None:
        user_logged_out.disconnect(self.receive)


@pytest.fixture
def logged_out() -> Iterator[LoggedOut]:
    with LoggedOut() as recorder:
        yield recorder


# user_logged_out ----------------------------------------------------------------------------


async def test_logout_without_a_session_still_sends_user_logged_out(
    logged_out: LoggedOut,
) -> None:
    client = AsyncAPIClient()
    client.logout()
    await client.alogout()
    assert logged_out.users == [None, None]


def test_logout_outside_a_loop_without_a_session_sends_it_too(logged_out: LoggedOut) -> None:
    AsyncAPIClient().logout()
    assert logged_out.users == [None]


@pytest.mark.django_db
async def test_alogout_sends_the_logged_in_user(logged_out: LoggedOut) -> None:
    user = await sync_to_async(User.objects.create_user)("ada", password="secret")
    client = AsyncAPIClient()
    assert await client.alogin(username="ada", password="secret")
    await client.alogout()
    await client.aforce_login(user)
    client.logout()
    assert logged_out.users == ["ada", "ada"]


@pytest.mark.django_db
async def test_alogout_with_an_expired_session_sends_none(logged_out: LoggedOut) -> None:
    user = await sync_to_async(User.objects.create_user)("ada")
    client = AsyncAPIClient()
    await client.aforce_login(user)
    await Session.objects.all().adelete()
    await client.alogout()
    assert logged_out.users == [None]


# Sync session helpers inside async tests, under the pytest plugin ------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", list(SESSION_VIEWS))
async def test_sync_session_helpers_work_in_plugin_async_tests(
    flavour: str, logged_out: LoggedOut
) -> None:
    await sync_to_async(User.objects.create_user)("ada", password="secret")
    bob = await sync_to_async(User.objects.create_user)("bob")
    client = AsyncAPIClient()
    assert client.login(username="ada", password="secret") is True
    assert (await client.get(SESSION_VIEWS[flavour])).json(as_type=dict[str, Any])["user"] == "ada"
    assert client.login(username="ada", password="wrong") is False
    client.force_login(bob)
    assert (await client.get(SESSION_VIEWS[flavour])).json(as_type=dict[str, Any])["user"] == "bob"
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.session.session_key == session_key
    client.logout()
    assert (await client.get(SESSION_VIEWS[flavour])).json(as_type=dict[str, Any])["user"] is None
    assert not await Session.objects.filter(session_key=session_key).aexists()
    assert logged_out.users == ["bob"]


@pytest.mark.django_db
async def test_sync_session_property_creates_a_session_in_async_tests() -> None:
    client = AsyncAPIClient()
    session = client.session
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == session.session_key
    assert await Session.objects.filter(session_key=session.session_key).aexists()


def test_sync_session_helpers_on_a_loop_no_test_thread_serves_name_the_async_form() -> None:
    client = AsyncAPIClient()

    async def on_a_foreign_loop(call: str) -> None:
        if call == "login":
            client.login(username="ada", password="secret")
        elif call == "force_login":
            client.force_login(User(username="ada"))
        elif call == "logout":
            client.logout()
        else:
            _ = client.session

    for call, async_form in [
        ("login", "await client.alogin"),
        ("force_login", "await client.aforce_login"),
        ("logout", "await client.alogout"),
        ("session", "await client.asession"),
    ]:
        with pytest.raises(RuntimeError, match=f"client.{call} uses the database.*{async_form}"):
            asyncio.run(on_a_foreign_loop(call))


# ... and in the test cases ----------------------------------------------------------------------


class SyncSessionHelpersInAsyncTests(AsyncAPITestCase):
    ada: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.ada = User.objects.create_user("ada", password="secret")

    def setUp(self) -> None:
        self.logged_out = LoggedOut().__enter__()
        self.addCleanup(self.logged_out.__exit__)

    async def test_login_force_login_and_logout(self) -> None:
        for flavour, path in SESSION_VIEWS.items():
            with self.subTest(flavour=flavour):
                self.assertTrue(self.client.login(username="ada", password="secret"))
                self.assertEqual(
                    (await self.client.get(path)).json(as_type=dict[str, Any])["user"], "ada"
                )
                self.client.logout()
                self.assertIsNone(
                    (await self.client.get(path)).json(as_type=dict[str, Any])["user"]
                )
                self.client.force_login(self.ada)
                self.assertEqual(
                    (await self.client.get(path)).json(as_type=dict[str, Any])["user"], "ada"
                )
                self.client.logout()
        self.assertEqual(self.logged_out.users, ["ada", "ada"] * len(SESSION_VIEWS))

    async def test_logout_without_a_session_sends_none(self) -> None:
        self.client.logout()
        await self.client.alogout()
        self.assertEqual(self.logged_out.users, [None, None])

    async def test_alogout_sends_the_real_user(self) -> None:
        await self.client.aforce_login(self.ada)
        await self.client.alogout()
        self.assertEqual(self.logged_out.users, ["ada"])


class SyncLoginInAsyncSetUp(AsyncAPITestCase):
    async def asyncSetUp(self) -> None:
        user = await sync_to_async(User.objects.create_user)("ada")
        self.client.force_login(user)

    async def test_the_session_carries_into_the_test(self) -> None:
        response = await self.client.get("/client/whoami/")
        self.assertEqual(response.json(as_type=dict[str, Any])["user"], "ada")


class SessionReadsInAsyncTests(AsyncAPITestCase):
    async def test_the_session_asession_gives_is_read_without_the_database(self) -> None:
        # Reading a session store loads it from the database, which async code may not do
        # synchronously: asession() hands it out loaded, so plain reads work.
        before = await self.client.asession()
        self.assertNotIn("visits", before)
        with self.assertRaises(KeyError):
            before["visits"]
        await self.client.get("/client/visit/")
        await self.client.get("/client/visit/")
        after = await self.client.asession()
        self.assertEqual(after["visits"], 2)
        self.assertEqual(after.get("visits"), 2)
        self.assertEqual(after.session_key, before.session_key)
