from typing import Any

from adrf.views import APIView
from rest_framework.viewsets import ViewSetMixin as DRFViewSetMixin

class ViewSetMixin(DRFViewSetMixin): ...
class ViewSet(ViewSetMixin, APIView): ...

class GenericViewSet(ViewSet):
    queryset: Any
    serializer_class: Any

class ReadOnlyModelViewSet(GenericViewSet): ...
class ModelViewSet(GenericViewSet): ...
