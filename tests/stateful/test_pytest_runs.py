"""State machines under the pytest plugin, in inner pytest runs (as tests/test_pytest_plugin.py)."""

import pytest

from tests.plugin.test_pytest_plugin import run, write

pytest_plugins = ["pytester"]

MACHINES = """
import pytest
from hypothesis import HealthCheck, settings, strategies as st
from restflow_testing.stateful import APIStateMachine, Bundle, crud_machine, rule
from tests.project.app.models import Article, Tag
from tests.project.urls import router

# Shared CI machines are slow: no deadline, no too_slow health check.
FEW = settings(
    max_examples=10,
    stateful_step_count=6,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class Tags(APIStateMachine):
    tags = Bundle("tags")

    def __init__(self) -> None:
        super().__init__()
        self.made: set[str] = set()

    @rule(target=tags, name=st.sampled_from(["a", "b", "c"]))
    async def make(self, name: str) -> str:
        if name not in self.made:
            # Unique names: a row left by an earlier run would raise IntegrityError here.
            await Tag.objects.acreate(name=name)
            self.made.add(name)
        return name

    @rule(name=tags)
    async def read(self, name: str) -> None:
        assert await Tag.objects.filter(name=name).aexists()


@pytest.fixture
def fixture_article(db: None) -> Article:
    return Article.objects.create(title="from a fixture")


def test_machine_runs_in_the_test_transaction(fixture_article: Article) -> None:
    Tags.run_as_test(settings=FEW)
    assert Tag.objects.count() == 0
    assert Article.objects.get() == fixture_article


@pytest.mark.django_db
def test_crud_machine_sees_fixture_rows_and_cleans_up() -> None:
    crud_machine(router, "articles").run_as_test(settings=FEW)
    assert Article.objects.count() == 0


class Failing(APIStateMachine):
    @rule(title=st.sampled_from(["ok", "bad"]))
    async def post(self, title: str) -> None:
        response = await self.client.post("/restflow/articles/", {"title": title})
        assert response.json()["title"] != "bad", "bad title stored"


@pytest.mark.django_db
def test_failing_machine() -> None:
    Failing.run_as_test(settings=FEW)
"""


def test_machines_under_the_pytest_plugin(inner: pytest.Pytester) -> None:
    write(inner, "test_machines", MACHINES)

    result = run(inner)

    result.assert_outcomes(passed=2, failed=1)
    output = result.stdout.str()
    assert "bad title stored" in output
    assert "state = Failing()" in output
    assert "state.post(title='bad')" in output
