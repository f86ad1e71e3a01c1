"""Stateful API testing: rule-based state machines whose rules are ``async def`` requests.

``APIStateMachine`` runs Hypothesis' rule-based state machines on the test loop, each run in a
savepoint of the test's transaction; ``crud_machine`` builds one for a router-registered
viewset. Needs configured Django settings, as the strategies do.
"""

from hypothesis.stateful import Bundle, consumes, multiple

from restflow_testing.stateful._actors import DEFAULT_ACTORS, Actor
from restflow_testing.stateful._crud import (
    CRUDMachine,
    CRUDObject,
    CRUDStatistics,
    StatefulInvariantError,
    crud_machine,
)
from restflow_testing.stateful._decorators import (
    StepDecorator,
    initialize,
    invariant,
    precondition,
    rule,
)
from restflow_testing.stateful._machine import APIStateMachine, StateMachineTestCase
from restflow_testing.stateful._report import StatefulFailure, StatefulReport, run_crud_machine
from restflow_testing.stateful._routes import crud_machines, served_routers

__all__ = [
    "DEFAULT_ACTORS",
    "APIStateMachine",
    "Actor",
    "Bundle",
    "CRUDMachine",
    "CRUDObject",
    "CRUDStatistics",
    "StateMachineTestCase",
    "StatefulFailure",
    "StatefulInvariantError",
    "StatefulReport",
    "StepDecorator",
    "consumes",
    "crud_machine",
    "crud_machines",
    "initialize",
    "invariant",
    "multiple",
    "precondition",
    "rule",
    "run_crud_machine",
    "served_routers",
]
