"""Solve a built site network with HiGHS, adding the scenario's extra constraints (one function each)."""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd
import pypsa
import xarray as xr

from gigawatt.errors import InfeasibleError, ScenarioError
from gigawatt.power.build import UNSERVED, PlanInputs
from gigawatt.power.flexibility import CAP_PREFIX, PAUSE
from gigawatt.scenario import Solver
from gigawatt.units import HOURS_PER_YEAR

QUIET = {"highs": {"output_flag": False, "log_to_console": False}}
SHOWN = {"highs": {"output_flag": True, "log_to_console": True}}
# each solver's own names for threads, time limit (s) and relative MIP gap
SETTING_NAMES = {
    "highs": ("threads", "time_limit", "mip_rel_gap"),
    "gurobi": ("Threads", "TimeLimit", "MIPGap"),
    "cplex": ("threads", "timelimit", "mip.tolerances.mipgap"),
    "xpress": ("THREADS", "MAXTIME", "MIPRELSTOP"),
    "cbc": ("threads", "sec", "ratio"),
    "glpk": (None, "tmlim", "mipgap"),
}
PACKAGES = {"highs": "highspy", "gurobi": "gurobipy", "cplex": "cplex", "xpress": "xpress"}
show_solver_log = False  # set by the API's verbose mode: the solver's log goes to stderr
save_lp_stem: Path | None = None  # set by the API: every LP solved is written beside it, named by its role
saved_lp_files: list[Path] = []  # the LP files written since save_lp_stem was set


def _emission_coefficients(n: pypsa.Network, inputs: PlanInputs) -> xr.DataArray:
    """tCO2 per MWh of each generator and hour (grid intensity may vary by hour)."""
    frame = {}
    for name in n.generators.index:
        option = inputs.options.get(name)
        if option is None:
            value = 0.0
        elif option.kind == "grid" and inputs.grid_co2_t_per_mwh is not None:
            frame[name] = inputs.grid_co2_t_per_mwh.to_numpy()
            continue
        else:
            value = option.co2_t_per_mwh
        frame[name] = [value] * len(n.snapshots)
    table = pd.DataFrame(frame, index=n.snapshots)
    table.index.name, table.columns.name = "snapshot", "name"
    return xr.DataArray(table)


def _over_time(n: pypsa.Network, inputs: PlanInputs, expression):
    """Σ over snapshots (and every other dimension) of an expression in MW, weighted by the hours each
    snapshot stands for: MWh. Unweighted inputs keep the plain sum."""
    if inputs.snapshot_weightings_h is None:
        return expression.sum()
    hours = xr.DataArray(inputs.snapshot_weightings_h.to_numpy(dtype=float), coords={"snapshot": n.snapshots}, dims="snapshot")
    return (expression * hours).sum()


def define_co2_cap(n: pypsa.Network, inputs: PlanInputs) -> None:
    """Σ_t w_t Σ_g CO2_g,t × p_g,t ≤ cap (tCO2 per year of the modelled hours; w_t: hours of snapshot t)."""
    if inputs.co2_cap_t_per_year is None:
        return
    p = n.model.variables["Generator-p"]
    n.model.add_constraints(_over_time(n, inputs, p * _emission_coefficients(n, inputs)) <= inputs.co2_cap_t_per_year, name="co2_cap")


def _flexible_names(n: pypsa.Network) -> list[str]:
    return [g for g in n.generators.index if g == PAUSE or g.startswith(CAP_PREFIX)]


def _clean_generators(n: pypsa.Network, inputs: PlanInputs) -> list[str]:
    return [g for g in n.generators.index if g in inputs.options and inputs.options[g].carbon_free]


def define_carbon_free_share(n: pypsa.Network, inputs: PlanInputs) -> None:
    """Annual carbon-free energy ≥ share × load (grid import counted at its hourly carbon-free part)."""
    if inputs.carbon_free_share is None:
        return
    p = n.model.variables["Generator-p"]
    clean = _clean_generators(n, inputs)
    if not clean:
        raise InfeasibleError(f"constraints.carbon_free_share: {inputs.carbon_free_share:g} needs a carbon-free option; allow solar, wind or nuclear")
    required = inputs.carbon_free_share * inputs.energy_mwh(inputs.load_mw)
    lhs = _over_time(n, inputs, p.sel(name=clean))
    given_up = _flexible_names(n)
    if given_up:  # the share applies to the energy the cluster draws
        lhs = lhs + inputs.carbon_free_share * _over_time(n, inputs, p.sel(name=given_up))
    n.model.add_constraints(lhs >= required, name="carbon_free_share")


def define_hours_caps(n: pypsa.Network, inputs: PlanInputs) -> None:
    """Options with an hours-per-year cap (diesel backup): Σ_t w_t p_t ≤ hours × p_nom (hours prorated to the modelled ones)."""
    if "Generator-p_nom" not in n.model.variables:
        return
    p, p_nom = n.model.variables["Generator-p"], n.model.variables["Generator-p_nom"]
    for name, option in inputs.options.items():
        if option.max_hours_per_year is None or name not in n.generators.index:
            continue
        hours = option.max_hours_per_year * inputs.modelled_hours / HOURS_PER_YEAR
        n.model.add_constraints(_over_time(n, inputs, p.sel(name=name)) - hours * p_nom.sel(name=name) <= 0, name=f"{name}_hours_cap")


def define_firm_capacity(n: pypsa.Network, inputs: PlanInputs) -> None:
    """Σ_g availability_g × p_nom_g ≥ (1 + reserve margin) × peak load, over firm options.

    Firm: fuelled generators, contracts and the grid at (1 - forced-outage rate) of their capacity; solar,
    wind and batteries count for nothing (their output is not there in the worst hour). With gas units of
    a given size this is the N+1 idea expressed in MW.
    """
    if inputs.reserve_margin is None:
        return
    firm = {g: o.availability for g, o in inputs.firm_options().items()}
    if not firm:
        raise InfeasibleError("constraints.reserve_margin: no firm option is allowed; allow gas, fuel cells, nuclear or the grid")
    p_nom = n.model.variables["Generator-p_nom"]  # every option is extendable, so firm ones are all here
    names = [g for g in firm if g in p_nom.coords["name"].values]
    availability = xr.DataArray([firm[g] for g in names], coords={"name": names}, dims="name")
    required = (1.0 + inputs.reserve_margin) * float(inputs.load_mw.max())
    n.model.add_constraints((p_nom.sel(name=names) * availability).sum() >= required, name="firm_capacity")


def define_flexibility(n: pypsa.Network, inputs: PlanInputs) -> None:
    """A flexible cluster gives up at most its share of annual energy, and in no hour more than its non-idle draw."""
    flex = inputs.flexibility
    if flex is None:
        return
    p = n.model.variables["Generator-p"]
    names = _flexible_names(n)
    given_up = p.sel(name=names).sum("name")
    n.model.add_constraints(_over_time(n, inputs, given_up) <= flex.max_share * inputs.energy_mwh(inputs.load_mw), name="flexible_share")
    if len(names) > 1:
        ceiling = xr.DataArray((1.0 - flex.paused_load_share) * inputs.load_mw.to_numpy(), coords={"snapshot": n.snapshots}, dims="snapshot")
        n.model.add_constraints(given_up <= ceiling, name="flexible_hourly")


def define_hourly_carbon_free_share(n: pypsa.Network, inputs: PlanInputs) -> None:
    """24/7 carbon-free energy: Σ_t w_t matched_t ≥ share × energy drawn, where each hour's matched energy is at
    most the load drawn and at most clean generation plus battery discharge less battery charging (so
    stored energy counts as clean only if clean energy charged it)."""
    share = inputs.carbon_free_share_hourly
    if share is None:
        return
    clean = _clean_generators(n, inputs)
    if not clean:
        raise InfeasibleError(f"constraints.carbon_free_share_hourly: {share:g} needs a carbon-free option; allow solar, wind or nuclear")
    m = n.model
    p = m.variables["Generator-p"]
    snapshot = n.snapshots
    matched = m.add_variables(lower=0, coords=[snapshot], name="cfe_matched")
    supply = p.sel(name=clean).sum("name")
    for name, option in inputs.options.items():
        if option.kind == "storage":
            link = m.variables["Link-p"]
            efficiency = float(n.links.at[f"{name}_discharge", "efficiency"])
            links = [f"{name}_discharge", f"{name}_charge"]
            net = xr.DataArray([efficiency, -1.0], coords={"name": links}, dims="name")  # delivered less drawn
            supply = supply + (link.sel(name=links) * net).sum("name")
    m.add_constraints(matched - supply <= 0, name="cfe_matched_by_clean")
    load = xr.DataArray(inputs.load_mw.to_numpy(), coords={"snapshot": snapshot}, dims="snapshot")
    given_up = _flexible_names(n)
    drawn = matched + p.sel(name=given_up).sum("name") if given_up else matched
    m.add_constraints(drawn <= load, name="cfe_matched_by_load")
    total = _over_time(n, inputs, matched) + (share * _over_time(n, inputs, p.sel(name=given_up)) if given_up else 0)
    m.add_constraints(total >= share * inputs.energy_mwh(inputs.load_mw), name="carbon_free_share_hourly")


def _built(n: pypsa.Network, inputs: PlanInputs, per_mw: str, per_mwh: str | None = None):
    """Σ over options of a per-MW figure × built MW (and a per-MWh figure × built storage MWh): a linopy
    expression, or None when nothing is extendable."""
    m = n.model
    parts = {"Generator-p_nom": {}, "Link-p_nom": {}, "Store-e_nom": {}}
    for name, option in inputs.options.items():
        if option.kind == "storage":
            parts["Link-p_nom"][f"{name}_charge"] = getattr(option, per_mw)
            if per_mwh:
                parts["Store-e_nom"][name] = getattr(option, per_mwh)
        else:
            parts["Generator-p_nom"][name] = getattr(option, per_mw)
    terms = []
    for variable, coefficients in parts.items():
        if coefficients and variable in m.variables:
            names = list(coefficients)
            weight = xr.DataArray(list(coefficients.values()), coords={"name": names}, dims="name")
            terms.append((m.variables[variable].sel(name=names) * weight).sum())
    return sum(terms[1:], terms[0]) if terms else None


def define_capex_budget(n: pypsa.Network, inputs: PlanInputs) -> None:
    """Σ overnight capital of everything built ≤ budget, USD."""
    if inputs.capex_budget_usd is None:
        return
    built = _built(n, inputs, "capex_usd_per_mw", "capex_usd_per_mwh")
    if built is not None:
        n.model.add_constraints(built <= inputs.capex_budget_usd, name="capex_budget")


def define_land(n: pypsa.Network, inputs: PlanInputs) -> None:
    """Σ land use of everything built ≤ the site's land, m2."""
    if inputs.land_m2 is None:
        return
    built = _built(n, inputs, "land_m2_per_mw")
    if built is not None:
        n.model.add_constraints(built <= inputs.land_m2, name="land")


def define_battery_power(n: pypsa.Network, inputs: PlanInputs) -> None:
    """One inverter both charges and discharges a battery: the two links have the same MW."""
    p_nom = n.model.variables["Link-p_nom"] if "Link-p_nom" in n.model.variables else None
    for name, option in inputs.options.items():
        if option.kind == "storage" and p_nom is not None:
            links = [f"{name}_charge", f"{name}_discharge"]
            sign = xr.DataArray([1.0, -1.0], coords={"name": links}, dims="name")
            n.model.add_constraints((p_nom.sel(name=links) * sign).sum() >= 0, name=f"{name}_inverter")


CONSTRAINT_FAMILIES = (
    define_battery_power,
    define_co2_cap, define_carbon_free_share, define_hourly_carbon_free_share, define_hours_caps,
    define_firm_capacity, define_flexibility, define_capex_budget, define_land,
)


def create_model(n: pypsa.Network, inputs: PlanInputs) -> None:
    """Create the linopy model with every constraint family, without solving."""
    n.optimize.create_model(include_objective_constant=False)
    for define in CONSTRAINT_FAMILIES:
        define(n, inputs)


def save_lp(n: pypsa.Network, inputs: PlanInputs, path: Path | str) -> Path:
    """Write the model as an LP file (build-only mode); returns the path."""
    create_model(n, inputs)
    path = Path(path)
    n.model.to_file(path, progress=False)
    return path


@contextlib.contextmanager
def _stdout_elsewhere(show: bool):
    """Keep the solver's C-level output off stdout, which would otherwise corrupt ``--json`` output:
    silenced, or sent to stderr when the log is shown."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(2 if show else devnull.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def solver_options(settings: Solver, show_log: bool = False) -> dict[str, Any]:
    """The solver's own option names for ``settings`` (threads, time limit, MIP gap) and its log switch.

    Raises :class:`ScenarioError` naming ``solver.name`` when linopy has no such solver installed.
    """
    import linopy

    name = settings.name.lower()
    if name not in linopy.available_solvers:
        known = sorted(set(linopy.available_solvers))
        close = difflib.get_close_matches(name, list(SETTING_NAMES), n=1)
        hint = f"did you mean '{close[0]}'? " if close and close[0] != name else ""
        raise ScenarioError(f"solver.name: '{settings.name}' is not installed; {hint}installed here: {', '.join(known)}")
    options = dict((SHOWN if show_log else QUIET).get(name, {}))
    names = SETTING_NAMES.get(name, ("threads", "time_limit", "mip_gap"))
    for key, value in zip(names, (settings.threads, settings.time_limit_s, settings.mip_gap)):
        if value is not None and key is not None:
            options[key] = value
    return options


def solver_version(name: str) -> str | None:
    """The installed version of the solver's Python package, where it has one."""
    try:
        return version(PACKAGES.get(name, name))
    except PackageNotFoundError:
        return None


def solve(n: pypsa.Network, inputs: PlanInputs, settings: Solver | None = None, role: str = "plan") -> pypsa.Network:
    """Solve with the scenario's solver (HiGHS by default); record name, version, status, seconds and the
    objective in ``n.meta["solver"]``; raise :class:`InfeasibleError` if the solver finds no optimum.

    With :data:`save_lp_stem` set, the model is first written as ``STEM.ROLE.lp`` (a second LP of the same
    role gets ``-2``, ...), exactly as it is solved, so anyone can rerun a solver on it."""
    settings = settings or Solver()
    options = solver_options(settings, show_solver_log)
    name = settings.name.lower()
    create_model(n, inputs)
    if save_lp_stem is not None:
        stem = Path(save_lp_stem)
        path = stem.with_name(f"{stem.stem}.{role}.lp")
        count = 1
        while path in saved_lp_files:
            count += 1
            path = stem.with_name(f"{stem.stem}.{role}-{count}.lp")
        n.model.to_file(path, progress=False)
        saved_lp_files.append(path)
    started = time.perf_counter()
    with _stdout_elsewhere(show_solver_log):
        status, condition = n.optimize.solve_model(solver_name=name, io_api="lp", progress=False, **options)
    n.meta = {**(n.meta or {}), "solver": {
        "name": name, "version": solver_version(name), "status": status, "condition": str(condition),
        "seconds": time.perf_counter() - started, "objective": float(n.model.objective.value) if status == "ok" else None,
    }}
    if status == "ok":
        n.meta["binding"] = binding_constraints(n, inputs)
    if str(condition) == "time_limit":
        raise InfeasibleError(f"solver.time_limit_s: {name} stopped at {settings.time_limit_s:g} s before an optimum; raise solver.time_limit_s")
    if status != "ok":
        raise InfeasibleError(f"the supply model has no solution (solver: {status}, {condition}) under {_active_limits(inputs)}")
    return n


# the constraint of each scenario limit, and the unit of its shadow price (USD of annual cost per unit)
BINDING = {
    "co2_cap": ("constraints.co2_cap_t_per_year", "USD/tCO2"),
    "carbon_free_share": ("constraints.carbon_free_share", "USD/MWh of carbon-free energy"),
    "carbon_free_share_hourly": ("constraints.carbon_free_share_hourly", "USD/MWh matched hour by hour"),
    "firm_capacity": ("constraints.reserve_margin", "USD/MW-yr of firm capacity"),
    "flexible_share": ("constraints.flexible_share", "USD/MWh of compute given up"),
    "capex_budget": ("constraints.capex_budget_usd", "USD/yr per USD of budget"),
    "land": ("site.land_km2", "USD/yr per m2"),
}
SHADOW_PRICE_TOLERANCE = 1e-6  # a dual below this (in its unit) is solver noise: the limit does not bind


def binding_constraints(n: pypsa.Network, inputs: PlanInputs) -> dict[str, dict[str, Any]]:
    """The scenario limits that bind in a solved LP, by field: their shadow price (the annual cost one more
    unit of the limit would save) and its unit. Empty where the solver gives no duals."""
    out: dict[str, dict[str, Any]] = {}
    caps = {f"{name}_hours_cap": (f"supply.limits.{name}.max_hours_per_year", "USD/MWh") for name in inputs.options}
    for name, (field, unit) in {**BINDING, **caps}.items():
        if name not in n.model.constraints:
            continue
        try:
            dual = float(abs(n.model.constraints[name].dual).sum())
        except (AttributeError, KeyError, TypeError, ValueError):  # no duals (a MIP, or a solver without them)
            continue
        if dual > SHADOW_PRICE_TOLERANCE:
            out[field] = {"shadow_price": dual, "unit": unit}
    return out


def _active_limits(inputs: PlanInputs) -> str:
    """The scenario fields that constrain the plan, named for the user to relax (an infeasible plan has
    only these against it: unserved load is always allowed, at a penalty)."""
    fields = {
        "constraints.co2_cap_t_per_year": inputs.co2_cap_t_per_year, "constraints.carbon_free_share": inputs.carbon_free_share,
        "constraints.carbon_free_share_hourly": inputs.carbon_free_share_hourly, "constraints.capex_budget_usd": inputs.capex_budget_usd,
        "constraints.reserve_margin": inputs.reserve_margin, "site.land_km2": inputs.land_m2,
        **{f"supply.limits.{name}.min_mw": option.min_mw or None for name, option in inputs.options.items()},
    }
    active = [name for name, value in fields.items() if value is not None]
    if not active:
        return "the scenario's limits; check supply.limits"
    if len(active) == 1:
        return f"{active[0]}; relax it"
    return f"{', '.join(active)} together; relax one of them"


def unserved_mwh(n: pypsa.Network) -> float:
    """Energy the model could not serve, MWh over the modelled hours (weighted by the hours of each snapshot)."""
    if UNSERVED not in n.generators_t.p:
        return 0.0
    return float((n.generators_t.p[UNSERVED] * n.snapshot_weightings.generators).sum())
