"""The site LP in matrix form: the same optimum as PyPSA's model of the site, through HiGHS in memory,
any HiGHS method, or a solver driven through linopy."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import EXAMPLES
from test_aggregate import options, year_inputs

from gigawatt.core.errors import ScenarioError
from gigawatt.power.aggregate import aggregate
from gigawatt.power.flexibility import flexibility
from gigawatt.power.inputs import PlanInputs
from gigawatt.power.lp import build_lp
from gigawatt.power.network import build_network
from gigawatt.power.solve import METHODS, RACE, check_solver, optimise, solve, solve_linopy, solver_options
from gigawatt.core.inputs import Solver

WEEKS_H = 24 * 14


def _flexible(inputs: PlanInputs) -> PlanInputs:
    flex = flexibility(max_share=0.05, value_usd_per_accelerator_hour=1.0, accelerator_count=50_000, average_load_mw=100.0,
                       accelerator_share=0.6, workload="training", power_capping=True, paused_load_share=0.3)
    grid = options("grid_import", grid_import={"max_mw": 80.0, "energy_price_usd_per_mwh": 60.0})
    return replace(inputs, options={**grid, **options("gas_recip")}, capacity_factor={}, flexibility=flex)


CASES = {
    "solar, wind, battery and gas on a priced grid": lambda: year_inputs(WEEKS_H, options=options("utility_pv", "onshore_wind", "battery_li_ion", "gas_recip", "grid_import")),
    "a nuclear contract and gas": lambda: year_inputs(WEEKS_H, options=options("nuclear_ppa", "gas_ct_aero"), capacity_factor=None),
    "a flexible cluster behind a small connection": lambda: _flexible(year_inputs(WEEKS_H)),
    "time segments with storage": lambda: aggregate(year_inputs(24 * 56, options=options("utility_pv", "battery_li_ion", "gas_recip"), capacity_factor=None), 96),
}


def _pypsa_objective(inputs: PlanInputs) -> float:
    """PyPSA's own optimum of the network gigawatt exports, with the battery's one inverter added as constraints."""
    n = build_network(inputs)

    def one_inverter(n, snapshots):
        for name, option in inputs.options.items():
            if option.kind == "storage":
                p_nom = n.model.variables["Link-p_nom"]
                links = [f"{name}_charge", f"{name}_discharge"]
                sign = xr.DataArray([1.0, -1.0], coords={"name": links}, dims="name")
                n.model.add_constraints((p_nom.sel(name=links) * sign).sum() == 0, name=f"{name}_inverter")
                # and the inverter carries an hour's charge and discharge together
                flow = n.model.variables["Link-p"].sel(name=links).sum("name")
                n.model.add_constraints(flow - p_nom.sel(name=links[0]) <= 0, name=f"{name}_inverter_hourly")

    status, _ = n.optimize(solver_name="highs", extra_functionality=one_inverter, include_objective_constant=False,
                           progress=False, output_flag=False, log_to_console=False)
    assert status == "ok"
    return float(n.objective)


@pytest.mark.parametrize("case", CASES)
def test_the_lp_has_the_optimum_of_pypsas_model_of_the_site(case):
    inputs = CASES[case]()
    plan = optimise(inputs)
    assert plan.solver["objective"] == pytest.approx(_pypsa_objective(inputs), rel=1e-7)
    # and the plan's own accounting adds up to the objective (capital prorated to the hours modelled + energy)
    assert plan.annual_cost_usd + plan.cost_usd_per_year.get("unserved", 0.0) == pytest.approx(plan.solver["objective"], rel=1e-6)


def test_the_exported_network_carries_the_optimum():
    inputs = year_inputs(WEEKS_H, options=options("utility_pv", "battery_li_ion", "gas_recip"), capacity_factor=None, carbon_free_share=0.7)
    plan = optimise(inputs)
    assert plan.storage_mwh > 0
    n = plan.network
    for name in ("utility_pv", "gas_recip"):
        assert n.generators.at[name, "p_nom_opt"] == pytest.approx(plan.capacity_mw[name], abs=1e-3)
    assert n.statistics.optimal_capacity(components=["Generator"]).sum() == pytest.approx(n.generators.p_nom_opt.sum())
    assert n.links.at["battery_li_ion_discharge", "p_nom_opt"] == pytest.approx(plan.capacity_mw["battery_li_ion"], abs=1e-3)
    assert n.stores.at["battery_li_ion", "e_nom_opt"] == pytest.approx(plan.storage_mwh, abs=1e-3)
    assert n.objective == plan.solver["objective"]
    # the site bus balances every hour in the exported flows: generators + discharge out = load + charge in
    generation = n.generators_t.p.sum(axis=1) - n.links_t.p1["battery_li_ion_discharge"] - n.links_t.p0["battery_li_ion_charge"]
    assert np.allclose(generation.to_numpy(), inputs.load_mw.to_numpy(), atol=1e-5)


def test_every_method_and_the_race_reach_the_same_optimum():
    inputs = replace(year_inputs(WEEKS_H), carbon_free_share=0.9, value_of_lost_load_usd_per_mwh=None)
    lp = build_lp(inputs)
    objectives = {}
    for method in [*METHODS, "race"]:
        solution = solve(lp, inputs, Solver(method=method))
        objectives[method] = solution.facts["objective"]
        assert solution.facts["method"] in (RACE if method == "race" else (method,))
        assert lp.values(solution.row_dual, "carbon_free_share")[0] != 0  # duals come back from every method
    assert max(objectives.values()) == pytest.approx(min(objectives.values()), rel=1e-7)


def test_a_solver_driven_through_linopy_finds_the_same_optimum_and_shadow_prices():
    inputs = replace(year_inputs(WEEKS_H), co2_cap_t_per_year=2_000.0, reserve_margin=0.1)
    lp = build_lp(inputs)
    direct = solve(lp, inputs)
    x, dual, status, _, objective = solve_linopy(lp, "highs", solver_options(Solver(), show_log=False))
    assert status == "ok" and objective == pytest.approx(direct.facts["objective"], rel=1e-7)
    for row in ("co2_cap", "firm_capacity"):
        assert abs(lp.values(dual, row)[0]) == pytest.approx(abs(lp.values(direct.row_dual, row)[0]), rel=1e-5)
    assert np.allclose(lp.values(x, "p_nom(gas_recip)"), lp.values(direct.x, "p_nom(gas_recip)"), rtol=1e-5)


def test_one_snapshot_with_storage_builds_a_valid_matrix():
    index = pd.date_range("2025-01-01", periods=1, freq="h")
    inputs = PlanInputs(load_mw=pd.Series(50.0, index=index), options=options("battery_li_ion", "gas_recip"))
    lp = build_lp(inputs)
    # the state of charge follows itself (cyclic over one hour): its two entries cancel and none is stored as zero
    assert (lp.a_value != 0).all() and len(lp.a_index) == lp.a_start[-1]
    assert optimise(inputs).capacity_mw["gas_recip"] == pytest.approx(50.0, rel=1e-6)


def test_an_unknown_solver_is_named_with_what_is_installed():
    with pytest.raises(ScenarioError, match=r"solver.name: 'gurobbi' is not installed; did you mean 'gurobi'\? installed here: .*highs"):
        check_solver(Solver(name="gurobbi"))


def test_a_method_that_does_not_exist_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="simplex.*dual-devex.*ipm.*race"):
        Solver(method="barrier")


def test_a_plan_loads_the_modelling_stack_only_for_the_network_export():
    # HiGHS reads the LP from memory: PyPSA, linopy and xarray are imported only when the network is asked for
    code = (
        "import sys, gigawatt\n"
        f"r = gigawatt.plan({str(EXAMPLES / 'west-texas-grid-gas.yaml')!r}, set={{'site.screening_segments': 24}}, store=None)\n"
        "print(sorted(m for m in ('pypsa', 'linopy', 'xarray', 'scipy.signal') if m in sys.modules))\n"
        "r.network\n"
        "print('pypsa' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "True"]


def test_a_battery_inverter_carries_charge_and_discharge_together_at_most_its_size():
    # negative prices pay for burning energy: two separately limited links would charge and discharge at
    # full power in the same hour; one inverter cannot (charge + discharge <= its MW, every hour)
    inputs = year_inputs(WEEKS_H, options=options("battery_li_ion", "grid_import", battery_li_ion={"min_mw": 50.0}), capacity_factor=None)
    price = inputs.grid_price_usd_per_mwh.copy()
    price.iloc[::24] = -200.0
    plan = optimise(replace(inputs, grid_price_usd_per_mwh=price))
    d, size_mw = plan.dispatch, plan.capacity_mw["battery_li_ion"]
    root = np.sqrt(inputs.options["battery_li_ion"].efficiency)
    through = d["battery_li_ion_charge_mw"] + d["battery_li_ion_discharge_mw"] / root
    assert size_mw >= 50.0 and through.max() <= size_mw + 1e-6
    assert (through[price < 0] > 0.5 * size_mw).all()  # the battery does take the paid-for energy
