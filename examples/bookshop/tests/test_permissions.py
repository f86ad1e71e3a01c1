"""Who may do what, across every kind of user: anonymous, plain, owner, staff, token holders."""

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal

from hypothesis import given
from hypothesis import strategies as st

from examples.bookshop.shop.models import Author, Book, Genre, Review, User
from examples.bookshop.shop.serializers import AuthorSerializer, BookSerializer, ReviewSerializer
from examples.bookshop.tests.fixtures import a_book, usernames
from restflow_testing import AsyncAPITestCase, strategies

Kind = Literal["anonymous", "plain", "owner", "staff"]
KINDS: tuple[Kind, ...] = ("anonymous", "plain", "owner", "staff")


class BookPermissionTests(AsyncAPITestCase):
    author: ClassVar[Author]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.author = Author.objects.create(name="Octavia E. Butler", birth_year=1947)

    @given(
        kind=st.sampled_from(KINDS),
        owner=strategies.users(saved=True, is_staff=False, username=usernames("owner")),
        plain=strategies.users(saved=True, is_staff=False, username=usernames("plain")),
        staff=strategies.users(saved=True, is_staff=True, username=usernames("staff")),
        change=strategies.from_serializer(BookSerializer, partial=True),
    )
    async def test_only_the_owner_and_staff_change_a_book(
        self, kind: Kind, owner: Any, plain: Any, staff: Any, change: dict[str, Any]
    ) -> None:
        book = await a_book(self.author, owner)
        acting = {"anonymous": None, "plain": plain, "owner": owner, "staff": staff}[kind]
        self.client.force_authenticate(acting)

        response = await self.client.patch(f"/api/books/{book.pk}/", change)

        allowed = kind in ("owner", "staff")
        self.assertEqual(response.status_code, 200 if allowed else 403, (kind, response.content))

    @given(
        kind=st.sampled_from(KINDS),
        owner=strategies.users(saved=True, is_staff=False, username=usernames("owner")),
        plain=strategies.users(saved=True, is_staff=False, username=usernames("plain")),
        staff=strategies.users(saved=True, is_staff=True, username=usernames("staff")),
    )
    async def test_only_the_owner_and_staff_delete_a_book(
        self, kind: Kind, owner: Any, plain: Any, staff: Any
    ) -> None:
        book = await a_book(self.author, owner)
        acting = {"anonymous": None, "plain": plain, "owner": owner, "staff": staff}[kind]
        self.client.force_authenticate(acting)

        response = await self.client.delete(f"/api/books/{book.pk}/")

        allowed = kind in ("owner", "staff")
        self.assertEqual(response.status_code, 204 if allowed else 403, kind)
        self.assertEqual(await Book.objects.filter(pk=book.pk).aexists(), not allowed)

    @given(
        user=st.one_of(strategies.anonymous_users(), strategies.users(saved=True)),
        payload=strategies.from_serializer(AuthorSerializer),
    )
    async def test_only_staff_add_authors(self, user: Any, payload: dict[str, Any]) -> None:
        self.client.force_authenticate(user)

        response = await self.client.post("/api/authors/", payload)

        if user.is_staff:
            self.assertEqual(response.status_code, 201, response.content)
        else:
            self.assertEqual(response.status_code, 403)
            self.assertFalse(await Author.objects.exclude(pk=self.author.pk).aexists())

    @given(user=st.one_of(strategies.anonymous_users(), strategies.users(saved=True)))
    async def test_everyone_reads_authors(self, user: Any) -> None:
        self.client.force_authenticate(user)

        response = await self.client.get(f"/api/authors/{self.author.pk}/")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.data["name"], "Octavia E. Butler")


class ReviewPermissionTests(AsyncAPITestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        author = Author.objects.create(name="Stanisław Lem", birth_year=1921)
        seller = User.objects.create(username="seller")
        Book.objects.create(
            title="Solaris",
            author=author,
            owner=seller,
            genre=Genre.FICTION,
            price=Decimal("12.00"),
            published=date(1961, 6, 1),
        )

    @given(token=strategies.tokens(), review=strategies.from_serializer(ReviewSerializer))
    async def test_token_holder_reviews_as_themselves(
        self, token: Any, review: dict[str, Any]
    ) -> None:
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

        response = await self.client.post("/api/reviews/", review)

        self.assertEqual(response.status_code, 201, response.content)
        stored = await Review.objects.select_related("reviewer").aget(pk=response.data["id"])
        self.assertEqual(stored.reviewer_id, token.user_id)
        self.assertEqual(response.data["reviewer"], stored.reviewer.get_username())

    @given(review=strategies.from_serializer(ReviewSerializer))
    async def test_anonymous_cannot_review(self, review: dict[str, Any]) -> None:
        response = await self.client.post("/api/reviews/", review)

        self.assertEqual(response.status_code, 403)
        self.assertFalse(await Review.objects.aexists())

    async def test_a_bad_token_is_refused(self) -> None:
        self.client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

        response = await self.client.get("/api/reviews/")

        # 403, not 401: SessionAuthentication comes first and sends no WWW-Authenticate challenge.
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"detail": "Invalid token."})
