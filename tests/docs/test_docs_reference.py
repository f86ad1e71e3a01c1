"""The API reference documents every public name, and the site's navigation lists every page."""

import inspect
import re
from pathlib import Path

import restflow_testing
import restflow_testing.stateful
import restflow_testing.strategies

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"
_DIRECTIVE = re.compile(r"^:::\s+(?P<path>[\w.]+)\s*$", re.MULTILINE)


def _documented() -> set[str]:
    paths: set[str] = set()
    for page in REFERENCE.glob("*.md"):
        paths.update(match["path"] for match in _DIRECTIVE.finditer(page.read_text("utf-8")))
    return paths


def test_every_public_name_has_a_reference_entry() -> None:
    documented = {path.rsplit(".", 1)[-1] for path in _documented()}
    public = {
        *restflow_testing.__all__,
        *restflow_testing.strategies.__all__,
        # Hypothesis' own Bundle, consumes and multiple are re-exported, documented there.
        *(set(restflow_testing.stateful.__all__) - {"Bundle", "consumes", "multiple"}),
        "async_api_client",
        "async_api_rf",
    }
    assert public - documented == set()


def test_reference_entries_name_existing_objects() -> None:
    for path in _documented():
        module_name, _, attribute = path.rpartition(".")
        module = __import__(module_name, fromlist=[attribute])
        assert hasattr(module, attribute), path


def test_every_page_is_in_the_navigation() -> None:
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    pages = {page.relative_to(ROOT / "docs").as_posix() for page in (ROOT / "docs").rglob("*.md")}
    listed = set(re.findall(r"[\w/-]+\.md", config))
    assert pages - listed == set()


_SPHINX_ROLE = re.compile(r":(class|func|meth|data|mod|attr|exc|obj):`")


def _rendered_docstrings() -> dict[str, str]:
    """The docstrings the reference pages render: each documented object's, its own public
    methods' and the async hooks the test case pages list."""
    docstrings: dict[str, str] = {}
    for path in _documented():
        module_name, _, attribute = path.rpartition(".")
        documented = getattr(__import__(module_name, fromlist=[attribute]), attribute)
        docstrings[path] = inspect.getdoc(documented) or ""
        if inspect.isclass(documented):
            for name, member in inspect.getmembers(documented, inspect.isroutine):
                own = name in vars(documented) and not name.startswith("_")
                if own or name in ("asyncSetUp", "asyncTearDown", "addAsyncCleanup"):
                    docstrings[f"{path}.{name}"] = inspect.getdoc(member) or ""
    return docstrings


def test_cross_references_use_the_docs_syntax() -> None:
    # mkdocstrings renders Sphinx roles (:class:`X`) as literal text; [`X`][path] links.
    literal = sorted(
        path for path, text in _rendered_docstrings().items() if _SPHINX_ROLE.search(text)
    )
    assert literal == []
