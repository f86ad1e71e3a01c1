"""Benchmarks of the async test cases, as ratios against named peers measured in the same run.

1. Hypothesis examples per second of an async ``@given`` test in ``AsyncAPITestCase`` that POSTs
   one article per example through ``AsyncAPIClient`` to a drf-restflow ``AsyncAPIView``, against
   ``hypothesis.extra.django.TestCase`` with DRF's ``APIClient`` POSTing to the equivalent DRF
   sync ``APIView`` (the same serializer validates, saves and renders the article; the async
   view hands each of those steps to ``sync_to_async``). Ratio = ours / peer (higher is better;
   target >= 1.0). For context, the same pair through the model viewsets (drf-restflow's
   ``AsyncModelViewSet``, DRF's ``ModelViewSet``) is timed too.
2. Time per test of 500 trivial ``async def`` tests in ``AsyncAPITestCase`` against 500 trivial
   sync tests in Django's ``TestCase``. Ratio = ours / peer (lower is better; target <= 1.2).
   For context, the same trivial tests written as plain ``def`` in ``AsyncAPITestCase`` (what
   the test case adds around any test) and the trivial ``async def`` tests in Django's own
   ``TestCase`` (a new event loop and thread per test) are timed too.

Rounds run in back-to-back pairs, alternating which contender goes first, each from a collected
heap; reported are the median times and, as the ratio, the median of the pairs' ratios.
Usage, from the repository root: ``python benchmarks/bench_cases.py [--rounds N]`` (41 pairs by
default: one pair's ratio moves by 10 to 20% on a shared machine, and the median of 41 moves by
about 2%).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import statistics
import sys
import time
import unittest
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.project.settings")

import django

django.setup()

from django.test import TestCase  # noqa: E402
from django.test.utils import get_runner  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import django as hypothesis_django  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from restflow_testing import AsyncAPITestCase  # noqa: E402

EXAMPLES = 200
TRIVIAL_TESTS = 500
TITLES = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=40)
ONLY_GENERATE = settings(
    max_examples=EXAMPLES,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    # Each round runs the same test method from a new test case instance.
    suppress_health_check=[HealthCheck.differing_executors],
)


class OursWritePerExample(AsyncAPITestCase):
    @ONLY_GENERATE
    @given(title=TITLES)
    async def test_create(self, title: str) -> None:
        response = await self.client.post("/restflow/articles/create/", {"title": title})
        if response.status_code != 201:
            raise AssertionError(response.content)


class OursWritePerExampleViewSet(AsyncAPITestCase):
    @ONLY_GENERATE
    @given(title=TITLES)
    async def test_create(self, title: str) -> None:
        response = await self.client.post("/restflow/articles/", {"title": title})
        if response.status_code != 201:
            raise AssertionError(response.content)


class PeerWritePerExampleViewSet(hypothesis_django.TestCase):
    @ONLY_GENERATE
    @given(title=TITLES)
    def test_create(self, title: str) -> None:
        response = APIClient().post("/drf/articles/", {"title": title}, format="json")
        if response.status_code != 201:
            raise AssertionError(response.content)


class PeerWritePerExample(hypothesis_django.TestCase):
    @ONLY_GENERATE
    @given(title=TITLES)
    def test_create(self, title: str) -> None:
        response = APIClient().post("/drf/articles/create/", {"title": title}, format="json")
        if response.status_code != 201:
            raise AssertionError(response.content)


def _trivial_cases() -> tuple[
    type[unittest.TestCase],
    type[unittest.TestCase],
    type[unittest.TestCase],
    type[unittest.TestCase],
]:
    async def async_test(self: Any) -> None:
        pass

    def sync_test(self: Any) -> None:
        pass

    names = [f"test_{index:03d}" for index in range(TRIVIAL_TESTS)]
    ours = type("OursTrivial", (AsyncAPITestCase,), dict.fromkeys(names, async_test))
    peer = type("PeerTrivial", (TestCase,), dict.fromkeys(names, sync_test))
    django_async = type("DjangoAsyncTrivial", (TestCase,), dict.fromkeys(names, async_test))
    ours_sync = type("OursSyncTrivial", (AsyncAPITestCase,), dict.fromkeys(names, sync_test))
    return ours, peer, django_async, ours_sync


@contextlib.contextmanager
def test_databases() -> Iterator[None]:
    """The project's test databases, made for the block (as Django's test runner makes them) and
    destroyed after it."""
    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        yield
    finally:
        runner.teardown_databases(old_config)


def run_round(case: type[unittest.TestCase]) -> float:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    result = unittest.TestResult()
    # Each round starts from a collected heap: the garbage one contender leaves behind is not
    # collected (and paid for) in the other's round.
    gc.collect()
    started = time.perf_counter()
    suite.run(result)
    elapsed = time.perf_counter() - started
    if not result.wasSuccessful():
        raise SystemExit(f"{case.__name__} failed: {result.errors + result.failures}")
    return elapsed


class Comparison(NamedTuple):
    """Median times of each contender, and the median and quartiles of the paired ratios."""

    ours: float
    peer: float
    ratio: float  # ours / peer, paired round by round
    low: float  # first quartile of the pair ratios
    high: float  # third quartile
    ci_low: float  # 95% bootstrap interval of the median pair ratio
    ci_high: float


def _compare(ours: Callable[[], float], peer: Callable[[], float], rounds: int) -> Comparison:
    """Time both contenders in back-to-back pairs, alternating which goes first.

    The ratio is the median over pairs of each pair's ratio: the two halves of a pair run
    under the same load, so a slow spell on this shared machine moves both, not the ratio.
    """
    ours_times: list[float] = []
    peer_times: list[float] = []
    for index in range(rounds):
        first, second = (ours, peer) if index % 2 == 0 else (peer, ours)
        a, b = first(), second()
        ours_times.append(a if first is ours else b)
        peer_times.append(b if first is ours else a)
    ratios = [o / p for o, p in zip(ours_times, peer_times, strict=True)]
    low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (ratios * 3)
    return Comparison(
        statistics.median(ours_times),
        statistics.median(peer_times),
        statistics.median(ratios),
        low,
        high,
        *_median_interval(ratios),
    )


def _median_interval(ratios: list[float], resamples: int = 2000) -> tuple[float, float]:
    """A 95% bootstrap interval for the median of ``ratios``: how far the run's median could
    move with other pairs from the same machine (a fixed seed, so it repeats for the same
    ratios)."""
    rng = random.Random(0)
    medians = sorted(
        statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(resamples)
    )
    return medians[int(0.025 * resamples)], medians[int(0.975 * resamples) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    rounds = parser.parse_args().rounds

    with test_databases():
        ours_trivial, peer_trivial, django_async, ours_sync = _trivial_cases()
        for case in (ours_trivial, peer_trivial, django_async, ours_sync):
            run_round(case)  # warm-up: imports, URL resolution, first connections
        write = _compare(
            lambda: run_round(OursWritePerExample), lambda: run_round(PeerWritePerExample), rounds
        )
        viewsets = _compare(
            lambda: run_round(OursWritePerExampleViewSet),
            lambda: run_round(PeerWritePerExampleViewSet),
            rounds,
        )
        trivial = _compare(lambda: run_round(ours_trivial), lambda: run_round(peer_trivial), rounds)
        trivial_sync = _compare(
            lambda: run_round(ours_sync), lambda: run_round(peer_trivial), rounds
        )
        django_trivial = _compare(
            lambda: run_round(ours_trivial), lambda: run_round(django_async), rounds
        )

    print(
        f"{rounds} alternating pairs of rounds: median times; ratio = median of the pairs' ratios"
        " (interquartile range of the pairs' ratios; 95% bootstrap interval of the median)\n"
    )
    print(f"{'benchmark':<58}{'ours':>12}{'peer':>12}{'ratio':>8}  {'IQR':>11}  {'95% CI':>11}")
    for label, comparison in (
        ("async @given POST + row, examples/s (target ratio >= 1.0)", write),
        ("  context: the same through the model viewsets, examples/s", viewsets),
    ):
        print(
            f"{label:<58}{EXAMPLES / comparison.ours:>12.1f}{EXAMPLES / comparison.peer:>12.1f}"
            f"{1 / comparison.ratio:>8.2f}  {1 / comparison.high:.2f}..{1 / comparison.low:.2f}"
            f"  {1 / comparison.ci_high:.3f}..{1 / comparison.ci_low:.3f}"
        )
    for label, comparison in (
        ("trivial test, ms per test (target ratio <= 1.2)", trivial),
        ("  context: trivial sync test in AsyncAPITestCase, ms", trivial_sync),
        ("  context: trivial async test in Django TestCase, ms", django_trivial),
    ):
        print(
            f"{label:<58}{comparison.ours / TRIVIAL_TESTS * 1e3:>12.3f}"
            f"{comparison.peer / TRIVIAL_TESTS * 1e3:>12.3f}{comparison.ratio:>8.2f}"
            f"  {comparison.low:.2f}..{comparison.high:.2f}"
            f"  {comparison.ci_low:.3f}..{comparison.ci_high:.3f}"
        )
    print("\npeers: hypothesis.extra.django.TestCase + DRF APIClient on DRF's sync views;")
    print("       Django's TestCase with sync test methods")


if __name__ == "__main__":
    main()
