"""The unittest entry: a FuzzTestCase subclass gets one test method per selected endpoint."""

import pytest

from restflow_testing.fuzz import FuzzTestCase
from tests.conftest import RunUnittest


# The in-memory test database lives as long as a connection to it: keep the test's open.
@pytest.mark.django_db
def test_one_method_per_selected_endpoint_passing_on_stock_views(run_unittest: RunUnittest) -> None:
    class StockTags(FuzzTestCase):
        fuzz_urlconf = "tests.fuzz.urls"
        fuzz_include = [r"/(drf|restflow)/tags/"]
        fuzz_exclude = [r"^DELETE "]
        fuzz_max_examples = 10
        fuzz_seed = 2

    names = sorted(name for name in vars(StockTags) if name.startswith("test_"))
    assert names == [
        "test_fuzz_get_drf_tags",
        "test_fuzz_get_drf_tags_name",
        "test_fuzz_get_restflow_tags",
        "test_fuzz_post_restflow_tags",
    ]
    report = run_unittest(StockTags)
    assert report.result.testsRun == 4
    assert report.result.wasSuccessful(), report.output


@pytest.mark.django_db
def test_a_failing_endpoint_fails_its_method_with_the_reproducer(run_unittest: RunUnittest) -> None:
    class Buggy(FuzzTestCase):
        fuzz_urlconf = "tests.fuzz.buggy_views"
        fuzz_include = ["lenient"]
        fuzz_max_examples = 30
        fuzz_seed = 9

    report = run_unittest(Buggy)
    assert report.result.testsRun == 1
    assert len(report.result.failures) == 1, report.output
    assert "invalid_accepted (status 201)" in report.output
    assert "async def test_invalid_accepted_post__buggy_lenient(self)" in report.output
