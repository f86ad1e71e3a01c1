"""URLconf of the seeded-bugs project: the bookshop's clean API and the buggy views."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from examples.bookshop.routers import AsyncViewSetRouter
from examples.bookshop.urls import urlpatterns as bookshop_urlpatterns
from examples.seeded import views

buggy = SimpleRouter()
buggy.register("authors", views.BuggyAuthorViewSet, basename="buggy-author")
buggy.register("reviews", views.BuggyReviewViewSet, basename="buggy-review")
buggy_async = AsyncViewSetRouter(trailing_slash=True)
buggy_async.include_root_view = False
buggy_async.register("books", views.BuggyBookViewSet, basename="buggy-book")

urlpatterns = [
    *bookshop_urlpatterns,
    path("buggy/quotes/", views.QuoteView.as_view()),
    path("buggy/signups/", views.SignupView.as_view()),
    path("buggy/stats/", views.StatsView.as_view()),
    path("buggy/", include(buggy.urls)),
    path("buggy/", include(buggy_async.urls)),
]
