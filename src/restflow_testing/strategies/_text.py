"""String fields: char, email, URL, slug, regex, UUID and IP address."""

import re
import string
from typing import Any

from django.core import validators as dj_validators
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from rest_framework import fields

from restflow_testing.strategies._dispatch import (
    LENGTH_VALIDATORS,
    Context,
    Kind,
    builtin,
    honours_types,
    length_bounds,
    probe,
)
from restflow_testing.strategies._passwords import is_password_field, password_text
from restflow_testing.strategies._types import AnyField

TEXT_CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")
"""Characters every CharField accepts: any encodable code point except NUL (no surrogates)."""

_WHITESPACE = st.sampled_from(["", " ", "\t", "\n ", "  "])
_LOCAL_CHARS = string.ascii_letters + string.digits + "!#$%&'*+-/=?^_`{|}~."
_LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,12}[a-z0-9])?", fullmatch=True)
_TLDS = ("com", "org", "net", "io", "dev", "example", "xn--p1ai")
_PATH_CHARS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/%"
_LETTERS = st.text(string.ascii_lowercase, min_size=1, max_size=8)


def _fits(text: str, low: int, high: int | None) -> bool:
    return len(text) >= low and (high is None or len(text) <= high)


def _finish(
    field: AnyField, core: SearchStrategy[str], *, low: int, high: int | None, pad: bool = True
) -> SearchStrategy[str]:
    """Add what a CharField also accepts around ``core`` strings: blank, padding it trims."""
    strategy = core
    if pad and getattr(field, "trim_whitespace", True):
        padded = st.tuples(_WHITESPACE, core, _WHITESPACE).map("".join)
        strategy = core | padded
    if getattr(field, "allow_blank", False):
        strategy = st.just("") | strategy
    return strategy


def is_plain_regex(validator: object) -> bool:
    """A regex validator that only matches its pattern: Django's own, or a subclass that just
    sets the pattern (``UnicodeUsernameValidator``), not an inverted one."""
    return (
        isinstance(validator, dj_validators.RegexValidator)
        and type(validator).__call__ is dj_validators.RegexValidator.__call__
        and not validator.inverse_match
    )


def _regex_validators(field: AnyField) -> list[dj_validators.RegexValidator]:
    return [
        validator
        for validator in field.validators
        if isinstance(validator, dj_validators.RegexValidator) and is_plain_regex(validator)
    ]


def pattern_of(validator: dj_validators.RegexValidator) -> "re.Pattern[str]":
    """The compiled pattern of a regex validator (compiled lazily by Django)."""
    regex = validator.regex
    if isinstance(regex, re.Pattern):
        return re.compile(regex.pattern, regex.flags)
    return re.compile(regex, validator.flags)


def _matches_all(text: str, regexes: list[dj_validators.RegexValidator]) -> bool:
    return all(bool(pattern_of(validator).search(text)) for validator in regexes)


def _char_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    low, high = length_bounds(field)
    trim = bool(getattr(field, "trim_whitespace", True))
    regexes = _regex_validators(field)
    if not regexes and is_password_field(field, ctx.path.rsplit(".", 1)[-1]):
        return password_text(field, ctx)
    if regexes:
        pattern = pattern_of(regexes[-1])
        source: SearchStrategy[str] = st.from_regex(
            pattern, fullmatch=True, alphabet=TEXT_CHARACTERS
        )
        if trim:
            source = source.map(str.strip)
        core = source.filter(
            lambda text: text != "" and _fits(text, low, high) and _matches_all(text, regexes)
        )
        return _finish(field, core, low=low, high=high)
    if high is not None and high < max(low, 1):
        core = st.nothing()
    else:
        core = st.text(TEXT_CHARACTERS, min_size=max(low, 1), max_size=high)
        if trim:
            core = core.map(str.strip).filter(lambda text: len(text) >= max(low, 1))
    return _finish(field, core, low=low, high=high)


def char_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    """Values any CharField rejects: wrong types, blank, too long or short, NUL characters."""
    low, high = length_bounds(field)
    out: list[SearchStrategy[Any]] = []
    if not ctx.multipart:
        out.append(st.sampled_from([True, False, [], {}, ["text"], {"text": "text"}]))
    if not getattr(field, "allow_blank", False):
        # Whitespace only is blank once trimmed; untrimmed, it is an ordinary string.
        trims = getattr(field, "trim_whitespace", True)
        out.append(st.sampled_from(["", "   "]) if trims else st.just(""))
    if high is not None:
        out.append(st.text(string.ascii_lowercase, min_size=high + 1, max_size=high + 8))
    if low > 1:
        out.append(st.text(string.ascii_lowercase, min_size=1, max_size=low - 1))
    if not ctx.multipart:
        out.append(st.sampled_from(["\x00", "a\x00b"]))
    return out


def _email(low: int, high: int | None) -> SearchStrategy[str]:
    @st.composite
    def emails(draw: st.DrawFn) -> str:
        labels = draw(st.lists(_LABEL, min_size=1, max_size=3))
        domain = ".".join([*labels, draw(st.sampled_from(_TLDS))])
        if high is not None and len(domain) > high - 2:
            domain = "a.co"
        local_high = 64 if high is None else min(64, high - len(domain) - 1)
        local_low = max(1, low - len(domain) - 1)
        while local_low > 64:
            domain = "a" * 60 + "." + domain
            local_low = max(1, low - len(domain) - 1)
        local_high = max(local_high, local_low)
        raw = draw(st.text(_LOCAL_CHARS, min_size=local_low, max_size=local_high))
        chars = list(raw)
        for index, char in enumerate(chars):
            if char == "." and (index in (0, len(chars) - 1) or chars[index - 1] == "."):
                chars[index] = "x"
        return "".join(chars) + "@" + domain

    return emails().filter(lambda text: _fits(text, low, high))


def _email_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    low, high = length_bounds(field)
    return _finish(field, _email(low, high), low=low, high=high)


def _email_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    bad = ["plainaddress", "a@", "@example.com", "a@b", "a b@example.com", "a@@example.com"]
    bad_generated = st.builds("{}@{}".format, _LETTERS, _LETTERS)
    return [*char_invalid(field, ctx), *probe(field, bad, ctx), bad_generated]


def _url_schemes(field: AnyField) -> list[str]:
    chosen: set[str] | None = None
    for validator in field.validators:
        if isinstance(validator, dj_validators.URLValidator):
            schemes = {scheme.lower() for scheme in validator.schemes}
            chosen = schemes if chosen is None else chosen & schemes
    names = sorted(scheme for scheme in (chosen or set()) if re.fullmatch(r"[a-z0-9.+-]+", scheme))
    return sorted(names, key=lambda scheme: (scheme not in ("http", "https"), scheme))


def _url_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    low, high = length_bounds(field)
    schemes = _url_schemes(field)
    if not schemes:
        return st.nothing()
    domain = st.tuples(st.lists(_LABEL, min_size=1, max_size=3), st.sampled_from(_TLDS)).map(
        lambda drawn: ".".join([*drawn[0], drawn[1]])
    )
    host = (
        domain
        | st.just("localhost")
        | st.ip_addresses(v=4).map(str)
        | st.ip_addresses(v=6).map(lambda address: f"[{address}]")
    )

    @st.composite
    def urls(draw: st.DrawFn) -> str:
        base = f"{draw(st.sampled_from(schemes))}://{draw(host)}"
        port = draw(st.none() | st.integers(1, 65535))
        if port is not None:
            base += f":{port}"
        if high is not None and len(base) > high:
            base = f"{schemes[0]}://a.co"
        budget = 200 if high is None else max(0, high - len(base))
        need = max(0, low - len(base))
        if budget == 0:
            return base
        if need > 0 or draw(st.booleans()):
            rest = draw(
                st.text(
                    _PATH_CHARS,
                    min_size=max(0, need - 1),
                    max_size=max(min(budget, 60) - 1, need - 1),
                )
            )
            return f"{base}/{rest}"
        return base

    return _finish(field, urls().filter(lambda text: _fits(text, low, high)), low=low, high=high)


def _url_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    bad = ["example.com", "http://", "http://exa mple.com", "http//example.com", "mailto:a@b.co"]
    return [*char_invalid(field, ctx), *probe(field, bad, ctx)]


def _slug_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    low, high = length_bounds(field)
    if getattr(field, "allow_unicode", False):
        alphabet: SearchStrategy[str] = st.sampled_from("-_") | st.characters(
            categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No"), codec="utf-8"
        ).filter(lambda char: re.fullmatch(r"\w", char) is not None)
    else:
        alphabet = st.sampled_from(string.ascii_letters + string.digits + "-_")
    core = st.text(alphabet, min_size=max(low, 1), max_size=high)
    return _finish(field, core, low=low, high=high)


def _slug_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    bad = [
        "has space",
        "a/b",
        "a.b",
        "slug!",
        "a\u2603" if getattr(field, "allow_unicode", False) else "ünï",
    ]
    return [*char_invalid(field, ctx), *probe(field, bad, ctx)]


def _regex_field_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    return _char_valid(field, ctx)


def _regex_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    bad = ["!", "0", "a", "-", "zz", "A1", "\u2603", "x" * 12, "0" * 12]
    return [*char_invalid(field, ctx), *probe(field, bad, ctx)]


def _ip_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    protocol = str(getattr(field, "protocol", "both")).lower()
    v4 = st.ip_addresses(v=4).map(str)
    v6 = st.ip_addresses(v=6).map(str)
    core = {"ipv4": v4, "ipv6": v6}.get(protocol, v4 | v6)
    low, high = length_bounds(field)
    core = core.filter(lambda text: _fits(text, low, high))
    # IPv6 addresses are parsed before the CharField trims them, so they are never padded.
    return _finish(field, core, low=low, high=high, pad=False)


def _ip_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    bad: list[object] = ["999.1.1.1", "1.2.3", "::g", "1.2.3.4.5", "example.com", "::1", "10.0.0.1"]
    if not ctx.multipart:
        bad.extend([5, [], {}])
    return [*char_invalid(field, ctx), *probe(field, bad, ctx)]


def _uuid_valid(field: AnyField, ctx: Context) -> SearchStrategy[Any]:
    verbose = st.uuids().map(str)
    return verbose | st.uuids().map(lambda value: value.hex)


def _uuid_invalid(field: AnyField, ctx: Context) -> list[SearchStrategy[Any]]:
    bad: list[object] = ["not-a-uuid", "1234", "g" * 32, "", "123e4567-e89b-12d3-a456"]
    if not ctx.multipart:
        bad.extend([-1, 1.5, [], {}])
    return probe(field, bad, ctx)


_ip_validators: tuple[object, ...] = (
    dj_validators.validate_ipv46_address,
    dj_validators.validate_ipv4_address,
    dj_validators.validate_ipv6_address,
)

builtin(
    fields.CharField,
    kind=Kind(
        _char_valid,
        char_invalid,
        lambda field, validator: (
            isinstance(validator, LENGTH_VALIDATORS) or is_plain_regex(validator)
        ),
    ),
)
builtin(
    fields.EmailField,
    kind=Kind(
        _email_valid,
        _email_invalid,
        honours_types(*LENGTH_VALIDATORS, dj_validators.EmailValidator),
    ),
)
builtin(
    fields.URLField,
    kind=Kind(
        _url_valid, _url_invalid, honours_types(*LENGTH_VALIDATORS, dj_validators.URLValidator)
    ),
)
_ASCII_SLUG = {r"^[-a-zA-Z0-9_]+$", r"^[-a-zA-Z0-9_]+\Z"}
_UNICODE_SLUG = {r"^[-\w]+\Z"}


def _slug_honours(field: AnyField, validator: object) -> bool:
    if isinstance(validator, LENGTH_VALIDATORS):
        return True
    if type(validator) is not dj_validators.RegexValidator or validator.inverse_match:
        return False
    pattern = pattern_of(validator).pattern
    if getattr(field, "allow_unicode", False):
        return pattern in _UNICODE_SLUG
    return pattern in _ASCII_SLUG | _UNICODE_SLUG


builtin(fields.SlugField, kind=Kind(_slug_valid, _slug_invalid, _slug_honours))
builtin(
    fields.RegexField,
    kind=Kind(
        _regex_field_valid,
        _regex_invalid,
        lambda field, validator: (
            isinstance(validator, LENGTH_VALIDATORS) or is_plain_regex(validator)
        ),
    ),
)
builtin(
    fields.IPAddressField,
    kind=Kind(_ip_valid, _ip_invalid, honours_types(*LENGTH_VALIDATORS, callables=_ip_validators)),
)
builtin(fields.UUIDField, kind=Kind(_uuid_valid, _uuid_invalid))
