from django.apps import AppConfig


class SuiteAppConfig(AppConfig):
    name = "tests.project.app"
    label = "suite"
    default_auto_field = "django.db.models.AutoField"
