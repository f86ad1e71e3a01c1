"""drf-restflow views: an async APIView and an async model viewset."""

from typing import Any, cast

from asgiref.sync import sync_to_async
from rest_framework.request import Request
from rest_framework.response import Response
from restflow.views import AsyncAPIView, AsyncModelViewSet

from tests.project.app.echo import describe
from tests.project.app.models import Article
from tests.project.app.serializers import ArticleSerializer


class RestflowEchoView(AsyncAPIView):
    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))

    async def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request), status=201)

    async def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))

    async def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))

    async def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))


class ArticleViewSet(AsyncModelViewSet):
    queryset = Article.objects.order_by("id")
    serializer_class = ArticleSerializer


class ArticleCreateView(AsyncAPIView):
    """Validates, saves and returns one article: the async twin of ``ArticleSyncCreateView``."""

    async def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ArticleSerializer(data=request.data)
        await sync_to_async(serializer.is_valid)(raise_exception=True)
        await sync_to_async(serializer.save)()
        return Response(await sync_to_async(_representation)(serializer), status=201)


def _representation(serializer: ArticleSerializer) -> dict[str, Any]:
    """``serializer.data``, which may query the database (sync code)."""
    return cast("dict[str, Any]", serializer.data)
