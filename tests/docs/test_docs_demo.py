"""The demo command the README advertises runs the example project's suite and reports it."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_runs_the_bookshop_suite_and_summarises_it() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "examples.demo",
            "--max-examples",
            "3",
            "--fuzz-examples",
            "10",
            "--verbosity",
            "0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output

    endpoints = re.search(r"Endpoints exercised: (\d+) \((\d+) requests\)", output)
    assert endpoints is not None, output
    assert int(endpoints[1]) >= 10
    for endpoint in ("POST /api/books/", "PATCH /api/books/{pk}/", "GET /api/catalogue/"):
        assert endpoint in output
    assert re.search(r"POST /api/books/ +.*400 x\d+", output), "invalid payloads were sent"
    assert re.search(r"POST /api/reviews/ +.*403 x\d+", output), "anonymous writes were refused"

    examples = re.search(r"Hypothesis examples: (\d+) across (\d+) property tests", output)
    assert examples is not None, output
    assert int(examples[2]) >= 10
    assert int(examples[1]) >= 3 * int(examples[2])

    tests = re.search(r"Tests: (\d+) run, (\d+) passed, 0 failed, 0 errors", output)
    assert tests is not None, output
    assert tests[1] == tests[2]
    assert "Outcome: PASSED" in output

    fuzzed = re.search(r"(\d+) endpoints, (\d+) examples, 0 failures \(seed 1\)", output)
    assert fuzzed is not None, output
    assert int(fuzzed[1]) == 20
    assert re.search(r"^POST /api/books/ +\d+ +.*201x\d+.* +-$", output, re.MULTILINE), output
