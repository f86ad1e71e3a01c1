"""Django's and DRF's own client tests, ported to await an async client, run with Django's
``AsyncClient`` and with the library's ``AsyncAPIClient``.

Run from the repository root (the development environment has what it needs)::

    .venv/bin/python benchmarks/conformance/run.py [--show-failures]

It downloads the source distributions of the installed Django and DRF from the package index
(kept in ``benchmarks/conformance/.cache``), takes Django's ``tests/test_client`` and
``tests/test_client_regress`` and DRF's ``tests/test_testing.py``, ports the test modules
mechanically (``_port``: the same text for every client) and runs each suite three ways, each in
a process of its own:

* ``sync``: the modules as published, with their own sync ``Client``/``APIClient`` (this checks
  the harness: these should pass);
* ``django``: ported, with Django's ``AsyncClient``/``AsyncRequestFactory`` under Django's test
  cases;
* ``restflow``: ported, with ``AsyncAPIClient``/``AsyncAPIRequestFactory`` under the library's
  test cases.

It prints a table of the tests passed by each and exits with 1 when a ported test passes with
Django's ``AsyncClient`` and not with ``AsyncAPIClient``, naming each, unless it is one of the
differences kept by design (``DELIBERATE``, printed with the reason).
"""

import argparse
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
VARIANTS = ("sync", "django", "restflow")
PIP_DOWNLOAD = (sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:")
DJANGO_MEMBERS = ("tests/test_client/", "tests/test_client_regress/", "tests/templates/")
DRF_MEMBERS = ("tests/test_testing.py",)
PORTED_MODULES = ("test_client/tests.py", "test_client_regress/tests.py", "tests/test_testing.py")
DELIBERATE = {
    "test_client.tests.ClientTest.test_put": (
        "put() encodes data as DRF's APIClient does (multipart by default, or format=), where "
        "Django's client sends str(data) as application/octet-stream"
    ),
    "test_client.tests.AsyncClientTest.test_follow_parameter_not_implemented": (
        "follow=True is implemented (Django 4.2's AsyncClient raises NotImplementedError)"
    ),
}
"""Tests the library fails on purpose, and why (kept as they are by design)."""
SUITE_TITLES = {
    "Django tests/test_client": "test_client.",
    "Django tests/test_client_regress": "test_client_regress.",
    "DRF tests/test_testing.py": "tests.test_testing.",
}


def source_distribution(project: str) -> Path:
    """The sdist of the installed version of ``project``, downloaded once into the cache."""
    version = importlib.metadata.version(project)
    CACHE.mkdir(exist_ok=True)
    prefix = f"{project.lower()}-{version}."
    found = [p for p in CACHE.glob("*.tar.gz") if p.name.lower().startswith(prefix)]
    if not found:
        subprocess.run(
            [*PIP_DOWNLOAD, "--dest", str(CACHE), f"{project}=={version}"],
            check=True,
        )
        found = [p for p in CACHE.glob("*.tar.gz") if p.name.lower().startswith(prefix)]
    return found[0]


def extract(archive: Path, members: tuple[str, ...], tree: Path, strip_tests: bool) -> None:
    """Copy the ``members`` (paths under the sdist's root) into ``tree``."""
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            inner = member.name.split("/", 1)[1] if "/" in member.name else ""
            if not member.isfile() or not inner.startswith(members):
                continue
            target = tree / (inner.removeprefix("tests/") if strip_tests else inner)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is not None:
                target.write_bytes(source.read())


def build_tree(variant: str) -> Path:
    """The test packages of both suites for ``variant``, ported unless it is ``sync``."""
    from _port import port_module

    tree = CACHE / "trees" / variant
    shutil.rmtree(tree, ignore_errors=True)
    extract(source_distribution("Django"), DJANGO_MEMBERS, tree, strip_tests=True)
    extract(source_distribution("djangorestframework"), DRF_MEMBERS, tree, strip_tests=False)
    (tree / "tests" / "__init__.py").write_text("")
    if variant != "sync":
        for module in PORTED_MODULES:
            path = tree / module
            path.write_text(port_module(path.read_text(encoding="utf-8")), encoding="utf-8")
    return tree


def run_suite(suite: str, variant: str, tree: Path) -> dict[str, list[str]]:
    out = tree / f"outcomes-{suite}.json"
    subprocess.run(
        [sys.executable, str(HERE / "_runner.py"), suite, variant, str(tree), str(out)],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not out.exists():
        raise SystemExit(f"{suite} tests with {variant}: no outcomes; run _runner.py by hand")
    outcomes: dict[str, list[str]] = json.loads(out.read_text())
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-failures", action="store_true", help="list each variant's failures")
    options = parser.parse_args()
    sys.path.insert(0, str(HERE))
    results = {variant: {} for variant in VARIANTS}
    for variant in VARIANTS:
        tree = build_tree(variant)
        for suite in ("django", "drf"):
            results[variant].update(run_suite(suite, variant, tree))
    return report(results, options.show_failures)


def _passed(outcomes: dict[str, list[str]], test_id: str) -> bool:
    return outcomes.get(test_id, ["fail"])[0] == "pass"


def report(results: dict[str, dict[str, list[str]]], show_failures: bool) -> int:
    test_ids = sorted(set().union(*results.values()))
    print(
        "| suite | tests | sync clients (as published) "
        "| Django's AsyncClient (ported) | AsyncAPIClient (ported) |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for title, prefix in SUITE_TITLES.items():
        ids = [t for t in test_ids if t.startswith(prefix)]
        counts = " | ".join(str(sum(_passed(results[v], t) for t in ids)) for v in VARIANTS)
        print(f"| {title} | {len(ids)} | {counts} |")
    django, restflow = results["django"], results["restflow"]
    lost = [t for t in test_ids if _passed(django, t) and not _passed(restflow, t)]
    gained = [t for t in test_ids if _passed(restflow, t) and not _passed(django, t)]
    print(f"\nPassed with AsyncAPIClient only: {len(gained)}; with AsyncClient only: {len(lost)}")
    if show_failures:
        for variant in VARIANTS:
            print(f"\nFailed with {variant}:")
            for test_id in test_ids:
                if not _passed(results[variant], test_id):
                    outcome, error = results[variant].get(test_id, ["missing", ""])
                    print(f"  {test_id} [{outcome}] {error}")
    for test_id in lost:
        if test_id in DELIBERATE:
            print(f"By design: {test_id}: {DELIBERATE[test_id]}")
        else:
            print(f"FAIL: passes with AsyncClient only: {test_id}: {restflow.get(test_id)}")
    return 1 if set(lost) - DELIBERATE.keys() else 0


if __name__ == "__main__":
    sys.exit(main())
