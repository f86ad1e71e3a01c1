"""ASGI entry point of the bookshop example."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.bookshop.settings")

application = get_asgi_application()
