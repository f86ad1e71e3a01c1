"""Per-example isolation for ``@given`` test functions run by the pytest plugin.

Test methods get a savepoint per example through ``execute_example``; plain functions have no
such hook, so :class:`ExampleRollback` takes a savepoint in each of the test's transactions
before the Hypothesis engine starts and rolls back to it after every example that wrote, whether
it passed, failed or was rejected while drawing. Deferred constraints are checked first, as
Django checks them at the end of a test. Each example also starts from the clients and the mail
outbox the fixtures left (:class:`OutboxAtStart` serves the test cases too).
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

    from restflow_testing.client import AsyncAPIClient

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

    def __init__(
        self, leaked_tasks: LeakedTasks = "fail", clients: Iterable[AsyncAPIClient] = ()
    ) -> None:
        self.leaked_tasks: LeakedTasks = leaked_tasks
        self._atomics: list[tuple[BaseDatabaseWrapper, Atomic, str]] = []
        self._rollback_pending = False
        self._dirty = False
        self._previous: ExampleRollback | None = None
        self._clients = [(client, client._fresh_copy()) for client in clients]
        self._outbox: OutboxAtStart | None = None

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
        self._outbox = OutboxAtStart()
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

    def start_example(self) -> None:
        """Start an example: the clients and mail outbox as the fixtures left them, and its
        writes rolled back when it ends (call it inside the example)."""
        for client, at_start in self._clients:
            client._take_state_of(at_start)
        if self._outbox is not None:
            self._outbox.restore()
        self.enter_example()

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
            # As ``transaction.atomic`` does: an error inside the example (a view's failed
            # insert answered as a 500) marked the transaction as broken; rolling back to the
            # savepoint repairs it, and Django refuses any query, that rollback included, until
            # the mark is cleared.
            connection.needs_rollback = False
            connection.savepoint_rollback(sid)


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
            rollback.start_example()
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


class OutboxAtStart:
    """The test mail outbox (``django.core.mail.outbox``) as it is now, to start each example
    from: what set-up or fixtures sent stays, what an example sends is gone for the next."""

    def __init__(self) -> None:
        from django.core import mail

        outbox: list[Any] | None = getattr(mail, "outbox", None)
        self._messages = None if outbox is None else list(outbox)

    def restore(self) -> None:
        """Put the outbox back as it was (in place: references to it stay valid)."""
        from django.core import mail

        outbox: list[Any] | None = getattr(mail, "outbox", None)
        if outbox is not None and self._messages is not None:
            outbox[:] = self._messages


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
