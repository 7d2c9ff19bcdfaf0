"""The Python API: one function per job, each returning a :class:`~gigawatt.core.results.Result`.

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

from gigawatt.core import __version__
from gigawatt.core.errors import ScenarioError
from gigawatt.core.progress import Stage
from gigawatt.core import inputs as scenario_files
from gigawatt.core.inputs import apply_overrides, read_yaml
from gigawatt.core.results import Result, RunInfo, json_safe
from gigawatt.core.spec import RunSettings
from gigawatt.power.scenario import Scenario
from gigawatt.registry import JOBS, KINDS, looks_like, spec  # noqa: F401 - KINDS and looks_like: part of the API
from gigawatt.store import UnreadableRun, catalog_hash, open_store, run_id

MODELS: dict[str, type[BaseModel]] = {kind: job.inputs for kind, job in JOBS.items()}  # each kind's scenario model

Inputs = str | Path | Mapping[str, Any] | BaseModel
Overrides = Mapping[str, Any] | list[str] | None
Progress = Callable[[int, int], None]


def _override_list(overrides: Overrides) -> list[str]:
    if not overrides:
        return []
    if isinstance(overrides, Mapping):
        return [f"{key}={json.dumps(value)}" for key, value in overrides.items()]  # JSON is YAML: types survive
    return [str(item) for item in overrides]


def load_inputs(kind: str, inputs: Inputs, set: Overrides = None) -> BaseModel:  # noqa: A002 - the API's word
    """Validate ``inputs`` (a YAML path, a dict or a model) for ``kind`` with overrides applied.

    A file or dict of another kind of job is refused in one line naming that kind and the function to call.
    """
    job = spec(kind)
    model = job.inputs
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
    if seen is not None and seen != kind and seen not in job.accepts:
        raise ScenarioError(f"{origin} looks like a {seen} scenario, not a {kind} one; run it with gigawatt.{seen}() or `gigawatt {seen}`")
    if overrides:
        data = apply_overrides(data if isinstance(data, dict) else {}, overrides)
    return scenario_files.parse_scenario(data, origin=origin, lines=lines, model=model, overrides=overrides)


def load_scenario(path: str | Path, overrides: list[str] | None = None, model: type[BaseModel] = Scenario) -> Any:
    """A scenario file validated into ``model`` (a plan's :class:`~gigawatt.power.scenario.Scenario` by default),
    with ``overrides`` (``KEY=VALUE``) applied; a mistake is a ScenarioError naming the field and its line."""
    return scenario_files.load_scenario(path, overrides, model=model)


def parse_scenario(data: Any, *, origin: str = "scenario", lines: dict[tuple[str, ...], int] | None = None,
                   model: type[BaseModel] = Scenario) -> Any:
    """A mapping (as read from YAML) validated into ``model`` (a plan's Scenario by default)."""
    return scenario_files.parse_scenario(data, origin=origin, lines=lines, model=model)


def run(
    kind: str,
    inputs: Inputs,
    *,
    set: Overrides = None,  # noqa: A002
    store: Any = "default",
    fresh: bool = False,
    progress: Progress | None = None,
    stage: Stage | None = None,
    verbose: bool = False,
    save_lp: str | Path | None = None,
    map: Any = None,  # noqa: A002
) -> Result:
    """Run a job of ``kind`` (size, plan, buildout, headroom, site, schedule) on ``inputs`` and return its result.

    With a store, an identical earlier run (same kind, inputs, input files' bytes, catalog and version)
    returns from it without recomputing unless ``fresh``; a new result is saved. ``progress(done, total)``
    is called by jobs that advance in steps (build-out draws); ``stage(what, done, total)`` by jobs that say which
    stage they are in (plans, site screening; see :mod:`gigawatt.core.progress`). ``verbose`` shows the solver's log on stderr.
    ``save_lp`` (a plan): write every LP solved beside this path as ``STEM.ROLE.lp`` (plan, bridge,
    ``-with-slack`` when load cannot all be served); the run is then computed, not read from the store.
    ``map(function, pieces) -> results`` runs a job's independent pieces elsewhere, e.g. on a Dask cluster (the
    reliability draws; the same figures as without it); never part of the run's id.
    """
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
    settings = RunSettings(progress=progress, stage=stage, show_solver_log=verbose, save_lp=Path(save_lp) if save_lp is not None else None,
                           map=map)
    output, messages, solver = JOBS[kind].run(model, settings)
    return _kept(kept, Result(kind=kind, inputs=model, data=json_safe(output.to_dict()), messages=messages, output=output,
                              run=_run_info(ident, started, solver)), replace=unreadable)


def _run_info(ident: str, started: float, solver: Any) -> RunInfo:
    return RunInfo(id=ident, created=datetime.now(timezone.utc).isoformat(timespec="seconds"), gigawatt_version=__version__,
                   catalog_hash=catalog_hash(), seconds=time.perf_counter() - started, solver=json_safe(solver))


def _kept(kept: Any, result: Result, replace: bool = False) -> Result:
    if kept is not None:
        kept.save(result, replace=replace)  # a store that cannot take it keeps it in a file it names
    return result


def from_stored_plan(kind: str, run: str, *, set: Overrides = None, store: Any = "default", fresh: bool = False,  # noqa: A002
                     map: Callable[..., Any] | None = None) -> Result:  # noqa: A002
    """A job that reads a solved plan (finance, reliability) on a stored plan run (its id or first characters), as it
    was planned: the plan is not solved again (see :func:`read_plan`), and the result is saved in the same store."""
    kept = open_store(store)
    if kept is None:
        raise ScenarioError("run: a stored plan is read from a run store; give one (store=...), or run the plan's scenario file")
    return read_plan(kind, kept.load(run), set=set, store=kept, fresh=fresh, map=map)


def read_plan(kind: str, plan: Result, *, set: Overrides = None, store: Any = "default", fresh: bool = False,  # noqa: A002
              map: Callable[..., Any] | None = None) -> Result:  # noqa: A002
    """A job that reads a solved plan (finance, reliability) on a plan's result, fresh or stored, as it was planned:
    the plan is not solved again. ``set`` may change only the job's own section (``finance.*``, ``reliability.*``:
    anything else would change the plan); a plan without one takes its defaults. The result is a run of ``kind``
    whose id is that of the job on the same scenario file."""
    job = spec(kind)
    if job.from_plan is None:
        readers = ", ".join(k for k, s in JOBS.items() if s.from_plan is not None)
        raise ScenarioError(f"{kind}: runs on a scenario file, not on a plan (those that do: {readers})")
    if plan.kind != "plan":
        raise ScenarioError(f"run {plan.run.id[:12]} is a {plan.kind} run, not a plan; give a plan's run id (`gigawatt runs list --kind plan`)")
    overrides = _override_list(set)
    for override in overrides:
        key = override.split("=", 1)[0].strip()
        if key != kind and not key.startswith(f"{kind}."):
            raise ScenarioError(f"{key}: a stored plan is read as it was planned, so only {kind}.* may change; "
                                "run the plan's scenario file to plan it again with other inputs")
    data = plan.inputs.model_dump(mode="json", exclude_none=True)
    notes = [f"run {plan.run.id[:12]}: the plan read as it was planned (not solved again)"]
    if kind not in data:
        data[kind] = {}
        notes.append(f"{kind}: the plan has no {kind} section; read with the defaults")
    model = load_inputs(kind, data, overrides)
    ident = run_id(kind, model)
    kept = open_store(store)
    if kept is not None and not fresh:
        found = kept.get(ident)
        if found is not None:
            return found
    started = time.perf_counter()
    output = job.from_plan(model, plan.data, RunSettings(map=map))
    return _kept(kept, Result(kind=kind, inputs=model, data=json_safe(output.to_dict()), output=output,
                              messages=[*notes, *plan.messages, *output.messages], run=_run_info(ident, started, plan.run.solver)))


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


def finance(inputs: Inputs, *, set: Overrides = None, **options: Any) -> Result:  # noqa: A002
    """A campus's money over time: plan it, then its pro forma, financing and break-even price (``CampusFinance`` figures)."""
    return run("finance", inputs, set=set, **options)


def reliability(inputs: Inputs, *, set: Overrides = None, **options: Any) -> Result:  # noqa: A002
    """Will the lights stay on: plan it, then draw its supply as failing units over many years (``CampusReliability`` figures)."""
    return run("reliability", inputs, set=set, **options)


def schedule(inputs: Inputs, *, set: Overrides = None, **options: Any) -> Result:  # noqa: A002
    """Schedule a campus's jobs against prices, carbon and curtailment events (``Schedule`` figures)."""
    return run("schedule", inputs, set=set, **options)


def check_references(kind: str, model: BaseModel) -> None:
    """What a scenario names in the catalog and across its own fields, resolved as its run would (beyond the
    types the model checks): a wrong name is a ScenarioError naming the field. ``gigawatt validate``, the
    web API's validate and a run all check this much before any model is built."""
    check = spec(kind).check
    if check is not None:
        check(model)


def security_postures(kind: str, inputs: Any) -> list[tuple[str, list[Any]]]:
    """The weight-security posture of each site a validated scenario names (a plan's site, a siting programme's candidates,
    a build-out's campuses as one), against its security level."""
    from gigawatt.security.checks import SiteFacts, candidate_facts, plan_facts, posture

    if kind in ("plan", "size"):
        if inputs.security is None:
            raise ScenarioError("security: the scenario has no security section; add one, e.g. security: {level: SL3, tenancy: dedicated}")
        return [(inputs.name, posture(plan_facts(inputs)))]
    if kind == "site":
        from gigawatt.siting.allocation import check_references, security_level

        level = security_level(inputs)
        if level is None:
            raise ScenarioError("constraints.security_level: the programme names no security level; set it (e.g. SL4) or add a security section")
        return [(figures["name"], posture(candidate_facts(inputs, level, candidate, figures, inputs.constraints.online_by)))
                for candidate, figures in zip(inputs.candidates, check_references(inputs))]
    if kind == "buildout":
        s = inputs.security
        if s is None:
            raise ScenarioError("security: the programme has no security section; add one, e.g. security: {level: SL4}")
        first = next((t.date for t in inputs.programme.target if t.online_gw > 0), None)
        accelerator = inputs.roadmap[0].accelerator if inputs.roadmap else None
        facts = SiteFacts(name=inputs.name, jurisdiction=s.jurisdiction, accelerator=accelerator, security=s, start=inputs.start, needed_by=first)
        return [(inputs.name, posture(facts))]
    raise ScenarioError(f"security check: a {kind} scenario has no sites to check; give a plan, site or buildout scenario")
