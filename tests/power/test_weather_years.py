"""Weather years: the off-grid West Texas plan on real ERA5 solar and wind (2010–2020, ../shared) and the
loader's and aligner's behaviour on small series made here."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from conftest import EXAMPLES, shared_file
from gigawatt import DataError, ScenarioError, load_scenario
from gigawatt.power.plan import plan_inputs
from gigawatt.weather.synthetic import hourly_index
from gigawatt.power.weather_years import align_to_index, read_era5_cf, standard_offset_hours, summary, weather_year_plans, worst_week

ERA5 = ("data", "us-hourly-cf-era5", "us_top25pct_hourly_cf_2010_2020.csv")
# solar, wind and gas turbines: weather moves the plan, and a solve takes ~10 s (a battery makes it ~30 s)
OPTIONS = [
    "supply.technologies=[utility_pv, onshore_wind, gas_ct_aero]",
    "constraints.carbon_free_share=0.7",
    # lost load priced above any gas turbine, so each year's firm capacity is what its weather needs
    "constraints.value_of_lost_load_usd_per_mwh=1000000",
    "constraints.reserve_margin=null",  # no peak-based rule: the firm capacity is what the weather needs
]
YEARS = (2011, 2015, 2018)  # the windiest and sunniest, the calmest and darkest, and a middling year
RESERVE_YEAR, RESERVE_MARGIN, RESERVE_SEGMENTS = 2020, 0.1, 365
YEAR_SEGMENTS = 2920  # 3-hour segments: the weather's swing survives, a day's shape too


def utc_year(year: int, values) -> pd.Series:
    hours = 8784 if pd.Timestamp(year=year, month=1, day=1).is_leap_year else 8760
    index = pd.date_range(f"{year}-01-01", periods=hours, freq="h", tz="UTC")
    return pd.Series(np.broadcast_to(values, hours).astype(float), index=index, name="cf")


# --- the loader -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def era5():
    return read_era5_cf(shared_file(*ERA5))


def test_era5_annual_means_match_the_source(era5):
    # SOURCE.md: solar 0.261–0.272, wind 0.278–0.314 (three decimals), 8,784 hours in leap years
    assert sorted(era5) == list(range(2010, 2021))
    for year, series in era5.items():
        assert len(series["utility_pv"]) == (8784 if year in (2012, 2016, 2020) else 8760)
        assert 0.261 <= round(series["utility_pv"].mean(), 3) <= 0.272, year
        assert 0.278 <= round(series["onshore_wind"].mean(), 3) <= 0.314, year
    solar, wind = (pd.Series({y: s[k].mean() for y, s in era5.items()}) for k in ("utility_pv", "onshore_wind"))
    assert (solar.min(), solar.max()) == pytest.approx((0.261, 0.272), abs=5e-4)
    assert (wind.min(), wind.max()) == pytest.approx((0.278, 0.314), abs=5e-4)


def test_era5_hours_are_utc(era5):
    # the US-average sun is down at 08:00 UTC (midnight in California) and up at 19:00 UTC
    solar = era5[2015]["utility_pv"]
    assert str(solar.index.tz) == "UTC"
    by_hour = solar.groupby(solar.index.hour).mean()
    assert by_hour[8] == 0 and by_hour[19] > 0.5


# The cells behind the shared file: the top quarter of the contiguous US's ERA5 cells by annual solar CF (Carnegie's
# mthd3 mask, example_ERA5/step1p2_selected_USmask_outfile_ERA5.nc, variable smask_US_mthd3, commit d3c0977f, the
# commit of the averaged files the shared CSV holds): 3,268 cells, area-weighted centre 36.93 N, 110.78 W (measured)
TOP_QUARTER_LONGITUDE = -110.78


def _centre_hour_utc(solar: pd.Series, stamp_to_middle: float) -> float:
    """The mean solar day's centre (UTC hours): the circular mean of the hours of day weighted by CF, each hour's
    stamp moved to its middle (+0.5 for hour-beginning stamps)."""
    angle = 2 * np.pi * (solar.index.hour.to_numpy() + stamp_to_middle) / 24
    values = solar.to_numpy()
    return float((np.arctan2((values * np.sin(angle)).sum(), (values * np.cos(angle)).sum()) / (2 * np.pi) * 24) % 24)


def _solar_noon_utc(solar: pd.Series, longitude: float) -> float:
    """Solar noon at ``longitude`` (°E) in UTC hours, averaged over the year's days weighted by their solar energy
    (pvlib's Spencer 1971 equation of time)."""
    from pvlib.solarposition import equation_of_time_spencer71

    daily = solar.groupby(solar.index.dayofyear).sum()
    noon = 12 - longitude / 15 - equation_of_time_spencer71(daily.index.to_numpy()) / 60
    return float((noon * daily.to_numpy()).sum() / daily.sum())


@pytest.mark.parametrize("year", [2010, 2015, 2020])
def test_the_mean_solar_day_centres_on_the_cells_solar_noon(era5, year):
    # the file's rows are hour-ending; read as hour-beginning (before this reader moved them) the day centred
    # ~0.9 h after solar noon; moved one hour earlier it centres within a few minutes of it
    solar = era5[year]["utility_pv"]
    noon = _solar_noon_utc(solar, TOP_QUARTER_LONGITUDE)  # ~19.4 h UTC
    assert _centre_hour_utc(solar, 0.5) == pytest.approx(noon, abs=0.5)
    as_labelled = pd.Series(np.roll(solar.to_numpy(), 1), index=solar.index)  # the file's rows on their own labels
    assert _centre_hour_utc(as_labelled, 0.5) - noon > 0.5


GOOD = "year,hour_of_year_utc,solar_cf,wind_cf\n"


def write_year(path, year=2021, solar="0.2", wind="0.3", hours=8760, header=GOOD):
    rows = [f"{year},{h},{solar},{wind}" for h in range(hours)]
    path.write_text(header + "\n".join(rows) + "\n")
    return path


def test_reads_a_well_formed_file(tmp_path):
    years = read_era5_cf(write_year(tmp_path / "cf.csv"))
    assert list(years) == [2021] and years[2021]["onshore_wind"].mean() == pytest.approx(0.3)


@pytest.mark.parametrize(("kwargs", "names"), [
    ({"header": "year,hour_of_year_utc,solar_cf,wind_speed\n"}, ["column 'wind_cf' is missing"]),
    ({"solar": "n/a"}, ["column 'solar_cf'", "line 2", "not a number"]),
    ({"wind": "1.4"}, ["column 'wind_cf'", "line 2", "outside 0..1"]),
    ({"hours": 8700}, ["column 'hour_of_year_utc'", "year 2021 has 8700 rows"]),
    ({"year": 2020}, ["year 2020 has 8760 rows", "8784 in leap years"]),
])
def test_a_bad_file_names_the_file_and_column(tmp_path, kwargs, names):
    path = write_year(tmp_path / "bad.csv", **kwargs)
    with pytest.raises(DataError) as caught:
        read_era5_cf(path)
    message = str(caught.value)
    assert str(path) in message
    for name in names:
        assert name in message


def test_a_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_era5_cf(tmp_path / "absent.csv")


# --- alignment and the worst week ---------------------------------------------------------------------


def test_utc_hours_move_to_local_standard_time():
    cf = utc_year(2021, np.arange(8760) % 24 / 100)  # value = UTC hour / 100
    local = align_to_index(cf, hourly_index(2025), utc_offset_hours=-7)
    assert local["2025-06-01 00:00"] == pytest.approx(0.07)  # local midnight is 07:00 UTC
    assert local["2025-12-31 23:00"] == pytest.approx(0.06)  # wrapped from the same year's start
    assert standard_offset_hours(-106.4) == -7 and standard_offset_hours(2.3) == 0


def test_calendar_days_line_up_across_leap_years():
    leap = utc_year(2012, np.arange(8784) // 24)  # value = day of year - 1
    common = align_to_index(leap, hourly_index(2025))
    assert len(common) == 8760
    assert common["2025-02-28"].eq(58).all() and common["2025-03-01"].eq(60).all()  # 29 Feb dropped
    plain = utc_year(2011, np.arange(8760) // 24)
    filled = align_to_index(plain, hourly_index(2024))
    assert filled["2024-02-29"].eq(58).all() and filled["2024-03-01"].eq(59).all()  # 29 Feb from 28 Feb


def test_a_misshapen_weather_year_is_refused():
    with pytest.raises(DataError, match="one calendar year"):
        align_to_index(utc_year(2021, 0.2).iloc[:-5], hourly_index(2025))
    with pytest.raises(ScenarioError, match="utc_offset_hours"):
        align_to_index(utc_year(2021, 0.2), hourly_index(2025), utc_offset_hours=1.5)


def test_worst_week_finds_the_calm_week():
    index = hourly_index(2025)
    wind = pd.Series(0.4, index=index)
    wind["2025-02-10":"2025-02-16"] = 0.05
    start, energy, ratio = worst_week({"onshore_wind": wind}, {"onshore_wind": 100.0})
    assert start == pd.Timestamp("2025-02-10")
    assert energy == pytest.approx(100 * 0.05 * 168)
    assert ratio == pytest.approx(0.05 / wind.mean())


# --- plans on real weather years ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(EXAMPLES / "west-texas-offgrid.yaml", OPTIONS)


@pytest.fixture(scope="module")
def plans(era5, scenario):
    inputs = plan_inputs(scenario)
    offset = standard_offset_hours(scenario.site.longitude)
    # on YEAR_SEGMENTS time segments of 3 hours: ~9 s instead of ~100 s for the three years; measured against every
    # hour, LCOE moves 85.2..91.3 USD/MWh (hourly 85.5..92.1), spread 7.2% (7.7%), firm gas spread 5.2% (7.3%), the
    # dearest year 2015 either way: what the checks below ask of the weather holds at 3-hour resolution
    return weather_year_plans(inputs, {y: era5[y] for y in YEARS}, utc_offset_hours=offset, segments=YEAR_SEGMENTS), inputs


@pytest.mark.slow
def test_every_weather_year_serves_its_load(plans):
    frame, _ = plans
    assert list(frame.index) == list(YEARS)
    assert (frame["unserved_energy_mwh"] < 1.0).all()
    assert (frame["carbon_free_share"] >= 0.7 - 1e-6).all()


@pytest.mark.slow
def test_cost_and_firm_capacity_move_with_the_weather(plans):
    # measured every hour: LCOE 85.5 (2011) .. 92.1 USD/MWh (2015), spread 7.7%; firm gas 838 .. 899 MW, spread 7.3%; on the
    # fixture's 3-hour segments: LCOE 85.2 .. 91.3, spread 7.2%; firm gas spread 5.2% (hour-beginning ERA5 hours)
    frame, inputs = plans
    spread = summary(frame)
    assert 0.02 < spread.at["lcoe_usd_per_mwh", "spread"] < 0.30
    assert spread.at["annual_cost_usd", "spread"] == pytest.approx(spread.at["lcoe_usd_per_mwh", "spread"])
    assert 0.02 < spread.at["firm_mw", "spread"] < 0.30
    # the calmest, darkest year (2015) costs most and needs the most gas; the windiest (2011) the least
    assert spread.at["lcoe_usd_per_mwh", "max_year"] == 2015 and spread.at["lcoe_usd_per_mwh", "min_year"] == 2011
    assert spread.at["firm_mw", "max_year"] == 2015
    # without a reserve-margin rule, wind at night carries part of the peak: firm < peak, but most of it
    peak = float(inputs.load_mw.max())
    assert (frame["firm_mw"] < peak).all() and (frame["firm_mw"] > 0.8 * peak).all()


@pytest.mark.slow
def test_worst_week_is_reported_inside_the_year(plans):
    frame, inputs = plans
    index = inputs.load_mw.index
    for start in frame["worst_week_start"]:
        assert index[0] <= start and start + pd.Timedelta(hours=167) <= index[-1]
    assert ((frame["worst_week_ratio"] > 0.2) & (frame["worst_week_ratio"] < 0.9)).all()


@pytest.mark.slow
def test_firm_capacity_covers_the_peak_under_a_reserve_margin(era5, scenario):
    inputs = replace(plan_inputs(scenario), reserve_margin=RESERVE_MARGIN)
    # on RESERVE_SEGMENTS time segments (~1 s instead of ~13 s hourly): the reserve margin is a rule on the
    # peak hour, which aggregate() keeps as a segment of its own, so firm capacity against the peak does not
    # depend on every other hour; the every-hour plans above check what the weather alone makes of firm capacity
    frame = weather_year_plans(inputs, {RESERVE_YEAR: era5[RESERVE_YEAR]}, utc_offset_hours=-7, segments=RESERVE_SEGMENTS)
    row = frame.loc[RESERVE_YEAR]
    peak = float(inputs.load_mw.max())
    assert row["peak_load_mw"] == pytest.approx(peak)
    assert row["firm_derated_mw"] >= (1 + RESERVE_MARGIN) * peak - 1e-3
    assert row["firm_mw"] > row["firm_derated_mw"]  # nameplate above what the margin counts
    assert row["unserved_energy_mwh"] < 1.0


@pytest.mark.slow
def test_a_plan_is_made_on_every_weather_year_from_its_scenario(tmp_path):
    """site.weather_years with site.era5_csv: the CLI plans the site once per year and reports the spread."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from conftest import EXAMPLES, SHARED

    era5 = SHARED / "data" / "us-hourly-cf-era5" / "us_top25pct_hourly_cf_2010_2020.csv"
    if not era5.exists():
        pytest.skip(f"{era5} is absent")
    gigawatt = Path(sys.executable).with_name("gigawatt")
    args = [str(gigawatt), "plan", str(EXAMPLES / "west-texas-grid-gas.yaml"), "--set", "site.weather_years=2012,2019", "--set", f"site.era5_csv={era5}",
            "--set", "supply.technologies=[utility_pv,onshore_wind,battery_li_ion,gas_recip]", "--set", "constraints.carbon_free_share=0.6",
            "--set", "site.screening_segments=96", "--no-store"]
    done = subprocess.run([*args, "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    study = json.loads(done.stdout)["result"]["weather_years"]
    assert [row["weather_year"] for row in study["years"]] == [2012, 2019]
    lcoe = [row["lcoe_usd_per_mwh"] for row in study["years"]]
    assert lcoe[0] != pytest.approx(lcoe[1], rel=1e-6)  # a clean plan depends on the year's wind and sun
    assert study["summary"]["lcoe_usd_per_mwh"]["spread"] == pytest.approx(max(lcoe) / min(lcoe) - 1)
    missing = subprocess.run([*args[:5], "--set", "site.weather_years=2030", "--set", f"site.era5_csv={era5}", "--no-store"],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "site.weather_years: 2030 is not in" in missing.stderr
