"""URL patterns as route templates: ``/api/books/{pk}/`` and the pattern of each ``{name}``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")
_UNESCAPE = re.compile(r"\\(.)")
# What may remain in a regex route once its groups are replaced: literal text.
_LITERAL = re.compile(r"^[\w\-/.~%{}:@!$&'()*+,;=]*$")


@dataclass(frozen=True)
class PathParameter:
    """A ``{name}`` of a route: the regular expression its values match, and the converter of a
    ``path()`` route (``"int"``, ``"slug"``...; ``None`` for regex routes)."""

    name: str
    pattern: str
    converter: str | None = None


@dataclass(frozen=True)
class RawRoute:
    """One URL pattern of the URLconf, its prefixes joined."""

    template: str
    parameters: tuple[PathParameter, ...]
    callback: Callable[..., Any]
    name: str | None
    problems: tuple[str, ...]


def walk_urlconf(urlconf: str | None = None) -> Iterator[RawRoute]:
    """Every URL pattern of ``urlconf`` (``ROOT_URLCONF`` when ``None``), in URLconf order.

    Routes of DRF's format suffixes (a ``format`` parameter) are left out: they repeat the route
    they extend.
    """
    resolver = get_resolver(urlconf)
    yield from _walk(resolver.url_patterns, "/", (), ())


def _walk(
    patterns: Any, prefix: str, parameters: tuple[PathParameter, ...], problems: tuple[str, ...]
) -> Iterator[RawRoute]:
    for entry in patterns:
        text, own, trouble = _template(entry.pattern)
        template = prefix + text
        found = parameters + own
        issues = problems + trouble
        if any(parameter.name == "format" for parameter in own):
            continue
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, template, found, issues)
        elif isinstance(entry, URLPattern):
            yield RawRoute(template, found, entry.callback, entry.name, issues)


def _template(pattern: object) -> tuple[str, tuple[PathParameter, ...], tuple[str, ...]]:
    if isinstance(pattern, RoutePattern):
        return _route_template(pattern)
    if isinstance(pattern, RegexPattern):
        return _regex_template(str(pattern))
    return str(pattern), (), (f"unknown URL pattern type {type(pattern).__name__}",)


def _route_template(
    pattern: RoutePattern,
) -> tuple[str, tuple[PathParameter, ...], tuple[str, ...]]:
    route = str(pattern)
    converters: dict[str, Any] = dict(pattern.converters)
    parameters: list[PathParameter] = []
    for match in _ROUTE_PARAMETER.finditer(route):
        name = match["name"]
        converter = converters.get(name)
        regex = str(getattr(converter, "regex", "[^/]+"))
        parameters.append(PathParameter(name, regex, match["converter"] or "str"))
    return _ROUTE_PARAMETER.sub(r"{\g<name>}", route), tuple(parameters), ()


def _regex_template(regex: str) -> tuple[str, tuple[PathParameter, ...], tuple[str, ...]]:
    text = regex.removeprefix("^")
    for ending in ("\\Z", "$"):
        text = text.removesuffix(ending)
    parameters: list[PathParameter] = []
    out: list[str] = []
    position = 0
    for match in _GROUP.finditer(text):
        if match.start() < position:
            continue
        end = _group_end(text, match.end())
        out.append(text[position : match.start()])
        out.append("{" + match["name"] + "}")
        parameters.append(PathParameter(match["name"], text[match.end() : end - 1]))
        position = end
    out.append(text[position:])
    template = "".join(out).replace("/?", "/")
    template = _UNESCAPE.sub(r"\1", template)
    problems: tuple[str, ...] = ()
    if not _LITERAL.match(template):
        problems = (f"regex route {regex!r} is not literal outside its named groups",)
    return template, tuple(parameters), problems


def _group_end(text: str, start: int) -> int:
    """The index just past the parenthesis closing the group whose body starts at ``start``."""
    depth = 1
    index = start
    while index < len(text) and depth:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        index += 1
    return index
