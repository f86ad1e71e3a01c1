"""Time per async test: this pytest plugin with ``db`` rollback vs pytest-asyncio with a flush.

Today's workaround for async Django tests under pytest is pytest-asyncio plus pytest-django's
``transactional_db`` (``django_db(transaction=True)``): the async ORM runs on another thread and
connection, so only real commits (and a flush of every table after each test) keep tests apart.
This plugin runs the same test inside the ``db`` fixture's transaction and rolls it back.

The benchmark writes a throwaway Django project to a temporary directory (an app with 12 models,
plus contrib auth, contenttypes and sessions: 22 tables), generates the same async test body
N times for each side, and runs each side in its own pytest subprocess, alternating sides for
several rounds. A small conftest times every test's setup, call and teardown
(``pytest_runtest_protocol``); the first tests of each run are warm-up and not counted. The
figure is the median per-test time of each side (the median over rounds of each round's median)
and their ratio; the target is a ratio of at most 0.1.

Run from the repository root::

    python benchmarks/bench_pytest_plugin.py [--tests 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

MODELS = 12
WARM_UP = 5

SETTINGS = """
SECRET_KEY = "benchmark-only"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "benchapp",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "bench.sqlite3"}}
"""

# Where pytest-django puts the test database: a file, as with PostgreSQL or MySQL, where a commit
# is durable; or SQLite's in-memory database, the cheapest case for commits and flushes.
TEST_DATABASES = {
    "file": 'DATABASES["default"]["TEST"] = {"NAME": "test_bench.sqlite3"}\n',
    "memory": 'DATABASES["default"]["TEST"] = {"NAME": ":memory:"}\n',
}

CONFTEST = """
import json
import os

_timings = {}


def pytest_runtest_logreport(report):
    _timings.setdefault(report.nodeid, {})[report.when] = report.duration


def pytest_sessionfinish(session, exitstatus):
    with open(os.environ["BENCH_TIMINGS"], "w") as out:
        json.dump(list(_timings.values()), out)
"""

PHASES = ("setup", "call", "teardown")

INI = """
[pytest]
DJANGO_SETTINGS_MODULE = benchsettings
asyncio_default_fixture_loop_scope = function
"""

BODY = """\
    author = await Model0.objects.acreate(name="author-{index}", number={index})
    await Model1.objects.acreate(name="book", number=1, parent=author)
    await Model2.objects.acreate(name="review", number=2, parent=author)
    assert await Model0.objects.acount() == 1
    assert await Model1.objects.filter(parent=author).acount() == 1
"""

SIDES = {
    "plugin": ("@pytest.mark.django_db", "restflow-testing plugin, db (rollback)"),
    "asyncio": (
        "@pytest.mark.asyncio\n@pytest.mark.django_db(transaction=True)",
        "pytest-asyncio, transactional_db (flush)",
    ),
}


def models_source() -> str:
    lines = ["from django.db import models", ""]
    for index in range(MODELS):
        lines += [
            f"class Model{index}(models.Model):",
            "    name = models.CharField(max_length=100)",
            "    number = models.IntegerField(default=0)",
            "    created = models.DateTimeField(auto_now_add=True)",
        ]
        if index:
            lines.append(
                "    parent = models.ForeignKey("
                "'Model0', null=True, on_delete=models.CASCADE, related_name='+')"
            )
        lines.append("")
    return "\n".join(lines)


def tests_source(side: str, count: int) -> str:
    marks, _ = SIDES[side]
    imports = ", ".join(f"Model{index}" for index in range(3))
    parts = ["import pytest", f"from benchapp.models import {imports}", ""]
    for index in range(count):
        parts.append(marks)
        parts.append(f"async def test_{side}_{index}() -> None:")
        parts.append(BODY.format(index=index))
    return "\n".join(parts)


def write_project(root: Path, count: int, database: str) -> None:
    (root / "benchapp").mkdir()
    (root / "benchapp" / "__init__.py").write_text("")
    (root / "benchapp" / "models.py").write_text(models_source())
    (root / "benchsettings.py").write_text(SETTINGS + TEST_DATABASES[database])
    (root / "conftest.py").write_text(CONFTEST)
    (root / "pytest.ini").write_text(INI)
    for side in SIDES:
        (root / f"test_{side}.py").write_text(tests_source(side, count))


def run_side(root: Path, side: str, count: int) -> list[dict[str, float]]:
    """Run one side's tests in a fresh pytest process; each test's phase durations, in s."""
    timings = root / f"timings-{side}.json"
    env = {**os.environ, "PYTHONPATH": str(root), "BENCH_TIMINGS": str(timings)}
    env.pop("PYTEST_ADDOPTS", None)
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db"),
            f"test_{side}.py",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"The {side} run failed:\n{completed.stdout}\n{completed.stderr}")
    values: list[dict[str, float]] = json.loads(timings.read_text())
    if len(values) != count:
        raise SystemExit(f"The {side} run timed {len(values)} tests, expected {count}.")
    return values[WARM_UP:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=200, help="tests per side (default 200)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    parser.add_argument(
        "--database",
        choices=sorted(TEST_DATABASES),
        default="file",
        help="SQLite test database on disk (default) or in memory",
    )
    options = parser.parse_args()
    if options.tests <= WARM_UP:
        parser.error(f"--tests must be more than {WARM_UP}")

    medians: dict[str, list[float]] = {side: [] for side in SIDES}
    phases: dict[str, dict[str, list[float]]] = {
        side: {phase: [] for phase in PHASES} for side in SIDES
    }
    with tempfile.TemporaryDirectory(prefix="bench-pytest-plugin-") as directory:
        root = Path(directory)
        write_project(root, options.tests, options.database)
        for round_number in range(options.rounds):
            order = list(SIDES) if round_number % 2 == 0 else list(reversed(SIDES))
            for side in order:
                tests = run_side(root, side, options.tests)
                medians[side].append(statistics.median(sum(test.values()) for test in tests))
                for phase in PHASES:
                    phases[side][phase].append(statistics.median(test[phase] for test in tests))
            ratio = medians["plugin"][-1] / medians["asyncio"][-1]
            print(
                f"round {round_number + 1}: plugin {medians['plugin'][-1] * 1e3:.2f} ms, "
                f"pytest-asyncio {medians['asyncio'][-1] * 1e3:.2f} ms, ratio {ratio:.3f}"
            )

    print(
        f"\n{options.tests} async tests per side ({options.tests - WARM_UP} timed), "
        f"{options.rounds} rounds, {MODELS} app models (22 tables), SQLite test database "
        f"{'on disk' if options.database == 'file' else 'in memory'}; median time per test:"
    )
    for side, (_, label) in SIDES.items():
        split = ", ".join(
            f"{phase} {statistics.median(phases[side][phase]) * 1e3:.2f}" for phase in PHASES
        )
        print(f"  {label:42} {statistics.median(medians[side]) * 1e3:7.2f} ms  ({split})")
    ratio = statistics.median(medians["plugin"]) / statistics.median(medians["asyncio"])
    print(f"ratio plugin / pytest-asyncio: {ratio:.3f} (target <= 0.1)")


if __name__ == "__main__":
    main()
