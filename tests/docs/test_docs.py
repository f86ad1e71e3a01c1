"""Every Python example in the documentation runs here, so a doc example that breaks fails CI.

The harness reads the fenced ``python`` blocks of ``docs/**/*.md`` and ``README.md`` and runs
each one according to what it contains (``docs/docs-tests.md`` states the rules for authors):

* a block defining ``unittest.TestCase`` subclasses is executed as a module and its tests run with
  unittest's runner against the suite's project and test database; at least one test must run
  and all must pass;
* a block with module-level ``test_*`` functions (or ``test_*`` names assigned one) is run by
  pytest in a subprocess (the package's
  plugin loads through its entry point); at least one test must pass and none may fail;
* a block that only includes a file (``--8<-- "path"``) must name an existing file;
* any other block is a snippet, run as a coroutine (top-level ``await`` allowed) inside a
  database transaction that is rolled back;
* a block preceded by ``<!-- docs-test: skip (reason) -->`` or ``<!-- docs-test: partial
  (reason) -->`` is only compiled, and so is one preceded by ``<!-- docs-test: requires Django
  >= X.Y (reason) -->`` on older Django.

``scripts/check_doc_types.py`` type-checks the same blocks with mypy --strict and basedpyright,
all but those marked ``partial`` or ``untyped``; ``tests/doc_blocks.py`` reads the blocks and
their markers for both.

Code is compiled with the Markdown file as its file name and the block's own line numbers, so a
traceback points at the line of the page that failed.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import linecache
import os
import re
import shutil
import subprocess
import sys
import types
import unittest
import xml.etree.ElementTree as ElementTree
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from pytest_django import DjangoDbBlocker

from tests.doc_blocks import (
    INCLUDE,
    ROOT,
    Block,
    DocExampleError,
    Kind,
    as_module,
    extract_blocks,
    python_blocks,
)

BLOCKS = python_blocks()


# Running blocks ------------------------------------------------------------------------------


@contextlib.contextmanager
def _block_as_source(block: Block) -> Generator[None]:
    """Within the block, ``inspect`` reads the page's file as the block's code at its own line
    numbers (a Markdown page does not parse as Python; Hypothesis' state machines ask for the
    source of their class)."""
    filename = str(block.source)
    padded = ("\n" * (block.line - 1) + block.code).splitlines(keepends=True)
    previous = linecache.cache.get(filename)
    linecache.cache[filename] = (len("".join(padded)), None, padded, filename)
    try:
        yield
    finally:
        if previous is None:
            linecache.cache.pop(filename, None)
        else:
            linecache.cache[filename] = previous


def _new_module(block: Block) -> types.ModuleType:
    module = types.ModuleType(f"docs_examples.{block.slug}")
    module.__file__ = str(block.source)
    sys.modules[module.__name__] = module
    return module


def _execute(block: Block, module: types.ModuleType) -> None:
    code = block.compiled()
    namespace: dict[str, Any] = module.__dict__
    if code.co_flags & inspect.CO_COROUTINE:

        async def run() -> None:
            awaitable: Any = eval(code, namespace)
            await awaitable

        async_to_sync(run)()
    else:
        exec(code, namespace)


def _test_cases_of(module: types.ModuleType) -> list[type[unittest.TestCase]]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, unittest.TestCase)
        and value.__module__ == module.__name__
    ]


def run_snippet(block: Block) -> None:
    """Run a snippet; the caller provides the database transaction."""
    module = _new_module(block)
    try:
        _execute(block, module)
    except DocExampleError:
        raise
    except Exception as error:
        raise DocExampleError(f"{block.ident}: the snippet raised {error!r}") from error
    finally:
        sys.modules.pop(module.__name__, None)


def run_unittest_block(block: Block, django_db_blocker: DjangoDbBlocker) -> unittest.TestResult:
    """Execute the block as a module and run the test cases it defines."""
    with _block_as_source(block):
        return _run_unittest_block(block, django_db_blocker)


def _run_unittest_block(block: Block, django_db_blocker: DjangoDbBlocker) -> unittest.TestResult:
    module = _new_module(block)
    try:
        try:
            _execute(block, module)
        except Exception as error:
            raise DocExampleError(f"{block.ident}: the example raised {error!r}") from error
        cases = _test_cases_of(module)
        if not cases:
            raise DocExampleError(f"{block.ident}: the example defines no unittest.TestCase")
        suite = unittest.TestSuite(
            unittest.defaultTestLoader.loadTestsFromTestCase(case) for case in cases
        )
        stream = io.StringIO()
        with django_db_blocker.unblock():
            result = unittest.TextTestRunner(stream=stream, verbosity=2).run(suite)
        if result.testsRun == 0:
            raise DocExampleError(f"{block.ident}: the example's test cases hold no test")
        if not result.wasSuccessful() or result.skipped:
            raise DocExampleError(f"{block.ident}: the example's tests failed\n{stream.getvalue()}")
        return result
    finally:
        sys.modules.pop(module.__name__, None)


def check_include(block: Block) -> None:
    for line in block.code.splitlines():
        included = INCLUDE.match(line)
        if included is not None and not (ROOT / included["path"]).is_file():
            raise DocExampleError(f"{block.ident}: included file {included['path']} is missing")


@dataclass(frozen=True)
class PytestOutcome:
    passed: int
    failed: int
    report: str


_SUITE_HYPOTHESIS_PROFILE = """\
from hypothesis import settings

settings.register_profile("suite", deadline=None)
settings.load_profile("suite")
"""


def run_pytest_blocks(blocks: list[Block], directory: Path) -> dict[str, PytestOutcome]:
    """Run the pytest-style blocks in one pytest subprocess; outcomes by block ident.

    The run uses the suite's Hypothesis settings (no deadlines on shared, noisy machines), as the
    blocks the suite runs in-process do.
    """
    (directory / "conftest.py").write_text(_SUITE_HYPOTHESIS_PROFILE, encoding="utf-8")
    files: dict[str, Block] = {}
    for block in blocks:
        name = f"test_{block.slug}.py"
        (directory / name).write_text("\n" * (block.line - 1) + block.code, encoding="utf-8")
        files[name] = block
    junit = directory / "junit.xml"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(ROOT),
            # The suite's Hypothesis profile: no deadlines on shared, noisy CI machines.
            "-p",
            "tests.conftest",
            "-o",
            "junit_family=xunit1",
            "--continue-on-collection-errors",
            f"--junitxml={junit}",
            *(str(directory / name) for name in files),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = completed.stdout + completed.stderr
    counts: dict[str, list[int]] = {name: [0, 0] for name in files}
    if junit.exists():
        for case in ElementTree.parse(junit).getroot().iter("testcase"):
            owner = _owning_file(case, list(files)) or _assigning_file(case, files)
            if owner is None:
                continue
            bad = any(case.find(tag) is not None for tag in ("failure", "error", "skipped"))
            counts[owner][1 if bad else 0] += 1
    return {
        files[name].ident: PytestOutcome(passed=passed, failed=failed, report=report)
        for name, (passed, failed) in counts.items()
    }


def _assigning_file(case: ElementTree.Element, files: dict[str, Block]) -> str | None:
    """The generated file that assigned the test a helper made (``test_api = fuzz_tests()``):
    junit files such a test under the helper's source, so it is found by its name."""
    test = case.get("name", "").split("[", 1)[0]
    owners = [
        name
        for name, block in files.items()
        if re.search(rf"^{re.escape(test)}\s*=", block.code, re.MULTILINE)
    ]
    return owners[0] if len(owners) == 1 else None


def _owning_file(case: ElementTree.Element, names: list[str]) -> str | None:
    """The generated file a junit test case (or collection error) belongs to."""
    texts = [case.get("file", ""), case.get("classname", ""), case.get("name", "")]
    texts += [child.get("message", "") + (child.text or "") for child in case]
    for text in texts:
        for name in names:
            if name in text:
                return name
    return None


# The tests -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pytest_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PytestOutcome]:
    blocks = [block for block in BLOCKS if block.kind() == "pytest"]
    directory = tmp_path_factory.mktemp("docs_pytest_blocks")
    return run_pytest_blocks(blocks, directory) if blocks else {}


def _of_kind(*kinds: Kind) -> pytest.MarkDecorator:
    chosen = [block for block in BLOCKS if block.kind() in kinds]
    return pytest.mark.parametrize("block", chosen, ids=[block.ident for block in chosen])


@_of_kind("snippet")
def test_doc_snippet(block: Block, db: None) -> None:
    run_snippet(block)


# transaction=True: pytest-django sets the test database up and leaves transactions to the
# example's own test cases (a TransactionTestCase cannot run inside an outer atomic block).
@_of_kind("unittest")
@pytest.mark.django_db(transaction=True)
def test_doc_test_case(block: Block, django_db_blocker: DjangoDbBlocker) -> None:
    run_unittest_block(block, django_db_blocker)


@_of_kind("pytest")
def test_doc_pytest_module(block: Block, pytest_outcomes: dict[str, PytestOutcome]) -> None:
    outcome = pytest_outcomes[block.ident]
    if outcome.failed or not outcome.passed:
        raise DocExampleError(
            f"{block.ident}: {outcome.passed} passed, {outcome.failed} failed\n{outcome.report}"
        )


@_of_kind("include")
def test_doc_include(block: Block) -> None:
    check_include(block)


@_of_kind("skip")
def test_doc_skipped_block_compiles(block: Block) -> None:
    block.compiled()


def test_every_block_compiles() -> None:
    for block in BLOCKS:
        if block.kind() != "include":
            block.compiled()


# The harness itself --------------------------------------------------------------------------


def _block(code: str, *, marker: str = "") -> Block:
    text = f"{marker}\n```python\n{code}```\n"
    (block,) = extract_blocks(ROOT / "docs" / "virtual.md", text)
    return block


def test_the_docs_have_examples_of_every_kind() -> None:
    kinds = {block.kind() for block in BLOCKS}
    assert {"unittest", "pytest", "snippet", "include"} <= kinds, kinds
    assert len(BLOCKS) >= 30


def test_extraction_reads_fences_languages_and_markers() -> None:
    text = (
        "Intro\n\n```bash\necho hi\n```\n\n<!-- docs-test: skip (needs a browser) -->\n"
        "```python\nimport this_does_not_exist\n```\n\n!!! note\n    ```py\n    x = 1\n    ```\n"
    )
    bash, skipped, indented = extract_blocks(ROOT / "docs" / "virtual.md", text)
    assert (bash.language, bash.line, bash.code) == ("bash", 4, "echo hi\n")
    assert (skipped.kind(), skipped.skip_reason) == ("skip", "needs a browser")
    assert (indented.language, indented.code, indented.line) == ("py", "x = 1\n", 14)


def test_a_marker_without_a_reason_is_refused() -> None:
    with pytest.raises(DocExampleError, match="reason"):
        _block("x = 1\n", marker="<!-- docs-test: skip -->")


def test_a_skipped_block_must_still_compile() -> None:
    block = _block("def broken(:\n", marker="<!-- docs-test: skip (illustration) -->")
    with pytest.raises(DocExampleError, match="does not compile"):
        block.compiled()


@pytest.mark.django_db
def test_a_failing_snippet_fails_the_harness() -> None:
    block = _block("import asyncio\nawait asyncio.sleep(0)\nassert 1 + 1 == 3\n")
    assert block.kind() == "snippet"
    with pytest.raises(DocExampleError, match=r"virtual\.md:3"):
        run_snippet(block)


@pytest.mark.django_db
def test_snippets_run_top_level_await_against_the_suite_views() -> None:
    block = _block(
        "from django.test import AsyncClient\n"
        "response = await AsyncClient().get('/django/echo/', {'q': 'x'})\n"
        "assert response.json()['query'] == {'q': ['x']}\n"
    )
    run_snippet(block)


@pytest.mark.django_db(transaction=True)
def test_a_failing_test_case_fails_the_harness(django_db_blocker: DjangoDbBlocker) -> None:
    block = _block(
        "from django.test import TestCase\n\n"
        "class Wrong(TestCase):\n"
        "    def test_arithmetic(self) -> None:\n"
        "        self.assertEqual(1 + 1, 3)\n"
    )
    assert block.kind() == "unittest"
    with pytest.raises(DocExampleError, match="tests failed"):
        run_unittest_block(block, django_db_blocker)


@pytest.mark.django_db(transaction=True)
def test_a_block_with_classes_but_no_test_case_fails_the_harness(
    django_db_blocker: DjangoDbBlocker,
) -> None:
    block = _block("class NotATest:\n    pass\n")
    with pytest.raises(DocExampleError, match=r"no unittest\.TestCase"):
        run_unittest_block(block, django_db_blocker)


def test_a_failing_pytest_block_fails_the_harness(tmp_path: Path) -> None:
    good = _block("def test_good() -> None:\n    assert True\n")
    bad = Block(
        source=ROOT / "docs" / "other.md",
        line=2,
        language="python",
        code="def test_bad() -> None:\n    assert 1 == 2\n",
    )
    broken = Block(
        source=ROOT / "docs" / "third.md",
        line=2,
        language="python",
        code="import no_such_module\n\ndef test_never_collected() -> None:\n    pass\n",
    )
    outcomes = run_pytest_blocks([good, bad, broken], tmp_path)
    assert (outcomes[good.ident].passed, outcomes[good.ident].failed) == (1, 0)
    assert (outcomes[bad.ident].passed, outcomes[bad.ident].failed) == (0, 1)
    assert (outcomes[broken.ident].passed, outcomes[broken.ident].failed) == (0, 1)


def test_a_missing_include_fails_the_harness() -> None:
    block = _block('--8<-- "examples/no/such/file.py"\n')
    assert block.kind() == "include"
    with pytest.raises(DocExampleError, match="missing"):
        check_include(block)


def test_markers_say_what_is_run_and_what_is_type_checked() -> None:
    text = (
        "<!-- docs-test: partial (a fragment) -->\n```python\nx.y = 1\n```\n\n"
        "<!-- docs-test: skip (needs a service) -->\n"
        "<!-- docs-test: untyped (another library's types) -->\n"
        "```python\nimport requests\n```\n\n"
        "<!-- docs-test: untyped (another library's types) -->\n```python\nvalue = 1\n```\n\n"
        "```python\nvalue: int = 1\n```\n"
    )
    partial, skipped_untyped, untyped, plain = extract_blocks(ROOT / "docs" / "virtual.md", text)
    assert (partial.kind(), partial.typed) == ("skip", False)
    assert (skipped_untyped.skip_reason, skipped_untyped.typed) == ("needs a service", False)
    assert (untyped.kind(), untyped.typed) == ("snippet", False)
    assert (plain.kind(), plain.typed) == ("snippet", True)


def test_a_block_with_top_level_await_is_type_checked_as_a_coroutine_body() -> None:
    block = _block("import asyncio\n\nawait asyncio.sleep(0)\n")
    module = as_module(block)
    assert module.splitlines()[block.line - 2 :] == [
        "async def docs_example() -> None:",
        "    import asyncio",
        "",
        "    await asyncio.sleep(0)",
    ]
    assert as_module(_block("x: int = 1\n")).splitlines()[-1] == "x: int = 1"


@pytest.mark.parametrize("checker", ["mypy", "basedpyright"])
def test_the_type_check_of_the_docs_fails_on_a_wrong_example(checker: str, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\n```python\nfrom restflow_testing import AsyncAPIClient\n\n"
        "client = AsyncAPIClient()\nresponse = await client.get('/drf/echo/')\n"
        "title: int = response.json(as_type=dict[str, str])['title']\n```\n",
        encoding="utf-8",
    )
    bin_dir = Path(sys.executable).parent
    if shutil.which(checker, path=str(bin_dir)) is None:
        pytest.skip(f"{checker} is not installed in this environment (only in the dev one)")
    completed = subprocess.run(
        [
            sys.executable,
            "scripts/check_doc_types.py",
            checker,
            "--into",
            str(tmp_path / "blocks"),
            str(page),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert completed.returncode != 0, completed.stdout
    # Reported at the page's own line (8), the assignment of a str to an int.
    assert re.search(rf"{re.escape(str(page))}:8(: |:\d+ - )error", completed.stdout), (
        completed.stdout
    )
