"""A URLconf for the fuzz command's ``--stateful`` test: one router with a clean viewset and one
whose destroy keeps the row (the same registrations ``tests/project/urls.py`` serves)."""

from django.urls import include, path

from examples.bookshop.routers import AsyncViewSetRouter
from tests.project.app import views_stateful

router = AsyncViewSetRouter()
router.register("owned", views_stateful.OwnedArticleViewSet, basename="owned-article")
router.register(
    "destroy-keeps-row", views_stateful.DestroyKeepsRowViewSet, basename="destroy-keeps-row"
)

urlpatterns = [path("stateful/", include(router.urls))]
