"""adrf views: an async APIView."""

from typing import Any

from adrf.views import APIView
from rest_framework.request import Request
from rest_framework.response import Response

from tests.project.app.echo import describe


class AdrfEchoView(APIView):
    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))

    async def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request), status=201)

    async def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))

    async def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))

    async def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(describe(request))
