"""Django's four test case bases, wired for async DRF tests.

Each class keeps the isolation of the Django class it extends (the database-backed ones through
Hypothesis' Django test cases, which Hypothesis requires for ``@given``) and adds:

* ``self.client`` and ``self.async_client`` are
  [`AsyncAPIClient`][restflow_testing.client.AsyncAPIClient] instances;
* ``async def asyncSetUp``/``asyncTearDown`` (and ``addAsyncCleanup``) on the same event loop
  as the test body, whether the test is ``async def`` or not;
* ``@given`` on ``async def`` tests, each example run on that loop between ``asyncSetUp`` and
  ``asyncTearDown`` with fresh clients, isolated from the other examples as described per class;
* ORM calls from async test code and from views run on the connection that ``setUpTestData``
  and ``setUp`` used, inside the test's transaction where the class has one;
* a test that leaves asyncio tasks running fails with
  [`LeakedTaskError`][restflow_testing._leaked_tasks.LeakedTaskError] (the tasks are cancelled).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, ClassVar, cast, overload

from django.db import DEFAULT_DB_ALIAS, connections
from django.test import SimpleTestCase
from hypothesis.extra import django as hypothesis_django

from restflow_testing._async_case import AsyncTestMixin
from restflow_testing._example_rollback import check_deferred_constraints
from restflow_testing._live_server import live_server_thread_class
from restflow_testing._loop_thread import call_on_serving_thread, running_loop
from restflow_testing.queries import AssertNumQueries

if TYPE_CHECKING:
    from django.db.transaction import Atomic

__all__ = [
    "AsyncAPILiveServerTestCase",
    "AsyncAPISimpleTestCase",
    "AsyncAPITestCase",
    "AsyncAPITransactionTestCase",
]


class _DatabaseLookupsOncePerClass:
    """Ask Django once per class run what its database test cases ask before and after each test.

    Django works out which of the class's databases exist and whether they support transactions
    and savepoints several times per test (each a trip through the connection handler). The
    answers depend only on ``databases`` and the ``DATABASES`` setting, which Django fixes when
    the class is set up (``setUpClass`` validates ``databases``) and does not support changing
    while its tests run. So once ``setUpClass`` is done, the answers are kept on the class until
    ``tearDownClass``; before and after that, and for a class that was never set up, every
    question goes to Django.
    """

    # None means "ask Django": before setUpClass is done, after tearDownClass, and for the
    # questions a Django version does not ask (4.2 has no _databases_support_savepoints).
    _remembered_names: ClassVar[tuple[tuple[str, ...], tuple[str, ...]] | None] = None
    _remembered_transactions: ClassVar[bool | None] = None
    _remembered_savepoints: ClassVar[bool | None] = None

    @classmethod
    def setUpClass(cls) -> None:
        # A parent class's answers are not this class's: shadow them while Django sets up.
        cls._forget_answers()
        super().setUpClass()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
        names = (cls._ask("_databases_names", True), cls._ask("_databases_names", False))
        cls._remembered_names = (tuple(names[0]), tuple(names[1]))
        if hasattr(super(), "_databases_support_transactions"):  # TestCase's questions only
            cls._remembered_transactions = bool(cls._ask("_databases_support_transactions"))
        if hasattr(super(), "_databases_support_savepoints"):
            cls._remembered_savepoints = bool(cls._ask("_databases_support_savepoints"))

    @classmethod
    def tearDownClass(cls) -> None:
        try:
            super().tearDownClass()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
        finally:
            cls._forget_answers()

    @classmethod
    def _forget_answers(cls) -> None:
        cls._remembered_names = cls._remembered_transactions = cls._remembered_savepoints = None

    @classmethod
    def _ask(cls, question: str, *arguments: object) -> Any:
        """Django's own answer to ``question`` (one of its class methods) for this class."""
        return getattr(super(), question)(*arguments)

    @classmethod
    def _databases_support_transactions(cls) -> bool:
        remembered = cls._remembered_transactions
        if remembered is None:
            return bool(cls._ask("_databases_support_transactions"))
        return remembered

    @classmethod
    def _databases_support_savepoints(cls) -> bool:
        remembered = cls._remembered_savepoints
        if remembered is None:
            return bool(cls._ask("_databases_support_savepoints"))
        return remembered

    @classmethod
    def _databases_names(cls, include_mirrors: bool = True) -> list[str]:
        names = cls._remembered_names
        if names is None:
            return list(cls._ask("_databases_names", include_mirrors))
        # A new list each time, as Django's; the remembered one is never handed out.
        return list(names[0] if include_mirrors else names[1])


class _QueriesCountedOnTheTestThread:
    """``assertNumQueries`` that counts the queries of requests awaited in async tests."""

    @overload
    def assertNumQueries(
        self, num: int, func: None = None, *, using: str = DEFAULT_DB_ALIAS
    ) -> AssertNumQueries: ...
    @overload
    def assertNumQueries(
        self, num: int, func: Callable[..., Any], *args: Any, using: str = ..., **kwargs: Any
    ) -> None: ...
    def assertNumQueries(
        self,
        num: int,
        func: Callable[..., Any] | None = None,
        *args: Any,
        using: str = DEFAULT_DB_ALIAS,
        **kwargs: Any,
    ) -> AssertNumQueries | None:
        """Fail unless the block (or ``func(*args, **kwargs)``) runs exactly ``num`` queries on
        the database ``using``, as Django's; in ``async def`` tests the queries of the requests
        and async ORM calls awaited inside the block are counted."""
        context = AssertNumQueries(cast("Any", self), num, connections[using])
        if func is None:
            return context
        with context:
            func(*args, **kwargs)
        return None


class _FlushAfterEachExample(AsyncTestMixin):
    """Transaction test cases: flush every table after each example, as Django does per test."""

    if TYPE_CHECKING:

        def _fixture_setup(self) -> None: ...
        def _fixture_teardown(self) -> None: ...

    @contextlib.contextmanager
    def _example_isolation(self) -> Generator[None]:
        try:
            yield
        finally:
            self._fixture_teardown()
            self._fixture_setup()


class AsyncAPISimpleTestCase(AsyncTestMixin, SimpleTestCase):  # type: ignore[misc]  # clients are AsyncAPIClients
    """`django.test.SimpleTestCase` for async API tests: no database access.

    Hypothesis examples share nothing but the test instance; each gets fresh clients.
    """


class AsyncAPITransactionTestCase(  # type: ignore[misc]  # clients are AsyncAPIClients
    _DatabaseLookupsOncePerClass,
    _QueriesCountedOnTheTestThread,
    _FlushAfterEachExample,
    hypothesis_django.TransactionTestCase,
):
    """`django.test.TransactionTestCase` for async API tests: real commits.

    Use it when the code under test must see a real ``COMMIT`` (``transaction.on_commit``
    receivers, other connections, ``select_for_update``). Every table is flushed after each
    test, as in Django, and after each Hypothesis example too, so each example starts from the
    test's fixtures: put per-example data in ``asyncSetUp``, which runs before each example.
    """


class AsyncAPITestCase(  # type: ignore[misc]  # clients are AsyncAPIClients
    _DatabaseLookupsOncePerClass,
    _QueriesCountedOnTheTestThread,
    AsyncTestMixin,
    hypothesis_django.TestCase,
):
    """`django.test.TestCase` for async API tests: each test runs in a transaction.

    Rows from ``setUpTestData`` are shared by the class; each test's writes, and each
    Hypothesis example's writes (a savepoint per example), are rolled back, so every example
    starts from the rows ``setUpTestData`` and ``setUp`` left. Deferred constraints are checked
    before each rollback, as Django checks them at the end of a test: an example that leaves a
    row breaking a foreign key fails with ``IntegrityError``.
    ``captureOnCommitCallbacks`` works inside async tests too.
    """

    if TYPE_CHECKING:

        @classmethod
        def _enter_atomics(cls) -> dict[str, Atomic]: ...
        @classmethod
        def _rollback_atomics(cls, atomics: dict[str, Atomic]) -> None: ...

    @contextlib.contextmanager
    def _example_isolation(self) -> Generator[None]:
        """A savepoint per example, checked for deferred constraints and rolled back.

        As Django checks at the end of each test: an example that leaves a row breaking a
        deferred foreign key fails with ``IntegrityError`` (and Hypothesis shrinks it), instead
        of passing because its writes are rolled back before anything checks them.
        """
        atomics = self._enter_atomics()
        try:
            yield
            check_deferred_constraints(
                connections[alias] for alias in reversed(self._databases_names())
            )
        finally:
            self._rollback_atomics(atomics)

    @classmethod
    @contextlib.contextmanager
    def captureOnCommitCallbacks(
        cls, *, using: str = DEFAULT_DB_ALIAS, execute: bool = False
    ) -> Generator[list[Callable[[], Any]]]:
        """Capture the ``transaction.on_commit`` callbacks registered inside the block.

        As Django's, and usable in ``async def`` tests: the callbacks registered by async ORM
        writes and by views are captured, and with ``execute=True`` run on exit where they may
        use the ORM (with the test thread's own connection).
        """
        capture = super().captureOnCommitCallbacks(using=using, execute=execute)
        if running_loop() is None:
            with capture as callbacks:
                yield callbacks
            return
        # On the loop: enter and leave on the test's thread, whose connection the ORM uses.
        callbacks = call_on_serving_thread(capture.__enter__)
        try:
            yield callbacks
        except BaseException:
            exc_type, exc, traceback = sys.exc_info()
            if not call_on_serving_thread(lambda: capture.__exit__(exc_type, exc, traceback)):
                raise
        else:
            call_on_serving_thread(lambda: capture.__exit__(None, None, None))


class AsyncAPILiveServerTestCase(  # type: ignore[misc]  # clients are AsyncAPIClients
    _DatabaseLookupsOncePerClass,
    _QueriesCountedOnTheTestThread,
    _FlushAfterEachExample,
    hypothesis_django.LiveServerTestCase,
):
    """`django.test.LiveServerTestCase` for async API tests, served over a real socket.

    With the ``live`` extra installed (uvicorn), ``live_server_url`` serves the project's ASGI
    application (``ASGI_APPLICATION``, else Django's default) through uvicorn on loopback,
    started before the class's first test and stopped after its last. Without it, Django's
    own threaded WSGI live server is used. Isolation is that of
    [`AsyncAPITransactionTestCase`][restflow_testing.cases.AsyncAPITransactionTestCase].
    """

    server_thread_class: type[Any] = live_server_thread_class()
