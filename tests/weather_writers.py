"""Measured weather files written in their published layouts (NSRDB PSM3/PSM4, PVGIS hourly and TMY, EPW, TMY3,
renewables.ninja) around a clear sky computed at a known site (El Paso): the fixtures of tests/weather/test_weather_files.py
and the seeds of tests/test_fuzz.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from gigawatt.weather.synthetic import hourly_index

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "west-texas-grid-gas.yaml"
GIGAWATT = Path(sys.executable).with_name("gigawatt")
LAT, LON = 31.8, -106.4  # El Paso, the site of examples/west-texas-grid-gas.yaml
OFFSET = -7  # its local standard time: round(LON / 15), Mountain Standard Time
YEAR = 2025  # the example's plan year
ONE_HOUR = pd.Timedelta(hours=1)
TYPICAL_YEARS = [2009, 2012, 2014, 2010, 2011, 2013, 2011, 2011, 2013, 2013, 2013, 2011]  # a month,year table


# --- the sky the fixtures carry -------------------------------------------------------------------------------


def sky(utc: pd.DatetimeIndex) -> pd.DataFrame:
    """Clear-sky GHI, DNI, DHI (W/m2) and a smooth air temperature (°C) for the hours beginning at ``utc``
    (tz-aware UTC), evaluated at each hour's middle."""
    middle = utc + pd.Timedelta(minutes=30)
    location = pvlib.location.Location(LAT, LON, altitude=1190)
    clear = location.get_clearsky(middle, model="ineichen")
    doy = middle.day_of_year.to_numpy()
    local_hour = (middle.hour.to_numpy() + middle.minute.to_numpy() / 60 + OFFSET) % 24
    temp = 18 + 10 * np.sin(2 * np.pi * (doy - 110) / 365) + 6 * np.sin(2 * np.pi * (local_hour - 9) / 24)
    return pd.DataFrame({"ghi": clear["ghi"].to_numpy(), "dni": clear["dni"].to_numpy(), "dhi": clear["dhi"].to_numpy(),
                         "temp_air": temp}, index=utc).fillna(0.0)


def output_share(utc: pd.DatetimeIndex) -> np.ndarray:
    """A made-up output per unit of capacity (0..1) as a function of UTC time, to check alignment exactly."""
    hours = (utc - pd.Timestamp("2000-01-01", tz="UTC")) / ONE_HOUR
    return np.round(0.5 + 0.45 * np.sin(2 * np.pi * hours / 24) * np.cos(2 * np.pi * hours / (24 * 7.3)), 3)


def plan_truth(index: pd.DatetimeIndex) -> pd.DataFrame:
    """The sky the plan should see: its index is local standard time UTC-7, hour-beginning."""
    return sky((index - pd.Timedelta(hours=OFFSET)).tz_localize("UTC")).set_axis(index)


def year_hours(year: int, offset: float = 0.0) -> pd.DatetimeIndex:
    """The hours of a calendar year on a wall clock ``offset`` hours from UTC, as UTC instants."""
    wall = hourly_index(year)
    return (wall - pd.Timedelta(hours=offset)).tz_localize("UTC")


def typical_hours(years: list[int], offset: float = 0.0) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """A typical year's wall-clock hours (each month from its own year, no 29 February) and their UTC instants."""
    parts = []
    for month, year in enumerate(years, start=1):
        start = pd.Timestamp(year, month, 1)
        days = 28 if month == 2 else start.days_in_month
        parts.append(pd.date_range(start, periods=days * 24, freq="h"))
    wall = parts[0].append(parts[1:])
    return wall, (wall - pd.Timedelta(hours=offset)).tz_localize("UTC")


# --- the published layouts -------------------------------------------------------------------------------------

NSRDB_FIELDS = ("Source,Location ID,City,State,Country,Latitude,Longitude,Time Zone,Elevation,Local Time Zone,"
                "Clearsky DHI Units,Clearsky DNI Units,Clearsky GHI Units,Dew Point Units,DHI Units,DNI Units,GHI Units,"
                "Solar Zenith Angle Units,Temperature Units,Pressure Units,Relative Humidity Units,Precipitable Water Units,"
                "Wind Direction Units,Wind Speed Units,Cloud Type -15,Cloud Type 0,Cloud Type 1,Cloud Type 2,Cloud Type 3,"
                "Cloud Type 4,Cloud Type 5,Cloud Type 6,Cloud Type 7,Cloud Type 8,Cloud Type 9,Cloud Type 10,Cloud Type 11,"
                "Cloud Type 12,Fill Flag 0,Fill Flag 1,Fill Flag 2,Fill Flag 3,Fill Flag 4,Fill Flag 5,Surface Albedo Units,Version")
NSRDB_UNITS = ("w/m2,w/m2,w/m2,c,w/m2,w/m2,w/m2,Degree,c,mbar,%,cm,Degrees,m/s,N/A,Clear,Probably Clear,Fog,Water,"
               "Super-Cooled Water,Mixed,Opaque Ice,Cirrus,Overlapping,Overshooting,Unknown,Dust,Smoke,N/A,Missing Image,"
               "Low Irradiance,Exceeds Clearsky,Missing CLoud Properties,Rayleigh Violation,N/A")


def write_nsrdb(path: Path, year: int | None = YEAR, *, zone: int = OFFSET, version: str = "v3.2.2", minute: int = 30,
                typical: list[int] | None = None, days: int | None = None) -> Path:
    """An NSRDB PSM CSV as the API and the viewer write it: two metadata lines, the data header, one row per hour
    (hourly data labelled at hh:30, TMY at hh:00 or hh:30) in the file's ``Time Zone``; Excel's trailing empty
    columns on the data lines included."""
    if typical:
        wall, utc = typical_hours(typical, zone)
    else:
        utc = year_hours(year, zone)
        wall = utc.tz_localize(None) + pd.Timedelta(hours=zone)
    if days:
        wall, utc = wall[: days * 24], utc[: days * 24]
    values = sky(utc)
    lines = [NSRDB_FIELDS, f"NSRDB,123456,-,-,-,31.81,-106.42,{zone},1194,{OFFSET},{NSRDB_UNITS},{version}",
             "Year,Month,Day,Hour,Minute,DHI,DNI,GHI,Clearsky DHI,Clearsky DNI,Clearsky GHI,Cloud Type,Dew Point,"
             "Solar Zenith Angle,Fill Flag,Surface Albedo,Wind Speed,Precipitable Water,Wind Direction,Relative Humidity,"
             "Temperature,Pressure" + "," * 6]
    for w, (ghi, dni, dhi, temp) in zip(wall, values.itertuples(index=False)):
        lines.append(f"{w.year},{w.month},{w.day},{w.hour},{minute},{dhi:.0f},{dni:.0f},{ghi:.0f},{dhi:.0f},{dni:.0f},"
                     f"{ghi:.0f},0,-5,90,0,0.2,2.5,1.1,200,30,{temp:.1f},880" + "," * 6)
    path.write_text("\n".join(lines) + "\n")
    return path


def _pvgis_head(slope: float, pv_kwp: float | None) -> list[str]:
    head = ["Latitude (decimal degrees):\t31.800", "Longitude (decimal degrees):\t-106.400", "Elevation (m):\t1190",
            "Radiation database:\tPVGIS-NSRDB", ""]
    if pv_kwp is not None:
        head += [f"Nominal power of the PV system (c-Si) (kWp):\t{pv_kwp:.1f}", "System losses (%):\t14.0"]
    return head + ["", f"Slope: {slope:g} deg. ", "Azimuth: 0 deg. "]


PVGIS_LEGEND = ["", "G(i): Global irradiance on the inclined plane (plane of the array) (W/m2)", "H_sun: Sun height (degree)",
                "T2m: 2-m air temperature (degree Celsius)", "WS10m: 10-m total wind speed (m/s)",
                "Int: 1 means solar radiation values are reconstructed", "", "", "", "PVGIS (c) European Union, 2001-2024"]


def write_pvgis_hourly(path: Path, year: int = 2020, *, slope: float = 0, pv_kwp: float | None = None,
                       days: int | None = None) -> Path:
    """A PVGIS hourly series (seriescalc) CSV: the header block, ``time,...`` in UTC at hh:10, the legend."""
    utc = year_hours(year)[: days * 24 if days else None]
    values = sky(utc)
    elevation = 90 - pvlib.solarposition.get_solarposition(utc + pd.Timedelta(minutes=10), LAT, LON)["apparent_zenith"]
    columns = "time,P,G(i),H_sun,T2m,WS10m,Int" if pv_kwp is not None else "time,G(i),H_sun,T2m,WS10m,Int"
    lines = [*_pvgis_head(slope, pv_kwp), columns]
    share = output_share(utc)
    for t, ghi, h, temp, p in zip(utc, values["ghi"], elevation.clip(lower=0), values["temp_air"], share):
        watts = f"{p * pv_kwp * 1000:.2f}," if pv_kwp is not None else ""
        lines.append(f"{t:%Y%m%d:%H}10,{watts}{ghi:.2f},{h:.2f},{temp:.2f},2.1,0.0")
    path.write_text("\n".join(lines + PVGIS_LEGEND) + "\n")
    return path


def write_pvgis_tmy(path: Path, years: list[int] = TYPICAL_YEARS) -> Path:
    """A PVGIS TMY CSV: location lines, the month,year table, ``time(UTC),...`` (8760 rows), the legend."""
    wall, utc = typical_hours(years, 0)
    values = sky(utc)
    lines = ["Latitude (decimal degrees): 31.800", "Longitude (decimal degrees): -106.400", "Elevation (m): 1190.0",
             "month,year", *[f"{m},{y}" for m, y in enumerate(years, start=1)],
             "time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP"]
    for t, (ghi, dni, dhi, temp) in zip(wall, values.itertuples(index=False)):
        lines.append(f"{t:%Y%m%d:%H%M},{temp:.2f},30.0,{ghi:.2f},{dni:.2f},{dhi:.2f},300.0,2.5,200.0,88000.0")
    lines += ["", "T2m: 2-m air temperature (degree Celsius)", "RH: relative humidity (%)",
              "G(h): Global irradiance on the horizontal plane (W/m2)",
              "Gb(n): Beam/direct irradiance on a plane always normal to sun rays (W/m2)",
              "Gd(h): Diffuse irradiance on the horizontal plane (W/m2)", "", "PVGIS (c) European Union, 2001-2024"]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_epw(path: Path, years: list[int] = TYPICAL_YEARS, *, missing_at: int | None = None) -> Path:
    """An EnergyPlus weather file: eight header records, then 8760 rows of 35 fields, hour 1..24 ending the hour,
    local standard time (the LOCATION record's zone)."""
    wall, utc = typical_hours(years, OFFSET)
    values = sky(utc)
    lines = ["LOCATION,El Paso Intl Ap,TX,USA,TMY3,722700,31.81,-106.38,-7.0,1194.0", "DESIGN CONDITIONS,0",
             "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0", "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
             "COMMENTS 1,Written for gigawatt's tests in the EnergyPlus layout", "COMMENTS 2,clear sky",
             "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31"]
    for i, (t, (ghi, dni, dhi, temp)) in enumerate(zip(wall, values.itertuples(index=False))):
        if i == missing_at:
            ghi = 9999
        lines.append(f"{t.year},{t.month},{t.day},{t.hour + 1},60,?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9,"
                     f"{temp:.1f},-5.0,30,88000,0,1415,300,{ghi:.0f},{dni:.0f},{dhi:.0f},0,0,0,0,200,2.5,0,0,16.1,77777,9,"
                     "999999999,3,0.1190,0,88,0.200,0.0,1.0")
    path.write_text("\n".join(lines) + "\n")
    return path


GREENSBORO_TMY3 = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"  # a published TMY3 file pvlib ships
# the first data row of that file: the fields a TMY3 row carries besides those written below
TMY3_ROW = ("01/01/1988,01:00,0,0,0,1,0,0,1,0,0,1,0,0,1,0,0,1,0,0,1,0,0,1,0,10,A,7,10,A,7,10.0,A,7,6.1,A,7,77,A,7,993,"
            "A,7,200,A,7,6.2,A,7,16100,B,7,1370,A,7,1.5,E,8,0.000,?,0,0.00,?,0,0,1,D,9,00,C,8")


def write_tmy3(path: Path, years: list[int] = TYPICAL_YEARS) -> Path:
    """A TMY3 CSV: the station line, the 71-column header, one row per hour stamped at its end (01:00..24:00)
    in local standard time."""
    header = ("Date (MM/DD/YYYY),Time (HH:MM),ETR (W/m^2),ETRN (W/m^2),GHI (W/m^2),GHI source,GHI uncert (%),DNI (W/m^2),"
              "DNI source,DNI uncert (%),DHI (W/m^2),DHI source,DHI uncert (%),GH illum (lx),GH illum source,"
              "Global illum uncert (%),DN illum (lx),DN illum source,DN illum uncert (%),DH illum (lx),DH illum source,"
              "DH illum uncert (%),Zenith lum (cd/m^2),Zenith lum source,Zenith lum uncert (%),TotCld (tenths),"
              "TotCld source,TotCld uncert (code),OpqCld (tenths),OpqCld source,OpqCld uncert (code),Dry-bulb (C),"
              "Dry-bulb source,Dry-bulb uncert (code),Dew-point (C),Dew-point source,Dew-point uncert (code),RHum (%),"
              "RHum source,RHum uncert (code),Pressure (mbar),Pressure source,Pressure uncert (code),Wdir (degrees),"
              "Wdir source,Wdir uncert (code),Wspd (m/s),Wspd source,Wspd uncert (code),Hvis (m),Hvis source,"
              "Hvis uncert (code),CeilHgt (m),CeilHgt source,CeilHgt uncert (code),Pwat (cm),Pwat source,"
              "Pwat uncert (code),AOD (unitless),AOD source,AOD uncert (code),Alb (unitless),Alb source,"
              "Alb uncert (code),Lprecip depth (mm),Lprecip quantity (hr),Lprecip source,Lprecip uncert (code),"
              "PresWth (METAR code),PresWth source,PresWth uncert (code)")
    template = TMY3_ROW.split(",")
    wall, utc = typical_hours(years, OFFSET)
    values = sky(utc)
    lines = ['722700,"EL PASO INTL AP",TX,-7.0,31.800,-106.400,1194', header]
    for t, (ghi, dni, dhi, temp) in zip(wall, values.itertuples(index=False)):
        row = list(template)
        row[0], row[1] = f"{t:%m/%d/%Y}", f"{t.hour + 1:02d}:00"
        row[4], row[7], row[10], row[31] = f"{ghi:.0f}", f"{dni:.0f}", f"{dhi:.0f}", f"{temp:.1f}"
        lines.append(",".join(row))
    path.write_text("\n".join(lines) + "\n")
    return path


def write_ninja(path: Path, dataset: str, year: int = 2019, *, capacity: float = 1.0) -> Path:
    """A renewables.ninja point-API CSV as downloaded: three ``#`` lines (dataset; units; units and parameters as
    JSON), then ``time,local_time,<columns>`` with ``time`` in UTC beginning its hour."""
    utc = year_hours(year)
    local = utc.tz_convert("America/Denver")
    params = {"local_time": True, "header": True, "lat": "31.8", "lon": "-106.4", "date_from": f"{year}-01-01",
              "date_to": f"{year}-12-31", "dataset": "merra2"}
    if dataset == "weather":
        title = "Renewables.ninja Weather (Point API) - 31.8000, -106.4000 - Version: 1.3"
        units = {"time": "UTC", "local_time": "America/Denver", "t2m": "°C", "radiation_surface": "W/m²"}
        params.update(var_t2m=True, var_swgdn=True)
        values = sky(utc)
        rows = [f"{t2m:.3f},{ghi:.3f}" for t2m, ghi in zip(values["temp_air"], values["ghi"])]
    else:
        title = ("Renewables.ninja Solar PV (Point API) - 31.8000, -106.4000 - Version: 1.1 (using GSEE v0.3.1)"
                 if dataset == "pv" else "Renewables.ninja Wind (Point API) - 31.8000, -106.4000 - Version: 1.1")
        units = {"time": "UTC", "local_time": "America/Denver", "electricity": "kW"}
        params.update(capacity=f"{capacity:g}", **({"system_loss": "0.1", "tracking": "1", "tilt": "35", "azim": "180"}
                                                   if dataset == "pv" else {"height": "100", "turbine": "Vestas V90 2000"}))
        rows = [f"{v * capacity:.3f}" for v in output_share(utc)]
    columns = "t2m,radiation_surface" if dataset == "weather" else "electricity"
    lines = [f"# {title} - License: https://creativecommons.org/licenses/by-nc/4.0/ - Reference: https://www.renewables.ninja/",
             "# Units: " + ", ".join(f"{k} in {v}" for k, v in units.items()),
             "# " + json.dumps({"units": units, "params": params}), f"time,local_time,{columns}"]
    lines += [f"{t:%Y-%m-%d %H:%M},{lt:%Y-%m-%d %H:%M},{row}" for t, lt, row in zip(utc, local, rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
