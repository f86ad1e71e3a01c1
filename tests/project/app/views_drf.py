"""DRF's own sync views."""

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ModelViewSet

from tests.project.app.echo import describe
from tests.project.app.models import Article
from tests.project.app.serializers import ArticleSerializer


class DrfEchoView(APIView):
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request), status=201)

    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))


class ArticleSyncViewSet(ModelViewSet[Article]):
    """DRF's sync model viewset over the same model as the restflow one."""

    queryset = Article.objects.order_by("id")
    serializer_class = ArticleSerializer


class ArticleSyncCreateView(APIView):
    """Validates, saves and returns one article: the sync twin of ``ArticleCreateView``."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ArticleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=201)
