"""DRF's own sync views."""

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tests.project.app.echo import describe


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
