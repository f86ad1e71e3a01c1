"""drf-restflow views: an async APIView and an async model viewset."""

from typing import Any

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
