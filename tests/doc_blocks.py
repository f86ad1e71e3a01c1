"""The fenced code blocks of the README and the documentation pages, and their markers.

Shared by the docs harness (``tests/docs/test_docs.py``, which runs the Python blocks) and
``scripts/check_doc_types.py`` (which type-checks them); ``docs/docs-tests.md`` states the rules.
"""

from __future__ import annotations

import ast
import inspect
import re
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import django

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_MARKER = re.compile(r"^\s*<!--\s*docs-test:(?P<body>.*?)-->\s*$")
_SKIP = re.compile(r"^\s*skip\s*\((?P<reason>[^)]*\S[^)]*)\)\s*$")
_PARTIAL = re.compile(r"^\s*partial\s*\((?P<reason>[^)]*\S[^)]*)\)\s*$")
_UNTYPED = re.compile(r"^\s*untyped\s*\((?P<reason>[^)]*\S[^)]*)\)\s*$")
_REQUIRES = re.compile(
    r"^\s*requires\s+Django\s*>=\s*(?P<major>\d+)\.(?P<minor>\d+)\s*\((?P<reason>[^)]*\S[^)]*)\)\s*$"
)
INCLUDE = re.compile(r"""^\s*--8<--\s*["'](?P<path>[^"']+)["']\s*$""")
_PYTHON = {"python", "py", "python3"}

Kind = Literal["skip", "include", "unittest", "pytest", "snippet"]


class DocExampleError(AssertionError):
    """A documentation example failed; the message says which block and why."""


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown page."""

    source: Path
    line: int
    """1-based line number of the block's first code line."""
    language: str
    code: str
    skip_reason: str | None = None
    """Why the harness only compiles the block (``skip``, ``partial``, ``requires``)."""
    typed: bool = True
    """Whether the type checkers read the block: not when marked ``partial`` (a fragment that
    uses names defined elsewhere, only compiled) or ``untyped`` (run, but its types are another
    library's to fix)."""

    @property
    def ident(self) -> str:
        try:
            shown = self.source.relative_to(ROOT)
        except ValueError:
            shown = self.source
        return f"{shown}:{self.line}"

    @property
    def slug(self) -> str:
        return re.sub(r"\W+", "_", self.ident).strip("_")

    def compiled(self) -> types.CodeType:
        """The block compiled with top-level ``await`` allowed, at its real line numbers."""
        padded = "\n" * (self.line - 1) + self.code
        try:
            code: types.CodeType = compile(
                padded,
                str(self.source),
                "exec",
                flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                dont_inherit=True,
            )
        except SyntaxError as error:
            raise DocExampleError(f"{self.ident}: the example does not compile: {error}") from None
        return code

    def kind(self) -> Kind:
        if self.skip_reason is not None:
            return "skip"
        lines = [line for line in self.code.splitlines() if line.strip()]
        if lines and all(INCLUDE.match(line) for line in lines):
            return "include"
        tree = ast.parse(self.code)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test_"
            ):
                return "pytest"
            if isinstance(node, ast.Assign) and any(  # test_api = fuzz_tests(...)
                isinstance(target, ast.Name) and target.id.startswith("test_")
                for target in node.targets
            ):
                return "pytest"
        if any(isinstance(node, ast.ClassDef) for node in tree.body):
            return "unittest"
        return "snippet"


def extract_blocks(path: Path, text: str | None = None) -> list[Block]:
    """The fenced code blocks of a Markdown file, with the skip marker that precedes each."""
    lines = (path.read_text(encoding="utf-8") if text is None else text).splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        info = opening["info"].strip()
        language = info.split()[0].lstrip("{.").rstrip("}").lower() if info else ""
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            stripped = lines[end].strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                break
            line = lines[end]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            end += 1
        else:
            raise DocExampleError(f"{path}:{index + 1}: code fence is never closed")
        skip_reason, typed = _markers(path, lines, index)
        blocks.append(
            Block(
                source=path,
                line=index + 2,
                language=language,
                code="\n".join(body) + "\n",
                skip_reason=skip_reason,
                typed=typed,
            )
        )
        index = end + 1
    return blocks


def _markers(path: Path, lines: list[str], fence_index: int) -> tuple[str | None, bool]:
    """The skip reason and whether the block is type-checked, from the marker lines just
    above the fence (one marker per line; blank lines between them and the fence allowed)."""
    skip_reason: str | None = None
    typed = True
    previous = fence_index - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    while previous >= 0 and (marker := _MARKER.match(lines[previous])) is not None:
        body = marker["body"]
        if (skip := _SKIP.match(body)) is not None:
            skip_reason = skip["reason"].strip()
        elif (partial := _PARTIAL.match(body)) is not None:
            skip_reason, typed = f"partial: {partial['reason'].strip()}", False
        elif _UNTYPED.match(body) is not None:
            typed = False
        elif (requires := _REQUIRES.match(body)) is not None:
            needed = (int(requires["major"]), int(requires["minor"]))
            if django.VERSION[:2] < needed:
                reason = requires["reason"].strip()
                skip_reason = f"needs Django {needed[0]}.{needed[1]}+: {reason}"
        else:
            raise DocExampleError(
                f"{path}:{previous + 1}: unknown docs-test marker {lines[previous].strip()!r}; "
                "the markers are <!-- docs-test: skip (reason) -->, <!-- docs-test: partial "
                "(reason) -->, <!-- docs-test: untyped (reason) --> and <!-- docs-test: "
                "requires Django >= X.Y (reason) -->, each with a reason"
            )
        previous -= 1
    return skip_reason, typed


def doc_sources() -> list[Path]:
    sources = sorted(DOCS.rglob("*.md"))
    readme = ROOT / "README.md"
    if readme.exists():
        sources.append(readme)
    return sources


def python_blocks(sources: list[Path] | None = None) -> list[Block]:
    """The Python blocks of ``sources`` (by default the README and every page of docs/)."""
    return [
        block
        for source in (doc_sources() if sources is None else sources)
        for block in extract_blocks(source)
        if block.language in _PYTHON
    ]


def type_checked_blocks(sources: list[Path] | None = None) -> list[Block]:
    """The Python blocks the type checkers read: all but includes (the included files are
    checked where they live) and those marked ``partial`` or ``untyped``."""
    return [block for block in python_blocks(sources) if block.typed and block.kind() != "include"]


def as_module(block: Block) -> str:
    """The block as a module for the type checkers, at the page's own line numbers.

    A block with top-level ``await`` (a snippet the harness runs as a coroutine) becomes the
    body of an ``async def`` declared on the line before it.
    """
    padding = "\n" * (block.line - 1)
    if block.compiled().co_flags & inspect.CO_COROUTINE:
        indented = "".join(
            f"    {line}" if line.strip() else line for line in block.code.splitlines(True)
        )
        return padding[:-1] + "async def docs_example() -> None:\n" + indented
    return padding + block.code
