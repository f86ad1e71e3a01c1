"""On a test loop the shared chain of Django's own middleware runs flat, with the very responses
Django's nested chain gives: which hooks run, in which order, and what an exception becomes."""

import re
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.test import override_settings

from restflow_testing import APIResponse, AsyncAPIClient
from restflow_testing._flat_middleware import flat_chain
from restflow_testing._test_loop import TestLoop

SECURITY = "django.middleware.security.SecurityMiddleware"
XFRAME = "django.middleware.clickjacking.XFrameOptionsMiddleware"
# Security first and X-Frame-Options last: each response shows which of them saw it.
FULL_CHAIN = [SECURITY, *settings.MIDDLEWARE, XFRAME]
FUNCTION = "tests.project.app.middleware.function_middleware"

Request = Callable[[AsyncAPIClient], Coroutine[Any, Any, APIResponse]]


def on_test_loop(request: Request) -> APIResponse:
    """Serve ``request`` on a test loop, where the shared chain runs flat."""
    loop = TestLoop()
    try:
        client = AsyncAPIClient(raise_request_exception=False)
        response = loop.run(request(client))
        handler: Any = client.handler
        chain: Any = handler._middleware_chain
        assert chain.__qualname__ == "flat_chain.<locals>.run_chain"
        return response
    finally:
        loop.close()


def through_djangos_chain(request: Request) -> APIResponse:
    """Serve ``request`` on a loop of asgiref's, where Django's nested chain runs unchanged."""

    async def main() -> APIResponse:
        return await request(AsyncAPIClient(raise_request_exception=False))

    return async_to_sync(main)()


def outcome(response: APIResponse) -> tuple[int, list[str], bytes]:
    """What a response shows of the hooks that made it (a 500 page's body aside)."""
    body = b"" if response.status_code == 500 else response.content
    return response.status_code, sorted(response.headers), body


@pytest.fixture(autouse=True)
def full_chain() -> Iterator[None]:
    with override_settings(MIDDLEWARE=FULL_CHAIN):
        yield


def served_both_ways(request: Request) -> APIResponse:
    flat = on_test_loop(request)
    assert outcome(flat) == outcome(through_djangos_chain(request))
    return flat


def test_every_hook_runs_when_no_middleware_answers() -> None:
    response = served_both_ways(lambda client: client.get("/django/echo/"))
    assert response.status_code == 200
    assert "Referrer-Policy" in response.headers
    assert "X-Frame-Options" in response.headers


def test_a_middleware_that_answers_still_processes_its_own_response() -> None:
    # SecurityMiddleware answers with a redirect; its process_response adds its headers to it,
    # and no middleware inside it runs.
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = served_both_ways(lambda client: client.get("/django/echo/"))
    assert response.status_code == 301
    assert "Referrer-Policy" in response.headers
    assert "X-Frame-Options" not in response.headers


def test_an_answer_from_the_middle_goes_out_through_the_outer_middleware_only() -> None:
    with override_settings(PREPEND_WWW=True):
        response = served_both_ways(lambda client: client.get("/django/echo/"))
    assert response.status_code == 301
    assert "Content-Length" in response.headers  # CommonMiddleware's own process_response
    assert "Referrer-Policy" in response.headers
    assert "X-Frame-Options" not in response.headers


def test_an_exception_in_process_request_becomes_a_response_for_the_outer_middleware() -> None:
    # CommonMiddleware refuses the user agent by raising PermissionDenied.
    with override_settings(DISALLOWED_USER_AGENTS=[re.compile("crawler")]):
        response = served_both_ways(
            lambda client: client.get("/django/echo/", headers={"user-agent": "crawler"})
        )
    assert response.status_code == 403
    assert "Content-Length" not in response.headers  # its own process_response did not run
    assert "Referrer-Policy" in response.headers
    assert "X-Frame-Options" not in response.headers


def test_an_exception_in_the_view_goes_out_through_every_middleware() -> None:
    response = served_both_ways(lambda client: client.get("/django/boom/"))
    assert response.status_code == 500
    assert "X-Frame-Options" in response.headers


def test_an_exception_in_process_response_replaces_the_response_for_the_outer_middleware() -> None:
    # With DEBUG on, CommonMiddleware's process_response raises RuntimeError for a POST it
    # would have to redirect to the URL with a slash.
    with override_settings(DEBUG=True):
        response = served_both_ways(lambda client: client.post("/django/echo", {"a": 1}))
    assert response.status_code == 500
    assert "Referrer-Policy" in response.headers
    # X-Frame-Options went on the response the exception replaced.
    assert "X-Frame-Options" not in response.headers


def test_the_exception_still_reaches_the_test() -> None:
    loop = TestLoop()
    try:
        with pytest.raises(RuntimeError, match="boom from a plain async view"):
            loop.run(AsyncAPIClient().get("/django/boom/"))
    finally:
        loop.close()


def test_a_chain_with_a_middleware_that_is_not_a_mixin_is_not_flattened() -> None:
    assert flat_chain(built_chain(FULL_CHAIN)) is not None
    assert flat_chain(built_chain([*FULL_CHAIN, FUNCTION])) is None
    assert flat_chain(built_chain([FUNCTION, *FULL_CHAIN])) is None


def built_chain(middleware: list[str]) -> Any:
    with override_settings(MIDDLEWARE=middleware):
        handler: Any = BaseHandler()
        handler.load_middleware(is_async=True)
        return handler._middleware_chain
