"""No false positives on stock views, through the pytest entry: one test per endpoint of DRF's
ModelViewSet, ReadOnlyModelViewSet and generic views, drf-restflow's AsyncModelViewSet and
async generic view, adrf's ModelViewSet and a plain Django view."""

from collections.abc import Iterator

import pytest

from restflow_testing._loop_thread import LoopThread
from restflow_testing.fuzz import Fuzzer, discover, fuzz_tests
from tests.fuzz.urls import ADRF

URLCONF = "tests.fuzz.urls"

test_stock_views = fuzz_tests(urlconf=URLCONF, max_examples=15, seed=20)


@pytest.fixture
def loop() -> Iterator[LoopThread]:
    made = LoopThread()
    yield made
    made.close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint_id",
    [
        "GET /drf/gadgets/{pk}/",
        "GET /drf/tags/{name}/",
        "GET /drf/articles/{pk}/",
        "PATCH /restflow/articles/{pk}/",
        pytest.param(
            "DELETE /adrf/tags/{pk}/", marks=pytest.mark.skipif(not ADRF, reason="DRF 3.15")
        ),
    ],
)
def test_detail_routes_reach_rows_the_run_made(loop: LoopThread, endpoint_id: str) -> None:
    endpoints = discover(URLCONF)
    endpoint = next(e for e in endpoints if e.id == endpoint_id)

    result = Fuzzer(endpoints, loop=loop, seed=4, max_examples=25, urlconf=URLCONF).run(endpoint)

    assert result.failures == []
    successes = sum(n for status, n in result.statuses.items() if status.startswith("2"))
    assert successes >= 3, result.statuses
    assert result.statuses["404"] >= 1, result.statuses  # missing rows are asked for too


@pytest.mark.django_db
def test_examples_leave_nothing_behind(loop: LoopThread) -> None:
    from tests.project.app.models import Article, Tag

    endpoints = discover(URLCONF)
    create = next(e for e in endpoints if e.id == "POST /restflow/articles/")
    before = (Article.objects.count(), Tag.objects.count())

    result = Fuzzer(endpoints, loop=loop, seed=8, max_examples=30, urlconf=URLCONF).run(create)

    assert result.statuses["201"] >= 3, result.statuses
    made_before_examples = Article.objects.count() - before[0]
    # Only the rows made before the examples remain (two per creatable model): every example's
    # own article was rolled back with its savepoint.
    assert made_before_examples == 2
