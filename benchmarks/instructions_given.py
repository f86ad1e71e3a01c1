"""Instructions per Hypothesis example of the ``@given`` benchmark, one contender per process.

Timings on a shared machine move by several percent from one round to the next; instruction
counts under ``valgrind --tool=callgrind`` do not. The difference between a run of N rounds and
a run of none (both after the same set-up and warm-up round) divided by the examples run is the
instruction count of one example of that contender:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python benchmarks/instructions_given.py ours 0
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python benchmarks/instructions_given.py ours 2
    (the same for ``peer``)

Both sides draw the same examples (a fixed Hypothesis seed). Each run prints nothing; read
callgrind's "Collected" line. Counts are not time (cache misses
and branch mispredictions cost differently), but they say which side executes more work.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cases import OursWritePerExample, PeerWritePerExample, run_round, test_databases
from hypothesis import seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("side", choices=["ours", "peer"])
    parser.add_argument("rounds", type=int, help="rounds of 200 examples after the warm-up")
    arguments = parser.parse_args()
    case = OursWritePerExample if arguments.side == "ours" else PeerWritePerExample
    # The same examples in every round and on both sides: the counts then repeat run to run.
    seed(0)(case.test_create)
    with test_databases():
        run_round(case)  # warm-up: imports, URL resolution, first connections
        for _ in range(arguments.rounds):
            run_round(case)


if __name__ == "__main__":
    main()
