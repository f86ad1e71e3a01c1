"""pytest plugin: async DRF tests inside pytest-django's database transaction.

Registered through the ``pytest11`` entry point, so installing ``restflow-testing`` enables it.
It provides:

* the fixtures ``async_api_client`` (a fresh
  [`AsyncAPIClient`][restflow_testing.client.AsyncAPIClient] per test) and ``async_api_rf`` (an
  [`AsyncAPIRequestFactory`][restflow_testing.factory.AsyncAPIRequestFactory]);
* plain ``async def test_*`` functions (and methods of plain test classes), run without
  pytest-asyncio;
* ``@given`` on ``async def`` test functions, each example isolated from the others.

**How async tests run.** Each test coroutine runs on an event loop of its own, on a helper
thread, while pytest's thread (the one that set up the fixtures) waits for it, as Django's own
async tests run. The thread-sensitive sync work that async code hands off with ``sync_to_async``
(the async ORM: ``acreate``, ``aget``...; sync views, middleware and signal receivers reached
through [`AsyncAPIClient`][restflow_testing.client.AsyncAPIClient]) runs on pytest's thread
meanwhile, so it uses that thread's own database connection. With pytest-django's ``db`` fixture or
``django_db`` mark, everything the test and the views write therefore happens in the test's
transaction and is rolled back with it; with ``transactional_db`` or ``django_db(transaction=True)``
the writes commit as usual and pytest-django flushes the tables after the test. A test that returns
while asyncio tasks it started are still running fails with
[`LeakedTaskError`][restflow_testing._leaked_tasks.LeakedTaskError] (the tasks are cancelled);
``@pytest.mark.leaked_tasks("cancel")`` cancels them quietly instead.

**Async fixtures.** Function-scoped ``async def`` fixtures and async generator fixtures run on
the test's loop, before the test (and after the fixtures they depend on, ``db`` included), so
their ORM work happens in the test's transaction and what they make on the loop (tasks, events,
sessions) works in the test. An async generator fixture's code after ``yield`` runs on that loop
at teardown, before the fixtures it depends on are torn down. Tasks still running once every
fixture of the test is torn down fail the test's teardown with
[`LeakedTaskError`][restflow_testing._leaked_tasks.LeakedTaskError] (unless the ``leaked_tasks``
mark says ``"cancel"``). An async fixture with a wider scope (``class``, ``module``, ``package``,
``session``) is refused with an error that says why: each test has a loop of its own, and the
fixture's value would outlive it. Fixtures that pytest-asyncio (``@pytest_asyncio.fixture``), anyio
or pytest-trio run are left to them, as are the tests those plugins own.

**Async @given tests.** The Hypothesis engine runs on pytest's thread and each example's
coroutine runs on the test's loop, so ``note``, ``event``, ``target``, ``assume`` and
``st.data()`` draws work in the body. With a test transaction (``db``), each example ends by
rolling back to a savepoint taken before the first example, in every database the test uses:
the writes of its draws and of its body are undone whether it passed, failed or was rejected,
so each example starts from the rows the fixtures left. Under ``transactional_db`` examples are
not isolated (their writes are real commits, and flushing between examples would also remove the
fixtures' rows). A view that broke an example's transaction (a failed insert answered with a
500) does not break the next example. Fixtures are created once per test and shared by all its
examples, as Hypothesis expects, but each example starts from the state they left: the
clients ([`AsyncAPIClient`][restflow_testing.client.AsyncAPIClient]) among the test's arguments
get back their credentials, forced authentication and cookies, and the mail outbox holds only
what the fixtures sent. Keep other per-example state (a cache) inside the test body;
Hypothesis' health check ``function_scoped_fixture`` still asks you to confirm that for
function-scoped fixtures named in the signature (``@pytest.mark.django_db`` instead of a ``db``
argument avoids it for the database). Failures are shrunk, the falsifying example is reported,
and the test fails with the example's own exception. Each example that leaves tasks running
fails with
[`LeakedTaskError`][restflow_testing._leaked_tasks.LeakedTaskError].

**Coexistence with other async plugins.** The plugin runs an async test only if no other
plugin has claimed it. It leaves alone the tests that pytest-asyncio owns: those carrying its
``asyncio`` mark (pytest-asyncio turns them into its own items and runs them on its loop in
the main thread), as long as pytest-asyncio is active (with ``-p no:asyncio`` the plugin runs
marked tests itself). It also leaves the tests of anyio's and pytest-trio's plugins (the
``anyio`` and ``trio`` marks, the ``anyio_backend`` fixture). The choice follows what the test
declares, so one suite can keep pytest-asyncio tests for code that needs its loop and use this
plugin for the rest; only the latter get the transaction semantics above.

pytest-asyncio's ``asyncio_mode = "auto"`` claims every async test and every async fixture, so
the plugin then runs none of them. Their ORM calls run on another thread than the test's, with
another database connection: outside the test transaction, which on SQLite shows as "database
table is locked" and on every database as rows that are not rolled back. When a run collects
async tests that use the database under that setting, the plugin warns once
([`AsyncioAutoModeWarning`][restflow_testing.pytest_plugin.AsyncioAutoModeWarning]), naming the
setting and those tests: keep pytest-asyncio's default ``strict`` mode to have the plugin run them.

The plugin works under pytest-xdist: every worker loads it and runs its tests as above.
Importing this module needs no Django settings; Django-dependent modules load on first use.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import warnings
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any

import pytest

from restflow_testing._async_given import is_async_given_test
from restflow_testing._leaked_tasks import (
    LeakedTasks,
    check_leaked_tasks_mode,
    end_leaked_tasks,
    running_tasks,
)

if TYPE_CHECKING:
    from restflow_testing._loop_thread import LoopThread
    from restflow_testing.client import AsyncAPIClient
    from restflow_testing.factory import AsyncAPIRequestFactory

__all__ = ["AsyncioAutoModeWarning", "async_api_client", "async_api_rf"]

_FOREIGN_ASYNC_MARKS = ("asyncio", "anyio", "trio")
_DATABASE_FIXTURES = (
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
)

# The test's event loop, made when its first async fixture or its body needs it, closed once
# the test's fixtures are torn down.
_TEST_LOOP = pytest.StashKey["LoopThread"]()
# The test whose set-up or teardown is under way (wider-scoped fixtures see no test in ``request``).
_CURRENT_TEST = pytest.StashKey[pytest.Item]()


class AsyncioAutoModeWarning(pytest.PytestWarning):
    """pytest-asyncio's ``asyncio_mode = "auto"`` takes async tests that use the database away
    from this plugin, so their ORM work runs outside the test transaction."""


@pytest.fixture
def async_api_client() -> AsyncAPIClient:
    """A fresh [`AsyncAPIClient`][restflow_testing.client.AsyncAPIClient] for the test.

    No credentials, no forced authentication, no session. Requests run through the project's
    ASGI stack; in a plain ``async def`` test their ORM work runs in the test's database
    transaction (with ``db``). Shared by all examples of a ``@given`` test, each of which starts
    it in the state the fixtures left.
    """
    from restflow_testing.client import AsyncAPIClient

    return AsyncAPIClient()


@pytest.fixture
def async_api_rf() -> AsyncAPIRequestFactory:
    """A request factory for calling views directly.

    An [`AsyncAPIRequestFactory`][restflow_testing.factory.AsyncAPIRequestFactory]: build a
    request (``async_api_rf.post(path, data)``) and ``await view(request)``; mark one request as
    authenticated with [`force_authenticate()`][restflow_testing.factory.force_authenticate].
    """
    from restflow_testing.factory import AsyncAPIRequestFactory

    return AsyncAPIRequestFactory()


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin's mark."""
    config.addinivalue_line(
        "markers",
        "leaked_tasks(mode): 'cancel' cancels the asyncio tasks the test leaves running quietly "
        "(as asyncio.run does) instead of failing it with LeakedTaskError ('fail', the default).",
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Warn once when pytest-asyncio's auto mode takes async database tests from the plugin."""
    if not (config.pluginmanager.hasplugin("asyncio") and _asyncio_mode(config) == "auto"):
        return
    taken = [
        item.nodeid
        for item in items
        if isinstance(item, pytest.Function) and _is_async_test(item) and _uses_database(item)
    ]
    if not taken:
        return
    shown = ", ".join(taken[:3]) + (f" and {len(taken) - 3} more" if len(taken) > 3 else "")
    warnings.warn(
        AsyncioAutoModeWarning(
            f'pytest-asyncio\'s asyncio_mode = "auto" runs {len(taken)} async test(s) that use '
            f"the database ({shown}) on its own event loop, so restflow-testing does not: their "
            "ORM calls run on another thread with another database connection, outside the test "
            "transaction (on SQLite: 'database table is locked'; everywhere: rows that are not "
            'rolled back). Set asyncio_mode = "strict" (pytest-asyncio\'s default) and mark only '
            "the tests pytest-asyncio should run with @pytest.mark.asyncio."
        ),
        stacklevel=1,
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None]:
    """Note the test whose fixtures are being set up."""
    with _current_test(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None]:
    """Note the test that runs (``request.getfixturevalue`` in its body sets up fixtures)."""
    with _current_test(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None]:
    """Close the test's loop once its fixtures are torn down (their async teardown ran on it),
    failing the teardown if tasks are left running on it."""
    try:
        with _current_test(item):
            return (yield)
    finally:
        loop = item.stash.get(_TEST_LOOP, None)
        if loop is not None:
            del item.stash[_TEST_LOOP]
            _close_test_loop(loop, item)


@contextlib.contextmanager
def _current_test(item: pytest.Item) -> Generator[None]:
    item.config.stash[_CURRENT_TEST] = item
    try:
        yield
    finally:
        del item.config.stash[_CURRENT_TEST]


def _close_test_loop(loop: LoopThread, item: pytest.Item) -> None:
    __tracebackhide__ = True
    try:
        if loop.has_tasks():
            mode = _leaked_tasks_mode(item) if isinstance(item, pytest.Function) else "fail"
            loop.run(end_leaked_tasks(set(), lambda: f"The fixtures of {item.nodeid}", mode=mode))
    finally:
        loop.close()


def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> object:
    """Run an ``async def`` or async generator fixture on the test's loop.

    Fixtures that another plugin runs never get here with an async function (pytest-asyncio and
    anyio wrap theirs first), and the tests another plugin owns are left to it.
    """
    __tracebackhide__ = True
    function = fixturedef.func
    if not (inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)):
        return None
    test = request.config.stash.get(_CURRENT_TEST, None)
    if not isinstance(test, pytest.Function) or _owned_elsewhere(test):
        return None
    if fixturedef.scope != "function":
        pytest.fail(
            f"{request.fixturename!r} is an async fixture with scope {fixturedef.scope!r}: "
            "restflow-testing runs async fixtures on the event loop of each test, which the "
            "fixture's value would outlive. Make it function-scoped (the default), or make it a "
            "sync fixture (for rows many tests share, pytest-django's django_db_setup).",
            pytrace=False,
        )
    return _run_async_fixture(fixturedef, request, _test_loop(test))


def _run_async_fixture(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest, loop: LoopThread
) -> object:
    """Set up the fixture as pytest does a sync one: its value (or error) cached on
    ``fixturedef``, an async generator's teardown registered as the fixture's finalizer."""
    __tracebackhide__ = True
    function = _bound(fixturedef.func, request.instance)
    arguments = {name: request.getfixturevalue(name) for name in fixturedef.argnames}
    # pytest passes the SubRequest its FixtureDef expects; only FixtureRequest is public.
    key = fixturedef.cache_key(request)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    try:
        if inspect.isasyncgenfunction(function):
            generator: AsyncGenerator[object] = function(**arguments)
            value = loop.run(_first_value(generator, request.fixturename))
            request.addfinalizer(lambda: loop.run(_teardown(generator, request.fixturename)))
        else:
            value = loop.run(function(**arguments))
    except (Exception, pytest.fail.Exception, pytest.skip.Exception) as error:
        fixturedef.cached_result = (None, key, (error, error.__traceback__))
        raise
    fixturedef.cached_result = (value, key, None)
    # pytest asks the next implementation when this hook returns None; the value is read
    # from ``cached_result``.
    return value if value is not None else fixturedef


def _bound(function: Callable[..., Any], instance: object) -> Callable[..., Any]:
    """The fixture function bound to the test's instance, for fixtures defined in a test class."""
    if (
        instance is not None
        and inspect.ismethod(function)
        and isinstance(instance, type(function.__self__))
    ):
        bound: Callable[..., Any] = function.__func__.__get__(instance)
        return bound
    return function


async def _first_value(generator: AsyncGenerator[object], name: str | None) -> object:
    try:
        return await anext(generator)
    except StopAsyncIteration:
        raise ValueError(f"The async fixture {name!r} did not yield a value.") from None


async def _teardown(generator: AsyncGenerator[object], name: str | None) -> None:
    try:
        await anext(generator)
    except StopAsyncIteration:
        return
    await generator.aclose()
    raise ValueError(f"The async fixture {name!r} yields more than once: yield exactly once.")


def _test_loop(item: pytest.Function) -> LoopThread:
    """The test's event loop, made on first use."""
    loop = item.stash.get(_TEST_LOOP, None)
    if loop is None:
        from restflow_testing._loop_thread import LoopThread

        loop = item.stash[_TEST_LOOP] = LoopThread()
    return loop


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run the item's async test body, unless another async plugin owns the item."""
    __tracebackhide__ = True
    if not _is_async_test(pyfuncitem) or _owned_elsewhere(pyfuncitem):
        return None
    test = pyfuncitem.obj
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    loop = _test_loop(pyfuncitem)
    if is_async_given_test(test):
        _run_given(test, arguments, pyfuncitem, loop)
    else:
        mode = _leaked_tasks_mode(pyfuncitem)
        loop.run(_run_checking_tasks(test, arguments, pyfuncitem.nodeid, mode))
    return True


def _is_async_test(item: pytest.Function) -> bool:
    return is_async_given_test(item.obj) or inspect.iscoroutinefunction(item.obj)


def _uses_database(item: pytest.Function) -> bool:
    return item.get_closest_marker("django_db") is not None or any(
        name in item.fixturenames for name in _DATABASE_FIXTURES
    )


def _owned_elsewhere(item: pytest.Function) -> bool:
    """Whether pytest-asyncio, anyio or pytest-trio will run this test."""
    plugins = item.config.pluginmanager
    if "anyio_backend" in item.fixturenames and plugins.hasplugin("anyio"):
        return True
    for mark in _FOREIGN_ASYNC_MARKS:
        if item.get_closest_marker(mark) is not None and plugins.hasplugin(mark):
            return True
    return plugins.hasplugin("asyncio") and _asyncio_mode(item.config) == "auto"


def _asyncio_mode(config: pytest.Config) -> str | None:
    mode: object = config.getoption("asyncio_mode", None)
    if mode is None:
        try:
            mode = config.getini("asyncio_mode")
        except ValueError:
            return None
    return str(mode) if mode else None


async def _run_checking_tasks(
    test: Callable[..., Awaitable[object]],
    arguments: dict[str, Any],
    nodeid: str,
    mode: LeakedTasks,
) -> None:
    __tracebackhide__ = True
    from restflow_testing._awaited_requests import every_request_awaited

    with every_request_awaited(lambda: f"Test {nodeid}"):
        existing = running_tasks()
        failed = True
        try:
            await test(**arguments)
            failed = False
        finally:
            await end_leaked_tasks(existing, lambda: f"Test {nodeid}", mode=mode, report=not failed)


def _run_given(
    test: Callable[..., object], arguments: dict[str, Any], item: pytest.Function, loop: LoopThread
) -> None:
    __tracebackhide__ = True
    from restflow_testing._async_given import examples_run_by
    from restflow_testing._example_rollback import ExampleRollback, prepare_async_given

    prepare_async_given(test)
    mode = _leaked_tasks_mode(item)
    clients = _clients_among(arguments.values())
    with examples_run_by(lambda body: loop.run(body())), ExampleRollback(mode, clients):
        test(**arguments)


def _clients_among(values: Iterable[object]) -> list[AsyncAPIClient]:
    """The ``AsyncAPIClient`` fixtures among a test's arguments."""
    # Without the client module imported there is no client (and perhaps no Django settings,
    # which importing it needs).
    module = sys.modules.get("restflow_testing.client")
    if module is None:
        return []
    client_class: type[AsyncAPIClient] = module.AsyncAPIClient
    return [value for value in values if isinstance(value, client_class)]


def _leaked_tasks_mode(item: pytest.Function) -> LeakedTasks:
    """The mode the test's ``leaked_tasks`` mark asks for; ``"fail"`` without one."""
    marker = item.get_closest_marker("leaked_tasks")
    if marker is None:
        return "fail"
    if len(marker.args) != 1 or marker.kwargs:
        raise pytest.UsageError(
            f"{item.nodeid}: write the mark as @pytest.mark.leaked_tasks('cancel') "
            "(or 'fail', the default)."
        )
    try:
        return check_leaked_tasks_mode(marker.args[0], item.nodeid)
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
