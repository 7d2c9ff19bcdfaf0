"""Site supply optimisation: energy balance, analytic cases, constraints (small synthetic inputs)."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES

from gigawatt import catalog
from gigawatt.core.errors import InfeasibleError, ScenarioError
from gigawatt.power.inputs import PlanInputs, supply_option
from gigawatt.power.lp import build_lp
from gigawatt.power.results import shortfall
from gigawatt.power.solve import optimise

DISCOUNT_RATE = 0.08
HOURS = pd.date_range("2025-01-01", periods=24 * 14, freq="h")  # two weeks keep the LPs small
LOAD_MW = 100.0
TECH = catalog.technologies().set_index("technology")


def options(*names, **overrides):
    return {name: supply_option(TECH.loc[name].rename(name).to_frame().T.reset_index(names="technology").iloc[0], DISCOUNT_RATE, **overrides.get(name, {})) for name in names}


def solar_cf(index=HOURS):
    hour = index.hour.to_numpy()
    return pd.Series(np.clip(np.sin((hour - 6) / 12 * np.pi), 0, None), index=index)


def plan(opts, load=None, **kwargs):
    load = pd.Series(LOAD_MW, index=HOURS) if load is None else load
    cf = {"utility_pv": solar_cf()} if "utility_pv" in opts else {}
    inputs = PlanInputs(load_mw=load, options=opts, capacity_factor=cf, **kwargs)
    return optimise(inputs)


def test_gas_only_matches_the_textbook_lcoe():
    # LCOE of a flat load on one gas unit = capital annuity + FOM spread over the hours + fuel × heat rate + VOM
    opts = options("gas_recip")
    result = plan(opts)
    gas = opts["gas_recip"]
    assert result.capacity_mw["gas_recip"] == pytest.approx(LOAD_MW, rel=1e-6)
    hours_share = len(HOURS) / 8760
    expected = gas.capital_usd_per_mw_year * hours_share / len(HOURS) + gas.marginal_usd_per_mwh
    assert result.lcoe_usd_per_mwh == pytest.approx(expected, rel=1e-6)
    row = TECH.loc["gas_recip"]
    assert gas.marginal_usd_per_mwh == pytest.approx(row.vom_usd_per_mwh + row.fuel_price_usd_per_mmbtu * row.heat_rate_mmbtu_per_mwh)


def test_energy_balances_every_hour():
    result = plan(options("utility_pv", "battery_li_ion", "gas_recip"))
    d = result.dispatch
    supply = d[[c for c in d.columns if c.endswith("_mw") and c not in ("load_mw",) and not c.endswith("_charge_mw")]].sum(axis=1)
    use = d["load_mw"] + d.filter(like="_charge_mw").sum(axis=1)
    assert np.allclose(supply, use, atol=1e-5)
    assert result.unserved_energy_mwh == pytest.approx(0.0, abs=1e-6)


def test_zero_co2_cap_dispatches_no_fossil_fuel():
    result = plan(options("utility_pv", "battery_li_ion", "gas_recip"), co2_cap_t_per_year=0.0)
    assert result.energy_mwh["gas_recip"] == pytest.approx(0.0, abs=1e-4)
    assert result.co2_t_per_year == pytest.approx(0.0, abs=1e-3)
    assert result.carbon_free_share == pytest.approx(1.0, abs=1e-4)


def test_forbidding_storage_does_not_lower_cost():
    with_storage = plan(options("utility_pv", "battery_li_ion", "gas_recip"), carbon_free_share=0.3)
    without = plan(options("utility_pv", "gas_recip"), carbon_free_share=0.3)
    assert without.annual_cost_usd >= with_storage.annual_cost_usd * (1 - 1e-6)


def test_an_impossible_clean_share_is_infeasible():
    # solar without storage cannot serve the night: 90% carbon-free is out of reach
    with pytest.raises(InfeasibleError, match="constraints"):
        plan(options("utility_pv", "gas_recip"), carbon_free_share=0.9)


def test_capacity_limit_leaves_load_unserved_and_says_where():
    result = plan(options("gas_recip", gas_recip={"max_mw": 60.0}))
    assert result.unserved_energy_mwh == pytest.approx((LOAD_MW - 60.0) * len(HOURS), rel=1e-6)
    message = shortfall(result)
    assert f"in {len(HOURS)} hours" in message and "40 MW short" in message
    assert shortfall(plan(options("gas_recip"))) is None


def test_misaligned_series_are_refused():
    load = pd.Series(LOAD_MW, index=HOURS)
    bad = solar_cf(HOURS[:-1])
    with pytest.raises(ScenarioError, match="do not line up"):
        build_lp(PlanInputs(load_mw=load, options=options("utility_pv"), capacity_factor={"utility_pv": bad}))
    with pytest.raises(ScenarioError, match="missing values"):
        build_lp(PlanInputs(load_mw=load.where(load.index.hour != 3), options=options("gas_recip")))


def test_reserve_margin_builds_firm_capacity_above_peak():
    result = plan(options("utility_pv", "battery_li_ion", "gas_recip"), reserve_margin=0.25)
    availability = options("gas_recip")["gas_recip"].availability
    assert result.capacity_mw["gas_recip"] * availability == pytest.approx(1.25 * LOAD_MW, rel=1e-6)
    cheaper = plan(options("utility_pv", "battery_li_ion", "gas_recip"))
    assert cheaper.annual_cost_usd < result.annual_cost_usd


def overnight_capex_usd(result, opts):
    """Overnight capital of a plan's build, USD, from the options' catalog capex."""
    total = 0.0
    for name, mw in result.capacity_mw.items():
        total += opts[name].capex_usd_per_mw * mw
    return total + sum(o.capex_usd_per_mwh for o in opts.values() if o.kind == "storage") * result.storage_mwh


def test_hourly_matching_is_stricter_than_an_annual_share():
    opts = options("utility_pv", "battery_li_ion", "gas_recip")
    annual = plan(opts, carbon_free_share=0.6)
    hourly = plan(opts, carbon_free_share_hourly=0.6)
    assert annual.carbon_free_share >= 0.6 - 1e-6
    assert annual.carbon_free_share_hourly < 0.6  # midday surplus counts for the year, not for the night
    assert hourly.carbon_free_share_hourly >= 0.6 - 1e-6
    assert hourly.storage_mwh > annual.storage_mwh
    assert hourly.annual_cost_usd > annual.annual_cost_usd


def test_hourly_matching_of_everything_needs_storage_through_the_night():
    full = plan(options("utility_pv", "battery_li_ion", "gas_recip"), carbon_free_share_hourly=1.0)
    assert full.carbon_free_share_hourly == pytest.approx(1.0, abs=1e-6)
    assert full.energy_mwh["gas_recip"] == pytest.approx(0.0, abs=1e-3)
    night = full.dispatch.index.hour < 6
    assert full.dispatch.loc[night, "battery_li_ion_discharge_mw"].min() == pytest.approx(LOAD_MW, rel=1e-6)


def test_a_capital_budget_caps_overnight_spend():
    opts = options("utility_pv", "battery_li_ion", "gas_recip")
    free = plan(opts, carbon_free_share=0.5)
    budget = 0.8 * overnight_capex_usd(free, opts)
    capped = plan(opts, carbon_free_share=0.3, capex_budget_usd=budget)
    assert overnight_capex_usd(capped, opts) <= budget * (1 + 1e-6)
    with pytest.raises(InfeasibleError):  # too little money even for the gas alone: explained, not a crash
        result = plan(opts, capex_budget_usd=0.5 * LOAD_MW * opts["gas_recip"].capex_usd_per_mw)
        raise InfeasibleError(shortfall(result))


def test_land_limits_the_solar_field():
    opts = options("utility_pv", "battery_li_ion", "gas_recip")
    free = plan(opts, carbon_free_share=0.5)
    land_m2 = 0.5 * free.capacity_mw["utility_pv"] * opts["utility_pv"].land_m2_per_mw
    tight = plan(opts, carbon_free_share=0.2, land_m2=land_m2)
    used = sum(opts[k].land_m2_per_mw * mw for k, mw in tight.capacity_mw.items())
    assert used <= land_m2 * (1 + 1e-6)
    assert tight.capacity_mw["utility_pv"] < free.capacity_mw["utility_pv"]


def test_a_take_or_pay_contract_is_paid_in_full_and_may_spill():
    # a firm nuclear block above the load's dips: the unused energy spills but is still paid for
    load = pd.Series(np.where(HOURS.hour < 12, LOAD_MW, 0.3 * LOAD_MW), index=HOURS)
    opts = options("nuclear_ppa", "gas_recip", gas_recip={"fuel_price_usd_per_mmbtu": 30.0})  # dear gas
    result = plan(opts, load=load)
    block_mw = result.capacity_mw["nuclear_ppa"]
    assert block_mw > 0.3 * LOAD_MW  # sized above the low hours, which a must-take block could not be
    row = TECH.loc["nuclear_ppa"]
    paid = block_mw * (1 - row.forced_outage_rate) * len(HOURS) * row.energy_price_usd_per_mwh
    assert result.cost_usd_per_year["nuclear_ppa_capital"] == pytest.approx(paid, rel=1e-6)
    assert result.energy_mwh["nuclear_ppa"] < block_mw * (1 - row.forced_outage_rate) * len(HOURS)


@pytest.mark.parametrize("overrides", [
    [],                                                                    # flat price, no demand charge
    ["grid.demand_charge_usd_per_kw_month=12", "grid.time_of_use=[{price_usd_per_mwh: 300, months: [7, 8], hours: [16, 20]}]"],
    ["site.screening_segments=365", "grid.demand_charge_usd_per_kw_month=8", "grid.co2_t_per_mwh=0.2"],
], ids=["flat", "time-of-use and demand charge", "segments"])
def test_the_closed_form_baseline_is_the_lp_optimum(overrides):
    from dataclasses import replace

    from gigawatt import load_scenario
    from gigawatt.power.plan import baseline_inputs, plan_inputs
    from gigawatt.power.results import grid_only_plan

    scenario = load_scenario(EXAMPLES / "west-texas-grid-gas.yaml", overrides)
    inputs = plan_inputs(scenario)
    if scenario.site.screening_segments:
        from gigawatt.power.aggregate import aggregate

        inputs = aggregate(inputs, scenario.site.screening_segments)
    base = replace(baseline_inputs(scenario, inputs, DISCOUNT_RATE), value_of_lost_load_usd_per_mwh=None)
    lp, closed = optimise(base), grid_only_plan(base)
    for key in ("annual_cost_usd", "lcoe_usd_per_mwh", "co2_t_per_year", "load_mwh", "unserved_energy_mwh"):
        assert getattr(closed, key) == pytest.approx(getattr(lp, key), rel=1e-6, abs=1e-6), key
    assert closed.cost_usd_per_year == pytest.approx(lp.cost_usd_per_year, rel=1e-6)
    assert closed.energy_mwh == pytest.approx(lp.energy_mwh, rel=1e-6)
    if base.options["grid_import"].capital_usd_per_mw_year > 0:  # with a demand charge the LP sizes it to the peak too
        assert closed.capacity_mw == pytest.approx(lp.capacity_mw, rel=1e-6)
    assert np.allclose(closed.dispatch.to_numpy(), lp.dispatch[closed.dispatch.columns].to_numpy(), atol=1e-6)
