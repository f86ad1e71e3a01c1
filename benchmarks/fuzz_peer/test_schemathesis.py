"""schemathesis' in-process run of the seeded-bugs project: its pytest integration, the WSGI
app called in-process inside pytest-django's transaction, drf-spectacular's schema, its default
checks (or ``FUZZ_PEER_CHECKS=server_error``), 100 examples per operation
(``FUZZ_PEER_EXAMPLES``)."""

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
APP = get_wsgi_application()
EXAMPLES: Counter[str] = Counter()
MAX_EXAMPLES = int(os.environ.get("FUZZ_PEER_EXAMPLES", "100"))
# "server_error": only schemathesis' not_a_server_error check, so no operation stops early on
# the other checks' reports; otherwise its default checks.
CHECKS = (
    [schemathesis.checks.not_a_server_error]
    if os.environ.get("FUZZ_PEER_CHECKS") == "server_error"
    else None
)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case: Any) -> None:
    EXAMPLES[f"{case.operation.method.upper()} {case.operation.path}"] += 1
    case.call_and_validate(app=APP, checks=CHECKS)
