"""Serializers as drf-writable-nested's and djangorestframework-dataclasses' READMEs write them."""

import dataclasses
import datetime
import decimal
import enum
import typing
import uuid

from drf_writable_nested.mixins import UniqueFieldsMixin
from drf_writable_nested.serializers import WritableNestedModelSerializer
from rest_framework import serializers
from rest_framework_dataclasses.serializers import DataclassSerializer

from benchmarks.corpus.readme_app.models import (
    AccessKey,
    Avatar,
    Person,
    Profile,
    Site,
    Tag,
    Task,
)


class AvatarSerializer(serializers.ModelSerializer):
    image = serializers.CharField()

    class Meta:
        model = Avatar
        fields = ("pk", "image")


class SiteSerializer(serializers.ModelSerializer):
    url = serializers.CharField()

    class Meta:
        model = Site
        fields = ("pk", "url")


class AccessKeySerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessKey
        fields = ("pk", "key")


class ProfileSerializer(WritableNestedModelSerializer):
    sites = SiteSerializer(many=True)
    avatars = AvatarSerializer(many=True)
    access_key = AccessKeySerializer(allow_null=True)

    class Meta:
        model = Profile
        fields = ("pk", "sites", "avatars", "access_key")


class PersonSerializer(WritableNestedModelSerializer):
    profile = ProfileSerializer()

    class Meta:
        model = Person
        fields = ("pk", "profile", "username")


class TagSerializer(UniqueFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ("pk", "name")


class TaskSerializer(WritableNestedModelSerializer):
    tags = TagSerializer(many=True)

    class Meta:
        model = Task
        fields = ("pk", "title", "priority", "tags")


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


@dataclasses.dataclass
class Address:
    street: str
    city: str
    postcode: str | None = None


@dataclasses.dataclass
class Human:
    name: str
    email: str
    alive: bool
    gender: typing.Literal["male", "female"]
    birth_date: datetime.date | None
    phone: list[str]
    movie_ratings: dict[str, int]


@dataclasses.dataclass
class Account:
    id: uuid.UUID
    balance: decimal.Decimal
    colour: Colour
    address: Address
    previous: list[Address]
    opened: datetime.datetime
    scores: list[list[int]]


class HumanSerializer(DataclassSerializer):
    class Meta:
        dataclass = Human


class AddressSerializer(DataclassSerializer):
    class Meta:
        dataclass = Address


class AccountSerializer(DataclassSerializer):
    class Meta:
        dataclass = Account
