"""Views with one seeded bug each (see each docstring), built on the bookshop's models.

Sync DRF views and drf-restflow async views alike; every bug is one a real code base has had.
"""

from decimal import Decimal
from typing import Any

from asgiref.sync import sync_to_async
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAdminUser, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from restflow.views import AsyncModelViewSet

from examples.bookshop.shop.models import Author, Book, Review
from examples.bookshop.shop.permissions import IsOwnerOrStaffOrReadOnly
from examples.bookshop.shop.serializers import AuthorSerializer, BookSerializer, ReviewSerializer


class QuoteSerializer(serializers.Serializer[Any]):
    price = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0"))
    copies = serializers.IntegerField(min_value=0, max_value=100)


class QuoteView(APIView):
    """server_error: the unit price divides by ``copies``, which may be 0."""

    serializer_class = QuoteSerializer

    def post(self, request: Request) -> Response:
        serializer = QuoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        total: Decimal = serializer.validated_data["price"]
        copies: int = serializer.validated_data["copies"]
        return Response({"unit": str(total / copies)})


class BuggyAuthorViewSet(viewsets.ModelViewSet[Author]):
    """server_error: deleting an author who has books raises ``ProtectedError`` (a 500).
    invalid_accepted: create saves whatever name it is given, valid or not.
    status_code: partial update answers 422 for invalid data, which DRF never does."""

    queryset = Author.objects.order_by("id")
    serializer_class = AuthorSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        author = Author.objects.create(name=str(data.get("name", ""))[:100])
        return Response(AuthorSerializer(author).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        if not serializer.is_valid():
            return Response(serializer.errors, status=422)
        serializer.save()
        return Response(serializer.data)


class BuggyBookViewSet(AsyncModelViewSet):
    """server_error: retrieve looks the book up with ``aget``, so a missing one is a 500.
    status_code: create answers 404 when the author is unknown, on a route without a lookup.
    invalid_accepted: update answers 200 with the unchanged book when the data is invalid.
    auth_bypass: partial update skips the object permission check (owner or staff)."""

    queryset = Book.objects.select_related("owner").order_by("id")
    serializer_class = BookSerializer
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrStaffOrReadOnly]
    owner_field = "owner"

    async def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        book = await Book.objects.select_related("owner").aget(pk=kwargs["pk"])
        return Response(await sync_to_async(_data)(BookSerializer(book)))

    async def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        if not await Author.objects.filter(pk=_int(data.get("author"))).aexists():
            raise NotFound("No such author.")
        return await super().create(request, *args, **kwargs)

    async def aperform_create(self, serializer: Any) -> None:
        await sync_to_async(serializer.save)(owner=self.request.user)

    async def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if kwargs.get("partial"):
            return await self.partial_update_unchecked(request, kwargs["pk"])
        instance = await self.aget_object()
        serializer = BookSerializer(instance, data=request.data)
        valid = await sync_to_async(serializer.is_valid)()
        if valid:
            await sync_to_async(serializer.save)()
        return Response(await sync_to_async(_data)(BookSerializer(instance)))

    async def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.partial_update_unchecked(request, kwargs["pk"])

    async def partial_update_unchecked(self, request: Request, pk: str) -> Response:
        try:
            book = await Book.objects.select_related("owner").aget(pk=_int(pk))
        except Book.DoesNotExist:
            raise NotFound from None
        serializer = BookSerializer(book, data=request.data, partial=True)
        await sync_to_async(serializer.is_valid)(raise_exception=True)
        await sync_to_async(serializer.save)()
        return Response(await sync_to_async(_data)(serializer))


class BuggyReviewViewSet(viewsets.ModelViewSet[Review]):
    """response_schema: retrieve adds a field the serializer does not have; list sends each
    rating as a string.
    rejected_write: destroy deletes the review before checking who asks, then answers 403."""

    queryset = Review.objects.select_related("reviewer").order_by("id")
    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = dict(self.get_serializer(self.get_object()).data)
        data["helpful_votes"] = 0
        return Response(data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = [dict(item) for item in self.get_serializer(self.get_queryset(), many=True).data]
        for row in rows:
            row["rating"] = str(row["rating"])
        return Response(rows)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        review = self.get_object()
        reviewer_id = review.reviewer_id
        review.delete()
        if reviewer_id != request.user.pk and not getattr(request.user, "is_staff", False):
            return Response({"detail": "Not your review."}, status=status.HTTP_403_FORBIDDEN)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_create(self, serializer: Any) -> None:
        serializer.save(reviewer=self.request.user)


class SignupSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    birth_year = serializers.IntegerField(min_value=1000, max_value=2100)


class SignupView(APIView):
    """rejected_write: the author row is saved before the data is validated, so a 400 leaves
    it behind."""

    serializer_class = SignupSerializer

    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        Author.objects.create(name=str(data.get("name", "?"))[:100])
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class StatsView(APIView):
    """auth_bypass: meant for staff (``IsAdminUser``), but a refactor made ``GET`` skip the
    permission check."""

    permission_classes = [IsAdminUser]

    def check_permissions(self, request: Request) -> None:
        if request.method == "GET":
            return
        super().check_permissions(request)

    def get(self, request: Request) -> Response:
        return Response({"books": Book.objects.count(), "authors": Author.objects.count()})


def _data(serializer: serializers.BaseSerializer[Any]) -> dict[str, Any]:
    """``serializer.data``, which may query the database (sync code)."""
    return dict(serializer.data)


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0
