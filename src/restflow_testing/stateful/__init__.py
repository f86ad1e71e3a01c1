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
from restflow_testing.stateful._decorators import initialize, invariant, precondition, rule
from restflow_testing.stateful._machine import APIStateMachine, StateMachineTestCase
from restflow_testing.stateful._report import StatefulFailure, StatefulReport, run_crud_machine

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
    "crud_machine",
    "run_crud_machine",
    "consumes",
    "initialize",
    "invariant",
    "multiple",
    "precondition",
    "rule",
]
