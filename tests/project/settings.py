"""Settings of the Django project the suite drives: SQLite, session and token auth, DRF.

With ``RESTFLOW_TESTING_DATABASE=postgresql`` the database is PostgreSQL instead, at
``RESTFLOW_TESTING_PG_HOST``:``RESTFLOW_TESTING_PG_PORT`` as role ``postgres``
(``python3 scripts/_postgres.py COMMAND`` runs a command against a throwaway cluster).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "restflow-testing-suite-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "api.example.com", "example.com"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "tests.project.urls"
ASGI_APPLICATION = "tests.project.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework",
    "rest_framework.authtoken",
    "tests.project.app",
]

MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


_POSTGRESQL = os.environ.get("RESTFLOW_TESTING_DATABASE") == "postgresql"


def _database() -> dict[str, object]:
    if not _POSTGRESQL:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "suite.sqlite3",
            "TEST": {"NAME": None},
        }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("RESTFLOW_TESTING_PG_HOST", "127.0.0.1"),
        "PORT": os.environ.get("RESTFLOW_TESTING_PG_PORT", "5432"),
        "USER": "postgres",
        "NAME": "restflow_testing",
        # One test database per process: the suite runs pytest in subprocesses (pytester, the
        # docs' blocks) beside the xdist workers, and they would otherwise share one name.
        "TEST": {"NAME": f"test_restflow_testing_{os.getpid()}"},
    }


DATABASES = {"default": _database()}

# The suite's app has no migrations, so Django creates its tables before running the others'
# migrations, and its foreign key to auth_user then points at a table that does not exist yet:
# SQLite lets that pass, PostgreSQL does not. There, every app's tables are made straight from the
# models instead (as ``pytest --no-migrations`` would), in one go.
MIGRATION_MODULES: dict[str, str | None] = (
    dict.fromkeys(["contenttypes", "auth", "sessions", "authtoken", "suite"]) if _POSTGRESQL else {}
)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.contrib.auth.context_processors.auth"]},
    }
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "TEST_REQUEST_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.MultiPartRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# Channels (tests/cases/test_channels_loop.py): the in-memory channel layer its consumers' groups
# use.
# Neither "channels" nor "daphne" is in INSTALLED_APPS: consumers, layers and WebsocketCommunicator
# need no app (and daphne's app would replace the runserver command).
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
