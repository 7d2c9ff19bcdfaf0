"""Inputs found by fuzzing the command line: each is refused in one line naming the scenario field, or read
correctly; never a traceback, a silent wrong answer, or minutes of work."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gigawatt.grid import headroom as grid
from gigawatt import weather as profiles
from gigawatt.weather import files as weather_files
from gigawatt.build_out.simulation import simulate
from gigawatt.core.errors import DataError, ScenarioError
from gigawatt.power.aggregate import aggregate
from gigawatt.power.inputs import PlanInputs, supply_option
from gigawatt import catalog
from gigawatt.core import inputs as scenario_module
from gigawatt.build_out.scenario import BuildoutScenario
from gigawatt.power.scenario import Scenario
from gigawatt.siting.scenario import SitingProgramme
from gigawatt.core.inputs import apply_overrides, read_yaml
from gigawatt.api import load_scenario, parse_scenario

from conftest import EXAMPLES

CLUSTER = {"accelerator": "H100", "count": 10}
GROWTH = {"growth": {"start": "2026-01", "online_gw": 1, "multiple": 2, "every_years": 1}}


def one_line(error: pytest.ExceptionInfo, *names: str) -> str:
    """The message, checked to be one short line naming every one of ``names``."""
    message = str(error.value)
    assert "\n" not in message and "\r" not in message, message
    assert len(message) < 600, message[:200]
    for name in names:
        assert name in message, message
    return message


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def plan_inputs(hours: int) -> PlanInputs:
    index = pd.date_range("2025-01-01", periods=hours, freq="h")
    row = catalog.technologies().set_index("technology").loc[["gas_recip"]].reset_index(names="technology").iloc[0]
    return PlanInputs(load_mw=pd.Series(100.0 + np.arange(hours) % 24, index=index),
                      options={"gas_recip": supply_option(row, 0.08)}, capacity_factor={})


# 1 --------------------------------------------------------------------------------------------------


def chicago_year(tmp_path: Path, column: str = "value") -> tuple[Path, np.ndarray]:
    """2025 hour by hour as Chicago wall clock with its UTC offset (-06:00 in winter, -05:00 in summer)."""
    utc = pd.date_range("2025-01-01 06:00", periods=8760, freq="h", tz="UTC")  # 00:00 Central Standard Time
    values = np.arange(8760, dtype=float)
    path = tmp_path / "dst.csv"
    pd.DataFrame({"timestamp": [t.isoformat() for t in utc.tz_convert("America/Chicago")], column: values}).to_csv(path, index=False)
    return path, values


def test_timestamps_whose_offset_changes_at_daylight_saving_load_on_standard_time(tmp_path):
    path, values = chicago_year(tmp_path)
    text = path.read_text()
    assert "2025-03-09T01:00:00-06:00" in text and "2025-03-09T03:00:00-05:00" in text  # the spring-forward gap
    series = profiles.read_series_csv(path, profiles.hourly_index(2025), name="site.load_csv", lower=0.0)
    np.testing.assert_array_equal(series.to_numpy(), values)  # every hour in its place, no restamping
    assert "restamped_from" not in series.attrs and "UTC-06:00" in series.attrs["note"]

    demand, _ = chicago_year(tmp_path, column="MISO")
    frame = grid.read_demand(demand)  # the demand reader puts them on UTC
    assert len(frame) == 8760 and frame.index[0] == pd.Timestamp("2025-01-01 06:00")
    assert (np.diff(frame.index.to_numpy()) == np.timedelta64(1, "h")).all()

    mixed = tmp_path / "mixed.csv"
    mixed.write_text("timestamp,value\n" + "".join(
        f"{t.strftime('%Y-%m-%d %H:%M')}{'-06:00' if i % 2 else ''},1\n" for i, t in enumerate(profiles.hourly_index(2025))))
    with pytest.raises(ScenarioError) as err:
        profiles.read_series_csv(mixed, profiles.hourly_index(2025), name="site.load_csv")
    one_line(err, "site.load_csv", "line 2", "UTC offset")


# 2 --------------------------------------------------------------------------------------------------


def test_headroom_of_a_system_with_no_demand_is_refused(tmp_path):
    index = pd.date_range("2023-01-01 01:00", periods=8760, freq="h", name="datetime_utc")
    path = tmp_path / "demand.csv"
    pd.DataFrame({"ZERO": np.zeros(8760), "PJM": np.full(8760, 1000.0)}, index=index).to_csv(path)
    frames = [grid.read_demand(path)]
    with pytest.raises(DataError) as err:
        grid.headroom(frames, ["PJM", "ZERO"])
    one_line(err, "ZERO", "0 MW in every hour")
    with pytest.raises(DataError):
        grid.campus_schedule(frames, "ZERO", 100.0, 1.0)


# 3 --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("arguments", "field"), [
    ({"seed": -1}, "seed"),
    ({"draws": 100_000_000}, "draws"),
    ({"draws": -5}, "draws"),
    ({"draws": True}, "draws"),
    ({"draws": 2.5}, "draws"),
    ({"seed": "x" * 10_000}, "seed"),
])
def test_buildout_draws_and_seed_are_checked_before_the_run(arguments, field):
    programme = load_scenario(EXAMPLES / "buildout" / "10gw.yaml", model=BuildoutScenario)
    with pytest.raises(ScenarioError) as err:
        simulate(programme, **arguments)
    assert not one_line(err, field).startswith("--")


@pytest.mark.parametrize(("changes", "field"), [({"draws": 100_000_000}, "'draws'"), ({"draws": 100_001}, "'draws'"), ({"seed": -1}, "'seed'")])
def test_buildout_draws_above_the_memory_cap_are_refused_in_the_scenario(changes, field):
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"end": "2030-01", "programme": GROWTH, **changes}, model=BuildoutScenario)
    one_line(err, field)
    assert parse_scenario({"end": "2030-01", "programme": GROWTH, "draws": scenario_module.MAX_DRAWS}, model=BuildoutScenario)


# 4 --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "model", "field"), [
    ({"cluster": {**CLUSTER, "count": True}}, Scenario, "cluster.count"),
    ({"cluster": {**CLUSTER, "pue": False}}, Scenario, "cluster.pue"),
    ({"cluster": CLUSTER, "grid": {"time_of_use": [{"price_usd_per_mwh": 50, "hours": [True, 6]}]}}, Scenario, "grid.time_of_use.0.hours"),
    ({"cluster": CLUSTER, "grid": {"time_of_use": [{"price_usd_per_mwh": 50, "months": [1, True]}]}}, Scenario, "grid.time_of_use.0.months"),
    ({"end": "2030-01", "programme": {**GROWTH, "permits_months": True}}, BuildoutScenario, "programme.permits_months"),
    ({"end": "2030-01", "programme": GROWTH, "draws": True}, BuildoutScenario, "draws"),
    ({"target_mw": 1000, "candidates": [{"region": "ercot", "max_mw": 1000}],
      "constraints": {"region_limits_mw": {"ercot": True}}}, SitingProgramme, "constraints.region_limits_mw"),
])
def test_a_yes_no_value_is_not_a_number(data, model, field):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, model=model)
    one_line(err, f"'{field}", "yes/no")


def test_yaml_true_is_refused_where_numbers_go_and_numbers_and_months_still_load(tmp_path):
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(tmp_path, "cluster:\n  accelerator: H100\n  count: true\n"))
    one_line(err, "line 3", "cluster.count")
    plain = load_scenario(write(tmp_path, "start: 2027-03\ncluster:\n  accelerator: H100\n  power_mw: 100\n"
                                          "costs:\n  discount_rate: 0\n"))
    assert plain.cluster.power_mw == 100.0 and plain.costs.discount_rate == 0.0 and plain.start == "2027-03"
    for pattern, model in (("*.yaml", Scenario), ("buildout/*.yaml", BuildoutScenario), ("site/*.yaml", SitingProgramme)):
        for path in sorted(EXAMPLES.glob(pattern)):
            assert isinstance(load_scenario(path, model=model), model), path


# 5 --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "field"), [
    ("permits_months: {dist: uniform, low: 0, high: .inf}", "programme.permits_months.high"),
    ("permits_months: 1.0e+308", "programme.permits_months.value"),
    ("permits_months: 1e308", "programme.permits_months.value"),  # YAML 1.1 reads 1e308 as text; still a number here
    ("permits_months: {dist: triangular, low: 0, mode: 1, high: 1e308}", "programme.permits_months.high"),
    ("permits_months: .nan", "programme.permits_months"),
    ("permits_months: {dist: lognormal, p10: 1, p90: 1.0e+300}", "programme.permits_months.p90"),
])
def test_infinite_and_overflowing_figures_are_refused_in_distributions(tmp_path, text, field):
    path = write(tmp_path, f"end: 2030-01\nprogramme:\n  {text}\n  growth: {{start: 2026-01, online_gw: 1, multiple: 2, every_years: 1}}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, model=BuildoutScenario)
    one_line(err, field, "line 3")


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_numbers_are_refused_in_every_model(value):
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"cluster": CLUSTER, "constraints": {"co2_cap_t_per_year": value}})
    one_line(err, "constraints.co2_cap_t_per_year", "finite")
    with pytest.raises(ScenarioError):
        parse_scenario({"target_mw": 1000, "candidates": [{"region": "ercot", "max_mw": 1000}],
                        "constraints": {"region_limits_mw": {"ercot": value}}}, model=SitingProgramme)


# 6 --------------------------------------------------------------------------------------------------


def test_a_key_given_twice_is_refused_with_the_line_of_the_second(tmp_path):
    path = write(tmp_path, "name: x\ncluster:\n  accelerator: H100\n  count: 10\n  count: 20\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    one_line(err, "line 5", "'count'", "line 4")
    with pytest.raises(ScenarioError) as err:
        read_yaml(write(tmp_path, "cluster: {accelerator: H100, count: 1}\ncluster: {accelerator: H100, count: 2}\n"))
    one_line(err, "line 2", "'cluster'")
    data, _ = read_yaml(write(tmp_path, "base: &b {count: 1}\ncluster:\n  <<: *b\n  count: 2\n"))  # a merge key may be overridden
    assert data["cluster"] == {"count": 2}


# 7 --------------------------------------------------------------------------------------------------


def year_csv(tmp_path: Path, values: np.ndarray, name: str = "series.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame({"timestamp": profiles.hourly_index(2025).strftime("%Y-%m-%d %H:%M"), "value": values}).to_csv(path, index=False)
    return path


def test_impossible_loads_and_prices_are_refused_and_negative_prices_read(tmp_path):
    index = profiles.hourly_index(2025)
    load = np.full(8760, 100.0)
    load[10] = 1e12
    with pytest.raises(ScenarioError) as err:
        profiles.read_series_csv(year_csv(tmp_path, load), index, name="site.load_csv", lower=0.0)  # the default upper bound
    one_line(err, "site.load_csv", "line 12", "above 2e+06")

    floor, cap = profiles.price_bounds_usd_per_mwh()
    assert floor < -250 and cap > 5000  # beyond ERCOT's offer floor and cap: real prices pass
    price = 30.0 + 40.0 * np.sin(np.arange(8760) / 24 * 2 * np.pi)  # negative around midday troughs, as in ERCOT and CAISO
    price[100] = -250.0
    read = profiles.read_series_csv(year_csv(tmp_path, price), index, name="grid.price_csv", lower=floor, upper=cap)
    assert read.min() == -250.0
    price[200] = 1e12
    with pytest.raises(ScenarioError) as err:
        profiles.read_series_csv(year_csv(tmp_path, price), index, name="grid.price_csv", lower=floor, upper=cap)
    one_line(err, "grid.price_csv", "line 202")
    table = catalog.assumptions().set_index("name")
    for name in ("price_floor_usd_per_mwh", "price_cap_usd_per_mwh", "max_system_demand_mw"):
        assert table.at[name, "source"] and table.at[name, "unit"] in ("USD/MWh", "MW")


# 8 --------------------------------------------------------------------------------------------------


def test_more_screening_segments_than_hours_are_refused():
    inputs = plan_inputs(48)
    with pytest.raises(ScenarioError) as err:
        aggregate(inputs, 49)
    one_line(err, "site.screening_segments", "49", "48 hours")
    assert aggregate(inputs, 48) is inputs
    assert len(aggregate(inputs, 12).load_mw) == 12
    with pytest.raises(ScenarioError) as err:
        aggregate(inputs, 0)
    assert not one_line(err, "site.screening_segments").startswith("--")


# 9 --------------------------------------------------------------------------------------------------


def test_long_values_are_shortened_in_one_line_errors(tmp_path):
    long = "x" * 100_000
    cases = [
        lambda: parse_scenario({"cluster": CLUSTER, "start": long + "\n" + long}),
        lambda: parse_scenario({"cluster": {**CLUSTER, long: 1}}),
        lambda: apply_overrides({}, [long + "\n"]),
        lambda: apply_overrides({"cluster": 5}, ["cluster." + long + "=1"]),
        lambda: load_scenario(write(tmp_path, f"cluster:\n  accelerator: H100\n  count: '{long}'\n")),
        lambda: profiles.read_series_csv(write(tmp_path, f"timestamp,value\n{long},1\n", "long.csv"), profiles.hourly_index(2025),
                                         name="site.wind_csv"),
        lambda: profiles.read_series_csv(year_csv(tmp_path, np.array([long] + ["1"] * 8759)), profiles.hourly_index(2025),
                                         name="site.wind_csv"),
    ]
    for case in cases:
        with pytest.raises(ScenarioError) as err:
            case()
        message = one_line(err)
        assert "x" * 61 not in message and "…" in message, message


# 10 -------------------------------------------------------------------------------------------------


def test_oversized_scenarios_and_lists_are_refused_quickly(tmp_path):
    path = write(tmp_path, "cluster:\n  accelerator: H100\n  count: 10\ndescription: '" + "x" * scenario_module.MAX_SCENARIO_BYTES + "'\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    one_line(err, "bytes", f"{scenario_module.MAX_SCENARIO_BYTES:,}")

    bomb = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdef", "bcdefg"))
    with pytest.raises(ScenarioError) as err:
        read_yaml(write(tmp_path, bomb))
    one_line(err, "anchors")
    with pytest.raises(ScenarioError) as err:
        read_yaml(write(tmp_path, "cluster: &c {inner: *c}\n"))
    one_line(err, "anchor")

    candidate = {"region": "ercot", "max_mw": 1000}
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"target_mw": 1000, "candidates": [candidate] * (scenario_module.MAX_CANDIDATES + 1)}, model=SitingProgramme)
    one_line(err, "'candidates'", "at most 1000")
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"end": "2030-01", "programme": {"target": [{"date": "2027-01", "online_gw": 1}] * 1001}}, model=BuildoutScenario)
    one_line(err, "'programme.target'")
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"cluster": CLUSTER, "grid": {"time_of_use": [{"price_usd_per_mwh": 1}] * 101}})
    one_line(err, "'grid.time_of_use'")


def test_oversized_csv_files_are_refused_before_reading(tmp_path, monkeypatch):
    path = year_csv(tmp_path, np.ones(8760))
    monkeypatch.setattr(weather_files, "MAX_SERIES_CSV_BYTES", 1000)
    with pytest.raises(ScenarioError) as err:
        profiles.read_series_csv(path, profiles.hourly_index(2025), name="site.solar_csv")
    one_line(err, "site.solar_csv", "bytes")
    with pytest.raises(ScenarioError):
        profiles.read_irradiance_csv(path, profiles.hourly_index(2025), name="site.irradiance_csv")
    monkeypatch.setattr(grid, "MAX_DEMAND_CSV_BYTES", 1000)
    with pytest.raises(DataError) as err:
        grid.read_demand(path)
    one_line(err, "bytes")
