"""The library's ``AsyncAPIClient`` and ``AsyncAPIRequestFactory`` under its test cases."""

from _helpers import _port_await, _port_raises, _port_sync
from rest_framework.test import URLPatternsTestCase as DRFURLPatternsTestCase

from restflow_testing import (
    AsyncAPIClient,
    AsyncAPIRequestFactory,
    AsyncAPISimpleTestCase,
    AsyncAPITestCase,
    AsyncAPITransactionTestCase,
)

Client = AsyncClient = APIClient = AsyncAPIClient
RequestFactory = AsyncRequestFactory = APIRequestFactory = AsyncAPIRequestFactory
SimpleTestCase = AsyncAPISimpleTestCase
TransactionTestCase = AsyncAPITransactionTestCase
TestCase = AsyncAPITestCase


class URLPatternsTestCase(DRFURLPatternsTestCase, AsyncAPISimpleTestCase):
    pass


__all__ = [
    "APIClient",
    "APIRequestFactory",
    "AsyncClient",
    "AsyncRequestFactory",
    "Client",
    "RequestFactory",
    "SimpleTestCase",
    "TestCase",
    "TransactionTestCase",
    "URLPatternsTestCase",
    "_port_await",
    "_port_raises",
    "_port_sync",
]
