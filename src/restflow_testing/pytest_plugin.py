"""pytest plugin: async DRF tests inside pytest-django's database transaction.

Registered through the ``pytest11`` entry point, so installing ``restflow-testing`` enables it.
It provides:

* the fixtures ``async_api_client`` (a fresh :class:`~restflow_testing.AsyncAPIClient` per
  test) and ``async_api_rf`` (an :class:`~restflow_testing.AsyncAPIRequestFactory`);
* plain ``async def test_*`` functions (and methods of plain test classes), run without
  pytest-asyncio;
* ``@given`` on ``async def`` test functions, each example isolated from the others.

**How async tests run.** Each test coroutine runs on an event loop of its own, on a helper
thread, while pytest's thread (the one that set up the fixtures) waits for it, as Django's own
async tests run. The thread-sensitive sync work that async code hands off with ``sync_to_async``
(the async ORM: ``acreate``, ``aget``...; sync views, middleware and signal receivers reached
through :class:`~restflow_testing.AsyncAPIClient`) runs on pytest's thread meanwhile, so it
uses that thread's own database connection. With pytest-django's
``db`` fixture or ``django_db`` mark, everything the test and the views write therefore happens
in the test's transaction and is rolled back with it; with ``transactional_db`` or
``django_db(transaction=True)`` the writes commit as usual and pytest-django flushes the tables
after the test. A test that returns while asyncio tasks it started are still running fails
with :class:`~restflow_testing.LeakedTaskError` (the tasks are cancelled);
``@pytest.mark.leaked_tasks("cancel")`` cancels them quietly instead. Async fixtures are
not run by this plugin: use sync fixtures, or pytest-asyncio for tests that need them.

**Async @given tests.** The Hypothesis engine runs on pytest's thread and each example's
coroutine runs on the test's loop, so ``note``, ``event``, ``target``, ``assume`` and
``st.data()`` draws work in the body. With a test transaction (``db``), each example ends by
rolling back to a savepoint taken before the first example, in every database the test uses:
the writes of its draws and of its body are undone whether it passed, failed or was rejected,
so each example starts from the rows the fixtures left. Under ``transactional_db`` examples are
not isolated (their writes are real commits, and flushing between examples would also remove the
fixtures' rows). A view that broke an example's transaction (a failed insert answered with a
500) does not break the next example. Fixtures are created once per test and shared by all its
examples, as Hypothesis expects, but each example starts from the state they left: the clients
(:class:`~restflow_testing.AsyncAPIClient`) among the test's arguments get back their
credentials, forced authentication and cookies, and the mail outbox holds only what the fixtures
sent. Keep other per-example state (a cache) inside the test body; Hypothesis' health check
``function_scoped_fixture`` still asks you to confirm that for function-scoped fixtures named in
the signature (``@pytest.mark.django_db`` instead of a ``db`` argument avoids it for the
database). Failures are shrunk, the falsifying example is reported, and the test fails with the
example's own exception. Each example that leaves tasks running fails with
:class:`~restflow_testing.LeakedTaskError`.

**Coexistence with other async plugins.** The plugin runs an async test only if no other
plugin has claimed it. It leaves alone the tests that pytest-asyncio owns: those carrying its
``asyncio`` mark (pytest-asyncio turns them into its own items and runs them on its loop in
the main thread; in its ``auto`` mode it marks every async test at collection, and the plugin
also steps back for every async test when ``asyncio_mode`` is ``auto``), as long as
pytest-asyncio is active (with ``-p no:asyncio`` the plugin runs marked tests itself). It
also leaves the tests of anyio's and pytest-trio's plugins (the ``anyio`` and ``trio`` marks,
the ``anyio_backend`` fixture). The choice follows what the test declares, so one suite can
keep pytest-asyncio tests for code that needs its loop and use this plugin for the rest; only
the latter get the transaction semantics above.

The plugin works under pytest-xdist: every worker loads it and runs its tests as above.
Importing this module needs no Django settings; Django-dependent modules load on first use.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Awaitable, Callable, Iterable
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
    from restflow_testing.client import AsyncAPIClient
    from restflow_testing.factory import AsyncAPIRequestFactory

__all__ = ["async_api_client", "async_api_rf"]

_FOREIGN_ASYNC_MARKS = ("asyncio", "anyio", "trio")


@pytest.fixture
def async_api_client() -> AsyncAPIClient:
    """A fresh :class:`~restflow_testing.AsyncAPIClient` for the test.

    No credentials, no forced authentication, no session. Requests run through the project's
    ASGI stack; in a plain ``async def`` test their ORM work runs in the test's database
    transaction (with ``db``). Shared by all examples of a ``@given`` test, each of which starts
    it in the state the fixtures left.
    """
    from restflow_testing.client import AsyncAPIClient

    return AsyncAPIClient()


@pytest.fixture
def async_api_rf() -> AsyncAPIRequestFactory:
    """An :class:`~restflow_testing.AsyncAPIRequestFactory` for calling views directly.

    Build a request (``async_api_rf.post(path, data)``) and ``await view(request)``; mark one
    request as authenticated with :func:`restflow_testing.force_authenticate`.
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


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run the item's async test body, unless another async plugin owns the item."""
    __tracebackhide__ = True
    test = pyfuncitem.obj
    is_given = is_async_given_test(test)
    if not (is_given or inspect.iscoroutinefunction(test)) or _owned_elsewhere(pyfuncitem):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    if is_given:
        _run_given(test, arguments, pyfuncitem)
    else:
        _run_coroutine(test, arguments, pyfuncitem)
    return True


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


def _run_coroutine(
    test: Callable[..., Awaitable[object]], arguments: dict[str, Any], item: pytest.Function
) -> None:
    __tracebackhide__ = True
    from restflow_testing._loop_thread import LoopThread

    loop = LoopThread()
    try:
        loop.run(_run_checking_tasks(test, arguments, item.nodeid, _leaked_tasks_mode(item)))
    finally:
        loop.close()


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
    test: Callable[..., object], arguments: dict[str, Any], item: pytest.Function
) -> None:
    __tracebackhide__ = True
    from restflow_testing._async_given import examples_run_by
    from restflow_testing._example_rollback import ExampleRollback, prepare_async_given
    from restflow_testing._loop_thread import LoopThread

    prepare_async_given(test)
    loop = LoopThread()
    mode = _leaked_tasks_mode(item)
    clients = _clients_among(arguments.values())
    try:
        with examples_run_by(lambda body: loop.run(body())), ExampleRollback(mode, clients):
            test(**arguments)
    finally:
        loop.close()


def _clients_among(values: Iterable[object]) -> list[AsyncAPIClient]:
    """The :class:`~restflow_testing.AsyncAPIClient` fixtures among a test's arguments."""
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
