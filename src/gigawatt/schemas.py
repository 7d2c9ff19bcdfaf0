"""Published JSON Schemas of every ``--json`` output (``gigawatt schema --output KIND``).

Every output is the same envelope (:meth:`gigawatt.results.Result.to_dict`): ``schema_version``, ``kind``,
``name``, ``run`` (id, created, version, catalog hash, seconds, solver), ``messages``, ``inputs`` (the
validated scenario: its JSON Schema is the input model's own) and ``result``. The ``result`` part is
derived from the type hints of the model's result class, so the schema and the code cannot drift apart
silently: a test validates every example's output against it. Floats may be null (NaN is written as null).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from gigawatt.errors import ScenarioError
from gigawatt.results import KINDS, SCHEMA_VERSION, STORED_KINDS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
NUMBER = {"type": ["number", "null"]}  # NaN and infinities are written as null
RECORDS = {"type": "array", "items": {"type": "object"}}  # a table as a list of rows


def _schema_of(hint: Any) -> dict[str, Any]:
    """The JSON Schema of a Python type hint as :func:`gigawatt.results.json_safe` writes its values."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any or hint is object:
        return {}
    if origin in (typing.Union, types.UnionType):
        options = [_schema_of(a) for a in args if a is not type(None)]
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
        return {"type": "object", "additionalProperties": _schema_of(args[1]) if args else {}}
    if origin in (list, tuple):
        return {"type": "array", "items": _schema_of(args[0]) if args else {}}
    if origin is typing.Literal:
        return {"enum": list(args)}
    if dataclasses.is_dataclass(hint):
        return _dataclass(hint)
    if getattr(hint, "__name__", "") == "DataFrame":
        return RECORDS
    return {}


def _dataclass(cls: type, skip: tuple[str, ...] = ("dispatch", "network_of"), extra: dict[str, Any] | None = None) -> dict[str, Any]:
    # pypsa is imported for type checking only; its Network (never in the JSON form) needs no real type here
    hints = typing.get_type_hints(cls, localns={"pypsa": types.SimpleNamespace(Network=object)})
    properties = {}
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        hint = hints[f.name]
        # a plan's baseline and bridge are plans of the same form: referenced, not expanded without end
        properties[f.name] = {"anyOf": [{"$ref": "#/$defs/plan"}, {"type": "null"}]} if hint == (cls | None) else _schema_of(hint)
    properties |= extra or {}
    return {"type": "object", "properties": properties, "required": sorted(properties)}


def _result_schema(kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``result`` part of a kind's output, and any definitions it references."""
    if kind == "size":
        from gigawatt.compute import ClusterSizing

        return _dataclass(ClusterSizing), {}
    if kind == "plan":
        from gigawatt.power.results import PowerPlan

        return {"$ref": "#/$defs/plan"}, {"plan": _dataclass(PowerPlan)}
    if kind == "site":
        from gigawatt.siting import SitingResult

        return _dataclass(SitingResult), {}
    if kind == "schedule":
        from gigawatt.operations.results import Schedule

        return _dataclass(Schedule, skip=("trace", "job_power", "job_throughput")), {}
    if kind == "buildout":
        props = {
            "scenario": {"type": "string"}, "draws": {"type": "integer"}, "seed": {"type": "integer"},
            "periods": RECORDS, "generations": RECORDS,
            "binding_weeks": {"type": "object", "additionalProperties": {"type": "integer"}},
            "binding_by_year": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": NUMBER}},
            "national": {"anyOf": [{"type": "object", "required": ["country", "years", "share_of_generation"],
                                    "properties": {"country": {"type": "string"}, "years": RECORDS,
                                                   "share_of_generation": {"type": "object", "additionalProperties": NUMBER}}},
                                   {"type": "null"}]},
            "check": {"anyOf": [{"type": "object", "required": ["online_gw", "by", "probability"]}, {"type": "null"}]},
            "assumptions": {"type": "object"},
            "security": {"anyOf": [{"type": "object", "required": ["level", "reached", "first_usable"]}, {"type": "null"}]},
        }
        return {"type": "object", "properties": props, "required": sorted(props)}, {}
    if kind == "headroom":
        limit = {"type": "object", "required": ["limit_pct", "headroom_mw", "curtailment_hours_per_year"],
                 "properties": {"limit_pct": NUMBER, "headroom_mw": NUMBER, "curtailment_hours_per_year": NUMBER}}
        system = {"type": "object", "required": ["name", "peak_mw", "years", "limits"],
                  "properties": {"name": {"type": "string"}, "peak_mw": NUMBER, "years": {"type": "string"},
                                 "limits": {"type": "array", "items": limit}}}
        props = {
            "threshold": {"type": "string"}, "limits_pct": {"type": "array", "items": NUMBER},
            "systems": {"type": "array", "items": system}, "total": system,
            "reference": {"anyOf": [RECORDS, {"type": "null"}]},
            "campus": {"anyOf": [{"type": "object", "required": ["system", "campus_mw", "limit_pct", "headroom_mw"]}, {"type": "null"}]},
        }
        return {"type": "object", "properties": props, "required": sorted(props)}, {}
    if kind == "sweep":
        point = {"type": "object", "required": ["point", "status"],
                 "properties": {"point": {"type": "integer"}, "status": {"enum": ["done", "failed"]}, "run_id": {"type": "string"},
                                "seconds": NUMBER, "error": {"type": "string"}}}
        props = {
            "job": {"enum": list(KINDS)}, "design": {"type": "string"}, "figure": {"type": "string"},
            "varied": {"type": "array", "items": {"type": "string"}}, "points": {"type": "array", "items": point},
            "distribution": {"anyOf": [{"type": "object", "required": ["min", "p10", "p50", "p90", "max", "mean"]}, {"type": "null"}]},
            "ranking": RECORDS, "tornado": RECORDS, "sobol": RECORDS, "fan": RECORDS, "startup_s": NUMBER, "points_s": NUMBER,
        }
        return {"type": "object", "properties": props, "required": sorted(props)}, {}
    raise ScenarioError(f"schema --output '{kind}': choose one of {', '.join(STORED_KINDS)}")


def output_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``gigawatt KIND --json`` (and of ``gigawatt runs show ID --json``)."""
    from gigawatt.api import MODELS
    from gigawatt.sweep import SweepInputs

    if kind not in STORED_KINDS:
        raise ScenarioError(f"schema --output '{kind}': choose one of {', '.join(STORED_KINDS)}")
    result, defs = _result_schema(kind)
    run = {
        "type": "object", "required": ["id", "created", "gigawatt_version", "catalog_hash", "seconds", "solver"],
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "created": {"type": "string"},
            "gigawatt_version": {"type": "string"}, "catalog_hash": {"type": "string"}, "seconds": NUMBER,
            "solver": {"anyOf": [{"type": "object", "required": ["name", "status"]}, {"type": "null"}]},
        },
    }
    inputs = (SweepInputs if kind == "sweep" else MODELS[kind]).model_json_schema(mode="serialization")
    return {
        "$schema": DRAFT,
        "$id": f"https://gigawatt.invalid/schemas/{kind}-output-v{SCHEMA_VERSION}.json",
        "title": f"gigawatt {kind} --json output, schema version {SCHEMA_VERSION}",
        "type": "object",
        "required": ["schema_version", "kind", "name", "run", "messages", "inputs", "result"],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "kind": {"const": kind},
            "name": {"type": "string"},
            "run": run,
            "messages": {"type": "array", "items": {"type": "string"}},
            "inputs": {k: v for k, v in inputs.items() if k != "$defs"},
            "result": result,
        },
        "$defs": {**inputs.get("$defs", {}), **defs},
    }
