"""The complete example the docs show (``examples/notes``) passes on its own settings, under
pytest and under Django's test runner, importing nothing of the suite's project."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "examples" / "notes"


def run(*command: str) -> subprocess.CompletedProcess[str]:
    # The example's own settings, not the suite's (pytest-django exports them to subprocesses).
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
        check=False,
    )


def test_the_example_imports_nothing_of_the_suite() -> None:
    for module in NOTES.rglob("*.py"):
        assert "tests.project" not in module.read_text(encoding="utf-8"), module


def test_the_example_passes_under_pytest(tmp_path: Path) -> None:
    ini = tmp_path / "pytest.ini"
    ini.write_text(
        "[pytest]\nDJANGO_SETTINGS_MODULE = examples.notes.settings\n"
        "asyncio_default_fixture_loop_scope = function\n",
        encoding="utf-8",
    )

    completed = run("-m", "pytest", "-p", "no:cacheprovider", "-c", str(ini), "--rootdir", ".",
                    "-v", "examples/notes/tests")  # fmt: skip

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "4 passed" in completed.stdout, completed.stdout


def test_the_example_passes_under_djangos_test_runner() -> None:
    completed = run(
        "-m", "django", "test", "examples.notes.tests", "--settings=examples.notes.settings"
    )  # fmt: skip

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Ran 3 tests" in completed.stderr, completed.stderr
