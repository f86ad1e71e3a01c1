"""Password fields: text that passes the project's password validators, and retype fields.

A serializer that runs ``validate_password`` (a sign-up, a password change) rejects almost any
text, and one that compares a value with its retype rejects almost any pair: drawing both right
keeps such serializers from being met only by filtering. A password field is a ``CharField``
named like one or styled ``{"input_type": "password"}``. A retype field repeats the value of
the field it is named after: ``re_password``, ``re_new_username``, ``email_confirm``, and for
passwords also ``password2`` and ``new_password2`` (after ``password1``, ``new_password1``).
"""

from collections.abc import Mapping
from typing import cast

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import fields

from restflow_testing.strategies._dispatch import Context, length_bounds
from restflow_testing.strategies._types import AnyField, Payload

# No whitespace (a CharField trims it) and no control characters: what people type.
_PASSWORD_CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Z", "C"))
_RETYPE_PREFIXES = ("re_", "retype_", "repeat_", "confirm_")
_RETYPE_SUFFIXES = ("_confirm", "_confirmation", "_again", "_repeat", "_retype")
_PASSWORD_RETYPE_SUFFIXES = ("_2", "2")


def is_password_field(field: AnyField, name: str) -> bool:
    """Whether ``field`` takes a password: a ``CharField`` styled or named as one."""
    if not isinstance(field, fields.CharField):
        return False
    style = cast(dict[str, object], getattr(field, "style", None) or {})
    return style.get("input_type") == "password" or "password" in name.lower()


def _validators_min_length() -> int:
    longest = 0
    for validator in password_validation.get_default_password_validators():
        found: object = getattr(validator, "min_length", None)
        if isinstance(found, int):
            longest = max(longest, found)
    return longest


def _passes_validators(text: str) -> bool:
    try:
        password_validation.validate_password(text)
    except DjangoValidationError:
        return False
    return True


def password_text(field: AnyField, ctx: Context) -> SearchStrategy[str]:
    """Passwords within the field's length that pass ``AUTH_PASSWORD_VALIDATORS`` as set when
    the example is drawn (checked without a user: user-similarity rules are left to the
    serializer)."""
    low, high = length_bounds(field)

    @st.composite
    def passwords(draw: st.DrawFn) -> str:
        shortest = max(low, 1, _validators_min_length())
        longest = shortest + 24 if high is None else high
        if shortest > longest:
            # The field cannot hold a password the validators accept: draw what it holds.
            return draw(st.text(_PASSWORD_CHARACTERS, min_size=max(low, 1), max_size=high))
        text = draw(st.text(_PASSWORD_CHARACTERS, min_size=shortest, max_size=longest))
        if not _passes_validators(text):
            reject()
        return text

    return passwords()


def _stem(name: str) -> str:
    """``password1`` as its retype ``password2`` names it: ``password``."""
    lowered = name.lower()
    for ending in ("_1", "1"):
        if lowered.endswith(ending):
            return lowered.removesuffix(ending)
    return lowered


def _retyped_names(name: str, *, password: bool) -> set[str]:
    lowered = name.lower()
    suffixes = _RETYPE_SUFFIXES + (_PASSWORD_RETYPE_SUFFIXES if password else ())
    found = {lowered.removeprefix(start) for start in _RETYPE_PREFIXES if lowered.startswith(start)}
    found |= {lowered.removesuffix(end) for end in suffixes if lowered.endswith(end)}
    return found


def retype_pairs(writable: Mapping[str, AnyField]) -> list[tuple[str, str]]:
    """``(original, retype)`` pairs among a serializer's writable fields: fields of one class,
    the retype named after the original."""
    pairs: list[tuple[str, str]] = []
    for retype, field in writable.items():
        password = is_password_field(field, retype)
        retyped = _retyped_names(retype, password=password)
        if not retyped:
            continue
        for original, other in writable.items():
            if original != retype and type(other) is type(field) and _stem(original) in retyped:
                pairs.append((original, retype))
                break
    return pairs


def repeat_retyped(payload: Payload, pairs: list[tuple[str, str]]) -> Payload:
    """``payload`` with each retype field holding its original's value (both being sent)."""
    for original, retype in pairs:
        if original in payload and retype in payload:
            payload[retype] = payload[original]
    return payload
