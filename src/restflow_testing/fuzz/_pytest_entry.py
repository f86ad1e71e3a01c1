"""The pytest entry: one test per endpoint, under the pytest plugin's isolation."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

from restflow_testing.fuzz._config import FuzzConfig, project_config
from restflow_testing.fuzz._discovery import Endpoint, discover
from restflow_testing.fuzz._engine import DEFAULT_MAX_EXAMPLES, Fuzzer
from restflow_testing.fuzz._report import EndpointResult


def select(
    endpoints: Sequence[Endpoint], include: Sequence[str], exclude: Sequence[str]
) -> list[Endpoint]:
    """The endpoints whose ``"METHOD /route/"`` matches an ``include`` regex (any when empty)
    and no ``exclude`` one."""
    wanted = [re.compile(p) for p in include]
    unwanted = [re.compile(p) for p in exclude]
    return [
        e
        for e in endpoints
        if (not wanted or any(p.search(e.id) for p in wanted))
        and not any(p.search(e.id) for p in unwanted)
    ]


def failure_text(result: EndpointResult) -> str:
    """The failures of ``result`` with their reproducers, as a test failure message."""
    parts = [f"{len(result.failures)} check(s) failed on {result.endpoint.id}:"]
    for failure in result.failures:
        parts.append(f"\n{failure.check} (status {failure.status}): {failure.message}\n")
        parts.append(failure.reproducer)
    return "\n".join(parts)


def fuzz_tests(
    *,
    urlconf: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    seed: int | None = None,
    config: FuzzConfig | None = None,
) -> Callable[..., None]:
    """A pytest test fuzzing every endpoint of ``urlconf``: assign it to a ``test_`` name in a
    test module (``test_api = fuzz_tests()``).

    It is parametrized with one test per endpoint, with ids such as ``GET /api/books/{pk}/``,
    so ``-k books`` or ``-k "POST and books"`` select endpoints. Each runs inside
    pytest-django's ``db`` transaction, each example in a savepoint of it, on a test loop of its
    own, and fails with every failed check and its reproducer. ``include`` and ``exclude`` are
    regular expressions searched in ``"METHOD /route/"``; ``config`` defaults to the
    ``RESTFLOW_TESTING_FUZZ`` setting; ``seed`` defaults to a random one, named in failures.
    """
    import pytest

    endpoints = discover(urlconf)
    selected = select(endpoints, include, exclude)
    run_seed = random.getrandbits(32) if seed is None else seed

    @pytest.mark.django_db
    @pytest.mark.parametrize("endpoint", selected, ids=[e.id for e in selected])
    def test_fuzz(endpoint: Endpoint) -> None:
        from restflow_testing._loop_thread import LoopThread

        loop = LoopThread()
        try:
            fuzzer = Fuzzer(
                endpoints,
                loop=loop,
                seed=run_seed,
                max_examples=max_examples,
                config=config if config is not None else project_config(),
                urlconf=urlconf,
            )
            result = fuzzer.run(endpoint)
        finally:
            loop.close()
        if result.skipped:
            pytest.skip(result.skipped)
        if result.failures:
            pytest.fail(failure_text(result), pytrace=False)

    return test_fuzz
