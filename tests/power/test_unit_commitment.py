"""Unit commitment of fuelled options (supply.limits.<id>.commitment): linearised (PyPSA's form) and integer
units, minimum stable output, starts, minimum up/down time, part-load heat rate and N+1 by units."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES
from test_aggregate import options, year_inputs

from gigawatt import catalog, load_scenario
from gigawatt.core.errors import ScenarioError
from gigawatt.power.aggregate import aggregate
from gigawatt.power.lp import build_lp
from gigawatt.power.plan import plan_inputs
from gigawatt.power.solve import optimise, solve

HOURS = 24 * 7
UC = {"unit_mw": 20.0, "min_stable_share": 0.4, "start_cost_usd_per_mw": 50.0, "min_up_hours": 4, "min_down_hours": 3}


def _case(form: str | None, **extra) -> object:
    """A week of solar, battery and gas engines for a 100 MW load; ``form`` None: no commitment."""
    uc = {"commitment": form, **UC, **extra} if form else {}
    return year_inputs(HOURS, options=options("utility_pv", "battery_li_ion", "gas_recip", gas_recip=uc), capacity_factor=None)


def _solved(inputs):
    lp = build_lp(inputs)
    return lp, solve(lp, inputs)


def test_catalog_has_committable_units_for_every_gas_turbine_engine_and_fuel_cell():
    table = catalog.unit_commitment().set_index("technology")
    techs = catalog.technologies().set_index("technology")
    for tech in ("gas_recip", "gas_ct_aero", "gas_ct", "gas_cc", "fuel_cell", "diesel_backup"):
        assert tech in table.index and tech in techs.index
        assert table.at[tech, "source"]
        assert table.at[tech, "min_stable_share"] * table.at[tech, "heat_rate_at_min_share"] < 1


def test_part_load_heat_rate_splits_fuel_into_no_load_and_incremental():
    plain, = options("gas_recip").values()
    committed, = options("gas_recip", gas_recip={"commitment": "linear", **UC}).values()
    c = committed.commitment
    # full load costs what it did: incremental + no-load per MW
    assert committed.marginal_usd_per_mwh + c.no_load_usd_per_mw_h == pytest.approx(plain.marginal_usd_per_mwh)
    assert committed.co2_t_per_mwh + c.no_load_co2_t_per_mw_h == pytest.approx(plain.co2_t_per_mwh)
    # at minimum stable output the heat rate is the catalog's ratio times full load
    fuel_full = plain.marginal_usd_per_mwh - 15.0  # less the VOM
    m = c.min_stable_share
    fuel_at_min = (committed.marginal_usd_per_mwh - 15.0) * m + c.no_load_usd_per_mw_h
    assert fuel_at_min / m == pytest.approx(c.heat_rate_at_min_share * fuel_full)


def test_a_unit_commitment_plan_never_costs_less_than_its_linear_relaxation():
    objective = {form: _solved(_case(form))[1].facts["objective"] for form in (None, "linear", "integer")}
    assert objective[None] <= objective["linear"] + 1e-6 * abs(objective["linear"])
    assert objective["linear"] <= objective["integer"] + 1e-4 * abs(objective["integer"])  # HiGHS's default MIP gap
    assert objective["integer"] > objective[None]  # the commitment costs something here


@pytest.mark.parametrize("form", ["linear", "integer"])
def test_dispatch_respects_minimum_stable_output_starts_and_minimum_up_time(form):
    inputs = _case(form)
    lp, solution = _solved(inputs)
    x = solution.x
    p, on, start, stop = (lp.values(x, f"{k}(gas_recip)") for k in ("p", "on", "start", "stop"))
    p_nom = lp.values(x, "p_nom(gas_recip)")[0]
    size = UC["unit_mw"]
    assert (p >= UC["min_stable_share"] * size * on - 1e-6).all()
    assert (p <= size * on + 1e-6).all() and (size * on <= p_nom + 1e-6).all()
    assert np.allclose(on - np.roll(on, 1), start - stop, atol=1e-6)
    for k in range(UC["min_up_hours"]):  # whatever started in the last 4 hours is still on
        assert (np.roll(start, k) <= on + 1e-6).all()
    if form == "integer":
        assert np.allclose(on, np.round(on), atol=1e-6)
        assert p_nom / size == pytest.approx(round(p_nom / size), abs=1e-6)
    # the site still balances every hour
    plan = optimise(inputs)
    frame = plan.dispatch
    supply = frame["utility_pv_mw"] + frame["gas_recip_mw"] + frame["battery_li_ion_discharge_mw"] + frame["unserved_mw"]
    assert np.allclose(supply - frame["battery_li_ion_charge_mw"], frame["load_mw"], atol=1e-5)
    figures = plan.commitment["gas_recip"]
    assert figures["starts"] == pytest.approx(float(start.sum()))
    assert plan.cost_usd_per_year.get("gas_recip_startup", 0.0) == pytest.approx(figures["startup_usd"], abs=0.5)
    assert plan.annual_cost_usd == pytest.approx(solution.facts["objective"], rel=1e-6)


def test_minimum_output_of_big_units_changes_the_build():
    # one 100 MW unit that must run at 80% when on, and may not stop for a day: solar is squeezed out
    cheap_pv = {"capex_usd_per_kw": 300.0}
    flat = year_inputs(HOURS, options=options("utility_pv", "gas_recip", utility_pv=cheap_pv), capacity_factor=None)
    flat = replace(flat, load_mw=pd.Series(100.0, index=flat.load_mw.index))
    lp_plan = optimise(flat)
    big = {"commitment": "integer", "unit_mw": 100.0, "min_stable_share": 0.8, "min_up_hours": 24, "min_down_hours": 24}
    uc = replace(flat, options=options("utility_pv", "gas_recip", utility_pv=cheap_pv, gas_recip=big))
    uc_plan = optimise(uc)
    assert uc_plan.annual_cost_usd > lp_plan.annual_cost_usd
    assert uc_plan.energy_mwh["gas_recip"] > lp_plan.energy_mwh["gas_recip"]
    assert uc_plan.capacity_mw["utility_pv"] < lp_plan.capacity_mw["utility_pv"]


def test_reserve_margin_counts_whole_units_less_the_largest():
    inputs = replace(_case("linear"), reserve_margin=0.25)
    plan = optimise(inputs)
    peak = float(inputs.load_mw.max())
    assert plan.capacity_mw["gas_recip"] >= 1.25 * peak + UC["unit_mw"] - 1e-6


def test_time_segments_are_refused():
    inputs = aggregate(year_inputs(24 * 28, options=options("utility_pv", "gas_recip", gas_recip={"commitment": "linear"}), capacity_factor=None), 48)
    with pytest.raises(ScenarioError, match="supply.limits.gas_recip.commitment: unit commitment needs chronological hourly"):
        build_lp(inputs)


def test_scenario_settings_reach_the_option_and_unknown_units_are_refused():
    scenario = load_scenario(EXAMPLES / "west-texas-offgrid.yaml", [
        "supply.limits.gas_recip.commitment=integer", "supply.limits.gas_recip.unit_mw=10", "supply.limits.gas_recip.min_up_hours=2"])
    option = plan_inputs(scenario).options["gas_recip"]
    assert option.commitment.form == "integer" and option.commitment.unit_mw == 10 and option.commitment.min_up_hours == 2
    assert option.commitment.min_stable_share == catalog.unit_commitment().set_index("technology").at["gas_recip", "min_stable_share"]
    with pytest.raises(ScenarioError, match="supply.limits.utility_pv.commitment"):
        options("utility_pv", utility_pv={"commitment": "linear"})


def test_starts_pay_wear_and_start_fuel_and_the_fuel_balances():
    """A week of cheap solar makes the engines cycle; every start pays its wear (start_cost_usd_per_mw) and its
    fuel (start_fuel_mmbtu_per_mw at the option's fuel price), and the plan's gas cost and CO2 are those of the
    fuel burnt: incremental heat rate × MWh + no-load fuel × MW committed + start fuel × MW started."""
    start_fuel = 2.0  # MMBtu per MW started
    uc = {"commitment": "linear", **UC, "start_fuel_mmbtu_per_mw": start_fuel}
    inputs = year_inputs(HOURS, options=options("utility_pv", "gas_recip", utility_pv={"capex_usd_per_kw": 300.0}, gas_recip=uc))
    plan = optimise(inputs)
    row = catalog.technologies().set_index("technology").loc["gas_recip"]
    price, heat_rate, vom = row["fuel_price_usd_per_mmbtu"], row["heat_rate_mmbtu_per_mwh"], row["vom_usd_per_mwh"]
    f = plan.commitment["gas_recip"]
    size, starts = UC["unit_mw"], f["starts"]
    assert starts > 1  # the engines follow the sun
    assert f["startfuel_usd"] == pytest.approx(starts * size * start_fuel * price)
    assert f["startup_usd"] == pytest.approx(starts * size * (UC["start_cost_usd_per_mw"] + start_fuel * price))
    # fuel burnt, MMBtu, from the catalog's full-load heat rate and the straight fuel line through minimum output
    m, ratio = UC["min_stable_share"], inputs.options["gas_recip"].commitment.heat_rate_at_min_share
    no_load = m * (ratio - 1) / (1 - m)  # share of full-load fuel burnt per MW committed
    energy = float(plan.dispatch["gas_recip_mw"].sum())
    fuel = energy * heat_rate * (1 - no_load) + f["unit_hours_committed"] * size * heat_rate * no_load + starts * size * start_fuel
    cost = plan.cost_usd_per_year
    paid = cost["gas_recip_energy"] + cost["gas_recip_noload"] + f["startfuel_usd"]
    assert paid == pytest.approx(vom * energy + price * fuel, rel=1e-6)
    assert plan.co2_t_per_year == pytest.approx(fuel * row["co2_t_per_mwh"] / heat_rate, rel=1e-6)
    assert plan.annual_cost_usd == pytest.approx(sum(cost.values()))


def test_catalog_start_fuel_is_priced_at_the_options_fuel_price():
    cc, = options("gas_cc", gas_cc={"commitment": "linear", "fuel_price_usd_per_mmbtu": 4.0}).values()
    table = catalog.unit_commitment().set_index("technology")
    assert cc.commitment.start_fuel_usd_per_mw == pytest.approx(table.at["gas_cc", "start_fuel_mmbtu_per_mw"] * 4.0)
    assert cc.commitment.start_usd_per_mw == pytest.approx(table.at["gas_cc", "start_cost_usd_per_mw"] + cc.commitment.start_fuel_usd_per_mw)
    aero, = options("gas_ct_aero", gas_ct_aero={"commitment": "linear"}).values()
    assert aero.commitment.start_fuel_usd_per_mw == 0.0  # Kumar Table 1-3 not read for this class: none charged
