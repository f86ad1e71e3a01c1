"""``python -m restflow_testing fuzz``: fuzz every endpoint of a project against a test database.

As ``manage.py test`` does, the command creates a test database for each configured database
and destroys it at the end; each endpoint runs in a transaction rolled back after it, each example
in a savepoint inside that. Exit status: 0 when no check failed, 1 when some did, 2 for a usage or
configuration error (reported in one line, without a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import sys
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from restflow_testing.fuzz._config import FuzzConfig
    from restflow_testing.fuzz._discovery import Endpoint
    from restflow_testing.fuzz._report import EndpointResult, FuzzReport, StatefulResult

USAGE_ERROR = 2


class UsageError(Exception):
    """A problem with the command line or the project's configuration."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m restflow_testing fuzz",
        description="Fuzz every endpoint of a Django REST framework project, from its URLconf "
        "and serializers, against a throwaway test database.",
    )
    parser.add_argument(
        "--settings", metavar="MODULE", help="settings module (default: $DJANGO_SETTINGS_MODULE)"
    )
    parser.add_argument(
        "--urlconf", metavar="MODULE", help="URLconf to fuzz (default: ROOT_URLCONF)"
    )
    parser.add_argument(
        "--max-examples",
        metavar="N",
        type=_positive,
        default=100,
        help="examples per endpoint (default: 100)",
    )
    parser.add_argument(
        "--seed",
        metavar="N",
        type=int,
        help="seed of the run; a failure's report names it to replay",
    )
    parser.add_argument(
        "--include",
        metavar="REGEX",
        action="append",
        default=[],
        help="fuzz only endpoints whose 'METHOD /route/' matches (repeatable)",
    )
    parser.add_argument(
        "--exclude",
        metavar="REGEX",
        action="append",
        default=[],
        help="leave out endpoints whose 'METHOD /route/' matches (repeatable)",
    )
    parser.add_argument(
        "--stateful",
        action="store_true",
        help="also run a CRUD state machine (restflow_testing.stateful.crud_machine) for every "
        "router-registered viewset; its failures carry the check 'stateful'",
    )
    parser.add_argument(
        "--json", metavar="PATH", type=Path, help="also write the report as JSON to PATH"
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="do not print a line per endpoint while running"
    )
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command; returns its exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    options = build_parser().parse_args(argv)
    try:
        include = [_pattern(p, "--include") for p in options.include]
        exclude = [_pattern(p, "--exclude") for p in options.exclude]
        _configure_django(options.settings)
        endpoints, urlconf = _endpoints(options.urlconf, include, exclude)
        from restflow_testing.fuzz._config import project_config

        try:
            config = project_config()
        except (ImportError, TypeError) as error:
            raise UsageError(str(error)) from None
    except UsageError as error:
        print(f"error: {error}", file=err)
        return USAGE_ERROR
    for key in config.unmatched(endpoints):
        print(f"warning: RESTFLOW_TESTING_FUZZ configures {key!r}, which no endpoint has", file=err)
    seed = options.seed if options.seed is not None else random.getrandbits(32)
    report = fuzz_in_test_database(
        endpoints,
        urlconf=urlconf,
        seed=seed,
        max_examples=options.max_examples,
        config=config,
        progress=None if options.no_progress else err,
        stateful=options.stateful,
    )
    print(report.summary_table(), file=out)
    for failure in report.failures:
        print(f"\n{failure.check}: {failure.method} {failure.route}: {failure.message}", file=out)
        print(_indent(failure.reproducer), file=out)
    if options.json is not None:
        options.json.write_text(json.dumps(report.as_json(), indent=2) + "\n")
    return 1 if report.failures else 0


def fuzz_in_test_database(
    endpoints: Sequence[Endpoint],
    *,
    urlconf: str,
    seed: int,
    max_examples: int,
    config: FuzzConfig | None,
    progress: TextIO | None,
    stateful: bool = False,
) -> FuzzReport:
    """Fuzz ``endpoints`` against freshly created test databases, destroyed afterwards; with
    ``stateful``, then run a CRUD state machine for every router viewset of ``urlconf``."""
    from django.db import connections
    from django.test.runner import DiscoverRunner

    from restflow_testing._loop_thread import LoopThread
    from restflow_testing.fuzz._discovery import discover
    from restflow_testing.fuzz._engine import Fuzzer
    from restflow_testing.fuzz._report import FuzzReport

    runner = DiscoverRunner(interactive=False, verbosity=0)
    runner.setup_test_environment()
    old_config = runner.setup_databases()
    loop = LoopThread()
    report = FuzzReport(seed)
    try:
        fuzzer = Fuzzer(
            discover(urlconf),
            urlconf=urlconf,
            loop=loop,
            seed=seed,
            max_examples=max_examples,
            config=config,
        )
        with _rolled_back(connections):  # the users and rows, shared by every endpoint
            fuzzer.prepare()
            for index, endpoint in enumerate(endpoints, 1):
                with _rolled_back(connections):
                    result = fuzzer.run(endpoint)
                report.endpoints.append(result)
                if progress is not None:
                    print(_progress_line(index, len(endpoints), result), file=progress, flush=True)
                loop.replace_workers()
            if stateful:
                loop.close()  # the machines run on loops of their own
                for machine_result in _stateful_results(urlconf, max_examples):
                    report.stateful.append(machine_result)
                    if progress is not None:
                        print(machine_result.progress_line(), file=progress, flush=True)
    finally:
        loop.close()
        runner.teardown_databases(old_config)
        runner.teardown_test_environment()
    return report


def _stateful_results(urlconf: str, max_examples: int) -> list[StatefulResult]:
    """Run ``crud_machine`` for each router viewset of ``urlconf``, each in a transaction rolled
    back after it, with ``max_examples`` runs of at most 10 steps."""
    from django.db import connections
    from hypothesis import settings

    from restflow_testing.fuzz._report import StatefulResult
    from restflow_testing.fuzz._searches import SLOW_OR_FILTERED
    from restflow_testing.stateful import crud_machines, run_crud_machine

    runs = settings(
        max_examples=max_examples,
        stateful_step_count=10,
        deadline=None,
        database=None,
        suppress_health_check=SLOW_OR_FILTERED,
    )
    results: list[StatefulResult] = []
    for machine in crud_machines(urlconf):
        with _rolled_back(connections):
            outcome = run_crud_machine(machine, settings=runs)
        results.append(StatefulResult.of(machine, outcome))
    return results


@contextlib.contextmanager
def _rolled_back(connections: Any) -> Generator[None]:
    """A transaction in every database, rolled back at the end of the block."""
    from django.db import transaction

    with contextlib.ExitStack() as stack:
        for alias in connections:
            stack.enter_context(transaction.atomic(using=alias))
        yield
        for alias in connections:
            transaction.set_rollback(True, using=alias)


def _progress_line(index: int, total: int, result: EndpointResult) -> str:
    width = len(str(total))
    if result.skipped:
        state = f"skipped ({result.skipped})"
    elif result.failures:
        checks = ", ".join(sorted({f.check for f in result.failures}))
        state = f"FAILED: {checks}"
    else:
        state = "ok"
    return (
        f"[{index:>{width}}/{total}] {result.endpoint.id}  {result.examples} examples  "
        f"{result.statuses_text()}  {state}"
    )


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.splitlines())


def _pattern(text: str, option: str) -> re.Pattern[str]:
    try:
        return re.compile(text)
    except re.error as error:
        raise UsageError(f"{option} {text!r} is not a regular expression: {error}") from None


def _configure_django(settings_module: str | None) -> None:
    if settings_module:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    name = os.environ.get("DJANGO_SETTINGS_MODULE")
    if not name:
        raise UsageError("no settings module: pass --settings MODULE or set DJANGO_SETTINGS_MODULE")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImportError as error:
        raise UsageError(f"settings module {name!r} cannot be imported: {error}") from None
    except ImproperlyConfigured as error:
        raise UsageError(f"settings module {name!r} is misconfigured: {error}") from None


def _endpoints(
    urlconf: str | None, include: list[re.Pattern[str]], exclude: list[re.Pattern[str]]
) -> tuple[list[Endpoint], str]:
    from django.conf import settings

    from restflow_testing.fuzz._discovery import discover, select

    name = urlconf or getattr(settings, "ROOT_URLCONF", None)
    if not name:
        raise UsageError("no URLconf: the settings have no ROOT_URLCONF; pass --urlconf MODULE")
    try:
        found = discover(name)
    except ImportError as error:
        raise UsageError(f"URLconf {name!r} cannot be imported: {error}") from None
    selected = select(found, include, exclude)
    if not found:
        raise UsageError(f"URLconf {name!r} has no endpoints")
    if not selected:
        raise UsageError(
            "no endpoint matches --include/--exclude; endpoints: "
            + ", ".join(e.id for e in found[:10])
        )
    return selected, name
