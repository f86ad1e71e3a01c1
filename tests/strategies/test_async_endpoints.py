"""Generated payloads and users drive real endpoints from async @given tests."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from restflow_testing import AsyncAPITestCase
from restflow_testing.strategies import (
    InvalidPayload,
    from_serializer,
    invalid_from_serializer,
    users,
)
from tests.project.app.echo import Echo
from tests.project.app.models import Article, Tag
from tests.project.app.serializers import ArticleSerializer


class AsyncEndpointTests(AsyncAPITestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        Tag.objects.bulk_create([Tag(name="red"), Tag(name="blue")])

    @settings(max_examples=30)
    @given(payload=from_serializer(ArticleSerializer))
    async def test_valid_payloads_are_created_as_sent(self, payload: dict[str, Any]) -> None:
        response = await self.client.post("/restflow/articles/", payload)

        self.assertEqual(response.status_code, 201, response.content)
        stored = await Article.objects.aget(pk=response.data["id"])
        self.assertEqual(stored.title, payload["title"].strip())
        tags = [tag.pk async for tag in stored.tags.all()]
        self.assertCountEqual(tags, payload.get("tags", []))

    @settings(max_examples=30)
    @given(payload=invalid_from_serializer(ArticleSerializer))
    async def test_invalid_payloads_get_400_and_store_nothing(
        self, payload: InvalidPayload
    ) -> None:
        response = await self.client.post("/restflow/articles/", payload, format="json")

        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(await Article.objects.acount(), 0)

    @settings(max_examples=20)
    @given(user=users(saved=True), flavour=st.sampled_from(["restflow", "adrf", "drf"]))
    async def test_forced_auth_users_reach_every_view_flavour(
        self, user: Any, flavour: str
    ) -> None:
        self.client.force_authenticate(user)

        response = await self.client.get(f"/{flavour}/echo/")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(as_type=Echo)["user"], user.get_username())
