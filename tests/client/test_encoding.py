"""encode_data: DRF's body encoding with settings read on every call."""

import datetime
import io
import json
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from restflow_testing.encoding import available_formats, encode_data

KV = "tests.project.app.views_client.KeyValueRenderer"


def with_renderers(*extra: str, **changes: Any) -> dict[str, Any]:
    rest = dict(settings.REST_FRAMEWORK)
    rest["TEST_REQUEST_RENDERER_CLASSES"] = [*rest["TEST_REQUEST_RENDERER_CLASSES"], *extra]
    rest.update(changes)
    return rest


def test_json_is_the_configured_default() -> None:
    body, content_type = encode_data({"a": [1, None, True]})
    assert content_type == "application/json"
    assert json.loads(body) == {"a": [1, None, True]}


def test_drf_scalars_are_encoded_as_drf_does() -> None:
    body, _ = encode_data(
        {
            "when": datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC),
            "price": Decimal("1.25"),
            "id": UUID(int=7),
            "took": datetime.timedelta(seconds=90),
        }
    )
    assert json.loads(body) == {
        "when": "2024-05-01T12:00:00Z",
        "price": 1.25,
        "id": "00000000-0000-0000-0000-000000000007",
        "took": "90.0",
    }


def test_multipart_files_and_repeated_fields() -> None:
    body, content_type = encode_data(
        {"f": io.BytesIO(b"bytes!"), "tags": ["a", "b"]}, format="multipart"
    )
    assert content_type == "multipart/form-data; boundary=BoUnDaRyStRiNg; charset=utf-8"
    assert b"bytes!" in body
    assert body.count(b'name="tags"') == 2


def test_raw_bodies() -> None:
    assert encode_data("é", content_type="text/plain") == (b"\xc3\xa9", "text/plain")
    assert encode_data(b"\x00", content_type="application/x") == (b"\x00", "application/x")
    assert encode_data(bytearray(b"ab"), content_type="x/y").body == b"ab"
    assert encode_data(None, content_type="text/plain") == (b"", "text/plain")
    assert encode_data(None) == (b"", None)


def test_settings_are_read_on_every_call() -> None:
    assert available_formats() == ("json", "multipart")
    with override_settings(REST_FRAMEWORK=with_renderers(KV, TEST_REQUEST_DEFAULT_FORMAT="kv")):
        assert available_formats() == ("json", "multipart", "kv")
        assert api_settings.TEST_REQUEST_DEFAULT_FORMAT == "kv"
        assert encode_data({"a": 1}) == (b"a=1\n", "text/x-key-value; charset=utf-8")
    assert available_formats() == ("json", "multipart")
    assert encode_data({"a": 1}).content_type == "application/json"
    with pytest.raises(ValueError, match="'kv'"):
        encode_data({"a": 1}, "kv")


def test_explicit_renderers_and_default_format_win_over_settings() -> None:
    encoded = encode_data({"a": 1}, default_format="multipart")
    assert encoded.content_type is not None
    assert encoded.content_type.startswith("multipart/form-data")
    assert available_formats((JSONRenderer,)) == ("json",)
    with pytest.raises(ValueError, match="Available formats: 'json'\\."):
        encode_data({"a": 1}, "multipart", renderer_classes=(JSONRenderer,))
