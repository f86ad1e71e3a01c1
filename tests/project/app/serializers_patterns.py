"""Serializers written the way auth and nested-writes packages write them, for the strategies.

Modelled on the patterns of dj-rest-auth and djoser (passwords and their retype, uid and token
read from ``initial_data``), simplejwt (``AuthenticationFailed`` and ``TokenError`` out of
``validate()``, a blacklist written during validation) and drf-writable-nested (nested lists
saved row by row), plus recursive serializers.
"""

import zlib
from decimal import Decimal
from typing import Any, ClassVar, cast

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from rest_framework import exceptions, serializers

from tests.project.app.models_strategies import Board, Label, Lane, Revocation


class SignUpSerializer(serializers.Serializer[Any]):
    """dj-rest-auth's registration: a password, its retype, Django's password validators."""

    username = serializers.CharField(max_length=30)
    email = serializers.EmailField()
    password1 = serializers.CharField(write_only=True)
    password2 = serializers.CharField(write_only=True)

    def validate_password1(self, value: str) -> str:
        password_validation.validate_password(value)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["password1"] != attrs["password2"]:
            raise serializers.ValidationError("The two password fields didn't match.")
        return attrs


class PasswordChangeSerializer(serializers.Serializer[Any]):
    """djoser's retype: ``current_password``, ``new_password`` and ``re_new_password``."""

    current_password = serializers.CharField(style={"input_type": "password"})
    new_password = serializers.CharField(style={"input_type": "password"})
    re_new_password = serializers.CharField(style={"input_type": "password"})

    def validate_current_password(self, value: str) -> str:
        if value != "the current one":
            raise serializers.ValidationError("Invalid password.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        password_validation.validate_password(attrs["new_password"])
        if attrs["new_password"] != attrs["re_new_password"]:
            raise serializers.ValidationError({"re_new_password": "The passwords don't match."})
        return attrs


class AccessCodeSerializer(serializers.Serializer[Any]):
    """A rule only one value meets: the strategies cannot guess it."""

    email = serializers.EmailField()
    code = serializers.CharField(max_length=12)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["code"] != "open-sesame":
            raise serializers.ValidationError({"code": "Wrong access code."})
        return attrs


class VoucherSerializer(serializers.Serializer[Any]):
    """A voucher whose code must carry the issuer's checksum: a CRC32 divisible by ``modulus``.

    One drawn code in ``modulus`` meets the rule by chance (fewer, since Hypothesis repeats
    small values): the strategies can only draw and check.
    """

    modulus: ClassVar[int] = 3
    code = serializers.CharField(max_length=40)
    amount = serializers.IntegerField(min_value=1, max_value=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if zlib.crc32(attrs["code"].encode()) % self.modulus:
            raise serializers.ValidationError({"code": "Not a code we issued."})
        return attrs


class SignedVoucherSerializer(VoucherSerializer):
    """Codes with a longer checksum: about one drawn code in a hundred passes."""

    modulus = 100


class TokenError(Exception):
    """simplejwt's TokenError: not a ValidationError, so DRF lets it out of is_valid()."""


class TokenObtainSerializer(serializers.Serializer[Any]):
    """simplejwt's TokenObtainPairSerializer: unknown credentials raise AuthenticationFailed."""

    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = get_user_model().objects.filter(username=attrs["username"]).first()
        if user is None or not user.check_password(attrs["password"]):
            raise exceptions.AuthenticationFailed("No active account found")
        return {"user": user.pk}


class TokenRefreshSerializer(serializers.Serializer[Any]):
    """simplejwt's TokenRefreshSerializer: a token it did not issue raises TokenError."""

    refresh = serializers.CharField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["refresh"].startswith("issued:"):
            raise TokenError("Token is invalid or expired")
        return attrs


class TokenBlacklistSerializer(serializers.Serializer[Any]):
    """simplejwt's TokenBlacklistSerializer: validating a token revokes it, in the database."""

    refresh = serializers.CharField(max_length=80)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if Revocation.objects.filter(token=attrs["refresh"]).exists():
            raise serializers.ValidationError({"refresh": "Token is blacklisted"})
        Revocation.objects.create(token=attrs["refresh"])
        return attrs


class ActivationSerializer(serializers.Serializer[Any]):
    """djoser's password reset confirmation: ``uid`` and ``token`` are read from
    ``initial_data`` in ``validate()``, not declared as fields."""

    new_password = serializers.CharField(style={"input_type": "password"})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        initial: Any = self.initial_data
        try:
            pk = force_str(urlsafe_base64_decode(initial.get("uid", "")))
            user = get_user_model().objects.get(pk=pk)
        except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
            raise serializers.ValidationError({"uid": "Invalid user id."}) from None
        if not default_token_generator.check_token(user, initial.get("token", "")):
            raise serializers.ValidationError({"token": "Invalid token."})
        return attrs


class ProfileSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=20)
    age = serializers.IntegerField(min_value=0, max_value=150, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=8), required=False)
    newsletter = serializers.BooleanField(required=False)


class LinkSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=20)
    url = serializers.URLField()


class AvatarUploadSerializer(serializers.Serializer[Any]):
    """A file beside nested objects: DRF reads ``profile.name`` and ``links[0]title`` keys."""

    avatar = serializers.FileField()
    caption = serializers.CharField(max_length=40, required=False)
    profile = ProfileSerializer()
    links = LinkSerializer(many=True, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["profile"].get("age") == 13:
            raise serializers.ValidationError("unlucky")
        return attrs


class ArtistSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=20)
    country = serializers.ChoiceField(choices=["FR", "NG", "JP"], required=False)


class TrackSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=30)
    seconds = serializers.IntegerField(min_value=1, max_value=3600)
    artist = ArtistSerializer()


class PlaylistUploadSerializer(serializers.Serializer[Any]):
    """A cover file beside a bounded list of tracks, each with a nested artist: DRF reads
    ``tracks[0]title`` and ``tracks[0]artist.name`` keys."""

    cover = serializers.FileField()
    tracks: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=TrackSerializer(), min_length=2, max_length=3
    )


class ListsSerializer(serializers.Serializer[Any]):
    """``ListSerializer`` of plain fields and lists of lists."""

    ids: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=serializers.IntegerField(min_value=1)
    )
    grid = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=1),
        min_length=1,
    )
    words: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=serializers.ListField(child=serializers.CharField(max_length=5)), required=False
    )


class CommentSerializer(serializers.Serializer[Any]):
    """A comment and its replies, which are comments: the serializer nests itself."""

    text = serializers.CharField(max_length=40)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields: dict[str, serializers.Field[Any, Any, Any, Any]] = cast(Any, super()).get_fields()
        fields["replies"] = CommentSerializer(many=True, required=False)
        fields["quote"] = CommentSerializer(required=False, allow_null=True)
        return fields


class FolderSerializer(serializers.Serializer[Any]):
    """Folders hold documents, whose ``folder`` is a folder: recursion through another."""

    name = serializers.CharField(max_length=20)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields: dict[str, serializers.Field[Any, Any, Any, Any]] = cast(Any, super()).get_fields()
        fields["documents"] = DocumentSerializer(many=True)
        return fields


class DocumentSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=20)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields: dict[str, serializers.Field[Any, Any, Any, Any]] = cast(Any, super()).get_fields()
        fields["folder"] = FolderSerializer(required=False)
        return fields


class ChainSerializer(serializers.Serializer[Any]):
    """Requires itself at every level: no finite payload exists."""

    name = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields: dict[str, serializers.Field[Any, Any, Any, Any]] = cast(Any, super()).get_fields()
        fields["next"] = ChainSerializer()
        return fields


class AmountsSerializer(serializers.Serializer[Any]):
    """Decimals without a digit limit: DRF quantizes them in the decimal context."""

    total = serializers.DecimalField(max_digits=None, decimal_places=2)
    rate = serializers.DecimalField(
        max_digits=None, decimal_places=6, min_value=Decimal("-1000"), required=False
    )
    free = serializers.DecimalField(max_digits=None, decimal_places=None, required=False)


class AddressSerializer(serializers.Serializer[Any]):
    street = serializers.CharField(max_length=40)
    city = serializers.CharField(max_length=40)


class OrderSerializer(serializers.Serializer[Any]):
    """A flattened nested serializer (``source="*"``) that also allows null."""

    reference = serializers.CharField(max_length=12)
    address = AddressSerializer(source="*", allow_null=True)


class LabelSerializer(serializers.ModelSerializer[Label]):
    class Meta:
        model = Label
        fields = ["name"]


class LaneSerializer(serializers.ModelSerializer[Lane]):
    class Meta:
        model = Lane
        fields = ["title", "position"]


class BoardSerializer(serializers.ModelSerializer[Board]):
    """drf-writable-nested's pattern: the nested lists are saved row by row on create."""

    labels = LabelSerializer(many=True)
    lanes = LaneSerializer(many=True, required=False)
    hits = serializers.IntegerField()
    rank = serializers.IntegerField(required=False)

    class Meta:
        model = Board
        fields = ["name", "hits", "rank", "owner", "labels", "lanes"]

    def create(self, validated_data: dict[str, Any]) -> Board:
        labels = validated_data.pop("labels")
        lanes = validated_data.pop("lanes", [])
        board = Board.objects.create(**validated_data)
        for label in labels:
            Label.objects.create(board=board, **label)
        for lane in lanes:
            Lane.objects.create(board=board, **lane)
        return board


class BudgetSerializer(serializers.ModelSerializer[Board]):
    """A custom model field: DRF maps it to ModelField."""

    class Meta:
        model = Board
        fields = ["name", "budget"]
