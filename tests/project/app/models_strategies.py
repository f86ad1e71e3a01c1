"""Models that the strategies suite writes through ModelSerializers: one field of every kind."""

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tests.project.app.models import Tag


class Gadget(models.Model):
    class Kind(models.TextChoices):
        TOOL = "tool", "Tool"
        TOY = "toy", "Toy"

    name: "models.CharField[str, str]" = models.CharField(max_length=60, unique=True)
    slug: "models.SlugField[str, str]" = models.SlugField(max_length=30, allow_unicode=True)
    kind: "models.CharField[str, str]" = models.CharField(max_length=8, choices=Kind.choices)
    email: "models.EmailField[str, str]" = models.EmailField(blank=True)
    homepage: "models.URLField[str, str]" = models.URLField(blank=True)
    token: "models.UUIDField[uuid.UUID, uuid.UUID]" = models.UUIDField(default=uuid.uuid4)
    address: "models.GenericIPAddressField[str | None, str | None]" = models.GenericIPAddressField(
        null=True, blank=True
    )
    count: "models.PositiveSmallIntegerField[int, int]" = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(1000)]
    )
    ratio: "models.FloatField[float | None, float | None]" = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-1.5), MaxValueValidator(1.5)]
    )
    price: "models.DecimalField[str, str]" = models.DecimalField(max_digits=7, decimal_places=2)
    active: "models.BooleanField[bool, bool]" = models.BooleanField(default=True)
    made: "models.DateField[str | None, str | None]" = models.DateField(null=True, blank=True)
    opens: "models.TimeField[str | None, str | None]" = models.TimeField(null=True, blank=True)
    seen: "models.DateTimeField[str | None, str | None]" = models.DateTimeField(
        null=True, blank=True
    )
    lasts: "models.DurationField[timedelta | None, timedelta | None]" = models.DurationField(
        null=True, blank=True
    )
    extra: "models.JSONField[object, object]" = models.JSONField(default=dict, blank=True)
    owner: "models.ForeignKey[models.Model | None, models.Model | None]" = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    tags: "models.ManyToManyField[Tag, models.Model]" = models.ManyToManyField(Tag, blank=True)

    class Meta:
        app_label = "suite"
        constraints = [
            models.UniqueConstraint(fields=["slug", "kind"], name="gadget_slug_kind_unique")
        ]

    def __str__(self) -> str:
        return self.name


if TYPE_CHECKING:
    _FieldBase = models.Field[int, int]
else:
    _FieldBase = models.Field


class CentsField(_FieldBase):
    """A custom model field with no serializer field of its own: DRF wraps it in ModelField."""

    def get_internal_type(self) -> str:
        return "BigIntegerField"


class Board(models.Model):
    """A board whose labels and lanes are written through one nested payload."""

    name: "models.CharField[str, str]" = models.CharField(max_length=40)
    hits: "models.IntegerField[int, int]" = models.IntegerField(default=0)
    rank: "models.SmallIntegerField[int, int]" = models.SmallIntegerField(default=0)
    budget: "CentsField" = CentsField(default=0)
    owner: "models.ForeignKey[models.Model | None, models.Model | None]" = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        limit_choices_to={"is_staff": True},
    )

    class Meta:
        app_label = "suite"


class Label(models.Model):
    board: "models.ForeignKey[Board, Board]" = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="labels"
    )
    name: "models.CharField[str, str]" = models.CharField(max_length=20, unique=True)

    class Meta:
        app_label = "suite"


class Lane(models.Model):
    board: "models.ForeignKey[Board, Board]" = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="lanes"
    )
    title: "models.CharField[str, str]" = models.CharField(max_length=20)
    position: "models.PositiveSmallIntegerField[int, int]" = models.PositiveSmallIntegerField()

    class Meta:
        app_label = "suite"
        constraints = [
            models.UniqueConstraint(fields=["board", "position"], name="lane_board_position")
        ]


class Revocation(models.Model):
    """A token revoked while a serializer validated it (simplejwt's blacklist does this)."""

    token: "models.CharField[str, str]" = models.CharField(max_length=80, unique=True)

    class Meta:
        app_label = "suite"
