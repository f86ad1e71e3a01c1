"""Bad input to the client and factory: each mistake raises a real exception that says what to do,
also under ``python -O`` (no ``assert``)."""

import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from asgiref.sync import async_to_sync

from restflow_testing import AsyncAPIClient, AsyncAPIRequestFactory
from tests.project.app.echo import Echo

T = TypeVar("T")


def run(make: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await make()

    return async_to_sync(main)()


def untyped_client() -> Any:
    """The client seen without its overloads, to make calls the type checkers reject."""
    return AsyncAPIClient()


def untyped_factory() -> Any:
    return AsyncAPIRequestFactory()


@pytest.mark.parametrize("verb", ["post", "put", "patch", "delete", "options"])
def test_unknown_format_names_the_available_ones(verb: str) -> None:
    client = untyped_client()
    with pytest.raises(ValueError, match=r"Unknown request format 'xml'.*'json', 'multipart'"):
        run(lambda: getattr(client, verb)("/drf/echo/", {"a": 1}, format="xml"))
    with pytest.raises(ValueError, match="TEST_REQUEST_RENDERER_CLASSES"):
        getattr(untyped_factory(), verb)("/drf/echo/", {"a": 1}, format="xml")


@pytest.mark.parametrize("verb", ["post", "put", "patch", "delete", "options"])
def test_format_with_content_type_is_a_type_error(verb: str) -> None:
    client = untyped_client()
    with pytest.raises(TypeError, match="either format= or content_type=, not both"):
        run(
            lambda: getattr(client, verb)(
                "/drf/echo/", {"a": 1}, format="json", content_type="application/json"
            )
        )
    with pytest.raises(TypeError, match="not both"):
        getattr(untyped_factory(), verb)("/drf/echo/", None, "json", "text/plain")


def test_credentials_keys_must_be_wsgi_headers() -> None:
    client = AsyncAPIClient()
    client.credentials(HTTP_X_KEEP="1")
    with pytest.raises(ValueError, match=r"'AUTHORIZATION'.*'HTTP_'.*'CONTENT_'"):
        client.credentials(AUTHORIZATION="Token abc")
    body = run(lambda: client.get("/drf/echo/")).json(as_type=Echo)
    assert body["headers"]["HTTP_X_KEEP"] == "1"


def test_json_error_names_the_offending_type_and_place() -> None:
    client = untyped_client()
    payload = {"items": [1, {"when": object()}]}
    with pytest.raises(TypeError) as raised:
        run(lambda: client.post("/drf/echo/", payload))
    message = str(raised.value)
    assert "data['items'][1]['when'] is a object" in message
    assert "JSONRenderer" in message


def test_json_error_for_non_finite_floats() -> None:
    with pytest.raises(TypeError, match=r"data\['ratio'\] is a float \(nan\)"):
        untyped_factory().post("/drf/echo/", {"ratio": float("nan")})


def test_json_error_for_unusable_keys() -> None:
    with pytest.raises(TypeError, match=r"key \(1, 2\)"):
        untyped_factory().patch("/drf/echo/", {(1, 2): "tuple key"})


def test_multipart_refuses_nested_mappings_and_none() -> None:
    factory = untyped_factory()
    with pytest.raises(TypeError, match="'meta' is a dict: multipart bodies cannot nest"):
        factory.post("/drf/echo/", {"meta": {"a": 1}}, format="multipart")
    with pytest.raises(TypeError, match="Cannot encode None for key 'empty'"):
        factory.put("/drf/echo/", {"empty": None}, format="multipart")
    with pytest.raises(TypeError, match="mapping of field names"):
        factory.put("/drf/echo/", ["a", "b"], format="multipart")


def test_raw_body_must_be_text_or_bytes() -> None:
    with pytest.raises(TypeError, match="must be str or bytes, not dict"):
        untyped_factory().post("/drf/echo/", {"a": 1}, content_type="text/plain")


def test_header_names_with_underscores_are_refused() -> None:
    with pytest.raises(ValueError, match="contains '_'"):
        run(lambda: AsyncAPIClient().get("/drf/echo/", headers={"X_Api_Key": "k"}))


def test_errors_do_not_depend_on_assert() -> None:
    script = textwrap.dedent(
        """
        import django
        from django.conf import settings

        settings.configure(INSTALLED_APPS=["rest_framework"])
        django.setup()
        from restflow_testing.encoding import encode_data

        for call in (
            lambda: encode_data({"a": 1}, "xml"),
            lambda: encode_data({"a": 1}, "json", "text/plain"),
            lambda: encode_data({"a": object()}, "json"),
        ):
            try:
                call()
            except (TypeError, ValueError) as error:
                print(type(error).__name__)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-O", "-c", script], capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["ValueError", "TypeError", "TypeError"]
