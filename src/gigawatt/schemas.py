"""Published JSON Schemas of every ``--json`` output (``gigawatt schema --output KIND``).

Every output is the same envelope (:meth:`gigawatt.core.results.Result.to_dict`): ``schema_version``, ``kind``,
``name``, ``run`` (id, created, version, catalog hash, seconds, solver), ``messages``, ``inputs`` (the
validated scenario: its JSON Schema is the input model's own) and ``result``. The ``result`` part is
derived from the type hints of the model's result class, so the schema and the code cannot drift apart
silently: a test validates every example's output against it. Floats may be null (NaN is written as null).

The documents that are not a run's result (``catalog``, ``runs list``, ``runs diff``, ``runs size``, ``runs prune``,
``validate``, ``security check`` and ``schema`` ``--json``) are an object too, never a bare list:
``schema_version``, ``kind`` (``catalog``, ``runs_list`` ...: its schema is ``gigawatt schema --output KIND``) and
their parts (:func:`gigawatt.core.documents.envelope`). Keys are snake_case identifiers with their units.
"""

from __future__ import annotations

from typing import Any

from gigawatt.core.errors import ScenarioError
from gigawatt.core.jsonschema import NUMBER
from gigawatt.core.results import SCHEMA_VERSION
from gigawatt.registry import STORED, STORED_KINDS

DRAFT = "https://json-schema.org/draft/2020-12/schema"


STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NULLABLE_STRING = {"type": ["string", "null"]}
KEY = {"type": "string", "pattern": "^[a-z0-9_]+$"}  # a JSON key: a snake_case identifier with its unit
FIGURES = {"type": "object", "propertyNames": KEY}  # figures by identifier (display labels belong to tables)
RUN_ID = {"type": "string", "pattern": "^[0-9a-f]{64}$"}


def _object(properties: dict[str, Any], required: list[str] | None = None, **more: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(properties) if required is None else required, "properties": properties, **more}


_SIZE_ROW = _object({"runs": INTEGER, "total_bytes": INTEGER, "mean_bytes_per_run": NUMBER, "max_bytes_per_run": INTEGER,
                     "record_bytes": INTEGER, "table_bytes": INTEGER, "table_share": NUMBER}, required=["runs", "total_bytes"])
# what each document that is not a run's result holds besides schema_version and kind
DOCUMENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "catalog": ("gigawatt catalog TABLE --json: a bundled table's rows, every column with its source",
                {"table": STRING, "rows": {"type": "array", "items": {"type": "object", "propertyNames": KEY}}}),
    "runs_list": ("gigawatt runs list --json: the runs kept, newest first", {"runs": {"type": "array", "items": _object({
        "id": {"type": "string"}, "kind": NULLABLE_STRING, "name": NULLABLE_STRING, "created": NULLABLE_STRING,
        "gigawatt_version": NULLABLE_STRING, "seconds": NUMBER, "headline": FIGURES, "unreadable": NULLABLE_STRING})}}),
    "runs_diff": ("gigawatt runs diff A B --json: the inputs that differ and the figures side by side", {
        "a": RUN_ID, "b": RUN_ID, "run_kind": STRING,
        "inputs": {"type": "object", "additionalProperties": _object({"a": {}, "b": {}})},
        "results": {"type": "object", "propertyNames": KEY, "additionalProperties": _object({"a": {}, "b": {}, "delta": NUMBER})}}),
    "runs_size": ("gigawatt runs size --json: the store's size per kind of run", {
        "kinds": {"type": "object", "additionalProperties": _SIZE_ROW}, "total": _SIZE_ROW,
        "file_bytes": {"type": ["integer", "null"]}, "store": STRING}),
    "runs_prune": ("gigawatt runs prune --json: the runs removed (or, with --dry-run, that would be)", {
        "runs": {"type": "array", "items": _object({"id": RUN_ID, "kind": NULLABLE_STRING, "created": NULLABLE_STRING,
                                                     "name": NULLABLE_STRING, "bytes": INTEGER})},
        "kinds": {"type": "object", "additionalProperties": _object({"runs": INTEGER, "bytes": INTEGER})},
        "kept_tagged": {"type": "array", "items": STRING}, "kept_shared": {"type": "array", "items": STRING},
        "dry_run": BOOLEAN, "store": STRING, "file_bytes_before": INTEGER, "file_bytes_after": INTEGER}),
    "validate": ("gigawatt validate FILE --json: a valid scenario, every field explicit", {
        "valid": {"const": True}, "file": STRING, "scenario_kind": STRING, "scenario": {"type": "object"}}),
    "security_check": ("gigawatt security check FILE --json: each site's posture, requirement by requirement", {
        "sites": {"type": "array", "items": _object({"site": STRING, "checks": {"type": "array", "items": _object({
            "requirement": STRING, "status": {"enum": ["meets", "fails", "cannot judge"]}, "why": STRING, "source": STRING})}})}}),
    "scenario_keys": ("gigawatt schema [KIND] --json: every scenario key with its type, default and description", {
        "scenario_kind": STRING, "keys": {"type": "array", "items": _object({"key": STRING, "type": STRING, "default": {}, "description": STRING})}}),
}
OPTIONAL = {"runs_prune": ["file_bytes_before", "file_bytes_after"]}  # parts a document has only sometimes
OUTPUTS = (*STORED_KINDS, *DOCUMENTS)  # what `gigawatt schema --output` takes


def document_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a document that is not a run's result (``DOCUMENTS``)."""
    title, parts = DOCUMENTS[kind]
    return {
        "$schema": DRAFT,
        "$id": f"https://gigawatt.invalid/schemas/{kind}-v{SCHEMA_VERSION}.json",
        "title": f"{title}; schema version {SCHEMA_VERSION}",
        "schema_version": SCHEMA_VERSION,
        "type": "object",
        "required": ["schema_version", "kind", *(p for p in parts if p not in OPTIONAL.get(kind, []))],
        "properties": {"schema_version": {"const": SCHEMA_VERSION}, "kind": {"const": kind}, **parts},
        "additionalProperties": False,
    }


def output_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``gigawatt KIND --json`` (and of ``gigawatt runs show ID --json``), or of a document
    that is not a run's result (``catalog``, ``runs_list``, ...)."""
    if kind in DOCUMENTS:
        return document_schema(kind)
    if kind not in STORED_KINDS:
        raise ScenarioError(f"schema --output '{kind}': choose one of {', '.join(OUTPUTS)}")
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
        "schema_version": SCHEMA_VERSION,
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
