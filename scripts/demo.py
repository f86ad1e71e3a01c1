"""The demo: the example bookshop API's property-based suite, on SQLite, with a summary.

Creates the development environment (.venv) if needed, then runs ``python -m examples.demo``
inside it. Extra arguments are passed on (``--max-examples N``, ``--verbosity 0|1|2``).
"""

from __future__ import annotations

import subprocess
import sys

from _env import DEV_ENV, ROOT, dev_install_command, environment


def main() -> int:
    python = environment(DEV_ENV)
    subprocess.run(dev_install_command(python), cwd=ROOT, check=True)
    return subprocess.run(
        [str(python), "-m", "examples.demo", *sys.argv[1:]], cwd=ROOT, check=False
    ).returncode


if __name__ == "__main__":
    sys.exit(main())
