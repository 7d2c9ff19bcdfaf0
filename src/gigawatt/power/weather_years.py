"""Plan the same site on several weather years and say how much cost and firm supply move between them.

A single year of solar and wind hides the worst week of the decade. This module takes hourly capacity
factors for many years (e.g. the ERA5 2010–2020 series read by :func:`read_era5_cf`), solves the site
plan once per year with everything else held fixed (load, options, constraints), and returns one row a
year plus a min/max/spread :func:`summary`.

Units: capacities MW, energy MWh, costs USD per modelled year (the catalog's dollar year), LCOE USD/MWh,
CO2 tCO2 per year, capacity factors per unit (0..1), time an hourly index.

Time alignment (:func:`align_to_index`): weather series are hour-of-year in **UTC**; the plan's index is
local standard time (``profiles.hourly_index``: tz-naive, hour-beginning). Each year's series is first
turned into local standard time by a fixed whole-hour offset (``utc_offset_hours``, e.g. -7 for West
Texas, see :func:`standard_offset_hours`), wrapping the |offset| hours that fall into the neighbouring
year round within the same weather year (night hours for US sites). Then each timestamp of the plan's
index takes the weather year's value at the same month, day and hour: a leap weather year loses its
29 February when the plan's year has none; a plan's 29 February takes 28 February of a common year.

The module does no file I/O except :func:`read_era5_cf`, which takes its path as an argument.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.core.spec import RunSettings
from gigawatt.core.errors import DataError, ScenarioError
from gigawatt.core.progress import tell
from gigawatt.core.units import shorten
from gigawatt.power.inputs import PlanInputs
from gigawatt.power.solve import optimise

ERA5_KEYS = ("year", "hour_of_year_utc")
HOURS_PER_WEEK = 168
DEGREES_PER_HOUR = 15.0
SUMMARY_COLUMNS = ("lcoe_usd_per_mwh", "annual_cost_usd", "firm_mw")

__all__ = ["align_to_index", "era5_hour_beginning", "read_era5_cf", "standard_offset_hours", "summary", "weather_year_plans", "worst_week"]


def _year_hours(year: int) -> int:
    return 8784 if pd.Timestamp(year=year, month=1, day=1).is_leap_year else 8760


def _utc_index(year: int) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(year=year, month=1, day=1, tz="UTC"), periods=_year_hours(year), freq="h", name="time")


def era5_hour_beginning(values: np.ndarray | pd.Series) -> np.ndarray:
    """One year of an ERA5 capacity-factor file's values (per unit, rows in file order) on hour-beginning hours.

    The file's rows are hour-ending: the row labelled ``hour_of_year_utc`` k holds the hour that ends at k:00
    UTC (ERA5's radiation is accumulated over the hour before its stamp; the Carnegie 2010-2020 file's mean
    solar day centres 0.9 h after the solar noon of its cells when read as hour-beginning, see the catalog's
    ``us_conus_top25_era5_2018`` profile). The hour that begins at k:00 is therefore row k + 1; the year's
    last hour takes its first row (the hour ending at 00:00 on 1 January), wrapped round within the year as
    :func:`align_to_index` wraps. The one definition of the file's time convention: the reader and the
    bundled profile made from the file both use it.
    """
    return np.roll(np.asarray(values, dtype=float), -1)


def era5_columns() -> dict[str, str]:
    """CSV column -> the supply option whose hours it holds: the catalog's weather-driven technologies with a
    ``weather_column`` (``solar_cf``, ``wind_cf``)."""
    return {v.weather_column: tech for tech, v in catalog.variable_technologies().items() if v.weather_column}


def read_era5_cf(path: Path | str) -> dict[int, dict[str, pd.Series]]:
    """Read an hourly solar/wind capacity-factor CSV (columns year, hour_of_year_utc, solar_cf, wind_cf).

    Returns ``{year: {technology: Series}}``, one series per column of :func:`era5_columns` keyed by the
    catalog technology it drives: per-unit capacity factors (0..1),
    each indexed by that year's hours in UTC (tz-aware, 8760 points, 8784 in leap years), each stamp the
    beginning of its hour: the file's rows are hour-ending and move one hour earlier
    (:func:`era5_hour_beginning`). Raises
    :class:`DataError` naming the file, the column and the first bad line when the file is missing,
    a column is absent or not numeric, a value is missing or outside 0..1, or a year's hours are not
    0..N-1 in order.
    """
    path = Path(path)
    columns = era5_columns()
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file; give the path to the hourly capacity-factor CSV") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not a readable CSV ({exc}); expected columns {', '.join([*ERA5_KEYS, *columns])}") from None
    missing = [c for c in (*ERA5_KEYS, *columns) if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: column '{missing[0]}' is missing (has {', '.join(map(str, frame.columns))}); expected {', '.join([*ERA5_KEYS, *columns])}")
    if frame.empty:
        raise DataError(f"{path}: has a header but no rows; give at least one full year of hours")
    for column in (*ERA5_KEYS, *columns):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna()
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise DataError(f"{path}: column '{column}' line {row + 2}: {frame[column].iloc[row]!r} is not a number; fill or fix it")
        if column in ERA5_KEYS and (values != values.round()).any():
            row = int((values != values.round()).to_numpy().argmax())
            raise DataError(f"{path}: column '{column}' line {row + 2}: {values.iloc[row]!r} is not a whole number")
        if column in columns and ((values < 0) | (values > 1)).any():
            row = int(((values < 0) | (values > 1)).to_numpy().argmax())
            raise DataError(f"{path}: column '{column}' line {row + 2}: {values.iloc[row]:g} is outside 0..1; capacity factors are per unit")
        frame[column] = values
    out: dict[int, dict[str, pd.Series]] = {}
    for year, rows in frame.groupby("year", sort=True):
        year = int(year)
        if not 1900 <= year <= 2200:
            raise DataError(f"{path}: column 'year': {year} is not a calendar year")
        hours = rows["hour_of_year_utc"].to_numpy()
        expected = np.arange(_year_hours(year))
        if len(hours) != len(expected) or not (hours == expected).all():
            raise DataError(
                f"{path}: column 'hour_of_year_utc': year {year} has {len(hours)} rows, expected hours 0..{len(expected) - 1} "
                "in order (8760 a year, 8784 in leap years)"
            )
        index = _utc_index(year)
        out[year] = {tech: pd.Series(era5_hour_beginning(rows[column]), index=index, name=tech) for column, tech in columns.items()}
    return out


def standard_offset_hours(longitude: float) -> int:
    """The whole-hour offset of local *solar* standard time from UTC at a longitude (°E): round(lon/15).

    El Paso (−106.4°) gives −7 (Mountain Standard Time). A site whose civil zone differs from its solar
    meridian should pass its own offset.
    """
    return int(round(longitude / DEGREES_PER_HOUR))


def align_to_index(cf: pd.Series, index: pd.DatetimeIndex, utc_offset_hours: int = 0) -> pd.Series:
    """Put one weather year's UTC hourly series (per unit) on the plan's local-standard-time index.

    ``cf`` holds one calendar year of hours in UTC (tz-aware UTC, or tz-naive read as UTC), 8760 or 8784
    points from 1 January 00:00. Local time = UTC + ``utc_offset_hours``; the hours shifted out of the
    year are wrapped round within the same year. Each timestamp of ``index`` (tz-naive, on the hour)
    then takes the value at the same month, day and hour of the weather year (29 February → 28 February
    when the weather year has none; the weather year's own 29 February is dropped when unused).
    """
    if not isinstance(cf.index, pd.DatetimeIndex) or len(cf) == 0:
        raise DataError(f"{cf.name}: a weather series needs an hourly DatetimeIndex")
    stamps = cf.index.tz_convert("UTC").tz_localize(None) if cf.index.tz is not None else cf.index
    year = int(stamps[0].year)
    expected = _utc_index(year).tz_localize(None)
    if not stamps.equals(expected):
        raise DataError(
            f"{cf.name}: weather year {year} must be one calendar year of UTC hours from {year}-01-01 00:00 "
            f"({len(expected)} points); it has {len(cf)} from {stamps[0]}"
        )
    if cf.isna().any():
        raise DataError(f"{cf.name}: weather year {year} has missing values (first at {stamps[cf.isna().to_numpy().argmax()]})")
    if not isinstance(utc_offset_hours, (int, np.integer)) or not -12 <= utc_offset_hours <= 14:
        raise ScenarioError(f"utc_offset_hours: {utc_offset_hours!r} is not a whole number of hours in -12..14; e.g. -7 for West Texas")
    if not isinstance(index, pd.DatetimeIndex) or index.tz is not None:
        raise ScenarioError("load: the plan's index must be a tz-naive DatetimeIndex in local standard time")
    if (index != index.floor("h")).any():
        raise ScenarioError("load: the plan's index must fall on whole hours to take hourly weather")
    # local[i] = utc[i - offset]: with offset -7, local 00:00 is 07:00 UTC
    local = pd.Series(np.roll(cf.to_numpy(dtype=float), int(utc_offset_hours)), index=expected)
    day = np.where((index.month == 2) & (index.day == 29) & (_year_hours(year) == 8760), 28, index.day)
    wanted = pd.to_datetime(pd.DataFrame({"year": np.full(len(index), year), "month": index.month, "day": day, "hour": index.hour}))
    values = local.reindex(pd.DatetimeIndex(wanted)).to_numpy()
    return pd.Series(values, index=index, name=cf.name)


def worst_week(capacity_factor: dict[str, pd.Series], capacity_mw: dict[str, float]) -> tuple[pd.Timestamp, float, float]:
    """The 168-hour window with the least solar + wind energy available from the built capacity.

    Energy is Σ_k capacity_k (MW) × cf_k,t over the window, MWh, before any curtailment; when no
    variable capacity is built, each series counts as 1 MW. Windows lie inside the index (no wrap).
    Returns (first hour of the window, its MWh, its MWh over the average week's).
    """
    if not capacity_factor:
        raise ScenarioError("worst week: the plan has no solar or wind series")
    built = {k: capacity_mw.get(k, 0.0) for k in capacity_factor}
    weights = built if any(v > 0 for v in built.values()) else dict.fromkeys(capacity_factor, 1.0)
    available = sum(weights[k] * s for k, s in capacity_factor.items())
    if len(available) < HOURS_PER_WEEK:
        raise ScenarioError(f"worst week: needs at least {HOURS_PER_WEEK} hours, the plan has {len(available)}")
    window = available.rolling(HOURS_PER_WEEK).sum().iloc[HOURS_PER_WEEK - 1:]
    end = window.idxmin()
    start = available.index[available.index.get_loc(end) - (HOURS_PER_WEEK - 1)]
    average = float(available.mean()) * HOURS_PER_WEEK
    energy = float(window.min())
    return start, energy, energy / average if average > 0 else float("nan")


def weather_year_plans(inputs: PlanInputs, years_cf: dict[int, dict[str, pd.Series]], *, utc_offset_hours: int = 0,
                       segments: int | None = None, run: RunSettings | None = None) -> pd.DataFrame:
    """Solve ``inputs`` once per weather year, swapping in that year's solar and wind capacity factors
    (and, with ``segments``, solving each year on that many time segments made after the swap).

    ``years_cf`` maps a year to ``{technology: Series}`` of UTC hourly per-unit
    capacity factors (as :func:`read_era5_cf` returns); only the series of variable options in
    ``inputs`` are used, each aligned with :func:`align_to_index`. Load, options and constraints stay.

    One row per year (index ``weather_year``): ``lcoe_usd_per_mwh``; ``annual_cost_usd``;
    ``<option>_mw`` for every option (storage: discharge power); ``storage_mwh``; ``firm_mw``
    (nameplate of dispatchable options: neither variable nor storage) and ``firm_derated_mw`` (the same
    times availability, what a reserve margin counts); ``peak_load_mw``; ``unserved_energy_mwh``;
    ``carbon_free_share``; ``co2_t_per_year``; ``<option>_mean_cf``; and the worst week
    (``worst_week_start``, ``worst_week_mwh``, ``worst_week_ratio`` to an average week; see
    :func:`worst_week`).
    """
    if not years_cf:
        raise DataError("weather years: no years given; read them with read_era5_cf(path)")
    weather_driven = set(era5_columns().values())  # other hourly availability (a grid connection's) is not weather
    variable = [k for k in inputs.capacity_factor if k in weather_driven]
    if not variable:
        raise ScenarioError(f"supply.technologies: weather years change solar and wind only; allow {' or '.join(era5_columns().values())}")
    if getattr(inputs, "snapshot_weightings_h", None) is not None:
        raise ScenarioError("weather years: give hourly inputs (no time segments); segment each year's inputs after swapping its weather, not before")
    index = inputs.load_mw.index
    firm = inputs.firm_options()
    rows = []
    stage = run.stage if run else None
    tell(stage, "weather years planned", 0, len(years_cf))
    for year in sorted(years_cf):
        series = years_cf[year]
        absent = [k for k in variable if k not in series]
        if absent:
            raise DataError(f"weather year {year}: no '{absent[0]}' capacity factors (has {', '.join(series) or 'none'})")
        cf = {k: align_to_index(series[k].rename(f"{year} {k}"), index, utc_offset_hours).rename(k) for k in variable}
        case = replace(inputs, capacity_factor={**inputs.capacity_factor, **cf})
        if segments is not None:
            from gigawatt.power.aggregate import aggregate

            case = aggregate(case, segments)
        plan = optimise(case, run=run)
        start, energy, ratio = worst_week(cf, plan.capacity_mw)
        row = {
            "weather_year": int(year),
            "lcoe_usd_per_mwh": plan.lcoe_usd_per_mwh,
            "annual_cost_usd": plan.annual_cost_usd,
            **{f"{k}_mw": plan.capacity_mw.get(k, 0.0) for k in inputs.options},
            "storage_mwh": plan.storage_mwh,
            "firm_mw": sum(plan.capacity_mw.get(k, 0.0) for k in firm),
            "firm_derated_mw": sum(plan.capacity_mw.get(k, 0.0) * o.availability for k, o in firm.items()),
            "peak_load_mw": float(inputs.load_mw.max()),
            "unserved_energy_mwh": plan.unserved_energy_mwh,
            "carbon_free_share": plan.carbon_free_share,
            "co2_t_per_year": plan.co2_t_per_year,
            **{f"{k}_mean_cf": float(s.mean()) for k, s in cf.items()},
            "worst_week_start": start,
            "worst_week_mwh": energy,
            "worst_week_ratio": ratio,
        }
        rows.append(row)
        tell(stage, "weather years planned", len(rows), len(years_cf))
    return pd.DataFrame(rows).set_index("weather_year")


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Min, max, the years they fall in, and spread (max/min − 1, a ratio) of cost and firm capacity.

    Rows: ``lcoe_usd_per_mwh``, ``annual_cost_usd``, ``firm_mw`` (units as in :func:`weather_year_plans`);
    columns ``min``, ``max``, ``min_year``, ``max_year``, ``spread``. Spread is NaN when the minimum is 0.
    """
    missing = [c for c in SUMMARY_COLUMNS if c not in frame.columns]
    if missing or frame.empty:
        raise DataError(f"weather-year summary: needs rows with columns {', '.join(SUMMARY_COLUMNS)} (missing: {', '.join(missing) or 'rows'})")
    out = {}
    for column in SUMMARY_COLUMNS:
        values = frame[column].astype(float)
        low, high = float(values.min()), float(values.max())
        out[column] = {
            "min": low, "max": high, "min_year": values.idxmin(), "max_year": values.idxmax(),
            "spread": high / low - 1.0 if low > 0 else float("nan"),
        }
    return pd.DataFrame.from_dict(out, orient="index")


MAX_YEARS = 1_000  # more weather years than any record holds
YEARS_ECHO_CHARS = 100  # the years' text echoed in an error is cut to this many characters


def parse_years(text: str, field: str) -> tuple[int, ...]:
    """``2010-2020`` or ``2012,2015,2019``: the weather years asked for (a range first to last, each year once);
    a mistake is a ScenarioError naming ``field``, where the text was given."""
    shown = shorten(text, YEARS_ECHO_CHARS)
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            if last < first:
                raise ScenarioError(f"{field} {shown}: the range is reversed; write the first year first, {last}-{first}")
            if last - first >= MAX_YEARS:
                raise ScenarioError(f"{field} {shown}: {last - first + 1:,} years is more than {MAX_YEARS:,}; give the years of the ERA5 file")
            return tuple(range(first, last + 1))
        years = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ScenarioError(f"{field} {shown}: give a range such as 2010-2020 or a list such as 2012,2019") from None
    if not years:
        raise ScenarioError(f"{field} {shown}: no years; give a range such as 2010-2020 or a list such as 2012,2019")
    twice = next((year for i, year in enumerate(years) if year in years[:i]), None)
    if twice is not None:
        raise ScenarioError(f"{field} {shown}: {twice} is given twice; give each year once")
    return years
