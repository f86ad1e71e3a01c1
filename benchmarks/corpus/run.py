"""The serializer corpus: every public serializer class of a set of packages from the package
index, drawn with ``from_serializer`` and ``invalid_from_serializer``.

Run from the repository root, after ``pip install -r benchmarks/corpus/requirements.txt``::

    .venv/bin/python benchmarks/corpus/run.py [--examples 40] [--rounds 3] [--compare OTHER_SRC]

Per package: the classes found, those whose valid payloads build and draw, those that raise a
named error of the library (the fix in its message), other errors, the share of drawn payloads
a fresh serializer accepts, the share of invalid payloads it rejects, and the median examples
per second over the classes that draw (each class's median over the rounds). ``--compare`` runs
the same corpus with another copy of the library's source (the main branch's ``src``, say) in
the same invocation, the sides alternating round by round, and prints per package the median of
the per-class speed ratios over the classes both draw.
"""

import argparse
import dataclasses
import importlib
import json
import os
import pkgutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

PACKAGES = {
    "rest_framework": "DRF",
    "dj_rest_auth": "dj-rest-auth",
    "djoser": "djoser",
    "rest_framework_simplejwt": "djangorestframework-simplejwt",
    "knox": "django-rest-knox",
    "drf_spectacular": "drf-spectacular",
    "drf_writable_nested": "drf-writable-nested",
    "rest_framework_dataclasses": "djangorestframework-dataclasses",
}
READMES = {
    "drf_writable_nested": ("ProfileSerializer", "PersonSerializer", "TaskSerializer"),
    "rest_framework_dataclasses": ("HumanSerializer", "AddressSerializer", "AccountSerializer"),
}
NAMED = (
    "UnsupportedFieldError",
    "NoRowsError",
    "SerializerError",
    "UnsatisfiableSerializerError",
)


@dataclasses.dataclass
class Outcome:
    package: str
    name: str
    drew: bool = False
    error: str = ""
    named: bool = False
    payloads: int = 0
    valid: int = 0
    invalid_payloads: int = 0
    rejected: int = 0
    per_second: float = 0.0


def _setup(src: str) -> None:
    sys.path.insert(0, src)
    sys.path.insert(1, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.corpus.settings"
    import django
    from django.core.management import call_command

    django.setup()
    warnings.simplefilter("ignore")
    call_command("migrate", run_syncdb=True, verbosity=0)
    from django.contrib.auth.models import User

    User.objects.create_user("ada", "ada@example.com", "correct-horse-battery", is_staff=True)
    User.objects.create_user("grace", "grace@example.com", "another-long-secret")


def _classes() -> list[tuple[str, type[Any]]]:
    from rest_framework import serializers

    found: list[tuple[str, type[Any]]] = []
    for root in PACKAGES:
        package = importlib.import_module(root)
        modules = [root] + [
            info.name for info in pkgutil.walk_packages(package.__path__, f"{root}.")
        ]
        seen: set[type[Any]] = set()
        for name in modules:
            if ".tests" in name or ".migrations" in name:
                continue
            try:
                module = importlib.import_module(name)
            except Exception:  # optional extras that are not installed (webauthn, ...)
                continue
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, serializers.BaseSerializer)
                    and not issubclass(value, serializers.ListSerializer)
                    and value.__module__.startswith(root)
                    and value not in seen
                ):
                    seen.add(value)
                    found.append((root, value))
        if root in READMES:
            readme = importlib.import_module("benchmarks.corpus.readme_app.serializers")
            found.extend((root, getattr(readme, name)) for name in READMES[root])
    return found


def _data(payload: Any) -> Any:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import QueryDict

    if isinstance(payload, dict) and any(
        isinstance(value, UploadedFile) or "." in key or "[" in key
        for key, value in payload.items()
    ):
        data = QueryDict(mutable=True)
        for key, value in payload.items():
            if isinstance(value, list):
                data.setlist(key, value)
            else:
                data[key] = value
        return data
    return payload


def _accepted(cls: type[Any], payload: Any) -> bool:
    try:
        return bool(cls(data=_data(payload)).is_valid())
    except Exception:
        return False


def _error(exc: BaseException) -> tuple[str, bool]:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc)
    name = f"{type(exc).__name__}: {text[:150]}"
    named = any(kind.__name__ in NAMED for kind in type(exc).__mro__) or (
        isinstance(exc, TypeError | ValueError) and "_serializer()" in text.split(" ")[0]
    )
    return name, named


def _draw(strategy: Any, examples: int) -> tuple[list[Any], float]:
    from hypothesis import HealthCheck, Phase, given, settings

    drawn: list[Any] = []

    @settings(
        max_examples=examples,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(strategy)
    def run(payload: Any) -> None:
        drawn.append(payload)

    started = time.perf_counter()
    run()
    return drawn, time.perf_counter() - started


def _measure(root: str, cls: type[Any], examples: int) -> Outcome:
    from django.db import transaction

    from restflow_testing import strategies

    outcome = Outcome(PACKAGES[root], f"{cls.__module__}.{cls.__qualname__}")
    with transaction.atomic():
        try:
            payloads, seconds = _draw(strategies.from_serializer(cls), examples)
            outcome.drew = True
            outcome.payloads = len(payloads)
            outcome.valid = sum(_accepted(cls, payload) for payload in payloads)
            outcome.per_second = len(payloads) / seconds if seconds else 0.0
            bad, _ = _draw(strategies.invalid_from_serializer(cls), examples)
            outcome.invalid_payloads = len(bad)
            outcome.rejected = sum(not _accepted(cls, payload) for payload in bad)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            outcome.error, outcome.named = _error(exc)
        transaction.set_rollback(True)
    return outcome


def worker(src: str, examples: int, out: str) -> None:
    _setup(src)
    results = [dataclasses.asdict(_measure(root, cls, examples)) for root, cls in _classes()]
    Path(out).write_text(json.dumps(results))


def _side(src: str, examples: int) -> list[dict[str, Any]]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    command = [sys.executable, __file__, "--worker", src, "--examples", str(examples)]
    subprocess.run([*command, "--out", out], check=True, cwd=ROOT)
    loaded: list[dict[str, Any]] = json.loads(Path(out).read_text())
    os.unlink(out)
    return loaded


def _table(results: list[dict[str, Any]], title: str) -> None:
    print(f"\n{title}\n")
    print(
        "| package | classes | build+draw OK | named errors | other errors | valid payloads "
        "| invalid rejected | median ex/s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for package in [*PACKAGES.values(), "all"]:
        rows = [row for row in results if package in ("all", row["package"])]
        drew = [row for row in rows if row["drew"] and not row["error"]]
        named = [row for row in rows if row["error"] and row["named"]]
        other = [row for row in rows if row["error"] and not row["named"]]
        payloads = sum(row["payloads"] for row in drew)
        valid = sum(row["valid"] for row in drew)
        bad = sum(row["invalid_payloads"] for row in drew)
        rejected = sum(row["rejected"] for row in drew)
        speeds = [row["per_second"] for row in drew if row["payloads"]]
        print(
            f"| {package} | {len(rows)} | {len(drew)} | {len(named)} | {len(other)} | "
            f"{valid}/{payloads} ({100 * valid / max(payloads, 1):.2f}%) | "
            f"{rejected}/{bad} ({100 * rejected / max(bad, 1):.2f}%) | "
            f"{statistics.median(speeds) if speeds else 0:.0f} |"
        )
    for row in results:
        if row["error"]:
            kind = "named" if row["named"] else "OTHER"
            print(f"  {kind}: {row['name']}: {row['error']}")


def _merge_rounds(rounds: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The first round's outcomes, with each class's median speed over all rounds."""
    merged = [dict(row) for row in rounds[0]]
    for index, row in enumerate(merged):
        row["per_second"] = statistics.median(each[index]["per_second"] for each in rounds)
    return merged


def _ratios(ours: list[dict[str, Any]], theirs: list[dict[str, Any]], other: str) -> None:
    def drawing(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {
            row["name"]: row for row in rows if row["drew"] and not row["error"] and row["payloads"]
        }

    mine, peer = drawing(ours), drawing(theirs)
    print(f"\nSpeed, this tree over {other}, median of per-class ratios (classes both draw):\n")
    print("| package | classes | ratio |")
    print("| --- | --- | --- |")
    for package in [*PACKAGES.values(), "all"]:
        ratios = [
            row["per_second"] / peer[name]["per_second"]
            for name, row in mine.items()
            if name in peer and package in ("all", row["package"])
        ]
        if ratios:
            print(f"| {package} | {len(ratios)} | {statistics.median(ratios):.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", metavar="OTHER_SRC")
    parser.add_argument("--worker", metavar="SRC")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.examples, args.out)
        return
    sides = [str(ROOT / "src"), *([args.compare] if args.compare else [])]
    rounds: dict[str, list[list[dict[str, Any]]]] = {side: [] for side in sides}
    for index in range(args.rounds):
        for side in sides if index % 2 == 0 else reversed(sides):
            rounds[side].append(_side(side, args.examples))
    ours = _merge_rounds(rounds[sides[0]])
    _table(ours, f"This tree ({sides[0]})")
    if args.compare:
        theirs = _merge_rounds(rounds[args.compare])
        _table(theirs, f"Compared with {args.compare}")
        _ratios(ours, theirs, args.compare)


if __name__ == "__main__":
    main()
