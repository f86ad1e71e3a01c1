"""Request body encoding the DRF way: a format picks a renderer, or a content type sends raw bytes.

The renderers and the default format are read from ``REST_FRAMEWORK`` on every call
(``TEST_REQUEST_RENDERER_CLASSES`` and ``TEST_REQUEST_DEFAULT_FORMAT``), so
``override_settings(REST_FRAMEWORK=...)`` takes effect on the next request.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple, NewType, Protocol, TypeAlias, cast
from uuid import UUID

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.renderers import BaseRenderer, JSONRenderer, MultiPartRenderer
from rest_framework.settings import api_settings

from restflow_testing.json_types import JSONScalar, JSONValue

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "CustomFormat",
    "EncodedBody",
    "JSONData",
    "JSONScalar",
    "JSONValue",
    "MultipartData",
    "MultipartScalar",
    "MultipartValue",
    "RawBody",
    "UploadFile",
    "available_formats",
    "encode_data",
]

_DRFScalar: TypeAlias = (
    "JSONScalar | datetime.date | datetime.time | datetime.timedelta | Decimal | UUID"
)

JSONData: TypeAlias = "_DRFScalar | Mapping[str, JSONData] | Sequence[JSONData]"
"""What ``format="json"`` accepts: a JSON value whose leaves may also be the dates, times,
durations, decimals and UUIDs that DRF's ``JSONRenderer`` writes as strings or numbers."""


class UploadFile(Protocol):
    """A file to upload in a multipart body: anything with ``read()``, such as Django's
    ``SimpleUploadedFile`` or an ``io.BytesIO``. Its ``name`` and ``content_type``, when
    present, become the part's filename and content type."""

    @property
    def read(self) -> Callable[[], bytes | str]:
        """Returns the whole content to send when called."""
        ...


MultipartScalar: TypeAlias = str | bytes | int | float
"""A plain multipart field value, sent as its string form."""

MultipartValue: TypeAlias = "MultipartScalar | UploadFile | Sequence[MultipartScalar | UploadFile]"
"""One multipart field: a value, a file, or a sequence of them (the field repeated)."""

MultipartData: TypeAlias = Mapping[str, MultipartValue]
"""What ``format="multipart"`` accepts: a flat mapping of field names to values and files."""

RawBody: TypeAlias = str | bytes
"""A body sent as is with an explicit ``content_type``."""

CustomFormat = NewType("CustomFormat", str)
"""The name of a request format registered in ``TEST_REQUEST_RENDERER_CLASSES`` beyond
``"json"`` and ``"multipart"``: ``client.post(url, data, format=CustomFormat("yaml"))``.

The built-in formats are spelled as plain literals and get precise ``data`` types; any other
format is wrapped in ``CustomFormat`` so that a typo'd or misused built-in format cannot slip
through a catch-all ``str`` signature. Its ``data`` is checked by the renderer at run time."""

_JSON_CONTENT_TYPE = re.compile(r"^application\/(.+\+)?json", re.IGNORECASE)
_CHARSET = re.compile(r";\s*charset=\"?([^\s;\"]+)", re.IGNORECASE)


class EncodedBody(NamedTuple):
    """A request body and the ``Content-Type`` to send with it (``None``: send none)."""

    body: bytes
    content_type: str | None


_renderer_cache: tuple[object, dict[str, type[BaseRenderer]]] | None = None


def _renderer_map(classes: Sequence[type[BaseRenderer]] | None) -> dict[str, type[BaseRenderer]]:
    """Renderers by format, for the given classes or, when ``None``, the current settings."""
    global _renderer_cache
    if classes is not None:
        return {cls.format: cls for cls in classes}
    current: object = api_settings.TEST_REQUEST_RENDERER_CLASSES
    cached = _renderer_cache
    if cached is not None and cached[0] is current:
        return cached[1]
    mapping = {cls.format: cls for cls in cast("Sequence[type[BaseRenderer]]", current)}
    _renderer_cache = (current, mapping)
    return mapping


def available_formats(
    renderer_classes: Sequence[type[BaseRenderer]] | None = None,
) -> tuple[str, ...]:
    """The request formats that can be used now: those of ``renderer_classes`` or, by default,
    of ``REST_FRAMEWORK["TEST_REQUEST_RENDERER_CLASSES"]`` as currently configured."""
    return tuple(_renderer_map(renderer_classes))


def encode_data(
    data: object,
    format: str | None = None,
    content_type: str | None = None,
    *,
    default_format: str | None = None,
    renderer_classes: Sequence[type[BaseRenderer]] | None = None,
    json_encoder: type[json.JSONEncoder] = DjangoJSONEncoder,
) -> EncodedBody:
    """Encode a request body as DRF's ``APIRequestFactory`` does.

    - ``content_type`` given: ``data`` is the raw body (``str`` is encoded with the
      content type's ``charset``, else ``DEFAULT_CHARSET``); a mapping, list or tuple with a
      JSON content type is encoded with ``json_encoder``, as Django's client does. Any other
      non-text ``data`` raises ``TypeError``.
    - otherwise ``format`` (default: ``default_format``, else
      ``TEST_REQUEST_DEFAULT_FORMAT``) picks a renderer from ``renderer_classes`` (default:
      ``TEST_REQUEST_RENDERER_CLASSES``), whose media type becomes the content type.
    - ``data=None`` sends no body.

    Raises ``TypeError`` for ``format`` together with ``content_type``, for data the
    renderer cannot encode (naming the offending value's type and place) and for nested
    mappings in multipart data; ``ValueError`` for a format no renderer provides (naming
    the available ones). No check relies on ``assert``.
    """
    if format is not None and content_type is not None:
        raise TypeError(
            f"Pass either format= or content_type=, not both (got format={format!r} and "
            f"content_type={content_type!r}): format= renders data with a DRF renderer, "
            "content_type= sends data as the raw body."
        )
    if content_type is not None:
        return EncodedBody(_raw_body(data, content_type, json_encoder), content_type)
    if data is None:
        return EncodedBody(b"", None)
    renderers = _renderer_map(renderer_classes)
    chosen = format or default_format or api_settings.TEST_REQUEST_DEFAULT_FORMAT
    renderer_class = renderers.get(chosen)
    if renderer_class is None:
        available = ", ".join(repr(name) for name in renderers) or "none"
        raise ValueError(
            f"Unknown request format {chosen!r}. Available formats: {available}. "
            "Add a renderer class to REST_FRAMEWORK['TEST_REQUEST_RENDERER_CLASSES'] "
            "to enable another format, or pass content_type= to send a raw body."
        )
    renderer = renderer_class()
    if isinstance(renderer, MultiPartRenderer):
        _check_multipart(data)
    try:
        rendered = renderer.render(data)
    except (TypeError, ValueError) as exc:
        if isinstance(renderer, JSONRenderer):
            raise _json_error(data, chosen, renderer, exc) from exc
        raise
    media_type = renderer.media_type
    charset = renderer.charset
    if charset:
        media_type = f"{media_type}; charset={charset}"
    if isinstance(rendered, str):
        rendered = rendered.encode(charset or settings.DEFAULT_CHARSET)
    return EncodedBody(rendered, media_type)


def _raw_body(data: object, content_type: str, json_encoder: type[json.JSONEncoder]) -> bytes:
    kind = type(data).__name__
    if data is None:
        return b""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return _encode_text(data, content_type)
    if isinstance(data, bytearray | memoryview):
        return bytes(cast("bytes", data))
    if isinstance(data, Mapping | list | tuple) and _JSON_CONTENT_TYPE.match(content_type):
        return _encode_text(json.dumps(cast("object", data), cls=json_encoder), content_type)
    raise TypeError(
        f"With content_type={content_type!r} the data is the raw body and must be str or "
        f"bytes, not {kind}. Encode it yourself, or drop content_type= and "
        "pass format= to have a DRF renderer encode it."
    )


def _encode_text(text: str, content_type: str) -> bytes:
    """``text`` in the charset ``content_type`` names, else in ``DEFAULT_CHARSET``."""
    named = _CHARSET.search(content_type)
    charset = named[1] if named else settings.DEFAULT_CHARSET
    try:
        return text.encode(charset)
    except LookupError:
        raise ValueError(
            f"content_type={content_type!r} names the charset {charset!r}, which Python does "
            "not know: name a known one (utf-8, latin-1...) or pass the body as bytes."
        ) from None


def _check_multipart(data: object) -> None:
    if not isinstance(data, Mapping):
        raise TypeError(
            f"Multipart data must be a mapping of field names to values or files, not "
            f"{type(data).__name__}."
        )
    for key, value in cast("Mapping[object, object]", data).items():
        _check_multipart_value(repr(key), value)
        if isinstance(value, list | tuple):
            for index, item in enumerate(cast("Sequence[object]", value)):
                _check_multipart_value(f"{key!r}[{index}]", item)
                if isinstance(item, list | tuple):
                    kind = type(cast("object", item)).__name__
                    raise TypeError(
                        f"Multipart field {key!r}[{index}] is a {kind}: a field "
                        "repeats once per item of a list, and items cannot be lists themselves. "
                        "Flatten it, or send format='json'."
                    )


def _check_multipart_value(where: str, value: object) -> None:
    if isinstance(value, Mapping):
        kind = type(cast("object", value)).__name__
        raise TypeError(
            f"Multipart field {where} is a {kind}: multipart bodies "
            "cannot nest. Flatten it into separate fields or send format='json'."
        )
    if value is None:
        raise TypeError(
            f"Cannot encode None for key {where} as POST data. Did you mean to pass an empty "
            "string or omit the value?"
        )


def _json_error(data: object, format: str, renderer: JSONRenderer, exc: Exception) -> TypeError:
    encoder = renderer.encoder_class()
    found = _find_unencodable(data, "data", encoder, set())
    prefix = f"Cannot encode the request data as {format!r} with {type(renderer).__name__}"
    if found is None:
        return TypeError(f"{prefix}: {exc}")
    where, value = found
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return TypeError(
        f"{prefix}: {where} is a {type(value).__name__} ({shown}), which JSON cannot "
        "represent. Convert it to a str, number, bool, None, list or dict first."
    )


def _children(value: object) -> Iterator[tuple[str, object, object]] | None:
    if isinstance(value, dict):
        return (
            (f"[{key!r}]", key, item) for key, item in cast("dict[object, object]", value).items()
        )
    if isinstance(value, list | tuple):
        return (
            (f"[{index}]", None, item) for index, item in enumerate(cast("Sequence[object]", value))
        )
    return None


def _find_unencodable(
    value: object, where: str, encoder: json.JSONEncoder, seen: set[int]
) -> tuple[str, object] | None:
    """The place and value of the first piece of ``value`` the encoder cannot write."""
    if value is None or isinstance(value, str | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else (where, value)
    children = _children(value)
    if children is None:
        try:
            converted = encoder.default(value)
        except (TypeError, ValueError):
            return (where, value)
        if converted is value:
            return (where, value)
        return _find_unencodable(converted, where, encoder, seen)
    if id(value) in seen:
        return (where, value)
    seen.add(id(value))
    for suffix, key, item in children:
        if key is not None and not isinstance(key, str | int | float | bool):
            return (f"{where} key {key!r}", key)
        found = _find_unencodable(item, where + suffix, encoder, seen)
        if found is not None:
            return found
    seen.discard(id(value))
    return None
