"""Redirects as Django's own client handles them: ``redirect_chain`` only when following, query-only
and empty locations, and ``assertRedirects`` (with its fetch of the target) in both runners."""

import pytest
from asgiref.sync import async_to_sync
from django.test import SimpleTestCase

from restflow_testing import AsyncAPIClient, AsyncAPITestCase


async def test_redirect_chain_is_absent_unless_following() -> None:
    response = await AsyncAPIClient().get("/django/redirect/")
    assert response.status_code == 302
    assert not hasattr(response, "redirect_chain")


async def test_following_sets_the_chain_even_without_a_redirect() -> None:
    response = await AsyncAPIClient().get("/django/echo/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == []


async def test_response_request_records_what_was_sent_under_wsgi_names_too() -> None:
    # Tests written for Django's sync client read response.request by WSGI names; after a
    # followed redirect they describe the last request, as that client's do.
    client = AsyncAPIClient()
    direct = await client.post("/restflow/echo/?page=2", {"a": 1}, format="json")
    assert direct.request["REQUEST_METHOD"] == direct.request["method"] == "POST"
    assert direct.request["PATH_INFO"] == direct.request["path"] == "/restflow/echo/"
    assert direct.request["QUERY_STRING"] == "page=2"
    assert (direct.request["SERVER_NAME"], direct.request["SERVER_PORT"]) == ("testserver", "80")
    assert direct.request["wsgi.url_scheme"] == "http"

    kept = await client.put("/client/keep-method/", {"a": 1}, format="json", follow=True)
    assert (kept.request["REQUEST_METHOD"], kept.request["PATH_INFO"]) == ("PUT", "/restflow/echo/")

    moved = await client.get("/client/absolute/", follow=True)
    assert moved.request["SERVER_NAME"] == "api.example.com"
    assert moved.request["QUERY_STRING"] == "from=absolute"
    secure = await client.get("/restflow/echo/", secure=True)
    assert (secure.request["wsgi.url_scheme"], secure.request["SERVER_PORT"]) == ("https", "443")


async def test_query_only_location_keeps_the_current_path() -> None:
    # A sync DRF view answering "?success=true": the target is its own path, not "/".
    response = await AsyncAPIClient().get("/client/query-only/", follow=True)
    assert response.status_code == 200
    assert response.json() == {"path": "/client/query-only/", "success": True}
    assert response.redirect_chain == [("?success=true", 302)]


async def test_client_records_the_last_requests_headers() -> None:
    client = AsyncAPIClient()
    assert (client.extra, client.headers) == (None, None)
    await client.get("/client/to-tenant/", headers={"X-Tenant": "acme"}, HTTP_X_TRACE="1")
    assert client.headers == {"X-Tenant": "acme"}
    assert client.extra == {"HTTP_X_TRACE": "1"}
    await client.post("/restflow/echo/", {"a": 1})
    recorded: tuple[object, object] = (client.extra, client.headers)
    assert recorded == ({}, None)


class AssertRedirectsTests(AsyncAPITestCase):
    async def test_not_followed_redirect_passes_without_fetching(self) -> None:
        response = await self.client.get("/client/to-tenant/")
        self.assertRedirects(response, "/client/tenant-only/", fetch_redirect_response=False)

    async def test_followed_redirect(self) -> None:
        response = await self.client.get(
            "/client/to-tenant/", follow=True, headers={"X-Tenant": "acme"}
        )
        self.assertRedirects(response, "/client/tenant-only/")

    async def test_fetch_of_the_target_sends_the_last_requests_headers(self) -> None:
        # The target answers 403 without X-Tenant: the fetch must send what the request sent.
        response = await self.client.get("/client/to-tenant/", headers={"X-Tenant": "acme"})
        self.assertRedirects(response, "/client/tenant-only/")
        response = await self.client.get("/client/to-tenant/", HTTP_X_TENANT="acme")
        self.assertRedirects(response, "/client/tenant-only/")

    async def test_fetch_of_the_target_reports_its_status(self) -> None:
        response = await self.client.get("/client/to-tenant/")
        with self.assertRaisesMessage(AssertionError, "response code was 403 (expected 200)"):
            self.assertRedirects(response, "/client/tenant-only/")
        self.assertRedirects(response, "/client/tenant-only/", target_status_code=403)

    def test_fetch_works_in_a_plain_test_too(self) -> None:
        get = async_to_sync(self.client.get)
        response = get("/client/to-tenant/", headers={"X-Tenant": "acme"})
        self.assertRedirects(response, "/client/tenant-only/")

    async def test_fetch_uses_the_tests_database_connection(self) -> None:
        from django.contrib.auth.models import User

        user = await User.objects.acreate(username="ada")
        await self.client.aforce_login(user)
        response = await self.client.get("/django/redirect/")
        # The target runs a view that reads the session (rows of this test's transaction).
        response["Location"] = "/client/whoami/"
        self.assertRedirects(response, "/client/whoami/")


@pytest.mark.django_db
async def test_djangos_assert_redirects_under_the_plugin_without_fetching() -> None:
    response = await AsyncAPIClient().get("/client/query-only/")
    # Django's own assertion, as pytest-django's assertRedirects hands it out.
    SimpleTestCase().assertRedirects(
        response, "/client/query-only/?success=true", fetch_redirect_response=False
    )
