"""Scenarios sent from the browser: the request bodies, the YAML text validated into a kind's model with its CSV
series resolved to uploads kept on the server, and the form fields of a kind's scenario. Shared by the
workbench's API (:mod:`gigawatt.web.app`) and its editor (:mod:`gigawatt.web.editor`)."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from gigawatt import api
from gigawatt.core.errors import ScenarioError
from gigawatt.registry import KINDS, spec

EXAMPLES = Path(str(files("gigawatt") / "examples"))
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an hourly year of a few columns is < 1 MB; a 20 MB cap leaves room for 5-minute data
UPLOAD_NAME = re.compile(r"^upload:([0-9a-f]{64})\.csv$")


class RunRequest(BaseModel):
    """A run to start: its kind and its scenario as YAML text, with optional dotted overrides."""

    kind: str = Field(description="size, plan, buildout, headroom or site")
    yaml: str = Field(description="The scenario, as a YAML document")
    set: list[str] = Field(default_factory=list, description="Overrides, dotted.key=value")


class ValidateRequest(BaseModel):
    """A scenario to check without running it, with optional dotted overrides."""

    kind: str
    yaml: str
    set: list[str] = Field(default_factory=list)


def scenario_inputs(kind: str, text: str, overrides: list[str], uploads: Path) -> Any:
    """Validate a scenario sent from the browser: YAML text → the kind's model. Its CSV series must be uploads
    (``upload:<sha256>.csv``), which become the server's own stored files; any other path is refused."""
    from gigawatt.core.inputs import apply_overrides, parse_scenario, read_yaml_text

    if kind not in KINDS:
        raise ScenarioError(f"kind '{kind}': choose one of {', '.join(KINDS)}")
    data, lines = read_yaml_text(text, "scenario")
    seen = api.looks_like(data)
    if seen is not None and seen != kind and seen not in spec(kind).accepts:
        raise ScenarioError(f"scenario looks like a {seen} scenario, not a {kind} one; choose {seen} as the kind")
    if overrides:
        data = apply_overrides(data if isinstance(data, dict) else {}, overrides)
    data = resolve_uploads(data, uploads)  # after the overrides: they may name files too
    return parse_scenario(data, origin="scenario", lines=lines, model=api.MODELS[kind])


def resolve_uploads(data: Any, uploads: Path, key: str = "") -> Any:
    """Replace every ``upload:<sha256>.csv`` by the stored file's path; refuse any other file name."""
    if isinstance(data, dict):
        return {k: resolve_uploads(v, uploads, f"{key}.{k}" if key else str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [resolve_uploads(v, uploads, f"{key}[{i}]") for i, v in enumerate(data)]
    if isinstance(data, str) and (key.endswith("_csv") or key.startswith("files[") or key == "files"):
        match = UPLOAD_NAME.match(data)
        if not match:
            raise ScenarioError(f"{key}: '{data[:60]}' is not an uploaded file; upload the CSV on the editor page and use the name it gives (upload:...csv)")
        path = uploads / f"{match.group(1)}.csv"
        if not path.exists():
            raise ScenarioError(f"{key}: {data[:60]} has not been uploaded to this server; upload it again")
        return str(path)
    return data


SCALARS = {"number", "integer", "string", "boolean"}


def form_fields(kind: str) -> list[dict[str, Any]]:
    """The scalar fields of a kind's scenario, two levels deep, from its JSON Schema: dotted key, section,
    type, choices, default and description (which carries the unit), for the editor's form."""
    schema = api.MODELS[kind].model_json_schema()
    defs = schema.get("$defs", {})

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref") or next((o.get("$ref") for o in node.get("anyOf", []) if "$ref" in o), None)
        return {**defs[ref.split("/")[-1]], "description": node.get("description")} if ref else node

    def scalar(node: dict[str, Any]) -> dict[str, Any] | None:
        options = [node, *node.get("anyOf", [])]
        typed = next((o for o in options if o.get("type") in SCALARS or "enum" in o), None)
        if typed is None:
            return None
        return {"type": typed.get("type", "string"), "choices": typed.get("enum"), "default": node.get("default"),
                "description": node.get("description") or ""}

    out = []
    for name, node in schema.get("properties", {}).items():
        node = resolve(node)
        children = node.get("properties")
        if children:
            for child, sub in children.items():
                field = scalar(sub)
                if field:
                    out.append({"key": f"{name}.{child}", "section": name, **field})
        else:
            field = scalar(node)
            if field:
                out.append({"key": name, "section": "scenario", **field})
    return out
