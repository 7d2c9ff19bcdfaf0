"""A site's power plan, the entry of ``gigawatt plan``: one period (:mod:`gigawatt.power.plan`) or phases
(:mod:`gigawatt.power.phases`), with a grid-only baseline beside it and, with ``site.weather_years``, the
site planned once per weather year."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gigawatt.compute.sizing import size
from gigawatt.core.spec import RunSettings
from gigawatt.core.errors import ScenarioError
from gigawatt.core.results import json_safe
from gigawatt.power.aggregate import aggregate
from gigawatt.power.availability import restrict
from gigawatt.power.inputs import PlanInputs
from gigawatt.power.phases import plan_phases
from gigawatt.power.plan import (
    _bridged_plan,
    _security,
    _security_block,
    _series_sources,
    _served_plan,
    _with_cluster_costs,
    baseline_inputs,
    online_date,
    plan_inputs,
    site_clock,
)
from gigawatt.power.results import PowerPlan, grid_only_plan
from gigawatt.power.scenario import Scenario
from gigawatt.power.weather_years import parse_years, read_era5_cf, summary, weather_year_plans


def plan_power(scenario: Scenario, online_by: str | None = None, segments: int | None = None, baseline: bool = True,
               settings: RunSettings | None = None) -> PowerPlan:
    """Optimise the site's supply and solve a grid-only baseline beside it.

    ``online_by`` and ``segments`` default to the scenario's ``constraints.online_by`` and
    ``site.screening_segments``. ``online_by`` (YYYY-MM): the load must be served from that month. Options that arrive later (the grid
    connection, say) join the long-run plan, and a bridge built from what is available by then carries
    the load until they do (see :func:`_bridged_plan`). ``segments`` (screening mode) solves plan and baseline on that many
    chronological time segments instead of every hour (:func:`gigawatt.power.aggregate.aggregate`): faster,
    with a cost error that ``benchmarks/plan_site.py`` reports. A plan that leaves load unserved raises
    :class:`InfeasibleError` saying in which hours and by how much. ``baseline=False`` skips the grid-only
    baseline (fleet screening compares candidates with one another instead).

    A scenario with ``phases`` is planned as one multi-period investment problem instead
    (:func:`gigawatt.power.phases.plan_phases`): the plan's figures are its last period's, with every
    period in ``phases`` and the path's net present cost against the myopic sequence in ``phased``.

    The plan (its baseline and bridge too) carries the site's IANA ``time_zone`` and standard
    ``utc_offset_hours``: its hourly tables are in the site's local time with that zone (:meth:`PowerPlan.to_frames`).
    """
    plan = _plan_power(scenario, online_by, segments, baseline, settings)
    if scenario.site is None:
        return plan
    _, zone, offset = site_clock(scenario)
    return _zoned(plan, zone, offset)


def _zoned(plan: PowerPlan, zone: str, offset: float) -> PowerPlan:
    """``plan`` (and its baseline and bridge) marked with the site's time zone and standard offset."""
    inner = {name: _zoned(getattr(plan, name), zone, offset) for name in ("baseline", "bridge") if getattr(plan, name) is not None}
    return replace(plan, time_zone=zone, utc_offset_hours=offset, **inner)


def _plan_power(scenario: Scenario, online_by: str | None, segments: int | None, baseline: bool,
                settings: RunSettings | None) -> PowerPlan:
    if scenario.phases:
        if online_by is not None:
            raise ScenarioError("phases and constraints.online_by: give one (each phase's date is when its load must be served)")
        return plan_phases(scenario, segments=segments, baseline=baseline, run=settings)
    online_by = online_by if online_by is not None else scenario.constraints.online_by
    if segments is None and scenario.site is not None:
        segments = scenario.site.screening_segments
    sizing = size(scenario)
    guarded = _security(scenario)  # a required level that a site fact rules out fails here, before any solve
    inputs = restrict(scenario, plan_inputs(scenario, sizing), online_by)  # options dated after the plan's month left out
    series = _series_sources(inputs)
    study = _weather_years(scenario, inputs, settings)  # on every hour, before any segmentation
    if segments is not None:
        inputs = aggregate(inputs, segments)  # the baseline below is built from these too
    plan = _bridged_plan(scenario, inputs, online_by, settings) if online_by is not None else _served_plan(scenario, inputs, run=settings)
    plan = replace(plan, weather_years=study, notes=list(inputs.notes))
    security_usd = guarded[2] if guarded else 0.0
    if not baseline:
        return replace(_with_cluster_costs(plan, sizing, security_usd), series=series, screening_segments=segments,
                       security=_security_block(guarded, plan.online_date))
    base = baseline_inputs(scenario, inputs, float(sizing.assumptions["discount_rate"].value))
    baseline = grid_only_plan(base)  # one unlimited connection: its optimum in closed form, no LP to build and solve
    date, set_by = online_date(scenario, baseline, base)
    baseline = replace(_with_cluster_costs(baseline, sizing, security_usd), online_date=date, online_date_set_by=set_by, series=series,
                       screening_segments=segments)
    return replace(_with_cluster_costs(plan, sizing, security_usd), baseline=baseline, series=series, screening_segments=segments,
                   security=_security_block(guarded, plan.online_date))


def _weather_years(scenario: Scenario, inputs: PlanInputs, settings: RunSettings | None = None) -> dict[str, Any] | None:
    """With site.weather_years: the site planned once per weather year of site.era5_csv on every hour
    (:func:`gigawatt.power.weather_years.weather_year_plans`), one row a year, and the spread of cost and firm MW."""
    site = scenario.site
    if site is None or not site.weather_years:
        return None
    if not site.era5_csv:
        raise ScenarioError("site.weather_years: name the ERA5 capacity-factor file in site.era5_csv")
    try:
        years = parse_years(str(site.weather_years), "site.weather_years")
    except ScenarioError:
        raise ScenarioError(f"site.weather_years {site.weather_years!r}: give a range such as 2010-2020 or a list such as 2012,2019") from None
    table = read_era5_cf(site.era5_csv)
    missing = [y for y in years if y not in table]
    if missing:
        raise ScenarioError(f"site.weather_years: {missing[0]} is not in {site.era5_csv} (it has {min(table)}-{max(table)})")
    frame = weather_year_plans(inputs, {y: table[y] for y in years}, utc_offset_hours=int(round(site_clock(scenario)[2])),
                               segments=site.screening_segments, run=settings)
    return {"years": json_safe(frame.reset_index().to_dict(orient="records")), "summary": json_safe(summary(frame).to_dict(orient="index"))}
