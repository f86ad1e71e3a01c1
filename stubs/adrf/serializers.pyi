from typing import Any

from rest_framework import serializers

class Serializer(serializers.Serializer[Any]):
    async def asave(self, **kwargs: Any) -> Any: ...

class ModelSerializer(serializers.ModelSerializer[Any]):
    async def asave(self, **kwargs: Any) -> Any: ...
