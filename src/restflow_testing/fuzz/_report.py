"""Reports: what a fuzz run sent, what came back and what failed, as a table and as JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from restflow_testing.fuzz._discovery import Endpoint

if TYPE_CHECKING:
    from restflow_testing.stateful import CRUDMachine, StatefulReport


@dataclass(frozen=True)
class Failure:
    """One failed check on one endpoint, with the shrunk request as a test method."""

    method: str
    route: str
    check: str
    status: int | None
    """The status answered; ``None`` when the view raised."""
    message: str
    reproducer: str

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "route": self.route,
            "check": self.check,
            "status": self.status,
            "message": self.message,
            "reproducer": self.reproducer,
        }


@dataclass
class EndpointResult:
    """The outcome of fuzzing one endpoint."""

    endpoint: Endpoint
    examples: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    """Statuses answered, by code as text (``"raised"`` counts exceptions out of the view)."""
    failures: list[Failure] = field(default_factory=list)
    skipped: str | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.endpoint.method,
            "route": self.endpoint.route,
            "view": self.endpoint.view,
            "examples": self.examples,
            "statuses": dict(sorted(self.statuses.items())),
            "skipped": self.skipped,
            "notes": list(self.notes),
        }

    def failure_text(self) -> str:
        """Every failure with its reproducer, as a test's failure message."""
        parts = [f"{len(self.failures)} check(s) failed on {self.endpoint.id}:"]
        for failure in self.failures:
            parts.append(f"\n{failure.check} (status {failure.status}): {failure.message}\n")
            parts.append(failure.reproducer)
        return "\n".join(parts)

    def statuses_text(self) -> str:
        return " ".join(f"{code}x{count}" for code, count in sorted(self.statuses.items())) or "-"


@dataclass(frozen=True)
class StatefulResult:
    """The outcome of ``--stateful``'s CRUD state machine on one router viewset."""

    machine: str
    route: str
    """The viewset's list route, where the machine's creates go."""
    runs: int
    requests: int
    failures: list[Failure]

    @classmethod
    def of(cls, machine: type[CRUDMachine], outcome: StatefulReport) -> StatefulResult:
        route = machine.endpoint.list_url()
        failures = [
            Failure(
                method="CRUD",
                route=route,
                check="stateful",
                status=None,
                message=failure.message,
                reproducer=failure.reproducer,
            )
            for failure in outcome.failures
        ]
        counts = outcome.statistics
        return cls(machine.__name__, route, counts.runs, counts.requests, failures)

    @property
    def id(self) -> str:
        return f"CRUD {self.route}"

    def progress_line(self) -> str:
        state = "FAILED (stateful)" if self.failures else "ok"
        return f"{self.id}: {self.runs} runs, {self.requests} requests, {state}"

    def as_json(self) -> dict[str, Any]:
        return {"machine": self.machine, "route": self.route, "runs": self.runs,
                "requests": self.requests}  # fmt: skip


@dataclass
class FuzzReport:
    """A whole run: its seed, one result per endpoint, and every failure."""

    seed: int
    endpoints: list[EndpointResult] = field(default_factory=list)
    stateful: list[StatefulResult] = field(default_factory=list)
    """With ``--stateful``: one CRUD state machine per router viewset."""

    @property
    def failures(self) -> list[Failure]:
        found = [failure for result in self.endpoints for failure in result.failures]
        return found + [failure for result in self.stateful for failure in result.failures]

    @property
    def examples(self) -> int:
        return sum(result.examples for result in self.endpoints)

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` document: ``seed``, ``endpoints`` and ``failures``."""
        document: dict[str, Any] = {
            "seed": self.seed,
            "endpoints": [result.as_json() for result in self.endpoints],
            "failures": [failure.as_json() for failure in self.failures],
        }
        if self.stateful:
            document["stateful"] = [result.as_json() for result in self.stateful]
        return document

    def summary_table(self) -> str:
        """One line per endpoint: endpoint, examples, statuses seen, failures by check."""
        rows = [("Endpoint", "Examples", "Statuses", "Failures")]
        for result in self.endpoints:
            checks = Counter(failure.check for failure in result.failures)
            failed = ", ".join(sorted(checks)) or ("skipped" if result.skipped else "-")
            rows.append((result.endpoint.id, str(result.examples), result.statuses_text(), failed))
        for machine in self.stateful:
            failed = "stateful" if machine.failures else "-"
            rows.append(
                (machine.id, f"{machine.runs} runs", f"{machine.requests} requests", failed)
            )
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        failures = len(self.failures)
        lines.append("")
        lines.append(
            f"{len(self.endpoints)} endpoints, {self.examples} examples, {failures} "
            f"failure{'s' if failures != 1 else ''} (seed {self.seed})"
        )
        return "\n".join(lines)
