"""Serializers whose rules few drawn payloads meet: the named error on the example where
Hypothesis would give up, and nothing where it would run the test to the end."""

import re
import unittest
from typing import Any

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import FailedHealthCheck
from rest_framework.test import APIClient

from restflow_testing import AsyncAPITestCase
from restflow_testing.strategies import (
    Payload,
    UnsatisfiableSerializerError,
    from_serializer,
)
from tests.project.app.serializers_patterns import (
    AccessCodeSerializer,
    SignedVoucherSerializer,
    VoucherSerializer,
)

DETERMINISTIC = settings(
    derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
"""Fixed draws: whether Hypothesis would give up depends on them."""

FILTERING_ALLOWED = settings(
    DETERMINISTIC,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

_MEASURED = re.compile(
    r"only (\d+) of (\d+) drawn payloads \((\d+\.\d)%\) passed SignedVoucherSerializer's own "
    r"validation"
)


def redeemed(payload: Payload, url: str) -> int:
    response: Any = APIClient().post(url, payload, format="json")
    return int(response.status_code)


def assert_names_the_rare_rule(error: BaseException) -> None:
    assert isinstance(error, UnsatisfiableSerializerError)
    assert isinstance(error, FailedHealthCheck)
    message = str(error)
    measured = _MEASURED.search(message)
    assert measured is not None, message
    accepted, tried, rate = int(measured[1]), int(measured[2]), float(measured[3])
    assert 0 < accepted < tried
    assert rate == round(100 * accepted / tried, 1)
    assert 0 < rate < 2
    assert "Hypothesis would fail its filter_too_much health check" in message
    assert "Not a code we issued." in message
    assert "from_serializer(SignedVoucherSerializer, field=st.just(value))" in message


@pytest.mark.django_db
@pytest.mark.urls("tests.strategies.urls")
def test_a_rule_met_once_in_a_hundred_draws_is_named_with_its_rate() -> None:
    statuses: list[int] = []

    @DETERMINISTIC
    @given(payload=from_serializer(SignedVoucherSerializer))
    def redeem(payload: Payload) -> None:
        statuses.append(redeemed(payload, "/strategies/signed-vouchers/"))

    with pytest.raises(UnsatisfiableSerializerError) as caught:
        redeem()
    assert_names_the_rare_rule(caught.value)
    # The few accepted payloads reached the test and the view took them.
    assert statuses
    assert set(statuses) == {201}


@pytest.mark.django_db
@pytest.mark.urls("tests.strategies.urls")
def test_a_rule_met_by_a_third_of_the_draws_keeps_working() -> None:
    statuses: list[int] = []

    @settings(DETERMINISTIC, max_examples=60)
    @given(payload=from_serializer(VoucherSerializer))
    def redeem(payload: Payload) -> None:
        statuses.append(redeemed(payload, "/strategies/vouchers/"))

    redeem()
    assert len(statuses) == 60
    assert set(statuses) == {201}


@pytest.mark.django_db
@pytest.mark.urls("tests.strategies.urls")
def test_with_the_health_check_suppressed_a_rare_rule_runs_as_hypothesis_would() -> None:
    # With filter_too_much suppressed, Hypothesis runs the examples that pass and stops quietly
    # when too few do; it stops with Unsatisfiable only when none pass. So no error here.
    statuses: list[int] = []

    @settings(FILTERING_ALLOWED, max_examples=20)
    @given(payload=from_serializer(SignedVoucherSerializer))
    def redeem(payload: Payload) -> None:
        statuses.append(redeemed(payload, "/strategies/signed-vouchers/"))

    redeem()
    assert statuses
    assert set(statuses) == {201}


def test_no_payload_accepted_with_the_health_check_suppressed_is_named_as_unsatisfiable() -> None:
    @FILTERING_ALLOWED
    @given(payload=from_serializer(AccessCodeSerializer))
    def sign_in(payload: Payload) -> None:
        raise AssertionError("no payload passes, so none reaches the test")

    with pytest.raises(UnsatisfiableSerializerError) as caught:
        sign_in()
    message = str(caught.value)
    assert "none of 4590 drawn payloads passed AccessCodeSerializer's own validation" in message
    assert "Hypothesis would stop with Unsatisfiable (459 examples given up and none passed)" in (
        message
    )
    assert "Wrong access code." in message


def test_a_failing_test_is_reported_not_hidden_behind_the_rare_rule() -> None:
    # Once an example fails, Hypothesis runs no health check and shrinks the failure: the
    # strategies, too, leave it to report the failure.
    @DETERMINISTIC
    @given(payload=from_serializer(SignedVoucherSerializer))
    def redeem(payload: Payload) -> None:
        raise ValueError(f"the test fails on {payload['code']!r}")

    with pytest.raises(ValueError, match="the test fails on"):
        redeem()


@override_settings(ROOT_URLCONF="tests.strategies.urls")
class RareRuleInACase(AsyncAPITestCase):
    """Run by the test below through unittest's own runner: its test must end in the error."""

    @DETERMINISTIC
    @given(payload=from_serializer(SignedVoucherSerializer))
    async def test_redeem(self, payload: Payload) -> None:
        response = await self.client.post("/strategies/signed-vouchers/", payload, format="json")
        self.assertEqual(response.status_code, 201, response.content)

    __test__ = False  # collected only through the test below


class ErrorsKept(unittest.TestResult):
    """unittest's result, keeping the exceptions themselves rather than their tracebacks."""

    def __init__(self) -> None:
        super().__init__()
        self.raised: list[BaseException] = []

    def addError(self, test: unittest.TestCase, err: Any) -> None:
        super().addError(test, err)
        self.raised.append(err[1])


@pytest.mark.django_db
@pytest.mark.urls("tests.strategies.urls")
def test_the_async_test_cases_get_the_named_error_too() -> None:
    result = ErrorsKept()
    unittest.TestSuite([RareRuleInACase("test_redeem")]).run(result)
    assert result.testsRun == 1
    assert not result.failures
    assert len(result.raised) == 1, result.errors
    assert_names_the_rare_rule(result.raised[0])


@override_settings(ROOT_URLCONF="tests.strategies.urls")
class CommonRuleInACase(AsyncAPITestCase):
    @settings(DETERMINISTIC, max_examples=40)
    @given(payload=from_serializer(VoucherSerializer))
    async def test_vouchers_drawn_are_redeemed(self, payload: Payload) -> None:
        response = await self.client.post("/strategies/vouchers/", payload, format="json")
        self.assertEqual(response.status_code, 201, response.content)


@override_settings(ROOT_URLCONF="tests.strategies.urls")
class RareRuleDrawnInTheBody(AsyncAPITestCase):
    @settings(FILTERING_ALLOWED, max_examples=20)
    @given(data=st.data())
    async def test_the_test_settings_apply_to_draws_on_the_loop(self, data: st.DataObject) -> None:
        # The body runs on the loop's thread: the health check it suppresses is still seen.
        payload = data.draw(from_serializer(SignedVoucherSerializer))
        response = await self.client.post("/strategies/signed-vouchers/", payload, format="json")
        self.assertEqual(response.status_code, 201, response.content)
