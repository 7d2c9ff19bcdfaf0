"""Figures for people, drawn from a :class:`~gigawatt.core.results.Result` (its ``data`` and frames only, so a
stored run draws exactly as a fresh one): each kind's figure is its job's ``plot`` (:mod:`gigawatt.registry`)."""

from __future__ import annotations

from pathlib import Path

from gigawatt.core.results import Result
from gigawatt.registry import spec


def plot(result: Result, path: Path | str) -> Path:
    """The figure of a result's kind (``gigawatt KIND --plot``), titled with its name."""
    draw = spec(result.kind, stored=True).plot
    if draw is None:
        raise ValueError(f"no figure for a {result.kind} result")
    return draw(result, Path(path))
