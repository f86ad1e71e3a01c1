"""The catalogue summary: an expensive aggregate served from the cache.

The summary is cached under :data:`CATALOGUE_KEY` until a book changes. Invalidation waits
for the transaction that changed the book to commit (see :mod:`examples.bookshop.shop.signals`),
so a rolled-back write never empties the cache and a reader never re-caches uncommitted data.
"""

from typing import Any

from django.core.cache import cache
from django.db.models import Avg, Count

from examples.bookshop.shop.models import Book

CATALOGUE_KEY = "bookshop:catalogue"
CATALOGUE_TIMEOUT = 300


async def build_catalogue() -> dict[str, Any]:
    """Count the books, per genre and in stock, and average their price."""
    by_genre: dict[str, int] = {}
    async for row in Book.objects.values("genre").annotate(count=Count("id")).order_by("genre"):
        by_genre[str(row["genre"])] = int(row["count"])
    average = (await Book.objects.aaggregate(average=Avg("price")))["average"]
    return {
        "books": sum(by_genre.values()),
        "in_stock": await Book.objects.filter(in_stock=True).acount(),
        "by_genre": by_genre,
        "average_price": None if average is None else f"{average:.2f}",
    }


async def cached_catalogue() -> tuple[dict[str, Any], bool]:
    """The summary and whether it came from the cache."""
    summary: dict[str, Any] | None = await cache.aget(CATALOGUE_KEY)
    if summary is not None:
        return summary, True
    summary = await build_catalogue()
    await cache.aset(CATALOGUE_KEY, summary, CATALOGUE_TIMEOUT)
    return summary, False


def invalidate_catalogue() -> None:
    """Drop the cached summary; the next read rebuilds it."""
    cache.delete(CATALOGUE_KEY)
