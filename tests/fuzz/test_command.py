"""The command: options, exit statuses, progress, the summary table and the JSON report."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fuzz(
    *arguments: str, settings: str | None = "tests.project.settings"
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, "-m", "restflow_testing", "fuzz"]
    if settings is not None:
        command += ["--settings", settings]
    return subprocess.run(
        [*command, *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_clean_endpoints_exit_zero_with_progress_and_a_summary_table() -> None:
    done = fuzz(
        "--urlconf",
        "tests.fuzz.urls",
        "--include",
        "^(GET|POST) /restflow/articles/$",
        "--max-examples",
        "8",
        "--seed",
        "1",
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "[1/2] GET /restflow/articles/  " in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["Endpoint", "Examples", "Statuses", "Failures"]
    assert any(line.startswith("POST /restflow/articles/  ") for line in lines)
    assert lines[-1].startswith("2 endpoints, ")
    assert lines[-1].endswith("0 failures (seed 1)")


def test_failures_exit_one_and_the_json_report_has_the_documented_shape(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = fuzz(
        "--urlconf", "tests.fuzz.buggy_views",
        "--include", "divide", "--include", "staff-only",
        "--exclude", "teapot",
        "--max-examples", "40", "--seed", "7",
        "--json", str(report), "--no-progress",
    )  # fmt: skip

    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr == ""  # --no-progress
    document = json.loads(report.read_text())
    assert document["seed"] == 7
    assert [(e["method"], e["route"]) for e in document["endpoints"]] == [
        ("POST", "/buggy/divide/"),
        ("GET", "/buggy/staff-only/"),
    ]
    divide = document["endpoints"][0]
    assert divide["view"] == "tests.fuzz.buggy_views.DivideView"
    assert divide["examples"] == sum(divide["statuses"].values())
    failures = {f["check"]: f for f in document["failures"]}
    assert set(failures) == {"server_error", "auth_bypass"}
    assert failures["server_error"]["status"] is None
    assert failures["server_error"]["route"] == "/buggy/divide/"
    assert failures["auth_bypass"]["status"] == 200
    assert (
        "async def test_auth_bypass_get__buggy_staff_only(self)"
        in failures["auth_bypass"]["reproducer"]
    )
    assert set(failures["auth_bypass"]) == {
        "method",
        "route",
        "check",
        "status",
        "message",
        "reproducer",
    }
    assert "ZeroDivisionError" in done.stdout


def test_usage_and_configuration_errors_exit_two_without_a_traceback() -> None:
    cases = {
        ("--settings", "no.such.settings"): "settings module 'no.such.settings' cannot be imported",
        ("--urlconf", "no.such.urls"): "URLconf 'no.such.urls' cannot be imported",
        ("--include", "("): "--include '(' is not a regular expression",
        ("--include", "^NOTHING"): "no endpoint matches --include/--exclude",
        ("--max-examples", "0"): "must be at least 1",
    }
    for arguments, message in cases.items():
        settings = None if arguments[0] == "--settings" else "tests.project.settings"
        done = fuzz(*arguments, settings=settings)
        assert done.returncode == 2, (arguments, done.stderr)
        assert message in done.stderr, (arguments, done.stderr)
        assert "Traceback" not in done.stderr


def test_no_settings_at_all_is_a_usage_error() -> None:
    done = fuzz(settings=None)
    assert done.returncode == 2
    assert "pass --settings MODULE or set DJANGO_SETTINGS_MODULE" in done.stderr
