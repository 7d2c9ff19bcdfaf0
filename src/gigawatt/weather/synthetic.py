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

import functools
import math
import operator
import warnings
from typing import Any

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError

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


def _rng(seed: int, stream: int, *substreams: int) -> np.random.Generator:
    """Independent random stream ``stream`` (and ``substreams`` within it) for ``seed`` (so one component does
    not shift another)."""
    return np.random.default_rng(np.random.SeedSequence([seed, stream, *substreams]))


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


def wind_cf(index: pd.DatetimeIndex, mean_cf: float = 0.35, *, seed: int = 0, stream: int = 0) -> pd.Series:
    """Synthetic output per MW of a wind plant, hourly on ``index`` (series name ``wind_cf``), 0..1.

    A seeded AR(1) (lag-1 autocorrelation ``WIND_SPEED_AR1``) mapped to Rayleigh-distributed hub-height
    speeds, modulated by a daily (night peak) and a yearly (summer low) cycle, through the generic IEC
    class II power curve; the speeds are scaled (bisection) so the mean output equals ``mean_cf`` within
    0.5%. Northern-hemisphere interior climatology; the plant has no further losses beyond the calibration.
    ``stream`` > 0 draws independent winds from the same seed (a second wind technology of one site);
    stream 0 is the series this function has always given.
    """
    index = _check_index(index)
    target = _number("mean_cf", mean_cf, low=0.0, high=1.0, low_open=True, high_open=True,
                     fix="give the plant's annual capacity factor, e.g. 0.35")
    seed = _seed(seed)
    if not isinstance(stream, int) or isinstance(stream, bool) or stream < 0:
        raise ScenarioError(f"stream: {stream!r} is not a whole number 0 or more; give 0 for the first wind series of a site")
    x = _ar1(_rng(seed, 21, *([stream] if stream else [])), len(index), WIND_SPEED_AR1)
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
                  source=f"gigawatt synthetic wind (seed {seed}{f', stream {stream}' if stream else ''}): IEC class II curve, mean speed "
                         f"{scale * IEC_CLASS_II_MEAN_SPEED_M_PER_S:.2f} m/s, calibrated to CF {target:g}")
    out.attrs["mean_speed_m_per_s"] = float(scale * base.mean())
    return out


# --- measured weather files -------------------------------------------------------------------------------
# Published weather exports are read through pvlib.iotools where pvlib has a reader, recognised by their first
# lines, and put on the plan's hourly local-standard-time index (see _on_index). What was found is said in the
# result's attrs["source"] (printed by `gigawatt plan` under series) and attrs["format"].
# --- time-of-use tables ----------------------------------------------------------------------------------


def time_of_use(index: pd.DatetimeIndex, periods: list[dict], default: float, *, name: str,
                clock: pd.DatetimeIndex | None = None) -> pd.Series:
    """Hourly values from a time-of-use table: each period is a dict with ``value``, and optionally
    ``months`` (1..12), ``hours`` ([start, end) local hours 0..24; start > end wraps past midnight) and
    ``weekdays_only``. The first period that covers an hour sets it; other hours take ``default``.

    Months, hours and weekdays are read on ``index`` itself (local standard time), or on ``clock``: the same
    hours as the clock on the wall shows them (:func:`gigawatt.weather.timezones.zoned_index`, daylight saving
    included), one per hour of ``index``."""
    index = _check_index(index)
    when = index if clock is None else clock
    if len(when) != len(index):
        raise ScenarioError(f"{name}: {len(when)} clock times for {len(index)} hours; give one per hour")
    values = np.full(len(index), float(default))
    unset = np.ones(len(index), dtype=bool)
    for period in periods:
        covered = np.ones(len(index), dtype=bool)
        if period.get("months"):
            covered &= np.isin(when.month, period["months"])
        if period.get("hours"):
            start, end = period["hours"]
            hour = when.hour
            covered &= (hour >= start) & (hour < end) if start < end else (hour >= start) | (hour < end)
        if period.get("weekdays_only"):
            covered &= when.day_of_week < 5
        take = covered & unset
        values[take] = float(period["value"])
        unset &= ~covered
    on = "" if clock is None else f", hours on the clock of {clock.tz}"
    return _series(values, index, name, synthetic=False, source=f"{name}: time-of-use table{on}")


# --- user CSV -------------------------------------------------------------------------------------------


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
