"""Authentication through AsyncAPIClient: forced auth, token credentials, sessions, logout,
CSRF, and many concurrent differently-authenticated clients."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypedDict, TypeVar

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.models import Session
from pytest_django import DjangoAssertNumQueries
from rest_framework.authtoken.models import Token

from restflow_testing import AsyncAPIClient
from tests.project.app.echo import DRFEcho, Echo

T = TypeVar("T")

ECHO = {
    "restflow": "/restflow/echo/",
    "adrf": "/adrf/echo/",
    "drf": "/drf/echo/",
}
DRF_FLAVOURS = list(ECHO)


def run(make: Callable[[], Awaitable[T]]) -> T:
    """Await ``make()`` on a fresh event loop, as an async test would."""

    async def main() -> T:
        return await make()

    return async_to_sync(main)()


@pytest.fixture
def alice(django_user_model: type[User]) -> User:
    return django_user_model.objects.create_user("alice", password="secret")


@pytest.fixture
def bob(django_user_model: type[User]) -> User:
    return django_user_model.objects.create_user("bob", password="secret")


# Forced authentication ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
@pytest.mark.parametrize("verb", ["get", "post"])
def test_force_authenticate_user_and_token(
    flavour: str, verb: str, alice: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = AsyncAPIClient()
    client.force_authenticate(alice, token="forced-token")
    with django_assert_num_queries(0):
        response = run(lambda: getattr(client, verb)(ECHO[flavour]))
    assert response.json(as_type=Echo)["user"] == "alice"
    assert response.json(as_type=Echo)["auth"] == "forced-token"


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
def test_force_authenticate_with_a_token_object(flavour: str, alice: User) -> None:
    token = Token.objects.create(user=alice)
    client = AsyncAPIClient()
    client.force_authenticate(alice, token)
    assert run(lambda: client.get(ECHO[flavour])).json(as_type=DRFEcho)["auth"] == token.key


@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
def test_force_authenticate_anonymous_user(flavour: str) -> None:
    client = AsyncAPIClient()
    client.force_authenticate(AnonymousUser())
    body = run(lambda: client.get(ECHO[flavour])).json(as_type=DRFEcho)
    assert body["user"] is None
    assert body["auth"] is None


@pytest.mark.django_db
def test_force_authenticate_without_arguments_clears_it(alice: User) -> None:
    client = AsyncAPIClient()
    client.force_authenticate(alice)
    assert run(lambda: client.get(ECHO["drf"])).json(as_type=Echo)["user"] == "alice"
    client.force_authenticate()
    assert run(lambda: client.get(ECHO["drf"])).json(as_type=Echo)["user"] is None


@pytest.mark.django_db
def test_force_authenticate_without_arguments_drops_the_session(alice: User) -> None:
    client = AsyncAPIClient()
    client.force_login(alice)
    client.force_authenticate()
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert run(lambda: client.get(ECHO["drf"])).json(as_type=Echo)["user"] is None


# Token credentials -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
def test_token_auth_through_credentials(flavour: str, alice: User) -> None:
    token = Token.objects.create(user=alice)
    client = AsyncAPIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    got = run(lambda: client.get(ECHO[flavour]))
    posted = run(lambda: client.post(ECHO[flavour], {"a": 1}))
    assert got.json(as_type=Echo)["user"] == "alice"
    assert got.json(as_type=DRFEcho)["auth"] == token.key
    assert posted.status_code == 201
    assert posted.json(as_type=Echo)["user"] == "alice"


@pytest.mark.django_db
def test_token_auth_through_headers_argument(alice: User) -> None:
    token = Token.objects.create(user=alice)
    response = run(
        lambda: AsyncAPIClient().get(
            ECHO["restflow"], headers={"Authorization": f"Token {token.key}"}
        )
    )
    assert response.json(as_type=Echo)["user"] == "alice"


@pytest.mark.django_db
def test_credentials_replace_and_clear(alice: User, bob: User) -> None:
    alice_token = Token.objects.create(user=alice)
    bob_token = Token.objects.create(user=bob)
    client = AsyncAPIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {alice_token.key}", HTTP_X_EXTRA="1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {bob_token.key}")
    replaced = run(lambda: client.get(ECHO["adrf"])).json(as_type=Echo)
    client.credentials()
    cleared = run(lambda: client.get(ECHO["adrf"])).json(as_type=Echo)
    assert replaced["user"] == "bob"
    assert "HTTP_X_EXTRA" not in replaced["headers"]
    assert cleared["user"] is None
    assert "HTTP_AUTHORIZATION" not in cleared["headers"]


@pytest.mark.django_db
def test_invalid_token_is_rejected_by_the_view() -> None:
    client = AsyncAPIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert run(lambda: client.get(ECHO["restflow"])).status_code in (401, 403)


# Sessions ---------------------------------------------------------------------------------------

SESSION_VIEWS = {**ECHO, "django": "/client/whoami/"}


class WhoAmI(TypedDict):
    """What every session view reports (the echo views say more)."""

    user: str | None


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", list(SESSION_VIEWS))
def test_login_and_force_login(flavour: str, alice: User, bob: User) -> None:
    client = AsyncAPIClient()
    assert client.login(username="alice", password="secret")
    assert run(lambda: client.get(SESSION_VIEWS[flavour])).json(as_type=WhoAmI)["user"] == "alice"
    client.force_login(bob)
    assert run(lambda: client.get(SESSION_VIEWS[flavour])).json(as_type=WhoAmI)["user"] == "bob"
    assert not client.login(username="alice", password="wrong")


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", list(SESSION_VIEWS))
def test_async_login_helpers(flavour: str, alice: User, bob: User) -> None:
    client = AsyncAPIClient()

    async def scenario() -> list[Any]:
        accepted = await client.alogin(username="alice", password="secret")
        as_alice = (await client.get(SESSION_VIEWS[flavour])).json(as_type=WhoAmI)["user"]
        rejected = await client.alogin(username="alice", password="wrong")
        await client.aforce_login(bob)
        as_bob = (await client.get(SESSION_VIEWS[flavour])).json(as_type=WhoAmI)["user"]
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        await client.alogout()
        after = (await client.get(SESSION_VIEWS[flavour])).json(as_type=WhoAmI)["user"]
        return [accepted, as_alice, rejected, as_bob, session_key, after]

    accepted, as_alice, rejected, as_bob, session_key, after = run(scenario)
    assert accepted is True
    assert as_alice == "alice"
    assert rejected is False
    assert as_bob == "bob"
    assert after is None
    assert not Session.objects.filter(session_key=session_key).exists()


@pytest.mark.django_db
def test_asession_holds_the_logged_in_user(alice: User) -> None:
    client = AsyncAPIClient()

    async def scenario() -> str:
        await client.aforce_login(alice)
        session = await client.asession()
        return str(await sync_to_async(session.get)("_auth_user_id"))

    assert run(scenario) == str(alice.pk)


@pytest.mark.django_db
def test_logout_inside_an_async_test_clears_everything_and_ends_the_session(alice: User) -> None:
    token = Token.objects.create(user=alice)
    client = AsyncAPIClient()
    client.force_login(alice)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    async def scenario() -> list[Any]:
        session_user = (await client.get(ECHO["restflow"])).json(as_type=Echo)["user"]
        client.logout()
        after_session = (await client.get(ECHO["restflow"])).json(as_type=Echo)["user"]
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        client.force_authenticate(alice)
        client.logout()
        return [session_user, after_session, (await client.get(ECHO["drf"])).json(as_type=Echo)]

    session_user, after_session, last = run(scenario)
    assert session_user == "alice"
    assert after_session is None
    assert last["user"] is None
    assert "HTTP_AUTHORIZATION" not in last["headers"]
    assert not client.cookies
    assert not Session.objects.filter(session_key=session_key).exists()


@pytest.mark.django_db
def test_logout_outside_a_loop_ends_the_server_session(alice: User) -> None:
    client = AsyncAPIClient()
    client.force_login(alice)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.logout()
    assert not client.cookies
    assert not Session.objects.filter(session_key=session_key).exists()
    assert run(lambda: client.get(ECHO["drf"])).json(as_type=Echo)["user"] is None


def test_logout_without_a_session_touches_no_database() -> None:
    client = AsyncAPIClient()
    client.credentials(HTTP_X_A="1")
    client.logout()
    run(client.alogout)
    assert not client.cookies


# CSRF ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
def test_csrf_is_not_enforced_by_default(flavour: str, alice: User) -> None:
    client = AsyncAPIClient()
    client.force_login(alice)
    response = run(lambda: client.post(ECHO[flavour], {"a": 1}))
    assert response.status_code == 201
    assert response.json(as_type=Echo)["user"] == "alice"


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
def test_enforced_csrf_rejects_session_posts_without_a_token(flavour: str, alice: User) -> None:
    client = AsyncAPIClient(enforce_csrf_checks=True)
    client.force_login(alice)

    async def scenario() -> list[Any]:
        refused = await client.post(ECHO[flavour], {"a": 1})
        token = (await client.get("/client/csrf/")).json(as_type=dict[str, str])["token"]
        accepted = await client.post(ECHO[flavour], {"a": 1}, HTTP_X_CSRFTOKEN=token)
        return [refused, accepted]

    refused, accepted = run(scenario)
    assert refused.status_code == 403
    assert "CSRF" in refused.json(as_type=dict[str, str])["detail"]
    assert accepted.status_code == 201
    assert accepted.json(as_type=Echo)["user"] == "alice"


@pytest.mark.django_db
def test_enforced_csrf_does_not_apply_to_forced_auth(alice: User) -> None:
    client = AsyncAPIClient(enforce_csrf_checks=True)
    client.force_authenticate(alice)
    assert run(lambda: client.post(ECHO["restflow"], {"a": 1})).status_code == 201


def test_enforced_csrf_on_plain_django_views() -> None:
    enforced = run(lambda: AsyncAPIClient(enforce_csrf_checks=True).post("/django/echo/"))
    relaxed = run(lambda: AsyncAPIClient().post("/django/echo/"))
    assert enforced.status_code == 403
    assert relaxed.status_code == 200


# Concurrency --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sixty_concurrent_requests_from_differently_authenticated_clients(
    django_user_model: type[User],
) -> None:
    users = [django_user_model.objects.create_user(f"user{index}") for index in range(60)]
    tokens: dict[int, str] = {
        user.pk: f"{Token.objects.create(user=user).key}" for user in users[1::3]
    }
    flavours = [*DRF_FLAVOURS, "restflow", "adrf"]
    clients: list[tuple[AsyncAPIClient, str, str, str | None]] = []
    for index, user in enumerate(users):
        client = AsyncAPIClient(HTTP_X_CLIENT=str(index))
        expected_auth: str | None
        if index % 3 == 0:
            client.force_authenticate(user, token=f"forced-{index}")
            expected_auth = f"forced-{index}"
        elif index % 3 == 1:
            client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[user.pk]}")
            expected_auth = tokens[user.pk]
        else:
            client.force_authenticate(user)
            expected_auth = None
        clients.append((client, ECHO[flavours[index % 5]], user.username, expected_auth))

    async def fire() -> list[Any]:
        calls = [
            client.post(path, {"n": index}, headers={"X-Request": f"r{index}"})
            for index, (client, path, _, _) in enumerate(clients)
        ]
        return await asyncio.gather(*calls)

    responses = run(fire)
    assert len(responses) == 60
    for index, (response, (_, _, username, auth)) in enumerate(
        zip(responses, clients, strict=True)
    ):
        body = response.json(as_type=Echo)
        assert response.status_code == 201, body
        assert body["user"] == username
        assert body["auth"] == auth
        assert body["headers"]["HTTP_X_CLIENT"] == str(index)
        assert body["headers"]["HTTP_X_REQUEST"] == f"r{index}"
        assert body["data"] == {"n": index}


@pytest.mark.django_db
def test_concurrent_failures_stay_with_their_own_request(alice: User) -> None:
    quiet = AsyncAPIClient(raise_request_exception=False)
    loud = AsyncAPIClient()

    async def fire() -> list[Any]:
        calls = [quiet.get("/client/boom/restflow/") for _ in range(10)]
        calls += [loud.get(ECHO["restflow"]) for _ in range(10)]
        calls += [quiet.get(ECHO["adrf"]) for _ in range(10)]
        return await asyncio.gather(*calls)

    responses = run(fire)
    assert [response.status_code for response in responses] == [500] * 10 + [200] * 20
    assert all(response.exc_info is not None for response in responses[:10])
    assert all(response.exc_info is None for response in responses[10:])
