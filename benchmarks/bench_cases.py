"""Benchmarks of the async test cases, as ratios against named peers measured in the same run.

a. **ORM + request.** 100 ``async def`` tests, each doing three async ORM calls (``acreate``,
   ``aget``, ``acount``) and one GET through the suite's ``MIDDLEWARE`` (Django's own four):
   ``AsyncAPITestCase`` with ``self.client`` (our ``AsyncAPIClient``) against Django's
   ``django.test.TestCase`` with the same ``async def`` tests and ``self.async_client`` (Django's
   ``AsyncClient``). Once to drf-restflow's ``AsyncAPIView`` (``/restflow/echo/``), once to
   DRF's sync ``APIView`` (``/drf/echo/``). Per-test time, ours / peer: target <= 0.8.
b. **Async ``@given`` POST + row.** Examples per second of an async ``@given`` test in
   ``AsyncAPITestCase`` that POSTs one article per example through ``AsyncAPIClient`` to
   drf-restflow's ``AsyncAPIView`` (``/restflow/articles/create/``), against
   ``hypothesis.extra.django.TestCase`` with DRF's ``APIClient`` POSTing to the SAME async view
   (what users do today: a WSGI client, Django running the async view through
   ``async_to_sync``). Ours / peer, target >= 1.0. Also against the same peer POSTing to the
   equivalent DRF sync ``APIView`` (``/drf/articles/create/``): the same serializer validates,
   saves and renders the article there, without thread hops.
c. **Trivial test.** Time per test of 500 trivial ``async def`` tests in ``AsyncAPITestCase``
   against 500 trivial sync tests in Django's ``TestCase``: ours / peer, target <= 1.5. For
   context, the same trivial tests as plain ``def`` in ``AsyncAPITestCase`` against the same
   peer (what the test case adds around any test), and our async tests against ``async def``
   tests in Django's ``TestCase`` (which makes an event loop and a thread per test).

Each benchmark runs in rounds; a round runs every contender's test class once (a whole suite:
``setUpClass`` to ``tearDownClass``), in an order that rotates from round to round, each from a
collected heap. A ratio is the median over rounds of the round's ratio (the contenders of one
round run under the same load, so a slow spell on a shared machine moves both), printed with the
interquartile range of the rounds' ratios and a 95% bootstrap interval of the median.

Usage, from the repository root::

    python benchmarks/bench_cases.py [--rounds 41] [--only a,b,c] [--postgresql]

The database is the suite's (``tests/project/settings.py``): SQLite by default, PostgreSQL with
``RESTFLOW_TESTING_DATABASE=postgresql`` and ``RESTFLOW_TESTING_PG_HOST``/``_PORT``, or with
``--postgresql``, which starts a throwaway cluster with ``scripts/_postgres.py`` and runs the
benchmarks against it.

Every hand-off between the test's thread and the loop's thread (ours, and Django's own async
tests alike) costs about twice as much when the two threads run on different CPUs of an
otherwise idle machine, where the other CPU must be woken each time. ``taskset -c 0 python
benchmarks/bench_cases.py`` measures on one CPU; for PostgreSQL, keep the server off that CPU:
``python3 scripts/_postgres.py taskset -c 0 python benchmarks/bench_cases.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import statistics
import subprocess
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

from django.db import connection  # noqa: E402
from django.test import TestCase  # noqa: E402
from django.test.utils import get_runner  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import django as hypothesis_django  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from restflow_testing import AsyncAPITestCase  # noqa: E402
from tests.project.app.models import Article  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ORM_TESTS = 100
EXAMPLES = 200
TRIVIAL_TESTS = 500

ASYNC_ECHO = "/restflow/echo/"  # drf-restflow AsyncAPIView
SYNC_ECHO = "/drf/echo/"  # DRF APIView
ASYNC_CREATE = "/restflow/articles/create/"  # drf-restflow AsyncAPIView
SYNC_CREATE = "/drf/articles/create/"  # DRF APIView, the same serializer

# -- a. ORM + request ---------------------------------------------------------------------------


async def _orm_and_request(client: Any, path: str) -> None:
    article = await Article.objects.acreate(title="benchmark")
    fetched = await Article.objects.aget(pk=article.pk)
    if await Article.objects.acount() != 1:
        raise AssertionError("the previous test's row is still there")
    response = await client.get(path, {"id": fetched.pk})
    if response.status_code != 200:
        raise AssertionError(response.content)


def _orm_request_cases(path: str) -> tuple[type[unittest.TestCase], type[unittest.TestCase]]:
    """Ours and the peer: ``ORM_TESTS`` identical async tests GETting ``path``."""

    async def ours_test(self: Any) -> None:
        await _orm_and_request(self.client, path)  # restflow_testing.AsyncAPIClient

    async def peer_test(self: Any) -> None:
        await _orm_and_request(self.async_client, path)  # django.test.AsyncClient

    names = [f"test_{index:03d}" for index in range(ORM_TESTS)]
    ours = type("OursOrmRequest", (AsyncAPITestCase,), dict.fromkeys(names, ours_test))
    peer = type("PeerOrmRequest", (TestCase,), dict.fromkeys(names, peer_test))
    return ours, peer


# -- b. async @given POST + row -----------------------------------------------------------------

TITLES = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=40)
ONLY_GENERATE = settings(
    max_examples=EXAMPLES,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    # Each round runs the same test method from a new test case instance.
    suppress_health_check=[HealthCheck.differing_executors],
)


def _created(response: Any) -> None:
    if response.status_code != 201:
        raise AssertionError(response.content)


class OursGiven(AsyncAPITestCase):
    @ONLY_GENERATE
    @given(title=TITLES)
    async def test_create(self, title: str) -> None:
        _created(await self.client.post(ASYNC_CREATE, {"title": title}))


class PeerGivenAsyncView(hypothesis_django.TestCase):
    @ONLY_GENERATE
    @given(title=TITLES)
    def test_create(self, title: str) -> None:
        _created(APIClient().post(ASYNC_CREATE, {"title": title}, format="json"))


class PeerGivenSyncView(hypothesis_django.TestCase):
    @ONLY_GENERATE
    @given(title=TITLES)
    def test_create(self, title: str) -> None:
        _created(APIClient().post(SYNC_CREATE, {"title": title}, format="json"))


# -- c. trivial tests ---------------------------------------------------------------------------


def _trivial_cases() -> dict[str, type[unittest.TestCase]]:
    async def async_test(self: Any) -> None:
        pass

    def sync_test(self: Any) -> None:
        pass

    names = [f"test_{index:03d}" for index in range(TRIVIAL_TESTS)]
    return {
        "ours": type("OursTrivial", (AsyncAPITestCase,), dict.fromkeys(names, async_test)),
        "peer": type("PeerTrivial", (TestCase,), dict.fromkeys(names, sync_test)),
        "ours, sync": type("OursSyncTrivial", (AsyncAPITestCase,), dict.fromkeys(names, sync_test)),
        "django, async": type("DjangoAsyncTrivial", (TestCase,), dict.fromkeys(names, async_test)),
    }


# -- measuring ----------------------------------------------------------------------------------


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
    """Seconds to run every test of ``case`` as one suite (class set-up and teardown included)."""
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


class Ratio(NamedTuple):
    """The median of the rounds' time ratios ``ours / peer``, their quartiles and a 95% bootstrap
    interval of the median."""

    median: float
    low: float
    high: float
    ci_low: float
    ci_high: float

    def inverted(self) -> Ratio:
        """The same as ``peer / ours`` (a ratio of throughputs)."""
        return Ratio(
            1 / self.median, 1 / self.high, 1 / self.low, 1 / self.ci_high, 1 / self.ci_low
        )


def measure(contenders: dict[str, type[unittest.TestCase]], rounds: int) -> dict[str, list[float]]:
    """Seconds per round of each contender, ``rounds`` rounds after one warm-up round each
    (imports, URL resolution, first connections). Each round runs every contender once, the
    order rotating by one from round to round."""
    names = list(contenders)
    for name in names:
        run_round(contenders[name])
    times: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(run_round(contenders[name]))
    return times


def paired(times: dict[str, list[float]], ours: str, peer: str) -> Ratio:
    """The ratio of times ``ours / peer``, paired round by round."""
    return _ratio([o / p for o, p in zip(times[ours], times[peer], strict=True)])


def _ratio(ratios: list[float], resamples: int = 2000) -> Ratio:
    low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    # The bootstrap: how far the median could move with other rounds from the same machine
    # (a fixed seed, so it repeats for the same ratios).
    rng = random.Random(0)
    medians = sorted(
        statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(resamples)
    )
    ci = medians[int(0.025 * resamples)], medians[int(0.975 * resamples) - 1]
    return Ratio(statistics.median(ratios), low, high, *ci)


class Row(NamedTuple):
    label: str
    ours: str
    peer: str
    ratio: Ratio
    target: str  # "<= 0.8", ">= 1.0" or "" for context rows

    @property
    def verdict(self) -> str:
        if not self.target:
            return ""
        bound = float(self.target.split()[1])
        met = (
            self.ratio.median <= bound
            if self.target.startswith("<=")
            else (self.ratio.median >= bound)
        )
        return "met" if met else "MISSED"


def _per_test(times: list[float], tests: int) -> str:
    return f"{statistics.median(times) / tests * 1e3:.3f} ms"


def _rate(times: list[float]) -> str:
    return f"{EXAMPLES / statistics.median(times):.1f} ex/s"


def bench_orm_request(rounds: int) -> list[Row]:
    rows: list[Row] = []
    for label, path in (("async view", ASYNC_ECHO), ("sync DRF view", SYNC_ECHO)):
        ours, peer = _orm_request_cases(path)
        times = measure({"ours": ours, "peer": peer}, rounds)
        rows.append(
            Row(
                f"a. ORM + request, {label} `{path}`, per test",
                _per_test(times["ours"], ORM_TESTS),
                _per_test(times["peer"], ORM_TESTS),
                paired(times, "ours", "peer"),
                "<= 0.8",
            )
        )
    return rows


def bench_given(rounds: int) -> list[Row]:
    times = measure(
        {"ours": OursGiven, "async view": PeerGivenAsyncView, "sync view": PeerGivenSyncView},
        rounds,
    )
    return [
        Row(
            "b. async `@given` POST + row, peer on the same async view, examples/s",
            _rate(times["ours"]),
            _rate(times["async view"]),
            paired(times, "ours", "async view").inverted(),
            ">= 1.0",
        ),
        Row(
            "context: peer on the equivalent DRF sync view, examples/s",
            _rate(times["ours"]),
            _rate(times["sync view"]),
            paired(times, "ours", "sync view").inverted(),
            "",
        ),
    ]


def bench_trivial(rounds: int) -> list[Row]:
    times = measure(_trivial_cases(), rounds)
    return [
        Row(
            "c. trivial async test vs Django's sync test, per test",
            _per_test(times["ours"], TRIVIAL_TESTS),
            _per_test(times["peer"], TRIVIAL_TESTS),
            paired(times, "ours", "peer"),
            "<= 1.5",
        ),
        Row(
            "context: trivial sync test in `AsyncAPITestCase` vs the same peer",
            _per_test(times["ours, sync"], TRIVIAL_TESTS),
            _per_test(times["peer"], TRIVIAL_TESTS),
            paired(times, "ours, sync", "peer"),
            "",
        ),
        Row(
            "context: trivial async test vs Django's `TestCase` with `async def`",
            _per_test(times["ours"], TRIVIAL_TESTS),
            _per_test(times["django, async"], TRIVIAL_TESTS),
            paired(times, "ours", "django, async"),
            "",
        ),
    ]


BENCHMARKS: dict[str, Callable[[int], list[Row]]] = {
    "a": bench_orm_request,
    "b": bench_given,
    "c": bench_trivial,
}


def print_table(rows: list[Row], rounds: int, load: tuple[float, float]) -> None:
    print(
        f"Django {django.get_version()}, {connection.vendor}, {rounds} rounds, load average"
        f" {load[0]:.2f} at the start and {load[1]:.2f} at the end; median per"
        " contender; ratio = median of the rounds' ratios (IQR of the rounds' ratios;"
        " 95% CI of the median)\n"
    )
    print("| benchmark | ours | peer | ratio | IQR | 95% CI | target |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        ratio = row.ratio
        target = f"{row.target} {row.verdict}" if row.target else "context"
        print(
            f"| {row.label} | {row.ours} | {row.peer} | {ratio.median:.2f} "
            f"| {ratio.low:.2f}..{ratio.high:.2f} | {ratio.ci_low:.2f}..{ratio.ci_high:.2f} "
            f"| {target} |"
        )


def _with_postgresql(arguments: list[str]) -> int:
    """Run this script again against a throwaway PostgreSQL cluster (``scripts/_postgres.py``)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import _postgres  # type: ignore[import-not-found]

    programs = _postgres.find_programs()
    if programs is None:
        raise SystemExit(_postgres.MISSING)
    with _postgres.cluster(programs) as pg:
        environment = {**os.environ, **pg.environment()}
        command = [sys.executable, __file__, *arguments]
        return subprocess.run(command, env=environment, check=False).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument(
        "--only", default="a,b,c", help="comma-separated benchmarks to run (default a,b,c)"
    )
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help="start a throwaway PostgreSQL cluster (scripts/_postgres.py) and run against it",
    )
    options = parser.parse_args()
    chosen = [name.strip() for name in options.only.split(",") if name.strip()]
    if unknown := set(chosen) - set(BENCHMARKS):
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    if options.postgresql:
        sys.exit(_with_postgresql(["--rounds", str(options.rounds), "--only", ",".join(chosen)]))

    rows: list[Row] = []
    load_at_start = os.getloadavg()[0]  # other processes on the machine, over the last minute
    with test_databases():
        for name in chosen:
            rows += BENCHMARKS[name](options.rounds)
    print_table(rows, options.rounds, (load_at_start, os.getloadavg()[0]))
    print(
        "\npeers: a. django.test.TestCase, async def tests, self.async_client (AsyncClient);"
        "\n       b. hypothesis.extra.django.TestCase + DRF's APIClient;"
        "\n       c. django.test.TestCase, sync tests"
    )


if __name__ == "__main__":
    main()
