"""The registry of jobs: every kind's :class:`~gigawatt.core.spec.JobSpec`, in the order the CLI lists them.

Each job package declares its spec in its ``job.py``; this module is the one list of them that the API, the
run store, the JSON Schemas, reports, the CLI and the web workbench read. Adding a job is writing its package
and adding its spec here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gigawatt.build_out.job import SPEC as BUILDOUT
from gigawatt.compute.job import SPEC as SIZE
from gigawatt.core.errors import ScenarioError
from gigawatt.core.results import know_kinds
from gigawatt.core.spec import JobSpec
from gigawatt.grid.job import SPEC as HEADROOM
from gigawatt.operations.job import SPEC as SCHEDULE
from gigawatt.power.job import SPEC as PLAN
from gigawatt.project_finance.job import SPEC as FINANCE
from gigawatt.adequacy.job import SPEC as RELIABILITY
from gigawatt.siting.job import SPEC as SITE
from gigawatt.sweep.job import SPEC as SWEEP

JOBS: dict[str, JobSpec] = {spec.kind: spec for spec in (SIZE, PLAN, BUILDOUT, HEADROOM, SITE, SCHEDULE, FINANCE, RELIABILITY)}  # what api.run runs
KINDS = tuple(JOBS)


def _sweep_result_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """A sweep's result schema, its ``job`` one of the kinds registered here."""
    result, defs = SWEEP.result_schema()
    return {**result, "properties": {**result["properties"], "job": {"enum": list(KINDS)}}}, defs


STORED: dict[str, JobSpec] = {**JOBS, "sweep": replace(SWEEP, result_schema=_sweep_result_schema)}  # what the run store keeps
STORED_KINDS = tuple(STORED)
know_kinds(STORED)  # a Result reads its kind's spec for its notebook display and a stored plan's network


def spec(kind: str, stored: bool = False) -> JobSpec:
    """The spec of ``kind`` (``stored``: sweeps too), or a ScenarioError listing the kinds there are."""
    table = STORED if stored else JOBS
    if kind not in table:
        raise ScenarioError(f"kind '{str(kind)[:40]}': choose one of {', '.join(table)}")
    return table[kind]


def looks_like(data: Any) -> str | None:
    """The kind of job a scenario mapping is for, from a top-level key only that kind has (None if unclear)."""
    if not isinstance(data, dict):
        return None
    # a job listed later is looked for first: a plan's site before a size's cluster
    return next((s.kind for s in reversed(JOBS.values()) if s.mark and all(key in data for key in _keys(s.mark))), None)


def _keys(mark: str | tuple[str, ...]) -> tuple[str, ...]:
    return (mark,) if isinstance(mark, str) else mark


def figures(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The figures that tell runs of ``kind`` apart, by label with their unit (``runs diff``, ``runs list``, sweeps)."""
    return spec(kind, stored=True).figures(data)


def headline(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """A few figures that sum a run up in a list (``gigawatt runs list``, the workbench's home page)."""
    return spec(kind, stored=True).headline_figures(data)
