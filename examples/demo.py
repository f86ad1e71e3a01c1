"""Run the bookshop's property-based suite and summarise what it exercised.

Usage (from the repository root)::

    python -m examples.demo [--max-examples N] [--fuzz-examples N] [--verbosity 0|1|2]

The suite runs on SQLite (an in-memory test database) through Django's test runner. The summary
lists every endpoint the suite hit with the statuses it got back, how many Hypothesis examples
each property test ran, and the outcome. The demo ends with a fuzz run of every endpoint of the
bookshop (what ``python -m restflow_testing fuzz --settings examples.bookshop.settings`` does) and
its summary table. The exit status is 0 only if every test passed and no fuzz check failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import unittest
from collections.abc import Sequence
from typing import Any, TextIO

SUITE = "examples.bookshop.tests"

# Hypothesis' names for the outcome of an example, as the summary shows them.
_EXAMPLE_STATUS = {"passed": "passed", "failed": "failed", "gave_up": "rejected by filters"}


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.demo", description=__doc__)
    parser.add_argument(
        "--max-examples", type=int, default=20, help="Hypothesis examples per property test"
    )
    parser.add_argument(
        "--fuzz-examples", type=int, default=20, help="fuzz examples per endpoint at the end"
    )
    parser.add_argument("--verbosity", type=int, default=1, choices=(0, 1, 2))
    options = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "examples.bookshop.settings"
    os.environ["BOOKSHOP_MAX_EXAMPLES"] = str(options.max_examples)

    import django
    from django.conf import settings
    from django.test.runner import DiscoverRunner
    from hypothesis.internal.observability import (
        add_observability_callback,
        remove_observability_callback,
    )

    from examples.recording import RECORDING, record_observation

    django.setup()
    settings.MIDDLEWARE = ["examples.recording.record_requests", *settings.MIDDLEWARE]

    results: list[unittest.TestResult] = []

    class Runner(DiscoverRunner):
        def run_suite(
            self, suite: unittest.TestSuite, **kwargs: Any
        ) -> unittest.TextTestResult[Any]:
            result = super().run_suite(suite, **kwargs)
            results.append(result)
            return result

    add_observability_callback(record_observation, all_threads=True)
    try:
        failures = Runner(verbosity=options.verbosity, interactive=False).run_tests([SUITE])
    finally:
        remove_observability_callback(record_observation)

    result = results[0] if results else None
    _summarise(out, result, failures, RECORDING.endpoint_statuses(), RECORDING.examples_by_test())
    fuzz_failures = _fuzz(out, options.fuzz_examples)
    return 1 if failures or result is None or fuzz_failures else 0


def _fuzz(out: TextIO, max_examples: int) -> int:
    """Fuzz every endpoint of the bookshop as the fuzz command does; print its summary table."""
    from restflow_testing.fuzz._command import fuzz_in_test_database
    from restflow_testing.fuzz._config import project_config
    from restflow_testing.fuzz._discovery import discover

    print(f"\nFuzzing every endpoint ({max_examples} examples each, seed 1):", file=out)
    report = fuzz_in_test_database(
        discover(),
        urlconf="examples.bookshop.urls",
        seed=1,
        max_examples=max_examples,
        config=project_config(),
        progress=None,
    )
    print(report.summary_table(), file=out)
    return len(report.failures)


def _summarise(
    out: TextIO,
    result: unittest.TestResult | None,
    failures: int,
    endpoints: dict[str, Any],
    examples: dict[str, Any],
) -> None:
    line = "-" * 72
    print(line, file=out)
    print(f"Bookshop demo: {SUITE} on SQLite, written with restflow-testing", file=out)
    print(line, file=out)
    requests = sum(sum(statuses.values()) for statuses in endpoints.values())
    print(f"Endpoints exercised: {len(endpoints)} ({requests} requests)", file=out)
    for endpoint, statuses in endpoints.items():
        seen = ", ".join(f"{status} x{count}" for status, count in sorted(statuses.items()))
        print(f"  {endpoint:<32} {seen}", file=out)
    total = sum(sum(statuses.values()) for statuses in examples.values())
    print(f"Hypothesis examples: {total} across {len(examples)} property tests", file=out)
    for test, statuses in examples.items():
        seen = ", ".join(
            f"{count} {_EXAMPLE_STATUS.get(status, status)}"
            for status, count in sorted(statuses.items())
        )
        print(f"  {test:<60} {seen}", file=out)
    if result is None:
        print("Outcome: FAILED (the suite did not run)", file=out)
        return
    passed = result.testsRun - len(result.failures) - len(result.errors) - len(result.skipped)
    outcome = "PASSED" if failures == 0 else "FAILED"
    print(
        f"Tests: {result.testsRun} run, {passed} passed, {len(result.failures)} failed, "
        f"{len(result.errors)} errors, {len(result.skipped)} skipped",
        file=out,
    )
    print(f"Outcome: {outcome}", file=out)


if __name__ == "__main__":
    sys.exit(main())
