"""Stateful API testing: rule-based state machines whose rules are ``async def`` requests.

``APIStateMachine`` runs Hypothesis' rule-based state machines on the test loop, each run in a
savepoint of the test's transaction; ``crud_machine`` builds one for a router-registered
viewset. Needs configured Django settings, as the strategies do.
"""

from hypothesis.stateful import Bundle, consumes, multiple

from restflow_testing.stateful._decorators import initialize, invariant, precondition, rule
from restflow_testing.stateful._machine import APIStateMachine, StateMachineTestCase

__all__ = [
    "APIStateMachine",
    "Bundle",
    "StateMachineTestCase",
    "consumes",
    "initialize",
    "invariant",
    "multiple",
    "precondition",
    "rule",
]
