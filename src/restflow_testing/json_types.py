"""The JSON types: what a JSON body parses to, and a typed view of it that you name.

``JSONValue`` is what ``json.loads`` returns, so what ``APIResponse.json()`` and
``strategies.json_values()`` give. It is also a valid
``format="json"`` payload (the client's ``JSONData`` is wider: it accepts any mapping and sequence,
and the dates, decimals and UUIDs DRF's renderer writes).
[`typed_json()`][restflow_testing.json_types.typed_json] checks a parsed document against a
``TypedDict``, a dataclass or a plain type and gives it back as that type.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping, Sequence
from typing import (
    Any,
    Literal,
    TypeAlias,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)

__all__ = ["JSONObject", "JSONScalar", "JSONValue", "typed_json"]

JSONScalar: TypeAlias = str | int | float | bool | None
"""A JSON leaf as ``json.loads`` reads it: string, number, boolean or null."""

JSONValue: TypeAlias = JSONScalar | list["JSONValue"] | dict[str, "JSONValue"]
"""Any JSON document as ``json.loads`` reads it: scalars, lists and string-keyed objects, nested.
Narrow it (``isinstance(body, dict)``) or name its shape with ``json(as_type=...)``."""

JSONObject: TypeAlias = dict[str, JSONValue]
"""A JSON object."""

_T = TypeVar("_T")


def typed_json(document: object, as_type: type[_T], /) -> _T:
    """``document`` (a parsed JSON value) as ``as_type``, checked all the way down.

    ``as_type`` is a class: a ``TypedDict`` (a copy of the object, once its required keys are
    present and every key it declares has a value of the declared type), a dataclass (built from
    the object's keys, nested dataclasses included; keys it does not declare are left out), or
    ``str``, ``int``, ``float``, ``bool``, ``list[...]`` or ``dict[str, ...]``; the types
    inside it may also be ``None``, ``Literal[...]``, unions, ``Sequence[...]``,
    ``Mapping[str, ...]``, ``Any`` and ``object``, nested. An object's keys a ``TypedDict`` does not
    declare are allowed, as a type checker allows them. Raises ``ValueError`` naming the first place
    (``body["items"][2]["id"]``) whose value does not fit, and ``TypeError`` for a type JSON cannot
    hold (a ``datetime``: declare it ``str``).
    """
    return cast("_T", _convert(document, as_type, "body"))


def _convert(value: object, annotation: Any, where: str) -> object:
    if annotation is Any or annotation is object:
        return value
    if annotation is None or annotation is type(None):
        return _expect(value is None, value, "null", where)
    if annotation is bool:
        return _expect(isinstance(value, bool), value, "a boolean", where)
    if annotation is int:
        return _expect(_is_number(value, int), value, "an integer", where)
    if annotation is float:
        return _expect(_is_number(value, int | float), value, "a number", where)
    if annotation is str:
        return _expect(isinstance(value, str), value, "a string", where)
    if is_typeddict(annotation):
        return _typed_dict(value, annotation, where)
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return _dataclass(value, annotation, where)
    origin, arguments = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        fits = any(type(value) is type(choice) and value == choice for choice in arguments)
        return _expect(fits, value, f"one of {list(arguments)!r}", where)
    if origin is Union or origin is types.UnionType:
        return _union(value, arguments, where)
    if annotation in (list, Sequence) or origin in (list, Sequence):
        _expect(isinstance(value, list), value, "an array", where)
        item = arguments[0] if arguments else Any
        entries = cast("list[object]", value)
        return [_convert(entry, item, f"{where}[{index}]") for index, entry in enumerate(entries)]
    if annotation in (dict, Mapping) or origin in (dict, Mapping):
        _expect(isinstance(value, dict), value, "an object", where)
        item = arguments[1] if len(arguments) == 2 else Any
        items = cast("dict[str, object]", value)
        return {key: _convert(entry, item, f"{where}[{key!r}]") for key, entry in items.items()}
    raise TypeError(
        f"{where} is declared {annotation!r}, which a JSON document cannot hold: declare it with "
        "str, int, float, bool, None, Literal, list, dict, a TypedDict or a dataclass "
        "(a date or a decimal arrives as a string)."
    )


def _is_number(value: object, kinds: type | types.UnionType) -> bool:
    return isinstance(value, kinds) and not isinstance(value, bool)


def _expect(fits: bool, value: object, expected: str, where: str) -> object:
    if not fits:
        raise ValueError(f"{where} is {_shown(value)}, not {expected}.")
    return value


def _shown(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:57]}..."


def _union(value: object, members: tuple[Any, ...], where: str) -> object:
    problems: list[str] = []
    for member in members:
        try:
            return _convert(value, member, where)
        except ValueError as problem:
            problems.append(str(problem))
    prefix = f"{where} is {_shown(value)}, not "
    if all(problem.startswith(prefix) for problem in problems):
        expected = " or ".join(problem.removeprefix(prefix).rstrip(".") for problem in problems)
        raise ValueError(f"{prefix}{expected}.")
    raise ValueError("; or ".join(problem.rstrip(".") for problem in problems) + ".")


def _typed_dict(value: object, annotation: Any, where: str) -> object:
    _expect(isinstance(value, dict), value, f"an object ({annotation.__name__})", where)
    document = cast("dict[str, object]", value)
    required: frozenset[str] = annotation.__required_keys__
    missing = sorted(required - document.keys())
    if missing:
        raise ValueError(f"{where} has no {', '.join(map(repr, missing))} ({annotation.__name__}).")
    checked = dict(document)  # a new object: the response keeps its parsed body as it was
    for key, declared in get_type_hints(annotation).items():
        if key in checked:
            checked[key] = _convert(checked[key], declared, f"{where}[{key!r}]")
    return checked


def _dataclass(value: object, annotation: type[Any], where: str) -> object:
    _expect(isinstance(value, dict), value, f"an object ({annotation.__name__})", where)
    document = cast("dict[str, object]", value)
    hints = get_type_hints(annotation)
    arguments: dict[str, object] = {}
    missing: list[str] = []
    for field in dataclasses.fields(annotation):
        if not field.init:
            continue
        if field.name in document:
            arguments[field.name] = _convert(
                document[field.name], hints[field.name], f"{where}[{field.name!r}]"
            )
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            missing.append(field.name)
    if missing:
        raise ValueError(f"{where} has no {', '.join(map(repr, missing))} ({annotation.__name__}).")
    return annotation(**arguments)
