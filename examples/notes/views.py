from typing import Any

from django.contrib.auth.models import User
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from restflow.views import AsyncAPIView

from examples.notes.models import Note
from examples.notes.serializers import NoteSerializer


def signed_in_user(request: Request) -> User:
    """The request's user; ``IsAuthenticated`` has already turned anonymous requests away."""
    if not isinstance(request.user, User):
        raise NotAuthenticated
    return request.user


class NoteListView(AsyncAPIView):
    """The signed-in user's notes: list them, or add one."""

    permission_classes = [IsAuthenticated]

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notes = Note.objects.filter(owner=signed_in_user(request)).order_by("id")
        return Response([NoteSerializer(note).data async for note in notes])

    async def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = await Note.objects.acreate(
            owner=signed_in_user(request), **serializer.validated_data
        )
        return Response(NoteSerializer(note).data, status=201)
