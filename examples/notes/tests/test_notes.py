from typing import TypedDict

from django.contrib.auth import get_user_model
from hypothesis import given

from examples.notes.models import Note
from examples.notes.serializers import NoteSerializer
from restflow_testing import AsyncAPITestCase, strategies


class NoteBody(TypedDict):
    id: int
    title: str
    body: str
    pinned: bool


class NoteTests(AsyncAPITestCase):
    async def asyncSetUp(self) -> None:
        self.user = await get_user_model().objects.acreate(username="ada")
        self.client.force_authenticate(self.user)

    @given(payload=strategies.from_serializer(NoteSerializer))
    async def test_a_valid_note_is_stored_as_sent(self, payload: strategies.Payload) -> None:
        response = await self.client.post("/notes/", payload)

        self.assertEqual(response.status_code, 201, response.content)
        note = response.json(as_type=NoteBody)
        stored = await Note.objects.aget(pk=note["id"])
        self.assertEqual((stored.title, stored.owner_id), (note["title"], self.user.pk))

    @given(payload=strategies.invalid_from_serializer(NoteSerializer))
    async def test_an_invalid_note_is_refused(self, payload: strategies.InvalidPayload) -> None:
        response = await self.client.post("/notes/", payload)

        self.assertEqual(response.status_code, 400, payload)
        self.assertFalse(await Note.objects.aexists())

    async def test_anonymous_users_see_nothing(self) -> None:
        self.client.force_authenticate(None)

        response = await self.client.get("/notes/")

        self.assertEqual(response.status_code, 403)
