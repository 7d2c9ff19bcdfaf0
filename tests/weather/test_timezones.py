"""Time zones from coordinates, the clocks of users' series, and sub-hourly series resampled (issue 30, item 7)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from gigawatt.core.errors import ScenarioError
from gigawatt.weather.files import read_series_csv
from gigawatt.weather.synthetic import hourly_index, time_of_use
from gigawatt.weather.timezones import (
    clock_to_standard,
    site_time_zone,
    standard_offset_hours,
    zoned_index,
)

INDEX = hourly_index(2026)


@pytest.fixture
def empty_zone_cache(tmp_path, monkeypatch):
    """No zone kept from earlier lookups: each lookup asks timezonefinder."""
    monkeypatch.setenv("GIGAWATT_CACHE_DIR", str(tmp_path))
    site_time_zone.cache_clear()
    yield tmp_path / "time_zones.json"
    site_time_zone.cache_clear()


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone", "standard_h"),
    [
        (31.9, -102.1, "America/Chicago", -6.0),  # Midland, West Texas: Central time, though round(lon/15) is -7
        (31.8, -106.4, "America/Denver", -7.0),  # El Paso: Mountain time
        (33.45, -112.07, "America/Phoenix", -7.0),  # Phoenix: no daylight saving
        (40.44, -79.99, "America/New_York", -5.0),  # Pittsburgh
        (52.52, 13.40, "Europe/Berlin", 1.0),
        (28.61, 77.21, "Asia/Kolkata", 5.5),  # a half-hour zone
        (-33.87, 151.21, "Australia/Sydney", 10.0),  # southern hemisphere: daylight saving in January
        (0.0, -150.0, "Etc/GMT+10", -10.0),  # the open Pacific: the solar meridian's fixed zone
    ],
)
def test_the_zone_of_known_places_and_its_standard_offset(latitude, longitude, zone, standard_h, empty_zone_cache):
    assert site_time_zone(latitude, longitude) == zone
    assert standard_offset_hours(zone, 2026) == standard_h


LOOKUP = ("import sys; from gigawatt.weather.timezones import site_time_zone; "
          "print(site_time_zone(31.9, -102.1), 'timezonefinder' in sys.modules)")


def test_a_zone_found_once_is_kept_and_a_new_process_does_not_rebuild_the_index(empty_zone_cache):
    first, second = (subprocess.run([sys.executable, "-c", LOOKUP], capture_output=True, text=True, check=True).stdout.split()
                     for _ in range(2))
    assert first == ["America/Chicago", "True"]  # found by timezonefinder
    assert second == ["America/Chicago", "False"]  # read back: timezonefinder not even imported
    kept = json.loads(empty_zone_cache.read_text())
    assert kept["zones"] == {"31.9,-102.1": "America/Chicago"} and kept["finder"].startswith("timezonefinder ")
    assert [p.name for p in empty_zone_cache.parent.iterdir()] == ["time_zones.json"]  # no temporary file left


@pytest.mark.parametrize("kept", ["{not json", json.dumps({"finder": "timezonefinder 0.0", "zones": {"31.9,-102.1": "Europe/Berlin"}})])
def test_an_unreadable_or_stale_zone_cache_is_ignored_and_rewritten(kept, empty_zone_cache):
    empty_zone_cache.write_text(kept)
    assert site_time_zone(31.9, -102.1) == "America/Chicago"
    assert json.loads(empty_zone_cache.read_text())["zones"] == {"31.9,-102.1": "America/Chicago"}


def test_a_zone_cache_that_cannot_be_written_still_answers(empty_zone_cache, monkeypatch):
    empty_zone_cache.parent.joinpath("blocked").write_text("a file where the cache folder would be")
    monkeypatch.setenv("GIGAWATT_CACHE_DIR", str(empty_zone_cache.parent / "blocked"))
    assert site_time_zone(52.52, 13.40) == "Europe/Berlin"


def test_zoned_index_shows_daylight_saving_on_the_same_instants():
    zoned = zoned_index(INDEX, "America/Chicago", -6.0)
    assert str(zoned.tz) == "America/Chicago" and len(zoned) == len(INDEX)
    assert (zoned.tz_convert("UTC") == (INDEX + pd.Timedelta(hours=6)).tz_localize("UTC")).all()  # same instants
    # 8 March 2026, 02:00 CST is 03:00 CDT: the clock skips 02:00
    at = INDEX.get_loc(pd.Timestamp("2026-03-08 02:00"))
    assert [t.isoformat() for t in zoned[at - 1:at + 2]] == ["2026-03-08T01:00:00-06:00", "2026-03-08T03:00:00-05:00",
                                                             "2026-03-08T04:00:00-05:00"]
    # 1 November 2026: 01:00 is shown twice, first daylight time then standard
    at = INDEX.get_loc(pd.Timestamp("2026-11-01 00:00"))
    assert [t.isoformat() for t in zoned[at:at + 3]] == ["2026-11-01T01:00:00-05:00", "2026-11-01T01:00:00-06:00",
                                                         "2026-11-01T02:00:00-06:00"]
    phoenix = zoned_index(INDEX, "America/Phoenix", -7.0)
    assert {t.utcoffset() for t in phoenix} == {pd.Timedelta(hours=-7)}


def test_clock_times_are_put_on_standard_time_and_skipped_times_refused():
    wall = pd.DatetimeIndex(["2026-11-01 00:00", "2026-11-01 01:00", "2026-11-01 01:00", "2026-11-01 02:00"])
    standard = clock_to_standard(wall, "America/Chicago", -6.0, "x")
    assert list(standard) == list(pd.date_range("2026-10-31 23:00", periods=4, freq="h"))
    with pytest.raises(ScenarioError, match="x: .*does not exist on the clock"):
        clock_to_standard(pd.DatetimeIndex(["2026-03-08 01:00", "2026-03-08 02:00"]), "America/Chicago", -6.0, "x")


def test_a_time_of_use_peak_follows_the_wall_clock_across_daylight_saving():
    periods = [{"value": 300.0, "hours": [16, 21]}]
    standard = time_of_use(INDEX, periods, 50.0, name="tou")
    local = time_of_use(INDEX, periods, 50.0, name="tou", clock=zoned_index(INDEX, "America/Chicago", -6.0))
    winter, summer = pd.Timestamp("2026-01-15 16:00"), pd.Timestamp("2026-07-15 15:00")
    assert standard[winter] == local[winter] == 300.0
    # 15:00 standard time in July is 16:00 on the clock: the peak has begun on the wall, not on standard time
    assert standard[summer] == 50.0 and local[summer] == 300.0
    assert standard[summer + pd.Timedelta(hours=5)] == 300.0 and local[summer + pd.Timedelta(hours=5)] == 50.0
    # the day daylight saving starts (8 March) and the day after: the peak moves an hour earlier in standard time
    for day in ("2026-03-07", "2026-03-09"):
        hours = [t.hour for t in local.index[(local.index.normalize() == day) & (local == 300.0).to_numpy()]]
        assert hours == ([16, 17, 18, 19, 20] if day == "2026-03-07" else [15, 16, 17, 18, 19])
    assert (local == 300.0).sum() == (standard == 300.0).sum() == 5 * 365  # five hours a day either way


def _write(path, times, column, values):
    pd.DataFrame({"timestamp": times, column: values}).to_csv(path, index=False)
    return path


def test_a_price_series_on_the_local_clock_lands_on_the_right_hours(tmp_path):
    wall = pd.date_range("2026-01-01", periods=8760, freq="h", tz="America/Chicago")  # the clock's 8760 hours
    stamps = wall.tz_localize(None)  # as a market export writes them: clock times, 01:00 twice in November
    price = np.where(stamps.hour == 17, 500.0, 30.0)  # 17:00 on the clock is the evening peak all year
    path = _write(tmp_path / "price.csv", stamps.strftime("%Y-%m-%d %H:%M"), "price_usd_per_mwh", price)
    # the file starts at 00:00 CST and has the clock's hours: 2026-01-01 00:00 .. 2026-12-31 23:00 less one in spring,
    # plus one in autumn, the same 8760 instants as the plan's standard-time year
    series = read_series_csv(path, INDEX, name="grid.price_csv", lower=-1000, upper=10_000, unit="USD/MWh",
                             time_zone="America/Chicago", clock="local")
    assert series[pd.Timestamp("2026-01-15 17:00")] == 500.0
    assert series[pd.Timestamp("2026-07-15 16:00")] == 500.0  # 16:00 standard = 17:00 daylight time
    assert series[pd.Timestamp("2026-07-15 17:00")] == 30.0
    assert "local clock" in series.attrs["note"]
    with pytest.raises(ScenarioError, match="appears twice"):  # the same file read as standard time
        read_series_csv(path, INDEX, name="grid.price_csv", lower=-1000, upper=10_000, unit="USD/MWh")


def test_a_15_minute_load_is_averaged_and_a_15_minute_energy_series_summed(tmp_path):
    quarter = pd.date_range("2026-01-01", periods=8760 * 4, freq="15min")
    rng = np.random.default_rng(3)
    power = 100.0 + 20.0 * rng.random(len(quarter))  # MW
    load = read_series_csv(_write(tmp_path / "load.csv", quarter, "load_mw", power), INDEX, name="site.load_csv", lower=0.0, unit="MW")
    assert len(load) == 8760
    assert load.iloc[0] == pytest.approx(power[:4].mean())
    assert load.sum() == pytest.approx(power.sum() / 4)  # MWh: each quarter hour is a quarter of its MW
    assert load.attrs["resampled"] == ("site.load_csv load.csv: 35040 values at 15 min resampled to 8760 hourly values, "
                                       "4 a hour averaged (power, price or ratio)")
    energy = power / 4  # MWh in each quarter hour
    summed = read_series_csv(_write(tmp_path / "energy.csv", quarter, "load_mwh", energy), INDEX, name="site.load_csv",
                             lower=0.0, unit="MW")
    assert np.allclose(summed.to_numpy(), load.to_numpy())  # the same energy, hour by hour
    assert "summed (energy)" in summed.attrs["resampled"]


@pytest.mark.parametrize(
    ("drop", "extra", "fragment"),
    [
        (5, None, "site.load_csv file .*load.csv: load_mw is not a regular 15 min series"),  # a gap
        (None, "2026-01-01 00:07", "not a regular 15 min series"),  # an irregular stamp
        (None, None, None),
    ],
)
def test_gappy_or_irregular_sub_hourly_series_are_refused(tmp_path, drop, extra, fragment):
    times = list(pd.date_range("2026-01-01", periods=8760 * 4, freq="15min").strftime("%Y-%m-%d %H:%M"))
    if drop is not None:
        del times[drop]
    if extra is not None:
        times.insert(1, extra)
    path = _write(tmp_path / "load.csv", times, "load_mw", np.full(len(times), 50.0))
    if fragment is None:
        assert len(read_series_csv(path, INDEX, name="site.load_csv", lower=0.0, unit="MW")) == 8760
        return
    with pytest.raises(ScenarioError, match=fragment) as caught:
        read_series_csv(path, INDEX, name="site.load_csv", lower=0.0, unit="MW")
    assert "\n" not in str(caught.value)


def test_a_sub_hourly_series_not_in_whole_hours_or_steps_is_refused(tmp_path):
    seven = pd.date_range("2026-01-01", periods=100, freq="7min")
    with pytest.raises(ScenarioError, match="step of 7 min does not divide the hour"):
        read_series_csv(_write(tmp_path / "a.csv", seven, "load_mw", np.ones(100)), INDEX, name="site.load_csv", lower=0.0)
    late = pd.date_range("2026-01-01 00:15", periods=8760 * 4, freq="15min")
    with pytest.raises(ScenarioError, match="not whole hours"):
        read_series_csv(_write(tmp_path / "b.csv", late, "load_mw", np.ones(len(late))), INDEX, name="site.load_csv", lower=0.0)
