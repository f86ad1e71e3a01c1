"""Static checks of the typed ways to read a JSON body: never run, only type-checked."""

from dataclasses import dataclass
from typing import Any, TypedDict, assert_type

from restflow_testing import APIResponse, AsyncAPIClient, JSONValue, typed_json


class ArticleBody(TypedDict):
    id: int
    title: str


@dataclass
class Article:
    id: int
    title: str


async def json_bodies(client: AsyncAPIClient) -> None:
    response = await client.get("/articles/1/")
    assert_type(response, APIResponse)
    assert_type(response.json(), JSONValue)
    assert_type(response.json(parse_float=str), JSONValue)
    assert_type(response.json(as_type=ArticleBody), ArticleBody)
    assert_type(response.json(as_type=ArticleBody)["title"], str)
    assert_type(response.json(as_type=Article), Article)
    assert_type(response.json(as_type=Article).id, int)
    assert_type(response.json(as_type=list[ArticleBody]), list[ArticleBody])
    assert_type(response.json(as_type=dict[str, Any]), dict[str, Any])
    assert_type(typed_json({"id": 1, "title": "t"}, ArticleBody), ArticleBody)

    body = response.json()
    if isinstance(body, dict):
        narrowed: dict[str, JSONValue] = body  # an object once narrowed
        assert_type(narrowed["title"], JSONValue)


async def wrong_reads(client: AsyncAPIClient) -> None:
    response = await client.get("/articles/1/")
    # A JSON value is not indexable until narrowed (it may be a list, a string, null...).
    _ = response.json()["title"]  # type: ignore[index,call-overload]  # pyright: ignore[reportUnknownVariableType, reportIndexIssue, reportCallIssue, reportArgumentType, reportOptionalSubscript]
    # as_type takes a type, not a value.
    response.json(as_type=ArticleBody(id=1, title="t"))  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    # The typed view has only the keys and attributes its type declares.
    _ = response.json(as_type=ArticleBody)["body"]  # type: ignore[typeddict-item]  # pyright: ignore[reportUnknownVariableType, reportGeneralTypeIssues]
    _ = response.json(as_type=Article).body  # type: ignore[attr-defined]  # pyright: ignore[reportUnknownVariableType, reportAttributeAccessIssue]
