"""adrf's async ModelViewSet (its serializers need DRF 3.16 or later: importing this module
raises ``AttributeError`` on DRF 3.15)."""

from adrf import viewsets as adrf_viewsets
from adrf.serializers import ModelSerializer as AdrfModelSerializer
from rest_framework import permissions

from tests.project.app.models import Tag


class AdrfTagSerializer(AdrfModelSerializer):
    """adrf's viewsets save through adrf's async serializers."""

    class Meta:
        model = Tag
        fields = ["id", "name"]


class AdrfTagViewSet(adrf_viewsets.ModelViewSet):
    """adrf's async ModelViewSet."""

    queryset = Tag.objects.order_by("id")
    serializer_class = AdrfTagSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
