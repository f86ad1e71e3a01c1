"""Fuzz every endpoint of a project from its URLconf and serializers, without a schema.

``discover`` finds the endpoints and what their views declare; ``Fuzzer`` sends each
of them requests drawn with the serializer strategies, as every kind of user, each example
isolated in a savepoint, and runs the six checks (``CHECKS``) on every answer. Three
entries share that engine: the command ``python -m restflow_testing fuzz``, the pytest entry
``fuzz_tests`` and the unittest entry ``FuzzTestCase``. Importing this package needs no
configured Django settings; its names load on first access.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from restflow_testing.fuzz._checks import Outcome
    from restflow_testing.fuzz._config import CHECKS, FuzzConfig, RouteConfig
    from restflow_testing.fuzz._discovery import (
        Endpoint,
        QueryParameter,
        ViewKind,
        ViewSetRoutes,
        discover,
        viewsets,
    )
    from restflow_testing.fuzz._engine import CheckFailed, Fuzzer
    from restflow_testing.fuzz._generation import FuzzCase
    from restflow_testing.fuzz._pytest_entry import fuzz_tests
    from restflow_testing.fuzz._report import EndpointResult, Failure, FuzzReport
    from restflow_testing.fuzz._routes import PathParameter
    from restflow_testing.fuzz._schema import assert_representation
    from restflow_testing.fuzz._unittest_entry import FuzzTestCase
    from restflow_testing.fuzz._users import USER_KINDS, UserKind

__all__ = [
    "CHECKS",
    "USER_KINDS",
    "CheckFailed",
    "Endpoint",
    "EndpointResult",
    "Failure",
    "FuzzCase",
    "FuzzConfig",
    "FuzzReport",
    "FuzzTestCase",
    "Fuzzer",
    "Outcome",
    "PathParameter",
    "QueryParameter",
    "RouteConfig",
    "UserKind",
    "ViewKind",
    "ViewSetRoutes",
    "assert_representation",
    "discover",
    "fuzz_tests",
    "viewsets",
]

_MODULE_OF = {
    "CHECKS": "_config",
    "USER_KINDS": "_users",
    "CheckFailed": "_engine",
    "Endpoint": "_discovery",
    "EndpointResult": "_report",
    "Failure": "_report",
    "FuzzCase": "_generation",
    "FuzzConfig": "_config",
    "FuzzReport": "_report",
    "FuzzTestCase": "_unittest_entry",
    "Fuzzer": "_engine",
    "Outcome": "_checks",
    "PathParameter": "_routes",
    "QueryParameter": "_discovery",
    "RouteConfig": "_config",
    "UserKind": "_users",
    "ViewKind": "_discovery",
    "ViewSetRoutes": "_discovery",
    "assert_representation": "_schema",
    "discover": "_discovery",
    "fuzz_tests": "_pytest_entry",
    "viewsets": "_discovery",
}


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
