"""The fuzz command's ``--stateful``: a CRUD state machine per router viewset, whose failures are
reported with the check ``stateful``, the broken invariant and a reproducer."""

import json
from pathlib import Path

from tests.fuzz.test_command import fuzz


def test_stateful_finds_the_destroy_that_keeps_its_row(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = fuzz(
        "--urlconf", "tests.stateful.command_urls",
        "--include", "^GET /stateful/owned/$",
        "--max-examples", "8", "--seed", "3",
        "--stateful", "--json", str(report),
    )  # fmt: skip

    assert done.returncode == 1, done.stdout + done.stderr
    assert "CRUD /stateful/destroy-keeps-row/: " in done.stderr
    table = done.stdout.splitlines()
    assert any(line.startswith("CRUD /stateful/owned/ ") and line.endswith("-") for line in table)
    assert any(
        line.startswith("CRUD /stateful/destroy-keeps-row/ ") and line.endswith("stateful")
        for line in table
    )
    document = json.loads(report.read_text())
    assert [entry["route"] for entry in document["stateful"]] == [
        "/stateful/owned/",
        "/stateful/destroy-keeps-row/",
    ]
    failures = [failure for failure in document["failures"] if failure["check"] == "stateful"]
    assert len(failures) == 1, [failure["message"] for failure in failures]
    failure = failures[0]
    assert (failure["method"], failure["route"], failure["status"]) == (
        "CRUD",
        "/stateful/destroy-keeps-row/",
        None,
    )
    assert "after destroy, retrieve answers 404" in failure["message"]
    assert "def test_" in failure["reproducer"]
    assert "destroy" in failure["reproducer"]
