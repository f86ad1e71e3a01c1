"""The deferred-constraint check Django's ``TestCase`` runs at the end of each test."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.backends.base.base import BaseDatabaseWrapper


def check_deferred_constraints(connections: Iterable[BaseDatabaseWrapper]) -> None:
    """Check the deferred constraints of each usable connection still inside its transaction.

    Raises ``IntegrityError`` for a row that breaks one (a foreign key to a missing row, say),
    as a ``COMMIT`` would. Connections whose transaction an error already broke, or that cannot
    defer checks, are skipped, as Django skips them. Sync code: call it with no loop running.
    """
    for connection in connections:
        if (
            connection.features.can_defer_constraint_checks
            and not connection.needs_rollback
            and connection.is_usable()
        ):
            connection.check_constraints()
