"""A sync DRF view that sends to a Channels group, as sync code does: through ``async_to_sync``.

Channels is imported when the view runs, so the URLconf loads where Channels is not installed
(the suite's Channels tests are skipped there).
"""

from typing import Any

from asgiref.sync import async_to_sync
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tests.project.app.models import Article


class BroadcastSerializer(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField(max_length=120)


class BroadcastView(APIView):
    """Saves an article titled ``text`` and sends ``text`` to the consumers' group."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from channels.layers import get_channel_layer

        from tests.project.app.consumers import GROUP

        serializer = BroadcastSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        text: str = serializer.validated_data["text"]
        article = Article.objects.create(title=text)
        layer = get_channel_layer()
        if layer is None:
            return Response({"detail": "CHANNEL_LAYERS is not configured."}, status=500)
        async_to_sync(layer.group_send)(GROUP, {"type": "news.message", "text": text})
        return Response({"article": article.pk, "sent": text}, status=202)
