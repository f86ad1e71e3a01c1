"""The client's middleware chain: shared while it is Django's own, per client otherwise; and the
request bookkeeping that keeps ``close_old_connections`` away from the test's connection."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.dispatch import Signal
from django.test import override_settings

from restflow_testing import APIResponse, AsyncAPIClient

COUNTING = "tests.project.app.middleware.CountingMiddleware"
SECURITY = "django.middleware.security.SecurityMiddleware"


def run(make: Callable[[], Awaitable[APIResponse]]) -> APIResponse:
    async def main() -> APIResponse:
        return await make()

    return async_to_sync(main)()


def served_chain(client: AsyncAPIClient) -> object:
    """The middleware chain ``client`` served its requests with."""
    run(lambda: client.get("/django/echo/"))
    handler: Any = client.handler
    chain: object = handler._middleware_chain
    return chain


# One chain per client, as Django's clients ---------------------------------------------------


def test_each_client_builds_its_own_chain() -> None:
    first, second = AsyncAPIClient(), AsyncAPIClient()
    assert served_chain(first) is not served_chain(second)


def test_state_kept_by_a_middleware_instance_does_not_pass_to_the_next_client() -> None:
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, COUNTING]):
        first = AsyncAPIClient()
        seen = [run(lambda: first.get("/django/echo/"))["X-Seen-By-Instance"] for _ in range(3)]
        assert seen == ["1", "2", "3"]  # one client keeps its chain, as Django's does
        fresh = run(lambda: AsyncAPIClient().get("/django/echo/"))
        assert fresh["X-Seen-By-Instance"] == "1"


def test_a_settings_change_reaches_middleware_that_read_settings_when_made() -> None:
    # SecurityMiddleware reads SECURE_REFERRER_POLICY in __init__.
    with override_settings(MIDDLEWARE=[SECURITY, *settings.MIDDLEWARE]):
        before = run(lambda: AsyncAPIClient().get("/django/echo/"))
        with override_settings(SECURE_REFERRER_POLICY="no-referrer"):
            during = run(lambda: AsyncAPIClient().get("/django/echo/"))
        after = run(lambda: AsyncAPIClient().get("/django/echo/"))
    assert before["Referrer-Policy"] == "same-origin"
    assert during["Referrer-Policy"] == "no-referrer"
    assert after["Referrer-Policy"] == "same-origin"


def test_a_client_keeps_the_chain_it_started_with_as_djangos_does() -> None:
    client = AsyncAPIClient()
    run(lambda: client.get("/django/echo/"))
    with override_settings(MIDDLEWARE=[SECURITY, *settings.MIDDLEWARE]):
        assert "Referrer-Policy" not in run(lambda: client.get("/django/echo/"))
        assert "Referrer-Policy" in run(lambda: AsyncAPIClient().get("/django/echo/"))


# close_old_connections ---------------------------------------------------------------------


def receiver_keys(signal: Signal) -> list[object]:
    return [entry[0] for entry in signal.receivers]


@pytest.mark.parametrize("signal", [request_started, request_finished])
def test_requests_leave_close_old_connections_connected(signal: Signal) -> None:
    assert is_connected(signal)
    for _ in range(3):
        run(lambda: AsyncAPIClient().get("/django/echo/"))
    assert is_connected(signal)


def test_close_old_connections_is_not_called_during_a_request() -> None:
    calls: list[str] = []

    def on_started(**kwargs: object) -> None:
        calls.append("started: " + str(is_connected(request_started)))

    def on_finished(**kwargs: object) -> None:
        calls.append("finished: " + str(is_connected(request_finished)))

    request_started.connect(on_started)
    request_finished.connect(on_finished)
    try:
        run(lambda: AsyncAPIClient().get("/django/echo/"))
    finally:
        request_started.disconnect(on_started)
        request_finished.disconnect(on_finished)
    assert calls == ["started: False", "finished: False"]
    assert is_connected(request_started)
    assert is_connected(request_finished)


def is_connected(signal: Signal) -> bool:
    return (id(close_old_connections), id(None)) in receiver_keys(signal)


def test_concurrent_requests_keep_close_old_connections_away_until_the_last_ends() -> None:
    calls: list[str] = []

    def on_finished(**kwargs: object) -> None:
        calls.append(f"finished: {is_connected(request_finished)}")

    async def both() -> None:
        client = AsyncAPIClient()
        await asyncio.gather(client.get("/django/echo/"), client.get("/django/slow/?delay=0.05"))

    request_finished.connect(on_finished)
    try:
        async_to_sync(both)()
    finally:
        request_finished.disconnect(on_finished)
    assert calls == ["finished: False", "finished: False"]
    assert is_connected(request_finished)
