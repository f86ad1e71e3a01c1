from importlib import import_module

from django.apps import AppConfig


class SuiteAppConfig(AppConfig):
    name = "tests.project.app"
    label = "suite"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        import_module("tests.project.app.signals")  # connects the receivers
