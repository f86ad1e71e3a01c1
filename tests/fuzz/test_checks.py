"""Each check finds the bug it exists for, with a reproducer, and nothing else."""

import unittest
from collections.abc import Iterator

import pytest
from django.db import transaction

from restflow_testing._loop_thread import LoopThread
from restflow_testing.fuzz import CHECKS, Fuzzer, discover
from tests.conftest import RunUnittest
from tests.fuzz.buggy_views import BUGS

URLCONF = "tests.fuzz.buggy_views"


@pytest.fixture
def loop() -> Iterator[LoopThread]:
    made = LoopThread()
    yield made
    made.close()


def test_every_check_has_a_seeded_bug() -> None:
    assert sorted(set(BUGS.values())) == sorted(CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint_id", "check"), sorted(BUGS.items()))
def test_the_check_finds_its_bug(loop: LoopThread, endpoint_id: str, check: str) -> None:
    endpoints = discover(URLCONF)
    endpoint = next(e for e in endpoints if e.id == endpoint_id)
    fuzzer = Fuzzer(endpoints, loop=loop, seed=11, max_examples=60, urlconf=URLCONF)

    result = fuzzer.run(endpoint)

    assert [failure.check for failure in result.failures] == [check], result.failures
    failure = result.failures[0]
    assert (failure.method, failure.route) == (endpoint.method, endpoint.route)
    reproducer = failure.reproducer
    assert reproducer.splitlines()[0].startswith("# from ")
    assert f"async def test_{check}_" in reproducer
    assert f"response = await self.client.{endpoint.method.lower()}(" in reproducer
    assert "--seed 11" in reproducer


@pytest.mark.django_db
def test_a_view_that_raises_is_reported_with_no_status(loop: LoopThread) -> None:
    endpoints = discover(URLCONF)
    endpoint = next(e for e in endpoints if e.id == "POST /buggy/divide/")

    result = Fuzzer(endpoints, loop=loop, seed=3, max_examples=60, urlconf=URLCONF).run(endpoint)

    failure = result.failures[0]
    assert failure.status is None
    assert "ZeroDivisionError" in failure.message
    assert "{'count': 0}" in failure.reproducer
    assert result.statuses["raised"] >= 1


@pytest.mark.django_db
def test_the_reproducer_runs_as_a_test_method_and_fails_like_the_run(
    loop: LoopThread, run_unittest: RunUnittest
) -> None:
    endpoints = discover(URLCONF)
    endpoint = next(e for e in endpoints if e.id == "POST /buggy/save-first/")
    with transaction.atomic():  # the run's users and rows go before the reproducer runs
        fuzzer = Fuzzer(endpoints, loop=loop, seed=5, max_examples=60, urlconf=URLCONF)
        failure = fuzzer.run(endpoint).failures[0]
        transaction.set_rollback(True)
    source = "\n".join(
        line.removeprefix("# ") if line.startswith("# from ") else line
        for line in failure.reproducer.splitlines()
    )
    imports = "\n".join(line for line in source.splitlines() if line.startswith("from "))
    method = "\n".join(
        "    " + line for line in source.splitlines() if not line.startswith("from ")
    )
    namespace: dict[str, object] = {}
    exec(  # the reproducer is meant to be pasted into a test case: do just that
        f"{imports}\nfrom django.test import override_settings\n"
        "from restflow_testing import AsyncAPITestCase\n"
        f"@override_settings(ROOT_URLCONF={URLCONF!r})\n"
        f"class Reproduced(AsyncAPITestCase):\n{method}\n",
        namespace,
    )
    reproduced = namespace["Reproduced"]
    assert isinstance(reproduced, type)
    assert issubclass(reproduced, unittest.TestCase)
    report = run_unittest(reproduced)
    assert len(report.result.failures) == 1, report.output
    assert "AssertionError" in report.output
