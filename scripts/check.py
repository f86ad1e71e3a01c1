"""Run everything CI runs, from nothing but python3 and pip.

1. A development environment (.venv) with the package and its ``dev`` extra: ruff, mypy --strict
   and basedpyright (strict) on the package, the suite, the example project and every Python
   block of the README and the docs (``scripts/check_doc_types.py``),
   ``basedpyright --verifytypes`` (must be 100%), the docs build (``mkdocs build --strict``) and
   the test suite, on SQLite and then on a throwaway PostgreSQL cluster (``scripts/_postgres.py``;
   skipped, not failed, where PostgreSQL's server programs are not installed), and Django's and
   DRF's own client tests ported to await the client (``benchmarks/conformance/run.py``: it
   fails if a test passing with Django's ``AsyncClient`` fails with ``AsyncAPIClient``).
2. A second environment (.venv-lowest) on the lowest supported versions (Django 4.2, DRF 3.15,
   asgiref 3.9): the test suite again, on SQLite and on PostgreSQL, and the ported client tests
   of those versions.

Every step runs even when an earlier one failed; the exit status is non-zero if any failed.
A skipped step counts as neither passed nor failed.
Usage: ``python3 scripts/check.py [--fast]`` (``--fast`` skips the lowest-versions run).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import _postgres
from _env import DEV_ENV, ROOT, dev_install_command, environment

LOWEST_ENV = ROOT / ".venv-lowest"
LOWEST_REQUIREMENTS = [
    "Django>=4.2,<4.3",
    "djangorestframework>=3.15,<3.16",
    "asgiref==3.9.0",  # the floor pyproject.toml declares
    "pytest>=8.2",
    "pytest-django>=4.9",
    "pytest-xdist>=3.6",
    "pytest-asyncio>=0.24",
    "pytest-timeout>=2.3",
    "hatchling>=1.25",  # the packaging test builds the wheel and the sdist
    "drf-restflow>=2.0",
    "adrf>=0.1.9",
    "uvicorn>=0.30",
    "httpx>=0.27",
    "channels>=4.0",
    "daphne>=4.0",
    "psycopg[binary]>=3.1.8",  # Django 4.2's oldest psycopg 3
]


def main() -> int:
    fast = "--fast" in sys.argv[1:]
    results: list[tuple[str, str, float]] = []  # name, PASSED/FAILED/SKIPPED, seconds

    def step(
        name: str,
        command: list[str],
        *,
        check_output: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> bool:
        print(f"\n=== {name}: {' '.join(command)}", flush=True)
        started = time.monotonic()
        # Run inside the command's environment, as if activated: the type checkers resolve
        # imports through the ``python`` they find first on PATH.
        bin_dir = Path(command[0]).parent
        env = {
            **os.environ,
            **(extra_env or {}),
            "VIRTUAL_ENV": str(bin_dir.parent),
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        try:
            if check_output is None:
                completed = subprocess.run(
                    command, cwd=ROOT, check=False, env=env, timeout=STEP_TIMEOUT
                )
                ok = completed.returncode == 0
            else:
                completed = subprocess.run(
                    command,
                    cwd=ROOT,
                    check=False,
                    capture_output=True,
                    text=True,
                    env=env,
                    timeout=STEP_TIMEOUT,
                )
                output = completed.stdout + completed.stderr
                print(output[-4000:], flush=True)
                ok = completed.returncode == 0 and re.search(check_output, output) is not None
        except subprocess.TimeoutExpired:
            print(f"=== {name}: stopped after {STEP_TIMEOUT} s (a hang?)", flush=True)
            ok = False
        results.append((name, PASSED if ok else FAILED, time.monotonic() - started))
        return ok

    def postgres_step(name: str, command: list[str]) -> None:
        """``step`` against a throwaway PostgreSQL cluster; skipped where there is no PostgreSQL."""
        programs = _postgres.find_programs()
        if programs is None:
            print(f"\n=== {name}: SKIPPED: {_postgres.MISSING}", flush=True)
            results.append((name, SKIPPED, 0.0))
            return
        started = time.monotonic()
        try:
            with _postgres.cluster(programs) as cluster:
                step(name, command, extra_env=cluster.environment())
        except _postgres.ClusterError as error:
            print(f"=== {name}: PostgreSQL: {error}", flush=True)
            results.append((f"{name}: the cluster", FAILED, time.monotonic() - started))

    dev = environment(DEV_ENV)
    if step("install (dev)", dev_install_command(dev)):
        bin_dir = dev.parent
        step("ruff check", [str(bin_dir / "ruff"), "check", "."])
        step("ruff format", [str(bin_dir / "ruff"), "format", "--check", "."])
        step("mypy --strict", [str(bin_dir / "mypy")])
        step(
            "mypy --strict (examples)",
            [str(bin_dir / "mypy"), "--config-file", "examples/mypy.ini"],
        )
        step(
            "mypy --strict (the notes example, its own settings)",
            [str(bin_dir / "mypy"), "--config-file", "examples/notes/mypy.ini"],
        )
        step("basedpyright", [str(bin_dir / "basedpyright")])
        step("basedpyright (examples)", [str(bin_dir / "basedpyright"), "examples"])
        doc_types = [str(dev), "scripts/check_doc_types.py"]
        step("mypy --strict (README and docs code blocks)", [*doc_types, "mypy"])
        step("basedpyright (README and docs code blocks)", [*doc_types, "basedpyright"])
        step(
            "basedpyright --verifytypes",
            [
                str(bin_dir / "basedpyright"),
                "--verifytypes",
                "restflow_testing",
                "--ignoreexternal",
            ],
            check_output=r"completeness score: 100(\.0)?%",
        )
        if (ROOT / "mkdocs.yml").exists():
            step("mkdocs build --strict", [str(bin_dir / "mkdocs"), "build", "--strict", "-q"])
        pytest = [str(dev), "-m", "pytest", "-q", "-p", "xdist", "-n", "2"]
        step("pytest (latest versions)", pytest)
        postgres_step("pytest (latest versions, PostgreSQL)", pytest)
        step(CONFORMANCE, [str(dev), "benchmarks/conformance/run.py"])

    if not fast:
        lowest = str(environment(LOWEST_ENV))
        if step(
            "install (lowest versions)",
            [lowest, "-m", "pip", "install", "-q", "-e", ".", *LOWEST_REQUIREMENTS],
        ):
            step("versions (lowest)", [lowest, "-c", _VERSIONS])
            lowest_pytest = [lowest, "-m", "pytest", "-q", "-p", "xdist", "-n", "2"]
            step("pytest (lowest versions)", lowest_pytest)
            postgres_step("pytest (lowest versions, PostgreSQL)", lowest_pytest)
            step(f"{CONFORMANCE} (lowest versions)", [lowest, "benchmarks/conformance/run.py"])

    print("\n=== summary")
    for name, status, seconds in results:
        print(f"{_LABELS[status]} {name} ({seconds:.0f}s)")
    counts = {status: sum(1 for _, s, _ in results if s == status) for status in _LABELS}
    skipped = f", {counts[SKIPPED]} skipped" if counts[SKIPPED] else ""
    print(f"check: {counts[PASSED]} passed, {counts[FAILED]} failed{skipped}")
    return 1 if counts[FAILED] else 0


PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
CONFORMANCE = "Django's and DRF's client tests, ported (AsyncAPIClient passes all AsyncClient does)"
# No step of a healthy run takes a quarter of this; a hung test fails its step instead of CI.
STEP_TIMEOUT = 20 * 60
_LABELS = {PASSED: "ok  ", FAILED: "FAIL", SKIPPED: "skip"}


_VERSIONS = (
    "import django, rest_framework; "
    "print('Django', django.get_version(), '/ DRF', rest_framework.VERSION)"
)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
