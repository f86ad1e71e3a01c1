"""``APIStateMachine``: Hypothesis' rule-based state machine on the test loop, one savepoint a run.

Hypothesis makes a machine for every run (one sequence of steps) on the test's thread and calls
its ``teardown`` in a ``finally``. The machine's ``__init__`` enters a savepoint in each of its
databases and ``teardown`` rolls it back, so every run starts from the rows the test set up and
shrinking replays each candidate on the same data. Coroutines of async rules run on the test
loop the ambient test provides (``APIStateMachine.TestCase``,
``APIStateMachine.run_as_test``), or on a loop of the machine's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
from collections.abc import Callable, Collection, Coroutine, Generator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.core import mail
from django.db import connections, transaction
from hypothesis import HealthCheck
from hypothesis import settings as Settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from restflow_testing._leaked_tasks import LeakedTasks, end_leaked_tasks, running_tasks
from restflow_testing._loop_thread import LoopThread
from restflow_testing.cases import AsyncAPITestCase
from restflow_testing.client import AsyncAPIClient

if TYPE_CHECKING:
    from django.db.transaction import Atomic

_T = TypeVar("_T")
_TEARDOWN_MARK = "_restflow_testing_teardown"

__all__ = ["APIStateMachine", "StateMachineTestCase"]


@dataclass(frozen=True)
class _TestContext:
    """What the test running the machine provides to each run."""

    loop: LoopThread
    client_class: type[AsyncAPIClient]
    databases: tuple[str, ...]
    leaked_tasks: LeakedTasks


_ambient: ContextVar[_TestContext | None] = ContextVar(
    "restflow_testing_state_machine_context", default=None
)


@contextlib.contextmanager
def _running_with(context: _TestContext) -> Generator[None]:
    token = _ambient.set(context)
    try:
        yield
    finally:
        _ambient.reset(token)


def _aliases(databases: Collection[str] | str) -> tuple[str, ...]:
    if databases == "__all__":
        return tuple(connections)
    if isinstance(databases, str):
        return (databases,)
    return tuple(sorted(databases))


def _default_settings() -> Settings:
    # What Hypothesis gives its own state machine test cases.
    checks: list[HealthCheck] = list(HealthCheck)  # pyright: ignore[reportAssignmentType]  # an enum's members
    return Settings(deadline=None, suppress_health_check=checks)


class _TestCaseProperty:
    """``Machine.TestCase``: an ``AsyncAPITestCase`` that runs the machine (one per class)."""

    def __get__(
        self, instance: APIStateMachine | None, owner: type[APIStateMachine] | None = None
    ) -> type[StateMachineTestCase]:
        machine = type(instance) if instance is not None else owner
        if machine is None:  # pragma: no cover - descriptors always get one of the two
            raise AttributeError("TestCase")
        return _test_case_for(machine)


class APIStateMachine(RuleBasedStateMachine):
    """A rule-based state machine whose rules may be ``async def`` and send requests.

    Decorate methods with ``rule``,
    ``initialize``, ``invariant``
    and ``precondition`` (this package's, which accept
    ``async def``). Guarantees, for every run (one sequence of steps):

    * coroutines run on the test loop, while the test's thread serves their ORM work: views and
      async ORM calls use the test's database connection, inside its transaction;
    * the run is inside its own savepoint of every database in ``databases``, rolled back
      by ``teardown``: runs are independent and shrinking replays them cleanly;
    * ``self.client`` is a fresh ``AsyncAPIClient`` (``client_class``)
      and ``django.core.mail.outbox`` starts empty;
    * asyncio tasks a run leaves running fail it with
      ``LeakedTaskError`` (they are cancelled).

    Clean up in ``async def asyncTearDown(self)`` (on the test loop) or in a sync
    ``teardown``, neither needing ``super()``: the run's end (leaked-task check, rollback)
    always follows them. Run the machine with ``Machine.TestCase`` (an
    ``AsyncAPITestCase``), ``run_as_test`` (pytest), or
    Hypothesis' ``run_state_machine_as_test`` (the machine then makes a loop per run).
    """

    client: AsyncAPIClient
    client_class: ClassVar[type[AsyncAPIClient]] = AsyncAPIClient
    """The client class of ``self.client`` when the machine runs outside ``TestCase``."""
    databases: ClassVar[Collection[str] | str] = frozenset({"default"})
    """The databases each run's savepoint covers (``"__all__"`` for every one); ``TestCase``
    uses its own ``databases``, which default to these."""

    TestCase: _TestCaseProperty = _TestCaseProperty()  # type: ignore[assignment]  # an AsyncAPITestCase, not unittest's

    _teardown_depth: int = 0

    def __init__(self) -> None:
        super().__init__()
        context = _ambient.get()
        self._own_loop: LoopThread | None = None
        if context is None:
            self._own_loop = LoopThread()
            context = _TestContext(
                loop=self._own_loop,
                client_class=type(self).client_class,
                databases=_aliases(type(self).databases),
                leaked_tasks="fail",
            )
        self._context = context
        self._atomics: list[Atomic] = []
        self._finished = False
        self._existing_tasks: set[asyncio.Task[object]] = set()
        try:
            for alias in context.databases:
                atomic = transaction.atomic(using=alias)
                atomic.__enter__()
                self._atomics.append(atomic)
            if hasattr(mail, "outbox"):
                mail.outbox = []
            self.client = context.client_class()
            if context.loop.has_tasks():
                self._existing_tasks = context.loop.run(_running_tasks())
        except BaseException:
            self._finish_run()
            raise

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("teardown", "asyncTearDown"):
            own = cls.__dict__.get(name)
            wanted = name == "asyncTearDown"
            if own is not None and inspect.iscoroutinefunction(own) != wanted:
                raise TypeError(
                    f"{cls.__name__}.{name} must be {'async def' if wanted else 'a plain def'}"
                    f": clean up on the test loop in 'async def asyncTearDown(self)', or in a "
                    "sync 'def teardown(self)'."
                )
        own = cls.__dict__.get("teardown")
        if own is not None and not getattr(own, _TEARDOWN_MARK, False):
            setattr(cls, "teardown", _ending_the_run(own))  # noqa: B010 - runs the run's end too

    def _run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coroutine`` on the test loop and return its result (sync code only)."""
        return self._context.loop.run(coroutine)

    async def asyncTearDown(self) -> None:
        """Clean up after a run, on the test loop, inside the run's savepoint (Hypothesis
        calls ``teardown`` at the end of every run, failed ones included)."""

    def teardown(self) -> None:
        """End the run: ``asyncTearDown``, the leaked-task check, and the rollback of the
        run's savepoint."""
        if self._teardown_depth == 0:
            self._finish_run()

    @classmethod
    def run_as_test(cls, *, settings: Settings | None = None) -> None:
        """Run the machine as one test (from pytest, say), all runs on one test loop.

        Call it from sync code on the thread that owns the test's database connection (a
        pytest test with the ``db`` fixture): each run is in a savepoint of that transaction.
        ``settings`` default to ``cls.TestCase.state_machine_settings``. Raises the failure
        Hypothesis found, shrunk, with the steps that reproduce it in the exception's notes.
        """
        loop = LoopThread()
        context = _TestContext(
            loop=loop,
            client_class=cls.client_class,
            databases=_aliases(cls.databases),
            leaked_tasks="fail",
        )
        try:
            with _running_with(context):
                run_state_machine_as_test(
                    cls,
                    settings=settings
                    if settings is not None
                    else cls.TestCase.state_machine_settings,
                )
        finally:
            loop.close()

    def _finish_run(self) -> None:
        """Leaked-task check, rollback of the run's savepoints, own loop closed. Idempotent."""
        if self._finished:
            return
        self._finished = True
        context = self._context
        try:
            if type(self).asyncTearDown is not APIStateMachine.asyncTearDown:
                context.loop.run(self.asyncTearDown())
            if not context.loop.loop.is_closed() and context.loop.has_tasks():
                context.loop.run(
                    end_leaked_tasks(
                        self._existing_tasks,
                        lambda: f"A run of {type(self).__name__}",
                        mode=context.leaked_tasks,
                    )
                )
        finally:
            try:
                while self._atomics:
                    atomic = self._atomics.pop()
                    transaction.set_rollback(True, using=atomic.using)
                    atomic.__exit__(None, None, None)
            finally:
                if self._own_loop is not None:
                    self._own_loop.close()


def _ending_the_run(teardown: Callable[[Any], object]) -> Callable[[APIStateMachine], None]:
    """A subclass's own ``teardown``, then the end of the run."""

    @functools.wraps(teardown)
    def run_teardown(machine: APIStateMachine) -> None:
        machine._teardown_depth += 1
        try:
            teardown(machine)
        finally:
            machine._teardown_depth -= 1
            if machine._teardown_depth == 0:
                machine._finish_run()

    setattr(run_teardown, _TEARDOWN_MARK, True)
    return run_teardown


async def _running_tasks() -> set[asyncio.Task[object]]:
    return running_tasks()


class StateMachineTestCase(AsyncAPITestCase):
    """The type of ``Machine.TestCase``: an ``AsyncAPITestCase`` whose
    one test, ``runTest``, runs the machine.

    Runs use the test case's loop (so objects ``asyncSetUp`` makes are usable in rules), its
    ``client_class``, ``databases`` and ``leaked_tasks``; rows from ``setUpTestData`` and
    ``setUp`` are seen by every run. Set ``state_machine_settings`` (a Hypothesis ``settings``
    object) on the class, or on a subclass, to tune the runs (``settings`` stays Django's
    ``self.settings(...)``).
    """

    state_machine_settings: ClassVar[Settings] = _default_settings()
    state_machine: ClassVar[type[APIStateMachine]]

    def _run_state_machine(self) -> None:
        """Run the state machine, shrinking and reporting a failure as Hypothesis does."""
        context = _TestContext(
            loop=self._test_loop(),
            client_class=type(self).client_class,
            databases=_aliases(type(self).databases),
            leaked_tasks=self.leaked_tasks,
        )
        if isinstance(getattr(type(self), "settings", None), Settings):
            raise TypeError(
                f"{type(self).__name__}.settings is Django's settings() method here: set the "
                "Hypothesis settings as state_machine_settings instead."
            )
        with _running_with(context):
            run_state_machine_as_test(
                type(self).state_machine, settings=type(self).state_machine_settings
            )

    if TYPE_CHECKING:

        def runTest(self) -> None: ...


def _run_test(case: StateMachineTestCase) -> None:
    """``runTest`` of each machine's test case (the base class has no test of its own, so
    importing it into a test module collects nothing)."""
    case._run_state_machine()


@functools.cache
def _test_case_for(machine: type[APIStateMachine]) -> type[StateMachineTestCase]:
    namespace = {
        "state_machine": machine,
        "runTest": _run_test,
        "databases": frozenset(_aliases(machine.databases)),
        "__module__": machine.__module__,
        "__qualname__": f"{machine.__qualname__}.TestCase",
    }
    return type(f"{machine.__name__}.TestCase", (StateMachineTestCase,), namespace)
