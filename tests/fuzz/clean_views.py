"""Stock views the fuzzer must pass without a single failure: DRF viewsets and generic views,
drf-restflow async viewsets and generic views, a plain Django view (adrf's viewset is in
``adrf_views``)."""

from django.http import HttpRequest, JsonResponse
from rest_framework import filters, generics, pagination, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from restflow import permissions as restflow_permissions
from restflow.views import AsyncListCreateAPIView, AsyncModelViewSet

from tests.project.app.models import Article, Tag
from tests.project.app.models_strategies import Gadget
from tests.project.app.serializers import ArticleSerializer, TagSerializer
from tests.project.app.serializers_strategies import GadgetSerializer


class SmallPages(pagination.PageNumberPagination):
    page_size = 3
    page_size_query_param = "size"
    max_page_size = 10


class GadgetViewSet(viewsets.ModelViewSet[Gadget]):
    """DRF's ModelViewSet over a model with a field of every kind, paginated and filtered."""

    queryset = Gadget.objects.order_by("id")
    serializer_class = GadgetSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    pagination_class = SmallPages
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "count", "price"]

    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAdminUser])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        gadget = self.get_object()
        gadget.active = False
        gadget.save(update_fields=["active"])
        return Response(self.get_serializer(gadget).data)


class TagViewSet(viewsets.ReadOnlyModelViewSet[Tag]):
    """A read-only viewset looked up by a slug rather than the primary key."""

    queryset = Tag.objects.order_by("id")
    serializer_class = TagSerializer
    lookup_field = "name"


class ArticleListCreate(generics.ListCreateAPIView[Article]):
    queryset = Article.objects.order_by("id")
    serializer_class = ArticleSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]


class ArticleDetail(generics.RetrieveUpdateDestroyAPIView[Article]):
    queryset = Article.objects.order_by("id")
    serializer_class = ArticleSerializer
    permission_classes = [permissions.IsAdminUser]


class AsyncArticleViewSet(AsyncModelViewSet):
    """drf-restflow's async ModelViewSet with its async permissions."""

    queryset = Article.objects.order_by("id")
    serializer_class = ArticleSerializer
    permission_classes = [restflow_permissions.IsAuthenticatedOrReadOnly]


class AsyncTagListCreate(AsyncListCreateAPIView):
    """drf-restflow's async generic list-and-create view."""

    queryset = Tag.objects.order_by("id")
    serializer_class = TagSerializer


def health(request: HttpRequest) -> JsonResponse:
    """A plain Django view."""
    return JsonResponse({"ok": True})
