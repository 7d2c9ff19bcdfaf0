"""A plan on its site's clock: the scenario's year, frames and exports in the site's IANA zone, time-of-use
tariffs on the wall clock, and a 15-minute series resampled with a message (issue 30, items 3 and 7)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, gigawatt_cli, one_line_error

from gigawatt import load_scenario
from gigawatt.power.plan import plan_inputs, site_clock
from gigawatt.weather.synthetic import solar_cf

# a small LP: the grid (firm: the example's curtailment hours dropped) and a battery
GRID_ONLY = ["supply.technologies=[battery_li_ion]", "grid.import_mw=5000", "grid.availability_csv=null"]
MIDLAND = ["site.latitude=31.9", "site.longitude=-102.1"]  # West Texas on Central time (round(lon/15) would say -7)
EL_PASO = ["site.latitude=31.8", "site.longitude=-106.4"]  # West Texas on Mountain time


def _scenario(*overrides: str):
    return load_scenario(EXAMPLES / "west-texas-grid-gas.yaml", [*GRID_ONLY, *overrides])


def test_the_plan_year_is_the_scenarios_start_year_unless_site_year_says_otherwise():
    scenario = _scenario()
    assert scenario.start.startswith("2026") and scenario.site.year is None
    assert plan_inputs(scenario).load_mw.index[0] == pd.Timestamp("2026-01-01 00:00")
    assert site_clock(_scenario("start=2027-03"))[0] == 2027
    assert site_clock(_scenario("site.year=2024"))[0] == 2024  # an explicit year (a weather year) still wins


def test_the_site_zone_is_found_from_coordinates_or_given():
    assert site_clock(_scenario())[1:] == ("America/Chicago", -6.0)  # the example's Abilene
    assert site_clock(_scenario(*EL_PASO))[1:] == ("America/Denver", -7.0)
    assert site_clock(_scenario(*MIDLAND))[1:] == ("America/Chicago", -6.0)
    assert site_clock(_scenario("site.time_zone=America/Phoenix"))[1:] == ("America/Phoenix", -7.0)


def test_the_solar_day_follows_the_zone_not_the_meridian():
    """At Midland the sun is highest near 13:00 Central standard time (its meridian is 102° W, Central's 90° W)."""
    pv = plan_inputs(_scenario(*MIDLAND, "supply.technologies=[utility_pv]", "site.mean_clearness=0.6")).capacity_factor["utility_pv"]
    def noon(series: pd.Series) -> float:  # the output-weighted mean of the hours' middles
        by_hour = series.groupby(series.index.hour).mean()
        return float(((by_hour.index + 0.5) * by_hour).sum() / by_hour.sum())

    assert 12.6 < noon(pv) < 13.0, noon(pv)  # solar noon at 102.1° W is ~12:50 Central standard time
    meridian = solar_cf(pv.index, 31.9, -102.1, mean_clearness=0.6, utc_offset_hours=-7)  # the old clock, round(lon/15)
    assert noon(pv) - noon(meridian) == pytest.approx(1.0, abs=0.05)


def test_a_time_of_use_tariff_on_the_local_clock_moves_with_daylight_saving():
    tou = "grid.time_of_use=[{price_usd_per_mwh: 400, hours: [17, 21]}]"
    standard = plan_inputs(_scenario(*MIDLAND, "grid.price_usd_per_mwh=50", tou)).grid_price_usd_per_mwh
    local = plan_inputs(_scenario(*MIDLAND, "grid.price_usd_per_mwh=50", tou, "site.clock=local")).grid_price_usd_per_mwh
    # 7 March 2026 is the last day of CST, 9 March the first whole day of CDT (the clock went forward on the 8th)
    before, after = pd.Timestamp("2026-03-07 17:00"), pd.Timestamp("2026-03-09 16:00")
    assert standard[before] == local[before] == 400.0
    assert standard[after] == 50.0 and local[after] == 400.0  # 16:00 CST is 17:00 on the clock
    assert local[after + pd.Timedelta(hours=4)] == 50.0 and standard[after + pd.Timedelta(hours=4)] == 400.0
    assert (local == 400).sum() == (standard == 400).sum()


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """One plan through the installed `gigawatt`: JSON, a CSV and a Parquet dispatch, and its export from the store;
    its load from a 15-minute CSV."""
    folder = tmp_path_factory.mktemp("time")
    quarter = pd.date_range("2026-01-01", periods=8760 * 4, freq="15min")
    rng = np.random.default_rng(7)
    load = 900.0 + 100.0 * rng.random(len(quarter))
    pd.DataFrame({"timestamp": quarter.strftime("%Y-%m-%d %H:%M"), "load_mw": load}).to_csv(folder / "load.csv", index=False)
    sets = [a for o in [*GRID_ONLY, *MIDLAND, f"site.load_csv={folder / 'load.csv'}"] for a in ("--set", o)]
    store = ["--store", str(folder / "runs.db")]
    done = gigawatt_cli("plan", str(EXAMPLES / "west-texas-grid-gas.yaml"), *sets, "--screening", "365", "--json",
                        "--dispatch", str(folder / "dispatch.csv"), *store, cwd=folder)
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout)
    again = gigawatt_cli("plan", str(EXAMPLES / "west-texas-grid-gas.yaml"), *sets, "--screening", "365",
                         "--dispatch", str(folder / "dispatch.parquet"), *store, cwd=folder)
    assert again.returncode == 0, again.stderr[-2000:]
    exported = gigawatt_cli("runs", "export", data["run"]["id"][:12], "--format", "csv", "--out", str(folder / "export"), *store,
                            cwd=folder)
    assert exported.returncode == 0, exported.stderr[-2000:]
    return folder, data, load


def test_the_result_carries_the_zone_and_says_what_was_resampled(planned):
    _, data, _ = planned
    assert data["result"]["time_zone"] == "America/Chicago" and data["result"]["utc_offset_hours"] == -6.0
    said = [m for m in data["messages"] if "resampled" in m]
    assert said == ["site.load_csv load.csv: 35040 values at 15 min resampled to 8760 hourly values, 4 a hour averaged "
                    "(power, price or ratio)"], data["messages"]


def test_the_dispatch_csv_has_iso_timestamps_with_the_zone_and_keeps_the_energy(planned):
    folder, data, load = planned
    text = (folder / "dispatch.csv").read_text().splitlines()
    assert text[1].startswith("2026-01-01T00:00:00-06:00,")  # the scenario's year, ISO 8601 with the offset
    frame = pd.read_csv(folder / "dispatch.csv", index_col=0)
    stamps = list(frame.index)
    assert "2026-07-01T13:00:00-05:00" in stamps  # daylight time in summer
    assert stamps.count("2026-11-01T01:00:00-05:00") == 1 and stamps.count("2026-11-01T01:00:00-06:00") == 1
    assert len(frame) == 8760
    # the 15-minute file's energy, MWh, is the hourly load's (each quarter hour holds a quarter of its MW)
    assert frame["load_mw"].sum() == pytest.approx(load.sum() / 4, rel=1e-6)
    assert data["result"]["load_mwh"] == pytest.approx(load.sum() / 4, rel=1e-6)


def test_the_parquet_dispatch_and_the_stored_runs_export_are_tz_aware(planned):
    folder, _, _ = planned
    frame = pd.read_parquet(folder / "dispatch.parquet")
    assert str(frame.index.tz) == "America/Chicago" and frame.index[0] == pd.Timestamp("2026-01-01 00:00", tz="America/Chicago")
    exported = pd.read_csv(folder / "export" / "dispatch.csv", index_col=0)
    assert exported.index[0] == "2026-01-01T00:00:00-06:00" and "2026-07-01T13:00:00-05:00" in exported.index


def test_a_stored_plan_keeps_its_zone(planned):
    from gigawatt.store import Store

    folder, data, _ = planned
    result = Store(str(folder / "runs.db")).get(data["run"]["id"])
    dispatch = result.to_frames()["dispatch"]
    assert str(dispatch.index.tz) == "America/Chicago" and dispatch.index[0].year == 2026


def test_bad_time_inputs_are_one_line_errors(tmp_path):
    gappy = tmp_path / "load.csv"
    quarter = list(pd.date_range("2026-01-01", periods=8760 * 4, freq="15min").strftime("%Y-%m-%d %H:%M"))
    del quarter[100]
    pd.DataFrame({"timestamp": quarter, "load_mw": 900.0}).to_csv(gappy, index=False)
    plan = ["plan", str(EXAMPLES / "west-texas-grid-gas.yaml"), "--no-store", "--screening", "365"]
    one_line_error(gigawatt_cli(*plan, "--set", f"site.load_csv={gappy}", cwd=tmp_path),
                   "site.load_csv file", "load.csv: load_mw is not a regular 15 min series")
    one_line_error(gigawatt_cli(*plan, "--set", "site.time_zone=Mars/Olympus", cwd=tmp_path),
                   "site.time_zone: 'Mars/Olympus' is not an IANA time zone")
