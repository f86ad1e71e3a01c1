"""Create the project's virtual environments from nothing but python3 and pip."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_ENV = ROOT / ".venv"
DEV_CONSTRAINTS = ROOT / "constraints" / "dev.txt"


def environment(path: Path) -> Path:
    """The python of the virtual environment at ``path``, created (with pip) when missing."""
    python = path / "bin" / "python"
    if not python.exists():
        print(f"=== creating the virtual environment {path.name}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(path)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    return python


def dev_install_command(python: Path) -> list[str]:
    """Install the package (editable) with its ``dev`` extra, at the pinned tool versions."""
    return [
        str(python), "-m", "pip", "install", "-q", "-e", ".[dev]", "-c", str(DEV_CONSTRAINTS),
    ]  # fmt: skip
