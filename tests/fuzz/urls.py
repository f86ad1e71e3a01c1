"""URLconf of the fuzzer's suite: stock views of every flavour (``clean_views``)."""

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
adrf_router.register("tags", clean_views.AdrfTagViewSet, basename="adrf-tag")

urlpatterns = [
    path("drf/", include(drf_router.urls)),
    path("drf/articles/", clean_views.ArticleListCreate.as_view()),
    path("drf/articles/<int:pk>/", clean_views.ArticleDetail.as_view()),
    path("restflow/", include(restflow_router.urls)),
    path("restflow/tags/", clean_views.AsyncTagListCreate.as_view()),
    path("adrf/", include(adrf_router.urls)),
    path("django/health/", clean_views.health),
]
