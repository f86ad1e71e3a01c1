"""Request bodies as Django's client sends them (``json_encoder=``, the ``charset`` of a
``content_type``), clear errors for multipart values that cannot be sent, and ``json()``."""

import json
from decimal import Decimal
from typing import Any

import pytest

from restflow_testing import AsyncAPIClient, AsyncAPIRequestFactory
from tests.project.app.views_client import RawBodyView

RAW = {"drf": "/client/raw/drf/", "django": "/client/raw/django/"}


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents


class MoneyEncoder(json.JSONEncoder):
    """Writes ``Money`` as ``"12.34 EUR"``; anything else as the base encoder does."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Money):
            return f"{Decimal(o.cents) / 100} EUR"
        return super().default(o)


def sent_body(response: Any) -> bytes:
    return bytes.fromhex(response.json(as_type=dict[str, Any])["body"])


# json_encoder= ---------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", list(RAW))
async def test_client_json_encoder_encodes_json_content_type_bodies(flavour: str) -> None:
    client = AsyncAPIClient(json_encoder=MoneyEncoder)
    # The overloads type JSON bodies for the default encoder: other values go through Any.
    payload: Any = {"price": Money(1234)}
    response = await client.post(RAW[flavour], payload, content_type="application/json")
    assert json.loads(sent_body(response)) == {"price": "12.34 EUR"}


async def test_client_json_encoder_reaches_the_view_that_parses_it() -> None:
    client = AsyncAPIClient(json_encoder=MoneyEncoder)
    payload: Any = [Money(5)]
    response = await client.put("/restflow/echo/", payload, content_type="application/json")
    assert response.json(as_type=dict[str, Any])["data"] == ["0.05 EUR"]


async def test_default_json_encoder_is_djangos() -> None:
    client = AsyncAPIClient()
    assert client.json_encoder.__name__ == "DjangoJSONEncoder"
    payload: Any = {"price": Money(1)}
    with pytest.raises(TypeError, match="Money is not JSON serializable"):
        await client.post(RAW["drf"], payload, content_type="application/json")


def test_factory_json_encoder() -> None:
    factory = AsyncAPIRequestFactory(json_encoder=MoneyEncoder)
    payload: Any = {"price": Money(100)}
    request = factory.patch("/x/", payload, content_type="application/json")
    assert json.loads(request.body) == {"price": "1 EUR"}


# The charset of content_type ----------------------------------------------------------------


@pytest.mark.parametrize("flavour", list(RAW))
@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "cp1252"])
async def test_text_body_is_encoded_with_the_content_types_charset(
    flavour: str, charset: str
) -> None:
    content_type = f"text/plain; charset={charset}"
    response = await AsyncAPIClient().post(RAW[flavour], "Grüße", content_type=content_type)
    assert sent_body(response) == "Grüße".encode(charset)
    assert response.json(as_type=dict[str, Any])["content_type"] == content_type


@pytest.mark.parametrize("flavour", list(RAW))
async def test_text_body_charset_names_are_case_insensitive_and_may_be_quoted(
    flavour: str,
) -> None:
    response = await AsyncAPIClient().put(
        RAW[flavour], "Grüße", content_type='text/plain; CHARSET="ISO-8859-1"; format=flowed'
    )
    assert sent_body(response) == "Grüße".encode("latin-1")


async def test_json_content_type_with_charset_encodes_the_document_with_it() -> None:
    response = await AsyncAPIClient().post(
        RAW["django"], '{"name": "Grüße"}', content_type="application/json; charset=utf-16"
    )
    assert sent_body(response).decode("utf-16") == '{"name": "Grüße"}'


async def test_text_body_without_charset_uses_default_charset() -> None:
    response = await AsyncAPIClient().post(RAW["drf"], "Grüße", content_type="text/plain")
    assert sent_body(response) == "Grüße".encode()


async def test_unknown_charset_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"charset 'klingon'.*known one"):
        await AsyncAPIClient().post(RAW["drf"], "x", content_type="text/plain; charset=klingon")


def test_factory_encodes_with_the_charset_too() -> None:
    request = AsyncAPIRequestFactory().post(
        "/client/raw/drf/", "Grüße", content_type="text/plain; charset=latin-1"
    )
    response: Any = RawBodyView.as_view()(request)
    assert bytes.fromhex(response.data["body"]) == "Grüße".encode("latin-1")


# Multipart values that cannot be sent --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([{"a": 1}], r"field 'tags'\[0\] is a dict: multipart bodies cannot nest"),
        (["ok", None], r"Cannot encode None for key 'tags'\[1\] as POST data"),
        ((["a"],), r"field 'tags'\[0\] is a list"),
        ({"a": 1}, r"field 'tags' is a dict"),
        (None, r"Cannot encode None for key 'tags' as POST data"),
    ],
)
@pytest.mark.parametrize("flavour", ["restflow", "drf"])
async def test_multipart_values_that_cannot_be_sent_raise_type_error(
    flavour: str, value: object, message: str
) -> None:
    client = AsyncAPIClient()
    data: Any = {"title": "t", "tags": value}
    with pytest.raises(TypeError, match=message):
        await client.post(f"/{flavour}/echo/", data, format="multipart")


async def test_multipart_lists_of_scalars_and_files_still_work() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")
    response = await AsyncAPIClient().post(
        "/restflow/echo/", {"tags": ["a", 2, 3.5], "files": [upload]}, format="multipart"
    )
    data = response.json(as_type=dict[str, Any])["data"]
    assert data["tags"] == ["a", "2", "3.5"]
    assert data["files"] == {"name": "a.txt", "size": 5, "content_type": "text/plain"}


# json() -----------------------------------------------------------------------------------------


async def test_json_without_arguments_is_parsed_once() -> None:
    response = await AsyncAPIClient().post("/restflow/echo/", {"price": 1.5})
    assert response.json() is response.json()


async def test_json_with_arguments_parses_with_them() -> None:
    response = await AsyncAPIClient().post("/restflow/echo/", {"price": 1.5})
    assert response.json(as_type=dict[str, Any])["data"] == {"price": 1.5}
    assert response.json(as_type=dict[str, Any], parse_float=Decimal)["data"] == {
        "price": Decimal("1.5")
    }
    assert response.json(as_type=dict[str, Any], parse_float=str)["data"] == {"price": "1.5"}
    assert response.json(as_type=dict[str, Any])["data"] == {"price": 1.5}
