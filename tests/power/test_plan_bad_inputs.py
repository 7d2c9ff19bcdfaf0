"""`gigawatt plan` and `gigawatt validate` on inputs that used to give a wrong answer with exit 0, a wrong remedy or
a crash (issue 24): each is now refused in one line naming its scenario field and the fix, converted as its header
says, or carried through with a message the result shows. Plans here are small: a 100 MW campus on gas and the
grid, solved on a few dozen time segments."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from gigawatt import catalog
from gigawatt import weather as profiles
from gigawatt.core.errors import InfeasibleError, ScenarioError
from gigawatt.core.finance import capital_recovery_factor
from gigawatt.power import solve as solve_module
from gigawatt.power.inputs import PlanInputs, supply_option
from gigawatt.power.solve import SolverFailed, optimise
from gigawatt.power.weather_years import read_era5_cf

SCENARIO = {
    "name": "small campus",
    "start": "2026-01",
    "cluster": {"accelerator": "GB200 NVL72", "power_mw": 100},
    "site": {"latitude": 31.8, "longitude": -106.4, "year": 2025, "screening_segments": 24},
    "grid": {"import_mw": 60},
    "supply": {"technologies": ["gas_ct_aero"]},
}
YEAR = profiles.hourly_index(2025)


def scenario(tmp_path: Path, **changes) -> Path:
    """The small campus with top-level sections replaced or merged (``site={"load_csv": ...}`` merges)."""
    data = {key: (dict(value) if isinstance(value, dict) else value) for key, value in SCENARIO.items()}
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def series_csv(tmp_path: Path, values, header: str = "value", name: str = "series.csv", index: pd.DatetimeIndex = YEAR) -> Path:
    path = tmp_path / name
    pd.DataFrame({"timestamp": index.strftime("%Y-%m-%d %H:%M"), header: values}).to_csv(path, index=False)
    return path


def refused(result, *names: str) -> str:
    """The one error line of a run that exited 2, checked to name every one of ``names``."""
    assert result.code == 2, (result.code, result.out[-500:], result.err)
    lines = [line for line in result.err.splitlines() if line.strip()]  # a plan's one-off stages are not written on a pipe
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def planned(result) -> dict:
    assert result.code == 0, result.err
    return result.json()


def plan(cli, path: Path, *args: str):
    return cli("plan", str(path), "--no-store", "--json", *args)


# --- a load series in kW read as MW ---------------------------------------------------------------------------


def test_a_load_in_kw_is_converted_as_its_header_says(cli, tmp_path):
    load = series_csv(tmp_path, np.full(8760, 90_000.0), header="Power (kW)")  # 90 MW for a 100 MW cluster
    out = planned(plan(cli, scenario(tmp_path, site={"load_csv": str(load)})))
    assert out["result"]["load_mwh"] == pytest.approx(90.0 * 8760)
    assert "'Power (kW)' in kW, converted to MW" in out["result"]["series"]["load"]


def test_a_load_a_thousand_times_the_cluster_is_refused_naming_the_file_field(cli, tmp_path):
    load = series_csv(tmp_path, np.full(8760, 90_000.0))  # kW with no unit in its header: read as MW
    message = refused(plan(cli, scenario(tmp_path, site={"load_csv": str(load)})), "site.load_csv", "90,000 MW", "kW", "accept_implausible")
    assert "cluster" in message
    small = series_csv(tmp_path, np.full(8760, 0.09), name="small.csv")  # MW given as GW
    refused(plan(cli, scenario(tmp_path, site={"load_csv": str(small)})), "site.load_csv")


def test_an_accepted_outlier_load_runs_and_the_result_says_so(cli, tmp_path):
    load = series_csv(tmp_path, np.full(8760, 2_000.0))
    out = planned(plan(cli, scenario(tmp_path, site={"load_csv": str(load)}, grid={"import_mw": 5_000},
                                     accept_implausible=["site.load_csv"])))
    assert out["result"]["load_mwh"] == pytest.approx(2_000.0 * 8760)
    assert any("site.load_csv" in m and "accepted as given" in m for m in out["messages"]), out["messages"]


def test_a_load_peak_between_one_and_a_half_and_ten_times_the_cluster_runs_with_a_message(cli, tmp_path):
    load = series_csv(tmp_path, np.full(8760, 300.0))
    out = planned(plan(cli, scenario(tmp_path, site={"load_csv": str(load)}, grid={"import_mw": 1_000})))
    assert any(m.startswith("site.load_csv:") and "times the" in m for m in out["messages"]), out["messages"]


def test_a_header_naming_another_quantity_is_refused(tmp_path):
    path = series_csv(tmp_path, np.full(8760, 40.0), header="price (USD/MWh)")
    with pytest.raises(ScenarioError, match="site.load_csv is in MW"):
        profiles.read_series_csv(path, YEAR, name="site.load_csv", lower=0.0, unit="MW")


@pytest.mark.parametrize(("header", "unit", "factor"), [
    ("load_mw", "MW", 1.0), ("Load (GW)", "MW", 1e3), ("energy [kWh]", "MW", 1e-3), ("price_usd_per_kwh", "USD/MWh", 1e3),
    ("Price ($/MWh)", "USD/MWh", 1.0), ("cents/kWh", "USD/MWh", 10.0), ("co2 (g/kWh)", "tCO2/MWh", 1e-3),
    ("kg CO2 per MWh", "tCO2/MWh", 1e-3), ("availability (%)", "ratio", 0.01), ("value", None, None), ("LMP", None, None),
])
def test_units_named_in_headers(header, unit, factor):
    found = profiles.header_unit(header)
    assert (found and (found[0], found[2])) == ((unit, pytest.approx(factor)) if unit else None)


# --- prices given in USD/kWh ------------------------------------------------------------------------------------


def test_a_grid_price_in_usd_per_kwh_is_refused_and_one_accepted_runs(cli, tmp_path):
    refused(plan(cli, scenario(tmp_path), "--set", "grid.price_usd_per_mwh=0.08"), "grid.price_usd_per_mwh", "0.08", "USD/kWh",
            "accept_implausible")
    refused(cli("validate", str(scenario(tmp_path)), "--set", "grid.price_usd_per_mwh=0.08"), "grid.price_usd_per_mwh")
    out = planned(plan(cli, scenario(tmp_path, accept_implausible=["grid.price_usd_per_mwh"]), "--set", "grid.price_usd_per_mwh=4"))
    assert any("grid.price_usd_per_mwh" in m and "accepted" in m for m in out["messages"])


def test_time_of_use_prices_in_usd_per_kwh_are_refused(cli, tmp_path):
    periods = [{"price_usd_per_mwh": 0.12, "hours": [14, 20]}, {"price_usd_per_mwh": 0.06}]
    refused(plan(cli, scenario(tmp_path, grid={"time_of_use": periods})), "grid.time_of_use[0].price_usd_per_mwh", "0.12")
    free_nights = [{"price_usd_per_mwh": 0, "hours": [0, 6]}]  # a free period is a real tariff
    planned(plan(cli, scenario(tmp_path, grid={"time_of_use": free_nights})))


def test_an_hourly_price_series_is_checked_hour_by_hour_and_on_average(cli, tmp_path):
    kwh = series_csv(tmp_path, np.full(8760, 0.045), name="kwh.csv")
    refused(plan(cli, scenario(tmp_path, grid={"price_csv": str(kwh)})), "grid.price_csv's average", "0.045")
    named = series_csv(tmp_path, np.full(8760, 0.045), header="price (USD/kWh)", name="named.csv")  # its header says so: converted
    out = planned(plan(cli, scenario(tmp_path, grid={"price_csv": str(named)})))
    assert "converted to USD/MWh" in out["result"]["series"]["grid_price"]
    spike = np.full(8760, 40.0)
    spike[100] = -15_000.0  # within the reader's hard floor, beyond any market's
    refused(plan(cli, scenario(tmp_path, grid={"price_csv": str(series_csv(tmp_path, spike, name="spike.csv"))})),
            "grid.price_csv at 2025-01-05 04:00", "-15,000")


def test_a_carbon_intensity_above_the_dirtiest_plant_is_refused(cli, tmp_path):
    refused(cli("validate", str(scenario(tmp_path)), "--set", "grid.co2_t_per_mwh=1.8"), "grid.co2_t_per_mwh", "1,800 gCO2/kWh")
    co2 = np.full(8760, 0.4)
    co2[30] = 1.9
    named = series_csv(tmp_path, co2 * 1_000, header="co2 (g/kWh)", name="co2.csv")
    refused(plan(cli, scenario(tmp_path, grid={"co2_csv": str(named)})), "grid.co2_csv at 2025-01-02 06:00", "1,900 gCO2/kWh")


# --- a connection far beyond the load ---------------------------------------------------------------------------


def test_a_connection_far_beyond_the_load_runs_with_a_message(cli, tmp_path):
    out = planned(plan(cli, scenario(tmp_path), "--set", "grid.import_mw=600000"))
    note = next(m for m in out["messages"] if m.startswith("grid.import_mw:"))
    assert "unlimited connection" in note and "kW" in note


# --- every series covers the plan's year at its resolution --------------------------------------------------------


@pytest.mark.parametrize(("index", "fragment"), [
    (pd.date_range("2025-01-01", periods=4380 * 12, freq="5min"), "4380 hours .*52560 values at 5 min, resampled.* the index has 8760 hours"),  # half a year of 5-minute prices
    (pd.date_range("2025-01-01", periods=4380, freq="h"), "rows but the index has 8760 hours"),  # half a year
    (profiles.hourly_index(2024), "8784 rows"),  # a leap year's hours onto a common year
    (pd.date_range("2025-01-01", periods=8760, freq="30min"), "4380 hours .*8760 values at 30 min"),  # half-hours, as many rows as hours
])
def test_a_series_that_does_not_cover_the_year_hour_by_hour_is_refused(tmp_path, index, fragment):
    path = series_csv(tmp_path, np.full(len(index), 40.0), index=index)
    with pytest.raises(ScenarioError, match=fragment):
        profiles.read_series_csv(path, YEAR, name="grid.price_csv", lower=-1e4, upper=2e4, unit="USD/MWh")


def test_an_era5_year_with_missing_hours_is_refused(tmp_path):
    hours = np.arange(8000)
    path = tmp_path / "era5.csv"
    pd.DataFrame({"year": 2019, "hour_of_year_utc": hours, "solar_cf": 0.2, "wind_cf": 0.3}).to_csv(path, index=False)
    with pytest.raises(Exception, match="8000 rows, expected hours 0..8759"):
        read_era5_cf(path)


def test_a_weather_file_of_part_of_a_year_is_refused(tmp_path):
    wall = pd.date_range("2025-01-01", periods=24 * 200, freq="h")
    path = tmp_path / "sky.csv"
    pd.DataFrame({"timestamp": wall.strftime("%Y-%m-%d %H:%M"), "ghi": 100.0}).to_csv(path, index=False)
    with pytest.raises(ScenarioError, match="4800 rows but the index has 8760 hours"):
        profiles.read_irradiance_csv(path, YEAR, name="site.irradiance_csv", longitude=-106.4)


# --- validate runs the plan's own checks --------------------------------------------------------------------------


@pytest.mark.parametrize(("override", "names"), [
    ("supply.technologies=[gas_ct_aero, utility_pvv]", ("supply.technologies", "utility_pvv", "did you mean 'utility_pv'")),
    ("supply.limits.nuclear_smr_x.max_mw=5", ("supply.technologies", "nuclear_smr_x")),
    ("supply.limits.gas_ct_aero.unit_mw=40", ("supply.limits.gas_ct_aero", "unit_mw", "commitment")),
    ("supply.limits.gas_ct_aero.min_up_hours=4", ("supply.limits.gas_ct_aero", "min_up_hours", "commitment")),
])
def test_validate_refuses_what_plan_refuses(cli, tmp_path, override, names):
    path = scenario(tmp_path)
    refused(cli("validate", str(path), "--set", override), *names)
    refused(plan(cli, path, "--set", override), *names)


def test_validate_still_passes_a_valid_plan(cli, tmp_path):
    result = cli("validate", str(scenario(tmp_path)))
    assert result.code == 0 and "valid plan scenario" in result.out


# --- dates ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("override", "field"), [
    ("start=1900-01", "'start'"), ("grid.available=1900-06", "'grid.available'"), ("constraints.online_by=2101-01", "'constraints.online_by'"),
])
def test_project_dates_outside_this_century_are_refused_naming_their_field(cli, tmp_path, override, field):
    for command in ("plan", "validate"):
        message = refused(cli(command, str(scenario(tmp_path)), "--set", override), field, "2000-01..2100-12")
        assert "site.year" not in message


def test_a_phase_dated_9999_is_refused_not_a_crash(cli, tmp_path):
    phases = [{"date": "2026-06", "power_mw": 100}, {"date": "9999-01", "power_mw": 200}]
    refused(plan(cli, scenario(tmp_path, phases=phases)), "phases.1.date", "9999-01")


# --- tiny values where a ratio, a lifetime or a size belongs -------------------------------------------------------


@pytest.mark.parametrize("field", [
    "cluster.average_to_tdp_ratio", "cluster.utilisation", "cluster.model_flop_utilisation", "costs.it_lifetime_years",
    "costs.facility_lifetime_years", "site.mean_clearness", "site.wind_mean_cf", "site.solar_yield_kwh_per_kwp",
    "supply.limits.gas_ct_aero.lifetime_years", "constraints.value_of_lost_load_usd_per_mwh",
])
def test_subnormal_figures_are_refused_by_their_field(cli, tmp_path, field):
    refused(cli("validate", str(scenario(tmp_path)), "--set", f"{field}=1e-300"), field, "greater than or equal")


def test_a_discount_rate_near_zero_annualises_as_zero(cli, tmp_path):
    assert capital_recovery_factor(1e-300, 10) == pytest.approx(0.1)
    assert capital_recovery_factor(0.08, 20) == pytest.approx(0.08 / (1 - 1.08 ** -20))
    out = planned(plan(cli, scenario(tmp_path), "--set", "costs.discount_rate=1e-300"))
    assert math.isfinite(out["result"]["annual_cost_usd"])


def test_a_plot_too_small_for_anything_is_named_as_the_limit(cli, tmp_path):
    message = refused(plan(cli, scenario(tmp_path, grid={"import_mw": 0}), "--set", "site.land_km2=1e-300"), "site.land_km2 binds")
    assert "raise grid.import_mw" not in message


# --- unit commitment: unit sizes --------------------------------------------------------------------------------


def test_a_one_kilowatt_unit_for_a_gigawatt_campus_is_refused_before_building(cli, tmp_path):
    big = scenario(tmp_path, cluster={"accelerator": "GB200 NVL72", "power_mw": 1200},
                   supply={"technologies": ["gas_ct_aero"], "limits": {"gas_ct_aero": {"commitment": "linear", "unit_mw": 0.001}}})
    for command in ("validate", "plan"):
        message = refused(cli(command, str(big)), "supply.limits.gas_ct_aero.unit_mw", "0.001", "100,000")
        assert "reserve_margin" not in message


def test_a_nano_unit_blames_its_size_not_the_reserve_margin(cli, tmp_path):
    path = scenario(tmp_path, constraints={"reserve_margin": 0.1},
                    supply={"technologies": ["gas_ct_aero"], "limits": {"gas_ct_aero": {"commitment": "linear", "unit_mw": 1e-9}}})
    message = refused(plan(cli, path), "supply.limits.gas_ct_aero.unit_mw")
    assert "reserve_margin" not in message


def test_catalog_unit_sizes_pass_for_a_ten_gigawatt_campus():
    from gigawatt.power.plan import MAX_UNITS

    table = catalog.unit_commitment().set_index("technology")
    assert 10_000 / table["unit_mw"].min() < MAX_UNITS  # fuel-cell modules of 0.3 MW: ~33,000


# --- weather files ----------------------------------------------------------------------------------------------


def test_a_tmy3_file_with_only_its_header_is_refused(cli, tmp_path):
    path = tmp_path / "tmy3.csv"
    path.write_text('722700,"EL PASO INTL AP",TX,-7.0,31.800,-106.400,1194\n'
                    "Date (MM/DD/YYYY),Time (HH:MM),ETR (W/m^2),ETRN (W/m^2),GHI (W/m^2),GHI source,GHI uncert (%),"
                    "DNI (W/m^2),DNI source,DNI uncert (%),DHI (W/m^2),DHI source,DHI uncert (%),Dry-bulb (C)\n")
    for field in ("site.irradiance_csv", "site.solar_csv"):
        refused(plan(cli, scenario(tmp_path, supply={"technologies": ["utility_pv", "gas_ct_aero"]}), "--set", f"{field}={path}"),
                field, "TMY3", "no hourly rows")


def test_renewables_ninja_files_the_reader_cannot_place_say_what_the_scenario_can_do(tmp_path):
    utc = pd.date_range("2025-01-01", periods=8760, freq="h")
    regions = tmp_path / "ninja_regions.csv"
    regions.write_text("\n".join(["# Renewables.ninja country file - https://www.renewables.ninja/", "time,DE11,DE12",
                                  *(f"{t:%Y-%m-%d %H:%M},0.1,0.2" for t in utc)]) + "\n")
    stripped = tmp_path / "ninja_stripped.csv"
    stripped.write_text("\n".join(["time,local_time,electricity", *(f"{t:%Y-%m-%d %H:%M},{t:%Y-%m-%d %H:%M},0.5" for t in utc)]) + "\n")
    for path, fragment in ((regions, "keep the time column and the site's area"), (stripped, "without its # header lines")):
        with pytest.raises(ScenarioError) as err:
            profiles.read_series_csv(path, YEAR, name="site.wind_csv", lower=0.0, upper=1.0, longitude=-106.4)
        assert fragment in str(err.value) and "column=" not in str(err.value)


# --- the failure message names what failed ------------------------------------------------------------------------


def _inputs(price: pd.Series | None = None) -> PlanInputs:
    index = price.index if price is not None else pd.date_range("2025-01-01", periods=48, freq="h")
    table = catalog.technologies().set_index("technology", drop=False)
    options = {name: supply_option(table.loc[name], 0.08) for name in ("gas_recip", "grid_import")}
    return PlanInputs(load_mw=pd.Series(100.0, index=index), options=options, grid_price_usd_per_mwh=price, value_of_lost_load_usd_per_mwh=None)


def test_an_infinite_price_is_refused_before_the_solver():
    price = pd.Series(40.0, index=pd.date_range("2025-01-01", periods=48, freq="h"))
    price.iloc[3] = np.inf
    with pytest.raises(ScenarioError, match="grid price: has an infinite value at 2025-01-01 03:00"):
        optimise(_inputs(price))


@pytest.mark.parametrize(("condition", "fragment"), [
    ("memory_limit_reached", "ran out of memory"), ("model_error", "numerical trouble"), ("iteration_limit_reached", "iteration limit"),
    ("time_limit", "a time limit of its own"),
])
def test_a_solver_failure_names_what_failed_not_a_time_limit_never_set(monkeypatch, condition, fragment):
    monkeypatch.setattr(solve_module, "_solve_highs", lambda lp, options, method, **_: (None, None, "warning", condition, None, "simplex"))
    with pytest.raises(SolverFailed) as err:
        optimise(_inputs())
    assert fragment in str(err.value) and "raise solver.time_limit_s" not in str(err.value)
    assert isinstance(err.value, InfeasibleError)  # callers that catch InfeasibleError still do


def test_a_plan_whose_solver_fails_is_not_solved_again_with_slack(cli, tmp_path, monkeypatch):
    calls = []

    def out_of_memory(lp, options, method, **_):
        calls.append(method)
        return None, None, "warning", "memory_limit_reached", None, method

    monkeypatch.setattr(solve_module, "_solve_highs", out_of_memory)
    message = refused(plan(cli, scenario(tmp_path)), "ran out of memory", "site.screening_segments")
    assert "time_limit" not in message and len(calls) == 1


def test_a_year_from_july_is_not_put_on_january_and_other_calendar_years_are_named(tmp_path):
    july = pd.date_range("2024-07-01", periods=8760, freq="h")
    with pytest.raises(ScenarioError, match="2024-07-01 00:00:00 .. 2025-06-30 23:00:00, not the index's"):
        profiles.read_series_csv(series_csv(tmp_path, np.arange(8760.0), index=july), YEAR, name="site.load_csv", lower=0.0, unit="MW")
    other = profiles.read_series_csv(series_csv(tmp_path, np.arange(8760.0), index=profiles.hourly_index(2023), name="2023.csv"), YEAR,
                                     name="site.load_csv", lower=0.0, unit="MW")
    assert "restamped in order from 2023-01-01 00:00:00" in other.attrs["source"]
    ending = pd.date_range("2023-01-01 01:00", periods=8760, freq="h")  # hour-ending stamps: 01:00 is the first hour
    assert profiles.read_series_csv(series_csv(tmp_path, np.arange(8760.0), index=ending, name="ending.csv"), YEAR,
                                    name="site.load_csv", lower=0.0, unit="MW").iloc[0] == 0.0
