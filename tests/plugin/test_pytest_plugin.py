"""The pytest plugin, driven through pytest's own ``pytester`` in a subprocess per run.

Each inner run is a real pytest session with pytest-django on the suite's project (the repository
root on ``PYTHONPATH``), pytest-asyncio installed in its default strict mode, and the plugin
loaded from its ``pytest11`` entry point.
"""

import re
import textwrap

import pytest

pytest_plugins = ["pytester"]


ROLLBACK_TESTS = """
import pytest
from restflow_testing import AsyncAPIClient
from tests.project.app.models import Article, Tag


@pytest.mark.django_db
async def test_a(async_api_client: AsyncAPIClient) -> None:
    assert await Tag.objects.acount() == 0
    assert await Article.objects.acount() == 0
    await Tag.objects.acreate(name="from-a")
    response = await async_api_client.post("/restflow/articles/", {"title": "from a"})
    assert response.status_code == 201, response.content
    assert await Article.objects.acount() == 1


async def test_b(db: None, async_api_client: AsyncAPIClient) -> None:
    assert await Tag.objects.acount() == 0
    assert await Article.objects.acount() == 0
    await Tag.objects.acreate(name="from-b")
    response = await async_api_client.post("/restflow/articles/", {"title": "from b"})
    assert response.status_code == 201, response.content


class TestInAClass:
    @pytest.mark.django_db
    async def test_c(self) -> None:
        assert await Tag.objects.acount() == 0
        await Tag.objects.acreate(name="from-c")
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # schemathesis' plugin (a benchmark peer) replaces parts of Hypothesis' reporting.
    return pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:schemathesis", "-v", *args
    )  # fmt: skip


def write(pytester: pytest.Pytester, name: str, source: str) -> None:
    pytester.makepyfile(**{name: textwrap.dedent(source)})


def ran_in_order(result: pytest.RunResult, names: list[str]) -> bool:
    positions = [result.stdout.str().find(f"::{name} PASSED") for name in names]
    return -1 not in positions and positions == sorted(positions)


@pytest.mark.parametrize(
    "order",
    [["test_a", "test_b", "TestInAClass::test_c"], ["TestInAClass::test_c", "test_b", "test_a"]],
)
def test_rows_written_by_an_async_test_are_gone_in_the_next(
    inner: pytest.Pytester, order: list[str]
) -> None:
    write(inner, "test_rollback", ROLLBACK_TESTS)

    result = run(inner, *(f"test_rollback.py::{name}" for name in order))

    result.assert_outcomes(passed=3)
    assert ran_in_order(result, order)


def test_each_example_of_an_async_given_test_starts_clean(inner: pytest.Pytester) -> None:
    write(
        inner,
        "test_examples",
        """
        import itertools

        import pytest
        from hypothesis import HealthCheck, assume, given, settings, strategies as st
        from restflow_testing import AsyncAPIClient
        from tests.project.app.models import Article, Tag

        starts: list[tuple[int, int]] = []
        clients: set[int] = set()
        names = itertools.count()


        @pytest.fixture
        def fixture_tag(db: None) -> Tag:
            return Tag.objects.create(name="made-by-a-fixture")


        @st.composite
        def tag_rows(draw: st.DrawFn) -> int:
            # Writes a row while drawing, then rejects half of the examples.
            Tag.objects.create(name=f"drawn-{next(names)}")
            keep = draw(st.booleans())
            assume(keep)
            return draw(st.integers(0, 3))


        @settings(
            max_examples=40,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(titles=st.lists(st.text("abc", min_size=1), max_size=3), extra=tag_rows())
        async def test_examples(
            fixture_tag: Tag, async_api_client: AsyncAPIClient, titles: list[str], extra: int
        ) -> None:
            clients.add(id(async_api_client))
            # The fixture's row and this example's drawn row, nothing from earlier examples.
            starts.append((await Tag.objects.acount(), await Article.objects.acount()))
            assert starts[-1] == (2, 0)
            assert await Tag.objects.filter(pk=fixture_tag.pk).aexists()
            for title in titles:
                response = await async_api_client.post("/restflow/articles/", {"title": title})
                assert response.status_code == 201, response.content
            for index in range(extra):
                await Tag.objects.acreate(name=f"body-{index}")
            assert await Article.objects.acount() == len(titles)


        def test_zz_examples_ran() -> None:
            assert len(starts) > 10
            assert set(starts) == {(2, 0)}
            assert len(clients) == 1  # fixtures are shared by the examples


        @pytest.mark.django_db
        def test_zz_nothing_left() -> None:
            assert Tag.objects.count() == 0
            assert Article.objects.count() == 0
        """,
    )

    result = run(inner)

    result.assert_outcomes(passed=3)


def test_an_example_that_breaks_a_foreign_key_fails(inner: pytest.Pytester) -> None:
    write(
        inner,
        "test_constraints",
        """
        import pytest
        from hypothesis import given, settings, strategies as st
        from tests.project.app.models import Article


        @pytest.mark.django_db
        @settings(max_examples=20, database=None, deadline=None)
        @given(user_id=st.integers(0, 10))
        async def test_orphans(user_id: int) -> None:
            await Article.objects.acreate(title="orphan", author_id=987_654 + user_id)
        """,
    )

    result = run(inner)

    result.assert_outcomes(failed=1)
    assert "IntegrityError" in result.stdout.str()
    assert "user_id=0" in result.stdout.str()


def test_hypothesis_helpers_work_in_the_async_body(inner: pytest.Pytester) -> None:
    write(
        inner,
        "test_helpers",
        """
        import pytest
        from hypothesis import assume, event, given, note, settings, strategies as st, target


        @settings(max_examples=30, deadline=None)
        @given(n=st.integers(0, 20), data=st.data())
        async def test_helpers(n: int, data: st.DataObject) -> None:
            event("seen")
            target(float(n))
            assume(n != 7)
            drawn = data.draw(st.integers(0, 5), label="drawn")
            note(f"noted {n} and {drawn}")
            assert n + drawn < 12, "sum too big"
        """,
    )

    result = run(inner)

    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "AssertionError: sum too big" in output
    # Shrunk to the smallest failing pair (n=7 is assumed away), with the interactive draw,
    # the note and the target reported.
    assert re.search(r"n=8,?\n", output) is not None
    assert "Draw 1 (drawn): 4" in output
    assert "noted 8 and 4" in output
    assert "Highest target score" in output


def test_a_failing_async_test_reports_its_own_assertion(inner: pytest.Pytester) -> None:
    write(
        inner,
        "test_failing",
        """
        from hypothesis import given, settings, strategies as st


        async def test_plain() -> None:
            total = 1 + 1
            assert total == 3, "arithmetic broke"


        @settings(deadline=None)
        @given(n=st.integers())
        async def test_property(n: int) -> None:
            assert n < 10, "too large"
        """,
    )

    result = run(inner)

    result.assert_outcomes(failed=2)
    output = result.stdout.str()
    assert "AssertionError: arithmetic broke" in output
    assert "AssertionError: too large" in output
    # The shrunk example: the smallest integer that fails.
    assert re.search(r"n=10,?\n", output) is not None


def test_a_leaked_task_fails_the_test(inner: pytest.Pytester) -> None:
    write(
        inner,
        "test_leak",
        """
        import asyncio


        async def forever() -> None:
            await asyncio.sleep(3600)


        async def test_leaks() -> None:
            asyncio.get_running_loop().create_task(forever())


        async def test_awaits() -> None:
            await asyncio.get_running_loop().create_task(asyncio.sleep(0))
        """,
    )

    result = run(inner)

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*LeakedTaskError: Test *test_leaks left 1 asyncio task*forever*"])


def test_the_suite_runs_under_xdist(inner: pytest.Pytester) -> None:
    write(inner, "test_rollback", ROLLBACK_TESTS)
    write(
        inner,
        "test_more",
        """
        import pytest
        from tests.project.app.models import Tag


        @pytest.mark.parametrize("index", range(8))
        @pytest.mark.django_db
        async def test_writes(index: int) -> None:
            assert await Tag.objects.acount() == 0
            await Tag.objects.acreate(name=f"row-{index}")
        """,
    )

    result = run(inner, "-p", "xdist", "-n", "2")

    result.assert_outcomes(passed=11)
    result.stdout.fnmatch_lines(["*created: 2/2 workers*"])


OWNERSHIP_TESTS = """
import threading

import pytest
from asgiref.sync import sync_to_async


async def runner() -> str:
    # Under this plugin, thread-sensitive sync work runs on the test's own thread (with the
    # test's connections); under pytest-asyncio it goes to asgiref's executor thread.
    thread = await sync_to_async(threading.current_thread)()
    return "plugin" if thread is threading.main_thread() else "other"


@pytest.mark.asyncio
async def test_marked() -> None:
    print("marked run by:", await runner())


async def test_unmarked() -> None:
    print("unmarked run by:", await runner())
"""


def test_pytest_asyncio_keeps_the_tests_it_owns(inner: pytest.Pytester) -> None:
    write(inner, "test_owner", OWNERSHIP_TESTS)

    strict = run(inner, "-s")
    auto = run(inner, "-s", "-o", "asyncio_mode=auto")

    strict.assert_outcomes(passed=2)
    auto.assert_outcomes(passed=2)
    assert "marked run by: other" in strict.stdout.str()
    assert "unmarked run by: plugin" in strict.stdout.str()
    assert "unmarked run by: other" in auto.stdout.str()


def test_async_tests_run_without_pytest_asyncio(inner: pytest.Pytester) -> None:
    write(inner, "test_owner", OWNERSHIP_TESTS)
    write(inner, "test_rollback", ROLLBACK_TESTS)

    result = run(inner, "-s", "-p", "no:asyncio", "-W", "ignore::pytest.PytestUnknownMarkWarning")

    result.assert_outcomes(passed=5)
    # Nobody else claims the marked test, so the plugin runs it.
    assert "marked run by: plugin" in result.stdout.str()


def test_transactional_db_commits(inner: pytest.Pytester) -> None:
    write(
        inner,
        "test_commits",
        """
        import pytest
        from asgiref.sync import sync_to_async
        from django.db import connection
        from tests.project.app.models import Tag


        def count_from_another_connection() -> int:
            try:
                return Tag.objects.count()
            finally:
                connection.close()


        @pytest.mark.django_db(transaction=True)
        async def test_commits() -> None:
            await Tag.objects.acreate(name="committed")
            # Another thread has its own connection: it sees only committed rows.
            elsewhere = sync_to_async(count_from_another_connection, thread_sensitive=False)
            assert await elsewhere() == 1


        async def test_flushed_afterwards(transactional_db: None) -> None:
            assert await Tag.objects.acount() == 0
        """,
    )

    result = run(inner)

    result.assert_outcomes(passed=2)


def test_fixtures_against_real_views(inner: pytest.Pytester) -> None:
    write(
        inner,
        "test_views",
        """
        import pytest
        from django.contrib.auth.models import User
        from restflow_testing import AsyncAPIClient, AsyncAPIRequestFactory, force_authenticate
        from tests.project.app.models import Article
        from tests.project.app.views_restflow import ArticleViewSet, RestflowEchoView


        @pytest.mark.django_db
        async def test_client_creates_and_lists(async_api_client: AsyncAPIClient) -> None:
            created = await async_api_client.post("/restflow/articles/", {"title": "one"})
            assert created.status_code == 201, created.content
            listed = await async_api_client.get("/restflow/articles/")
            assert [row["title"] for row in listed.json()] == ["one"]


        async def test_client_forced_auth(async_api_client: AsyncAPIClient) -> None:
            async_api_client.force_authenticate(User(username="ada"))
            response = await async_api_client.get("/restflow/echo/", {"q": "1"})
            assert response.status_code == 200
            assert response.data["user"] == "ada"


        async def test_factory_with_echo_view(async_api_rf: AsyncAPIRequestFactory) -> None:
            request = async_api_rf.put("/restflow/echo/", {"x": 1})
            force_authenticate(request, User(username="grace"))
            response = await RestflowEchoView.as_view()(request)
            assert response.status_code == 200
            assert response.data["data"] == {"x": 1}
            assert response.data["user"] == "grace"


        @pytest.mark.django_db
        async def test_factory_with_viewset(async_api_rf: AsyncAPIRequestFactory) -> None:
            assert await Article.objects.acount() == 0
            request = async_api_rf.post("/restflow/articles/", {"title": "two"})
            response = await ArticleViewSet.as_view({"post": "create"})(request)
            assert response.status_code == 201
            assert await Article.objects.filter(title="two").aexists()
        """,
    )

    result = run(inner)

    result.assert_outcomes(passed=4)


def test_async_tests_run_without_django_settings(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Installing the package enables the plugin in every project, Django or not.
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    write(
        pytester,
        "test_plain",
        """
        import asyncio

        from hypothesis import given, settings, strategies as st


        async def test_plain() -> None:
            assert await asyncio.sleep(0, result=3) == 3


        @settings(max_examples=5)
        @given(n=st.integers())
        async def test_property(n: int) -> None:
            assert await asyncio.sleep(0, result=n) == n
        """,
    )

    result = run(pytester)

    result.assert_outcomes(passed=2)


ASYNC_FIXTURE_TESTS = """
import asyncio
from collections.abc import AsyncIterator

import pytest
from restflow_testing import AsyncAPIClient
from tests.project.app.models import Article, Tag

events: list[str] = []


@pytest.fixture
async def tag(db: None) -> Tag:
    return await Tag.objects.acreate(name="made-by-a-fixture")


@pytest.fixture
async def opened(tag: Tag) -> AsyncIterator[asyncio.Queue[str]]:
    # Made on the test's loop: the test can use it.
    queue: asyncio.Queue[str] = asyncio.Queue()
    events.append("opened")
    yield queue
    # Teardown runs on that loop too, inside the transaction, before ``tag``'s teardown.
    events.append(f"closed with {queue.get_nowait()!r}, {await Tag.objects.acount()} tag(s)")


@pytest.fixture
async def article(async_api_client: AsyncAPIClient, tag: Tag) -> int:
    response = await async_api_client.post("/restflow/articles/", {"title": tag.name})
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


@pytest.fixture
async def returns_none() -> None:
    events.append("returns none")


async def test_async(
    opened: asyncio.Queue[str], article: int, tag: Tag, returns_none: None
) -> None:
    assert await Article.objects.filter(pk=article, title=tag.name).aexists()
    assert await Tag.objects.acount() == 1
    await opened.put("from the test")


@pytest.mark.django_db
def test_sync(tag: Tag, opened: asyncio.Queue[str]) -> None:
    assert Tag.objects.get() == tag
    opened.put_nowait("from a sync test")


class TestInAClass:
    @pytest.fixture
    async def named(self, tag: Tag) -> str:
        self.seen = tag.name
        return tag.name.upper()

    async def test_method(self, named: str) -> None:
        assert named == "MADE-BY-A-FIXTURE"
        assert self.seen == "made-by-a-fixture"


@pytest.mark.django_db
def test_zz_nothing_left() -> None:
    assert Tag.objects.count() == 0
    assert Article.objects.count() == 0
    assert events == [
        "opened",
        "returns none",
        "closed with 'from the test', 1 tag(s)",
        "opened",
        "closed with 'from a sync test', 1 tag(s)",
    ]
"""


def test_async_fixtures_run_on_the_tests_loop_in_its_transaction(inner: pytest.Pytester) -> None:
    write(inner, "test_fixtures", ASYNC_FIXTURE_TESTS)

    result = run(inner)

    result.assert_outcomes(passed=4)


def test_async_fixtures_under_xdist(inner: pytest.Pytester) -> None:
    write(inner, "test_fixtures", ASYNC_FIXTURE_TESTS.replace("def test_zz", "def _unused"))

    result = run(inner, "-p", "xdist", "-n", "2")

    result.assert_outcomes(passed=3)


def test_an_async_given_test_gets_its_async_fixtures_once(inner: pytest.Pytester) -> None:
    write(
        inner,
        "test_given_fixture",
        """
        import asyncio
        from collections.abc import AsyncIterator

        import pytest
        from hypothesis import HealthCheck, given, settings, strategies as st
        from tests.project.app.models import Tag

        setups: list[int] = []


        @pytest.fixture
        async def lock(db: None) -> AsyncIterator[asyncio.Lock]:
            await Tag.objects.acreate(name="fixture")
            setups.append(1)
            yield asyncio.Lock()


        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(name=st.text("xyz", min_size=1))
        async def test_examples(lock: asyncio.Lock, name: str) -> None:
            async with lock:  # bound to the loop every example runs on
                await Tag.objects.acreate(name=name)
            assert await Tag.objects.acount() == 2


        def test_zz_once() -> None:
            assert setups == [1]
        """,
    )

    result = run(inner)

    result.assert_outcomes(passed=2)


def test_async_fixture_failures_are_reported_where_they_happen(inner: pytest.Pytester) -> None:
    write(
        inner,
        "test_fixture_errors",
        """
        import asyncio
        from collections.abc import AsyncIterator

        import pytest


        @pytest.fixture
        async def broken() -> int:
            raise LookupError("setup broke")


        @pytest.fixture
        async def breaks_at_teardown() -> AsyncIterator[int]:
            yield 1
            raise LookupError("teardown broke")


        @pytest.fixture
        async def yields_twice() -> AsyncIterator[int]:
            yield 1
            yield 2


        @pytest.fixture
        async def never_yields() -> AsyncIterator[int]:
            if False:
                yield 1


        async def forever() -> None:
            await asyncio.sleep(3600)


        @pytest.fixture
        async def starts_a_task() -> None:
            asyncio.get_running_loop().create_task(forever())


        @pytest.fixture
        async def stops_its_task() -> AsyncIterator[None]:
            task = asyncio.get_running_loop().create_task(forever())
            yield
            task.cancel()


        @pytest.fixture(scope="module")
        async def module_wide() -> int:
            return 1


        async def test_broken(broken: int) -> None:
            pass


        async def test_breaks_at_teardown(breaks_at_teardown: int) -> None:
            pass


        def test_yields_twice(yields_twice: int) -> None:
            pass


        async def test_never_yields(never_yields: int) -> None:
            pass


        async def test_starts_a_task(starts_a_task: None) -> None:
            pass


        @pytest.mark.leaked_tasks("cancel")
        async def test_starts_a_task_quietly(starts_a_task: None) -> None:
            pass


        async def test_stops_its_task(stops_its_task: None) -> None:
            pass


        async def test_module_wide(module_wide: int) -> None:
            pass
        """,
    )

    result = run(inner)

    # Errors at set-up: broken, never_yields, module_wide; at teardown (after passing):
    # breaks_at_teardown, yields_twice, starts_a_task.
    result.assert_outcomes(passed=5, errors=6)
    result.stdout.fnmatch_lines_random(
        [
            "*ERROR at setup of test_broken*",
            "*LookupError: setup broke",
            "*ERROR at teardown of test_breaks_at_teardown*",
            "*LookupError: teardown broke",
            "*ValueError: The async fixture 'yields_twice' yields more than once*",
            "*ValueError: The async fixture 'never_yields' did not yield a value.",
            "*LeakedTaskError: The fixtures of *test_starts_a_task left 1 asyncio task*forever*",
            "'module_wide' is an async fixture with scope 'module': restflow-testing runs async "
            "fixtures on the event loop of each test*",
        ]
    )
    assert "test_stops_its_task" not in result.stdout.str().split("short test summary")[1]


PYTEST_ASYNCIO_FIXTURE_TESTS = """
import asyncio
import threading

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from tests.project.app.models import Tag


async def runner() -> str:
    thread = await sync_to_async(threading.current_thread)()
    return "plugin" if thread is threading.main_thread() else "other"


@pytest.fixture
async def plain() -> str:
    return await runner()


@pytest_asyncio.fixture
async def theirs() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


@pytest.mark.django_db
async def test_plugin(plain: str) -> None:
    print("plain fixture run by:", plain)
    await Tag.objects.acreate(name="one")
    assert await Tag.objects.acount() == 1


@pytest.mark.asyncio
async def test_pytest_asyncio(theirs: asyncio.AbstractEventLoop) -> None:
    assert theirs is asyncio.get_running_loop()
    print("marked run by:", await runner())
"""


def test_pytest_asyncio_strict_mode_and_the_plugin_share_a_suite(inner: pytest.Pytester) -> None:
    write(inner, "test_strict", PYTEST_ASYNCIO_FIXTURE_TESTS)

    result = run(inner, "-s", "-W", "error::restflow_testing.pytest_plugin.AsyncioAutoModeWarning")

    result.assert_outcomes(passed=2)
    output = result.stdout.str()
    assert "plain fixture run by: plugin" in output
    assert "marked run by: other" in output


def test_pytest_asyncio_auto_mode_warns_once_about_database_tests(inner: pytest.Pytester) -> None:
    write(inner, "test_owner", OWNERSHIP_TESTS)
    write(inner, "test_rollback", ROLLBACK_TESTS)

    result = run(inner, "-o", "asyncio_mode=auto")

    output = result.stdout.str()
    assert output.count("AsyncioAutoModeWarning") == 1
    result.stdout.fnmatch_lines(
        [
            '*AsyncioAutoModeWarning: pytest-asyncio\'s asyncio_mode = "auto" runs 3 async '
            "test(s) that use the database (test_rollback.py::test_a, test_rollback.py::test_b, "
            "test_rollback.py::TestInAClass::test_c) on its own event loop*Set asyncio_mode = "
            '"strict"*',
        ]
    )


def test_pytest_asyncio_auto_mode_without_database_tests_is_quiet(inner: pytest.Pytester) -> None:
    write(inner, "test_owner", OWNERSHIP_TESTS)

    result = run(inner, "-o", "asyncio_mode=auto")

    result.assert_outcomes(passed=2)
    assert "AsyncioAutoModeWarning" not in result.stdout.str()


def test_pytest_timeout_reports_a_hung_async_test(inner: pytest.Pytester) -> None:
    write(
        inner,
        "test_hangs",
        """
        import asyncio
        import time

        import pytest
        from asgiref.sync import sync_to_async
        from tests.project.app.models import Tag


        async def test_hangs_on_the_loop() -> None:
            await asyncio.Event().wait()


        @pytest.mark.django_db
        async def test_hangs_in_sync_work() -> None:
            await Tag.objects.acreate(name="written before the hang")
            await sync_to_async(time.sleep)(600)


        @pytest.mark.timeout(300)  # however busy the machine, this one must not time out
        @pytest.mark.django_db
        async def test_zz_runs_afterwards() -> None:
            assert await Tag.objects.acount() == 0
        """,
    )

    result = run(inner, "--timeout", "5")

    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines_random(
        [
            "FAILED test_hangs.py::test_hangs_on_the_loop - Failed: Timeout (>5.0s)*",
            "FAILED test_hangs.py::test_hangs_in_sync_work - Failed: Timeout (>5.0s)*",
        ]
    )
    assert result.duration < 300  # the hung tests would take 600 s and forever
