"""Python bytecodes executed per test (or per example) of the bench_cases contenders, by function.

Timings on a shared machine move by several percent from run to run; the bytecodes a round
executes do not. The script runs two warm-up rounds of each named contender, then traces one
more round with ``sys.settrace`` (opcode events), and prints the bytecodes per test of each side
and the functions where they differ most. Code written in C (asyncio's tasks, the database
driver) executes no bytecodes and does not show.

    python benchmarks/bytecodes_per_test.py trivial        # 500 trivial async tests vs Django
    python benchmarks/bytecodes_per_test.py trivial-sync   # the same tests as plain ``def``
    python benchmarks/bytecodes_per_test.py given          # the @given POST benchmark (slow)
"""

from __future__ import annotations

import argparse
import collections
import sys
import unittest
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cases import (
    EXAMPLES,
    TRIVIAL_TESTS,
    OursWritePerExample,
    PeerWritePerExample,
    _trivial_cases,
    run_round,
    test_databases,
)
from hypothesis import seed


def count_bytecodes(case: type[unittest.TestCase]) -> collections.Counter[str]:
    """Bytecodes executed per function during one round of ``case`` (after two warm-ups)."""
    run_round(case)
    run_round(case)
    counts: collections.Counter[str] = collections.Counter()

    def trace_calls(frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        return trace_opcodes

    def trace_opcodes(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "opcode":
            code = frame.f_code
            counts[f"{code.co_filename.split('site-packages/')[-1]}:{code.co_qualname}"] += 1
        return trace_opcodes

    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    result = unittest.TestResult()
    sys.settrace(trace_calls)
    try:
        suite.run(result)
    finally:
        sys.settrace(None)
    if not result.wasSuccessful():
        raise SystemExit(f"{case.__name__} failed: {result.errors + result.failures}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pair", choices=["trivial", "trivial-sync", "given"])
    parser.add_argument("--top", type=int, default=25, help="functions to list")
    arguments = parser.parse_args()
    # Both sides draw the same examples, so the counts repeat and compare draw for draw.
    for case in (OursWritePerExample, PeerWritePerExample):
        seed(0)(case.test_create)
    with test_databases():
        ours_trivial, peer_trivial, _, ours_sync = _trivial_cases()
        ours, peer, per = {
            "trivial": (ours_trivial, peer_trivial, TRIVIAL_TESTS),
            "trivial-sync": (ours_sync, peer_trivial, TRIVIAL_TESTS),
            "given": (OursWritePerExample, PeerWritePerExample, EXAMPLES),
        }[arguments.pair]
        ours_counts, peer_counts = count_bytecodes(ours), count_bytecodes(peer)
    unit = "example" if arguments.pair == "given" else "test"
    ours_total, peer_total = ours_counts.total() / per, peer_counts.total() / per
    print(f"bytecodes per {unit}: ours {ours_total:.0f}, peer {peer_total:.0f}")
    print(f"ratio {ours_total / peer_total:.3f}\n\n{'ours':>9}{'peer':>9}  function")
    differences = ours_counts.copy()
    differences.subtract(peer_counts)
    ranked = sorted(differences, key=lambda name: -abs(differences[name]))
    for name in ranked[: arguments.top]:
        print(f"{ours_counts[name] / per:9.1f}{peer_counts[name] / per:9.1f}  {name}")


if __name__ == "__main__":
    main()
