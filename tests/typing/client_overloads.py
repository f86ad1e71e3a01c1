"""Static checks of the client's and factory's signatures, run by mypy and basedpyright.

Nothing here is a test pytest collects or runs. Calls that must type-check go through
``assert_type``; calls that must be rejected carry ignore comments for the exact errors, and
both checkers fail on an unused ignore, so loosening an overload breaks the build.
"""

import datetime
from decimal import Decimal
from typing import Any, assert_type
from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.urls import reverse_lazy

from restflow_testing import (
    APIResponse,
    AsyncAPIClient,
    AsyncAPIRequestFactory,
    CustomFormat,
    JSONValue,
    force_authenticate,
)


async def client_calls_that_type_check(
    client: AsyncAPIClient, user: User, upload: SimpleUploadedFile, payload: JSONValue
) -> None:
    assert_type(await client.get("/x/"), APIResponse)
    assert_type(await client.get(reverse_lazy("article-list"), {"page": 2}), APIResponse)
    assert_type(await client.head("/x/", query_params={"a": [1, 2]}), APIResponse)
    assert_type(await client.trace("/x/", follow=True), APIResponse)
    assert_type(await client.post("/x/"), APIResponse)
    assert_type(await client.post("/x/", {"a": [1, {"b": None, "c": 1.5}]}), APIResponse)
    assert_type(await client.post("/x/", payload), APIResponse)
    assert_type(await client.post("/x/", [1, "two", True]), APIResponse)
    assert_type(await client.put("/x/", {"a": 1}, format="json"), APIResponse)
    assert_type(await client.put("/x/", {"a": 1}, "json", follow=True), APIResponse)
    assert_type(
        await client.patch(
            "/x/",
            {
                "when": datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
                "price": Decimal("1.5"),
                "id": UUID(int=1),
            },
        ),
        APIResponse,
    )
    assert_type(
        await client.post("/x/", {"f": upload, "n": 1, "tags": ["a", "b"]}, format="multipart"),
        APIResponse,
    )
    assert_type(await client.put("/x/", {"files": [upload, upload]}, "multipart"), APIResponse)
    assert_type(await client.delete("/x/", format="multipart"), APIResponse)
    assert_type(await client.post("/x/", b"\x00raw", content_type="application/x"), APIResponse)
    assert_type(await client.options("/x/", "a=1", content_type="text/plain"), APIResponse)
    assert_type(await client.post("/x/", {"a": 1}, content_type="application/json"), APIResponse)
    assert_type(await client.post("/x/", {"a": 1}, format=CustomFormat("kv")), APIResponse)
    assert_type(await client.post("/x/", {"a": {1, 2}}, CustomFormat("yaml")), APIResponse)
    assert_type(
        await client.post(
            "/x/", {"a": 1}, headers={"X-A": "1"}, query_params={"q": "1"}, HTTP_X_B="2"
        ),
        APIResponse,
    )
    assert_type(await client.generic("PROPFIND", "/x/", b"<xml/>"), APIResponse)
    assert_type(await client.request(method="GET", path="/x/"), APIResponse)


async def response_attributes(client: AsyncAPIClient) -> None:
    response = await client.get("/x/")
    assert_type(response.status_code, int)
    assert_type(response.content, bytes)
    assert_type(response.json(), JSONValue)
    assert_type(response.data, Any)
    assert_type(response.redirect_chain, list[tuple[str, int]])
    assert_type(response.asgi_request, ASGIRequest)
    assert_type(response.request, dict[str, Any])
    assert_type(response["Content-Type"], str)


async def authentication_calls(
    client: AsyncAPIClient, user: User, base_user: AbstractBaseUser
) -> None:
    client.force_authenticate(user)
    client.force_authenticate(base_user, token="abc")
    client.force_authenticate(AnonymousUser())
    client.force_authenticate(token=object())
    client.force_authenticate()
    client.credentials(HTTP_AUTHORIZATION="Token abc")
    client.logout()
    assert_type(await client.alogin(username="a", password="b"), bool)
    await client.aforce_login(user)
    await client.alogout()


def factory_calls_that_type_check(
    factory: AsyncAPIRequestFactory, user: User, upload: SimpleUploadedFile
) -> None:
    assert_type(factory.get("/x/", {"q": 1}), ASGIRequest)
    assert_type(factory.post("/x/", {"a": [1, None]}), ASGIRequest)
    assert_type(factory.put("/x/", {"f": upload}, format="multipart"), ASGIRequest)
    assert_type(factory.patch("/x/", "raw", content_type="text/plain"), ASGIRequest)
    assert_type(factory.delete("/x/", {"a": 1}, CustomFormat("kv")), ASGIRequest)
    assert_type(factory.options("/x/"), ASGIRequest)
    assert_type(factory.head("/x/"), ASGIRequest)
    assert_type(factory.trace("/x/"), ASGIRequest)
    request = factory.post("/x/")
    force_authenticate(request, user, token="abc")
    force_authenticate(request, AnonymousUser())
    force_authenticate(request)


async def client_calls_that_must_fail(client: AsyncAPIClient, upload: SimpleUploadedFile) -> None:
    # format and content_type together
    await client.post("/x/", {"a": 1}, format="json", content_type="application/json")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await client.put("/x/", "raw", format="kv", content_type="text/plain")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    # a set is not JSON
    await client.post("/x/", {1, 2})  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    await client.post("/x/", {1, 2}, format="json")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await client.patch("/x/", {"tags": {1, 2}})  # type: ignore[dict-item]  # pyright: ignore[reportArgumentType]
    # multipart data is flat
    await client.post("/x/", {"meta": {"a": 1}}, format="multipart")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await client.put("/x/", {"f": upload, "meta": {"a": 1}}, "multipart")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    # formats other than json and multipart are spelled CustomFormat(...)
    await client.post("/x/", {"a": 1}, format="kv")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    # a user, not a user name
    client.force_authenticate("alice")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await client.aforce_login("alice")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def factory_calls_that_must_fail(factory: AsyncAPIRequestFactory) -> None:
    factory.post("/x/", {"a": 1}, format="json", content_type="application/json")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    factory.post("/x/", {1, 2})  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    factory.put("/x/", {"meta": {"a": 1}}, format="multipart")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    force_authenticate(factory.post("/x/"), "alice")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
