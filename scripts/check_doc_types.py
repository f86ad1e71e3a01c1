"""Type-check every Python block of README.md and docs/ as a module of its own.

Usage: ``python scripts/check_doc_types.py mypy|basedpyright [--into DIR] [MARKDOWN_FILE ...]``,
with the development environment's ``python`` and tools on PATH (check.py runs both checkers).
Each block is written to ``build/doc_blocks/`` (or ``DIR``) at its page's line numbers and
checked with the project's settings: mypy
--strict with the Django and DRF plugins (``mypy.ini``), basedpyright strict (``pyproject.toml``).
Errors are reported at the page and line of the block. Blocks marked ``<!-- docs-test: partial
(reason) -->`` (fragments) or ``<!-- docs-test: untyped (reason) -->`` are not checked;
``tests/doc_blocks.py`` holds the rules.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.doc_blocks import Block, as_module, type_checked_blocks  # noqa: E402

OUTPUT = ROOT / "build" / "doc_blocks"
CHECKERS = {
    "mypy": ["mypy", "--config-file", "mypy.ini", "--strict"],
    "basedpyright": ["basedpyright", "--project", "pyproject.toml"],
}


def main(arguments: list[str]) -> int:
    if not arguments or arguments[0] not in CHECKERS:
        print(__doc__)
        return 2
    checker, rest = arguments[0], arguments[1:]
    into = OUTPUT
    if rest[:1] == ["--into"] and len(rest) >= 2:
        into, rest = Path(rest[1]).resolve(), rest[2:]
    pages = [Path(page).resolve() for page in rest]
    files = write_modules(type_checked_blocks(pages or None), into)
    if not files:
        print(f"{checker}: no documentation blocks to check", flush=True)
        return 1
    completed = subprocess.run(
        [*CHECKERS[checker], *(str(path) for path in files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    print(on_pages(completed.stdout + completed.stderr, files), end="")
    print(f"{checker}: {len(files)} documentation blocks checked", flush=True)
    return completed.returncode


def write_modules(blocks: list[Block], into: Path) -> dict[Path, Block]:
    """Each block as ``<into>/docs_<page>_<line>.py``, in a directory emptied first."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    files: dict[Path, Block] = {}
    for block in blocks:
        path = into / f"docs_{block.slug}.py"
        path.write_text(as_module(block), encoding="utf-8")
        files[path] = block
    return files


def on_pages(report: str, files: dict[Path, Block]) -> str:
    """The checker's report with each generated file named by its page (same line numbers)."""
    for path, block in files.items():
        page = block.ident.rsplit(":", 1)[0]
        shown = [str(path)] + ([str(path.relative_to(ROOT))] if path.is_relative_to(ROOT) else [])
        for name in shown:
            report = re.sub(re.escape(name) + r"(?=[:\s])", page, report)
    return report


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
