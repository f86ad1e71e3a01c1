"""Typed reads of JSON bodies: ``json()`` and ``json(as_type=...)`` against real views."""

import dataclasses
import datetime
import re
from typing import Any, Literal, NotRequired, TypedDict

import pytest
from asgiref.sync import async_to_sync

from restflow_testing import AsyncAPIClient, typed_json
from tests.project.app.echo import Echo


class ArticleBody(TypedDict):
    id: int
    title: str
    published: bool
    author: int | None
    tags: list[int]
    summary: NotRequired[str]


@dataclasses.dataclass(frozen=True)
class Article:
    id: int
    title: str
    tags: list[int]
    body: str = ""


@dataclasses.dataclass(frozen=True)
class Page:
    count: int
    results: list[Article]


@pytest.mark.django_db
def test_a_typed_view_of_real_responses() -> None:
    client = AsyncAPIClient()

    async def scenario() -> None:
        created = await client.post("/restflow/articles/", {"title": "One", "body": "b"})
        assert created.status_code == 201, created.content
        body = created.json(as_type=ArticleBody)
        assert (body["title"], body["published"], body["tags"]) == ("One", False, [])
        article = created.json(as_type=Article)
        assert article == Article(id=body["id"], title="One", tags=[], body="b")
        listed = await client.get("/restflow/articles/")
        assert listed.json(as_type=list[Article]) == [article]
        assert listed.json(as_type=list[dict[str, object]])[0]["title"] == "One"
        # The parsed body stays as it was: views are copies or new objects.
        assert listed.json() == [{**body, "body": "b", "created": body_created(listed.json())}]

    async_to_sync(scenario)()


def body_created(document: object) -> object:
    return typed_json(document, list[dict[str, object]])[0]["created"]


def test_an_echo_body_as_a_typed_dict() -> None:
    response = async_to_sync(AsyncAPIClient().put)("/restflow/echo/?q=1", {"a": [1, 2]})

    echo = response.json(as_type=Echo)

    assert (echo["method"], echo["query"], echo.get("data")) == ("PUT", {"q": ["1"]}, {"a": [1, 2]})


MISFITS: list[tuple[object, Any, str]] = [
    (
        {"id": "7", "title": "t", "published": True, "author": None, "tags": []},
        ArticleBody,
        "body['id'] is '7', not an integer.",
    ),
    (
        {"id": 7},
        ArticleBody,
        "body has no 'author', 'published', 'tags', 'title' (ArticleBody).",
    ),
    ([1], ArticleBody, "body is [1], not an object (ArticleBody)."),
    (
        {"id": 1, "title": "t", "published": 1, "author": None, "tags": []},
        ArticleBody,
        "body['published'] is 1, not a boolean.",
    ),
    (
        {"id": 1, "title": "t", "published": True, "author": "x", "tags": []},
        ArticleBody,
        "body['author'] is 'x', not an integer or null.",
    ),
    (
        {"count": 2, "results": [{"id": 1, "title": "a", "tags": []}, {"id": 2, "tags": []}]},
        Page,
        "body['results'][1] has no 'title' (Article).",
    ),
    (
        {"count": 1, "results": [{"id": 1, "title": "a", "tags": [True]}]},
        Page,
        "body['results'][0]['tags'][0] is True, not an integer.",
    ),
    ({"a": 1.5}, dict[str, int], "body['a'] is 1.5, not an integer."),
    (
        {"a": [1]},
        dict[str, int | ArticleBody],
        "body['a'] is [1], not an integer or an object (ArticleBody).",
    ),
    (
        "draft",
        Literal["published", "hidden"],
        "body is 'draft', not one of ['published', 'hidden'].",
    ),
    (None, str, "body is None, not a string."),
]


@pytest.mark.parametrize(("document", "as_type", "message"), MISFITS)
def test_a_body_that_does_not_fit_names_the_place(
    document: object, as_type: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as raised:
        typed_json(document, as_type)
    assert str(raised.value) == message


def test_what_fits() -> None:
    assert typed_json(3, float) == 3  # a JSON number without a fraction is still a float
    assert typed_json({"k": None}, dict[str, int | None]) == {"k": None}
    state: Any = Literal["published", "hidden"]  # a special form: type checkers take classes
    assert typed_json("hidden", state) == "hidden"
    assert typed_json([{"a": 1}], list[Any]) == [{"a": 1}]
    assert typed_json({"count": 0, "results": [], "next": None}, Page) == Page(0, [])
    extra: dict[str, object] = {
        "id": 1,
        "title": "t",
        "published": False,
        "author": None,
        "tags": [],
        "more": 1,
    }
    assert typed_json(extra, ArticleBody) == extra  # keys it does not declare are allowed


def test_a_type_json_cannot_hold_is_refused() -> None:
    @dataclasses.dataclass
    class Event:
        at: datetime.datetime

    with pytest.raises(TypeError, match=r"body\['at'\] is declared <class 'datetime.datetime'>"):
        typed_json({"at": "2026-01-01T00:00:00Z"}, Event)


def test_json_refuses_a_body_that_is_not_json() -> None:
    response = async_to_sync(AsyncAPIClient().get)("/client/streaming/")

    with pytest.raises(ValueError, match='not "application/json"'):
        response.json(as_type=Echo)
