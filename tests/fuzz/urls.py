"""URLconf of the fuzzer's suite: stock views of every flavour (``clean_views``)."""

from types import ModuleType

from adrf.routers import DefaultRouter as AdrfRouter
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from examples.bookshop.routers import AsyncViewSetRouter
from tests.fuzz import clean_views

drf_router = DefaultRouter()
drf_router.register("gadgets", clean_views.GadgetViewSet, basename="gadget")
drf_router.register("tags", clean_views.TagViewSet, basename="tag")
restflow_router = AsyncViewSetRouter()
restflow_router.register("articles", clean_views.AsyncArticleViewSet, basename="async-article")
adrf_router = AdrfRouter()


def _adrf_views() -> ModuleType | None:
    try:
        from tests.fuzz import adrf_views
    except AttributeError:  # adrf's serializers need DRF >= 3.16: no adrf routes on DRF 3.15
        return None
    return adrf_views


_ADRF_VIEWS = _adrf_views()
ADRF = _ADRF_VIEWS is not None
if _ADRF_VIEWS is not None:
    adrf_router.register("tags", _ADRF_VIEWS.AdrfTagViewSet, basename="adrf-tag")

urlpatterns = [
    path("drf/", include(drf_router.urls)),
    path("drf/articles/", clean_views.ArticleListCreate.as_view()),
    path("drf/articles/<int:pk>/", clean_views.ArticleDetail.as_view()),
    path("restflow/", include(restflow_router.urls)),
    path("restflow/tags/", clean_views.AsyncTagListCreate.as_view()),
    *([path("adrf/", include(adrf_router.urls))] if ADRF else []),
    path("django/health/", clean_views.health),
]
