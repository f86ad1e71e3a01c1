"""The fuzzer against schemathesis' in-process runner on the seeded-bugs project, side by side.

Usage (from the repository root)::

    python benchmarks/bench_fuzz.py [--max-examples 100] [--seed 1]

One run of each, same project (``examples/seeded``: 13 seeded bugs, at least one per check,
beside the bookshop's clean API), same budget (examples per endpoint): ``python -m
restflow_testing fuzz``, then schemathesis under pytest-django with drf-spectacular's schema and
its default checks, then schemathesis with only its server-error check (so no operation stops
early on the other checks' reports). Prints one table: examples, seconds (whole run, including
start-up and the test database), examples per second, the same per CPU second (user and system
time of the run's process: steadier than wall time on a shared machine), how many times faster the
fuzzer is, seeded bugs found, and failures reported on endpoints without a seeded bug.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from examples.seeded.bugs import SEEDED_BUGS  # noqa: E402


def timed(command: list[str], environment: dict[str, str] | None = None) -> tuple[float, float]:
    """Run ``command``; its wall-clock seconds and the CPU seconds (user and system) it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=environment, check=False, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def normalised(endpoint: str) -> str:
    """``"GET /a/{pk}/"`` and schemathesis' ``"GET /a/{id}/"`` alike."""
    return re.sub(r"\{[^}]*\}", "{}", endpoint)


def run_ours(max_examples: int, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        seconds, cpu = timed(
            [
                sys.executable, "-m", "restflow_testing", "fuzz",
                "--settings", "examples.seeded.settings",
                "--max-examples", str(max_examples), "--seed", str(seed),
                "--json", str(report), "--no-progress",
            ]
        )  # fmt: skip
        document = json.loads(report.read_text())
    examples = sum(endpoint["examples"] for endpoint in document["endpoints"])
    failed = {(normalised(f"{f['method']} {f['route']}"), f["check"]) for f in document["failures"]}
    bugs = {normalised(endpoint): check for endpoint, check in SEEDED_BUGS.items()}
    found = sum(1 for endpoint, check in bugs.items() if (endpoint, check) in failed)
    false = sorted({endpoint for endpoint, _ in failed if endpoint not in bugs})
    return {"examples": examples, "seconds": seconds, "cpu": cpu, "found": found, "false": false}


def run_schemathesis(max_examples: int, checks: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        environment = {
            **os.environ,
            "FUZZ_PEER_REPORT": str(report),
            "FUZZ_PEER_EXAMPLES": str(max_examples),
            "FUZZ_PEER_CHECKS": checks,
        }
        seconds, cpu = timed(
            [
                sys.executable, "-m", "pytest", "benchmarks/fuzz_peer/test_schemathesis.py",
                "-c", "benchmarks/fuzz_peer/pytest.ini", "--rootdir", ".", "-q",
            ],
            environment,
        )  # fmt: skip
        document = json.loads(report.read_text())
    examples = sum(document["examples"].values())
    failed = {
        normalised(label.removeprefix("test_api[").removesuffix("]"))
        for label, outcome in document["outcomes"].items()
        if outcome == "failed"
    }
    bugs = {normalised(endpoint) for endpoint in SEEDED_BUGS}
    found = len(bugs & failed)
    false = sorted(failed - bugs)
    return {"examples": examples, "seconds": seconds, "cpu": cpu, "found": found, "false": false}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rows = [
        ("restflow-testing fuzz", run_ours(options.max_examples, options.seed)),
        ("schemathesis (default checks)", run_schemathesis(options.max_examples, "default")),
        (
            "schemathesis (server errors only)",
            run_schemathesis(options.max_examples, "server_error"),
        ),
    ]
    ours = rows[0][1]
    wall_rate = float(ours["examples"]) / float(ours["seconds"])  # type: ignore[arg-type]
    cpu_rate = float(ours["examples"]) / float(ours["cpu"])  # type: ignore[arg-type]
    print(f"Seeded-bugs project, {options.max_examples} examples per endpoint, one run each")
    print(
        f"{'runner':<34} {'examples':>8} {'wall s':>7} {'ex/s':>6} {'ours is':>8} "
        f"{'CPU s':>6} {'ex/CPU s':>8} {'ours is':>8} {'bugs':>6} {'clean fails':>11}"
    )
    for name, row in rows:
        examples = float(row["examples"])  # type: ignore[arg-type]
        per_second = examples / float(row["seconds"])  # type: ignore[arg-type]
        per_cpu = examples / float(row["cpu"])  # type: ignore[arg-type]
        false: list[str] = row["false"]  # type: ignore[assignment]
        print(
            f"{name:<34} {row['examples']:>8} {row['seconds']:>7.1f} {per_second:>6.1f} "
            f"{wall_rate / per_second:>7.2f}x {row['cpu']:>6.1f} {per_cpu:>8.1f} "
            f"{cpu_rate / per_cpu:>7.2f}x {row['found']:>3}/{len(SEEDED_BUGS)} {len(false):>11}"
        )
    for name, row in rows:
        false = row["false"]  # type: ignore[assignment]
        if false:
            print(f"\n{name}: failures on endpoints without a seeded bug: {', '.join(false)}")


if __name__ == "__main__":
    main()
