"""Where one example of the ``@given`` benchmark spends its time, segment by segment, per side.

Timers (``perf_counter_ns``) at the boundaries of each example of ``bench_cases``' ``@given``
pair: the example's start, the test body, the client handler, the view, the three serializer
steps inside the view (their ``sync_to_async`` hops excluded) and the example's end. Rounds of
200 examples alternate between the sides; printed are the median of each segment per example
and the difference, ours minus peer. The timers wrap the handlers and replace the two views'
``post`` with timed copies that do the same work, so the segments cost slightly more than
untimed; both sides carry the same timers.

    python benchmarks/segments_given.py [--rounds 21]
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from asgiref.sync import sync_to_async
from bench_cases import EXAMPLES, ONLY_GENERATE, TITLES, run_round, test_databases
from hypothesis import given
from hypothesis.extra import django as hypothesis_django
from rest_framework.response import Response
from rest_framework.test import APIClient, ForceAuthClientHandler

from restflow_testing import AsyncAPITestCase
from restflow_testing._client_handler import ForceAuthAsyncClientHandler
from tests.project.app import views_drf, views_restflow
from tests.project.app.serializers import ArticleSerializer

SEGMENTS = (
    ("example start -> test body", "example_in", "body_in"),
    ("test body -> handler", "body_in", "handler_in"),
    ("handler -> view", "handler_in", "view_in"),
    ("view body", "view_in", "view_out"),
    ("  request.data", "data_in", "data_out"),
    ("  is_valid", "is_valid_in", "is_valid_out"),
    ("  save", "save_in", "save_out"),
    ("  representation", "data_rep_in", "data_rep_out"),
    ("view -> handler out", "view_out", "handler_out"),
    ("handler out -> test body end", "handler_out", "body_out"),
    ("test body end -> example end", "body_out", "example_out"),
)

marks: dict[str, int] = {}
samples: dict[str, collections.defaultdict[str, list[int]]] = {
    "ours": collections.defaultdict(list),
    "peer": collections.defaultdict(list),
}
side = ["ours"]


def mark(name: str) -> None:
    marks[name] = time.perf_counter_ns()


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        mark(f"{name}_in")
        result = function(*args, **kwargs)
        mark(f"{name}_out")
        return result

    return call


def install_timers() -> None:
    """Wrap both clients' handlers and replace both views' ``post`` with timed copies."""
    async_call = ForceAuthAsyncClientHandler.__call__
    sync_call = ForceAuthClientHandler.__call__

    async def timed_async_call(self: Any, scope: Any) -> Any:
        mark("handler_in")
        response = await async_call(self, scope)
        mark("handler_out")
        return response

    def timed_sync_call(self: Any, environ: Any) -> Any:
        mark("handler_in")
        response = sync_call(self, environ)
        mark("handler_out")
        return response

    async def async_post(self: Any, request: Any, *args: Any, **kwargs: Any) -> Response:
        mark("view_in")
        serializer = ArticleSerializer(data=timed("data", lambda: request.data)())
        await sync_to_async(timed("is_valid", serializer.is_valid))(raise_exception=True)
        await sync_to_async(timed("save", serializer.save))()
        representation = await sync_to_async(timed("data_rep", lambda: serializer.data))()
        response = Response(representation, status=201)
        mark("view_out")
        return response

    def sync_post(self: Any, request: Any, *args: Any, **kwargs: Any) -> Response:
        mark("view_in")
        serializer = ArticleSerializer(data=timed("data", lambda: request.data)())
        timed("is_valid", serializer.is_valid)(raise_exception=True)
        timed("save", serializer.save)()
        response = Response(timed("data_rep", lambda: serializer.data)(), status=201)
        mark("view_out")
        return response

    setattr(ForceAuthAsyncClientHandler, "__call__", timed_async_call)  # noqa: B010
    setattr(ForceAuthClientHandler, "__call__", timed_sync_call)  # noqa: B010
    setattr(views_restflow.ArticleCreateView, "post", async_post)  # noqa: B010
    setattr(views_drf.ArticleSyncCreateView, "post", sync_post)  # noqa: B010


def timed_example(run_example: Callable[[], Any]) -> Any:
    mark("example_in")
    result = run_example()
    mark("example_out")
    for label, start, end in SEGMENTS:
        samples[side[0]][label].append(marks[end] - marks[start])
    return result


class Ours(AsyncAPITestCase):
    def execute_example(self, run_example: Callable[[], Any]) -> Any:
        return super().execute_example(lambda: timed_example(run_example))

    @ONLY_GENERATE
    @given(title=TITLES)
    async def test_create(self, title: str) -> None:
        mark("body_in")
        response = await self.client.post("/restflow/articles/create/", {"title": title})
        mark("body_out")
        if response.status_code != 201:
            raise AssertionError(response.content)


class Peer(hypothesis_django.TestCase):
    def execute_example(self, run_example: Callable[[], Any]) -> Any:
        # Defining execute_example makes Hypothesis skip setup_example and teardown_example
        # (the savepoint of each example): call them as Hypothesis would.
        token = None
        try:
            token = self.setup_example()
            return timed_example(run_example)
        finally:
            self.teardown_example(token)

    @ONLY_GENERATE
    @given(title=TITLES)
    def test_create(self, title: str) -> None:
        client = APIClient()
        mark("body_in")
        response = client.post("/drf/articles/create/", {"title": title}, format="json")
        mark("body_out")
        if response.status_code != 201:
            raise AssertionError(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    install_timers()
    with test_databases():
        for name, case in (("ours", Ours), ("peer", Peer)):  # warm-up
            side[0] = name
            run_round(case)
            samples[name].clear()
        for index in range(rounds):
            order = [("ours", Ours), ("peer", Peer)]
            for name, case in order if index % 2 == 0 else reversed(order):
                side[0] = name
                run_round(case)
    print(f"{rounds} alternating rounds of {EXAMPLES} examples per side; medians per example, us")
    print(f"{'segment':<32}{'ours':>10}{'peer':>10}{'ours - peer':>14}")
    for label, _, _ in SEGMENTS:
        ours = statistics.median(samples["ours"][label]) / 1000
        peer = statistics.median(samples["peer"][label]) / 1000
        print(f"{label:<32}{ours:>10.1f}{peer:>10.1f}{ours - peer:>+14.1f}")


if __name__ == "__main__":
    main()
