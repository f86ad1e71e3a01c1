"""Running a machine for a report: failures with the broken invariant and a reproducer.

Hypothesis adds the shrunk steps of a failing run to the exception's notes (``state = M()``,
one line per step, ``state.teardown()``); a reproducer replays them in an
``AsyncAPITestCase`` test method, where each step's coroutine runs on a
loop of the machine's own and the run is in a savepoint of the test's transaction.
"""

from __future__ import annotations

import re
import sys
import textwrap
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings as django_settings

from restflow_testing.stateful._actors import DEFAULT_ACTORS
from restflow_testing.stateful._crud import (
    CRUDMachine,
    CRUDStatistics,
    StatefulInvariantError,
    statistics,
)
from restflow_testing.stateful._decorators import is_invariant

if TYPE_CHECKING:
    from hypothesis import settings as Settings

    from restflow_testing.stateful._machine import APIStateMachine

__all__ = ["StatefulFailure", "StatefulReport", "run_crud_machine"]

_CALL = re.compile(r"state\.(?P<name>\w+)\(")


@dataclass(frozen=True)
class StatefulFailure:
    """A failing run of a state machine, shrunk."""

    machine: str
    """The machine class's name."""
    invariant: str
    """The invariant broken (or the exception's type, for an error that is not one)."""
    message: str
    steps: tuple[str, ...]
    """The shrunk steps, as Hypothesis prints them (rules and invariant checks, without the
    machine's construction and ``teardown``)."""
    reproducer: str
    """A test module that replays the steps as an ``AsyncAPITestCase`` test method."""
    rule_steps: int
    """How many rules the shrunk run called (invariant checks left out)."""
    exception: BaseException = field(repr=False, compare=False)
    check: Literal["stateful"] = "stateful"


def _count_rules(machine: type[APIStateMachine], steps: list[str]) -> int:
    count = 0
    for step in steps:
        called = _CALL.search(step)
        if called is not None and not is_invariant(getattr(machine, called["name"], None)):
            count += 1
    return count


@dataclass(frozen=True)
class StatefulReport:
    """What ``run_crud_machine`` found: failures (empty when every run passed) and the
    requests sent."""

    machine: type[APIStateMachine]
    failures: tuple[StatefulFailure, ...]
    statistics: CRUDStatistics

    @property
    def passed(self) -> bool:
        return not self.failures


def run_crud_machine(
    machine: type[APIStateMachine], *, settings: Settings | None = None
) -> StatefulReport:
    """Run ``machine`` (a ``crud_machine`` class, or any
    ``APIStateMachine``) as one test and report instead of
    raising: each distinct failure Hypothesis found, shrunk, with the broken invariant and a
    reproducer, and the requests the runs sent.

    Call it as ``run_as_test`` is called: from
    sync code on the thread that owns the test database's connection, inside a transaction.
    """
    counts = CRUDStatistics()
    token = statistics.set(counts)
    failures: list[StatefulFailure] = []
    try:
        machine.run_as_test(settings=settings)
    except Exception as error:
        group: Any = error
        found: list[BaseException] = (
            list(group.exceptions) if isinstance(error, BaseExceptionGroup) else [error]
        )
        failures = [describe_failure(machine, exception) for exception in found]
    finally:
        statistics.reset(token)
    return StatefulReport(machine=machine, failures=tuple(failures), statistics=counts)


def describe_failure(machine: type[APIStateMachine], error: BaseException) -> StatefulFailure:
    """The failure Hypothesis raised ``error`` for, with its steps read from its notes."""
    steps = _steps(getattr(error, "__notes__", []))
    if isinstance(error, StatefulInvariantError):
        invariant, message = error.invariant, str(error)
    else:
        invariant = type(error).__name__
        message = f"{type(error).__name__}: {error}"
    return StatefulFailure(
        machine=machine.__name__,
        invariant=invariant,
        message=message,
        steps=tuple(steps),
        rule_steps=_count_rules(machine, steps),
        reproducer=reproducer(machine, steps, message),
        exception=error,
    )


def _steps(notes: list[str]) -> list[str]:
    """The step lines between ``state = Machine()`` and ``state.teardown()``."""
    steps: list[str] = []
    started = False
    for note in notes:
        if not started:
            started = note.startswith("state = ")
            continue
        if note.strip() == "state.teardown()":
            break
        steps.append(note)
    return steps


def reproducer(machine: type[APIStateMachine], steps: list[str], message: str) -> str:
    """Source of a test module replaying ``steps`` in an ``AsyncAPITestCase`` test method."""
    imports, definition = _machine_source(machine)
    name = machine.__name__
    body = "\n".join(textwrap.indent(step, " " * 12) for step in steps) or " " * 12 + "pass"
    method = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    lines = [
        f'"""Reproduces a failure of {name}: {_one_line(message)}"""',
        "",
        "from restflow_testing import AsyncAPITestCase",
        *imports,
        "",
        *([definition, ""] if definition else []),
        "",
        f"class {name}Reproducer(AsyncAPITestCase):",
        f"    def test_{method}(self) -> None:",
        f"        state = {name}()",
        "        try:",
        body,
        "        finally:",
        "            state.teardown()",
        "",
    ]
    return "\n".join(lines)


def _one_line(message: str, limit: int = 200) -> str:
    text = " ".join(message.split()).replace('"""', "'''")
    return text if len(text) <= limit else text[:limit] + "..."


def _machine_source(machine: type[APIStateMachine]) -> tuple[list[str], str | None]:
    """Import lines and a definition line that make ``machine`` available by its name."""
    module = sys.modules.get(machine.__module__)
    if (
        module is not None
        and getattr(module, machine.__name__, None) is machine
        and machine.__qualname__ == machine.__name__
    ):
        return [f"from {machine.__module__} import {machine.__name__}"], None
    if issubclass(machine, CRUDMachine):
        return _crud_source(machine)
    return (
        [],
        f"# {machine.__qualname__} is not importable from {machine.__module__}: import or "
        "define it here",
    )


def _crud_source(machine: type[CRUDMachine]) -> tuple[list[str], str]:
    arguments: dict[str, Any] = machine.crud_arguments
    router = arguments["router"]
    imports = ["from restflow_testing.stateful import crud_machine"]
    found = _find_global(router)
    if found is None:
        imports.append("# import the router the viewset is registered on, as `router`")
        router_name = "router"
    else:
        module_name, router_name = found
        imports.append(f"from {module_name} import {router_name}")
    call = [router_name, repr(arguments["prefix"])]
    if arguments["url_namespace"] is not None:
        call.append(f"url_namespace={arguments['url_namespace']!r}")
    if tuple(arguments["actors"]) != DEFAULT_ACTORS:
        imports.append("from restflow_testing.stateful import Actor")
        call.append(f"actors={tuple(arguments['actors'])!r}")
    if arguments["fields"]:
        call.append("fields=...  # the field strategies the machine was made with")
    if arguments["max_pages"] != 100:
        call.append(f"max_pages={arguments['max_pages']!r}")
    return imports, f"{machine.__name__} = crud_machine({', '.join(call)})"


def _find_global(value: object) -> tuple[str, str] | None:
    """A module and global name ``value`` is importable as: the URLconf's modules first."""
    root = getattr(django_settings, "ROOT_URLCONF", None)
    candidates: list[tuple[str, ModuleType]] = []
    if isinstance(root, str) and root in sys.modules:
        candidates.append((root, sys.modules[root]))
    candidates.extend(list(sys.modules.items()))
    for module_name, module in candidates:
        if module_name == "__main__":
            continue
        try:
            names = vars(module)
        except TypeError:
            continue
        for name, candidate in list(names.items()):
            if candidate is value and not name.startswith("_"):
                return module_name, name
    return None
