"""The seeded-bugs project with drf-spectacular, so schemathesis has an OpenAPI schema to read."""

from examples.seeded.settings import *  # noqa: F403
from examples.seeded.settings import INSTALLED_APPS, REST_FRAMEWORK

INSTALLED_APPS = [*INSTALLED_APPS, "drf_spectacular"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
