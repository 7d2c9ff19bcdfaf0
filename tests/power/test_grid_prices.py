"""Grid price and carbon series: flat, time-of-use table, hourly CSV (issue 3, item 2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import EXAMPLES
from gigawatt import load_scenario
from gigawatt.core.errors import ScenarioError
from gigawatt.power.plan import plan_inputs
from gigawatt.weather.synthetic import hourly_index, time_of_use

INDEX = hourly_index(2025)


def test_time_of_use_periods_cover_months_hours_and_weekdays():
    periods = [
        {"value": 300.0, "months": [7, 8], "hours": [16, 21], "weekdays_only": True},  # summer weekday peak
        {"value": 20.0, "hours": [22, 6]},  # nights, wrapping past midnight
    ]
    price = time_of_use(INDEX, periods, 60.0, name="grid.time_of_use")
    assert price[pd.Timestamp("2025-07-15 17:00")] == 300.0  # a Tuesday
    assert price[pd.Timestamp("2025-07-19 17:00")] == 60.0  # a Saturday
    assert price[pd.Timestamp("2025-01-15 17:00")] == 60.0  # winter
    assert price[pd.Timestamp("2025-01-15 23:00")] == 20.0
    assert price[pd.Timestamp("2025-01-16 05:00")] == 20.0
    assert price[pd.Timestamp("2025-01-16 06:00")] == 60.0
    peak_hours = 5 * sum(1 for d in pd.date_range("2025-07-01", "2025-08-31") if d.day_of_week < 5)
    assert (price == 300.0).sum() == peak_hours
    first_wins = time_of_use(INDEX, [{"value": 1.0, "hours": [0, 12]}, {"value": 2.0}], 9.0, name="tou")
    assert set(np.unique(first_wins)) == {1.0, 2.0}


def _grid_scenario(*overrides):
    return load_scenario(EXAMPLES / "west-texas-grid-gas.yaml", ["supply.technologies=[battery_li_ion]", "grid.import_mw=5000", "grid.availability_csv=null", *overrides])


def test_a_time_of_use_table_becomes_the_hourly_grid_price():
    scenario = _grid_scenario(
        "grid.price_usd_per_mwh=50",
        "grid.time_of_use=[{price_usd_per_mwh: 400, hours: [17, 21]}]",
    )
    price = plan_inputs(scenario).grid_price_usd_per_mwh
    assert price is not None and len(price) == len(INDEX)
    assert set(np.unique(price)) == {50.0, 400.0}
    assert (price == 400.0).sum() == 4 * 365


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("grid.time_of_use=[{price_usd_per_mwh: 90, hours: [5, 5]}]", "grid.time_of_use"),
        ("grid.time_of_use=[{price_usd_per_mwh: 90, months: [13]}]", "months"),
        ("grid.time_of_use=[{price_usd_per_mwh: -1}]", "price_usd_per_mwh"),
    ],
)
def test_bad_time_of_use_tables_name_the_field(override, fragment):
    with pytest.raises(ScenarioError, match=fragment):
        _grid_scenario(override)


def test_price_csv_and_time_of_use_are_exclusive(tmp_path):
    with pytest.raises(ScenarioError, match="not both"):
        _grid_scenario(f"grid.price_csv={tmp_path / 'p.csv'}", "grid.time_of_use=[{price_usd_per_mwh: 90}]")


def test_hourly_grid_carbon_csv_is_used(tmp_path):
    path = tmp_path / "co2.csv"
    co2 = np.where(INDEX.hour < 12, 0.2, 0.6)
    pd.DataFrame({"timestamp": INDEX, "co2_t_per_mwh": co2}).to_csv(path, index=False)
    inputs = plan_inputs(_grid_scenario(f"grid.co2_csv={path}"))
    assert np.array_equal(inputs.grid_co2_t_per_mwh.to_numpy(), co2)


@pytest.mark.slow
def test_a_battery_shifts_imports_out_of_the_peak_price():
    from gigawatt.power.planner import plan_power

    scenario = _grid_scenario("grid.price_usd_per_mwh=40", "grid.time_of_use=[{price_usd_per_mwh: 600, hours: [17, 21]}]")
    plan = plan_power(scenario)
    peak = plan.dispatch.index.hour.isin(range(17, 21))
    grid = plan.dispatch["grid_import_mw"]
    assert plan.capacity_mw["battery_li_ion"] > 0
    assert grid[peak].mean() < 0.5 * grid[~peak].mean()
    assert plan.annual_cost_usd < plan.baseline.annual_cost_usd


def test_a_price_series_with_negative_hours_plans_and_stays_bounded(tmp_path):
    from gigawatt.power.planner import plan_power

    path = tmp_path / "price.csv"
    index = hourly_index(2026)  # the example's plan year: its start's
    price = np.where(index.hour.isin(range(10, 15)), -25.0, 45.0)  # midday negative prices, as ERCOT West sees in spring
    pd.DataFrame({"timestamp": index, "price_usd_per_mwh": price}).to_csv(path, index=False)
    scenario = _grid_scenario(f"grid.price_csv={path}", "supply.technologies=[]")
    plan = plan_power(scenario)
    grid = plan.dispatch["grid_import_mw"]
    # with no storage nothing can soak up energy: imports equal the load in every hour, paid at the hour's price
    assert np.allclose(grid, plan.dispatch["load_mw"], atol=1e-3)
    expected = (plan.dispatch["load_mw"] * pd.Series(price, index=index).reindex(plan.dispatch.index).to_numpy()).sum()
    assert plan.cost_usd_per_year["grid_import_energy"] == pytest.approx(expected, rel=1e-3)
