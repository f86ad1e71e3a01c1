"""The bookshop API: drf-restflow async viewsets and one cached async view."""

from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from restflow.permissions import AllowAny, IsAuthenticatedOrReadOnly
from restflow.views import AsyncAPIView, AsyncModelViewSet

from examples.bookshop.shop.catalogue import cached_catalogue
from examples.bookshop.shop.models import Author, Book, Review
from examples.bookshop.shop.permissions import IsOwnerOrStaffOrReadOnly, IsStaffOrReadOnly
from examples.bookshop.shop.serializers import AuthorSerializer, BookSerializer, ReviewSerializer


class AuthorHasBooks(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This author still has books; delete or reassign them first."
    default_code = "author_has_books"


class AuthorViewSet(AsyncModelViewSet):
    """Authors: readable by anyone, curated by staff."""

    queryset = Author.objects.order_by("id")
    serializer_class = AuthorSerializer
    permission_classes = [IsStaffOrReadOnly]

    async def aperform_destroy(self, instance: Any) -> None:
        try:
            await instance.adelete()
        except ProtectedError as error:
            raise AuthorHasBooks from error


class BookViewSet(AsyncModelViewSet):
    """Books: anyone reads, signed-in users list books, owners and staff edit them."""

    queryset = Book.objects.select_related("owner").order_by("id")
    serializer_class = BookSerializer
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrStaffOrReadOnly]
    owner_field = "owner"

    async def aperform_create(self, serializer: BaseSerializer[Any]) -> None:
        await sync_to_async(serializer.save, thread_sensitive=True)(owner=self.request.user)


class ReviewViewSet(AsyncModelViewSet):
    """Reviews: anyone reads, signed-in users review, reviewers and staff edit them."""

    queryset = Review.objects.select_related("reviewer").order_by("id")
    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrStaffOrReadOnly]
    owner_field = "reviewer"

    async def aperform_create(self, serializer: BaseSerializer[Any]) -> None:
        await sync_to_async(serializer.save, thread_sensitive=True)(reviewer=self.request.user)


class CatalogueView(AsyncAPIView):
    """A summary of the catalogue, cached until a book changes (``X-Cache: hit|miss``)."""

    permission_classes = [AllowAny]

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        summary, hit = await cached_catalogue()
        return Response(summary, headers={"X-Cache": "hit" if hit else "miss"})
