"""URLconf for the strategies suite: DRF model viewsets and multipart upload views."""

from typing import Any

from django.urls import include, path
from rest_framework import serializers, status, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from tests.project.app.models_strategies import Board, Gadget
from tests.project.app.serializers_patterns import (
    AvatarUploadSerializer,
    BoardSerializer,
    PlaylistUploadSerializer,
    SignedVoucherSerializer,
    VoucherSerializer,
)
from tests.project.app.serializers_strategies import FilesSerializer, GadgetSerializer
from tests.project.urls import urlpatterns as project_urlpatterns


class GadgetViewSet(viewsets.ModelViewSet[Gadget]):
    queryset = Gadget.objects.order_by("id")
    serializer_class = GadgetSerializer


class UploadView(APIView):
    parser_classes = [MultiPartParser]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = FilesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload: Any = serializer.validated_data["upload"]
        return Response({"size": upload.size}, status=status.HTTP_201_CREATED)


class BoardViewSet(viewsets.ModelViewSet[Board]):
    queryset = Board.objects.order_by("id")
    serializer_class = BoardSerializer


class AvatarView(APIView):
    """A file beside nested objects, as a profile form sends them."""

    parser_classes = [MultiPartParser]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AvatarUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: Any = serializer.validated_data
        body = {"profile": data["profile"], "links": data.get("links", [])}
        return Response(body, status=status.HTTP_201_CREATED)


class PlaylistView(APIView):
    """Tracks, each with a nested artist, beside a cover file."""

    parser_classes = [MultiPartParser]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = PlaylistUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: Any = serializer.validated_data
        return Response({"tracks": data["tracks"]}, status=status.HTTP_201_CREATED)


class ShortNameUploadSerializer(serializers.Serializer[Any]):
    upload = serializers.FileField(max_length=3)


class ShortNameUploadView(APIView):
    """Uploads whose names may not exceed three characters (no room for an extension)."""

    parser_classes = [MultiPartParser]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ShortNameUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload: Any = serializer.validated_data["upload"]
        return Response({"name": upload.name}, status=status.HTTP_201_CREATED)


class VoucherView(APIView):
    """Redeems a voucher: 201 with the amount when its serializer accepts it."""

    serializer_class: type[VoucherSerializer] = VoucherSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: Any = serializer.validated_data
        return Response({"amount": data["amount"]}, status=status.HTTP_201_CREATED)


class WhoAmIView(APIView):
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.is_authenticated:
            return Response(status=status.HTTP_401_UNAUTHORIZED)
        return Response({"pk": request.user.pk})


router = DefaultRouter()
router.register("gadgets", GadgetViewSet, basename="gadget")
router.register("boards", BoardViewSet, basename="board")

urlpatterns = [
    path("strategies/", include(router.urls)),
    path("strategies/upload/", UploadView.as_view()),
    path("strategies/avatar/", AvatarView.as_view()),
    path("strategies/playlist/", PlaylistView.as_view()),
    path("strategies/short-upload/", ShortNameUploadView.as_view()),
    path("strategies/whoami/", WhoAmIView.as_view()),
    path("strategies/vouchers/", VoucherView.as_view()),
    path(
        "strategies/signed-vouchers/",
        VoucherView.as_view(serializer_class=SignedVoucherSerializer),
    ),
    *project_urlpatterns,
]
