from django.apps import AppConfig


class SuiteAppConfig(AppConfig):
    name = "tests.project.app"
    label = "suite"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        from tests.project.app import signals  # noqa: F401  (connects the receivers)
