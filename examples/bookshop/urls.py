"""URLconf of the bookshop example: everything lives under /api/."""

from django.urls import include, path

from examples.bookshop.routers import AsyncViewSetRouter
from examples.bookshop.shop import views

router = AsyncViewSetRouter()
router.register("authors", views.AuthorViewSet, basename="author")
router.register("books", views.BookViewSet, basename="book")
router.register("reviews", views.ReviewViewSet, basename="review")

urlpatterns = [
    path("api/catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("api/", include(router.urls)),
]
