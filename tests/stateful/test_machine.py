"""APIStateMachine: async rules on the test loop, a savepoint per run, TestCase and pytest."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidDefinition
from hypothesis.stateful import run_state_machine_as_test

from restflow_testing.stateful import (
    APIStateMachine,
    Bundle,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
    run_crud_machine,
)
from tests.conftest import RunUnittest
from tests.project.app.models import Article

FEW = settings(max_examples=15, stateful_step_count=6, database=None, deadline=None)


class Articles(APIStateMachine):
    """Creates articles through the async viewset and checks its own model of them."""

    articles = Bundle("articles")

    def __init__(self) -> None:
        super().__init__()
        self.expected: dict[int, str] = {}
        self.rows_at_start: int | None = None
        self.loop_calls = 0

    @initialize()
    async def count_rows(self) -> None:
        # Rows from earlier runs never show: each run has its own savepoint.
        self.rows_at_start = await Article.objects.acount()
        assert self.rows_at_start == 0, f"{self.rows_at_start} rows leaked from an earlier run"

    @rule(target=articles, title=st.text("abc", min_size=1, max_size=5))
    async def create(self, title: str) -> int:
        response = await self.client.post("/restflow/articles/", {"title": title})
        assert response.status_code == 201, response.content
        pk: int = response.json(as_type=dict[str, Any])["id"]
        self.expected[pk] = title
        return pk

    @precondition(lambda self: bool(self.expected))
    @rule(pk=consumes(articles))
    async def delete(self, pk: int) -> None:
        response = await self.client.delete(f"/restflow/articles/{pk}/")
        assert response.status_code == 204
        del self.expected[pk]

    @rule()
    def sync_rule(self) -> None:
        self.loop_calls += 1

    @invariant()
    async def rows_match(self) -> None:
        titles = {pk: title async for pk, title in Article.objects.values_list("pk", "title")}
        assert titles == self.expected


@pytest.mark.django_db
def test_run_as_test_isolates_runs() -> None:
    Articles.run_as_test(settings=FEW)
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_hypothesis_runner_gives_each_run_a_loop() -> None:
    run_state_machine_as_test(Articles, settings=FEW)
    assert Article.objects.count() == 0


def test_test_case_runs_machine(run_unittest: RunUnittest) -> None:
    case = Articles.TestCase
    case.state_machine_settings = FEW
    report = run_unittest(case)
    assert report.result.wasSuccessful(), report.output
    assert report.result.testsRun == 1


class Broken(APIStateMachine):
    items = Bundle("items")

    @rule(target=items, title=st.sampled_from(["a", "b"]))
    async def create(self, title: str) -> int:
        response = await self.client.post("/drf/articles/", {"title": title})
        pk: int = response.json(as_type=dict[str, Any])["id"]
        return pk

    @rule(pk=items)
    async def check(self, pk: int) -> None:
        response = await self.client.get(f"/drf/articles/{pk}/")
        assert response.json(as_type=dict[str, Any])["title"] != "b", "title b found"


@pytest.mark.django_db
def test_failure_is_shrunk_with_steps_in_notes() -> None:
    with pytest.raises(AssertionError, match="title b found") as caught:
        Broken.run_as_test(settings=FEW)
    notes = caught.value.__notes__
    assert "state = Broken()" in notes
    assert "items_0 = state.create(title='b')" in notes
    assert "state.check(pk=items_0)" in notes
    assert Article.objects.count() == 0


class Teardowns(APIStateMachine):
    seen: list[str] = []

    @rule()
    async def touch(self) -> None:
        await Article.objects.acreate(title="touched")

    async def asyncTearDown(self) -> None:
        # Still inside the run's savepoint: the run's rows are there.
        Teardowns.seen.append(f"rows={await Article.objects.acount()}")


@pytest.mark.django_db
def test_async_teardown_runs_before_rollback() -> None:
    Teardowns.seen.clear()
    Teardowns.run_as_test(settings=settings(FEW, max_examples=3))
    assert Teardowns.seen
    assert all(entry != "rows=0" for entry in Teardowns.seen)
    assert Article.objects.count() == 0


def test_async_rule_on_plain_hypothesis_machine_is_refused() -> None:
    from hypothesis.stateful import RuleBasedStateMachine

    class Plain(RuleBasedStateMachine):
        @rule()
        async def step(self) -> None: ...

    with pytest.raises(TypeError, match=r"subclass restflow_testing\.stateful\.APIStateMachine"):
        run_state_machine_as_test(Plain, settings=settings(FEW, max_examples=1))


def test_precondition_needs_a_function() -> None:
    with pytest.raises(TypeError, match="lambda self"):
        precondition(True)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def test_hypothesis_definition_errors_pass_through() -> None:
    class NoRules(APIStateMachine):
        pass

    with pytest.raises(InvalidDefinition, match="defines no rules"):
        NoRules.run_as_test()


class BrokenWithInvariant(Broken):
    @precondition(lambda self: True)
    @invariant()
    def always_fine(self) -> None:
        pass


@pytest.mark.django_db
def test_report_of_a_failing_machine_counts_rules_not_invariants() -> None:
    report = run_crud_machine(BrokenWithInvariant, settings=FEW)
    (failure,) = report.failures
    assert failure.check == "stateful"
    assert failure.invariant == "AssertionError"
    assert "state.always_fine()" in failure.steps
    assert failure.rule_steps == 2
    assert "from tests.stateful.test_machine import BrokenWithInvariant" in failure.reproducer
    assert "items_0 = state.create(title='b')" in failure.reproducer
