"""A run's inputs and assumptions as a report lists them: every scenario key with its value, unit, what it is and
where the value came from (the scenario, the model's default, or the catalog with its source), and every
assumption the run records with its value, unit and source.

Units come from the key's name (``price_usd_per_mwh``) or else its description (``Economic life of IT hardware,
years``: the words after the comma), descriptions from the scenario models (:func:`gigawatt.core.inputs.describe_fields`).
"""

from __future__ import annotations

import re
from typing import Any

from gigawatt.core.inputs import describe_fields
from gigawatt.core.results import Result
from gigawatt.registry import spec
from gigawatt.core.present import fmt
from gigawatt.report.columns import is_year, name_and_unit
from gigawatt.report.tables import flatten, sources

UNIT_IN_WORDS = 2  # a description's unit is a few words after its first comma ("degrees north", "per year")
UNIT_CHARS = 24


def _pattern(key: str) -> re.Pattern[str]:
    """A described key (``supply.limits.<id>.max_mw``, ``roadmap[].accelerator``) as a pattern of flattened keys."""
    text = re.escape(key).replace(re.escape("<id>"), r"[^.]+").replace(re.escape("[]"), r"\[\d+\]")
    return re.compile(f"^{text}$")


def _unit_from_description(description: str) -> str:
    """``'Price of electricity at the meter, USD/MWh; default: ...'`` → ``'USD/MWh'``; '' where none is written."""
    plain = re.sub(r"\([^)]*\)", "", description)
    if ", " not in plain:
        return ""
    after = re.split(r"[;:(]", plain.split(", ", 1)[1])[0].strip().rstrip(".")
    return after if after and len(after) <= UNIT_CHARS and len(after.split()) <= UNIT_IN_WORDS else ""


def _assumptions(result: Result) -> dict[str, dict[str, Any]]:
    """The assumptions the run records by name (``{value, unit, source}``; a bare value has no unit or source)."""
    found = result.data.get("assumptions")
    if not isinstance(found, dict):
        return {}
    return {str(k): (v if isinstance(v, dict) and "value" in v else {"value": v}) for k, v in found.items()}


def input_rows(result: Result) -> list[dict[str, Any]]:
    """Every input of ``result`` as validated (defaults filled in): ``{key, value, shown (as the report prints it), unit, description, source}``.
    ``source``: 'scenario' (given), 'default' (the model's own default) or, where the value is left to the catalog,
    'catalog: ...' with the figure used (its value in ``value``)."""
    described = describe_fields(spec(result.kind, stored=True).inputs)
    patterns = [(_pattern(row["key"]), row) for row in described]
    assumed = _assumptions(result)
    rows = []
    for key, value in flatten(result.to_dict()["inputs"]).items():
        field = next((row for pattern, row in patterns if pattern.match(key)), None)
        description = field["description"] if field else ""
        leaf = key.rsplit(".", 1)[-1]
        unit = _unit_from_description(description) or name_and_unit(leaf)[1]  # the description's unit is written by hand
        source = "scenario"
        if field is not None and field["default"] not in ("required", "-") and str(value) == field["default"]:
            source = "default"
        used = assumed.get(key.rsplit(".", 1)[-1])
        if value is None and used is not None:
            value, source = used["value"], f"catalog: {used.get('source', '')}".rstrip(": ")
            unit = used.get("unit") or unit
        elif value is None:
            source = "catalog default" if "default: catalog" in description else "default"
        shown = str(value) if is_year(leaf) and isinstance(value, int) else fmt(value)
        rows.append({"key": key, "value": value, "shown": shown, "unit": unit, "description": description, "source": source})
    return rows


def assumption_rows(result: Result) -> list[dict[str, Any]]:
    """What the run assumed beyond its scenario, with sources: the figures it records (``assumptions``) and the
    sources of its series and technology costs (:func:`gigawatt.report.tables.sources`): ``{name, value, unit, source}``."""
    rows = [{"name": name, "value": a.get("value"), "unit": a.get("unit", ""), "source": a.get("source", "")} for name, a in _assumptions(result).items()]
    rows += [{"name": name, "value": None, "unit": "", "source": source} for name, source in sources(result).items()]
    return rows


__all__ = ["assumption_rows", "input_rows"]
