"""Discovery from the URLconf: routes, methods, actions and what each view declares."""

from rest_framework import filters, pagination, permissions

from restflow_testing.fuzz import discover, viewsets
from tests.fuzz import clean_views
from tests.fuzz.urls import ADRF
from tests.project.app.models import Article, Tag
from tests.project.app.serializers import ArticleSerializer, TagSerializer

URLCONF = "tests.fuzz.urls"


def by_id() -> dict[str, object]:
    return {endpoint.id: endpoint for endpoint in discover(URLCONF)}


def test_every_route_and_method_is_found_with_placeholders() -> None:
    ids = [endpoint.id for endpoint in discover(URLCONF)]
    assert "GET /drf/gadgets/" in ids
    assert "POST /drf/gadgets/{pk}/deactivate/" in ids
    assert "GET /drf/tags/{name}/" in ids
    assert "PUT /drf/tags/{name}/" not in ids  # a read-only viewset
    assert "PATCH /drf/articles/{pk}/" in ids  # a path() route
    assert "DELETE /restflow/articles/{pk}/" in ids
    assert "POST /restflow/tags/" in ids
    assert ("PATCH /adrf/tags/{pk}/" in ids) is ADRF
    assert "GET /django/health/" in ids
    assert not any("{format}" in endpoint_id for endpoint_id in ids)  # format suffixes


def test_viewset_actions_are_named_as_drf_names_them() -> None:
    endpoints = discover(URLCONF)
    actions = {e.id: e.action for e in endpoints}
    assert actions["GET /drf/gadgets/"] == "list"
    assert actions["POST /drf/gadgets/{pk}/deactivate/"] == "deactivate"
    assert actions["GET /drf/articles/{pk}/"] == "retrieve"  # a generic view's handler
    assert actions["GET /django/health/"] is None
    if ADRF:
        assert actions["PATCH /adrf/tags/{pk}/"] == "partial_update"  # adrf's partial_aupdate
        adrf = next(e for e in endpoints if e.id == "PATCH /adrf/tags/{pk}/")
        assert adrf.handler_action == "partial_aupdate"
        assert adrf.is_async


def test_what_each_view_declares_is_read_per_action() -> None:
    endpoints = {e.id: e for e in discover(URLCONF)}
    deactivate = endpoints["POST /drf/gadgets/{pk}/deactivate/"]
    assert deactivate.permission_classes == (permissions.IsAdminUser,)  # the action's own
    listing = endpoints["GET /drf/gadgets/"]
    assert listing.permission_classes == (permissions.IsAuthenticatedOrReadOnly,)
    assert listing.pagination_class is clean_views.SmallPages
    assert listing.filter_backends == (filters.SearchFilter, filters.OrderingFilter)
    assert {(q.name, q.source) for q in listing.query_parameters} == {
        ("search", "filter"),
        ("ordering", "filter"),
        ("page", "pagination"),
        ("size", "pagination"),
    }
    assert issubclass(listing.pagination_class, pagination.PageNumberPagination)
    detail = endpoints["GET /drf/tags/{name}/"]
    assert (detail.detail, detail.lookup_field, detail.lookup_url_kwarg) == (True, "name", "name")
    assert detail.model is Tag
    article = endpoints["PUT /restflow/articles/{pk}/"]
    assert article.request_serializer is ArticleSerializer
    assert article.response_serializer is ArticleSerializer
    assert article.model is Article
    assert article.path_parameters[0].name == "pk"
    assert endpoints["GET /django/health/"].notes == (
        "plain function view: it declares no methods, so only GET is sent",
    )


def test_viewsets_group_the_routes_of_each_resource() -> None:
    groups = {group.basename: group for group in viewsets(discover(URLCONF))}
    articles = groups["async-article"]
    assert articles.viewset is clean_views.AsyncArticleViewSet
    assert set(articles.endpoints) == {
        "list",
        "create",
        "retrieve",
        "update",
        "partial_update",
        "destroy",
    }
    assert articles.list_route == "/restflow/articles/"
    assert articles.detail_route == "/restflow/articles/{pk}/"
    assert (articles.model, articles.serializer, articles.lookup_field) == (
        Article,
        ArticleSerializer,
        "pk",
    )
    assert groups["tag"].serializer is TagSerializer
    assert groups["tag"].lookup_url_kwarg == "name"
