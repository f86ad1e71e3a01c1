"""Settings: one app (this package), SQLite, JSON as the test client's default format."""

SECRET_KEY = "notes-example-only"
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
ROOT_URLCONF = "examples.notes.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "examples.notes",
]

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
