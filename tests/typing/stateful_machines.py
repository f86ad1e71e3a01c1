"""Static checks of state machines, run by mypy and basedpyright.

Nothing here is collected by pytest. Rules keep their own types (``async def`` included);
calls that must be rejected carry ignore comments for the exact errors (both checkers fail on
an unused ignore).
"""

from typing import Any, assert_type

from hypothesis import strategies as st
from hypothesis.stateful import MultipleResults

from restflow_testing import AsyncAPIClient
from restflow_testing.stateful import (
    APIStateMachine,
    Bundle,
    CRUDMachine,
    CRUDObject,
    StatefulReport,
    StateMachineTestCase,
    consumes,
    crud_machine,
    crud_machines,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_crud_machine,
)
from tests.project.urls import router


class Shop(APIStateMachine):
    orders = Bundle[int]("orders")

    @initialize()
    async def sign_in(self) -> None:
        assert_type(self.client, AsyncAPIClient)

    @rule(target=orders, quantity=st.integers(1, 5))
    async def order(self, quantity: int) -> int:
        response = await self.client.post("/orders/", {"quantity": quantity})
        return int(response.json(as_type=dict[str, Any])["id"])

    @precondition(lambda self: True)
    @rule(order=consumes(orders))
    async def cancel(self, order: int) -> MultipleResults[int]:
        await self.client.delete(f"/orders/{order}/")
        return multiple()

    @rule()
    def sync_rule(self) -> None: ...

    @invariant()
    async def consistent(self) -> None: ...


def rules_run_synchronously(shop: Shop) -> None:
    # A decorated async def is a sync method: Hypothesis (and a reproducer) calls it so.
    assert_type(shop.order(2), int)
    assert_type(shop.order(quantity=2), int)
    assert_type(shop.cancel(order=1), MultipleResults[int])
    assert_type(shop.sync_rule(), None)
    shop.consistent()
    shop.sign_in()
    shop.order("two")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert_type(Shop.TestCase, type[StateMachineTestCase])
    Shop.run_as_test()


def crud_types() -> None:
    machine = crud_machine(router, "articles")
    assert_type(machine, type[CRUDMachine])
    state = machine()
    made = state.create(as_user="owner", payload={"title": "t"})
    assert_type(made, MultipleResults[CRUDObject])
    for obj in made:
        state.partial_update(as_user="owner", obj=obj, payload={})
        state.destroy(as_user="staff", obj=obj)
    state.list(as_user="anonymous")
    state.teardown()
    assert_type(crud_machines(), list[type[CRUDMachine]])
    assert_type(run_crud_machine(machine), StatefulReport)


def rejected() -> None:
    rule(quantity=5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    invariant(check_during_init="yes")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    precondition(lambda self: "yes")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    rule()(42)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    crud_machine(router, 3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    Shop.run_as_test(settings=5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
