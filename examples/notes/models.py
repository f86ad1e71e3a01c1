from django.conf import settings
from django.contrib.auth.models import User
from django.db import models


class Note(models.Model):
    # The annotations are for type checkers without Django plugin (pyright); mypy's
    # django-stubs plugin infers the same types.
    owner: "models.ForeignKey[User, User]" = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE
    )
    owner_id: int
    title: "models.CharField[str, str]" = models.CharField(max_length=100)
    body: "models.TextField[str, str]" = models.TextField(blank=True)
    pinned: "models.BooleanField[bool, bool]" = models.BooleanField(default=False)
