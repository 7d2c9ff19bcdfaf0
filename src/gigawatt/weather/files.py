"""Readers of measured weather and series files: NSRDB, PVGIS, EPW, TMY3 and renewables.ninja irradiance or output, and any timestamp + value CSV, validated and put on a plan's hourly index."""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from gigawatt.core.errors import ScenarioError, check_file_size
from gigawatt.core.inputs import MESSAGE_CHARS
from gigawatt.core.units import shorten
from gigawatt.weather.timezones import clock_to_standard, standard_offset_hours
from gigawatt.weather.synthetic import (
    MAX_UTC_OFFSET_HOURS,
    ONE_HOUR,
    _check_index,
    _number,
    _series,
    max_series_magnitude,
)

IRRADIANCE_COLUMNS = ("ghi", "dni", "dhi", "temp_air")  # W/m2, W/m2, W/m2, °C; ghi required
IRRADIANCE_BOUNDS = {"ghi": (0.0, 2000.0), "dni": (0.0, 2000.0), "dhi": (0.0, 2000.0), "temp_air": (-90.0, 70.0)}
IRRADIANCE_UNITS = {"ghi": "W/m2", "dni": "W/m2", "dhi": "W/m2", "temp_air": "°C", "cf": "per unit of capacity"}
NIGHT_NOISE_W_PER_M2 = 10.0  # irradiance down to -10 W/m2 (sensor offsets at night) is read as 0; below, an error
OUTPUT_OVERSHOOT = 0.10  # PV/wind output per kW may exceed its rating by this much (cold, bright hours): capped at 1
SNIFF_LINES = 40  # lines read to tell the formats apart (PVGIS's header block is ~10 lines, its TMY month table 13)
WEATHER_FORMATS = {  # sniffed kind -> the name this module gives the format
    "nsrdb": "NSRDB PSM3/PSM4 CSV",
    "pvgis_hourly": "PVGIS hourly CSV",
    "pvgis_tmy": "PVGIS TMY CSV",
    "epw": "EPW",
    "tmy3": "TMY3 CSV",
    "ninja": "renewables.ninja CSV",
}
PLAIN_IRRADIANCE_CSV = "a CSV of timestamp, ghi [, dni, dhi] [, temp_air]"
NINJA_COMMENT = re.compile(r'^\s*"?\s*#')  # renewables.ninja's metadata lines (country files quote them)
TIMESTAMP_COLUMNS = ("timestamp", "time", "datetime", "date")  # names taken as the time column
# Units a value column's header may name ("Power (kW)", "load_mw", "price_usd_per_kwh", "co2 [g/kWh]"), by the
# unit a series is read in, each with its factor to that unit. A named unit of the series' quantity is converted
# (the series' source says so); a unit of another quantity is refused; a header without one is read as is.
# Energy in an hour (MWh) is that hour's mean power (MW).
HEADER_UNITS: dict[str, dict[str, float]] = {
    "MW": {"W": 1e-6, "kW": 1e-3, "MW": 1.0, "GW": 1e3, "Wh": 1e-6, "kWh": 1e-3, "MWh": 1.0, "GWh": 1e3},
    "USD/MWh": {"USD/MWh": 1.0, "USD/kWh": 1e3, "USD/GWh": 1e-3, "cents/kWh": 10.0, "¢/kWh": 10.0},
    "tCO2/MWh": {"t/MWh": 1.0, "kg/MWh": 1e-3, "g/kWh": 1e-3, "kg/kWh": 1.0, "lb/MWh": 0.45359237e-3},
    "ratio": {"%": 0.01, "percent": 0.01},
}
ENERGY_UNITS = ("Wh", "kWh", "MWh", "GWh")  # a value column in these is energy per time step: summed to the hour
CSV_HEADER_LINES = 1  # data row i (0-based) is file line i + 2
MAX_SERIES_CSV_BYTES = 200_000_000  # 200 MB: a year of hourly rows is 8,784 lines, ~1.5 MB for a 20-column NSRDB
# export and ~90 MB even for 1,000 value columns; a larger file is the wrong file and would take minutes to parse
UTC_OFFSET = re.compile(r"(?:[Zz]|[+-]\d{2}:?\d{2})$")  # ISO 8601 offset at the end of a timestamp: Z, -06:00, +0530

# what a pvlib reader may raise on a file that is not quite what it expects
_PARSE_ERRORS = (ValueError, KeyError, IndexError, TypeError, AttributeError, StopIteration, OverflowError,
                 UnicodeError, RuntimeWarning, pd.errors.ParserError, pd.errors.EmptyDataError)


class _WeatherFile(NamedTuple):
    """A weather export as read: values on the file's own time-zone-aware timestamps."""

    kind: str  # key of WEATHER_FORMATS
    format: str  # the format found, e.g. "NSRDB PSM3 CSV"
    label: str  # the format, the reader used and what the file says about itself (site, zone)
    frame: pd.DataFrame  # columns among ghi, dni, dhi (W/m2), temp_air (°C) and cf (output per unit capacity)
    longitude: float | None  # the file's own longitude, °E
    hour_ending: bool = False  # timestamps label the end of their hour (TMY3)
    why_no_sky: str = ""  # when there is no ghi: what to give instead
    notes: tuple[str, ...] = ()


def _head(path: Path, where: str) -> list[str]:
    """The first ``SNIFF_LINES`` lines of a text file, without line ends."""
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as file:
            return [line.rstrip("\r\n") for line, _ in zip(file, range(SNIFF_LINES))]
    except FileNotFoundError:
        raise ScenarioError(f"{where}: no such file; check the path") from None
    except OSError as exc:
        raise ScenarioError(f"{where}: cannot be read ({exc.__class__.__name__}); check the path") from None


def _text(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise ScenarioError(f"{where}: cannot be read ({exc.__class__.__name__}); check the path") from None


def sniff_weather_file(lines: list[str]) -> str | None:
    """Which published weather export the first lines of a file are (a key of ``WEATHER_FORMATS``), or
    ``None`` for anything else (a plain CSV is then read as such).

    NSRDB PSM3/PSM4 (SAM CSV): a metadata header ``Source,Location ID,...`` and its values, then
    ``Year,Month,Day,Hour,Minute,...``. PVGIS: ``Latitude (decimal degrees): ...`` first; its TMY has a
    ``month,year`` table and ``time(UTC),...``, its hourly series ``time,...``. EPW: ``LOCATION,...``.
    TMY3: a station line, then ``Date (MM/DD/YYYY),Time (HH:MM),...``. renewables.ninja: ``#`` comment lines
    naming it before the header.
    """
    first = lines[0] if lines else ""
    if first.startswith("Source,") and "Location ID" in first:
        return "nsrdb"
    if first.startswith("Latitude (decimal degrees):"):
        for line in lines[1:]:
            if line.startswith(("time(UTC),", "Irradiance Time Offset")) or line.strip() == "month,year":
                return "pvgis_tmy"
            if line.startswith("time,"):
                return "pvgis_hourly"
        return "pvgis_hourly"  # a header block without its data section: pvlib says so
    if first.upper().startswith("LOCATION,"):
        return "epw"
    if len(lines) > 1 and lines[1].startswith("Date (MM/DD/YYYY),Time (HH:MM)"):
        return "tmy3"
    comments = [line for line in lines if NINJA_COMMENT.match(line)]
    if NINJA_COMMENT.match(first) and any("ninja" in line.lower() for line in comments):
        return "ninja"
    return None


def _pvlib_read(where: str, what: str, function: str, call):
    """``call()`` (a pvlib reader), or a one-line :class:`ScenarioError` saying the file is not what it looks like."""
    try:
        with warnings.catch_warnings():
            # pandas deprecations inside pvlib (e.g. padding rows of a file cut short): pvlib's to change
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            # a column of mixed types (a text cell among numbers): its cells are checked one by one afterwards
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            # an infinite or overflowing cell cast to an integer column (a year of 1e999): not a file as downloaded
            warnings.simplefilter("error", RuntimeWarning)
            return call()
    except _PARSE_ERRORS as exc:
        reason = " ".join(f"{exc.__class__.__name__}: {exc}".split())[:120]
        raise ScenarioError(f"{where}: looks like {what} but pvlib {function} cannot read it ({reason}); "
                            "give the file as downloaded") from None


def _zone(hours: float) -> str:
    return "UTC" if hours == 0 else f"UTC{hours:+g}"


def _first_number(text: object) -> float | None:
    found = re.search(r"-?\d+(?:\.\d+)?", str(text or ""))
    return float(found.group()) if found else None


def _read_nsrdb(text: str, where: str) -> _WeatherFile:
    import pvlib

    lines = text.split("\n", 2)
    if len(lines) < 3:
        raise ScenarioError(f"{where}: an NSRDB CSV has two metadata lines and a data header; this file has {len(lines)} lines")
    fields = next(csv.reader([lines[0].rstrip("\r")]))
    values = next(csv.reader([lines[1].rstrip("\r")]))
    if "Local Time Zone" not in fields and "Time Zone" in fields:  # older SAM CSV exports: pvlib needs the field
        at = fields.index("Time Zone")
        lines[0] = lines[0].rstrip("\r") + ",Local Time Zone"
        lines[1] = lines[1].rstrip("\r") + "," + (values[at] if at < len(values) else "")
    head = dict(zip(fields, values))
    major = re.search(r"\d", head.get("Version", ""))
    source = head.get("Source", "").strip()
    if source.upper() == "NSRDB" or not source:
        fmt = f"NSRDB PSM{major.group()} CSV" if major and major.group() in "34" else "NSRDB PSM CSV"
    else:
        fmt = f"SAM CSV ({source})"
    data, meta = _pvlib_read(where, WEATHER_FORMATS["nsrdb"], "read_nsrdb_psm4",
                             lambda: pvlib.iotools.read_nsrdb_psm4(io.StringIO("\n".join(lines)), map_variables=True))
    label = (f"{fmt} (pvlib read_nsrdb_psm4), Location ID {meta.get('Location ID', '?')} at "
             f"{meta['latitude']:g}, {meta['longitude']:g}, time zone {_zone(meta['Time Zone'])}")
    frame = data[[c for c in IRRADIANCE_COLUMNS if c in data.columns]]  # numbers checked, cell by cell, by _check_values
    return _WeatherFile("nsrdb", fmt, label, frame, float(meta["longitude"]),
                        why_no_sky="it has no GHI column; request ghi (with dni, dhi, air_temperature) in the NSRDB download")


def _read_pvgis_hourly(text: str, where: str) -> _WeatherFile:
    import pvlib

    data, meta = _pvlib_read(where, WEATHER_FORMATS["pvgis_hourly"], "read_pvgis_hourly",
                             lambda: pvlib.iotools.read_pvgis_hourly(io.StringIO(text), pvgis_format="csv", map_variables=False))
    inputs = meta["inputs"]
    slope = _first_number(inputs.get("Slope", "0"))
    columns = set(data.columns)
    sky: dict[str, pd.Series] = {}
    if "G(h)" in columns:
        sky["ghi"] = data["G(h)"]
    if {"Gb(n)", "Gd(h)"} <= columns:
        sky["dni"], sky["dhi"] = data["Gb(n)"], data["Gd(h)"]
        if "ghi" not in sky and "H_sun" in columns:  # global horizontal = beam normal × sin(sun height) + diffuse
            sky["ghi"] = (data["Gb(n)"] * np.sin(np.radians(data["H_sun"].clip(lower=0.0))) + data["Gd(h)"])
    if "ghi" not in sky and slope == 0.0:  # a horizontal "plane of array" is the horizontal itself
        if "G(i)" in columns:
            sky["ghi"] = data["G(i)"]
        elif {"Gb(i)", "Gd(i)"} <= columns:
            sky["ghi"] = data["Gb(i)"] + data["Gd(i)"] + (data["Gr(i)"] if "Gr(i)" in columns else 0.0)
    if "T2m" in columns:
        sky["temp_air"] = data["T2m"]
    notes: list[str] = []
    peak_kw = next((_first_number(v) for k, v in inputs.items() if "(kWp)" in str(k)), None)
    if "P" in columns:
        if not peak_kw:
            raise ScenarioError(f"{where}: a PVGIS PV output file (P, W) without its 'Nominal power ... (kWp)' line; "
                                "give the file as downloaded")
        sky["cf"] = data["P"] / (peak_kw * 1000.0)
        notes.append(f"P (W) / {peak_kw:g} kWp")
    fmt = "PVGIS hourly CSV"
    label = (f"{fmt} (pvlib read_pvgis_hourly), {inputs.get('radiation_database', '?')} at {inputs['latitude']:g}, "
             f"{inputs['longitude']:g}, slope {inputs.get('Slope', '?')}, time in UTC")
    if slope != 0.0:
        why = (f"its irradiance is on a plane tilted {inputs.get('Slope', '?')} (Slope), not on the horizontal; download it "
               f"with slope 0 for site.irradiance_csv{', or give its PV output (P) as site.solar_csv' if 'P' in columns else ''}")
    else:
        why = "it has no irradiance column (G(i), G(h) or Gb(n) and Gd(h)); download it with radiation components"
    return _WeatherFile("pvgis_hourly", fmt, label, pd.DataFrame(sky, index=data.index).astype(float),
                        float(inputs["longitude"]), why_no_sky=why, notes=tuple(notes))


def _read_pvgis_tmy(text: str, where: str) -> _WeatherFile:
    import pvlib

    data, meta = _pvlib_read(where, WEATHER_FORMATS["pvgis_tmy"], "read_pvgis_tmy",
                             lambda: pvlib.iotools.read_pvgis_tmy(io.BytesIO(text.encode()), pvgis_format="csv", map_variables=True))
    inputs = meta["inputs"]
    years = [int(m["year"]) for m in meta.get("months_selected", [])]
    span = f", months from {min(years)}–{max(years)}" if years else ""
    label = (f"PVGIS TMY CSV (pvlib read_pvgis_tmy) at {inputs['latitude']:g}, {inputs['longitude']:g}{span}, time in UTC")
    frame = data[[c for c in IRRADIANCE_COLUMNS if c in data.columns]]  # numbers checked, cell by cell, by _check_values
    return _WeatherFile("pvgis_tmy", "PVGIS TMY CSV", label, frame, float(inputs["longitude"]),
                        why_no_sky="it has no G(h) column; give the file as downloaded")


def _read_epw(text: str, where: str) -> _WeatherFile:
    import pvlib

    data, meta = _pvlib_read(where, WEATHER_FORMATS["epw"], "read_epw", lambda: pvlib.iotools.read_epw(io.StringIO(text)))
    label = (f"EPW (pvlib read_epw), {str(meta.get('city', '?')).strip()} WMO {str(meta.get('WMO_code', '?')).strip()} at "
             f"{meta['latitude']:g}, {meta['longitude']:g}, time zone {_zone(meta['TZ'])}")
    frame = data[[c for c in IRRADIANCE_COLUMNS if c in data.columns]]  # numbers checked, cell by cell, by _check_values
    return _WeatherFile("epw", "EPW", label, frame, float(meta["longitude"]))


def _read_tmy3(text: str, where: str) -> _WeatherFile:
    import pvlib

    data, meta = _pvlib_read(where, WEATHER_FORMATS["tmy3"], "read_tmy3",
                             lambda: pvlib.iotools.read_tmy3(io.StringIO(text), map_variables=True))
    station = str(meta.get("Name", "")).strip().strip('"')  # pvlib splits the station line at commas, quotes and all
    label = (f"TMY3 CSV (pvlib read_tmy3), USAF {meta.get('USAF', '?')} {station} at "
             f"{meta['latitude']:g}, {meta['longitude']:g}, time zone {_zone(meta['TZ'])}")
    frame = data[[c for c in IRRADIANCE_COLUMNS if c in data.columns]]  # numbers checked, cell by cell, by _check_values
    if data.empty:
        raise ScenarioError(f"{where}: a TMY3 CSV with its station line and header but no hourly rows (a file cut short?); "
                            "give the file as downloaded")
    # TMY3 stamps each hour at its end (01:00 is 00:00-01:00, 24:00 or the next day's 00:00 ends the day). pvlib
    # moves 29 February, and the 24:00 that ends a leap year's 28 February, to 1 March; the hours are therefore
    # taken from the file's own date and time, one hour back to the hour's beginning.
    try:
        clock = data["Time (HH:MM)"].astype(str).str.split(":", expand=True).astype(int)
        begins = (pd.to_datetime(data["Date (MM/DD/YYYY)"], format="%m/%d/%Y") + pd.to_timedelta(clock[0] - 1, unit="h")
                  + pd.to_timedelta(clock[1], unit="min"))
    except (KeyError, ValueError) as exc:
        raise ScenarioError(f"{where}: a TMY3 CSV whose Date (MM/DD/YYYY) or Time (HH:MM) column does not read "
                            f"({' '.join(str(exc).split())[:80]}); give the file as downloaded") from None
    frame.index = pd.DatetimeIndex(begins).tz_localize(data.index.tz)
    return _WeatherFile("tmy3", "TMY3 CSV", label, frame, float(meta["longitude"]))


def _read_ninja(text: str, where: str) -> _WeatherFile:
    """renewables.ninja's CSV (pvlib has no reader): three ``#`` lines — dataset, units, and a JSON object of
    ``units`` and ``params`` (lat, lon, capacity) — then ``time[,local_time],<columns>``; ``time`` is UTC and
    begins its hour. PV and wind files give ``electricity`` in kW for ``capacity`` kW; the Weather dataset gives
    ``radiation_surface`` (W/m2, global horizontal) and ``t2m`` (°C); country files give capacity factors."""
    lines = text.splitlines()
    skip = 0
    while skip < len(lines) and NINJA_COMMENT.match(lines[skip]):
        skip += 1
    comments = [line.strip().strip('",').strip().lstrip("#").strip() for line in lines[:skip]]
    params: dict[str, Any] = {}
    units: dict[str, str] = {}
    for comment in comments:
        if comment.startswith("{"):
            try:
                blob = json.loads(comment)
            except ValueError:
                continue
            if isinstance(blob, dict):
                params = blob.get("params") if isinstance(blob.get("params"), dict) else params
                units = {str(k): str(v) for k, v in blob["units"].items()} if isinstance(blob.get("units"), dict) else units
        elif comment.lower().startswith("units:"):
            for part in comment[len("units:"):].split(","):
                if " in " in part:
                    key, unit = part.split(" in ", 1)
                    units.setdefault(key.strip(), unit.strip())
    try:
        table = pd.read_csv(io.StringIO("\n".join(lines[skip:])))
    except (ValueError, pd.errors.ParserError) as exc:
        reason = " ".join(str(exc).split())[:120]
        raise ScenarioError(f"{where}: a renewables.ninja CSV whose table cannot be read ({reason}); give the file as downloaded") from None
    table.columns = [str(c).strip() for c in table.columns]
    if table.shape[1] < 2 or len(table) == 0:
        raise ScenarioError(f"{where}: a renewables.ninja CSV needs a time column and values after its # lines; "
                            f"found {shorten(list(table.columns))}")
    time_col = "time" if "time" in table.columns else table.columns[0]
    times = pd.to_datetime(table[time_col].astype(str).str.strip(), errors="coerce", format="mixed")
    bad = np.flatnonzero(pd.isna(times).to_numpy())
    if bad.size:
        raise ScenarioError(f"{where}: line {skip + 2 + int(bad[0])}: time {shorten(table[time_col].iloc[int(bad[0])])} "
                            "cannot be parsed; give the file as downloaded")
    stamps = pd.DatetimeIndex(times)
    stamps = stamps.tz_convert("UTC") if stamps.tz is not None else stamps.tz_localize("UTC")

    def numbers(column: str) -> pd.Series:
        return pd.Series(pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float), index=stamps)

    def unit(column: str) -> str:
        return units.get(column, "").replace(" ", "").lower()

    sky: dict[str, pd.Series] = {}
    notes: list[str] = []
    if "radiation_surface" in table.columns:  # surface downward shortwave: global horizontal irradiance
        sky["ghi"] = numbers("radiation_surface") * (1000.0 if unit("radiation_surface").startswith("kw") else 1.0)
    if "t2m" in table.columns:
        sky["temp_air"] = numbers("t2m") - (273.15 if unit("t2m") == "k" else 0.0)
    values = [c for c in table.columns if c not in (time_col, "local_time")]
    dataset = comments[0].split(" - ")[0].strip() if comments else "renewables.ninja"
    dataset = re.sub(r"(?i)^renewables\.ninja\s*", "", dataset) or "renewables.ninja"
    if "electricity" in table.columns:
        capacity = _first_number(params.get("capacity"))
        if capacity is None:
            capacity = 1.0
            notes.append("capacity not stated: taken as 1 kW")
        if capacity <= 0:
            raise ScenarioError(f"{where}: renewables.ninja capacity {params.get('capacity')!r} is not positive; give the file as downloaded")
        scale = {"kw": 1.0, "w": 1e-3, "mw": 1e3}.get(unit("electricity") or "kw", 1.0)
        sky["cf"] = numbers("electricity") * scale / capacity
        notes.append(f"electricity ({units.get('electricity', 'kW')}) / capacity {capacity:g} kW")
    elif not sky and len(values) == 1:  # country files: one column of capacity factors [0-1]
        sky["cf"] = numbers(values[0])
        notes.append(f"{values[0]}: capacity factor")
    elif not sky and len(values) > 1:  # a country file by region (NUTS-2 columns): which one is the site's?
        raise ScenarioError(f"{where}: a renewables.ninja file of capacity factors for {len(values)} areas ({shorten(', '.join(values), 120)}); "
                            "the scenario names a file, not a column: keep the time column and the site's area, or download the site's "
                            "own point (renewables.ninja PV or wind with its latitude and longitude)")
    lat, lon = _first_number(params.get("lat")), _first_number(params.get("lon"))
    where_at = f" at {lat:g}, {lon:g}" if lat is not None and lon is not None else ""
    label = f"renewables.ninja CSV ({dataset}){where_at}, time in UTC"
    why = ("it holds PV or wind output (electricity), not irradiance: give it as site.solar_csv or site.wind_csv, or download "
           "renewables.ninja's Weather data with radiation_surface (and t2m) for site.irradiance_csv")
    return _WeatherFile("ninja", "renewables.ninja CSV", label, pd.DataFrame(sky, index=stamps), lon,
                        why_no_sky=why, notes=tuple(notes))


_WEATHER_READERS = {"nsrdb": _read_nsrdb, "pvgis_hourly": _read_pvgis_hourly, "pvgis_tmy": _read_pvgis_tmy,
                    "epw": _read_epw, "tmy3": _read_tmy3, "ninja": _read_ninja}


# measured weather files exist from the satellite era (NSRDB from 1998, ERA5 from 1940) and projections end in 2100
WEATHER_YEARS = (1900, 2100)


def _check_values(frame: pd.DataFrame, where: str, bounds: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """The frame with small negative irradiance read as 0; else a one-line error naming the first bad value
    with its time stamp as the file gives it."""
    out = frame.copy()
    if len(out) == 0 or pd.isna(out.index).any():
        raise ScenarioError(f"{where}: rows without a readable time stamp (a file cut short?); give the file as downloaded")
    years = np.asarray(out.index.year)
    if ((years < WEATHER_YEARS[0]) | (years > WEATHER_YEARS[1])).any():  # a garbled year: -2019 cannot even be put on a clock
        bad = int(years[(years < WEATHER_YEARS[0]) | (years > WEATHER_YEARS[1])][0])
        raise ScenarioError(f"{where}: a time stamp in the year {bad}, outside {WEATHER_YEARS[0]}-{WEATHER_YEARS[1]}; give the file as downloaded")
    twice = out.columns[out.columns.duplicated()]
    if len(twice):  # a renamed header: which of the two is the sky cannot be known
        raise ScenarioError(f"{where}: two columns read as {twice[0]}; give the file as downloaded")
    for column, (low, high) in bounds.items():
        if column not in out.columns:
            continue
        values = pd.to_numeric(out[column], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            i = int(bad[0])
            cell = out[column].iloc[i]
            if isinstance(cell, str) and cell.strip():
                raise ScenarioError(f"{where}: {column} {cell.strip()[:40]!r} at {out.index[i]} is not a number; correct the file")
            raise ScenarioError(f"{where}: {column} is missing at {out.index[i]}; fill the gap")
        if column in ("ghi", "dni", "dhi"):
            values = np.where((values < 0.0) & (values >= -NIGHT_NOISE_W_PER_M2), 0.0, values)
        outside = np.flatnonzero((values < low) | (values > high))
        if outside.size:
            i = int(outside[0])
            raise ScenarioError(f"{where}: {column} {values[i]:g} {IRRADIANCE_UNITS.get(column, '')} at {out.index[i]} is outside "
                                f"{low:g}..{high:g}; correct the file (missing-value codes such as 9999 are not read as gaps)")
        out[column] = values
    return out


def _standard_offset(where: str, utc_offset_hours: float | None, longitude: float | None, file_longitude: float | None) -> float:
    """The plan's local standard time, hours from UTC: ``utc_offset_hours``, else round(longitude / 15) of the
    site (or, not given, of the file) — the offset :func:`solar_cf` takes by default."""
    if utc_offset_hours is not None:
        return _number("utc_offset_hours", utc_offset_hours, low=-MAX_UTC_OFFSET_HOURS, high=MAX_UTC_OFFSET_HOURS,
                       fix="give the site's standard-time offset from UTC in hours, e.g. -7 for Arizona")
    lon = longitude if longitude is not None else file_longitude
    if lon is None:
        raise ScenarioError(f"{where}: the file's times are UTC but it does not give its longitude; give the site's "
                            "longitude (or utc_offset_hours) to put them on local standard time")
    lon = _number("longitude", lon, low=-180.0, high=180.0, fix="give degrees east, -180..180 (west is negative)")
    return float(round(lon / 15.0))


def _on_index(frame: pd.DataFrame, index: pd.DatetimeIndex, where: str, offset_hours: float, *,
              hour_ending: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """Values of a weather file (time-zone-aware stamps) on the plan's index, and notes on what was done.

    Each stamp is moved to the beginning of its hour (hour-ending files one hour back; NSRDB's hh:30 and
    PVGIS's hh:10 down to hh:00), sub-hourly values are averaged per hour, and the file's zone is put on the
    plan's local standard time UTC``offset_hours`` (whole hours). If every hour of ``index`` is then in the
    file, values are taken by time. Otherwise one year of the file is taken — the index's year when the file
    has it, else its latest whole year; a typical year (months from different years) as one year — and its
    hours are matched to the index by month, day and hour, the hours the zone shift pushed past the year's
    end wrapped round to its other end (29 February from 28 February when that year has none).
    """
    stamps = pd.DatetimeIndex(frame.index)
    file_offset = stamps[0].utcoffset().total_seconds() / 3600.0 if stamps.tz is not None else 0.0
    wall = stamps.tz_localize(None) if stamps.tz is not None else stamps
    if hour_ending:
        wall = wall - pd.Timedelta(hours=1)
    grouped = frame.set_axis(wall.floor("h")).groupby(level=0).mean()
    notes: list[str] = []
    if len(grouped) < len(frame):
        notes.append(f"{len(frame) / len(grouped):.3g} values per hour averaged")
    shift = offset_hours - file_offset
    whole = round(shift)
    if whole != 0:
        notes.append(f"file time {_zone(file_offset)} put on local standard time {_zone(offset_hours)}"
                     + (f" (shifted {whole:+d} h, not {shift:+g} h)" if whole != shift else ""))
    hours = pd.DatetimeIndex(grouped.index)
    local = hours + pd.Timedelta(hours=whole)
    if index.isin(local).all():
        return grouped.set_axis(local).reindex(index), notes

    target = int(index[0].year)
    steps = np.diff(hours.to_numpy())
    if len(hours) > 1 and bool((steps == ONE_HOUR).all()):
        counts = pd.Series(hours.year).value_counts()
        whole_years = [int(y) for y, n in counts.items() if n >= _hours_in_year(int(y))]
        year = target if target in counts.index else (max(whole_years) if whole_years else int(counts.idxmax()))
        pick = (hours.year == year)
        rows, keys = grouped[pick], hours[pick]
        if year != target:
            notes.append(f"{year} restamped onto {target} by month, day and hour")
    else:  # a typical year: each month from its own year
        leap = bool(((hours.month == 2) & (hours.day == 29)).any())
        year = 2000 if leap else 2001
        keys = pd.DatetimeIndex(pd.to_datetime(pd.DataFrame({"year": year, "month": hours.month, "day": hours.day,
                                                             "hour": hours.hour})))
        twice = np.flatnonzero(keys.duplicated())
        if twice.size:
            raise ScenarioError(f"{where}: {hours[int(twice[0])]} is neither the next hour nor a new hour of a typical year "
                                f"(its month, day and hour came before); give one row per hour")
        rows = grouped
        notes.append(f"typical year (months from {hours.year.min()}–{hours.year.max()}) restamped onto {target}")
    start = np.datetime64(pd.Timestamp(year, 1, 1))
    span = np.timedelta64(_hours_in_year(year), "h")
    shifted = (keys + pd.Timedelta(hours=whole)).to_numpy()
    early, late = shifted < start, shifted >= start + span
    shifted = np.where(early, shifted + span, np.where(late, shifted - span, shifted))
    if early.any() or late.any():
        notes.append(f"{int(early.sum() + late.sum())} h shifted past the year's end wrapped round to its other end")
    by_key = rows.set_axis(pd.DatetimeIndex(shifted))
    if by_key.index.duplicated().any():
        at = by_key.index[by_key.index.duplicated()][0]
        raise ScenarioError(f"{where}: two values for {at} after the time-zone shift; give one year of hours")
    no_leap_day = _hours_in_year(year) == 8760
    day = np.where((index.month == 2) & (index.day == 29) & no_leap_day, 28, index.day)
    wanted = pd.to_datetime(pd.DataFrame({"year": year, "month": index.month, "day": day, "hour": index.hour}))
    values = by_key.reindex(pd.DatetimeIndex(wanted))
    missing = np.flatnonzero(values.isna().any(axis=1).to_numpy())
    if missing.size:
        i = int(missing[0])
        raise ScenarioError(f"{where}: no value for {index[i]} local standard time ({_zone(offset_hours)}): the file has "
                            f"{wall[0]} .. {wall[-1]} ({_zone(file_offset)}); give a whole year of hours")
    return values.set_axis(index), notes


def _hours_in_year(year: int) -> int:
    return 8784 if calendar.isleap(year) else 8760


def read_irradiance_csv(path: str | Path, index: pd.DatetimeIndex, *, name: str, longitude: float | None = None,
                        utc_offset_hours: float | None = None) -> pd.DataFrame:
    """Measured hourly sky for :func:`solar_cf` on ``index``: ``ghi`` (W/m2), optionally ``dni`` and ``dhi``
    (W/m2) and ``temp_air`` (°C).

    The file is recognised by its first lines (:func:`sniff_weather_file`) and read through pvlib.iotools:
    an NSRDB PSM3/PSM4 CSV (``read_nsrdb_psm4``; local standard time or UTC as its ``Time Zone`` says), a
    PVGIS hourly CSV (``read_pvgis_hourly``; UTC; irradiance on the horizontal: ``G(h)``, or ``Gb(n)`` and
    ``Gd(h)``, or ``G(i)`` at slope 0), a PVGIS TMY CSV (``read_pvgis_tmy``; UTC), an EPW (``read_epw``; local
    standard time), a TMY3 CSV (``read_tmy3``; local standard time, hour-ending); or a renewables.ninja Weather
    CSV (``#`` header lines; ``radiation_surface`` and ``t2m``; UTC). Any other file is read as a CSV of
    timestamp and ``ghi`` [``dni``, ``dhi``] [``temp_air``] with the rules of :func:`read_series_csv`.

    Times are put on the plan's local standard time: ``utc_offset_hours``, else round(``longitude`` / 15) of
    the site — by default of the file's own longitude — as :func:`solar_cf` assumes (see :func:`_on_index`).
    The result's ``attrs["format"]`` names the format and ``attrs["source"]`` says what was read and done.
    A file in none of these formats, or one that does not read as its format, is a one-line
    :class:`ScenarioError` naming ``name`` and the formats recognised.
    """
    index = _check_index(index)
    path = Path(path)
    where = f"{name} file {path}"
    check_file_size(path, where, MAX_SERIES_CSV_BYTES, "for one year of hourly weather; give one year of hours",
                    error=ScenarioError)
    head = _head(path, where)
    kind = sniff_weather_file(head)
    if kind is None:
        return _plain_irradiance(path, index, name, where, head)
    found = _WEATHER_READERS[kind](_text(path, where), where)
    if "ghi" not in found.frame.columns:
        raise ScenarioError(f"{where}: {found.format} without horizontal irradiance: {found.why_no_sky}")
    columns = [c for c in IRRADIANCE_COLUMNS if c in found.frame.columns]
    if ("dni" in columns) != ("dhi" in columns):  # one without the other: leave the split to the Erbs model
        columns = [c for c in columns if c not in ("dni", "dhi")]
    frame = _check_values(found.frame[columns], where, IRRADIANCE_BOUNDS)
    offset = _standard_offset(where, utc_offset_hours, longitude, found.longitude)
    values, notes = _on_index(frame, index, where, offset, hour_ending=found.hour_ending)
    out = pd.DataFrame({c: values[c].to_numpy(dtype=float) for c in columns}, index=index)
    out.attrs.update(synthetic=False, format=found.format,
                     source="; ".join([f"{name} {path}: {found.label}", ", ".join(columns), *found.notes, *notes]))
    return out


def _plain_irradiance(path: Path, index: pd.DatetimeIndex, name: str, where: str, head: list[str]) -> pd.DataFrame:
    header = [c.strip() for c in next(csv.reader([head[0]]), [])] if head else []
    if "ghi" not in header:
        shown = shorten(head[0] if head else "", 120)
        raise ScenarioError(f"{where}: not a weather file this reader knows (first line {shown}); give one of: "
                            f"{', '.join(WEATHER_FORMATS.values())} (horizontal irradiance), or {PLAIN_IRRADIANCE_CSV}")
    ghi = read_series_csv(path, index, column="ghi", name=name, lower=0.0, upper=IRRADIANCE_BOUNDS["ghi"][1])
    frame = {"ghi": ghi}
    for column in IRRADIANCE_COLUMNS[1:]:
        if column in header:
            low, high = IRRADIANCE_BOUNDS[column]
            frame[column] = read_series_csv(path, index, column=column, name=name, lower=low, upper=high)
    out = pd.DataFrame(frame, index=index)
    notes = [f"from {ghi.attrs['restamped_from']} restamped in order" if "restamped_from" in ghi.attrs else "",
             ghi.attrs.get("note", "")]
    out.attrs.update(synthetic=False, format="CSV",
                     source="; ".join([f"{name} {path}: CSV (timestamp, {', '.join(frame)})", *filter(None, notes)]))
    return out


def _read_output_file(kind: str, path: Path, index: pd.DatetimeIndex, name: str, where: str, lower: float, upper: float,
                      longitude: float | None, utc_offset_hours: float | None) -> pd.Series:
    """An output-per-capacity series (renewables.ninja PV or wind, PVGIS PV output) on ``index``."""
    found = _WEATHER_READERS[kind](_text(path, where), where)
    if "cf" not in found.frame.columns:
        raise ScenarioError(f"{where}: {found.format} with weather, not {name}'s values; give it as site.irradiance_csv, "
                            "or give a PV or wind output file here")
    if upper > 1.0:
        raise ScenarioError(f"{where}: {found.format} with PV or wind output per unit of capacity, not {name}'s values; "
                            "give it as site.solar_csv or site.wind_csv")
    frame = _check_values(found.frame[["cf"]], where, {"cf": (lower, upper * (1.0 + OUTPUT_OVERSHOOT))})
    over = int((frame["cf"] > upper).sum())
    frame["cf"] = frame["cf"].clip(upper=upper)
    offset = _standard_offset(where, utc_offset_hours, longitude, found.longitude)
    values, notes = _on_index(frame, index, where, offset, hour_ending=found.hour_ending)
    capped = [f"capped at {upper:g} in {over} h"] if over else []
    out = _series(values["cf"].to_numpy(dtype=float), index, name, synthetic=False,
                  source="; ".join([f"{name} {path}: {found.label}", *found.notes, *capped, *notes]))
    out.attrs["format"] = found.format
    return out


def _local_standard_times(raw: pd.Series, where: str, line) -> tuple[pd.DatetimeIndex, str]:
    """Timestamps as naive local standard time, and a note on what was done to them.

    Timestamps with UTC offsets (``2025-03-09T03:00:00-05:00``) are put on the file's standard time: the
    smallest offset in it, since daylight saving only ever adds to the offset (an hour in most places).
    A daylight-saving series of a whole year therefore loads as the consecutive hours it stands for. Naive
    timestamps are taken as local standard time as they are.
    """
    text = raw.astype(str).str.strip()
    offsets = text.str.extract(f"({UTC_OFFSET.pattern})", expand=False)
    aware = offsets.notna().to_numpy()
    if aware.any() and not aware.all():
        i, j = int(np.flatnonzero(aware)[0]), int(np.flatnonzero(~aware)[0])
        raise ScenarioError(f"{where}: line {line(j)}: timestamp {shorten(raw.iloc[j])} has no UTC offset but line {line(i)} "
                            f"has one ({shorten(raw.iloc[i])}); give every timestamp with its offset, or none")
    if aware.any():
        text = text.str.replace(UTC_OFFSET, "", regex=True)
    try:
        times = pd.to_datetime(text, errors="coerce", format="mixed")
    except (ValueError, TypeError):  # e.g. time-zone names that differ from row to row ("EST", "EDT")
        raise ScenarioError(f"{where}: timestamps carry different time zones; give local standard time, "
                            "or ISO timestamps with their UTC offset (e.g. 2025-07-01T13:00:00-05:00)") from None
    bad = np.flatnonzero(times.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise ScenarioError(f"{where}: line {line(i)}: timestamp {shorten(raw.iloc[i])} cannot be parsed; use e.g. 2024-01-01 13:00")
    times = pd.DatetimeIndex(times)
    if times.tz is not None:
        return times.tz_localize(None), "time zone dropped: wall-clock times taken as local standard time"
    if not aware.any():
        return times, ""
    sign = np.where(offsets.str.startswith("-").to_numpy(), -1, 1)
    digits = offsets.str.replace(r"[^0-9]", "", regex=True)
    minutes = np.where(offsets.str.upper().eq("Z").to_numpy(), 0,
                       sign * (pd.to_numeric(digits.str[:2], errors="coerce").fillna(0).to_numpy() * 60
                               + pd.to_numeric(digits.str[2:], errors="coerce").fillna(0).to_numpy())).astype(np.int64)
    standard = int(minutes.min())
    if (minutes == standard).all():
        return times, "time zone dropped: wall-clock times taken as local standard time"
    local = times - pd.to_timedelta(minutes - standard, unit="min")
    hours, rest = divmod(abs(standard), 60)
    return pd.DatetimeIndex(local), (f"UTC offsets {', '.join(f'{m / 60:+g} h' for m in np.unique(minutes))} put on local standard "
                                     f"time UTC{'-' if standard < 0 else '+'}{hours:02d}:{rest:02d} (daylight saving removed)")


def read_series_csv(path: str | Path, index: pd.DatetimeIndex, *, column: str | None = None, name: str,
                    lower: float | None = None, upper: float | None = None, longitude: float | None = None,
                    utc_offset_hours: float | None = None, unit: str | None = None, time_zone: str | None = None,
                    clock: str = "standard") -> pd.Series:
    """A user's hourly series from CSV, on ``index`` exactly (it replaces the synthetic series as is).

    ``clock`` says how timestamps without a UTC offset are read: ``"standard"`` (local standard time, the
    index's own clock) or ``"local"`` (the wall clock of ``time_zone``, daylight saving included; converted
    to standard time with :func:`gigawatt.weather.timezones.clock_to_standard`).

    Sub-hourly series (a regular step that divides the hour: 5, 15, 30 minutes) are resampled to hourly
    (:func:`_to_hourly`): the hour's mean for power, prices, ratios and intensities, the hour's sum for energy
    (a value column whose header names Wh, kWh, MWh or GWh); ``attrs["resampled"]`` says what was done.
    Irregular steps, gaps and hours not wholly covered are refused naming the file and the field.

    The time column is the one named ``timestamp``/``time``/``datetime``/``date`` (any case), else the first;
    the value column is ``column``, else the only other column. Timestamps are local standard time; ISO
    timestamps with UTC offsets that change at daylight saving are converted to it (see
    :func:`_local_standard_times`). Timestamps matching ``index`` are aligned by time; timestamps of another
    year with the same count of consecutive hours are re-stamped onto ``index`` in order
    (``attrs["restamped_from"]`` says from what). Values must lie within ``lower``..``upper``; a bound left
    as ``None`` is the physical bound :func:`max_series_magnitude` (so a typing slip such as 1e12 is caught;
    prices take :func:`price_bounds_usd_per_mwh`). Refused with a one-line :class:`ScenarioError` naming
    the field, the file and the line: missing or oversized file (over ``MAX_SERIES_CSV_BYTES``), unparseable
    timestamp, missing value, duplicate timestamp, wrong row count, gaps, or values out of bounds.

    ``unit`` (a key of :data:`HEADER_UNITS`: MW, USD/MWh, tCO2/MWh or ratio) is the unit the series is read
    in: a unit the value column's header names (``Power (kW)``) is converted to it before the bounds are
    checked, and the series' source says so; a header naming a unit of another quantity is refused.

    Output per unit of capacity (``upper`` <= 1) is also read from a renewables.ninja PV or wind CSV (its
    ``#`` header lines; ``electricity`` kW over the ``capacity`` kW of its parameters; ``time`` in UTC) or a
    PVGIS hourly CSV of PV output (``P`` W over its kWp), up to 10% over 1 capped at 1, and put on the plan's
    local standard time as :func:`read_irradiance_csv` does (``longitude``/``utc_offset_hours``); the format
    is named in ``attrs["format"]`` and ``attrs["source"]``. A weather file given here is refused saying so.
    """
    index = _check_index(index)
    path = Path(path)
    where = f"{name} file {path}"
    bound = max_series_magnitude()
    lower = -bound if lower is None else lower
    upper = bound if upper is None else upper
    check_file_size(path, where, MAX_SERIES_CSV_BYTES, "for one year of hourly values; give a CSV of one year (timestamp,value)",
                    error=ScenarioError)
    kind = sniff_weather_file(_head(path, where))
    if kind is not None:
        return _read_output_file(kind, path, index, name, where, lower, upper, longitude, utc_offset_hours)
    try:
        table = pd.read_csv(path, low_memory=False)  # whole columns typed at once: a stray text cell is reported, not warned about
    except FileNotFoundError:
        raise ScenarioError(f"{where}: no such file; check the path") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        reason = " ".join(str(exc).split())[:MESSAGE_CHARS]
        raise ScenarioError(f"{where}: cannot be read as CSV ({reason}); save it as timestamp,value CSV") from None
    if table.shape[1] < 2:
        raise ScenarioError(f"{where}: needs a timestamp column and a value column, found {shorten(list(table.columns))}; add them")
    lower_names = {str(c).strip().lower(): c for c in table.columns}
    time_col = next((lower_names[c] for c in TIMESTAMP_COLUMNS if c in lower_names), table.columns[0])
    if column is not None:
        if column not in table.columns:
            raise ScenarioError(f"{where}: no column {column!r} (has {shorten(', '.join(map(str, table.columns)), 200)}); "
                                "name an existing one")
        value_col = column
    else:
        others = [c for c in table.columns if c != time_col]
        if "local_time" in (str(c).strip().lower() for c in others):  # renewables.ninja's layout without its # lines
            raise ScenarioError(f"{where}: columns {shorten(', '.join(map(str, table.columns)), 200)} look like a renewables.ninja "
                                "export without its # header lines (which say its time is UTC and its capacity); give the file as "
                                "downloaded, or keep one timestamp column in local standard time and one value column")
        if len(others) != 1:
            raise ScenarioError(f"{where}: several value columns ({shorten(', '.join(map(str, others)), 200)}) beside the timestamp; "
                                f"the scenario names a file, not a column: keep the timestamp and the one column of {name}'s values")
        value_col = others[0]

    def line(i: int) -> int:
        return i + CSV_HEADER_LINES + 1

    times, note = _local_standard_times(table[time_col], where, line)
    if clock == "local" and not note:  # naive wall-clock times: daylight saving taken out
        if time_zone is None:
            raise ScenarioError(f"{where}: its times are on the local clock but no time zone is known; give site.time_zone")
        offset = utc_offset_hours if utc_offset_hours is not None else standard_offset_hours(time_zone, int(index[0].year))
        times = clock_to_standard(times, time_zone, offset, where)
        note = f"local clock times of {time_zone} put on local standard time"
    values = pd.to_numeric(table[value_col], errors="coerce").to_numpy(dtype=float)
    converted = ""
    energy = False
    if unit is not None:
        factor, named = _header_factor(str(value_col), unit, where, name)
        energy = unit == "MW" and named in ENERGY_UNITS
        if factor != 1.0:
            values = values * factor
            converted = f"{shorten(str(value_col))} in {named}, converted to {unit}"
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        raw = table[value_col].iloc[i]
        shown = "empty" if pd.isna(raw) else shorten(str(raw))
        raise ScenarioError(f"{where}: line {line(i)}: value {shown} in {shorten(str(value_col))} is missing or not a number; fill the gap")
    dup = np.flatnonzero(times.duplicated())
    if dup.size:
        i = int(dup[0])
        raise ScenarioError(f"{where}: line {line(i)}: timestamp {times[i]} appears twice (a daylight-saving change?); "
                            "use local standard time, UTC or ISO timestamps with their UTC offset, one row per hour")
    resampled = ""
    step = _sub_hourly_step(times)
    if step is not None:
        times, values, resampled = _to_hourly(times, values, step, energy, where, str(value_col), name)
        line = _no_line  # rows are hours now; bounds are checked on the hourly values
    if len(values) != len(index):
        rows = f"{len(values)} hours (its {resampled.split(' resampled')[0]}, resampled)" if resampled else f"{len(values)} rows"
        raise ScenarioError(f"{where}: {rows} but the index has {len(index)} hours "
                            f"({index[0]} .. {index[-1]}); give one row per hour")
    if (values < lower).any():
        i = int(np.flatnonzero(values < lower)[0])
        raise ScenarioError(f"{where}: line {line(i)}: {shorten(str(value_col))} {values[i]:g} is below {lower:g}; correct or clip it")
    if (values > upper).any():
        i = int(np.flatnonzero(values > upper)[0])
        raise ScenarioError(f"{where}: line {line(i)}: {shorten(str(value_col))} {values[i]:g} is above {upper:g}; correct or clip it")

    restamped = ""
    if times.isin(index).all():
        values = pd.Series(values, index=times).reindex(index).to_numpy()
    else:
        order = np.argsort(times.to_numpy(), kind="stable")
        steps = np.diff(times.to_numpy()[order])
        if not np.all(steps == ONE_HOUR):
            at = int(np.flatnonzero(steps != ONE_HOUR)[0])
            raise ScenarioError(f"{where}: timestamps are not consecutive hours ({times[order[at]]} then {times[order[at + 1]]}); "
                                "give one row per hour with no gaps")
        first, last = times[order[0]], times[order[-1]]
        if not any((t.month, t.day, t.hour) == (index[0].month, index[0].day, index[0].hour) for t in (first, first - ONE_HOUR)):
            # in order onto the index only from the same point of the calendar (hour-ending stamps one hour on): a
            # July-to-June year would put summer in January
            raise ScenarioError(f"{where}: its hours run {first} .. {last}, not the index's {index[0]} .. {index[-1]} on another "
                                f"year's calendar; give hours from {index[0]:%d %B %H:%M} of a year (the plan's own year is site.year)")
        values = values[order]
        restamped = f"{first} .. {last}"
    source = "; ".join([str(path), *filter(None, [converted, resampled, restamped and f"restamped in order from {restamped}"])])
    out = _series(values, index, name, synthetic=False, source=source)
    if restamped:
        out.attrs["restamped_from"] = restamped
    if resampled:
        out.attrs["resampled"] = f"{name} {path.name}: {resampled}"
    if note:
        out.attrs["note"] = note
    return out


def _no_line(i: int) -> str:
    return f"hour {i + 1} (after resampling)"


def _sub_hourly_step(times: pd.DatetimeIndex) -> pd.Timedelta | None:
    """The step of a series finer than an hour (its most common step, when under an hour), else ``None``."""
    if len(times) < 2:
        return None
    steps = np.diff(np.sort(times.to_numpy()))
    values, counts = np.unique(steps, return_counts=True)
    common = pd.Timedelta(values[int(np.argmax(counts))])
    return common if pd.Timedelta(0) < common < pd.Timedelta(ONE_HOUR) else None


def _to_hourly(times: pd.DatetimeIndex, values: np.ndarray, step: pd.Timedelta, energy: bool, where: str, column: str,
               name: str) -> tuple[pd.DatetimeIndex, np.ndarray, str]:
    """A regular sub-hourly series as hourly values: the mean of each hour's values (power, price, ratio), or
    their sum (``energy``: MWh in each step add up to the hour's MWh, which is its mean MW). Refused, naming the
    file and the field: a step that does not divide the hour, an irregular step or a gap, an hour not wholly
    covered."""
    hour = pd.Timedelta(ONE_HOUR)
    if hour % step != pd.Timedelta(0):
        raise ScenarioError(f"{where}: a step of {_minutes(step)} does not divide the hour; give {name} at 5, 10, 15, 20, 30 or 60 minutes")
    order = np.argsort(times.to_numpy(), kind="stable")
    stamps, ordered = times[order], values[order]
    gaps = np.flatnonzero(np.diff(stamps.to_numpy()) != step.to_timedelta64())
    if gaps.size:
        i = int(gaps[0])
        raise ScenarioError(f"{where}: {column} is not a regular {_minutes(step)} series ({stamps[i]} then {stamps[i + 1]}); "
                            f"give {name} at one step with no gaps")
    per_hour = int(hour / step)
    if stamps[0] != stamps[0].floor("h") or len(stamps) % per_hour:
        raise ScenarioError(f"{where}: {column} at {_minutes(step)} starts at {stamps[0]} and has {len(stamps)} rows, not whole hours "
                            f"({per_hour} rows from hh:00); give whole hours of {name}")
    hourly = ordered.reshape(-1, per_hour)
    out = hourly.sum(axis=1) if energy else hourly.mean(axis=1)
    how = "summed (energy)" if energy else "averaged (power, price or ratio)"
    return (pd.DatetimeIndex(stamps[::per_hour]), out,
            f"{len(stamps)} values at {_minutes(step)} resampled to {len(out)} hourly values, {per_hour} a hour {how}")


def _minutes(step: pd.Timedelta) -> str:
    return f"{step / pd.Timedelta(minutes=1):g} min"


def header_unit(header: str) -> tuple[str, str, float] | None:
    """The unit a value column's header names, as (quantity: a key of :data:`HEADER_UNITS`, the unit as
    :data:`HEADER_UNITS` spells it, its factor to the quantity's unit), the longest found; ``None`` when none.
    ``$`` is USD, ``_per_`` and ``per`` are ``/``, and CO2 is dropped (``gCO2/kWh`` is ``g/kWh``)."""
    text = str(header).lower().replace("us$", "usd").replace("$", "usd")
    text = re.sub(r"\s*(?:_per_|\bper\b|/)\s*", "/", text)
    text = re.sub(r"\s*co2e?\s*", "", text)
    found = None
    for quantity, units in HEADER_UNITS.items():
        for written, factor in units.items():
            if re.search(rf"(?<![a-z0-9]){re.escape(written.lower())}(?![a-z0-9])", text) and (found is None or len(written) > len(found[1])):
                found = (quantity, written, factor)
    return found


def _header_factor(header: str, unit: str, where: str, name: str) -> tuple[float, str]:
    """The factor from the unit ``header`` names to ``unit`` (1 when it names none), and that unit as named."""
    found = header_unit(header)
    if found is None:
        return 1.0, unit
    quantity, written, factor = found
    if quantity != unit:
        raise ScenarioError(f"{where}: its value column {shorten(header)} is in {written}, but {name} is in {unit}; "
                            f"give {name}'s values in {unit} (or in a unit of the same quantity named in the header)")
    return factor, written


