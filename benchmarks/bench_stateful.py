"""Power of ``crud_machine``: seeded stateful bugs found and shrunk, and detail requests that
reach existing objects.

The suite's project (``tests/project``) serves five viewsets with a seeded stateful bug each
(``tests/project/app/views_stateful.py``) and four clean ones (DRF's ``ModelViewSet`` and
drf-restflow's ``AsyncModelViewSet``, with and without permissions, per-user querysets and
pagination). For each bug and seed the script runs ``run_crud_machine`` and reports whether the
bug was found, which invariant broke, the rules in the shrunk reproducer and the time taken;
for the clean viewsets, failures (false positives) and the share of detail requests (retrieve,
update, partial update, destroy, and the reads that check them) that reached an existing object
(not answered 404).

    python benchmarks/bench_stateful.py [--seeds 3] [--examples 100] [--steps 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.project.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.test.utils import get_runner, setup_test_environment  # noqa: E402
from hypothesis import seed, settings  # noqa: E402

from restflow_testing.stateful import crud_machine, run_crud_machine  # noqa: E402
from tests.project import urls  # noqa: E402

BUGS = [
    ("update ignores a field (DRF)", urls.stateful_sync_router, "update-ignores-field", "sync"),
    ("destroy does not delete (restflow)", urls.stateful_router, "destroy-keeps-row", None),
    ("list loses a new item (DRF)", urls.stateful_sync_router, "list-loses-newest", "sync"),
    ("retrieve-after-create 404 (restflow)", urls.stateful_router, "retrieve-hides-drafts", None),
    (
        "partial update resets a field (DRF)",
        urls.stateful_sync_router,
        "patch-resets-published",
        "sync",
    ),
]
CLEAN = [
    ("ModelViewSet (DRF)", urls.sync_router, "articles", None),
    ("AsyncModelViewSet (restflow)", urls.router, "articles", None),
    ("owner permissions, pages of 2 (restflow)", urls.stateful_router, "owned", None),
    ("per-user queryset, pages of 2 (DRF)", urls.stateful_sync_router, "mine", "sync"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--steps", type=int, default=20)
    options = parser.parse_args()
    run_settings = settings(
        max_examples=options.examples,
        stateful_step_count=options.steps,
        database=None,
        deadline=None,
        print_blob=False,
    )
    setup_test_environment()
    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        print("| seeded bug | found | invariant broken | rules in reproducer | seconds |")
        print("| --- | --- | --- | --- | --- |")
        for label, router, prefix, namespace in BUGS:
            found, steps, seconds, invariants = 0, [], [], set()
            for number in range(options.seeds):
                machine = seed(number)(crud_machine(router, prefix, url_namespace=namespace))
                started = time.perf_counter()
                report = _run(machine, run_settings)
                seconds.append(time.perf_counter() - started)
                if report.failures:
                    found += 1
                    steps.append(max(failure.rule_steps for failure in report.failures))
                    invariants.update(failure.invariant for failure in report.failures)
            print(
                f"| {label} | {found}/{options.seeds} | {'; '.join(sorted(invariants))} | "
                f"{', '.join(map(str, steps))} | {statistics.median(seconds):.1f} |"
            )
        print()
        print(
            "| clean viewset | failures | rules' detail requests reaching objects | "
            "all detail requests (with checking reads) reaching objects |"
        )
        print("| --- | --- | --- | --- |")
        for label, router, prefix, namespace in CLEAN:
            failures, detail, reaching, rule_detail, rule_reaching = 0, 0, 0, 0, 0
            for number in range(options.seeds):
                machine = seed(number)(crud_machine(router, prefix, url_namespace=namespace))
                report = _run(machine, run_settings)
                failures += len(report.failures)
                for failure in report.failures:
                    print(failure.message, file=sys.stderr)
                detail += report.statistics.detail_requests
                reaching += report.statistics.detail_requests_reaching_objects
                rule_detail += report.statistics.rule_detail_requests
                rule_reaching += report.statistics.rule_detail_requests_reaching_objects
            print(
                f"| {label} | {failures} | {rule_reaching}/{rule_detail} = "
                f"{rule_reaching / max(rule_detail, 1):.1%} | {reaching}/{detail} = "
                f"{reaching / max(detail, 1):.1%} |"
            )
    finally:
        runner.teardown_databases(old_config)


def _run(machine: type, run_settings: settings):  # type: ignore[no-untyped-def]
    """One run_crud_machine inside a transaction rolled back after it, as a test's."""
    with transaction.atomic():
        report = run_crud_machine(machine, settings=run_settings)
        transaction.set_rollback(True)
    return report


if __name__ == "__main__":
    main()
