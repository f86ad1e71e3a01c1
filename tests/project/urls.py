"""URLconf of the suite's project: one prefix per view flavour."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tests.project.app import views_adrf, views_cache, views_django, views_drf, views_restflow

router = DefaultRouter()
router.register("articles", views_restflow.ArticleViewSet, basename="article")
sync_router = DefaultRouter()
sync_router.register("articles", views_drf.ArticleSyncViewSet, basename="sync-article")

urlpatterns = [
    path("restflow/echo/", views_restflow.RestflowEchoView.as_view()),
    path("restflow/articles/count/", views_cache.ArticleCountView.as_view()),
    path("restflow/", include(router.urls)),
    path("adrf/echo/", views_adrf.AdrfEchoView.as_view()),
    path("drf/echo/", views_drf.DrfEchoView.as_view()),
    path("drf/", include(sync_router.urls)),
    path("django/echo/", views_django.echo),
    path("django/redirect/", views_django.redirect_to_echo),
    path("django/boom/", views_django.boom),
]
