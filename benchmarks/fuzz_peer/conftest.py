"""Records what schemathesis ran: examples per operation and each operation's outcome."""

import json
import os
import sys
from collections import Counter

import pytest

OUTCOMES: dict[str, str] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        # schemathesis reports each API operation as a sub-test of the one test function.
        label = str(getattr(report, "context", None) or report.head_line or report.nodeid)
        OUTCOMES[label] = report.outcome


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get("FUZZ_PEER_REPORT")
    module = sys.modules.get("benchmarks.fuzz_peer.test_schemathesis") or sys.modules.get(
        "test_schemathesis"
    )
    examples: Counter[str] = getattr(module, "EXAMPLES", Counter())
    if path:
        with open(path, "w") as out:
            json.dump({"examples": dict(examples), "outcomes": OUTCOMES}, out)
