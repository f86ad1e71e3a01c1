"""The unittest entry: a test case class to subclass, with one test method per endpoint."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from restflow_testing.cases import AsyncAPITestCase
from restflow_testing.fuzz._config import FuzzConfig, project_config
from restflow_testing.fuzz._discovery import Endpoint, discover, select
from restflow_testing.fuzz._engine import DEFAULT_MAX_EXAMPLES, Fuzzer


class FuzzTestCase(AsyncAPITestCase):
    """Subclass it to fuzz a project's endpoints with Django's test runner: the subclass gets a
    ``test_fuzz_<method>_<route>`` method per endpoint of ``fuzz_urlconf`` (``ROOT_URLCONF`` when
    ``None``) whose ``"METHOD /route/"`` matches a ``fuzz_include`` regex (all when empty) and no
    ``fuzz_exclude`` one.

    Each test runs in the test's transaction, each example in a savepoint of it on the class's
    test loop, and fails with every failed check and its reproducer. Set the class attributes
    below; the methods are made when the subclass is defined (Django must be set up by then, as
    it is when Django's runner or pytest-django imports tests).
    """

    fuzz_urlconf: ClassVar[str | None] = None
    fuzz_include: ClassVar[Sequence[str]] = ()
    fuzz_exclude: ClassVar[Sequence[str]] = ()
    fuzz_max_examples: ClassVar[int] = DEFAULT_MAX_EXAMPLES
    fuzz_seed: ClassVar[int | None] = None
    """The run's seed; a random one (named in failures) when ``None``."""
    fuzz_config: ClassVar[FuzzConfig | None] = None
    """Per-route configuration; the ``RESTFLOW_TESTING_FUZZ`` setting when ``None``."""

    _fuzz_endpoints: ClassVar[list[Endpoint]] = []
    _fuzz_run_seed: ClassVar[int] = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fuzz_endpoints = discover(cls.fuzz_urlconf)
        cls._fuzz_run_seed = random.getrandbits(32) if cls.fuzz_seed is None else cls.fuzz_seed
        for endpoint in select(cls._fuzz_endpoints, cls.fuzz_include, cls.fuzz_exclude):
            name = (
                "test_fuzz_"
                + re.sub(r"\W+", "_", f"{endpoint.method} {endpoint.route}").strip("_").lower()
            )
            setattr(cls, name, _test_method(endpoint, name))

    def fuzz_endpoint(self, endpoint: Endpoint) -> None:
        """Fuzz ``endpoint`` in this test; fail with its failed checks."""
        fuzzer = Fuzzer(
            type(self)._fuzz_endpoints,
            loop=self._test_loop(),
            seed=type(self)._fuzz_run_seed,
            max_examples=self.fuzz_max_examples,
            config=self.fuzz_config if self.fuzz_config is not None else project_config(),
            urlconf=self.fuzz_urlconf,
        )
        result = fuzzer.run(endpoint)
        if result.skipped:
            self.skipTest(result.skipped)
        if result.failures:
            self.fail(result.failure_text())


def _test_method(endpoint: Endpoint, name: str) -> Any:
    def test(self: FuzzTestCase) -> None:
        self.fuzz_endpoint(endpoint)

    test.__name__ = test.__qualname__ = name
    test.__doc__ = f"Fuzz {endpoint.id}."
    return test
