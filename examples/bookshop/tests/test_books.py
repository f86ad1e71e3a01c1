"""Creating and changing books: generated payloads in, exactly the validated data stored."""

from typing import Any, ClassVar

from asgiref.sync import sync_to_async
from hypothesis import given

from examples.bookshop.shop.models import Author, Book, User
from examples.bookshop.shop.serializers import BookSerializer
from examples.bookshop.tests.fixtures import a_book, usernames
from restflow_testing import AsyncAPITestCase, strategies


def _validated(payload: dict[str, Any], instance: Book | None = None) -> dict[str, Any]:
    serializer = BookSerializer(instance, data=payload, partial=instance is not None)
    if not serializer.is_valid():
        raise AssertionError(f"the strategy drew a payload the serializer rejects: {payload!r}")
    return dict(serializer.validated_data)


class BookWriteTests(AsyncAPITestCase):
    author: ClassVar[Author]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.author = Author.objects.create(name="Ursula K. Le Guin", birth_year=1929)
        Author.objects.create(name="Italo Calvino", birth_year=1923)

    @given(
        payload=strategies.from_serializer(BookSerializer),
        user=strategies.users(saved=True, username=usernames("buyer")),
    )
    async def test_created_book_stores_what_the_serializer_validated(
        self, payload: dict[str, Any], user: Any
    ) -> None:
        self.client.force_authenticate(user)

        response = await self.client.post("/api/books/", payload)

        self.assertEqual(response.status_code, 201, response.content)
        book = await Book.objects.select_related("author", "owner").aget(pk=response.data["id"])
        self.assertEqual(book.owner_id, user.pk)
        self.assertEqual(response.data["owner"], user.get_username())
        expected = await sync_to_async(_validated)(payload)
        for field, value in expected.items():
            self.assertEqual(getattr(book, field), value, field)
        detail = await self.client.get(f"/api/books/{book.pk}/")
        self.assertEqual(detail.data, response.data)

    @given(payload=strategies.invalid_from_serializer(BookSerializer))
    async def test_invalid_book_is_rejected_with_400_and_nothing_stored(
        self, payload: strategies.InvalidPayload
    ) -> None:
        user = await User.objects.acreate(username="careful_buyer")
        self.client.force_authenticate(user)
        before = await Book.objects.acount()

        response = await self.client.post("/api/books/", payload)

        self.assertEqual(response.status_code, 400, payload)
        errors = response.json(as_type=dict[str, object])  # field name -> its errors
        self.assertTrue(errors, "a 400 must say which field was wrong")
        self.assertLessEqual(set(errors), {*BookSerializer.Meta.fields, "non_field_errors"})
        self.assertEqual(await Book.objects.acount(), before)

    @given(change=strategies.from_serializer(BookSerializer, partial=True))
    async def test_owner_patch_changes_only_the_fields_sent(self, change: dict[str, Any]) -> None:
        owner = await User.objects.acreate(username="owner")
        book = await a_book(self.author, owner)
        untouched = {
            field: getattr(book, field) for field in ("title", "genre", "price", "published")
        }
        self.client.force_authenticate(owner)

        response = await self.client.patch(f"/api/books/{book.pk}/", change)

        self.assertEqual(response.status_code, 200, response.content)
        # Re-read (arefresh_from_db() needs Django 5.1), with the author for the comparison.
        book = await Book.objects.select_related("author").aget(pk=book.pk)
        expected = await sync_to_async(_validated)(change, book)
        for field, value in expected.items():
            self.assertEqual(getattr(book, field), value, field)
        for field, value in untouched.items():
            if field not in expected:
                self.assertEqual(getattr(book, field), value, field)

    async def test_anyone_lists_books(self) -> None:
        owner = await User.objects.acreate(username="lister")
        await a_book(self.author, owner, title="Invisible Cities")

        response = await self.client.get("/api/books/")

        self.assertEqual(response.status_code, 200)
        self.assertEqual([book["title"] for book in response.data], ["Invisible Cities"])

    async def test_author_with_books_cannot_be_deleted(self) -> None:
        staff = await User.objects.acreate(username="curator", is_staff=True)
        owner = await User.objects.acreate(username="seller")
        await a_book(self.author, owner)
        self.client.force_authenticate(staff)

        response = await self.client.delete(f"/api/authors/{self.author.pk}/")

        self.assertEqual(response.status_code, 409)
        self.assertTrue(await Author.objects.filter(pk=self.author.pk).aexists())
