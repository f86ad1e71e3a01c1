from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "examples.bookshop.shop"
    label = "shop"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from examples.bookshop.shop import signals

        signals.connect()
