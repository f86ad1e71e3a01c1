"""Django's own ``AsyncClient`` and ``AsyncRequestFactory`` under Django's test cases."""

from django import test
from rest_framework.test import URLPatternsTestCase as DRFURLPatternsTestCase

Client = AsyncClient = APIClient = test.AsyncClient
RequestFactory = AsyncRequestFactory = APIRequestFactory = test.AsyncRequestFactory


class SimpleTestCase(test.SimpleTestCase):
    client_class = test.AsyncClient


class TransactionTestCase(test.TransactionTestCase):
    client_class = test.AsyncClient


class TestCase(test.TestCase):
    client_class = test.AsyncClient


class URLPatternsTestCase(DRFURLPatternsTestCase):
    client_class = test.AsyncClient
