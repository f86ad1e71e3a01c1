"""The library's ``AsyncAPIClient`` and ``AsyncAPIRequestFactory`` under its test cases."""

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
