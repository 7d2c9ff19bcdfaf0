"""The Python API: one function per job, each returning a :class:`~gigawatt.results.Result`.

::

    import gigawatt
    p = gigawatt.plan("examples/west-texas-grid-gas.yaml", set={"grid.import_mw": 850})
    p.lcoe_usd_per_mwh, p.to_frames()["dispatch"]

Every job takes its inputs as a path to a YAML file, a dict, or a validated model, plus overrides by
dotted key (``set={"grid.import_mw": 850}`` or ``set=["grid.import_mw=850"]``). :func:`run` is the one
entry the CLI, the web workbench and sweeps call: it validates, looks the run up in the run store by its
content hash (an identical run returns at once unless ``fresh=True``), runs the model and saves the result.
``store`` is a :class:`~gigawatt.store.Store`, a database URL, ``"default"`` (``GIGAWATT_STORE`` or a
SQLite file in the user's data directory) or ``None`` to keep nothing.

Heavy libraries (pandas, PyPSA) load only when a job runs, so importing gigawatt stays fast.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from gigawatt import __version__
from gigawatt.errors import ScenarioError
from gigawatt.results import KINDS, Result, RunInfo, json_safe
from gigawatt.scenario import (
    BuildoutScenario,
    HeadroomStudy,
    Scenario,
    ScheduleScenario,
    SitingProgramme,
    apply_overrides,
    parse_scenario,
    read_yaml,
)

MODELS: dict[str, type[BaseModel]] = {
    "size": Scenario, "plan": Scenario, "buildout": BuildoutScenario, "headroom": HeadroomStudy, "site": SitingProgramme,
    "schedule": ScheduleScenario,
}
# a top-level key that only one kind of scenario has, and the kind it marks (checked in this order)
MARKS = (("jobs", "schedule"), ("candidates", "site"), ("programme", "buildout"), ("files", "headroom"), ("site", "plan"), ("cluster", "size"))
# a plan scenario sizes its cluster too, and a scenario without a site is told by the planner what to add
COMPATIBLE = {"size": {"size", "plan"}, "plan": {"plan", "size"}}

Inputs = str | Path | Mapping[str, Any] | BaseModel
Overrides = Mapping[str, Any] | list[str] | None
Progress = Callable[[int, int], None]


def looks_like(data: Any) -> str | None:
    """The kind of job a scenario mapping is for, from the keys only that kind has (None if unclear)."""
    if not isinstance(data, dict):
        return None
    return next((kind for key, kind in MARKS if key in data), None)


def _override_list(overrides: Overrides) -> list[str]:
    if not overrides:
        return []
    if isinstance(overrides, Mapping):
        return [f"{key}={json.dumps(value)}" for key, value in overrides.items()]  # JSON is YAML: types survive
    return [str(item) for item in overrides]


def check_references(kind: str, model: BaseModel) -> None:
    """What a scenario names in the catalog and across its own fields, resolved as its run would (beyond the
    types the model checks): a wrong name is a ScenarioError naming the field. ``gigawatt validate``, the
    web API's validate and a run all check this much before any model is built."""
    if kind in ("size", "plan"):
        from gigawatt.compute import size

        size(model)  # also resolves the accelerator and catalog figures
    if kind == "plan":
        from gigawatt.power.plan import check_references as plan_references

        plan_references(model)  # technologies, gas hubs, committable units and their sizes, the site's profile, prices
    if kind == "site":
        from gigawatt.siting import check_references as site_references

        site_references(model)  # accelerator, technologies, regions, countries, names, region limits
    if kind == "buildout":
        from gigawatt.simulation import check_references as buildout_references

        buildout_references(model)  # country and every accelerator
    if kind == "schedule":
        from gigawatt.operations.inputs import schedule_inputs

        schedule_inputs(model)  # accelerators, times and their offsets, and the signal CSVs (coverage, plausibility)


def load_inputs(kind: str, inputs: Inputs, set: Overrides = None) -> BaseModel:  # noqa: A002 - the API's word
    """Validate ``inputs`` (a YAML path, a dict or a model) for ``kind`` with overrides applied.

    A file or dict of another kind of job is refused in one line naming that kind and the function to call.
    """
    if kind not in MODELS:
        raise ScenarioError(f"kind '{kind}': choose one of {', '.join(KINDS)}")
    model = MODELS[kind]
    overrides = _override_list(set)
    if isinstance(inputs, BaseModel):
        if not isinstance(inputs, model):
            raise ScenarioError(f"inputs: a {type(inputs).__name__} is not the input of {kind}; give a {model.__name__}")
        if not overrides:
            return inputs
        data, lines, origin = inputs.model_dump(mode="json", exclude_none=True), {}, "inputs"
    elif isinstance(inputs, Mapping):
        data, lines, origin = dict(inputs), {}, "inputs"
    elif isinstance(inputs, str | Path):
        data, lines = read_yaml(inputs)
        origin = str(inputs)
    else:
        raise ScenarioError(f"inputs: give a path to a YAML file, a dict or a {model.__name__} (got {type(inputs).__name__})")
    seen = looks_like(data)
    if seen is not None and seen not in COMPATIBLE.get(kind, {kind}):
        raise ScenarioError(f"{origin} looks like a {seen} scenario, not a {kind} one; run it with gigawatt.{seen}() or `gigawatt {seen}`")
    if overrides:
        data = apply_overrides(data if isinstance(data, dict) else {}, overrides)
    return parse_scenario(data, origin=origin, lines=lines, model=model)


def run(
    kind: str,
    inputs: Inputs,
    *,
    set: Overrides = None,  # noqa: A002
    store: Any = "default",
    fresh: bool = False,
    progress: Progress | None = None,
    verbose: bool = False,
    save_lp: str | Path | None = None,
) -> Result:
    """Run a job of ``kind`` (size, plan, buildout, headroom, site, schedule) on ``inputs`` and return its result.

    With a store, an identical earlier run (same kind, inputs, input files' bytes, catalog and version)
    returns from it without recomputing unless ``fresh``; a new result is saved. ``progress(done, total)``
    is called by jobs that advance in steps (build-out draws). ``verbose`` shows the solver's log on stderr.
    ``save_lp`` (a plan): write every LP solved beside this path as ``STEM.ROLE.lp`` (plan, bridge,
    ``-with-slack`` when load cannot all be served); the run is then computed, not read from the store.
    """
    from gigawatt.store import UnreadableRun, catalog_hash, open_store, run_id

    model = load_inputs(kind, inputs, set)
    ident = run_id(kind, model)
    kept = open_store(store)
    unreadable = False  # this very run is stored, damaged: computed again, it replaces that record
    if kept is not None and not fresh and save_lp is None:
        try:
            found = kept.get(ident)
        except UnreadableRun:
            found, unreadable = None, True
        if found is not None:
            return found
    started = time.perf_counter()
    output, messages, solver = JOBS[kind](model, progress=progress, verbose=verbose, save_lp=save_lp)
    result = Result(
        kind=kind, inputs=model, data=json_safe(output.to_dict()), messages=messages, output=output,
        run=RunInfo(
            id=ident, created=datetime.now(timezone.utc).isoformat(timespec="seconds"), gigawatt_version=__version__,
            catalog_hash=catalog_hash(), seconds=time.perf_counter() - started, solver=json_safe(solver),
        ),
    )
    if kept is not None:
        kept.save(result, replace=unreadable)  # a store that cannot take it keeps it in a file it names
    return result


def size(inputs: Inputs, *, set: Overrides = None, **options: Any) -> Result:  # noqa: A002
    """Size a cluster: power at the meter, energy, capital and operating cost (``ClusterSizing`` figures)."""
    return run("size", inputs, set=set, **options)


def plan(inputs: Inputs, *, set: Overrides = None, **options: Any) -> Result:  # noqa: A002
    """Plan a site's power: the cheapest supply hour by hour beside a grid-only baseline (``PowerPlan`` figures)."""
    return run("plan", inputs, set=set, **options)


def buildout(inputs: Inputs, *, set: Overrides = None, **options: Any) -> Result:  # noqa: A002
    """Simulate a build-out programme week by week (``Buildout`` figures)."""
    return run("buildout", inputs, set=set, **options)


def headroom(inputs: Inputs, *, set: Overrides = None, **options: Any) -> Result:  # noqa: A002
    """Flexible-load headroom of grids on hourly demand (``Headroom`` figures)."""
    return run("headroom", inputs, set=set, **options)


def site(inputs: Inputs, *, set: Overrides = None, **options: Any) -> Result:  # noqa: A002
    """Place a programme's gigawatts across candidate sites (``SitingResult`` figures)."""
    return run("site", inputs, set=set, **options)


# --- the jobs: each returns (model output, messages, solver facts) ----------------------------------


def _size(scenario: Scenario, **_: Any) -> tuple[Any, list[str], None]:
    from gigawatt.compute import size as size_cluster

    sizing = size_cluster(scenario)
    defaults = [name for name, a in sizing.assumptions.items() if a.source != "scenario"]
    note = f"{len(defaults)} of {len(sizing.assumptions)} figures are catalog defaults (the assumptions table gives their sources)"
    return sizing, [note] if defaults else [], None


MEASURED = {"load": "site.load_csv", "utility_pv": "site.solar_csv or site.irradiance_csv", "onshore_wind": "site.wind_csv"}


def _plan(scenario: Scenario, verbose: bool = False, save_lp: str | Path | None = None, **_: Any) -> tuple[Any, list[str], dict[str, Any] | None]:
    from gigawatt.power import solve
    from gigawatt.power.plan import plan_power

    solve.check_solver(scenario.solver)  # an unknown solver fails before the series are built
    solve.show_solver_log, solve.save_lp_stem, solve.saved_lp_files = verbose, save_lp, []
    try:
        plan = plan_power(scenario)
    finally:
        solve.show_solver_log, solve.save_lp_stem = False, None
    written = [str(path) for path in solve.saved_lp_files]
    synthetic = [name for name, source in plan.series.items() if source.startswith("synthetic")]
    messages = list(plan.notes)  # what reading the inputs found (plausibility), first
    if synthetic:
        fields = ", ".join(MEASURED.get(name, name) for name in synthetic)
        messages.append(f"synthetic series (listed above): {', '.join(synthetic)}; give {fields} for measured data")
    if plan.screening_segments:
        messages.append(f"screening: solved on {plan.screening_segments} time segments, not every hour (site.screening_segments)")
    if plan.bridge is not None:
        messages.append(f"a bridge of what is available by {scenario.constraints.online_by} serves the load until "
                        f"{plan.bridge_until} ({plan.bridge_until_set_by})")
    for field, bound in plan.binding.items():
        messages.append(f"{field} binds: relaxing it saves {bound['shadow_price']:,.4g} {bound['unit']} (its shadow price)")
    if written:
        messages.append(f"LP files as solved: {', '.join(written)}")
    if plan.security is not None:
        sec = plan.security
        if plan.online_date and sec["usable_from"] > plan.online_date:
            messages.append(f"{sec['level']} is reached in {sec['reached']} ({sec['months_to_reach']:g} months from the security programme's start): "
                            f"the site holds frontier weights from {sec['usable_from']}, not from {plan.online_date} (security.months_to_reach, security.start)")
        messages.extend(sec["costs_left_out"])
    if plan.curtailed_energy_mwh > 0:
        messages.append(f"the cluster gives up {plan.curtailed_compute_share:.2%} of its compute by power capping or pausing "
                        "(constraints.flexible_share)")
    return plan, messages, plan.solver


def _buildout(scenario: BuildoutScenario, progress: Progress | None = None, **_: Any) -> tuple[Any, list[str], None]:
    from gigawatt.simulation import simulate

    result = simulate(scenario, progress=progress)
    messages = [result.check["statement"]] if result.check and result.check.get("statement") else []
    held = {name: weeks for name, weeks in result.binding_weeks.items() if weeks and name != "none"}
    if held:
        top = max(held, key=held.get)
        messages.append(f"the limit that held capacity back longest (median inputs): {top}, {held[top]} weeks")
    return result, messages, None


def _headroom(study: HeadroomStudy, **_: Any) -> tuple[Any, list[str], None]:
    from gigawatt import catalog, grid

    frames = [grid.read_demand(path) for path in study.files]
    names = grid.duke22() if study.systems == "duke22" else grid.areas(frames) if study.systems == "all" else list(study.systems)
    threshold: Any = "seasonal"
    if study.threshold_mw is not None:
        threshold = study.threshold_mw
    elif study.threshold_csv:
        table = grid.read_demand(study.threshold_csv)
        if table.shape[1] != 1:
            raise ScenarioError(f"threshold_csv {study.threshold_csv}: give one MW column beside the timestamp (found {', '.join(table.columns)})")
        threshold = table.iloc[:, 0]
    result = grid.headroom(frames, names, study.limits_pct, study.years, threshold)
    messages = []
    if study.systems == "duke22":
        result.reference = catalog.duke_headroom().to_dict(orient="records")
    left_out = sorted({str(year) for s in result.systems for year in s["years_left_out"]})
    if left_out:
        messages.append(f"partial years left out: {', '.join(left_out)}")
    if study.campus is not None:
        campus = study.campus
        result.campus_schedule = grid.campus_schedule(frames, names[0], campus.mw, campus.limit_pct, study.years, threshold)
        try:
            result.availability = grid.availability_year(result.campus_schedule, campus.availability_year)
        except ScenarioError:
            if campus.availability_year is not None:
                raise
            messages.append("no local year of the files has all its hours: no availability series for gigawatt plan")
    return result, messages, None


def _schedule(scenario: ScheduleScenario, **_: Any) -> tuple[Any, list[str], dict[str, Any]]:
    from gigawatt.operations import schedule as run_schedule

    result, messages = run_schedule(scenario)
    return result, messages, result.solver


def schedule(inputs: Inputs, *, set: Overrides = None, **options: Any) -> Result:  # noqa: A002
    """Schedule a campus's jobs against prices, carbon and curtailment events (``Schedule`` figures)."""
    return run("schedule", inputs, set=set, **options)


def _site(programme: SitingProgramme, **_: Any) -> tuple[Any, list[str], dict[str, Any]]:
    import scipy

    from gigawatt.siting import site as place

    result = place(programme, full_year=programme.full_year)
    messages = [*result.notes, *(f"{c['site']}: no regional figure for {', '.join(c['catalog_defaults'])}; the planner's catalog default used"
                                 for c in result.candidates if c["catalog_defaults"])]
    solver = {"name": "highs (scipy.optimize.milp)", "version": scipy.__version__, "status": "ok", "condition": "optimal",
              "seconds": result.allocation_seconds}
    return result, messages, solver


JOBS: dict[str, Callable[..., tuple[Any, list[str], Any]]] = {
    "size": _size, "plan": _plan, "buildout": _buildout, "headroom": _headroom, "site": _site, "schedule": _schedule,
}
