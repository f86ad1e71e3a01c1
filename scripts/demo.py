"""The demo: the example bookshop API's property-based suite, on SQLite, with a summary.

Creates the development environment (.venv) if needed, then runs ``python -m examples.demo``
inside it. Extra arguments are passed on (``--max-examples N``, ``--verbosity 0|1|2``).
"""

from __future__ import annotations

import subprocess
import sys

from _env import DEV_ENV, ROOT, dev_install_command, environment


def main() -> int:
    first_run = not (DEV_ENV / "bin" / "python").exists()
    python = environment(DEV_ENV)
    if first_run:
        say(
            "Installing restflow-testing with Django, Django REST framework, Hypothesis and the "
            "development tools into .venv, at the versions pinned in constraints/dev.txt. This "
            "first run takes a few minutes; later runs reuse .venv and start in seconds."
        )
    else:
        say("Checking that .venv has the pinned versions (a few seconds).")
    subprocess.run(dev_install_command(python), cwd=ROOT, check=True)
    say("Running the bookshop example's property-based suite on an in-memory SQLite database.")
    return subprocess.run(
        [str(python), "-m", "examples.demo", *sys.argv[1:]], cwd=ROOT, check=False
    ).returncode


def say(message: str) -> None:
    print(f"=== {message}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
