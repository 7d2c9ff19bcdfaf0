"""The one place a ``--json`` document is serialised: values cleaned, keys as identifiers, an envelope with
``schema_version`` for documents that are not a run's result (``gigawatt catalog``, ``runs list`` ...).

The stdout contract: a command given ``--json`` writes exactly one JSON document to stdout, made here; every
other word (solver logs, progress, notes, warnings) goes to stderr.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from gigawatt.core.results import SCHEMA_VERSION, json_safe

NOISE = 1e-12  # |x| below this is float noise of a sum or a difference (-4.6e-17 for 0), written as 0


def clean(value: Any) -> Any:
    """``value`` as plain JSON types (:func:`json_safe`) with negative zeros and float noise (``|x| < NOISE``)
    written as 0.0."""
    return _clean(json_safe(value))


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and abs(value) < NOISE:
        return 0.0  # also turns -0.0 into 0.0
    return value


def dumps(document: Any) -> str:
    """A document as the JSON text a command prints: cleaned, indented, one trailing newline."""
    return json.dumps(clean(document), indent=2, allow_nan=False) + "\n"


def envelope(kind: str, **parts: Any) -> dict[str, Any]:
    """A document that is not a run's result: ``schema_version``, its ``kind`` (whose schema
    ``gigawatt schema --output KIND`` prints) and its parts; a list is one named part, never the document."""
    return {"schema_version": SCHEMA_VERSION, "kind": kind, **parts}


def identifier(label: str) -> str:
    """A display label with its unit as a snake_case JSON key: ``LCOE USD/MWh`` -> ``lcoe_usd_per_mwh``,
    ``CO2 t/yr`` -> ``co2_t_per_yr``, ``headroom MW at 0.5%`` -> ``headroom_mw_at_0_5_pct``."""
    text = label.lower().replace("%", " pct ").replace("/", " per ").replace("$", " usd ")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "value"


def identified(figures: dict[str, Any]) -> dict[str, Any]:
    """A mapping keyed by display labels, keyed by :func:`identifier` instead (order kept)."""
    out: dict[str, Any] = {}
    for label, value in figures.items():
        key = identifier(str(label))
        if key in out:  # two labels that read alike: the second keeps its place under a numbered key
            key = next(f"{key}_{n}" for n in range(2, len(figures) + 2) if f"{key}_{n}" not in out)
        out[key] = value
    return out
