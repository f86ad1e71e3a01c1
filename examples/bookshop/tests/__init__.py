"""The bookshop's property-based suite, written with restflow-testing.

Every test is an ``AsyncAPITestCase``: async test methods, async ``@given`` with payloads drawn
from the API's own serializers and users drawn from the custom user model, each Hypothesis
example rolled back on its own. Run it with ``python -m examples.demo`` (prints a summary) or
``python -m django test examples.bookshop.tests --settings=examples.bookshop.settings``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "bookshop",
    max_examples=int(os.environ.get("BOOKSHOP_MAX_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("bookshop")
