"""Drawn payloads and users drive real endpoints: 201 for valid, 400 (never 500) for invalid."""

import warnings
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from restflow_testing.strategies import (
    InvalidPayload,
    Payload,
    from_serializer,
    invalid_from_serializer,
    tokens,
    users,
)
from tests.project.app.models import Article, Tag
from tests.project.app.serializers import ArticleSerializer
from tests.project.app.serializers_strategies import FilesSerializer, GadgetSerializer

EXAMPLES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@override_settings(ROOT_URLCONF="tests.strategies.urls")
class Endpoints(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        Tag.objects.bulk_create([Tag(name=f"tag-{index}") for index in range(3)])

    def setUp(self) -> None:
        self.api = APIClient()

    @EXAMPLES
    @given(from_serializer(ArticleSerializer))
    def test_restflow_viewset_creates_valid_payloads(self, payload: Payload) -> None:
        response: Any = self.api.post("/restflow/articles/", payload, format="json")
        assert response.status_code == 201, response.content
        article = Article.objects.get(pk=response.json()["id"])
        assert article.title == payload["title"].strip()

    @EXAMPLES
    @given(invalid_from_serializer(ArticleSerializer))
    def test_restflow_viewset_rejects_invalid_payloads(self, payload: InvalidPayload) -> None:
        response: Any = self.api.post("/restflow/articles/", payload, format="json")
        assert response.status_code == 400, response.content
        assert not Article.objects.exists()

    @EXAMPLES
    @given(from_serializer(GadgetSerializer))
    def test_model_viewset_creates_every_field_kind(self, payload: Payload) -> None:
        response: Any = self.api.post("/strategies/gadgets/", payload, format="json")
        assert response.status_code == 201, response.content

    @EXAMPLES
    @given(invalid_from_serializer(GadgetSerializer))
    def test_model_viewset_rejects_invalid_payloads(self, payload: InvalidPayload) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            response: Any = self.api.post("/strategies/gadgets/", payload, format="json")
        assert response.status_code == 400, response.content

    @EXAMPLES
    @given(from_serializer(GadgetSerializer, partial=True), st.data())
    def test_partial_updates(self, patch: Payload, data: st.DataObject) -> None:
        created: Any = self.api.post(
            "/strategies/gadgets/", data.draw(from_serializer(GadgetSerializer)), format="json"
        )
        assert created.status_code == 201, created.content
        patched = {key: value for key, value in patch.items() if key != "name"}
        response: Any = self.api.patch(
            f"/strategies/gadgets/{created.json()['id']}/", patched, format="json"
        )
        assert response.status_code in (200, 400), response.content

    @EXAMPLES
    @given(from_serializer(FilesSerializer))
    def test_multipart_uploads(self, payload: Payload) -> None:
        response: Any = self.api.post("/strategies/upload/", payload, format="multipart")
        assert response.status_code == 201, response.content
        assert response.json()["size"] == payload["upload"].size

    @EXAMPLES
    @given(invalid_from_serializer(FilesSerializer))
    def test_multipart_invalid_uploads(self, payload: InvalidPayload) -> None:
        response: Any = self.api.post("/strategies/upload/", payload, format="multipart")
        assert response.status_code == 400, response.content

    @EXAMPLES
    @given(users(saved=True))
    def test_forced_authentication_of_saved_users(self, user: AbstractBaseUser) -> None:
        self.api.force_authenticate(user)
        response: Any = self.api.get("/strategies/whoami/")
        assert response.status_code == 200
        assert response.json() == {"pk": user.pk}

    @EXAMPLES
    @given(users())
    def test_forced_authentication_of_unsaved_users(self, user: AbstractBaseUser) -> None:
        self.api.force_authenticate(user)
        response: Any = self.api.get("/strategies/whoami/")
        assert response.status_code == 200

    @EXAMPLES
    @given(tokens())
    def test_token_authentication(self, token: Token) -> None:
        self.api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response: Any = self.api.get("/strategies/whoami/")
        assert response.status_code == 200
        assert response.json() == {"pk": token.user.pk}
