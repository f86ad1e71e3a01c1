"""Signal-driven cache invalidation: writes to articles drop the cached count once committed."""

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tests.project.app.models import Article

ARTICLE_COUNT_KEY = "suite:article-count"


def forget_article_count() -> None:
    cache.delete(ARTICLE_COUNT_KEY)


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def invalidate_article_count(sender: type[Article], **kwargs: Any) -> None:
    transaction.on_commit(forget_article_count)
