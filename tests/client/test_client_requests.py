"""AsyncAPIClient against every view flavour: verbs, formats, uploads, headers, query strings,
redirects, exceptions and the response object."""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypedDict, cast

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.http import JsonResponse, StreamingHttpResponse
from django.test import override_settings
from django.test.client import RedirectCycleError
from rest_framework.response import Response

from restflow_testing import APIResponse, AsyncAPIClient, CustomFormat
from tests.project.app.echo import DRFEcho, Echo
from tests.project.app.models import Article

ECHO = {
    "restflow": "/restflow/echo/",
    "adrf": "/adrf/echo/",
    "drf": "/drf/echo/",
    "django": "/django/echo/",
}
DRF_FLAVOURS = ["restflow", "adrf", "drf"]
BODY_VERBS = ["post", "put", "patch", "delete"]


def run(make: Callable[[], Awaitable[APIResponse]]) -> APIResponse:
    """Await ``make()`` on a fresh event loop, as an async test would."""

    async def main() -> APIResponse:
        return await make()

    return async_to_sync(main)()


def body_call(
    client: AsyncAPIClient, verb: str, path: str, *args: Any, **kwargs: Any
) -> Awaitable[APIResponse]:
    method: Callable[..., Awaitable[APIResponse]] = getattr(client, verb)
    return method(path, *args, **kwargs)


# Verbs ------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", list(ECHO))
def test_get_reaches_every_flavour(flavour: str) -> None:
    response = run(lambda: AsyncAPIClient().get(ECHO[flavour], {"q": "1"}))
    assert response.status_code == 200
    body = response.json(as_type=Echo)
    assert body["method"] == "GET"
    assert body["query"] == {"q": ["1"]}


@pytest.mark.parametrize("verb", BODY_VERBS)
@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
def test_body_verbs_send_json_by_default(flavour: str, verb: str) -> None:
    payload = {"title": "x", "tags": [1, 2], "nested": {"ok": True, "none": None}}
    response = run(lambda: body_call(AsyncAPIClient(), verb, ECHO[flavour], payload))
    assert response.status_code == (201 if verb == "post" else 200)
    body = response.json(as_type=DRFEcho)
    assert body["method"] == verb.upper()
    assert body["content_type"] == "application/json"
    assert body["data"] == payload


@pytest.mark.parametrize("verb", [*BODY_VERBS, "options", "trace"])
def test_plain_django_view_sees_every_verb(verb: str) -> None:
    response = run(lambda: body_call(AsyncAPIClient(), verb, ECHO["django"]))
    assert response.status_code == 200
    assert response.json(as_type=Echo)["method"] == verb.upper()


@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
def test_head_runs_get_without_a_body(flavour: str) -> None:
    response = run(lambda: AsyncAPIClient().head(ECHO[flavour]))
    assert response.status_code == 200
    assert response.content == b""
    assert response.asgi_request.method == "HEAD"


@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
def test_options_returns_drf_metadata(flavour: str) -> None:
    response = run(lambda: AsyncAPIClient().options(ECHO[flavour]))
    assert response.status_code == 200
    assert "name" in response.json(as_type=dict[str, Any])
    assert "POST" in response["Allow"]


@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
def test_trace_is_refused_by_drf_views(flavour: str) -> None:
    response = run(lambda: AsyncAPIClient().trace(ECHO[flavour]))
    assert response.status_code == 405


def test_generic_sends_any_method_with_a_raw_body() -> None:
    response = run(
        lambda: AsyncAPIClient().generic(
            "put", ECHO["restflow"], '{"raw": 1}', content_type="application/json"
        )
    )
    assert response.json(as_type=DRFEcho)["data"] == {"raw": 1}


def test_request_accepts_scope_keys_directly() -> None:
    client = AsyncAPIClient()
    client.credentials(HTTP_X_FROM="credentials")
    response = run(
        lambda: client.request(
            method="GET",
            path=ECHO["restflow"],
            query_string="a=1",
            headers=[(b"x-direct", b"yes")],
        )
    )
    body = response.json(as_type=Echo)
    assert body["query"] == {"a": ["1"]}
    assert body["headers"]["HTTP_X_DIRECT"] == "yes"
    assert body["headers"]["HTTP_X_FROM"] == "credentials"


class ArticleBody(TypedDict):
    id: int
    title: str


@pytest.mark.django_db
def test_router_viewset_create_list_retrieve_update_delete() -> None:
    client = AsyncAPIClient()

    async def scenario() -> list[APIResponse]:
        created = await client.post("/restflow/articles/", {"title": "First", "body": "b"})
        pk = created.json(as_type=ArticleBody)["id"]
        listed = await client.get("/restflow/articles/")
        retrieved = await client.get(f"/restflow/articles/{pk}/")
        patched = await client.patch(f"/restflow/articles/{pk}/", {"title": "Second"})
        replaced = await client.put(
            f"/restflow/articles/{pk}/", {"title": "Third", "body": "", "tags": []}
        )
        deleted = await client.delete(f"/restflow/articles/{pk}/")
        return [created, listed, retrieved, patched, replaced, deleted]

    created, listed, retrieved, patched, replaced, deleted = async_to_sync(scenario)()
    assert created.status_code == 201
    assert created.data["title"] == "First"
    assert [item["title"] for item in listed.json(as_type=list[ArticleBody])] == ["First"]
    assert retrieved.json(as_type=ArticleBody)["title"] == "First"
    assert patched.json(as_type=ArticleBody)["title"] == "Second"
    assert replaced.json(as_type=ArticleBody)["title"] == "Third"
    assert deleted.status_code == 204
    assert not Article.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/restflow/articles/create/", "/drf/articles/create/"])
def test_async_and_sync_create_views_answer_alike(path: str) -> None:
    """The benchmark's pair of create views: same serializer, same answers."""
    client = AsyncAPIClient()

    async def scenario() -> tuple[APIResponse, APIResponse]:
        created = await client.post(path, {"title": "Benchmarked", "tags": []})
        refused = await client.post(path, {"title": ""})
        return created, refused

    created, refused = async_to_sync(scenario)()
    assert created.status_code == 201
    assert set(created.data) == {"id", "title", "body", "published", "author", "tags", "created"}
    assert Article.objects.get(pk=created.data["id"]).title == "Benchmarked"
    assert refused.status_code == 400
    assert set(refused.data) == {"title"}
    assert Article.objects.count() == 1


# Formats and uploads -------------------------------------------------------------------


def upload(name: str = "hello.txt", content: bytes = b"hello world") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


@pytest.mark.parametrize("verb", BODY_VERBS)
@pytest.mark.parametrize("flavour", DRF_FLAVOURS)
def test_multipart_uploads_work_with_every_body_verb(flavour: str, verb: str) -> None:
    def send() -> Awaitable[APIResponse]:
        data = {"title": "x", "file": upload(), "many": ["1", "2"]}
        return body_call(AsyncAPIClient(), verb, ECHO[flavour], data, format="multipart")

    body = run(send).json(as_type=DRFEcho)
    assert body["content_type"].startswith("multipart/form-data; boundary=")
    assert body["data"] == {
        "title": "x",
        "many": ["1", "2"],
        "file": {"name": "hello.txt", "size": 11, "content_type": "text/plain"},
    }


def test_several_files_under_one_field() -> None:
    def send() -> Awaitable[APIResponse]:
        files = [upload("a.txt", b"a"), upload("b.txt", b"bb")]
        return AsyncAPIClient().post(ECHO["restflow"], {"files": files}, "multipart")

    assert [item["size"] for item in run(send).json(as_type=DRFEcho)["data"]["files"]] == [1, 2]


def test_raw_body_with_content_type() -> None:
    response = run(
        lambda: AsyncAPIClient().post("/client/kv/", b"a=1\nb=2\n", content_type="text/x-key-value")
    )
    assert response.json(as_type=DRFEcho)["data"] == {"a": "1", "b": "2"}
    assert response.json(as_type=Echo)["content_type"] == "text/x-key-value"


def test_mapping_with_json_content_type_is_json_encoded_as_django_does() -> None:
    response = run(
        lambda: AsyncAPIClient().post(ECHO["drf"], {"a": [1]}, content_type="application/json")
    )
    assert response.json(as_type=DRFEcho)["data"] == {"a": [1]}


def test_none_data_sends_no_body() -> None:
    response = run(lambda: AsyncAPIClient().post(ECHO["restflow"]))
    assert response.json(as_type=DRFEcho)["data"] == {}
    assert "HTTP_CONTENT_LENGTH" not in response.json(as_type=Echo)["headers"]
    assert "CONTENT_LENGTH" not in response.asgi_request.META


def kv_settings(**changes: Any) -> dict[str, Any]:
    rest = dict(settings.REST_FRAMEWORK)
    rest["TEST_REQUEST_RENDERER_CLASSES"] = [
        *rest["TEST_REQUEST_RENDERER_CLASSES"],
        "tests.project.app.views_client.KeyValueRenderer",
    ]
    rest.update(changes)
    return rest


@pytest.mark.parametrize("verb", ["post", "put"])
def test_custom_renderer_format_from_settings(verb: str) -> None:
    with override_settings(REST_FRAMEWORK=kv_settings()):
        response = run(
            lambda: body_call(
                AsyncAPIClient(), verb, "/client/kv/", {"a": 1}, format=CustomFormat("kv")
            )
        )
    body = response.json(as_type=DRFEcho)
    assert body["content_type"] == "text/x-key-value; charset=utf-8"
    assert body["data"] == {"a": "1"}


def test_default_format_setting_is_honoured_per_request() -> None:
    client = AsyncAPIClient()
    with override_settings(REST_FRAMEWORK=kv_settings(TEST_REQUEST_DEFAULT_FORMAT="kv")):
        inside = run(lambda: client.post("/client/kv/", {"a": 1}))
    outside = run(lambda: client.post("/client/kv/", {"a": 1}))
    assert inside.json(as_type=Echo)["content_type"].startswith("text/x-key-value")
    assert outside.json(as_type=Echo)["content_type"] == "application/json"
    assert inside.json(as_type=DRFEcho)["data"] == {"a": "1"}
    assert outside.json(as_type=DRFEcho)["data"] == {"a": 1}


def test_multipart_default_format_from_settings() -> None:
    rest = {**settings.REST_FRAMEWORK, "TEST_REQUEST_DEFAULT_FORMAT": "multipart"}
    with override_settings(REST_FRAMEWORK=rest):
        response = run(lambda: AsyncAPIClient().post(ECHO["adrf"], {"a": "1"}))
    assert response.json(as_type=Echo)["content_type"].startswith("multipart/form-data")
    assert response.json(as_type=DRFEcho)["data"] == {"a": "1"}


def test_class_attributes_pin_format_and_renderers() -> None:
    from rest_framework.renderers import JSONRenderer

    from tests.project.app.views_client import KeyValueRenderer

    class KeyValueClient(AsyncAPIClient):
        default_format = "kv"
        renderer_classes_list = (JSONRenderer, KeyValueRenderer)

    response = run(lambda: KeyValueClient().post("/client/kv/", {"a": 1}))
    assert response.json(as_type=DRFEcho)["data"] == {"a": "1"}


# Headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", list(ECHO))
def test_wsgi_style_and_django_headers_per_request(flavour: str) -> None:
    response = run(
        lambda: AsyncAPIClient().get(
            ECHO[flavour],
            HTTP_X_WSGI="1",
            ACCEPT_LANGUAGE="fr",
            headers={"X-Django": "2"},
        )
    )
    headers = response.json(as_type=Echo)["headers"]
    assert headers["HTTP_X_WSGI"] == "1"
    assert headers["HTTP_X_DJANGO"] == "2"
    assert headers["HTTP_ACCEPT_LANGUAGE"] == "fr"
    assert not any(name.startswith("HTTP_HTTP_") for name in headers)


@pytest.mark.parametrize("flavour", list(ECHO))
def test_host_default_replaces_testserver(flavour: str) -> None:
    client = AsyncAPIClient(HTTP_HOST="api.example.com", headers={"X-Default": "d"})
    body = run(lambda: client.get(ECHO[flavour])).json(as_type=Echo)
    assert body["host"] == "api.example.com"
    assert body["headers"]["HTTP_HOST"] == "api.example.com"
    assert body["headers"]["HTTP_X_DEFAULT"] == "d"


def test_precedence_request_over_credentials_over_defaults() -> None:
    client = AsyncAPIClient(HTTP_X_LEVEL="default", HTTP_X_ONLY_DEFAULT="d")
    client.credentials(HTTP_X_LEVEL="credentials", HTTP_X_ONLY_CREDENTIALS="c")
    first = run(lambda: client.get(ECHO["restflow"])).json(as_type=Echo)["headers"]
    second = run(lambda: client.get(ECHO["restflow"], HTTP_X_LEVEL="request")).json(as_type=Echo)[
        "headers"
    ]
    third = run(
        lambda: client.get(ECHO["restflow"], HTTP_X_LEVEL="extra", headers={"X-Level": "headers"})
    ).json(as_type=Echo)["headers"]
    assert first["HTTP_X_LEVEL"] == "credentials"
    assert second["HTTP_X_LEVEL"] == "request"
    assert third["HTTP_X_LEVEL"] == "headers"
    assert first["HTTP_X_ONLY_DEFAULT"] == "d"
    assert first["HTTP_X_ONLY_CREDENTIALS"] == "c"


def test_content_type_credential_is_sent_once() -> None:
    client = AsyncAPIClient()
    client.credentials(CONTENT_TYPE="application/json")
    response = run(lambda: client.post(ECHO["adrf"], {"a": 1}))
    assert response.status_code == 201
    assert response.json(as_type=Echo)["content_type"] == "application/json"
    assert response.json(as_type=DRFEcho)["data"] == {"a": 1}


def test_cgi_variables_reach_meta() -> None:
    response = run(
        lambda: AsyncAPIClient(REMOTE_ADDR="10.0.0.1").get(
            ECHO["drf"], REMOTE_USER="alice", SERVER_NAME="internal", SERVER_PORT="8080"
        )
    )
    meta = response.asgi_request.META
    assert meta["REMOTE_ADDR"] == "10.0.0.1"
    assert meta["REMOTE_USER"] == "alice"
    assert meta["SERVER_NAME"] == "internal"
    assert meta["SERVER_PORT"] == "8080"
    assert "HTTP_REMOTE_USER" not in meta


def test_secure_requests_use_https() -> None:
    response = run(lambda: AsyncAPIClient().get(ECHO["restflow"], secure=True))
    assert response.json(as_type=Echo)["secure"] is True
    assert response.asgi_request.META["SERVER_PORT"] == "443"


def test_scheme_default() -> None:
    defaults: dict[str, Any] = {"wsgi.url_scheme": "https"}
    client = AsyncAPIClient(**defaults)
    assert run(lambda: client.get(ECHO["drf"])).json(as_type=Echo)["secure"] is True


# Query strings ---------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", list(ECHO))
def test_query_params_on_get_and_post(flavour: str) -> None:
    client = AsyncAPIClient()
    got = run(lambda: client.get(ECHO[flavour], query_params={"a": ["1", "2"], "b": 3}))
    posted = run(lambda: client.post(ECHO[flavour], {"x": 1}, query_params=[("c", "4")]))
    assert got.json(as_type=Echo)["query"] == {"a": ["1", "2"], "b": ["3"]}
    assert posted.json(as_type=Echo)["query"] == {"c": ["4"]}


def test_query_in_path_and_constructor_default() -> None:
    client = AsyncAPIClient(query_params={"page": 2})
    from_default = run(lambda: client.get(ECHO["restflow"])).json(as_type=Echo)["query"]
    from_path = run(lambda: client.get(ECHO["restflow"] + "?page=5")).json(as_type=Echo)["query"]
    assert from_default == {"page": ["2"]}
    assert from_path == {"page": ["5"]}


def test_get_data_and_query_params_together_are_refused() -> None:
    with pytest.raises(ValueError, match="mutually exclusive"):
        run(lambda: AsyncAPIClient().get(ECHO["drf"], {"a": 1}, query_params={"b": 2}))


# Redirects ----------------------------------------------------------------------------------


def test_redirect_not_followed_by_default() -> None:
    response = run(lambda: AsyncAPIClient().get("/django/redirect/"))
    assert response.status_code == 302
    assert response["Location"] == "/django/echo/"
    assert not hasattr(response, "redirect_chain")


def test_follow_records_the_chain() -> None:
    response = run(lambda: AsyncAPIClient().get("/client/twice/", follow=True))
    assert response.status_code == 200
    assert response.redirect_chain == [("/django/redirect/", 302), ("/django/echo/", 302)]
    assert response.json(as_type=Echo)["method"] == "GET"


def test_follow_relative_location() -> None:
    response = run(lambda: AsyncAPIClient().get("/client/rel/", follow=True))
    assert response.json(as_type=Echo)["path"] == "/django/echo/"
    assert response.json(as_type=Echo)["query"] == {"from": ["relative"]}


def test_follow_absolute_location_uses_its_host() -> None:
    response = run(lambda: AsyncAPIClient().get("/client/absolute/", follow=True))
    assert response.json(as_type=Echo)["host"] == "api.example.com"
    assert response.json(as_type=Echo)["query"] == {"from": ["absolute"]}


def test_follow_post_302_becomes_get() -> None:
    response = run(lambda: AsyncAPIClient().post("/django/redirect/", {"a": 1}, follow=True))
    assert response.json(as_type=Echo)["method"] == "GET"
    assert response.redirect_chain == [("/django/echo/", 302)]


def test_follow_307_keeps_method_and_body() -> None:
    response = run(
        lambda: AsyncAPIClient().post("/client/keep-method/", {"kept": True}, follow=True)
    )
    assert response.status_code == 201
    assert response.json(as_type=DRFEcho)["data"] == {"kept": True}
    assert response.redirect_chain == [("/restflow/echo/", 307)]


def test_follow_keeps_request_headers() -> None:
    response = run(lambda: AsyncAPIClient().get("/django/redirect/", follow=True, HTTP_X_KEEP="1"))
    assert response.json(as_type=Echo)["headers"]["HTTP_X_KEEP"] == "1"


def test_redirect_loop_is_reported() -> None:
    with pytest.raises(RedirectCycleError, match="loop"):
        run(lambda: AsyncAPIClient().get("/client/loop/", follow=True))


# Exceptions -----------------------------------------------------------------------------------

BOOM = {
    "restflow": "/client/boom/restflow/",
    "adrf": "/client/boom/adrf/",
    "drf": "/client/boom/drf/",
    "django": "/django/boom/",
}


@pytest.mark.parametrize("flavour", list(BOOM))
def test_view_exception_is_raised_by_default(flavour: str) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        run(lambda: AsyncAPIClient().get(BOOM[flavour]))


@pytest.mark.parametrize("flavour", list(BOOM))
def test_view_exception_becomes_500_when_not_raised(flavour: str) -> None:
    client = AsyncAPIClient(raise_request_exception=False)
    response = run(lambda: client.get(BOOM[flavour]))
    assert response.status_code == 500
    assert response.exc_info is not None
    assert response.exc_info[0] is RuntimeError
    healthy = run(lambda: client.get(ECHO[flavour]))
    assert healthy.exc_info is None


# The response -----------------------------------------------------------------------------------


def test_templates_rendered_by_the_view_and_their_context_are_on_the_response() -> None:
    response = run(lambda: AsyncAPIClient().get("/django/greeting/", {"name": "Ada"}))
    assert response.content == b"Hello Ada"
    assert [template.source for template in response.templates] == ["Hello {{ name }}"]
    assert response.context is not None
    assert response.context["name"] == "Ada"
    plain = run(lambda: AsyncAPIClient().get(ECHO["django"]))
    assert plain.templates == []
    assert plain.context is None


def test_concurrent_requests_keep_their_own_templates() -> None:
    client = AsyncAPIClient()

    async def greet_all() -> list[APIResponse]:
        names = ["Ada", "Grace", "Alan"]
        return await asyncio.gather(*(client.get("/django/greeting/", {"name": n}) for n in names))

    responses = async_to_sync(greet_all)()
    assert [len(response.templates) for response in responses] == [1, 1, 1]
    names = [response.context["name"] if response.context else None for response in responses]
    assert names == ["Ada", "Grace", "Alan"]


def test_drf_response_keeps_its_class_and_data() -> None:
    response = run(lambda: AsyncAPIClient().post(ECHO["restflow"], {"a": 1}))
    assert isinstance(response, Response)
    assert isinstance(response, APIResponse)
    assert type(response).__name__ == "Response"
    assert response.data["data"] == {"a": 1}
    assert response.headers["Content-Type"] == "application/json"
    assert isinstance(response.asgi_request, ASGIRequest)
    assert response.request["path"] == "/restflow/echo/"
    assert response.request["method"] == "POST"
    assert response.client is not None
    assert response.resolver_match.url_name is None
    assert response.resolver_match.route == "restflow/echo/"


def test_data_on_a_non_drf_response_says_what_to_use() -> None:
    response = run(lambda: AsyncAPIClient().get(ECHO["django"]))
    assert isinstance(response, JsonResponse)
    with pytest.raises(AttributeError, match=r"\.json\(\).*\.content"):
        _ = response.data
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        getattr(response, "missing")  # noqa: B009
    assert not hasattr(response, "render")


def test_json_refuses_non_json_bodies() -> None:
    response = run(lambda: AsyncAPIClient().get("/client/streaming/"))
    assert response.streaming
    streamed = cast("StreamingHttpResponse", cast("object", response))
    assert b"".join(cast("Iterator[bytes]", streamed.streaming_content)) == b"ab"
    with pytest.raises(ValueError, match='not "application/json"'):
        response.json()


def test_cookies_persist_across_requests() -> None:
    client = AsyncAPIClient()
    run(lambda: client.get("/client/csrf/"))
    assert settings.CSRF_COOKIE_NAME in client.cookies
    response = run(lambda: client.get(ECHO["drf"]))
    assert settings.CSRF_COOKIE_NAME in response.asgi_request.COOKIES
