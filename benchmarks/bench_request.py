"""The request of the ``@given`` benchmark alone, without Hypothesis: ours against the peer's.

Each pair POSTs one article with a fresh client on each side, as one example of
``bench_cases.py`` does: ``AsyncAPIClient`` to the drf-restflow ``AsyncAPIView`` on a test
loop, and DRF's ``APIClient`` to the equivalent DRF ``APIView``. Each pair runs in a transaction
that is rolled back, in a random order. Reported: the median time of each side and the median of
the pairs' ratios (ours / peer, lower is better) with their interquartile range.

This separates the cost of the request from what the test cases do around each example.
Usage, from the repository root: ``python benchmarks/bench_request.py [--pairs N]``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.project.settings")

import django

django.setup()

from bench_cases import test_databases  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from restflow_testing import AsyncAPIClient  # noqa: E402
from restflow_testing._test_loop import TestLoop  # noqa: E402

OURS_PATH = "/restflow/articles/create/"
PEER_PATH = "/drf/articles/create/"


async def _ours(title: str) -> float:
    started = time.perf_counter()
    response = await AsyncAPIClient().post(OURS_PATH, {"title": title})
    elapsed = time.perf_counter() - started
    if response.status_code != 201:
        raise SystemExit(f"ours answered {response.status_code}: {response.content!r}")
    return elapsed


def _peer(title: str) -> float:
    started = time.perf_counter()
    response = APIClient().post(PEER_PATH, {"title": title}, format="json")
    elapsed = time.perf_counter() - started
    if response.status_code != 201:
        raise SystemExit(f"peer answered {response.status_code}: {response.content!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3000)
    pairs = parser.parse_args().pairs

    setup_test_environment()
    order = random.Random(0)
    ours: list[float] = []
    peer: list[float] = []
    with test_databases():
        loop = TestLoop()
        try:
            for index in range(pairs + 20):  # the first 20 pairs warm up
                with transaction.atomic():
                    if order.random() < 0.5:
                        a, b = loop.run(_ours(f"t{index}")), _peer(f"t{index}")
                    else:
                        b, a = _peer(f"t{index}"), loop.run(_ours(f"t{index}"))
                    transaction.set_rollback(True)
                if index >= 20:
                    ours.append(a)
                    peer.append(b)
        finally:
            loop.close()

    ratios = [o / p for o, p in zip(ours, peer, strict=True)]
    low, _, high = statistics.quantiles(ratios, n=4)
    print(f"{pairs} pairs, a fresh client per request on each side; median times:")
    print(f"  ours, AsyncAPIClient, restflow view: {statistics.median(ours) * 1e6:.1f} us")
    print(f"  peer, APIClient, DRF view: {statistics.median(peer) * 1e6:.1f} us")
    print(f"  ratio ours / peer (median of pairs): {statistics.median(ratios):.3f}")
    print(f"  interquartile range of the pairs' ratios: {low:.3f}..{high:.3f}")


if __name__ == "__main__":
    main()
