import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from examples.notes.tests.test_notes import NoteBody
from restflow_testing import AsyncAPIClient


@pytest.fixture
async def ada(db: None) -> AbstractBaseUser:
    return await get_user_model().objects.acreate(username="ada")


async def test_notes_are_listed_in_order(
    ada: AbstractBaseUser, async_api_client: AsyncAPIClient
) -> None:
    async_api_client.force_authenticate(ada)
    for title in ("first", "second"):
        created = await async_api_client.post("/notes/", {"title": title})
        assert created.status_code == 201, created.content

    listed = await async_api_client.get("/notes/")

    notes = listed.json(as_type=list[NoteBody])
    assert [note["title"] for note in notes] == ["first", "second"]
