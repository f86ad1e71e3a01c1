"""What the fuzzer cannot derive from the bookshop's code (``RESTFLOW_TESTING_FUZZ``)."""

from restflow_testing.fuzz import FuzzConfig, RouteConfig

FUZZ = FuzzConfig(
    routes={
        # AuthorViewSet answers 409 (AuthorHasBooks) for an author who still has books.
        "DELETE /api/authors/{pk}/": RouteConfig(statuses={409}),
    }
)
