"""The workbench's charts as Plotly figure specifications (plain dicts, JSON-safe), drawn from a result's
``data`` and ``to_frames()`` only, so a stored run draws exactly as a fresh one: each kind's charts are its
job's ``charts`` (:mod:`gigawatt.registry`). The page hands each to Plotly.js, loaded from the package (no CDN)."""

from __future__ import annotations

from gigawatt.core.present import Chart
from gigawatt.core.results import Result
from gigawatt.registry import spec


def figures(result: Result) -> dict[str, Chart]:
    """The charts of a result by name (empty for a kind without charts)."""
    draw = spec(result.kind, stored=True).charts
    return draw(result) if draw else {}
