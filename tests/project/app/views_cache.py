"""A cached endpoint whose value the article signals invalidate."""

from typing import Any

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.response import Response
from restflow.views import AsyncAPIView

from tests.project.app.models import Article
from tests.project.app.signals import ARTICLE_COUNT_KEY


class ArticleCountView(AsyncAPIView):
    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        count = await cache.aget(ARTICLE_COUNT_KEY)
        cached = count is not None
        if count is None:
            count = await Article.objects.acount()
            await cache.aset(ARTICLE_COUNT_KEY, count)
        return Response({"count": count, "cached": cached})
