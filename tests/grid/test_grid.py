"""Flexible-load headroom: the method on series whose answer is known by hand, the readers and their
refusals, the campus schedule, and the Duke study on the real EIA-930 data."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import shared_file

from gigawatt.grid import headroom as grid
from gigawatt.core.errors import DataError, ScenarioError

HOURS_2023 = pd.date_range("2023-01-01 06:00", periods=8760, freq="h")  # UTC end of hour = local hours of 2023 in PJM (UTC-5)


def write_wide(tmp_path, columns: dict[str, np.ndarray], index=HOURS_2023, name="demand.csv"):
    frame = pd.DataFrame(columns, index=index)
    frame.index.name = "datetime_utc"
    path = tmp_path / name
    frame.to_csv(path)
    return path


def summer_peaking_load(seed: int = 1) -> np.ndarray:
    """A year of hourly load (MW) peaking on summer afternoons, with weather noise: peaks are rare."""
    hours = np.arange(8760)
    season = 6_000 * np.exp(-(((hours - 4900) / 900.0) ** 2)) + 2_000 * np.exp(-(((hours - 400) / 500.0) ** 2))
    daily = 3_000 * np.sin(np.pi * ((hours % 24) - 6) / 24).clip(0)
    return 30_000 + season + daily + np.random.default_rng(seed).normal(0, 600, 8760)


def one_system(load: np.ndarray, name: str = "PJM") -> grid.SystemYears:
    return grid.prepare_system(pd.Series(load, index=HOURS_2023[: len(load)], name=name))


# --- the method on hand-made series -----------------------------------------------------------------


def test_a_flat_load_has_no_headroom_under_a_flat_threshold_at_its_own_level():
    s = one_system(np.full(8760, 5000.0))
    threshold = grid.threshold_for(s, 5000.0)
    assert grid.solve_headroom_mw(s.load_mw, threshold, s.year, [0.25, 1, 5]) == pytest.approx([0, 0, 0], abs=1e-6)


def test_one_peak_hour_of_height_h_gives_headroom_h_just_above_its_share():
    load = np.full(8760, 1000.0)
    load[5000] = 1300.0  # one hour 300 MW above the rest; the threshold is that peak
    s = one_system(load)
    threshold = grid.threshold_for(s, 1300.0)
    share_pct = 100.0 / 8760
    # below L = 300 only the peak hour curtails, so the rate is exactly that hour's share
    assert grid.solve_headroom_mw(s.load_mw, threshold, s.year, [share_pct * 1.0001])[0] == pytest.approx(300.0, rel=1e-3)
    # twice the share: (L + 8759 (L - 300)) / (8760 L) = 2/8760 → L = 300 x 8759 / 8758
    assert grid.solve_headroom_mw(s.load_mw, threshold, s.year, [2 * share_pct])[0] == pytest.approx(300 * 8759 / 8758, rel=1e-9)


def test_the_solved_load_meets_each_limit_and_grows_with_it():
    rng = np.random.default_rng(0)
    hours = np.arange(8760)
    load = 20_000 + 5_000 * np.sin(2 * np.pi * hours / 24) + 4_000 * np.sin(2 * np.pi * hours / 8760) + rng.normal(0, 500, 8760)
    s = one_system(load)
    threshold = grid.threshold_for(s, float(load.max()))
    limits = [0.25, 0.5, 1, 5]
    solved = grid.solve_headroom_mw(s.load_mw, threshold, s.year, limits)
    assert np.all(np.diff(solved) > 0)
    for limit, L in zip(limits, solved):
        rate = grid.curtailment_mw(s.load_mw, threshold, L).sum() / (L * 8760)
        assert 100 * rate == pytest.approx(limit, rel=1e-9)


def test_curtailment_never_exceeds_the_new_load():
    load = np.array([100.0, 500.0, 300.0])
    assert grid.curtailment_mw(load, np.full(3, 400.0), 50.0).tolist() == [0.0, 50.0, 0.0]


def test_seasonal_threshold_is_the_summer_peak_april_to_october_and_the_winter_peak_otherwise():
    local_month = (HOURS_2023 - pd.Timedelta(hours=6)).month.to_numpy()  # PJM local = UTC - 5, hour beginning
    load = np.full(8760, 1000.0)
    load[np.flatnonzero(local_month == 7)[10]] = 1500.0  # summer peak
    load[np.flatnonzero(local_month == 1)[10]] = 1400.0  # winter peak
    load[np.flatnonzero(local_month == 5)[10]] = 1450.0  # a May hour above the winter peak: not a threshold
    s = one_system(load)
    threshold = grid.seasonal_threshold_mw(s)
    by_month = pd.Series(threshold).groupby(s.month).unique()
    assert all(list(by_month[m]) == [1500.0] for m in range(4, 11))
    assert all(list(by_month[m]) == [1400.0] for m in (1, 2, 3, 11, 12))


def test_events_and_hours_by_month_and_hour_of_day():
    load = np.full(8760, 1000.0)
    load[100:103] = 1200.0  # one 3-hour event
    load[5000] = 1200.0  # one 1-hour event
    s = one_system(load)
    threshold = grid.threshold_for(s, 1200.0)
    m = grid.limit_metrics(s, threshold, 1.0, 50.0, peak_mw=1200.0)
    assert m["curtailment_hours_per_year"] == 4 and m["events_per_year"] == 2
    assert m["mean_event_hours"] == 2.0 and m["max_event_hours"] == 3.0
    assert m["curtailed_mwh_per_year"] == 200.0
    assert m["hours_with_50pct_on"] == 0.0  # the whole 50 MW is curtailed in those hours
    assert sum(m["curtailed_hours_share_by_month"]) == pytest.approx(1.0)
    assert m["curtailed_hours_share_by_month"][0] == pytest.approx(0.75)  # hours 100-102 are in January


def test_local_time_follows_the_catalog_offset():
    s = grid.prepare_system(pd.Series(np.ones(8760), index=HOURS_2023, name="CISO"))  # UTC-8
    assert s.utc_offset_hours == -8
    # the first three hours (ending 06:00-08:00 UTC) begin at 21:00-23:00 local on 31 Dec 2022: a partial
    # year left out; 2023 keeps 8,757 of its 8,760 hours (above the 99% needed) and starts at local midnight
    assert s.years == [2023] and s.years_left_out == {2022: round(3 / 8760, 4)}
    assert (s.month[0], s.hour[0], s.hour[1]) == (1, 0, 1) and len(s.load_mw) == 8757


# --- readers and their refusals ---------------------------------------------------------------------


def test_sub_zones_are_summed_into_their_system(tmp_path):
    path = write_wide(tmp_path, {"PJM-AE": np.full(8760, 10.0), "PJM-DOM": np.full(8760, 20.0), "MISO": np.full(8760, 5.0)})
    frames = [grid.read_demand(path)]
    assert grid.areas(frames) == ["MISO", "PJM"]
    assert grid.system_load(frames, "PJM").eq(30.0).all()


def test_eia_long_format_is_pivoted(tmp_path):
    times = pd.date_range("2023-01-01 01:00", periods=8760, freq="h")
    rows = pd.DataFrame({
        "Balancing Authority": np.repeat(["PJM", "ERCO"], 8760),
        "UTC Time at End of Hour": np.tile(times.strftime("%m/%d/%Y %I:%M:%S %p"), 2),
        "Demand (MW)": np.concatenate([np.full(8760, "100,000"), np.full(8760, "40,000")]),
    })
    path = tmp_path / "EIA930_BALANCE.csv"
    rows.to_csv(path, index=False)
    frame = grid.read_demand(path)
    assert list(frame.columns) == ["ERCO", "PJM"] and frame["PJM"].eq(100_000).all()
    assert frame.index[0] == pd.Timestamp("2023-01-01 01:00")


@pytest.mark.parametrize("mutate, message", [
    (lambda f: f.rename(columns={"datetime_utc": "when"}), "no timestamp column"),
    (lambda f: pd.concat([f, f.iloc[[5]]]), "appears twice"),
    (lambda f: f.drop(f.index[100:103]), "hours missing between"),
])
def test_bad_files_are_refused(tmp_path, mutate, message):
    frame = pd.DataFrame({"datetime_utc": HOURS_2023, "PJM": np.full(8760, 1000.0)})
    path = tmp_path / "bad.csv"
    mutate(frame).to_csv(path, index=False)
    with pytest.raises(DataError, match=message):
        grid.read_demand(path)


@pytest.mark.parametrize("value, shown", [(-5.0, "-5 MW"), (3e9, "3e+09 MW"), (np.nan, "missing")])
def test_impossible_values_are_refused_by_name_and_hour(tmp_path, value, shown):
    load = np.full(8760, 1000.0)
    load[42] = value
    frames = [grid.read_demand(write_wide(tmp_path, {"PJM-DOM": load}))]
    with pytest.raises(DataError, match=re.escape(f"PJM-DOM at {HOURS_2023[42]} is {shown}")):
        grid.system_load(frames, "PJM")


def test_a_system_not_in_the_files_lists_those_that_are(tmp_path):
    frames = [grid.read_demand(write_wide(tmp_path, {"PJM-AE": np.ones(8760), "MISO": np.ones(8760)}))]
    with pytest.raises(ScenarioError, match="system 'PJN' is in none of the files; did you mean PJM\\? the files hold: MISO, PJM"):
        grid.system_load(frames, "PJN")


def test_less_than_a_year_and_a_partial_year_on_request_are_refused():
    short = pd.Series(np.ones(5000), index=HOURS_2023[:5000], name="PJM")
    with pytest.raises(ScenarioError, match="less than one whole year"):
        grid.prepare_system(short)
    with pytest.raises(ScenarioError, match="years: 2022 has no hours"):
        grid.prepare_system(pd.Series(np.ones(8760), index=HOURS_2023, name="PJM"), [2022])


@pytest.mark.parametrize("limit", [0.0, -1.0, 100.0, 150.0])
def test_limits_outside_0_to_100_are_refused(limit):
    with pytest.raises(ScenarioError, match=f"limits_pct: {limit:g}% is outside"):
        grid.check_limits([limit])


def test_a_flat_threshold_below_the_minimum_load_is_refused():
    s = one_system(np.full(8760, 1000.0))
    with pytest.raises(ScenarioError, match="below PJM's minimum load 1,000 MW"):
        grid.threshold_for(s, 900.0)


# --- the campus schedule ----------------------------------------------------------------------------


def test_campus_schedule_balances_and_curtails_at_the_limit(tmp_path):
    frames = [grid.read_demand(write_wide(tmp_path, {"PJM": summer_peaking_load()}))]
    schedule = grid.campus_schedule(frames, "PJM", 500.0, 1.0)
    np.testing.assert_allclose(schedule["curtailed_mw"] + schedule["available_mw"], 500.0)
    assert schedule["curtailed_mw"].sum() / (500.0 * 8760) == pytest.approx(0.01, rel=1e-9)
    assert schedule["curtailed_mw"].between(0, 500).all()
    with pytest.raises(ScenarioError, match="more than PJM's headroom"):
        grid.campus_schedule(frames, "PJM", 1e6, 1.0)


# --- the command line -------------------------------------------------------------------------------


def test_cli_writes_table_json_plot_schedule_and_heatmap(cli, tmp_path):
    load = summer_peaking_load()
    path = write_wide(tmp_path, {"PJM-AE": load, "PJM-DOM": load / 2, "ERCO": load / 3})
    out = {k: tmp_path / f"out.{k}" for k in ("png", "csv")}
    result = cli("headroom", str(path), "--all", "--limits", "0.5,1", "--plot", str(out["png"]), "--csv", str(out["csv"]), "--json")
    assert result.code == 0, result.err
    data = result.result()
    assert [s["name"] for s in data["systems"]] == ["ERCO", "PJM"]
    limit = data["systems"][1]["limits"][0]
    for key in ("limit_pct", "headroom_mw", "curtailment_hours_per_year", "mean_event_hours", "curtailed_mwh_per_year"):
        assert key in limit
    assert data["total"]["limits"][1]["headroom_mw"] == pytest.approx(sum(s["limits"][1]["headroom_mw"] for s in data["systems"]))
    assert out["png"].read_bytes()[:4] == b"\x89PNG"
    assert out["csv"].read_text().startswith("system,peak_mw,years,limit_pct,headroom_mw")
    schedule, heat = tmp_path / "s.csv", tmp_path / "h.png"
    availability = tmp_path / "a.csv"
    result = cli("headroom", str(path), "--systems", "PJM", "--campus-mw", "300", "--limit", "1", "--schedule", str(schedule),
                 "--heatmap", str(heat), "--availability", str(availability))
    assert result.code == 0, result.err
    assert "campus 300 MW in PJM" in result.out
    assert schedule.read_text().splitlines()[0] == "datetime_utc,local_time,curtailed_mw,available_mw"
    assert heat.read_bytes()[:4] == b"\x89PNG"
    year = pd.read_csv(availability)
    assert len(year) == 8760 and year["timestamp"].iloc[0] == "2023-01-01 00:00"
    assert year["available_share"].between(0, 1).all() and (1 - year["available_share"]).mean() == pytest.approx(0.01, rel=1e-4)


@pytest.mark.parametrize("args, message", [
    (["--systems", "XYZ"], "system 'XYZ' is in none of the files"),
    (["--systems", "PJM", "--limits", "0"], "limits_pct: 0% is outside (0, 100)"),
    (["--systems", "PJM", "--limits", "abc"], "--limits 'abc'"),
    (["--systems", "PJM", "--years", "2019-2020"], "years: 2019 has no hours"),
    (["--systems", "PJM", "--threshold", "10"], "below PJM's minimum load"),
    (["--all", "--campus-mw", "100"], "campus: name one system"),
    ([], "choose the systems with one of --systems"),
])
def test_cli_bad_input_exits_2_with_one_line(cli, tmp_path, args, message):
    path = write_wide(tmp_path, {"PJM": np.full(8760, 1000.0) + np.arange(8760) % 24, "ERCO": np.full(8760, 500.0)})
    result = cli("headroom", str(path), *args)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1


# --- the Duke study on the real data ----------------------------------------------------------------

# Norris et al., Rethinking Load Growth (Duke, Feb 2025): 22 BAs, EIA-930 2016-2024, seasonal peak thresholds
DUKE = {0.25: (76_000, 85), 0.5: (98_000, 177), 1.0: (126_000, 366), 5.0: (215_000, 1848)}
TOLERANCE = 0.10  # the tolerance; here 2016-2018 and 2020-2024 (2019 is only half in the data)


@pytest.fixture(scope="module")
def duke_result():
    files = [shared_file("data", "eia930-cleaned", name) for name in
             ("cleaned_demand_2015_2019_by_ba.csv", "cleaned_demand_2020_2024_by_ba_subregion.csv")]
    frames = [grid.read_demand(f) for f in files]
    return grid.headroom(frames, grid.duke22(), list(DUKE))


@pytest.mark.parametrize("limit", sorted(DUKE))
def test_duke_22_headroom_and_hours_within_10_percent(duke_result, limit):
    # measured: 68.7 / 90.5 / 117.4 / 203.8 GW (-9.6 / -7.6 / -6.8 / -5.2%), 81 / 174 / 367 / 1,840 h (-5 / -2 / 0 / 0%)
    total = duke_result.total["limits"][sorted(DUKE).index(limit)]
    headroom_mw, hours = DUKE[limit]
    assert total["headroom_mw"] == pytest.approx(headroom_mw, rel=TOLERANCE)
    assert total["curtailment_hours_per_year"] == pytest.approx(hours, rel=TOLERANCE)


def test_duke_years_are_the_whole_years_of_the_data(duke_result):
    assert {s["years"] for s in duke_result.systems} == {"2016-2018, 2020-2024"}
    assert len(duke_result.systems) == 22


# --- the schedule as the grid's availability in a site plan ----------------------------------------


def test_a_curtailed_connection_is_backed_up_on_site_in_the_curtailed_hours(tmp_path):
    from conftest import EXAMPLES

    from gigawatt import load_scenario
    from gigawatt.power.plan import plan_inputs
    from gigawatt.power.planner import plan_power
    from gigawatt.weather.synthetic import hourly_index

    index = hourly_index(2025)
    share = np.ones(len(index))
    curtailed = (index.month == 7) & (index.hour >= 14) & (index.hour < 19)  # July afternoons
    share[curtailed] = 0.25
    path = tmp_path / "availability.csv"
    pd.DataFrame({"timestamp": index.strftime("%Y-%m-%d %H:%M"), "available_share": share}).to_csv(path, index=False)
    base = ["grid.import_mw=3000", "grid.available=2026-01", "grid.price_usd_per_mwh=20", "grid.availability_csv=null", "supply.technologies=[gas_ct_aero]"]
    scenario = load_scenario(EXAMPLES / "west-texas-grid-gas.yaml", [*base, f"grid.availability_csv={path}"])
    assert plan_inputs(scenario).capacity_factor["grid_import"].to_numpy().tolist() == share.tolist()
    plan = plan_power(scenario)
    grid_mw = plan.dispatch["grid_import_mw"]
    assert (grid_mw[curtailed] <= 0.25 * plan.capacity_mw["grid_import"] + 1e-3).all()
    assert plan.unserved_energy_mwh == pytest.approx(0.0, abs=1.0)
    # the gas turbines cover what the grid may not deliver in the curtailed hours
    shortfall = (plan.dispatch["load_mw"] - 0.25 * plan.capacity_mw["grid_import"])[curtailed].max()
    assert plan.capacity_mw["gas_ct_aero"] >= shortfall - 1e-3
    firm = plan_power(load_scenario(EXAMPLES / "west-texas-grid-gas.yaml", base))
    assert plan.annual_cost_usd > firm.annual_cost_usd  # curtailment costs the backup
    assert plan.baseline.annual_cost_usd == pytest.approx(firm.baseline.annual_cost_usd, rel=1e-6)  # a firm-grid baseline


def test_cli_json_gives_the_campus_summary(cli, tmp_path):
    path = write_wide(tmp_path, {"PJM": summer_peaking_load()})
    data = cli("headroom", str(path), "--systems", "PJM", "--campus-mw", "250", "--limit", "0.5", "--json").result()
    campus = data["campus"]
    assert campus["curtailed_mwh_per_year"] == pytest.approx(0.005 * 250 * 8760, rel=1e-6)
    assert 0 < campus["curtailment_hours_per_year"] <= data["systems"][0]["limits"][1]["curtailment_hours_per_year"] + 1e-9


def test_a_threshold_series_equals_the_flat_threshold_it_repeats(tmp_path):
    load = summer_peaking_load()
    frames = [grid.read_demand(write_wide(tmp_path, {"PJM": load}))]
    series = pd.Series(np.full(8760, load.max() * 1.02), index=HOURS_2023)
    flat = grid.headroom(frames, ["PJM"], [0.5, 1], threshold=float(load.max() * 1.02))
    given = grid.headroom(frames, ["PJM"], [0.5, 1], threshold=series)
    assert [x["headroom_mw"] for x in given.systems[0]["limits"]] == pytest.approx([x["headroom_mw"] for x in flat.systems[0]["limits"]])
    with pytest.raises(ScenarioError, match="threshold_csv: no value for PJM"):
        grid.headroom(frames, ["PJM"], [1], threshold=series.iloc[:-10])


def test_a_span_of_years_keeps_its_whole_years_and_reports_the_rest():
    files = [shared_file("data", "eia930-cleaned", "cleaned_demand_2015_2019_by_ba.csv")]
    frames = [grid.read_demand(f) for f in files]
    result = grid.headroom(frames, ["TVA"], [1], years=list(range(2016, 2025)))
    assert result.systems[0]["years"] == "2016-2018"
    assert set(result.systems[0]["years_left_out"]) == {2015, 2019}
