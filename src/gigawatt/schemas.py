"""Published JSON Schemas of every ``--json`` output (``gigawatt schema --output KIND``).

Every output is the same envelope (:meth:`gigawatt.core.results.Result.to_dict`): ``schema_version``, ``kind``,
``name``, ``run`` (id, created, version, catalog hash, seconds, solver), ``messages``, ``inputs`` (the
validated scenario: its JSON Schema is the input model's own) and ``result``. The ``result`` part is
derived from the type hints of the model's result class, so the schema and the code cannot drift apart
silently: a test validates every example's output against it. Floats may be null (NaN is written as null).
"""

from __future__ import annotations

from typing import Any

from gigawatt.core.errors import ScenarioError
from gigawatt.core.jsonschema import NUMBER
from gigawatt.core.results import SCHEMA_VERSION
from gigawatt.registry import STORED, STORED_KINDS

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def output_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``gigawatt KIND --json`` (and of ``gigawatt runs show ID --json``)."""
    if kind not in STORED_KINDS:
        raise ScenarioError(f"schema --output '{kind}': choose one of {', '.join(STORED_KINDS)}")
    job = STORED[kind]
    result, defs = job.result_schema()
    run = {
        "type": "object", "required": ["id", "created", "gigawatt_version", "catalog_hash", "seconds", "solver"],
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "created": {"type": "string"},
            "gigawatt_version": {"type": "string"}, "catalog_hash": {"type": "string"}, "seconds": NUMBER,
            "solver": {"anyOf": [{"type": "object", "required": ["name", "status"]}, {"type": "null"}]},
        },
    }
    inputs = job.inputs.model_json_schema(mode="serialization")
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
