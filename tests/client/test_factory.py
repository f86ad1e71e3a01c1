"""AsyncAPIRequestFactory: ASGI requests that restflow, adrf, DRF and Django views accept."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponseBase
from django.middleware.csrf import get_token
from django.test import override_settings
from rest_framework.response import Response

from restflow_testing import AsyncAPIRequestFactory, CustomFormat, force_authenticate
from tests.project.app import views_django
from tests.project.app.views_adrf import AdrfEchoView
from tests.project.app.views_drf import DrfEchoView
from tests.project.app.views_restflow import ArticleViewSet, RestflowEchoView

T = TypeVar("T")

View = Callable[..., Any]
ASYNC_VIEWS: dict[str, View] = {
    "restflow": RestflowEchoView.as_view(),
    "adrf": AdrfEchoView.as_view(),
}
SYNC_VIEW: View = DrfEchoView.as_view()


def run(make: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await make()

    return async_to_sync(main)()


def call(flavour: str, request: HttpRequest) -> Response:
    """Dispatch ``request`` to the echo view of ``flavour``: awaited, or called for DRF's."""
    if flavour == "drf":
        return cast("Response", SYNC_VIEW(request))
    view = ASYNC_VIEWS[flavour]
    return cast("Response", run(lambda: view(request)))


FLAVOURS = ["restflow", "adrf", "drf"]
factory = AsyncAPIRequestFactory()


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("verb", ["post", "put", "patch", "delete"])
def test_body_verbs_encode_json(flavour: str, verb: str) -> None:
    build: Callable[..., ASGIRequest] = getattr(factory, verb)
    request = build("/anywhere/", {"a": [1, None]})
    assert isinstance(request, ASGIRequest)
    response = call(flavour, request)
    assert response.data["method"] == verb.upper()
    assert response.data["data"] == {"a": [1, None]}
    assert response.data["content_type"] == "application/json"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_get_head_options(flavour: str) -> None:
    got = call(flavour, factory.get("/x/", {"q": ["1", "2"]}))
    head = call(flavour, factory.head("/x/"))
    options = call(flavour, factory.options("/x/"))
    assert got.data["query"] == {"q": ["1", "2"]}
    assert head.status_code == 200
    assert options.status_code == 200
    assert "name" in options.data


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("verb", ["post", "put", "patch"])
def test_multipart_upload(flavour: str, verb: str) -> None:
    build: Callable[..., ASGIRequest] = getattr(factory, verb)
    upload = SimpleUploadedFile("a.csv", b"x,y\n", content_type="text/csv")
    request = build("/x/", {"file": upload, "n": 3}, format="multipart")
    response = call(flavour, request)
    assert response.data["data"] == {
        "n": "3",
        "file": {"name": "a.csv", "size": 4, "content_type": "text/csv"},
    }


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_raw_body_and_trace(flavour: str) -> None:
    request = factory.post("/x/", '{"raw": true}', content_type="application/json")
    assert call(flavour, request).data["data"] == {"raw": True}
    assert call(flavour, factory.trace("/x/")).status_code == 405


def test_custom_format_from_settings() -> None:
    from django.conf import settings

    rest = dict(settings.REST_FRAMEWORK)
    rest["TEST_REQUEST_RENDERER_CLASSES"] = [
        "rest_framework.renderers.JSONRenderer",
        "tests.project.app.views_client.KeyValueRenderer",
    ]
    with override_settings(REST_FRAMEWORK=rest):
        request = factory.post("/x/", {"a": 1, "b": "two"}, format=CustomFormat("kv"))
    assert request.body == b"a=1\nb=two\n"
    assert request.content_type == "text/x-key-value"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_headers_extras_defaults_and_query_params(flavour: str) -> None:
    custom = AsyncAPIRequestFactory(HTTP_HOST="api.example.com", headers={"X-Default": "d"})
    request = custom.get(
        "/x/?ignored=1",
        HTTP_X_WSGI="w",
        headers={"X-Django": "dj"},
        query_params={"page": 2},
        REMOTE_ADDR="10.9.8.7",
    )
    data = call(flavour, request).data
    assert data["host"] == "api.example.com"
    assert data["headers"]["HTTP_X_WSGI"] == "w"
    assert data["headers"]["HTTP_X_DJANGO"] == "dj"
    assert data["headers"]["HTTP_X_DEFAULT"] == "d"
    assert data["query"] == {"page": ["2"]}
    assert request.META["REMOTE_ADDR"] == "10.9.8.7"


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_force_authenticate_marks_one_request(flavour: str) -> None:
    user = User.objects.create_user("carol")
    marked = factory.post("/x/", {"a": 1})
    force_authenticate(marked, user, token="t0k")
    plain = factory.post("/x/", {"a": 1})
    marked_data = call(flavour, marked).data
    assert marked_data["user"] == "carol"
    assert marked_data["auth"] == "t0k"
    assert call(flavour, plain).data["user"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_requests_carry_the_factory_csrf_choice(flavour: str) -> None:
    user = User.objects.create_user("dave")

    def session_post(built: AsyncAPIRequestFactory, **extra: Any) -> Response:
        request = built.post("/x/", {"a": 1}, **extra)
        request.user = user  # as AuthenticationMiddleware would, so SessionAuthentication runs
        return call(flavour, request)

    strict = AsyncAPIRequestFactory(enforce_csrf_checks=True)
    assert session_post(factory).status_code == 201
    assert session_post(strict).status_code == 403

    token_source = strict.get("/x/")
    token = get_token(token_source)
    strict.cookies["csrftoken"] = token_source.META["CSRF_COOKIE"]
    assert session_post(strict, HTTP_X_CSRFTOKEN=token).status_code == 201


def test_plain_django_view_and_csrf_middleware_choice() -> None:
    request = factory.put("/x/?a=1", {"a": 1}, HTTP_X_PLAIN="p")
    request.user = AnonymousUser()
    response = cast("HttpResponseBase", run(lambda: views_django.echo(request)))
    assert response.status_code == 200
    assert request.GET["a"] == "1"
    assert request.META["HTTP_X_PLAIN"] == "p"
    strict = AsyncAPIRequestFactory(enforce_csrf_checks=True)
    assert getattr(strict.post("/x/"), "_dont_enforce_csrf_checks") is False  # noqa: B009
    assert getattr(factory.post("/x/"), "_dont_enforce_csrf_checks") is True  # noqa: B009


@pytest.mark.django_db
def test_viewset_actions_awaited_directly() -> None:
    create = ArticleViewSet.as_view({"post": "create"})
    listing = ArticleViewSet.as_view({"get": "list"})
    created = cast("Response", run(lambda: create(factory.post("/a/", {"title": "T"}))))
    listed = cast("Response", run(lambda: listing(factory.get("/a/"))))
    assert created.status_code == 201
    assert [item["title"] for item in listed.data] == ["T"]
