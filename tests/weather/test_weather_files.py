"""Measured weather files that really load: NSRDB PSM3/PSM4, PVGIS hourly and TMY, EPW, TMY3 and renewables.ninja
exports, each written here in its published layout (header lines as the services write them) around a clear sky
computed at a known site, read through profiles.read_irradiance_csv / read_series_csv, named, and aligned to the
plan's hourly local-standard-time index."""

from __future__ import annotations

import os
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from gigawatt.core.errors import ScenarioError
from gigawatt.weather.synthetic import hourly_index, solar_cf
from gigawatt.weather.files import read_irradiance_csv, read_series_csv

from weather_writers import (
    ROOT,
    EXAMPLE,
    GIGAWATT,
    LAT,
    LON,
    OFFSET,
    YEAR,
    ONE_HOUR,
    TYPICAL_YEARS,
    output_share,
    plan_truth,
    year_hours,
    write_nsrdb,
    write_pvgis_hourly,
    write_pvgis_tmy,
    write_epw,
    GREENSBORO_TMY3,
    write_tmy3,
    write_ninja,
)


# --- reading each format -----------------------------------------------------------------------------------------

IRRADIANCE_FILES = {
    # id: (writer, format named, words the source must carry)
    "nsrdb_psm3_local": (lambda p: write_nsrdb(p, 2019), "NSRDB PSM3 CSV", ["pvlib read_nsrdb_psm4", "Location ID 123456",
                                                                          "time zone UTC-7", "2019 restamped onto 2025"]),
    "nsrdb_psm4_utc": (lambda p: write_nsrdb(p, YEAR, zone=0, version="4.0.1", minute=0), "NSRDB PSM4 CSV",
                       ["time zone UTC;", "file time UTC put on local standard time UTC-7", "wrapped round"]),
    "nsrdb_central_zone": (lambda p: write_nsrdb(p, YEAR, zone=-6), "NSRDB PSM3 CSV",  # a civil zone east of the sun's
                           ["time zone UTC-6", "file time UTC-6 put on local standard time UTC-7", "wrapped round"]),
    "nsrdb_tmy": (lambda p: write_nsrdb(p, typical=TYPICAL_YEARS, minute=0), "NSRDB PSM3 CSV",
                  ["typical year (months from 2009–2014) restamped onto 2025"]),
    "pvgis_hourly": (lambda p: write_pvgis_hourly(p, 2020), "PVGIS hourly CSV",
                     ["pvlib read_pvgis_hourly", "PVGIS-NSRDB", "slope 0 deg.", "2020 restamped onto 2025"]),
    "pvgis_tmy": (write_pvgis_tmy, "PVGIS TMY CSV", ["pvlib read_pvgis_tmy", "months from 2009–2014", "time in UTC"]),
    "epw": (write_epw, "EPW", ["pvlib read_epw", "El Paso Intl Ap WMO 722700", "time zone UTC-7"]),
    "tmy3": (write_tmy3, "TMY3 CSV", ["pvlib read_tmy3", "USAF 722700 EL PASO INTL AP", "time zone UTC-7"]),
    "ninja_weather": (lambda p: write_ninja(p, "weather"), "renewables.ninja CSV",
                      ["renewables.ninja CSV (Weather (Point API)) at 31.8, -106.4", "time in UTC"]),
}


@pytest.fixture(scope="module")
def weather_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("weather")


@pytest.fixture(scope="module")
def index() -> pd.DatetimeIndex:
    return hourly_index(YEAR)


@pytest.fixture(scope="module")
def truth(index) -> pd.DataFrame:
    return plan_truth(index)


@pytest.fixture(scope="module")
def written(weather_dir):
    cache: dict[str, Path] = {}

    def get(kind: str) -> Path:
        if kind not in cache:
            suffix = ".epw" if kind == "epw" else ".csv"
            cache[kind] = IRRADIANCE_FILES[kind][0](weather_dir / f"{kind}{suffix}")
        return cache[kind]

    return get


@pytest.mark.parametrize("kind", list(IRRADIANCE_FILES))
def test_each_format_loads_is_named_and_aligned(kind, written, index, truth):
    path = written(kind)
    frame = read_irradiance_csv(path, index, name="site.irradiance_csv")
    _, expected_format, words = IRRADIANCE_FILES[kind]
    assert frame.attrs["format"] == expected_format
    source = frame.attrs["source"]
    assert source.startswith(f"site.irradiance_csv {path}: {expected_format}")
    for word in words:
        assert word in source, (word, source)
    assert frame.index.equals(index) and frame.attrs["synthetic"] is False
    assert {"ghi", "temp_air"} <= set(frame.columns)
    assert np.isfinite(frame.to_numpy()).all()
    assert frame["ghi"].between(0, 1200).all() and frame["temp_air"].between(-20, 50).all()

    # night in local standard time is dark, and the day's light is centred on local solar noon
    night = truth["ghi"].to_numpy() == 0
    assert night.mean() > 0.4 and (frame["ghi"].to_numpy()[night] < 1.0).all()
    hour = index.hour.to_numpy() + 0.5
    centre = float((frame["ghi"] * hour).sum() / frame["ghi"].sum())
    solar_noon = 12 - (LON - 15 * OFFSET) / 15  # 12.09 h: El Paso lies 1.4° west of its zone's meridian
    assert abs(centre - solar_noon) < 0.15
    daily_peak = frame["ghi"].groupby(index.hour).mean().idxmax()
    assert daily_peak in (11, 12)
    # hour by hour it is the sky written into the file (other years' skies differ by a few W/m2 near sunrise)
    error = (frame["ghi"] - truth["ghi"]).abs()
    assert error.max() < 30 and error.mean() < 2
    assert (frame["temp_air"] - truth["temp_air"]).abs().max() < 0.6
    if "dni" in frame:
        assert (frame["dni"] - truth["dni"]).abs().mean() < 3


def test_the_plan_model_uses_the_file_and_says_what_it_was(written, index):
    frame = read_irradiance_csv(written("nsrdb_psm3_local"), index, name="site.irradiance_csv")
    cf = solar_cf(index, LAT, LON, irradiance=frame)
    assert cf.attrs["synthetic"] is False
    assert cf.attrs["source"].startswith(frame.attrs["source"]) and "plant model at 31.8, -106.4" in cf.attrs["source"]
    assert 0.25 < cf.mean() < 0.45  # a tracker under a clear desert sky all year
    again = solar_cf(index, LAT, LON, irradiance=read_irradiance_csv(written("tmy3"), index, name="site.irradiance_csv"))
    assert abs(again.mean() - cf.mean()) < 0.01  # the same sky in another format gives the same plant


def test_a_leap_plan_year_takes_29_february_from_the_28th(written):
    leap = hourly_index(2024)
    frame = read_irradiance_csv(written("epw"), leap, name="site.irradiance_csv")
    assert frame.index.equals(leap)
    feb28 = frame.loc["2024-02-28", "ghi"].to_numpy()
    assert np.array_equal(frame.loc["2024-02-29", "ghi"].to_numpy(), feb28) and feb28.max() > 500


def test_the_site_longitude_sets_the_local_standard_time(written, index):
    # default: the file's own longitude (-106.4 -> UTC-7); the site's, or an explicit offset, wins
    path = written("ninja_weather")
    by_file = read_irradiance_csv(path, index, name="site.irradiance_csv")
    by_site = read_irradiance_csv(path, index, name="site.irradiance_csv", longitude=-106.4)
    assert np.array_equal(by_file["ghi"].to_numpy(), by_site["ghi"].to_numpy())
    central = read_irradiance_csv(path, index, name="site.irradiance_csv", utc_offset_hours=-6)
    assert "local standard time UTC-6" in central.attrs["source"]
    assert np.allclose(central["ghi"].to_numpy()[1:], by_file["ghi"].to_numpy()[:-1])  # one hour later on the clock


def test_the_published_tmy3_file_bundled_with_pvlib_loads():
    path = GREENSBORO_TMY3
    if not path.exists():
        pytest.skip(f"{path} is absent from the installed pvlib {pvlib.__version__}")
    index = hourly_index(2023)
    frame = read_irradiance_csv(path, index, name="site.irradiance_csv")
    assert frame.attrs["format"] == "TMY3 CSV"
    assert "USAF 723170 GREENSBORO PIEDMONT TRIAD INT" in frame.attrs["source"]
    # the same hours as read directly with pvlib (Greensboro's zone, UTC-5, is round(-79.95 / 15))
    data, _ = pvlib.iotools.read_tmy3(path, coerce_year=2023, map_variables=True)
    direct = data["ghi"].astype(float).set_axis(data.index.tz_localize(None) - ONE_HOUR)
    assert np.array_equal(frame["ghi"].to_numpy(), direct.reindex(index).to_numpy())


def test_sub_hourly_nsrdb_values_are_averaged_to_hours(tmp_path, index):
    hourly = write_nsrdb(tmp_path / "hourly.csv", YEAR, minute=0)
    lines = hourly.read_text().splitlines()
    halves = lines[:3]
    for line in lines[3:]:  # the same values at hh:00 and hh:30
        halves += [line, line.replace(f",{line.split(',')[3]},0,", f",{line.split(',')[3]},30,", 1)]
    path = tmp_path / "half_hourly.csv"
    path.write_text("\n".join(halves) + "\n")
    frame = read_irradiance_csv(path, index, name="site.irradiance_csv")
    assert "2 values per hour averaged" in frame.attrs["source"]
    assert np.array_equal(frame["ghi"].to_numpy(), read_irradiance_csv(hourly, index, name="site.irradiance_csv")["ghi"].to_numpy())


def test_a_short_file_aligns_onto_a_short_index_by_time(tmp_path):
    path = write_pvgis_hourly(tmp_path / "three_days.csv", YEAR, days=3)
    window = pd.date_range(f"{YEAR}-01-01 12:00", periods=36, freq="h", name="time")
    frame = read_irradiance_csv(path, window, name="site.irradiance_csv")
    assert np.abs(frame["ghi"] - plan_truth(window)["ghi"]).max() < 0.01
    with pytest.raises(ScenarioError, match=r"no value for 2025-01-03 17:00:00 local standard time \(UTC-7\)"):
        read_irradiance_csv(path, hourly_index(YEAR), name="site.irradiance_csv")


# --- solar and wind output from renewables.ninja and PVGIS ---------------------------------------------------------


@pytest.mark.parametrize(("dataset", "field", "capacity"), [("pv", "site.solar_csv", 2.0), ("wind", "site.wind_csv", 1.0)])
def test_renewables_ninja_output_is_read_per_unit_of_capacity(tmp_path, index, dataset, field, capacity):
    path = write_ninja(tmp_path / f"ninja_{dataset}_2025.csv", dataset, YEAR, capacity=capacity)
    series = read_series_csv(path, index, name=field, lower=0.0, upper=1.0)
    assert series.attrs["format"] == "renewables.ninja CSV"
    source = series.attrs["source"]
    assert f"electricity (kW) / capacity {capacity:g} kW" in source and "file time UTC put on local standard time UTC-7" in source
    assert series.between(0, 1).all() and series.attrs["synthetic"] is False
    # local 00:00 is 07:00 UTC; the last 7 local hours of the year wrap round from 1 January's first UTC hours
    expected = output_share((index - pd.Timedelta(hours=OFFSET)).tz_localize("UTC"))
    np.testing.assert_allclose(series.to_numpy()[:-7], expected[:-7], atol=1e-9)
    np.testing.assert_allclose(series.to_numpy()[-7:], output_share(year_hours(YEAR)[:7]), atol=1e-9)
    assert "7 h shifted past the year's end wrapped round" in source


def test_pvgis_pv_output_is_read_per_kwp(tmp_path, index):
    path = write_pvgis_hourly(tmp_path / "pvgis_pv.csv", 2020, pv_kwp=5.0)
    series = read_series_csv(path, index, name="site.solar_csv", lower=0.0, upper=1.0)
    assert series.attrs["format"] == "PVGIS hourly CSV" and "P (W) / 5 kWp" in series.attrs["source"]
    assert series.between(0, 1).all() and abs(series.mean() - 0.5) < 0.01


def test_a_plain_series_csv_is_read_as_before(tmp_path, index):
    path = tmp_path / "cf.csv"
    pd.DataFrame({"timestamp": index, "cf": 0.25}).to_csv(path, index=False)
    series = read_series_csv(path, index, name="site.wind_csv", lower=0.0, upper=1.0)
    assert (series == 0.25).all() and series.attrs["source"] == str(path)


# --- refusals: one line naming the field --------------------------------------------------------------------------


def one_line(err: pytest.ExceptionInfo, *words: str) -> str:
    text = str(err.value)
    assert "\n" not in text and text.startswith("site.")
    for word in words:
        assert word in text, (word, text)
    return text


def test_an_unknown_file_lists_the_formats_recognised(tmp_path, index):
    path = tmp_path / "sky.csv"
    path.write_text("when,GHI_kw\n2025-01-01 00:00,0\n")
    with pytest.raises(ScenarioError) as err:
        read_irradiance_csv(path, index, name="site.irradiance_csv")
    one_line(err, "site.irradiance_csv", "NSRDB PSM3/PSM4 CSV", "PVGIS hourly CSV", "PVGIS TMY CSV", "EPW", "TMY3 CSV",
             "renewables.ninja CSV", "timestamp, ghi")


def test_files_that_hold_the_wrong_thing_say_where_they_belong(tmp_path, written, index):
    with pytest.raises(ScenarioError) as err:
        read_irradiance_csv(write_ninja(tmp_path / "pv.csv", "pv"), index, name="site.irradiance_csv")
    one_line(err, "renewables.ninja CSV without horizontal irradiance", "site.solar_csv")
    with pytest.raises(ScenarioError) as err:
        read_series_csv(written("nsrdb_psm3_local"), index, name="site.solar_csv", lower=0.0, upper=1.0)
    one_line(err, "NSRDB PSM3 CSV with weather", "site.irradiance_csv")
    with pytest.raises(ScenarioError) as err:
        read_series_csv(write_ninja(tmp_path / "wind.csv", "wind"), index, name="site.load_csv", lower=0.0)
    one_line(err, "PV or wind output", "site.wind_csv")
    with pytest.raises(ScenarioError) as err:
        read_irradiance_csv(write_pvgis_hourly(tmp_path / "tilted.csv", 2020, slope=30, days=2), index, name="site.irradiance_csv")
    one_line(err, "plane tilted 30 deg.", "slope 0")


def test_damaged_files_are_refused_in_one_line(tmp_path, index):
    broken = tmp_path / "broken_nsrdb.csv"
    lines = write_nsrdb(tmp_path / "ok.csv", YEAR, days=2).read_text().splitlines()
    broken.write_text("\n".join(lines[:3] + ["2025,1,1,zero,30,0,0,0"] + lines[4:]) + "\n")
    with pytest.raises(ScenarioError) as err:
        read_irradiance_csv(broken, index, name="site.irradiance_csv")
    one_line(err, "looks like NSRDB PSM3/PSM4 CSV but pvlib read_nsrdb_psm4 cannot read it")

    with pytest.raises(ScenarioError) as err:
        read_irradiance_csv(write_epw(tmp_path / "gap.epw", missing_at=4000), index, name="site.irradiance_csv")
    one_line(err, "ghi 9999 W/m2 at", "outside 0..2000")

    short = tmp_path / "short_tmy.csv"
    short.write_text("\n".join(write_pvgis_tmy(tmp_path / "tmy.csv").read_text().splitlines()[:500]) + "\n")
    with pytest.raises(ScenarioError) as err:
        read_irradiance_csv(short, index, name="site.irradiance_csv")
    one_line(err, "rows without a readable time stamp")

    ninja = write_ninja(tmp_path / "ninja.csv", "weather").read_text().splitlines()
    ninja[10] = "yesterday," + ninja[10].split(",", 1)[1]
    (tmp_path / "bad_ninja.csv").write_text("\n".join(ninja) + "\n")
    with pytest.raises(ScenarioError) as err:
        read_irradiance_csv(tmp_path / "bad_ninja.csv", index, name="site.irradiance_csv")
    one_line(err, "line 11: time 'yesterday' cannot be parsed")


# --- through the installed CLI ------------------------------------------------------------------------------------


def run_plan(*overrides: str) -> subprocess.CompletedProcess:
    if not GIGAWATT.exists():
        pytest.skip(f"{GIGAWATT} is not installed")
    args = [str(GIGAWATT), "plan", str(EXAMPLE), "--set", "site.screening_segments=24", "--no-store"]
    for override in overrides:
        args += ["--set", override]
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.run(args, check=False, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def test_gigawatt_plan_reads_an_nsrdb_file_and_prints_its_format(written):
    path = written("nsrdb_psm3_local")
    result = run_plan(f"site.irradiance_csv={path}")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "utility_pv: data: site.irradiance_csv" in out
    assert "NSRDB PSM3 CSV (pvlib read_nsrdb_psm4), Location ID 123456" in out


def test_gigawatt_plan_refuses_an_unknown_file_in_one_line(tmp_path):
    path = tmp_path / "sky.txt"
    path.write_text("this is not weather\n1,2,3\n")
    result = run_plan(f"site.irradiance_csv={path}")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "site.irradiance_csv" in result.stderr and "NSRDB PSM3/PSM4 CSV" in result.stderr


@pytest.mark.parametrize("year", ["1e999", "inf"])
def test_an_infinite_year_is_one_line_not_a_warning(tmp_path, index, year):
    """Found by the fuzzing: pandas casting an infinite Year cell to an integer warned and the read went on."""
    path = write_nsrdb(tmp_path / "nsrdb.csv", 2019)
    lines = path.read_text().split("\n")
    cells = lines[3].split(",")
    cells[0] = year  # the first data row's Year
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ScenarioError) as err:
            read_irradiance_csv(path, index, name="site.irradiance_csv", longitude=LON)
    one_line(err, "site.irradiance_csv", "cannot read it", "give the file as downloaded")
