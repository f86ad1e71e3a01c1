"""Rows and strategies the bookshop tests share."""

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from examples.bookshop.shop.models import Author, Book, Genre, User


def usernames(prefix: str) -> st.SearchStrategy[str]:
    """Valid usernames that start with ``prefix``, so users drawn for different roles in one
    example never collide on the unique username."""
    return st.from_regex(rf"\A{prefix}_[a-z0-9]{{1,12}}\Z")


async def a_book(author: Author, owner: User, *, title: str = "The Dispossessed") -> Book:
    return await Book.objects.acreate(
        title=title,
        author=author,
        owner=owner,
        genre=Genre.FICTION,
        price=Decimal("9.99"),
        published=date(1974, 5, 1),
    )
