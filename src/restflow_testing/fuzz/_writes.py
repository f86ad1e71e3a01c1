"""Whether a request changed rows: the writes it made that are still in effect when it ends.

Every statement on the test thread's connections passes through Django's execute wrappers (the
ORM of async views included: it runs there). Rows affected by ``INSERT``, ``UPDATE`` and
``DELETE`` are counted, and a rollback to a savepoint (an ``atomic`` block that failed) takes back
the rows counted since the savepoint, so only writes that survive the request are reported.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_SAVEPOINT = re.compile(r'^\s*SAVEPOINT\s+"?(\w+)"?', re.IGNORECASE)
_ROLLBACK_TO = re.compile(r'^\s*ROLLBACK\s+TO\s+SAVEPOINT\s+"?(\w+)"?', re.IGNORECASE)
_TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


@dataclass
class RowChanges:
    """Rows written and still in effect, by table."""

    tables: dict[str, int] = field(default_factory=dict)
    _marks: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.tables.values())

    def describe(self) -> str:
        return ", ".join(f"{count} in {table}" for table, count in sorted(self.tables.items()))

    def _observe(
        self,
        execute: Callable[[str, Any, bool, dict[str, Any]], Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        result = execute(sql, params, many, context)
        if match := _SAVEPOINT.match(sql):
            self._marks[match[1]] = dict(self.tables)
        elif match := _ROLLBACK_TO.match(sql):
            self.tables = dict(self._marks.get(match[1], self.tables))
        elif write := _WRITE.match(sql):
            count: int = getattr(context.get("cursor"), "rowcount", -1)
            if write[1].upper() == "INSERT":
                # An INSERT that did not raise inserted its rows, whatever the cursor says
                # (its count is unknown until an INSERT ... RETURNING is fetched).
                count = max(count, len(params) if many else 1)
            table = _TABLE.match(sql)
            if count > 0 and table is not None:
                name = table[1]
                self.tables[name] = self.tables.get(name, 0) + count
        return result


@contextlib.contextmanager
def recording_row_changes() -> Generator[RowChanges]:
    """Record the rows written on this thread's connections inside the block."""
    from django.db import connections

    changes = RowChanges()
    wrappers = [connections[alias].execute_wrapper(changes._observe) for alias in connections]
    with contextlib.ExitStack() as stack:
        for wrapper in wrappers:
            stack.enter_context(wrapper)
        yield changes
