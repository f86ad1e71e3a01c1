"""The pytest entry: one test per endpoint, under the pytest plugin's isolation."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from restflow_testing.fuzz._config import FuzzConfig, project_config
from restflow_testing.fuzz._discovery import Endpoint, discover, select
from restflow_testing.fuzz._engine import DEFAULT_MAX_EXAMPLES, Fuzzer


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
            pytest.fail(result.failure_text(), pytrace=False)

    return test_fuzz
