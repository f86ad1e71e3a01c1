"""The cached catalogue: served from the cache, dropped only when a book change commits."""

from typing import Any, ClassVar

from django.core.cache import cache
from hypothesis import given
from hypothesis import strategies as st

from examples.bookshop.shop.catalogue import CATALOGUE_KEY
from examples.bookshop.shop.models import Author, Book, User
from examples.bookshop.shop.serializers import BookSerializer
from examples.bookshop.tests.fixtures import a_book
from restflow_testing import AsyncAPITestCase, strategies


class CatalogueCacheTests(AsyncAPITestCase):
    author: ClassVar[Author]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.author = Author.objects.create(name="Jorge Luis Borges", birth_year=1899)

    async def asyncSetUp(self) -> None:
        await cache.aclear()
        self.seller = await User.objects.acreate(username="seller")

    async def test_second_read_is_served_from_the_cache(self) -> None:
        await a_book(self.author, self.seller)

        first = await self.client.get("/api/catalogue/")
        second = await self.client.get("/api/catalogue/")

        self.assertEqual(first.headers["X-Cache"], "miss")
        self.assertEqual(second.headers["X-Cache"], "hit")
        self.assertEqual(second.data, first.data)
        self.assertEqual(first.data["books"], 1)

    @given(payloads=st.lists(strategies.from_serializer(BookSerializer), min_size=1, max_size=3))
    async def test_committed_new_books_invalidate_the_catalogue(
        self, payloads: list[dict[str, Any]]
    ) -> None:
        before = await self.client.get("/api/catalogue/")
        self.client.force_authenticate(self.seller)

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            for payload in payloads:
                created = await self.client.post("/api/books/", payload)
                self.assertEqual(created.status_code, 201, created.content)

        self.assertEqual(len(callbacks), len(payloads))
        after = await self.client.get("/api/catalogue/")
        self.assertEqual(after.headers["X-Cache"], "miss")
        self.assertEqual(after.data["books"], before.data["books"] + len(payloads))
        self.assertEqual(sum(after.data["by_genre"].values()), after.data["books"])

    async def test_uncommitted_change_leaves_the_cache_alone(self) -> None:
        await self.client.get("/api/catalogue/")
        self.client.force_authenticate(self.seller)

        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            book = await a_book(self.author, self.seller, title="Ficciones")
            self.assertIsNotNone(await cache.aget(CATALOGUE_KEY))

        self.assertEqual(len(callbacks), 1, "saving a book must schedule one invalidation")
        stale = await self.client.get("/api/catalogue/")
        self.assertEqual(stale.headers["X-Cache"], "hit")
        self.assertEqual(stale.data["books"], 0)
        self.assertTrue(await Book.objects.filter(pk=book.pk).aexists())

    async def test_committed_delete_invalidates_the_catalogue(self) -> None:
        book = await a_book(self.author, self.seller)
        cached = await self.client.get("/api/catalogue/")
        self.assertEqual(cached.data["books"], 1)
        self.client.force_authenticate(self.seller)

        with self.captureOnCommitCallbacks(execute=True):
            deleted = await self.client.delete(f"/api/books/{book.pk}/")

        self.assertEqual(deleted.status_code, 204)
        fresh = await self.client.get("/api/catalogue/")
        self.assertEqual(fresh.headers["X-Cache"], "miss")
        self.assertEqual(fresh.data["books"], 0)
        self.assertIsNone(fresh.data["average_price"])
