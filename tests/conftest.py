"""Fixtures shared by the suite."""

import io
import unittest
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from pytest_django import DjangoDbBlocker

# Shared CI machines are slow and noisy: no deadlines, unless a test sets its own.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


@dataclass(frozen=True)
class UnittestReport:
    """What unittest made of a run: its result and the text report it printed."""

    result: unittest.TestResult
    output: str


RunUnittest = Callable[[type[unittest.TestCase]], UnittestReport]


@pytest.fixture
def run_unittest(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> RunUnittest:
    """Run a test case class defined inside a test through unittest's text runner.

    Class set-up runs too, and the class may use the suite's test database.
    """

    def run(case: type[unittest.TestCase]) -> UnittestReport:
        stream = io.StringIO()
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
        with django_db_blocker.unblock():
            result = unittest.TextTestRunner(stream=stream, verbosity=2).run(suite)
        return UnittestReport(result=result, output=stream.getvalue())

    return run


ROOT = Path(__file__).resolve().parents[1]

_INNER_INI = """
[pytest]
DJANGO_SETTINGS_MODULE = tests.project.settings
asyncio_default_fixture_loop_scope = function
filterwarnings =
    error::RuntimeWarning
"""


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester directory whose pytest runs use the suite's Django project (a module using
    it loads pytester: ``pytest_plugins = ["pytester"]``)."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    pytester.makeini(_INNER_INI)
    return pytester
