"""One view per check, each with the bug that check exists to find, on the suite's models."""

from typing import Any

from asgiref.sync import sync_to_async
from django.urls import path
from rest_framework import generics, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from restflow.views import AsyncAPIView

from tests.project.app.models import Tag
from tests.project.app.serializers import TagSerializer


class CountSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(min_value=0, max_value=10)


class DivideView(AsyncAPIView):
    """server_error: divides by ``count``, which may be 0."""

    serializer_class = CountSerializer

    async def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CountSerializer(data=request.data)
        await sync_to_async(serializer.is_valid)(raise_exception=True)
        return Response({"share": 100 // serializer.validated_data["count"]})


class ExtraFieldViewSet(viewsets.ReadOnlyModelViewSet[Tag]):
    """response_schema: retrieve adds a field the serializer does not have."""

    queryset = Tag.objects.order_by("id")
    serializer_class = TagSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({**self.get_serializer(self.get_object()).data, "secret": "x"})


class TeapotView(generics.ListAPIView[Tag]):
    """status_code: answers 418 to anonymous users."""

    queryset = Tag.objects.order_by("id")
    serializer_class = TagSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.is_authenticated:
            return Response(status=418)
        return super().list(request, *args, **kwargs)


class LenientCreateView(generics.CreateAPIView[Tag]):
    """invalid_accepted: creates a tag from whatever it is sent."""

    queryset = Tag.objects.all()
    serializer_class = TagSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tag = Tag.objects.create(name=f"tag-{Tag.objects.count()}")
        return Response(TagSerializer(tag).data, status=status.HTTP_201_CREATED)


class SaveFirstView(APIView):
    """rejected_write: saves a tag before validating the body."""

    serializer_class = TagSerializer

    def post(self, request: Request) -> Response:
        Tag.objects.create(name=f"early-{Tag.objects.count()}")
        serializer = TagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class StaffOnlyView(APIView):
    """auth_bypass: declares IsAdminUser but never checks it."""

    permission_classes = [permissions.IsAdminUser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.format_kwarg = self.get_format_suffix(**kwargs)
        self.perform_authentication(request)

    def get(self, request: Request) -> Response:
        return Response({"tags": Tag.objects.count()})


BUGS = {
    "POST /buggy/divide/": "server_error",
    "GET /buggy/extra/{pk}/": "response_schema",
    "GET /buggy/teapot/": "status_code",
    "POST /buggy/lenient/": "invalid_accepted",
    "POST /buggy/save-first/": "rejected_write",
    "GET /buggy/staff-only/": "auth_bypass",
}

urlpatterns = [
    path("buggy/divide/", DivideView.as_view()),
    path("buggy/extra/<int:pk>/", ExtraFieldViewSet.as_view({"get": "retrieve"})),
    path("buggy/teapot/", TeapotView.as_view()),
    path("buggy/lenient/", LenientCreateView.as_view()),
    path("buggy/save-first/", SaveFirstView.as_view()),
    path("buggy/staff-only/", StaffOnlyView.as_view()),
]
