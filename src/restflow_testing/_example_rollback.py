"""Per-example isolation for ``@given`` test functions run by the pytest plugin.

Test methods get a savepoint per example through ``execute_example``; plain functions have no
such hook, so :class:`ExampleRollback` takes a savepoint in each of the test's transactions
before the Hypothesis engine starts and rolls back to it after every example that wrote, whether
it passed, failed or was rejected while drawing. Deferred constraints are checked first, as
Django checks them at the end of a test.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from asgiref.sync import sync_to_async
from hypothesis.control import cleanup, currently_in_test_context

from restflow_testing._async_given import adapt_async_given
from restflow_testing._awaited_requests import every_request_awaited
from restflow_testing._leaked_tasks import LeakedTasks, end_leaked_tasks, running_tasks

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.transaction import Atomic

_PREPARED_MARK = "_restflow_testing_pytest_example"

# A context variable: the examples' coroutines, which run on the test's loop, see it too.
_active: ContextVar[ExampleRollback | None] = ContextVar(
    "restflow_testing_example_rollback", default=None
)


class ExampleRollback:
    """Context manager: roll back each Hypothesis example's writes in the test's transactions.

    Enter and exit it on the test's thread, around the call that runs the Hypothesis engine.
    Connections that are not inside a transaction (``transactional_db``) are left alone: their
    writes commit, as the test asked.
    """

    def __init__(self, leaked_tasks: LeakedTasks = "fail") -> None:
        self.leaked_tasks: LeakedTasks = leaked_tasks
        self._atomics: list[tuple[BaseDatabaseWrapper, Atomic, str]] = []
        self._rollback_pending = False
        self._dirty = False
        self._previous: ExampleRollback | None = None

    @staticmethod
    def active() -> ExampleRollback | None:
        """The rollback in effect in this context, if any."""
        return _active.get()

    def __enter__(self) -> ExampleRollback:
        from django.conf import settings
        from django.db import connections, transaction

        self._previous = ExampleRollback.active()
        _active.set(self)
        if not settings.configured:  # not a Django project: no database to isolate
            return self
        try:
            for connection in connections.all():
                if not connection.in_atomic_block or connection.needs_rollback:
                    continue
                atomic = transaction.atomic(using=connection.alias)
                atomic.__enter__()
                self._atomics.append((connection, atomic, connection.savepoint_ids[-1]))
                connection.execute_wrappers.append(self._observe)
        except BaseException:
            _active.set(self._previous)
            self._close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _active.set(self._previous)
        self._close()

    def enter_example(self) -> None:
        """Roll back whatever the current example writes when it ends (call it inside one)."""
        if self._atomics and not self._rollback_pending and currently_in_test_context():
            cleanup(self._rollback_example)
            self._rollback_pending = True

    def check_constraints(self) -> None:
        """Check the deferred constraints the current example's writes may break, as Django does
        at the end of a test (``IntegrityError`` if a row breaks one). Sync code: call it with
        no event loop running."""
        if self._dirty:
            check_deferred_constraints(connection for connection, _, _ in self._atomics)

    def _close(self) -> None:
        from django.db import transaction

        self._rollback_pending = False
        while self._atomics:
            connection, atomic, _ = self._atomics.pop()
            connection.execute_wrappers.remove(self._observe)
            transaction.set_rollback(True, using=connection.alias)
            atomic.__exit__(None, None, None)

    def _observe(
        self,
        execute: Callable[[str, Any, bool, dict[str, Any]], Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        # Strategy draws query inside Hypothesis' build context too: registered here, the
        # rollback also follows an example rejected while drawing, before its body ran.
        self._dirty = True
        self.enter_example()
        return execute(sql, params, many, context)

    def _rollback_example(self) -> None:
        self._rollback_pending = False
        if not self._dirty:
            return
        self._dirty = False
        for connection, _, sid in self._atomics:
            connection.savepoint_rollback(sid)
            # As ``transaction.atomic`` does: rolling back to the savepoint repairs a
            # transaction that an error inside the example marked as broken.
            connection.needs_rollback = False
        self._dirty = False


def prepare_async_given(test: object) -> None:
    """Make the async ``@given`` test function ``test`` runnable by the Hypothesis engine.

    Each example's coroutine then runs on the test's loop (see
    :func:`~restflow_testing._async_given.adapt_async_given`), inside the active
    :class:`ExampleRollback`. An example that leaves asyncio tasks running fails with
    :class:`~restflow_testing.LeakedTaskError` (the tasks are cancelled), a failure Hypothesis
    shrinks and reports like any other. Idempotent; a no-op for tests that are not async
    ``@given`` tests.
    """
    function = getattr(test, "__func__", test)
    handle: Any = getattr(function, "hypothesis", None)
    if handle is None:
        return
    inner = handle.inner_test
    if inspect.iscoroutinefunction(inner) and not hasattr(inner, _PREPARED_MARK):
        handle.inner_test = _isolated_example(
            cast("Callable[..., Coroutine[Any, Any, object]]", inner)
        )
    adapt_async_given(test)


def _isolated_example(
    inner: Callable[..., Coroutine[Any, Any, object]],
) -> Callable[..., Coroutine[Any, Any, object]]:
    @functools.wraps(inner)
    async def run_example(*args: Any, **kwargs: Any) -> object:
        rollback = ExampleRollback.active()
        if rollback is not None:
            rollback.enter_example()
        where = f"An example of {inner.__module__}.{inner.__qualname__}"
        with every_request_awaited(lambda: where):
            existing = running_tasks()
            failed = True
            try:
                outcome = await inner(*args, **kwargs)
                if rollback is not None:
                    await sync_to_async(rollback.check_constraints)()
                failed = False
            finally:
                await end_leaked_tasks(
                    existing,
                    lambda: where,
                    mode="fail" if rollback is None else rollback.leaked_tasks,
                    report=not failed,
                )
        return outcome

    setattr(run_example, _PREPARED_MARK, True)
    return run_example


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
