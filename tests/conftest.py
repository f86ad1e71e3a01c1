"""Fixtures shared by the suite."""

import io
import unittest
from collections.abc import Callable
from dataclasses import dataclass

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
