"""``python -m restflow_testing COMMAND``: the package's commands (``fuzz``)."""

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] in {"-h", "--help"}:
        print("usage: python -m restflow_testing fuzz [options]  (fuzz --help for the options)")
        return 0 if arguments else 2
    command, rest = arguments[0], arguments[1:]
    if command == "fuzz":
        from restflow_testing.fuzz._command import main as fuzz

        return fuzz(rest)
    print(f"error: unknown command {command!r}; the commands are: fuzz", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
