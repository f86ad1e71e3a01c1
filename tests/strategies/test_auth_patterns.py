"""Auth serializers: passwords and retypes, rules met only by chance, exceptions out of
``is_valid()``, validation with effects, and keys read from ``initial_data``."""

from typing import Any, ClassVar, cast

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.test import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import FailedHealthCheck
from hypothesis.extra.django import TestCase
from rest_framework import exceptions, serializers

from restflow_testing.strategies import (
    InvalidPayload,
    Payload,
    SerializerError,
    UnsatisfiableSerializerError,
    from_serializer,
    invalid_from_serializer,
)
from tests.project.app.models_strategies import Revocation
from tests.project.app.serializers_patterns import (
    AccessCodeSerializer,
    ActivationSerializer,
    PasswordChangeSerializer,
    SignUpSerializer,
    TokenBlacklistSerializer,
    TokenError,
    TokenObtainSerializer,
    TokenRefreshSerializer,
)

EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

STRICT_PASSWORDS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 14},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


def draw_once(strategy: st.SearchStrategy[Any], examples: int = 5) -> None:
    @settings(max_examples=examples, database=None, deadline=None)
    @given(strategy)
    def run(value: Any) -> None:
        pass

    run()


@override_settings(AUTH_PASSWORD_VALIDATORS=STRICT_PASSWORDS)
class Passwords(TestCase):
    @EXAMPLES
    @given(data=st.data())
    def test_sign_up_passwords_pass_the_validators_and_match(self, data: st.DataObject) -> None:
        payload = data.draw(from_serializer(SignUpSerializer))
        assert payload["password1"] == payload["password2"]
        assert len(payload["password1"]) >= 14
        password_validation.validate_password(payload["password1"])
        serializer = SignUpSerializer(data=payload)
        assert serializer.is_valid(), serializer.errors

    @EXAMPLES
    @given(data=st.data())
    def test_retype_pairs_with_an_overridden_current_password(self, data: st.DataObject) -> None:
        payload = data.draw(
            from_serializer(PasswordChangeSerializer, current_password=st.just("the current one"))
        )
        assert payload["new_password"] == payload["re_new_password"]
        serializer = PasswordChangeSerializer(data=payload)
        assert serializer.is_valid(), serializer.errors

    def test_a_current_password_that_cannot_be_drawn_is_named_with_the_fix(self) -> None:
        with pytest.raises(UnsatisfiableSerializerError) as caught:
            draw_once(from_serializer(PasswordChangeSerializer))
        message = str(caught.value)
        assert "from_serializer(PasswordChangeSerializer)" in message
        assert "Invalid password." in message
        assert "current_password" in message
        assert "field=st.just(value)" in message

    @EXAMPLES
    @given(data=st.data())
    def test_invalid_sign_ups_are_rejected(self, data: st.DataObject) -> None:
        payload: InvalidPayload = data.draw(invalid_from_serializer(SignUpSerializer))
        assert not SignUpSerializer(data=payload).is_valid()


def test_rules_no_drawn_payload_meets_name_the_serializer_errors_and_fix() -> None:
    with pytest.raises(UnsatisfiableSerializerError) as caught:
        draw_once(from_serializer(AccessCodeSerializer))
    message = str(caught.value)
    assert "none of 510 drawn payloads passed AccessCodeSerializer's own validation" in message
    assert "Hypothesis would fail its filter_too_much health check" in message
    assert isinstance(caught.value, FailedHealthCheck)
    assert "Wrong access code." in message
    assert "from_serializer(AccessCodeSerializer, field=st.just(value))" in message


@EXAMPLES
@given(from_serializer(AccessCodeSerializer, code=st.just("open-sesame")))
def test_the_named_fix_works(payload: Payload) -> None:
    assert AccessCodeSerializer(data=payload).is_valid()


class ExceptionsOutOfIsValid(TestCase):
    def test_authentication_failed_is_reported_as_the_serializers(self) -> None:
        with pytest.raises(SerializerError) as caught:
            draw_once(from_serializer(TokenObtainSerializer))
        message = str(caught.value)
        assert message.startswith(
            "TokenObtainSerializer raised AuthenticationFailed: No active account found"
        )
        assert "pass strategies for those fields" in message
        assert "validate=False" in message
        assert isinstance(caught.value.__cause__, exceptions.AuthenticationFailed)

    def test_token_errors_are_reported_for_invalid_payloads_too(self) -> None:
        with pytest.raises(SerializerError, match="TokenRefreshSerializer raised TokenError"):
            draw_once(from_serializer(TokenRefreshSerializer))

        class TokenVerifySerializer(serializers.Serializer[Any]):
            token = serializers.CharField()
            lifetime = serializers.IntegerField(min_value=1)

            def validate_token(self, value: str) -> str:
                raise TokenError("Token is invalid or expired")

        # A payload that breaks ``lifetime`` still has its token checked: DRF validates every
        # field before it reports the errors. (One that breaks ``token`` does not get there.)
        with pytest.raises(SerializerError) as caught:
            draw_once(invalid_from_serializer(TokenVerifySerializer), examples=100)
        assert "TokenVerifySerializer raised TokenError" in str(caught.value)
        assert "invalid_from_serializer()" in str(caught.value)
        assert isinstance(caught.value.__cause__, TokenError)


class CredentialsOfAnExistingUser(TestCase):
    user: ClassVar[AbstractBaseUser]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user(username="ada", password="s3cret-pass")

    @EXAMPLES
    @given(
        from_serializer(
            TokenObtainSerializer, username=st.just("ada"), password=st.just("s3cret-pass")
        )
    )
    def test_overriding_the_credentials_draws_accepted_payloads(self, payload: Payload) -> None:
        assert TokenObtainSerializer(data=payload).is_valid()


class ValidationWithEffects(TestCase):
    """simplejwt's blacklist serializer writes a row while it validates."""

    def test_the_check_runs_is_valid_with_its_effects(self) -> None:
        drawn: list[Payload] = []

        @settings(max_examples=5, database=None, deadline=None)
        @given(from_serializer(TokenBlacklistSerializer))
        def run(payload: Payload) -> None:
            drawn.append(payload)
            # The draw already revoked the token: sending it now is rejected.
            assert not TokenBlacklistSerializer(data=payload).is_valid()

        run()
        assert Revocation.objects.filter(token=drawn[-1]["refresh"].strip()).exists()

    def test_validate_false_leaves_the_serializer_alone(self) -> None:
        @settings(max_examples=20, database=None, deadline=None)
        @given(
            from_serializer(TokenBlacklistSerializer, validate=False),
            invalid_from_serializer(TokenBlacklistSerializer, validate=False),
        )
        def run(payload: Payload, bad: InvalidPayload) -> None:
            assert not Revocation.objects.exists()
            serializer = TokenBlacklistSerializer(data=bad)
            assert not serializer.is_valid()
            assert TokenBlacklistSerializer(data=payload).is_valid()
            Revocation.objects.all().delete()

        run()


class KeysReadFromInitialData(TestCase):
    """djoser's reset confirmation reads ``uid`` and ``token`` beyond its fields."""

    user: ClassVar[AbstractBaseUser]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user(username="grace", password="old-pass")

    def extra(self) -> dict[str, st.SearchStrategy[str]]:
        return {
            "uid": st.just(urlsafe_base64_encode(force_bytes(self.user.pk))),
            "token": st.just(default_token_generator.make_token(cast(Any, self.user))),
        }

    @EXAMPLES
    @given(data=st.data())
    def test_extra_data_is_sent_with_every_payload(self, data: st.DataObject) -> None:
        payload = data.draw(from_serializer(ActivationSerializer, extra_data=self.extra()))
        assert set(payload) == {"new_password", "uid", "token"}
        assert ActivationSerializer(data=payload).is_valid()
        bad: Any = data.draw(invalid_from_serializer(ActivationSerializer, extra_data=self.extra()))
        assert not ActivationSerializer(data=bad).is_valid()
        if isinstance(bad, dict):
            assert bad["uid"] == payload["uid"]

    def test_extra_data_that_names_a_field_or_is_no_strategy_is_refused(self) -> None:
        with pytest.raises(TypeError, match=r"\['new_password'\].*new_password=st\.just"):
            from_serializer(ActivationSerializer, extra_data={"new_password": st.just("x")})
        with pytest.raises(TypeError, match=r"extra_data\['uid'\].*st\.just"):
            from_serializer(ActivationSerializer, extra_data={"uid": "MQ"})  # type: ignore[dict-item]  # pyright: ignore[reportArgumentType]

    def test_unknown_keyword_names_point_to_extra_data(self) -> None:
        with pytest.raises(TypeError, match=r"\['uid'\].*extra_data"):
            from_serializer(ActivationSerializer, uid=st.just("MQ"))
