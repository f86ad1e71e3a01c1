"""``sync_to_async`` wrappers keep what asgiref promises when they are built quickly."""

import functools
import inspect
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import SyncToAsync, iscoroutinefunction, sync_to_async

from restflow_testing import AsyncAPISimpleTestCase, _quick_wrappers


def add(left: int, right: int = 1) -> int:
    """Adds two numbers."""
    return left + right


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def bump(self, by: int) -> int:
        """Bumps the count."""
        self.count += by
        return self.count


class QuickWrapperTests(AsyncAPISimpleTestCase):
    """Runs with the quick construction installed (a test loop installs it)."""

    def test_the_quick_construction_is_installed(self) -> None:
        self.assertIs(vars(SyncToAsync)["__init__"], _quick_wrappers._init_quickly)

    async def test_a_function_s_wrapper_carries_its_metadata(self) -> None:
        wrapper: Any = sync_to_async(add)
        self.assertEqual(wrapper.__name__, "add")
        self.assertEqual(wrapper.__qualname__, "add")
        self.assertEqual(wrapper.__doc__, "Adds two numbers.")
        self.assertEqual(wrapper.__module__, __name__)
        self.assertIs(wrapper.__wrapped__, add)
        self.assertEqual(str(inspect.signature(wrapper)), "(left: int, right: int = 1) -> int")
        # asgiref's check, as Django makes it (deprecated in the stubs with asyncio's on 3.11)
        self.assertTrue(iscoroutinefunction(wrapper))  # pyright: ignore[reportDeprecated]
        self.assertEqual(await wrapper(2, right=3), 5)

    async def test_a_method_s_wrapper_is_bound_to_its_object(self) -> None:
        counter = Counter()
        wrapper: Any = sync_to_async(counter.bump)
        self.assertIs(wrapper.__self__, counter)
        self.assertEqual(wrapper.__name__, "bump")
        self.assertEqual(await wrapper(4), 4)
        self.assertEqual(counter.count, 4)

    async def test_other_callables_are_built_by_asgiref_and_work(self) -> None:
        def tagged() -> str:
            return "tagged"

        tagged.tag = "kept"  # type: ignore[attr-defined]  # pyright: ignore[reportFunctionMemberAccess]
        wrapper: Any = sync_to_async(tagged)
        self.assertEqual(wrapper.tag, "kept")
        self.assertEqual(await wrapper(), "tagged")
        self.assertEqual(await sync_to_async(functools.partial(add, 1))(), 2)

    def test_coroutine_functions_are_still_refused(self) -> None:
        async def already_async() -> None:
            pass

        refused: Any = already_async
        with self.assertRaisesRegex(TypeError, "only be applied to sync functions"):
            sync_to_async(refused)

    def test_an_executor_still_requires_thread_sensitive_false(self) -> None:
        with (
            ThreadPoolExecutor(max_workers=1) as executor,
            self.assertRaisesRegex(TypeError, "executor must not be set"),
        ):
            sync_to_async(add, executor=executor)


@pytest.mark.parametrize("extra", ["an_attribute", "_executor"])
def test_nothing_is_installed_when_asgiref_builds_wrappers_differently(extra: str) -> None:
    _quick_wrappers.install()
    original = _quick_wrappers._original_init
    if original is None:
        pytest.fail("this asgiref's wrappers are built by asgiref's constructor")

    def builds_differently(self: Any, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        original(self, func, *args, **kwargs)
        setattr(self, extra, "something else")

    assert _quick_wrappers._builds_like(original)
    assert not _quick_wrappers._builds_like(builds_differently)
