"""Run one suite of ported client tests with one variant, and write each test's outcome as JSON.

Called by ``run.py`` in a process of its own::

    python benchmarks/conformance/_runner.py SUITE VARIANT TREE OUT

``SUITE`` is ``django`` (``test_client`` and ``test_client_regress``) or ``drf``
(``tests.test_testing``); ``VARIANT`` is ``sync`` (the modules as published, with their own sync
clients), ``django`` or ``restflow``; ``TREE`` holds the (ported) packages; ``OUT`` gets
``{test id: [outcome, first line of the error]}``, the outcome being ``pass``, ``fail`` or
``skip``. The settings are those of the two projects' own test runs, on SQLite in memory.
"""

import importlib
import json
import sys
import unittest
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

ALWAYS_INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sites",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.staticfiles",
]
DJANGO_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}


def django_settings(tree: Path) -> dict[str, Any]:
    """Django's ``tests/runtests.py`` settings for the client test apps."""
    return {
        "DATABASES": {"default": SQLITE, "other": SQLITE},
        "INSTALLED_APPS": [*ALWAYS_INSTALLED_APPS, "test_client", "test_client_regress"],
        "ROOT_URLCONF": "test_client.urls",
        "MIDDLEWARE": DJANGO_MIDDLEWARE,
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [str(tree / "templates")],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ],
                },
            }
        ],
        "SECRET_KEY": "django_tests_secret_key",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
        "LANGUAGE_CODE": "en",
        "SITE_ID": 1,
        "STATIC_URL": "static/",
        "MIGRATION_MODULES": {"auth": None, "contenttypes": None, "sessions": None},
        "SILENCED_SYSTEM_CHECKS": ["fields.W342"],
    }


def drf_settings() -> dict[str, Any]:
    """DRF's ``tests/conftest.py`` settings, without the apps ``test_testing`` does not use
    (the admin among them)."""
    return {
        "DEBUG_PROPAGATE_EXCEPTIONS": True,
        "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
        "DATABASES": {"default": SQLITE, "secondary": SQLITE},
        "SITE_ID": 1,
        "SECRET_KEY": "not very secret in tests",
        "USE_I18N": True,
        "STATIC_URL": "/static/",
        "ROOT_URLCONF": "tests.test_testing",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {"debug": True},
            }
        ],
        "MIDDLEWARE": [
            "django.middleware.common.CommonMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        "INSTALLED_APPS": [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.sites",
            "django.contrib.staticfiles",
            "rest_framework",
            "rest_framework.authtoken",
        ],
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    }


SUITES = {
    "django": ["test_client.tests", "test_client_regress.tests"],
    "drf": ["tests.test_testing"],
}


class OutcomeRecorder(unittest.TextTestResult):
    """A result that keeps one outcome per test: any failed subtest fails the test."""

    outcomes: dict[str, list[str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def _record(self, test: unittest.TestCase, outcome: str, error: str = "") -> None:
        test_id = test.id()
        if self.outcomes.get(test_id, ["pass"])[0] != "fail":
            self.outcomes[test_id] = [outcome, error]

    def addSuccess(self, test: unittest.TestCase) -> None:
        super().addSuccess(test)
        self._record(test, "pass")

    def addExpectedFailure(self, test: unittest.TestCase, err: Any) -> None:
        super().addExpectedFailure(test, err)
        self._record(test, "pass")

    def addSkip(self, test: unittest.TestCase, reason: str) -> None:
        super().addSkip(test, reason)
        self._record(test, "skip", reason)

    def addFailure(self, test: unittest.TestCase, err: Any) -> None:
        super().addFailure(test, err)
        self._record(test, "fail", _first_line(err))

    def addError(self, test: unittest.TestCase, err: Any) -> None:
        super().addError(test, err)
        self._record(test, "fail", _first_line(err))

    def addUnexpectedSuccess(self, test: unittest.TestCase) -> None:
        super().addUnexpectedSuccess(test)
        self._record(test, "fail", "unexpected success")

    def addSubTest(self, test: unittest.TestCase, subtest: unittest.TestCase, err: Any) -> None:
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record(test, "fail", _first_line(err))


def _first_line(err: Any) -> str:
    kind, value, _ = err
    text = str(value).strip().splitlines()
    return f"{kind.__name__}: {text[0] if text else ''}"[:300]


def main() -> None:
    suite_name, variant, tree_arg, out = sys.argv[1:5]
    tree = Path(tree_arg)
    sys.path[:0] = [str(tree), str(HERE)]

    import django
    from django.conf import settings
    from django.test.runner import DiscoverRunner

    settings.configure(**(django_settings(tree) if suite_name == "django" else drf_settings()))
    django.setup()
    if variant != "sync":
        sys.modules["_conformance_variant"] = importlib.import_module(f"variant_{variant}")

    class Runner(DiscoverRunner):
        def get_resultclass(self) -> type[unittest.TextTestResult]:
            return OutcomeRecorder

        def run_suite(self, suite: unittest.TestSuite, **kwargs: Any) -> unittest.TestResult:
            result = super().run_suite(suite, **kwargs)
            Path(out).write_text(
                json.dumps(getattr(result, "outcomes", {}), indent=1, sort_keys=True)
            )
            return result

    runner = Runner(verbosity=0, interactive=False, parallel=0)
    runner.run_tests(SUITES[suite_name])


if __name__ == "__main__":
    main()
