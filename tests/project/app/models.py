"""Models the suite's views read and write."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models


class Tag(models.Model):
    name: "models.SlugField[str, str]" = models.SlugField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    title: "models.CharField[str, str]" = models.CharField(max_length=120)
    body: "models.TextField[str, str]" = models.TextField(blank=True)
    published: "models.BooleanField[bool, bool]" = models.BooleanField(default=False)
    author: "models.ForeignKey[AbstractBaseUser | None, AbstractBaseUser | None]" = (
        models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    )
    tags: "models.ManyToManyField[Tag, models.Model]" = models.ManyToManyField(Tag, blank=True)
    created: "models.DateTimeField[str | datetime, datetime]" = models.DateTimeField(
        auto_now_add=True
    )

    def __str__(self) -> str:
        return self.title


from tests.project.app.models_strategies import Gadget as Gadget  # noqa: E402 (strategies suite)
