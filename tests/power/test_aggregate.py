"""Screening mode: chronological time segments with hour weightings (gigawatt.power.aggregate)."""

from __future__ import annotations

from datetime import timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError
from gigawatt.power.aggregate import aggregate
from gigawatt.power.inputs import PlanInputs, SupplyOption, supply_option
from gigawatt.power.lp import build_lp, dispatch_frame
from gigawatt.power.flexibility import flexibility
from gigawatt.power.results import read_plan
from gigawatt.power.solve import solve

DISCOUNT_RATE = 0.08
TECH = catalog.technologies().set_index("technology")
COST_TOLERANCE = 0.05  # screening on 4-hour segments on average vs every hour, 4 weeks (measured: -1.6%)
ENERGY_RTOL = 1e-12


def options(*names, **overrides):
    return {name: supply_option(TECH.loc[name].rename(name).to_frame().T.reset_index(names="technology").iloc[0], DISCOUNT_RATE, **overrides.get(name, {})) for name in names}


def year_inputs(hours: int = 8760, seed: int = 3, **kwargs) -> PlanInputs:
    """A training-like load with checkpoint dips, cloudy-day solar, a wandering wind and an hourly grid price."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2025-01-01", periods=hours, freq="h")
    hour = index.hour.to_numpy()
    load = 100.0 * np.where(rng.random(hours) < 0.1, 1.0 - rng.uniform(0.05, 0.15, hours), 1.0)
    clearness = np.repeat(rng.uniform(0.3, 1.0, hours // 24 + 1), 24)[:hours]
    solar = np.clip(np.sin((hour - 6) / 12 * np.pi), 0, None) * clearness
    wind = np.clip(0.4 + np.cumsum(rng.normal(0, 0.05, hours)) % 0.8 - 0.2, 0, 1)
    price = 40.0 + 20.0 * np.sin((hour - 12) / 24 * 2 * np.pi) + rng.normal(0, 3, hours)
    defaults = dict(
        load_mw=pd.Series(load, index=index),
        options=options("utility_pv", "onshore_wind", "battery_li_ion", "gas_recip"),
        capacity_factor={"utility_pv": pd.Series(solar, index=index), "onshore_wind": pd.Series(wind, index=index)},
        grid_price_usd_per_mwh=pd.Series(np.clip(price, 0, None), index=index),
    )
    merged = {**defaults, **kwargs}
    if merged["capacity_factor"] is None:  # only those of the options given
        merged["capacity_factor"] = {k: v for k, v in defaults["capacity_factor"].items() if k in merged["options"]}
    return PlanInputs(**merged)


def solar_storage_case(**constraints) -> PlanInputs:
    """Four weeks of solar, a battery and gas, held to a carbon-free share that needs storage."""
    return year_inputs(hours=24 * 28, options=options("utility_pv", "battery_li_ion", "gas_recip"),
                       capacity_factor=None, **constraints)


def solved(inputs: PlanInputs):
    lp = build_lp(inputs)
    solution = solve(lp, inputs)
    return (lp, solution), read_plan(lp, solution, inputs)


def test_segments_cover_the_year_in_order():
    inputs = year_inputs()
    screened = aggregate(inputs, 500)
    weights = screened.snapshot_weightings_h
    assert len(weights) == 500 and weights.sum() == pytest.approx(8760.0, rel=1e-12)
    assert (weights >= 1).all() and weights.index.equals(screened.load_mw.index)
    assert screened.load_mw.index.is_monotonic_increasing and screened.load_mw.index.isin(inputs.load_mw.index).all()
    # each segment runs until the next one starts: durations are the gaps between starts
    starts = screened.load_mw.index.append(pd.DatetimeIndex([inputs.load_mw.index[-1] + pd.Timedelta(hours=1)]))
    assert np.array_equal(np.diff(starts) / pd.Timedelta(hours=1), weights.to_numpy())


def test_aggregated_series_preserve_energy_and_the_peak():
    inputs = year_inputs()
    screened = aggregate(inputs, 400)
    w = screened.snapshot_weightings_h
    assert (screened.load_mw * w).sum() == pytest.approx(inputs.load_mw.sum(), rel=ENERGY_RTOL)
    for name, cf in inputs.capacity_factor.items():
        assert (screened.capacity_factor[name] * w).sum() == pytest.approx(cf.sum(), rel=ENERGY_RTOL)
    assert (screened.grid_price_usd_per_mwh * w).sum() == pytest.approx(inputs.grid_price_usd_per_mwh.sum(), rel=ENERGY_RTOL)
    assert screened.load_mw.max() == inputs.load_mw.max()  # the peak hour is never averaged away
    assert screened.modelled_hours == inputs.modelled_hours == 8760.0


def test_segments_follow_the_day_and_night():
    # a flat load under a clear sun: the merge cuts near dawn and dusk, so each night is one dark segment
    index = pd.date_range("2025-01-01", periods=24 * 7, freq="h")
    sun = pd.Series(np.clip(np.sin((index.hour.to_numpy() - 6) / 12 * np.pi), 0, None), index=index)
    inputs = PlanInputs(load_mw=pd.Series(100.0, index=index), options=options("utility_pv", "gas_recip"), capacity_factor={"utility_pv": sun})
    screened = aggregate(inputs, 28)
    night = (screened.capacity_factor["utility_pv"] < 0.05) & (screened.snapshot_weightings_h >= 13)
    assert night.sum() == 6  # the nights between the 7 days
    assert len(screened.load_mw) - night.sum() - 2 >= 2 * 7  # the sunlit hours of each day in 2 or more segments


def test_aggregating_again_or_to_more_segments_than_hours():
    inputs = year_inputs(hours=24 * 14)
    assert aggregate(inputs, 24 * 14) is inputs  # as many segments as hours: nothing to merge
    with pytest.raises(ScenarioError, match="site.screening_segments: 10,000 is more than the 336 hours"):
        aggregate(inputs, 10_000)
    twice = aggregate(aggregate(inputs, 200), 100)
    assert len(twice.load_mw) == 100 and twice.modelled_hours == pytest.approx(24 * 14)
    assert (twice.load_mw * twice.snapshot_weightings_h).sum() == pytest.approx(inputs.load_mw.sum(), rel=ENERGY_RTOL)
    with pytest.raises(ScenarioError, match="positive whole number"):
        aggregate(inputs, 0)


def test_weightings_must_line_up_and_be_positive():
    inputs = year_inputs(hours=48)
    index = inputs.load_mw.index
    with pytest.raises(ScenarioError, match="do not line up"):
        build_lp(PlanInputs(load_mw=inputs.load_mw, options=options("gas_recip"), snapshot_weightings_h=pd.Series(1.0, index=index[:-1])))
    with pytest.raises(ScenarioError, match="positive number of hours"):
        build_lp(PlanInputs(load_mw=inputs.load_mw, options=options("gas_recip"), snapshot_weightings_h=pd.Series(0.0, index=index)))


def test_weighted_energy_and_costs_on_two_snapshots():
    # 3 hours at 100 MW and 5 hours at 50 MW: 550 MWh of gas; capital prorated over 8 of 8760 hours
    index = pd.date_range("2025-01-01", periods=2, freq="3h")
    gas = options("gas_recip")
    inputs = PlanInputs(load_mw=pd.Series([100.0, 50.0], index=index), options=gas, snapshot_weightings_h=pd.Series([3.0, 5.0], index=index),
                        value_of_lost_load_usd_per_mwh=1e9)  # capital in the objective is a whole year's: make serving pay
    _, plan = solved(inputs)
    option = gas["gas_recip"]
    assert plan.load_mwh == pytest.approx(550.0)
    assert plan.energy_mwh["gas_recip"] == pytest.approx(550.0)
    assert plan.cost_usd_per_year["gas_recip_energy"] == pytest.approx(550.0 * option.marginal_usd_per_mwh)
    assert plan.cost_usd_per_year["gas_recip_capital"] == pytest.approx(option.capital_usd_per_mw_year * 100.0 * 8 / 8760)
    assert plan.co2_t_per_year == pytest.approx(550.0 * option.co2_t_per_mwh)
    # the dispatch is hourly again: each snapshot's MW over the hours it stands for
    assert len(plan.dispatch) == 8 and plan.dispatch.index.equals(pd.date_range("2025-01-01", periods=8, freq="h"))
    assert plan.dispatch["load_mw"].tolist() == [100.0] * 3 + [50.0] * 5
    assert plan.dispatch["load_mw"].sum() == pytest.approx(plan.load_mwh)


def test_the_carbon_free_share_counts_hours_not_snapshots():
    # sun in a 2-hour snapshot, none in a 6-hour one: 25% of 800 MWh clean needs 100 MW of solar (50 if unweighted)
    index = pd.date_range("2025-01-01", periods=2, freq="2h")
    inputs = PlanInputs(
        load_mw=pd.Series(100.0, index=index), options=options("utility_pv", "gas_recip"),
        capacity_factor={"utility_pv": pd.Series([1.0, 0.0], index=index)}, carbon_free_share=0.25,
        snapshot_weightings_h=pd.Series([2.0, 6.0], index=index), value_of_lost_load_usd_per_mwh=1e9,
    )
    _, plan = solved(inputs)
    assert plan.capacity_mw["utility_pv"] == pytest.approx(100.0, rel=1e-6)
    assert plan.carbon_free_share == pytest.approx(0.25, rel=1e-6)


def test_the_flexible_share_counts_hours_not_snapshots():
    # 10 MW above a 90 MW connection for 6 hours = 60 MWh to give up; 8% of 700 MWh allows 56: 4 MWh unserved
    index = pd.date_range("2025-01-01", periods=2, freq="6h")
    grid = SupplyOption("grid_import", "grid", capital_usd_per_mw_year=0.0, marginal_usd_per_mwh=50.0, co2_t_per_mwh=0.4, max_mw=90.0)
    flex = flexibility(max_share=0.08, value_usd_per_accelerator_hour=2.0, accelerator_count=50_000, average_load_mw=100.0,
                       accelerator_share=0.6, workload="training", power_capping=False, paused_load_share=0.3)
    inputs = PlanInputs(load_mw=pd.Series([100.0, 50.0], index=index), options={"grid_import": grid}, flexibility=flex,
                        snapshot_weightings_h=pd.Series([6.0, 2.0], index=index))
    _, plan = solved(inputs)
    assert plan.curtailed_energy_mwh == pytest.approx(56.0, rel=1e-6)
    assert plan.unserved_energy_mwh == pytest.approx(4.0, rel=1e-6)


def test_energy_balances_in_every_segment_and_storage_carries_across_them():
    inputs = aggregate(solar_storage_case(carbon_free_share=0.7), 168)
    (lp, solution), plan = solved(inputs)
    d = dispatch_frame(lp, solution.x, inputs)  # one row a segment, MW
    supply = d[[c for c in d.columns if c.endswith("_mw") and c != "load_mw" and not c.endswith("_charge_mw")]].sum(axis=1)
    use = d["load_mw"] + d.filter(like="_charge_mw").sum(axis=1)
    assert np.allclose(supply, use, atol=1e-5)
    assert plan.storage_mwh > 0
    # state of charge: e_t = e_{t-1} + hours_t × (charge × η½ - discharge / η½), cyclic over the year
    e = lp.values(solution.x, "soc(battery_li_ion)")
    assert np.array_equal(plan.network.stores_t.e["battery_li_ion"].to_numpy(), e)  # the exported network carries it
    root = float(np.sqrt(inputs.options["battery_li_ion"].efficiency))
    flow = inputs.snapshot_weightings_h.to_numpy() * (d["battery_li_ion_charge_mw"].to_numpy() * root - d["battery_li_ion_discharge_mw"].to_numpy() / root)
    assert np.allclose(e, np.roll(e, 1) + flow, atol=1e-4)
    assert plan.load_mwh == pytest.approx(inputs.energy_mwh(inputs.load_mw), rel=1e-9)
    assert plan.dispatch["load_mw"].sum() == pytest.approx(plan.load_mwh, rel=1e-9)


def test_an_aggregated_plan_costs_close_to_the_hourly_one():
    hourly = solar_storage_case(carbon_free_share=0.7)
    _, full = solved(hourly)
    _, screened = solved(aggregate(hourly, 168))  # 4 hours a segment on average
    assert screened.annual_cost_usd == pytest.approx(full.annual_cost_usd, rel=COST_TOLERANCE)
    # with no hourly prices, the hourly plan averaged over each segment is feasible there: a lower bound
    assert screened.annual_cost_usd <= full.annual_cost_usd * (1 + 1e-6)
    assert screened.storage_mwh == pytest.approx(full.storage_mwh, rel=0.2)
    assert screened.carbon_free_share >= 0.7 - 1e-6
    for tech, mw in full.capacity_mw.items():
        assert screened.capacity_mw[tech] == pytest.approx(mw, abs=0.15 * hourly.load_mw.max())


@pytest.mark.parametrize("constraints", [
    dict(carbon_free_share=0.6, co2_cap_t_per_year=20_000.0),
    dict(carbon_free_share_hourly=0.5),
])
def test_weights_of_one_give_the_hourly_results(constraints):
    opts = {**options("diesel_backup", diesel_backup={"max_hours_per_year": 500.0}), **year_inputs(hours=24 * 7).options}
    flex = flexibility(max_share=0.05, value_usd_per_accelerator_hour=0.5, accelerator_count=50_000, average_load_mw=100.0,
                       accelerator_share=0.6, workload="training", power_capping=True, paused_load_share=0.3)
    plain = year_inputs(hours=24 * 7, options=opts, flexibility=flex, **constraints)
    ones = year_inputs(hours=24 * 7, options=opts, flexibility=flex, snapshot_weightings_h=pd.Series(1.0, index=plain.load_mw.index), **constraints)
    _, a = solved(plain)
    _, b = solved(ones)
    for key, value in a.to_dict().items():
        if key == "solver":  # how the solve went (seconds differ), not what it found
            continue
        if isinstance(value, float):
            assert getattr(b, key) == pytest.approx(value, rel=1e-9, abs=1e-6), key
        elif isinstance(value, dict):
            assert getattr(b, key).keys() == value.keys(), key
            for k, v in value.items():
                assert getattr(b, key)[k] == pytest.approx(v, rel=1e-9, abs=1e-6), (key, k)
    pd.testing.assert_frame_equal(a.dispatch, b.dispatch, atol=1e-6)


def test_plan_screening_from_the_command_line(cli, tmp_path):
    from conftest import EXAMPLES
    from gigawatt import load_scenario
    from gigawatt.power.planner import plan_power

    path = EXAMPLES / "west-texas-offgrid.yaml"
    out = tmp_path / "dispatch.csv"
    result = cli("plan", str(path), "--screening", "1460", "--json", "--dispatch", str(out))
    assert result.code == 0, result.err
    screened = result.result()
    full = plan_power(load_scenario(path, []))
    assert screened["annual_cost_usd"] == pytest.approx(full.annual_cost_usd, rel=COST_TOLERANCE)
    assert screened["baseline"]["annual_cost_usd"] == pytest.approx(full.baseline.annual_cost_usd, rel=COST_TOLERANCE)
    assert screened["load_mwh"] == pytest.approx(full.load_mwh, rel=1e-9)
    assert screened["screening_segments"] == 1460 and full.screening_segments is None
    dispatch = pd.read_csv(out, index_col=0)
    # one row an hour, as without screening: the file's stamps carry the site's zone, the model's hours are standard time
    standard = timezone(timedelta(hours=screened["utc_offset_hours"]))
    assert pd.to_datetime(dispatch.index, utc=True).equals(full.dispatch.index.tz_localize(standard).tz_convert("UTC"))
    assert dispatch["load_mw"].sum() == pytest.approx(full.load_mwh, rel=1e-6)
    bad = cli("plan", str(path), "--screening", "0")
    assert bad.code == 2 and "screening_segments" in bad.err
