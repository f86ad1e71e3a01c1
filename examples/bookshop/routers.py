"""A DRF router that serves drf-restflow's async viewsets on every supported Django.

drf-restflow wraps each async viewset view in Django's ``csrf_exempt``. Before Django 5.0 that
decorator returns a *sync* wrapper, so Django calls the async view as a sync one and gets an
unawaited coroutine back ("didn't return an HttpResponse object"). On those versions this router
puts an async wrapper, still CSRF-exempt, around every async view it serves; on Django 5.0 and
later it changes nothing.
"""

import functools
import inspect
from typing import Any

import django
from django.urls import URLPattern, URLResolver
from rest_framework.routers import DefaultRouter


class AsyncViewSetRouter(DefaultRouter):
    """``DefaultRouter`` whose URLs keep drf-restflow's async viewsets async on Django 4.2."""

    def get_urls(self) -> list[URLPattern | URLResolver]:
        urls: list[URLPattern | URLResolver] = list(super().get_urls())
        if django.VERSION < (5, 0):
            for pattern in urls:
                if isinstance(pattern, URLPattern):
                    pattern.callback = _keep_async(pattern.callback)
        return urls


def _keep_async(callback: Any) -> Any:
    inner = getattr(callback, "__wrapped__", None)
    if inspect.iscoroutinefunction(callback) or not inspect.iscoroutinefunction(inner):
        return callback

    async def view(*args: Any, **kwargs: Any) -> Any:
        return await inner(*args, **kwargs)

    return functools.update_wrapper(view, callback)
