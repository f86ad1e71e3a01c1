"""Counting the SQL queries of code awaited in an async test.

Django's ``CaptureQueriesContext`` and ``assertNumQueries`` prepare the connection when entered,
which Django forbids on a running event loop, and each thread has its own connections: the
queries of a request awaited in an async test run on the test's thread, with its connection.
Here the context is entered and left on that thread while the loop waits, and counts there.
"""

from __future__ import annotations

from types import TracebackType

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.testcases import _AssertNumQueriesContext
from django.test.utils import CaptureQueriesContext as DjangoCaptureQueriesContext

from restflow_testing._loop_thread import call_on_serving_thread, running_loop

__all__ = ["CaptureQueriesContext"]


class CaptureQueriesContext(DjangoCaptureQueriesContext):
    """Django's ``CaptureQueriesContext``, also in ``async def`` tests: it captures the queries
    of the requests and async ORM calls awaited inside the block, which run on the test's thread.

    Pass a connection as to Django's (``django.db.connection`` or ``connections[alias]``);
    inside a running test loop the context uses the test thread's connection of that alias.
    Outside an event loop it is Django's context unchanged.
    """

    connection: BaseDatabaseWrapper

    def __enter__(self) -> CaptureQueriesContext:
        if running_loop() is None:
            super().__enter__()
            return self
        return call_on_serving_thread(self._enter_with_this_threads_connection)

    def _enter_with_this_threads_connection(self) -> CaptureQueriesContext:
        self.connection = connections[self.connection.alias]
        super().__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if running_loop() is None:
            super().__exit__(exc_type, exc_value, traceback)
        else:
            call_on_serving_thread(
                lambda: super(CaptureQueriesContext, self).__exit__(exc_type, exc_value, traceback)
            )


class AssertNumQueries(CaptureQueriesContext, _AssertNumQueriesContext):
    """What the test cases' ``assertNumQueries(num)`` returns: Django's assertion, counting as
    [`CaptureQueriesContext`][restflow_testing.queries.CaptureQueriesContext] does."""
