"""Signal-driven cache invalidation, through real commits and through captured callbacks."""

from django.core.cache import cache
from hypothesis import given, settings
from hypothesis import strategies as st

from restflow_testing import AsyncAPITestCase, AsyncAPITransactionTestCase
from tests.project.app.models import Article, Tag
from tests.project.app.signals import ARTICLE_COUNT_KEY

COUNT_URL = "/restflow/articles/count/"


class CacheInvalidationOnCommitTests(AsyncAPITransactionTestCase):
    """Here the transaction really commits, so the on_commit receiver runs by itself."""

    async def asyncSetUp(self) -> None:
        await cache.aclear()

    async def test_create_through_the_api_drops_the_cached_count(self) -> None:
        first = await self.client.get(COUNT_URL)
        self.assertEqual(first.json(), {"count": 0, "cached": False})
        self.assertEqual((await self.client.get(COUNT_URL)).json(), {"count": 0, "cached": True})

        created = await self.client.post("/restflow/articles/", {"title": "Fresh"})
        self.assertEqual(created.status_code, 201)

        self.assertIsNone(await cache.aget(ARTICLE_COUNT_KEY))
        self.assertEqual((await self.client.get(COUNT_URL)).json(), {"count": 1, "cached": False})

    async def test_delete_through_the_orm_drops_the_cached_count(self) -> None:
        article = await Article.objects.acreate(title="Doomed")
        await self.client.get(COUNT_URL)
        await article.adelete()
        self.assertEqual((await self.client.get(COUNT_URL)).json(), {"count": 0, "cached": False})

    @settings(max_examples=5, deadline=None)
    @given(title=st.text(st.characters(categories=["L"]), min_size=1, max_size=30))
    async def test_each_example_starts_from_an_empty_table(self, title: str) -> None:
        self.assertEqual(await Article.objects.acount(), 0)
        await self.client.post("/restflow/articles/", {"title": title})
        self.assertEqual(
            (await self.client.get(COUNT_URL)).json(as_type=dict[str, object])["count"], 1
        )


class CapturedCallbacksTests(AsyncAPITestCase):
    """Inside TestCase's transaction nothing commits: captureOnCommitCallbacks runs them."""

    @classmethod
    def setUpTestData(cls) -> None:
        Tag.objects.create(name="present")

    async def asyncSetUp(self) -> None:
        await cache.aclear()

    async def test_callbacks_of_an_api_write_are_captured_and_run(self) -> None:
        await self.client.get(COUNT_URL)
        self.assertEqual(await cache.aget(ARTICLE_COUNT_KEY), 0)

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            response = await self.client.post("/restflow/articles/", {"title": "Captured"})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(len(callbacks), 1)
        self.assertIsNone(await cache.aget(ARTICLE_COUNT_KEY))
        self.assertEqual((await self.client.get(COUNT_URL)).json(), {"count": 1, "cached": False})

    async def test_callbacks_of_async_orm_writes_are_captured_without_running(self) -> None:
        await cache.aset(ARTICLE_COUNT_KEY, 42)
        with self.captureOnCommitCallbacks() as callbacks:
            await Article.objects.acreate(title="One")
            await Article.objects.acreate(title="Two")
        self.assertEqual(len(callbacks), 2)
        self.assertEqual(await cache.aget(ARTICLE_COUNT_KEY), 42)
        for callback in callbacks:
            callback()
        self.assertIsNone(await cache.aget(ARTICLE_COUNT_KEY))

    async def test_an_error_in_the_block_propagates(self) -> None:
        with self.assertRaisesMessage(LookupError, "inside the block"):  # noqa: SIM117
            with self.captureOnCommitCallbacks(execute=True):
                await Article.objects.acreate(title="Before the error")
                raise LookupError("inside the block")

    def test_sync_tests_keep_djangos_behaviour(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            Article.objects.create(title="Sync")
        self.assertEqual(len(callbacks), 1)
