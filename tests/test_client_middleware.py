"""The client's middleware chain: shared while it is Django's own, per client otherwise; and the
request bookkeeping that keeps ``close_old_connections`` away from the test's connection."""

import gc
import weakref
from collections import UserList
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
from restflow_testing._receiver_aside import receiver_set_aside

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


# Sharing -------------------------------------------------------------------------------------


def test_fresh_clients_share_a_chain_of_djangos_own_middleware() -> None:
    assert all(path.startswith("django.") for path in settings.MIDDLEWARE)
    first, second = AsyncAPIClient(), AsyncAPIClient()
    assert served_chain(first) is served_chain(second)


def test_middleware_from_elsewhere_gets_a_chain_per_client() -> None:
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, COUNTING]):
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
    # SecurityMiddleware reads SECURE_REFERRER_POLICY in __init__: a chain built before the
    # change would keep sending the old value.
    with override_settings(MIDDLEWARE=[SECURITY, *settings.MIDDLEWARE]):
        before = run(lambda: AsyncAPIClient().get("/django/echo/"))
        with override_settings(SECURE_REFERRER_POLICY="no-referrer"):
            during = run(lambda: AsyncAPIClient().get("/django/echo/"))
        after = run(lambda: AsyncAPIClient().get("/django/echo/"))
    assert before["Referrer-Policy"] == "same-origin"
    assert during["Referrer-Policy"] == "no-referrer"
    assert after["Referrer-Policy"] == "same-origin"


def test_a_changed_middleware_list_is_served_at_once() -> None:
    with override_settings(MIDDLEWARE=[SECURITY, *settings.MIDDLEWARE]):
        assert "Referrer-Policy" in run(lambda: AsyncAPIClient().get("/django/echo/"))
    assert "Referrer-Policy" not in run(lambda: AsyncAPIClient().get("/django/echo/"))


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
def test_requests_leave_close_old_connections_connected_in_its_place(signal: Signal) -> None:
    before = receiver_keys(signal)
    assert (id(close_old_connections), id(None)) in before
    for _ in range(3):
        run(lambda: AsyncAPIClient().get("/django/echo/"))
    assert receiver_keys(signal) == before


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


def test_requests_register_no_finalizer_each() -> None:
    # Signal.connect() registers a weakref.finalize per call, kept for as long as the receiver
    # lives; the client puts the receiver back without connecting it anew.
    registry: dict[object, object] = vars(weakref.finalize)["_registry"]
    run(lambda: AsyncAPIClient().get("/django/echo/"))
    gc.collect()
    before = len(registry)
    for _ in range(20):
        run(lambda: AsyncAPIClient().get("/django/echo/"))
    gc.collect()
    assert len(registry) - before < 20


def test_set_aside_restores_a_receiver_that_was_not_connected_as_not_connected() -> None:
    signal = Signal()
    calls: list[str] = []

    def receiver(**kwargs: object) -> None:
        calls.append("called")

    with receiver_set_aside(signal, receiver):
        signal.send(sender=None)
    assert signal.receivers == []
    signal.connect(receiver, weak=False)
    with receiver_set_aside(signal, receiver):
        signal.send(sender=None)
    signal.send(sender=None)
    assert calls == ["called"]


def test_set_aside_connects_no_duplicate_when_the_receiver_was_connected_meanwhile() -> None:
    signal = Signal()

    def receiver(**kwargs: object) -> None:
        pass

    signal.connect(receiver, weak=False)
    with receiver_set_aside(signal, receiver):
        signal.connect(receiver, weak=False)
    assert len(signal.receivers) == 1


def test_set_aside_falls_back_on_disconnect_and_connect_for_another_layout() -> None:
    class OtherLayout(Signal):
        """A signal whose receivers are not kept in a plain list."""

        def __init__(self) -> None:
            super().__init__()
            receivers: Any = UserList[object]()
            self.receivers = receivers

    signal = OtherLayout()
    calls: list[str] = []

    def receiver(**kwargs: object) -> None:
        calls.append("called")

    signal.connect(receiver, weak=False)
    with receiver_set_aside(signal, receiver):
        signal.send(sender=None)
    signal.send(sender=None)
    assert calls == ["called"]
    assert len(signal.receivers) == 1
