"""Hourly series the site power planner optimises over: facility load, and solar and wind output per MW.

Pure functions on an hourly :class:`pandas.DatetimeIndex` (see :func:`hourly_index`). Every series is a
``pd.Series`` of floats on exactly the index given, and carries ``attrs["synthetic"]`` (``True`` when made
here from a seeded model, ``False`` when it comes from the user's data) and ``attrs["source"]`` (text).

Time convention: each timestamp labels the hour that *begins* at it (00:00 is 00:00–01:00), in the site's
local *standard* time without daylight saving and without a time zone; values are averages over the hour.
Solar geometry is therefore evaluated at the middle of each hour.

- :func:`load_profile` — facility demand in MW for training, inference or mixed work (seeded shapes).
- :func:`solar_cf` — AC output per MW AC, from pvlib physics at the site (clear sky, a seeded cloudiness
  process calibrated to a mean clearness index, decomposition, transposition, PVWatts DC and inverter), or
  from the user's measured irradiance.
- :func:`wind_cf` — output per MW of a generic IEC class II turbine under a seeded wind-speed process,
  calibrated to a mean capacity factor.
- :func:`read_series_csv` — a user's hourly CSV, validated, on the index (it replaces a synthetic series).
- :func:`read_irradiance_csv` — measured irradiance for :func:`solar_cf`: NSRDB PSM3/PSM4, PVGIS hourly and TMY,
  EPW and TMY3 files through pvlib.iotools, renewables.ninja weather CSVs, or a plain CSV; the format is named.
- :func:`time_of_use` — an hourly price from a time-of-use table (months, hours of day, weekdays).
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
import json
import math
import operator
import re
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.errors import ScenarioError, check_file_size
from gigawatt.scenario import MESSAGE_CHARS
from gigawatt.units import shorten

# --- time ---------------------------------------------------------------------------------------------
MIN_YEAR, MAX_YEAR = 1980, 2100  # pvlib's solar-position and Linke-turbidity data are meant for this era
HOURS_PER_DAY = 24
DAYS_PER_YEAR = 365.25
ONE_HOUR = np.timedelta64(1, "h")
MID_HOUR = pd.Timedelta(minutes=30)  # hour-beginning labels: solar geometry at the hour's middle
MAX_UTC_OFFSET_HOURS = 14.0  # the widest civil offsets in use are UTC-12 and UTC+14

# --- load ---------------------------------------------------------------------------------------------
WORKLOADS = ("training", "inference", "mixed")
# Training jobs draw near-flat power; synchronised checkpoints and collectives make the whole cluster dip
# for minutes ("fluctuations ... on the order of tens of megawatts", Llama 3 paper, Dubey et al. 2024,
# §3.3.4). An hourly model sees them as a few hours a day a few percent low:
CHECKPOINT_DIPS_PER_DAY = 3  # assumption: hourly checkpointing is common; 3 visible dips per day
CHECKPOINT_DIP_MIN_SHARE = 0.05  # hour-average dip depth, lower bound (assumption, from the brief)
CHECKPOINT_DIP_MAX_SHARE = 0.15  # hour-average dip depth, upper bound (assumption, from the brief)
MAINTENANCE_DAYS_PER_QUARTER = (1, 2)  # whole-day stops per calendar quarter, inclusive range (assumption)
MAINTENANCE_LOAD_SHARE = 0.30  # load in a stop relative to normal: cooling, storage, network, idle servers
# (idle GPU servers draw roughly 20–30% of their rating; assumption)
# Inference follows its users. Public LLM serving traces (Azure, Patel et al. "Splitwise", ISCA 2024) vary
# roughly 2:1 in requests over a day; power swings less because idle servers still draw, so we assume:
INFERENCE_DIURNAL_AMPLITUDE = 0.20  # ± share of the daily mean: peak 1.20, trough 0.80 (assumption)
INFERENCE_PEAK_HOUR = 15.0  # local hour of the daily peak (mid-afternoon; assumption)
INFERENCE_TROUGH_HOUR = 4.0  # local hour of the daily trough (assumption)
INFERENCE_WEEKEND_FACTOR = 0.90  # Saturday and Sunday draw 10% less than weekdays (assumption)
INFERENCE_NOISE_SD = 0.02  # hour-to-hour demand noise, standard deviation as a share (assumption)
INFERENCE_NOISE_AR1 = 0.8  # lag-1 autocorrelation of that noise (assumption: traffic bursts last hours)
MIXED_TRAINING_SHARE = 0.5  # "mixed": half the energy to training, half to inference (the brief)

# --- solar --------------------------------------------------------------------------------------------
TRACKING_MODES = ("single_axis", "fixed")
TRACKER_AXIS_AZIMUTH_DEG = 180.0  # horizontal north–south axis, the usual utility layout
TRACKER_MAX_ANGLE_DEG = 60.0  # rotation limit of current horizontal single-axis trackers (±50–60°)
TRACKER_GCR = 0.4  # ground coverage ratio, PVWatts default for 1-axis backtracking (Dobos 2014, NREL/TP-6A20-62641)
ALBEDO = 0.2  # ground reflectance, PVWatts default (Dobos 2014)
TRANSPOSITION_MODEL = "haydavies"  # pvlib.irradiance.get_total_irradiance; needs only dni_extra
DC_AC_RATIO = 1.3  # MW DC of modules per MW AC of inverter: LBNL Utility-Scale Solar 2024 (median ILR ~1.3); ATB 2024 uses 1.34
SYSTEM_LOSSES_SHARE = 0.14  # PVWatts default total DC system losses 14% (Dobos 2014, NREL/TP-6A20-62641)
GAMMA_PDC_PER_C = -0.0037  # PVWatts v8 "standard" module power temperature coefficient, -0.37 %/°C
INVERTER_EFFICIENCY_NOMINAL = 0.96  # PVWatts nominal inverter efficiency (pvlib.inverter.pvwatts default)
AMBIENT_TEMPERATURE_C = 20.0  # daytime air temperature when none is given (assumption; pass temp_air to refine)
WIND_SPEED_FOR_CELL_TEMP_M_PER_S = 1.0  # pvlib.temperature.faiman default wind speed
# Cloudiness: clear-sky index kc = GHI / GHI_clear = KC_MAX * logistic(mu + day + hour), where "day" is an
# AR(1) across days and "hour" an AR(1) across hours (the two-scale structure of the TAG model, Aguiar &
# Collares-Pereira 1992, Solar Energy 49:167). mu is solved so the clearness index matches mean_clearness.
CLEAR_SKY_INDEX_MAX = 1.0  # no cloud enhancement above clear sky (hourly averages rarely exceed it)
DAILY_CLEARNESS_AR1 = 0.3  # day-to-day persistence of daily clearness (Aguiar et al. 1988, Solar Energy 40:269: 0.2–0.4)
HOURLY_CLEARNESS_AR1 = 0.8  # hour-to-hour persistence within the day; tuned to pvlib's Greensboro NC TMY3 file
DAILY_CLEARNESS_LOGIT_SD = 1.6  # spread of daily weather on the logit scale; tuned to Greensboro TMY3 daily kc
HOURLY_CLEARNESS_LOGIT_SD = 1.0  # spread within a day on the logit scale; tuned to Greensboro TMY3 hourly kc
CALIBRATION_BISECTION_STEPS = 60  # bisection halvings: far below the 0.5% calibration tolerance

# --- wind ---------------------------------------------------------------------------------------------
# Normalised power curve of the Gamesa G87-2.0 MW (IEC IIa), manufacturer curve at 1.225 kg/m3, as
# tabulated in open turbine libraries (e.g. renewables.ninja / windpowerlib): a generic IEC class II turbine.
POWER_CURVE_SPEED_M_PER_S = np.array([3.0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 25.0])
POWER_CURVE_SHARE = np.array(
    [0.0, 0.0395, 0.0905, 0.1675, 0.275, 0.416, 0.5875, 0.765, 0.908, 0.9815, 0.994, 0.998, 0.9995, 1.0, 1.0]
)
CUT_OUT_SPEED_M_PER_S = 25.0  # above it the turbine stops (IEC class II designs; the curve above)
IEC_CLASS_II_MEAN_SPEED_M_PER_S = 8.5  # IEC 61400-1 class II annual mean at hub height (0.2 × Vref 42.5 m/s)
WEIBULL_SHAPE = 2.0  # Rayleigh distribution of hub-height speeds, the IEC 61400-1 design assumption
WIND_SPEED_AR1 = 0.97  # hourly lag-1 autocorrelation of wind speed (Brown, Katz & Murphy 1984, J. Clim. Appl. Met. 23:1184)
# Diurnal and seasonal speed modulation (northern-hemisphere interior; ERA5 US top-25% hourly CF 2010–2020,
# Carnegie/Caldeira lab, shows capacity factor ±17% over a day with a late-evening peak, and a July–August low):
WIND_DIURNAL_AMPLITUDE = 0.07  # ± share of speed over a day (≈ ±17% in CF)
WIND_DIURNAL_PEAK_HOUR = 23.0  # local standard hour of the fastest winds (nocturnal low-level jet)
WIND_SEASONAL_AMPLITUDE = 0.12  # ± share of speed over a year (≈ +15% / -35% in CF)
WIND_SEASONAL_PEAK_DAY = 30.0  # day of year of the windiest season (winter–spring; summer minimum)
WIND_SCALE_GRID = np.geomspace(0.05, 6.0, 240)  # speed multipliers searched for the reachable CF range
CALIBRATION_TOLERANCE = 0.005  # calibrated means are within 0.5% of their targets (the brief)

# --- user CSV -----------------------------------------------------------------------------------------
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
CSV_HEADER_LINES = 1  # data row i (0-based) is file line i + 2
MAX_SERIES_CSV_BYTES = 200_000_000  # 200 MB: a year of hourly rows is 8,784 lines, ~1.5 MB for a 20-column NSRDB
# export and ~90 MB even for 1,000 value columns; a larger file is the wrong file and would take minutes to parse
UTC_OFFSET = re.compile(r"(?:[Zz]|[+-]\d{2}:?\d{2})$")  # ISO 8601 offset at the end of a timestamp: Z, -06:00, +0530


def max_series_magnitude() -> float:
    """Largest magnitude any hourly series the planner reads may have in its unit, the default bound of
    :func:`read_series_csv`: a site's load in MW cannot exceed the largest power system's demand (catalog
    ``max_system_demand_mw``), and prices (USD/MWh), shares and irradiance (W/m2) are far smaller."""
    return catalog.assumption("max_system_demand_mw")


def price_bounds_usd_per_mwh() -> tuple[float, float]:
    """Plausible hourly energy prices, USD/MWh (catalog ``price_floor_usd_per_mwh``, ``price_cap_usd_per_mwh``):
    negative prices as wholesale markets clear them are accepted, typing slips such as 1e12 are not."""
    return catalog.assumption("price_floor_usd_per_mwh"), catalog.assumption("price_cap_usd_per_mwh")


def hourly_index(year: int) -> pd.DatetimeIndex:
    """Hourly timestamps of one calendar year in local standard time (tz-naive, hour-beginning).

    8760 points (8784 in leap years), ``freq="h"``. Years outside 1980–2100 are a :class:`ScenarioError`.
    """
    try:
        year = operator.index(year)
    except TypeError:
        raise ScenarioError(f"year: {year!r} is not a whole number; give e.g. year: 2024") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ScenarioError(f"year: {year} is outside {MIN_YEAR}..{MAX_YEAR}; pick a year in that range")
    start = pd.Timestamp(year=year, month=1, day=1)
    hours = (pd.Timestamp(year=year + 1, month=1, day=1) - start) // pd.Timedelta(hours=1)
    return pd.date_range(start, periods=hours, freq="h", name="time")


# --- validation helpers ---------------------------------------------------------------------------------


def _number(name: str, value: object, *, low: float | None = None, high: float | None = None,
            low_open: bool = False, high_open: bool = False, fix: str = "") -> float:
    """``value`` as a finite float within the bounds, else a one-line :class:`ScenarioError` naming ``name``."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ScenarioError(f"{name}: {value!r} is not a number{'; ' + fix if fix else ''}") from None
    bad = not math.isfinite(x)
    if low is not None:
        bad |= x <= low if low_open else x < low
    if high is not None:
        bad |= x >= high if high_open else x > high
    if bad:
        lo = "" if low is None else f"{'(' if low_open else '['}{low:g}"
        hi = "" if high is None else f"{high:g}{')' if high_open else ']'}"
        span = f"{lo or '(-inf'}, {hi or 'inf)'}"
        raise ScenarioError(f"{name}: {value!r} is outside {span}{'; ' + fix if fix else ''}")
    return x


def _check_index(index: object) -> pd.DatetimeIndex:
    """The index, if it is a non-empty run of consecutive hours; else a :class:`ScenarioError`."""
    if not isinstance(index, pd.DatetimeIndex) or len(index) == 0:
        raise ScenarioError("index: expected a non-empty hourly pandas.DatetimeIndex; build one with hourly_index(year)")
    if len(index) > 1:
        steps = np.diff(index.to_numpy())
        if not np.all(steps == ONE_HOUR):
            at = int(np.flatnonzero(steps != ONE_HOUR)[0]) + 1
            raise ScenarioError(
                f"index: timestamps must be consecutive hours, but {index[at - 1]} is followed by {index[at]}; "
                "build one with hourly_index(year)"
            )
    return index


def _seed(seed: object) -> int:
    try:
        s = operator.index(seed)  # type: ignore[arg-type]
    except TypeError:
        raise ScenarioError(f"seed: {seed!r} is not a whole number; give e.g. seed: 0") from None
    if s < 0:
        raise ScenarioError(f"seed: {s} is negative; give a whole number >= 0")
    return s


def _rng(seed: int, stream: int) -> np.random.Generator:
    """Independent random stream ``stream`` for ``seed`` (so one component does not shift another)."""
    return np.random.default_rng(np.random.SeedSequence([seed, stream]))


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Stationary AR(1) with unit variance and lag-1 autocorrelation ``phi``: y_t = phi y_(t-1) + e_t.
    (A plain loop: a year takes milliseconds, and scipy.signal would cost a second to import.)"""
    noise = rng.standard_normal(n)
    noise[1:] *= math.sqrt(1.0 - phi * phi)  # first value drawn from the stationary N(0, 1)
    out = noise.tolist()
    for t in range(1, n):
        out[t] += phi * out[t - 1]
    return np.array(out)


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    """Φ(x) of the standard normal, elementwise (math.erfc, without importing scipy.special)."""
    return 0.5 * np.frompyfunc(math.erfc, 1, 1)(-x / math.sqrt(2.0)).astype(float)


def _bisect_increasing(f, target: float, lo: float, hi: float) -> float:
    """x in [lo, hi] with f(x) = target for an increasing f (f(lo) <= target <= f(hi))."""
    for _ in range(CALIBRATION_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _series(values: np.ndarray, index: pd.DatetimeIndex, name: str, *, synthetic: bool, source: str) -> pd.Series:
    s = pd.Series(np.asarray(values, dtype=float), index=index, name=name)
    s.attrs["synthetic"] = synthetic
    s.attrs["source"] = source
    return s


# --- load -----------------------------------------------------------------------------------------------


def _training_shape(index: pd.DatetimeIndex, rng_dips: np.random.Generator, rng_maint: np.random.Generator) -> np.ndarray:
    """1.0 with checkpoint dips (a few hours a day) and 1–2 maintenance days per calendar quarter."""
    n = len(index)
    shape = np.ones(n)
    n_days = -(-n // HOURS_PER_DAY)
    hours = rng_dips.random((n_days, HOURS_PER_DAY)).argsort(axis=1)[:, :CHECKPOINT_DIPS_PER_DAY]
    positions = (np.arange(n_days)[:, None] * HOURS_PER_DAY + hours).ravel()
    depth = rng_dips.uniform(CHECKPOINT_DIP_MIN_SHARE, CHECKPOINT_DIP_MAX_SHARE, positions.size)
    keep = positions < n
    shape[positions[keep]] -= depth[keep]

    day = index.normalize()
    quarter = (index.year * 4 + index.quarter).to_numpy()
    for q in np.unique(quarter):  # at most a handful of quarters: a short loop
        days = day[quarter == q].unique()
        k = min(len(days), int(rng_maint.integers(MAINTENANCE_DAYS_PER_QUARTER[0], MAINTENANCE_DAYS_PER_QUARTER[1] + 1)))
        stops = rng_maint.choice(len(days), size=k, replace=False)
        shape[day.isin(days[stops])] = MAINTENANCE_LOAD_SHARE
    return shape


def _inference_shape(index: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """Diurnal shape, mean 1 over a weekday: half-cosines from the trough (4 h) up to the peak (15 h) and back."""
    hour = index.hour.to_numpy() + 0.5  # middle of the hour
    rise = (INFERENCE_PEAK_HOUR - INFERENCE_TROUGH_HOUR) % HOURS_PER_DAY
    t = (hour - INFERENCE_TROUGH_HOUR) % HOURS_PER_DAY
    wave = np.where(t < rise, -np.cos(np.pi * t / rise), np.cos(np.pi * (t - rise) / (HOURS_PER_DAY - rise)))
    shape = 1.0 + INFERENCE_DIURNAL_AMPLITUDE * wave
    shape *= np.where(index.day_of_week.to_numpy() >= 5, INFERENCE_WEEKEND_FACTOR, 1.0)
    shape *= 1.0 + INFERENCE_NOISE_SD * _ar1(rng, len(index), INFERENCE_NOISE_AR1)
    return shape


def _fit_shape(shape: np.ndarray, average_mw: float, peak_mw: float) -> np.ndarray:
    """Scale a positive shape to mean ``average_mw`` without exceeding ``peak_mw``.

    Plain scaling when it fits; otherwise the shape's swings are shrunk towards the peak (an affine map that
    keeps the mean), so an average close to the peak gives a flatter profile rather than a broken bound.
    """
    s = shape / shape.max()
    m = float(s.mean())
    if average_mw <= peak_mw * m:
        load = s * (average_mw / m)
    else:
        load = peak_mw - (peak_mw - average_mw) * (1.0 - s) / (1.0 - m)
    return np.minimum(load, peak_mw)


def load_profile(index: pd.DatetimeIndex, peak_mw: float, average_mw: float, workload: str = "training",
                 seed: int = 0) -> pd.Series:
    """Facility demand, MW, on ``index`` (series name ``load_mw``): mean ``average_mw``, never above ``peak_mw``.

    - ``"training"``: flat, with ``CHECKPOINT_DIPS_PER_DAY`` random hours a day 5–15% low (checkpoints) and
      1–2 whole days per calendar quarter at ``MAINTENANCE_LOAD_SHARE`` (maintenance stops).
    - ``"inference"``: a daily wave ±``INFERENCE_DIURNAL_AMPLITUDE`` (peak 15:00, trough 04:00 local
      standard time), weekends ``INFERENCE_WEEKEND_FACTOR`` of weekdays, and 2% hourly noise.
    - ``"mixed"``: half the energy from each.

    The shape is scaled to the mean; when ``average_mw`` is so close to ``peak_mw`` that plain scaling would
    exceed the peak, its swings are shrunk instead (``average_mw == peak_mw`` gives a flat line). The mean
    equals ``average_mw`` to rounding. Deterministic for a given ``seed``.
    """
    index = _check_index(index)
    peak = _number("peak_mw", peak_mw, low=0.0, low_open=True, fix="give the facility's peak draw in MW, > 0")
    average = _number("average_mw", average_mw, low=0.0, low_open=True, fix="give the mean draw in MW, > 0")
    if average > peak:
        raise ScenarioError(f"average_mw: {average:g} MW exceeds peak_mw {peak:g} MW; the average must be <= the peak")
    if workload not in WORKLOADS:
        raise ScenarioError(f"workload: {workload!r} is not one of {', '.join(WORKLOADS)}; pick one of them")
    seed = _seed(seed)
    if workload == "training":
        shape = _training_shape(index, _rng(seed, 1), _rng(seed, 2))
    elif workload == "inference":
        shape = _inference_shape(index, _rng(seed, 3))
    else:
        train = _training_shape(index, _rng(seed, 1), _rng(seed, 2))
        infer = _inference_shape(index, _rng(seed, 3))
        shape = MIXED_TRAINING_SHARE * train / train.mean() + (1.0 - MIXED_TRAINING_SHARE) * infer / infer.mean()
    load = _fit_shape(shape, average, peak)
    return _series(load, index, "load_mw", synthetic=True,
                   source=f"gigawatt synthetic {workload} load (seed {seed}), mean {average:g} MW, peak <= {peak:g} MW")


# --- solar ----------------------------------------------------------------------------------------------


def _utc_times(index: pd.DatetimeIndex, longitude: float, utc_offset_hours: float | None) -> tuple[pd.DatetimeIndex, float]:
    """Mid-hour instants in UTC for a local-standard-time index (tz-aware indexes are converted as they are)."""
    if index.tz is not None:
        return (index + MID_HOUR).tz_convert("UTC"), float("nan")
    if utc_offset_hours is None:
        offset = float(round(longitude / 15.0))
    else:
        offset = _number("utc_offset_hours", utc_offset_hours, low=-MAX_UTC_OFFSET_HOURS, high=MAX_UTC_OFFSET_HOURS,
                         fix="give the site's standard-time offset from UTC in hours, e.g. -7 for Arizona")
    times = index + MID_HOUR - pd.Timedelta(hours=offset)
    return times.tz_localize("UTC"), offset


def _site(latitude: float, longitude: float) -> tuple[float, float]:
    lat = _number("latitude", latitude, low=-90.0, high=90.0, fix="give degrees north, -90..90")
    lon = _number("longitude", longitude, low=-180.0, high=180.0, fix="give degrees east, -180..180 (west is negative)")
    return lat, lon


def _quiet_pvlib(function):
    """Run ``function`` without pvlib's use of ``DatetimeIndex.dayofyear``, deprecated by pandas 3.1 (pvlib's
    warning, nothing a user can act on)."""

    @functools.wraps(function)
    def quiet(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="DatetimeIndex.dayofyear is deprecated")
            return function(*args, **kwargs)

    return quiet


def _sun(times_utc: pd.DatetimeIndex, lat: float, lon: float, altitude_m: float) -> dict[str, np.ndarray]:
    """Solar position, extraterrestrial irradiance and extraterrestrial horizontal irradiance (W/m2)."""
    import pvlib  # imported where a sky is modelled: plans on given series never load it

    sp = pvlib.solarposition.get_solarposition(times_utc, lat, lon, altitude=altitude_m)
    dni_extra = pvlib.irradiance.get_extra_radiation(times_utc).to_numpy()
    zenith = sp["zenith"].to_numpy()
    return {
        "solar_position": sp,
        "zenith": zenith,
        "apparent_zenith": sp["apparent_zenith"].to_numpy(),
        "azimuth": sp["azimuth"].to_numpy(),
        "dni_extra": dni_extra,
        "ghi_extra": dni_extra * np.clip(np.cos(np.radians(zenith)), 0.0, None),
    }


@_quiet_pvlib
def mean_clearness_index(ghi: pd.Series, latitude: float, longitude: float, *,
                         utc_offset_hours: float | None = None) -> float:
    """Clearness index of an hourly GHI series: total GHI over total extraterrestrial horizontal irradiance.

    The energy-weighted mean over daylight hours, with the same geometry :func:`solar_cf` uses, so the
    result can be passed to it as ``mean_clearness``. ``ghi`` in W/m2 on an hourly local-standard-time index.
    """
    index = _check_index(ghi.index)
    lat, lon = _site(latitude, longitude)
    times, _ = _utc_times(index, lon, utc_offset_hours)
    sun = _sun(times, lat, lon, 0.0)
    values = ghi.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ScenarioError("ghi: contains NaN; fill or drop the gaps first")
    return float(values[sun["ghi_extra"] > 0].sum() / sun["ghi_extra"].sum())


def _synthetic_ghi(sun: dict[str, np.ndarray], location: Any, times_utc: pd.DatetimeIndex,
                   mean_clearness: float, seed: int) -> np.ndarray:
    """GHI (W/m2) = clear-sky GHI × a seeded clear-sky index, calibrated to the clearness index."""
    clear = location.get_clearsky(times_utc, model="ineichen", solar_position=sun["solar_position"],
                                  dni_extra=sun["dni_extra"])
    ghi_clear = np.nan_to_num(clear["ghi"].to_numpy(), nan=0.0)
    etr_total = sun["ghi_extra"].sum()
    most = CLEAR_SKY_INDEX_MAX * ghi_clear.sum() / etr_total
    if mean_clearness >= most * (1.0 - CALIBRATION_TOLERANCE):
        raise ScenarioError(
            f"mean_clearness: {mean_clearness:g} is not reachable here: a clear sky every hour gives {most:.3f}; "
            "give a lower value"
        )
    n = len(times_utc)
    n_days = -(-n // HOURS_PER_DAY)
    daily = np.repeat(_ar1(_rng(seed, 11), n_days, DAILY_CLEARNESS_AR1), HOURS_PER_DAY)[:n]
    hourly = _ar1(_rng(seed, 12), n, HOURLY_CLEARNESS_AR1)
    weather = DAILY_CLEARNESS_LOGIT_SD * daily + HOURLY_CLEARNESS_LOGIT_SD * hourly

    def clearness(mu: float) -> float:
        return float((CLEAR_SKY_INDEX_MAX / (1.0 + np.exp(-(mu + weather))) * ghi_clear).sum() / etr_total)

    mu = _bisect_increasing(clearness, mean_clearness, -20.0, 20.0)
    return CLEAR_SKY_INDEX_MAX / (1.0 + np.exp(-(mu + weather))) * ghi_clear


def _user_irradiance(irradiance: object, index: pd.DatetimeIndex) -> tuple[dict[str, np.ndarray], str]:
    if not isinstance(irradiance, pd.DataFrame):
        raise ScenarioError("irradiance: expected a pandas DataFrame with a 'ghi' column (W/m2); pass one or None")
    columns = {str(c).lower(): c for c in irradiance.columns}
    if "ghi" not in columns:
        raise ScenarioError(f"irradiance: no 'ghi' column (has {', '.join(map(str, irradiance.columns))}); add GHI in W/m2")
    if len(irradiance) != len(index):
        raise ScenarioError(f"irradiance: {len(irradiance)} rows but the index has {len(index)} hours; give one row per hour")
    note = "" if irradiance.index.equals(index) else " (taken row by row onto the index)"
    has = [c for c in ("dni", "dhi") if c in columns]
    if len(has) == 1:
        raise ScenarioError(f"irradiance: has '{has[0]}' without '{({'dni', 'dhi'} - set(has)).pop()}'; give both or neither")
    out = {}
    for c in ["ghi", *has, *(["temp_air"] if "temp_air" in columns else [])]:
        values = pd.to_numeric(irradiance[columns[c]], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise ScenarioError(f"irradiance: column '{c}' row {bad[0]} ({irradiance.index[bad[0]]}) is missing or not a number; fill it")
        if c != "temp_air" and (values < 0).any():
            at = int(np.flatnonzero(values < 0)[0])
            raise ScenarioError(f"irradiance: column '{c}' row {at} is {values[at]:g} W/m2 (negative); clip it at 0")
        out[c] = values
    return out, note


@_quiet_pvlib
def solar_cf(index: pd.DatetimeIndex, latitude: float, longitude: float, *, tracking: str = "single_axis",
             tilt_deg: float | None = None, azimuth_deg: float = 180.0, mean_clearness: float = 0.6, seed: int = 0,
             irradiance: pd.DataFrame | None = None, dc_ac_ratio: float = DC_AC_RATIO,
             utc_offset_hours: float | None = None) -> pd.Series:
    """AC output per MW AC (0..1) of a PV plant at the site, hourly on ``index`` (series name ``solar_cf``).

    Sky: pvlib Ineichen clear sky (Linke turbidity from pvlib's bundled climatology, site altitude from its
    bundled elevation map) times a seeded clear-sky index (two AR(1) processes, daily and hourly, on a logit
    scale) calibrated so the clearness index (total GHI / total extraterrestrial horizontal, daylight hours)
    equals ``mean_clearness`` — or, with ``irradiance`` (``ghi`` and optionally ``dni``/``dhi`` in W/m2, and
    optionally ``temp_air`` in °C, one row per hour), the user's sky exactly, with no randomness.

    Plant: Erbs decomposition (when DNI/DHI are absent), Hay–Davies transposition onto a horizontal N–S
    single-axis tracker (±60°, backtracking, GCR 0.4) or a fixed plane (``tilt_deg`` default ``|latitude|``,
    ``azimuth_deg`` 180 = facing south; southern-hemisphere sites pass 0), Fresnel losses, Faiman cell
    temperature, PVWatts DC at ``dc_ac_ratio`` MW DC per MW AC less 14% losses, PVWatts inverter clipping
    at 1.0. ``utc_offset_hours`` (the index's standard-time offset) defaults to ``round(longitude / 15)``.
    """
    import pvlib  # imported where a sky is modelled: plans on given series never load it

    index = _check_index(index)
    lat, lon = _site(latitude, longitude)
    if tracking not in TRACKING_MODES:
        raise ScenarioError(f"tracking: {tracking!r} is not one of {', '.join(TRACKING_MODES)}; pick one of them")
    ratio = _number("dc_ac_ratio", dc_ac_ratio, low=0.0, high=5.0, low_open=True, fix="typical plants use 1.1–1.4")
    azimuth = _number("azimuth_deg", azimuth_deg, low=0.0, high=360.0, fix="give degrees east of north, 180 = south")
    tilt = abs(lat) if tilt_deg is None else _number("tilt_deg", tilt_deg, low=0.0, high=90.0, fix="give 0..90 degrees")
    times, offset = _utc_times(index, lon, utc_offset_hours)
    location = pvlib.location.Location(lat, lon)  # altitude looked up in pvlib's bundled Altitude.h5
    sun = _sun(times, lat, lon, location.altitude)

    if irradiance is None:
        clearness = _number("mean_clearness", mean_clearness, low=0.0, high=1.0, low_open=True, high_open=True,
                            fix="give the site's annual clearness index, e.g. 0.5 (cloudy) to 0.7 (desert)")
        seed = _seed(seed)
        ghi = _synthetic_ghi(sun, location, times, clearness, seed)
        dni = dhi = None
        temp_air = np.full(len(index), AMBIENT_TEMPERATURE_C)
        synthetic = True
        source = (f"gigawatt synthetic sky (pvlib {pvlib.__version__} Ineichen clear sky × seeded clear-sky index, "
                  f"seed {seed}, clearness {clearness:g}) at {lat:g}, {lon:g}")
    else:
        user, note = _user_irradiance(irradiance, index)
        ghi, dni, dhi = user["ghi"], user.get("dni"), user.get("dhi")
        temp_air = user.get("temp_air", np.full(len(index), AMBIENT_TEMPERATURE_C))
        synthetic = False
        given = irradiance.attrs.get("source")  # what read_irradiance_csv found (format, zone, restamping)
        source = (f"{given}{note}; pvlib {pvlib.__version__} plant model at {lat:g}, {lon:g}" if given
                  else f"user irradiance{note} at {lat:g}, {lon:g}, pvlib {pvlib.__version__} plant model")
    up = sun["ghi_extra"] > 0  # sun above the horizon at mid-hour; otherwise the hour gives nothing
    ghi = np.where(up, ghi, 0.0)
    if dni is None:
        parts = pvlib.irradiance.erbs(ghi, sun["zenith"], times)
        dni, dhi = np.asarray(parts["dni"], dtype=float), np.asarray(parts["dhi"], dtype=float)
    else:  # the user's DNI/DHI too: hour-averaged data has some light in the sunrise/sunset hours
        dni, dhi = np.where(up, dni, 0.0), np.where(up, dhi, 0.0)

    if tracking == "single_axis":
        tr = pvlib.tracking.singleaxis(sun["apparent_zenith"], sun["azimuth"], axis_tilt=0.0,
                                       axis_azimuth=TRACKER_AXIS_AZIMUTH_DEG, max_angle=TRACKER_MAX_ANGLE_DEG,
                                       backtrack=True, gcr=TRACKER_GCR)
        surface_tilt = np.nan_to_num(np.asarray(tr["surface_tilt"], dtype=float), nan=0.0)
        surface_azimuth = np.nan_to_num(np.asarray(tr["surface_azimuth"], dtype=float), nan=TRACKER_AXIS_AZIMUTH_DEG)
    else:
        surface_tilt = np.full(len(index), tilt)
        surface_azimuth = np.full(len(index), azimuth)
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt, surface_azimuth, sun["apparent_zenith"], sun["azimuth"], dni, ghi, dhi,
        dni_extra=sun["dni_extra"], albedo=ALBEDO, model=TRANSPOSITION_MODEL,
    )
    aoi = pvlib.irradiance.aoi(surface_tilt, surface_azimuth, sun["apparent_zenith"], sun["azimuth"])
    poa_direct = np.nan_to_num(np.asarray(poa["poa_direct"], dtype=float), nan=0.0)
    poa_diffuse = np.nan_to_num(np.asarray(poa["poa_diffuse"], dtype=float), nan=0.0)
    effective = poa_direct * np.asarray(pvlib.iam.physical(aoi), dtype=float) + poa_diffuse
    temp_cell = pvlib.temperature.faiman(poa_direct + poa_diffuse, temp_air, WIND_SPEED_FOR_CELL_TEMP_M_PER_S)
    pdc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, pdc0=ratio, gamma_pdc=GAMMA_PDC_PER_C)
    pdc = np.asarray(pdc, dtype=float) * (1.0 - SYSTEM_LOSSES_SHARE)
    pac = pvlib.inverter.pvwatts(pdc, pdc0=1.0 / INVERTER_EFFICIENCY_NOMINAL, eta_inv_nom=INVERTER_EFFICIENCY_NOMINAL)
    cf = np.clip(np.nan_to_num(np.asarray(pac, dtype=float), nan=0.0), 0.0, 1.0)
    out = _series(cf, index, "solar_cf", synthetic=synthetic, source=source)
    out.attrs["tracking"] = tracking
    out.attrs["utc_offset_hours"] = offset
    return out


# --- wind -----------------------------------------------------------------------------------------------


def _power_share(speed_m_per_s: np.ndarray) -> np.ndarray:
    """Generic IEC class II power curve: output per MW at each hub-height speed (0 above cut-out)."""
    return np.interp(speed_m_per_s, POWER_CURVE_SPEED_M_PER_S, POWER_CURVE_SHARE, left=0.0, right=0.0)


def wind_cf(index: pd.DatetimeIndex, mean_cf: float = 0.35, *, seed: int = 0) -> pd.Series:
    """Synthetic output per MW of an onshore wind plant, hourly on ``index`` (series name ``wind_cf``), 0..1.

    A seeded AR(1) (lag-1 autocorrelation ``WIND_SPEED_AR1``) mapped to Rayleigh-distributed hub-height
    speeds, modulated by a daily (night peak) and a yearly (summer low) cycle, through the generic IEC
    class II power curve; the speeds are scaled (bisection) so the mean output equals ``mean_cf`` within
    0.5%. Northern-hemisphere interior climatology; the plant has no further losses beyond the calibration.
    """
    index = _check_index(index)
    target = _number("mean_cf", mean_cf, low=0.0, high=1.0, low_open=True, high_open=True,
                     fix="give the plant's annual capacity factor, e.g. 0.35")
    seed = _seed(seed)
    x = _ar1(_rng(seed, 21), len(index), WIND_SPEED_AR1)
    u = np.clip(_normal_cdf(x), 1e-12, 1.0 - 1e-12)
    rayleigh = (-np.log1p(-u)) ** (1.0 / WEIBULL_SHAPE) / math.gamma(1.0 + 1.0 / WEIBULL_SHAPE)  # mean 1
    hour = index.hour.to_numpy() + 0.5
    day = index.day_of_year.to_numpy() - 1 + hour / HOURS_PER_DAY
    cycle = (1.0 + WIND_DIURNAL_AMPLITUDE * np.cos(2 * np.pi * (hour - WIND_DIURNAL_PEAK_HOUR) / HOURS_PER_DAY)) * (
        1.0 + WIND_SEASONAL_AMPLITUDE * np.cos(2 * np.pi * (day - WIND_SEASONAL_PEAK_DAY) / DAYS_PER_YEAR)
    )
    base = IEC_CLASS_II_MEAN_SPEED_M_PER_S * rayleigh * cycle

    grid = _power_share(np.outer(WIND_SCALE_GRID, base)).mean(axis=1)
    best = int(np.argmax(grid))
    if target > grid[best] * (1.0 - CALIBRATION_TOLERANCE):
        raise ScenarioError(f"mean_cf: {target:g} is above what this power curve can give ({grid[best]:.3f}); give a lower value")
    lo = float(WIND_SCALE_GRID[max(int(np.searchsorted(grid[:best + 1], target)) - 1, 0)])
    scale = _bisect_increasing(lambda s: float(_power_share(s * base).mean()), target, lo, float(WIND_SCALE_GRID[best]))
    cf = _power_share(scale * base)
    out = _series(cf, index, "wind_cf", synthetic=True,
                  source=f"gigawatt synthetic wind (seed {seed}): IEC class II curve, mean speed "
                         f"{scale * IEC_CLASS_II_MEAN_SPEED_M_PER_S:.2f} m/s, calibrated to CF {target:g}")
    out.attrs["mean_speed_m_per_s"] = float(scale * base.mean())
    return out


# --- measured weather files -------------------------------------------------------------------------------
# Published weather exports are read through pvlib.iotools where pvlib has a reader, recognised by their first
# lines, and put on the plan's hourly local-standard-time index (see _on_index). What was found is said in the
# result's attrs["source"] (printed by `gigawatt plan` under series) and attrs["format"].
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
# what a pvlib reader may raise on a file that is not quite what it expects
_PARSE_ERRORS = (ValueError, KeyError, IndexError, TypeError, AttributeError, StopIteration, OverflowError,
                 UnicodeError, pd.errors.ParserError, pd.errors.EmptyDataError)


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


# --- time-of-use tables ----------------------------------------------------------------------------------


def time_of_use(index: pd.DatetimeIndex, periods: list[dict], default: float, *, name: str) -> pd.Series:
    """Hourly values from a time-of-use table: each period is a dict with ``value``, and optionally
    ``months`` (1..12), ``hours`` ([start, end) local hours 0..24; start > end wraps past midnight) and
    ``weekdays_only``. The first period that covers an hour sets it; other hours take ``default``."""
    index = _check_index(index)
    values = np.full(len(index), float(default))
    unset = np.ones(len(index), dtype=bool)
    for period in periods:
        covered = np.ones(len(index), dtype=bool)
        if period.get("months"):
            covered &= np.isin(index.month, period["months"])
        if period.get("hours"):
            start, end = period["hours"]
            hour = index.hour
            covered &= (hour >= start) & (hour < end) if start < end else (hour >= start) | (hour < end)
        if period.get("weekdays_only"):
            covered &= index.day_of_week < 5
        take = covered & unset
        values[take] = float(period["value"])
        unset &= ~covered
    return _series(values, index, name, synthetic=False, source=f"{name}: time-of-use table")


# --- user CSV -------------------------------------------------------------------------------------------


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
                    utc_offset_hours: float | None = None, unit: str | None = None) -> pd.Series:
    """A user's hourly series from CSV, on ``index`` exactly (it replaces the synthetic series as is).

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
    values = pd.to_numeric(table[value_col], errors="coerce").to_numpy(dtype=float)
    converted = ""
    if unit is not None:
        factor, named = _header_factor(str(value_col), unit, where, name)
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
    if len(values) != len(index):
        raise ScenarioError(f"{where}: {len(values)} rows but the index has {len(index)} hours "
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
    source = "; ".join([str(path), *filter(None, [converted, restamped and f"restamped in order from {restamped}"])])
    out = _series(values, index, name, synthetic=False, source=source)
    if restamped:
        out.attrs["restamped_from"] = restamped
    if note:
        out.attrs["note"] = note
    return out


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


def scale_to_mean(capacity_factor: pd.Series, mean: float) -> pd.Series:
    """Scale a per-unit series (0..1) to a mean capacity factor, capping hours at 1 (full output).

    Capping loses energy, so the factor is found by bisection (the capped mean rises with it) until the
    capped series has ``mean`` to 1e-9, or the most a series capped at 1 can give. A zero series stays zero.
    """
    values = capacity_factor.to_numpy(dtype=float)
    if not 0.0 <= mean <= 1.0:
        raise ScenarioError(f"mean capacity factor {mean!r}: give a ratio in 0..1")
    if values.mean() <= 0.0:
        return capacity_factor.copy()
    low = mean / values.mean()  # capping only lowers the mean: at least this factor
    high = max(low, 1.0 / values[values > 0].min())  # every hour at 1: the most there is
    for _ in range(100):
        if high - low <= 1e-12 * high:
            break
        middle = 0.5 * (low + high)
        low, high = (middle, high) if np.minimum(values * middle, 1.0).mean() < mean else (low, middle)
    return pd.Series(np.minimum(values * high, 1.0), index=capacity_factor.index, name=capacity_factor.name)


def calibrate_to_yield(capacity_factor: pd.Series, fixed_kwh_per_kwp: float, yield_kwh_per_kwp: float) -> pd.Series:
    """Scale a PV capacity-factor series (ratio 0..1) by a site's published yield over the modelled one.

    ``fixed_kwh_per_kwp`` is what the same sky gives a fixed plant at optimal tilt, ``yield_kwh_per_kwp`` the
    published figure for that plant (e.g. Solargis PVOUT): their ratio corrects the modelled sky, and the
    tracking plant's series is scaled by it, capped at 1 (full inverter output).
    """
    factor = yield_kwh_per_kwp / fixed_kwh_per_kwp
    out = pd.Series(np.minimum(capacity_factor.to_numpy(dtype=float) * factor, 1.0), index=capacity_factor.index, name=capacity_factor.name)
    out.attrs = {**capacity_factor.attrs, "source": f"{capacity_factor.attrs.get('source', 'PV series')}, sky scaled by {factor:.3f} "
                 f"to a published fixed-tilt yield of {yield_kwh_per_kwp:g} kWh/kWp"}
    return out
