from typing import Any

from django.http import HttpRequest
from rest_framework.views import APIView as DRFAPIView

class APIView(DRFAPIView):
    def sync_dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any: ...
    async def async_dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any: ...
