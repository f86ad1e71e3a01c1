"""crud_machine: clean viewsets pass, seeded stateful bugs are found and shrunk, reproducers
replay them, and the project's routers are found through the URLconf."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from django.db import transaction
from hypothesis import settings
from pytest_django import DjangoDbBlocker
from rest_framework.routers import DefaultRouter
from rest_framework.viewsets import ReadOnlyModelViewSet

from restflow_testing.stateful import (
    Actor,
    StatefulInvariantError,
    crud_machine,
    crud_machines,
    run_crud_machine,
    served_routers,
)
from tests.conftest import RunUnittest
from tests.project import urls
from tests.project.app.models import Article
from tests.project.app.serializers import ArticleSerializer

QUICK = settings(max_examples=20, stateful_step_count=8, database=None, derandomize=True)
SEARCH = settings(max_examples=50, stateful_step_count=4, database=None, derandomize=True)

CLEAN = [
    pytest.param(urls.sync_router, "articles", None, id="drf-modelviewset"),
    pytest.param(urls.router, "articles", None, id="restflow-asyncmodelviewset"),
    pytest.param(urls.stateful_router, "owned", None, id="owner-permissions-paginated"),
    pytest.param(urls.stateful_sync_router, "mine", "sync", id="per-user-queryset"),
]

# The bugs a search finds within a few runs and shrinks quickly (all five, with timings, in
# benchmarks/bench_stateful.py); the two update bugs are replayed step by step below.
BUGS = [
    pytest.param(
        urls.stateful_router,
        "destroy-keeps-row",
        None,
        "after destroy, retrieve answers 404",
        id="destroy-does-not-delete",
    ),
    pytest.param(
        urls.stateful_sync_router,
        "list-loses-newest",
        "sync",
        "the list holds every created, undestroyed object",
        id="list-loses-a-new-item",
    ),
    pytest.param(
        urls.stateful_router,
        "retrieve-hides-drafts",
        None,
        "a created object is retrievable",
        id="retrieve-after-create-404",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("router", "prefix", "namespace"), CLEAN)
def test_clean_viewsets_pass(router: DefaultRouter, prefix: str, namespace: str | None) -> None:
    report = run_crud_machine(crud_machine(router, prefix, url_namespace=namespace), settings=QUICK)
    assert report.failures == (), [failure.message for failure in report.failures]
    counts = report.statistics
    assert counts.statuses["create 201"] > 0
    assert counts.rule_detail_requests > 0
    assert Article.objects.count() == 0  # every run rolled back


@pytest.mark.django_db
@pytest.mark.parametrize(("router", "prefix", "namespace", "invariant"), BUGS)
def test_seeded_bugs_are_found_and_shrunk(
    router: DefaultRouter, prefix: str, namespace: str | None, invariant: str
) -> None:
    machine = crud_machine(router, prefix, url_namespace=namespace)
    report = run_crud_machine(machine, settings=SEARCH)
    assert len(report.failures) >= 1
    failure = report.failures[0]
    assert failure.check == "stateful"
    assert invariant in failure.message
    assert failure.rule_steps <= 5, failure.steps
    assert "state.create(" in failure.steps[0]


@pytest.mark.django_db
def test_an_update_that_ignores_a_field() -> None:
    machine = crud_machine(urls.stateful_sync_router, "update-ignores-field", url_namespace="sync")
    state = machine()
    try:
        (article,) = state.create(as_user="owner", payload={"title": "t", "body": "old"})
        state.update(as_user="owner", obj=article, payload={"title": "t2"})  # body not sent
        with pytest.raises(StatefulInvariantError) as caught:
            state.update(as_user="owner", obj=article, payload={"title": "t", "body": " new "})
    finally:
        state.teardown()
    assert caught.value.invariant == "after update, retrieve shows what was sent"
    # The sent value as the serializer parses and renders it (CharField trims whitespace).
    shown = f"'body' of {article.key!r}: sent ' new ' (shown as 'new'), retrieve shows 'old'"
    assert shown in str(caught.value)


@pytest.mark.django_db
def test_a_partial_update_that_resets_another_field() -> None:
    machine = crud_machine(
        urls.stateful_sync_router, "patch-resets-published", url_namespace="sync"
    )
    state = machine()
    try:
        (article,) = state.create(as_user="owner", payload={"title": "t", "published": True})
        state.partial_update(as_user="owner", obj=article, payload={"published": True})
        with pytest.raises(StatefulInvariantError) as caught:
            state.partial_update(as_user="owner", obj=article, payload={"title": "t2"})
    finally:
        state.teardown()
    assert caught.value.invariant == "after partial update, the fields not sent are unchanged"
    assert "'published'" in str(caught.value)


@pytest.mark.django_db
def test_a_refused_write_is_checked_to_change_nothing() -> None:
    state = crud_machine(urls.stateful_router, "owned")()
    try:
        (article,) = state.create(as_user="owner", payload={"title": "mine"})
        state.update(as_user="other", obj=article, payload={"title": "theirs"})  # 403
        state.partial_update(as_user="anonymous", obj=article, payload={"title": "x"})  # 401
        (still_there,) = state.destroy(as_user="other", obj=article)  # 403: back in the bundle
        state.retrieve(as_user="owner", obj=still_there)
        state.destroy(as_user="staff", obj=still_there)
        state.list(as_user="owner")
    finally:
        state.teardown()


@pytest.mark.django_db
def test_owner_permissions_refuse_others_without_changing_state() -> None:
    report = run_crud_machine(crud_machine(urls.stateful_router, "owned"), settings=QUICK)
    assert report.passed
    refused = sum(
        count for key, count in report.statistics.statuses.items() if key.endswith(" 403")
    )
    assert refused > 0  # other users, anonymous creates: each checked to change nothing


def test_reproducer_replays_the_failure(
    run_unittest: RunUnittest, django_db_blocker: DjangoDbBlocker
) -> None:
    with django_db_blocker.unblock(), transaction.atomic():
        found = run_crud_machine(
            crud_machine(urls.stateful_router, "destroy-keeps-row"), settings=SEARCH
        )
        transaction.set_rollback(True)
    failure = found.failures[0]
    assert "from tests.project.urls import stateful_router" in failure.reproducer
    module = types.ModuleType("reproducer_under_test")
    sys.modules[module.__name__] = module
    try:
        exec(compile(failure.reproducer, "<reproducer>", "exec"), module.__dict__)
        case = module.__dict__["DestroyKeepsRowCRUDReproducer"]
        report = run_unittest(case)
    finally:
        del sys.modules[module.__name__]
    assert report.result.testsRun == 1
    assert len(report.result.failures) == 1, report.output
    assert "after destroy, retrieve answers 404" in report.output


def test_test_case_of_a_crud_machine(run_unittest: RunUnittest) -> None:
    case = crud_machine(urls.router, "articles").TestCase
    case.state_machine_settings = QUICK
    report = run_unittest(case)
    assert report.result.wasSuccessful(), report.output
    assert report.result.testsRun == 1


def test_test_case_refuses_hypothesis_settings_as_settings(run_unittest: RunUnittest) -> None:
    case: Any = type("Misconfigured", (crud_machine(urls.router, "articles").TestCase,), {})
    case.settings = QUICK
    report = run_unittest(case)
    assert "set the Hypothesis settings as state_machine_settings" in report.output


def test_routers_found_through_the_urlconf() -> None:
    served = dict(served_routers())
    assert served[urls.router] is None
    assert served[urls.stateful_sync_router] == "sync"
    names = {machine.__name__ for machine in crud_machines()}
    assert {"ArticleCRUD", "SyncArticleCRUD", "MyArticleCRUD", "OwnedArticleCRUD"} <= names
    machines = crud_machines(urls.stateful_sync_router)
    mine = next(machine for machine in machines if machine.__name__ == "MyArticleCRUD")
    assert mine.endpoint.url_namespace == "sync"


def test_unknown_prefix_names_the_registered_ones() -> None:
    with pytest.raises(LookupError, match=r"registered prefixes: \['articles'\]"):
        crud_machine(urls.router, "posts")


class ReadOnlyArticles(ReadOnlyModelViewSet[Article]):
    queryset = Article.objects.order_by("id")
    serializer_class = ArticleSerializer


def test_viewset_without_create_is_refused() -> None:
    router = DefaultRouter()
    router.register("read-only", ReadOnlyArticles, basename="read-only")
    with pytest.raises(TypeError, match="has no create action"):
        crud_machine(router, "read-only")
    assert crud_machines(router) == []


def test_actors_must_have_distinct_names() -> None:
    with pytest.raises(ValueError, match="distinct names"):
        crud_machine(urls.router, "articles", actors=[Actor("a"), Actor("a")])
