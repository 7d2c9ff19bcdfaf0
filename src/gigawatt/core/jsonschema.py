"""JSON Schema of results as :func:`gigawatt.core.results.json_safe` writes them, derived from type hints so a
schema and the code cannot drift apart silently (each job's ``result_schema`` uses these)."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

NUMBER = {"type": ["number", "null"]}  # NaN and infinities are written as null


RECORDS = {"type": "array", "items": {"type": "object"}}  # a table as a list of rows


def schema_of(hint: Any) -> dict[str, Any]:
    """The JSON Schema of a Python type hint as :func:`gigawatt.core.results.json_safe` writes its values."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any or hint is object:
        return {}
    if origin in (typing.Union, types.UnionType):
        options = [schema_of(a) for a in args if a is not type(None)]
        nullable = type(None) in args
        merged = options[0] if len(options) == 1 else {"anyOf": options}
        return {"anyOf": [merged, {"type": "null"}]} if nullable else merged
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return NUMBER
    if hint is str:
        return {"type": "string"}
    if origin is dict:
        return {"type": "object", "additionalProperties": schema_of(args[1]) if args else {}}
    if origin in (list, tuple):
        return {"type": "array", "items": schema_of(args[0]) if args else {}}
    if origin is typing.Literal:
        return {"enum": list(args)}
    if dataclasses.is_dataclass(hint):
        return dataclass_schema(hint)
    if getattr(hint, "__name__", "") == "DataFrame":
        return RECORDS
    return {}


def dataclass_schema(cls: type, skip: tuple[str, ...] = ("dispatch", "network_of"), extra: dict[str, Any] | None = None) -> dict[str, Any]:
    # pypsa is imported for type checking only; its Network (never in the JSON form) needs no real type here
    hints = typing.get_type_hints(cls, localns={"pypsa": types.SimpleNamespace(Network=object)})
    properties = {}
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        hint = hints[f.name]
        # a plan's baseline and bridge are plans of the same form: referenced, not expanded without end
        properties[f.name] = {"anyOf": [{"$ref": "#/$defs/plan"}, {"type": "null"}]} if hint == (cls | None) else schema_of(hint)
    properties |= extra or {}
    return {"type": "object", "properties": properties, "required": sorted(properties)}
