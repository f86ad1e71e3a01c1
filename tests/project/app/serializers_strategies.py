"""Serializers that the strategies suite draws payloads for: every DRF field kind."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from tests.project.app.models import Tag
from tests.project.app.models_strategies import Gadget


class PartSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=10)
    weight = serializers.IntegerField(min_value=0, max_value=50, required=False)


class StrictPartSerializer(serializers.Serializer[Any]):
    low = serializers.IntegerField()
    high = serializers.IntegerField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["low"] > attrs["high"]:
            raise serializers.ValidationError("low must not exceed high")
        return attrs


GROUPED = [
    ("Metals", [("gold", "Gold"), ("iron", "Iron")]),
    ("Gases", [(1, "Helium"), (2, "Neon")]),
    ("none", "Nothing"),
]


class ScalarsSerializer(serializers.Serializer[Any]):
    """Every scalar kind and its constraints."""

    char = serializers.CharField(min_length=3, max_length=12)
    char_blank = serializers.CharField(allow_blank=True, max_length=5, required=False)
    char_untrimmed = serializers.CharField(trim_whitespace=False, max_length=4, allow_null=True)
    regex = serializers.RegexField(r"^[A-Z]{2}-\d{3,5}$")
    email = serializers.EmailField(max_length=40)
    url = serializers.URLField(max_length=80)
    slug = serializers.SlugField(max_length=16)
    slug_unicode = serializers.SlugField(allow_unicode=True, min_length=2)
    uuid = serializers.UUIDField()
    ip_both = serializers.IPAddressField()
    ip_v4 = serializers.IPAddressField(protocol="IPv4")
    ip_v6 = serializers.IPAddressField(protocol="ipv6")
    integer = serializers.IntegerField(min_value=-5, max_value=5)
    integer_open = serializers.IntegerField(required=False)
    floating = serializers.FloatField(min_value=0.5, max_value=2.25)
    decimal = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("-10"), max_value=Decimal("99.5")
    )
    decimal_number = serializers.DecimalField(
        max_digits=6, decimal_places=3, coerce_to_string=False, allow_null=True
    )
    decimal_free = serializers.DecimalField(max_digits=4, decimal_places=None)
    boolean = serializers.BooleanField()
    boolean_null = serializers.BooleanField(allow_null=True)
    choice = serializers.ChoiceField(choices=GROUPED)
    choice_blank = serializers.ChoiceField(choices=[1, 2, 3], allow_blank=True)
    multiple = serializers.MultipleChoiceField(choices=["a", "b", "c"], allow_empty=False)
    date = serializers.DateField()
    date_formats = serializers.DateField(input_formats=["%d/%m/%Y", "iso-8601"])
    time = serializers.TimeField()
    datetime = serializers.DateTimeField()
    datetime_formats = serializers.DateTimeField(input_formats=["%Y-%m-%d %H:%M"])
    duration = serializers.DurationField(
        min_value=dt.timedelta(seconds=-60), max_value=dt.timedelta(days=3)
    )
    defaulted = serializers.IntegerField(default=7)
    shown = serializers.CharField(read_only=True)
    hidden = serializers.HiddenField(default="secret")


PARTS_LENGTHS: dict[str, Any] = {"min_length": 1, "max_length": 3}


class CompositeSerializer(serializers.Serializer[Any]):
    """Lists, dicts, JSON and nested serializers."""

    numbers = serializers.ListField(
        child=serializers.IntegerField(min_value=0), min_length=1, max_length=4
    )
    words = serializers.ListField(child=serializers.CharField(max_length=3), allow_empty=False)
    anything = serializers.ListField(required=False)
    mapping = serializers.DictField(child=serializers.FloatField(), allow_empty=False)
    store = serializers.HStoreField(required=False)
    document = serializers.JSONField()
    document_binary = serializers.JSONField(binary=True, required=False)
    part = PartSerializer()
    maybe_part = PartSerializer(allow_null=True, required=False)
    parts: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PartSerializer(), **PARTS_LENGTHS
    )
    strict = StrictPartSerializer(required=False)


class RelationsSerializer(serializers.Serializer[Any]):
    """Related fields sampled from existing rows."""

    tag = serializers.PrimaryKeyRelatedField[Tag](queryset=Tag.objects.all())
    tag_name = serializers.SlugRelatedField[Tag](slug_field="name", queryset=Tag.objects.all())
    tags: Any = serializers.PrimaryKeyRelatedField[Tag](
        queryset=Tag.objects.all(), many=True, allow_empty=False
    )
    owner = serializers.PrimaryKeyRelatedField[Any](
        queryset=get_user_model().objects.all(), allow_null=True, required=False
    )


class FilesSerializer(serializers.Serializer[Any]):
    """File uploads: payloads are for format="multipart"."""

    upload = serializers.FileField(max_length=20)
    note = serializers.CharField(max_length=30, required=False)
    count = serializers.IntegerField(min_value=1, max_value=9)
    flag = serializers.BooleanField(required=False)
    nullable = serializers.IntegerField(allow_null=True, required=False)
    choices = serializers.MultipleChoiceField(choices=["x", "y"], required=False)
    items = serializers.ListField(child=serializers.IntegerField(), required=False)
    meta = serializers.JSONField(required=False)


class ImagesSerializer(serializers.Serializer[Any]):
    picture = serializers.ImageField()


class GadgetSerializer(serializers.ModelSerializer[Gadget]):
    class Meta:
        model = Gadget
        fields = "__all__"


class ValidatedSerializer(serializers.Serializer[Any]):
    """Validation the strategies cannot model: a custom validator and validate_<field>."""

    even = serializers.IntegerField(min_value=0, max_value=100)
    word = serializers.CharField(max_length=8)

    def validate_even(self, value: int) -> int:
        if value % 2:
            raise serializers.ValidationError("must be even")
        return value
