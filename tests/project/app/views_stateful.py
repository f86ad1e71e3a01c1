"""Viewsets for the stateful machines: clean ones with permissions, per-user querysets and
pagination, and five with a seeded stateful bug each (tests/stateful, benchmarks/bench_stateful.py).
"""

from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import QuerySet
from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination
from rest_framework.serializers import BaseSerializer
from rest_framework.viewsets import ModelViewSet
from restflow.permissions import IsAuthenticatedOrReadOnly
from restflow.views import AsyncModelViewSet

from examples.bookshop.shop.permissions import IsOwnerOrStaffOrReadOnly
from tests.project.app.models import Article
from tests.project.app.serializers import ArticleSerializer


class SmallPages(PageNumberPagination):
    page_size = 2


class OwnedArticleViewSet(AsyncModelViewSet):
    """Clean: anyone reads, signed-in users write, only the author or staff change an article;
    two articles a page."""

    queryset = Article.objects.order_by("id")
    serializer_class = ArticleSerializer
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrStaffOrReadOnly]
    pagination_class = SmallPages
    owner_field = "author"

    async def aperform_create(self, serializer: BaseSerializer[Any]) -> None:
        await sync_to_async(serializer.save)(author=self.request.user)


class IsAuthorOrStaff(permissions.BasePermission):
    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(request.user.is_staff or obj.author_id == request.user.pk)


class MyArticleViewSet(ModelViewSet[Article]):
    """Clean, DRF sync: signed-in users see only their own articles (staff see all)."""

    serializer_class = ArticleSerializer
    permission_classes = [permissions.IsAuthenticated, IsAuthorOrStaff]
    pagination_class = SmallPages

    def get_queryset(self) -> "QuerySet[Article]":
        articles = Article.objects.order_by("id")
        if getattr(self.request.user, "is_staff", False):
            return articles
        return articles.filter(author=self.request.user.pk)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.save(author=self.request.user)


# -- seeded bugs -------------------------------------------------------------------------------


class BodyIgnoringSerializer(ArticleSerializer):
    def update(self, instance: Article, validated_data: dict[str, Any]) -> Article:
        validated_data.pop("body", None)  # bug: the body of an update is dropped
        return super().update(instance, validated_data)


class UpdateIgnoresFieldViewSet(ModelViewSet[Article]):
    """Bug 1 (DRF sync): updates ignore ``body``."""

    queryset = Article.objects.order_by("id")
    serializer_class = BodyIgnoringSerializer


class DestroyKeepsRowViewSet(AsyncModelViewSet):
    """Bug 2 (restflow async): destroy answers 204 without deleting."""

    queryset = Article.objects.order_by("id")
    serializer_class = ArticleSerializer

    async def aperform_destroy(self, instance: Any) -> None:
        return None  # bug: the row stays


class ListLosesNewestViewSet(ModelViewSet[Article]):
    """Bug 3 (DRF sync): the list leaves out the newest article."""

    queryset = Article.objects.order_by("id")
    serializer_class = ArticleSerializer

    def get_queryset(self) -> "QuerySet[Article]":
        articles = Article.objects.order_by("id")
        if self.action == "list":
            newest = articles.last()
            if newest is not None:
                return articles.exclude(pk=newest.pk)  # bug
        return articles


class RetrieveHidesDraftsViewSet(AsyncModelViewSet):
    """Bug 4 (restflow async): retrieve answers 404 for unpublished articles, created ones
    included."""

    serializer_class = ArticleSerializer

    def get_queryset(self) -> "QuerySet[Article]":
        articles = Article.objects.order_by("id")
        if self.action == "retrieve":
            return articles.filter(published=True)  # bug: drafts vanish from detail
        return articles


class PatchResetsPublishedViewSet(ModelViewSet[Article]):
    """Bug 5 (DRF sync): a partial update that does not send ``published`` resets it."""

    queryset = Article.objects.order_by("id")
    serializer_class = ArticleSerializer

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        data: dict[str, Any] = dict(getattr(serializer, "validated_data", {}))
        serializer.save(published=data.get("published", False))  # bug
