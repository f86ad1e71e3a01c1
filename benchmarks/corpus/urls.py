"""No views: serializers that reverse URLs find none and say so."""

urlpatterns: list[object] = []
