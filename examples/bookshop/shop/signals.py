"""Keep the cached catalogue honest: any saved or deleted book drops it once the write commits."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from examples.bookshop.shop.catalogue import invalidate_catalogue
from examples.bookshop.shop.models import Book


def book_changed(sender: type[Book], instance: Book, **kwargs: Any) -> None:
    """Schedule the invalidation for when the surrounding transaction commits."""
    transaction.on_commit(invalidate_catalogue)


def connect() -> None:
    """Connect the receivers (called once, from the app's ``ready()``)."""
    post_save.connect(book_changed, sender=Book, dispatch_uid="bookshop-book-saved")
    post_delete.connect(book_changed, sender=Book, dispatch_uid="bookshop-book-deleted")
