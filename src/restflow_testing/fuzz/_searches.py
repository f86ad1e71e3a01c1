"""Hypothesis settings the fuzzer's searches share."""

from hypothesis import HealthCheck, Phase, settings

SLOW_OR_FILTERED = [
    HealthCheck.too_slow,
    HealthCheck.filter_too_much,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]
"""Health checks that would stop a search over a slow endpoint or a heavily filtered strategy:
the fuzzer runs whatever the project is, so it does not ask for either to be fixed."""

ONE_DRAW = settings(
    database=None,
    phases=[Phase.generate],
    max_examples=50,
    suppress_health_check=SLOW_OR_FILTERED,
    deadline=None,
)
"""For ``find(strategy, lambda _: True, ...)``: one value, drawn with the given ``random``,
not shrunk, not stored."""
