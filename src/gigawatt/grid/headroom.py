"""How much flexible load a grid can take: curtailment-enabled headroom on real hourly demand.

A new constant load of L MW joins a system and curtails whenever the system's load plus L would exceed a
threshold: by default the seasonal peak threshold of the Duke study (Norris et al., *Rethinking Load
Growth*, 2025): the highest summer peak (June-August) of the years studied applies from April to
October, the highest winter peak (December-February) from November to March. The curtailment in an hour is
``min(L, max(0, load + L - threshold))`` MW (never more than the new load itself). The curtailment rate
of a year is its curtailed energy over ``L x hours``; the rates are averaged over the years used, and L
is solved for each limit on that average, which rises monotonically with L.

Readers take the EIA-930 formats (wide files with ``datetime_utc`` as cleaned by Ruggles et al., the EIA
long "BALANCE" files, EIA API v2 exports) and any CSV with a timestamp column and MW columns. Timestamps
are UTC at the end of the hour; seasons, years and hours of day are in the system's local standard time.

Units: MW, MWh, hours; limits in percent of the new load's energy.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.core.errors import DataError, ScenarioError, check_file_size
from gigawatt.core.inputs import MESSAGE_CHARS
from gigawatt.grid.scenario import MIN_LIMIT_PCT
from gigawatt.core.units import shorten

DEFAULT_LIMITS_PCT = (0.25, 0.5, 1.0, 5.0)
SUMMER_PEAK_MONTHS, SUMMER_MONTHS = (6, 7, 8), (4, 5, 6, 7, 8, 9, 10)
WINTER_PEAK_MONTHS = (12, 1, 2)
MIN_YEAR_COVERAGE = 0.99  # a year with fewer of its hours (a partial first or last year) is left out
STAYS_ON_SHARES = (0.5, 0.75, 0.9)  # reported: share of curtailment hours in which this much of L stays on
BISECTION_STEPS = 60  # halvings of the bracket: L to 1e-18 of its scale, far below a MW
TIME_COLUMNS = ("datetime_utc", "utc time at end of hour", "period", "timestamp", "time", "datetime", "date")
_HOUR = np.timedelta64(1, "h")
MAX_DEMAND_CSV_BYTES = 500_000_000  # 500 MB: an EIA-930 six-month BALANCE file is ~40 MB and a cleaned wide file of
# every balancing authority over ten years ~60 MB; a larger file is the wrong file (and takes minutes and GBs to read)


# --- reading ----------------------------------------------------------------------------------------


def max_demand_mw() -> float:
    """The physical bound above which an hourly demand is refused as a data error (catalog, MW)."""
    return catalog.assumption("max_system_demand_mw")


def read_demand(path: str | Path) -> pd.DataFrame:
    """One file of hourly demand as a wide table: UTC end-of-hour index, one float column (MW) per area.

    Wide files need a time column (``datetime_utc``, ``timestamp``, ``time``, ...; else the first);
    EIA-930 long files (``Balancing Authority``, ``UTC Time at End of Hour``, ``Demand (MW)``) and EIA
    API v2 exports (``period``, ``respondent``, ``type``, ``value``) are pivoted. Refused with a
    :class:`DataError` naming the file: unreadable, no time column, unparseable or duplicate timestamps,
    or missing hours inside the file. Values are checked when a system is taken from the table.
    """
    path = Path(path)
    check_file_size(path, str(path), MAX_DEMAND_CSV_BYTES, "for one demand file; split it by year or keep only the systems studied")
    try:
        table = pd.read_csv(path, engine="pyarrow")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file; check the path") from None
    except Exception as exc:  # pyarrow raises its own types for malformed CSV
        reason = " ".join(str(exc).split())[:MESSAGE_CHARS]
        raise DataError(f"{path}: cannot be read as CSV ({reason}); give a timestamp column and MW columns") from None
    try:  # timestamps pandas cannot hold (year 1 or 9999) or bytes that are not UTF-8, in any column
        names = {str(c).strip().lower(): c for c in table.columns}
        if {"balancing authority", "demand (mw)"} <= set(names) or {"respondent", "value"} <= set(names):
            table = _pivot_long(table, names, path)
            names = {str(c).strip().lower(): c for c in table.columns}
        time_column = next((names[c] for c in TIME_COLUMNS if c in names), None)
        if time_column is None:
            raise DataError(f"{path}: no timestamp column (looked for {', '.join(TIME_COLUMNS)}); name the UTC end-of-hour column datetime_utc")
        times = _parse_times(table[time_column], path)
    except (pd.errors.OutOfBoundsDatetime, OverflowError, NotImplementedError, UnicodeDecodeError) as exc:
        reason = " ".join(str(exc).split())[:MESSAGE_CHARS]
        raise DataError(f"{path}: a timestamp or text cell cannot be read ({reason}); give UTF-8 times between 1970 and 2100") from None
    frame = table.drop(columns=[time_column])
    frame.index = times
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    duplicated = frame.index.duplicated()
    if duplicated.any():
        raise DataError(f"{path}: timestamp {frame.index[duplicated][0]} appears twice; give one row per hour (UTC)")
    frame = frame.sort_index()
    steps = np.diff(frame.index.to_numpy())
    if len(steps) and (steps != _HOUR).any():
        i = int(np.flatnonzero(steps != _HOUR)[0])
        raise DataError(f"{path}: hours missing between {frame.index[i]} and {frame.index[i + 1]}; fill the gap or split the file there")
    frame.attrs["path"] = str(path)
    return frame


def _parse_times(raw: pd.Series, path: Path) -> pd.DatetimeIndex:
    if pd.api.types.is_datetime64_any_dtype(raw):
        times = pd.DatetimeIndex(raw)
    else:
        text = raw.astype(str).str.strip()
        try:  # offsets that change at daylight saving (-06:00, -05:00) are converted to UTC like any other
            times = pd.DatetimeIndex(pd.to_datetime(text, errors="coerce", format="mixed", utc=True))
        except (ValueError, TypeError):
            raise DataError(f"{path}: timestamps in column {shorten(str(raw.name))} cannot be read as times; "
                            "use e.g. 2024-01-01 13:00:00 (UTC, end of hour) or ISO times with their UTC offset") from None
        bad = np.flatnonzero(times.isna())
        if bad.size:
            raise DataError(f"{path}: timestamp {shorten(raw.iloc[int(bad[0])])} cannot be parsed; use e.g. 2024-01-01 13:00:00 (UTC, end of hour)")
    if times.tz is not None:
        times = times.tz_convert("UTC").tz_localize(None)
    return times.as_unit("ns")


def _pivot_long(table: pd.DataFrame, names: dict[str, Any], path: Path) -> pd.DataFrame:
    """EIA long formats → wide (one column per balancing authority)."""
    if "balancing authority" in names:
        area, value = names["balancing authority"], names["demand (mw)"]
        time = names.get("utc time at end of hour")
    else:
        area, value, time = names["respondent"], names["value"], names.get("period")
        if "type" in names:
            table = table[table[names["type"]].astype(str).str.upper() == "D"]  # demand rows only
    if time is None:
        raise DataError(f"{path}: EIA long format without a UTC time column; export 'UTC Time at End of Hour' or 'period'")
    values = pd.to_numeric(table[value].astype(str).str.replace(",", ""), errors="coerce")
    wide = pd.DataFrame({"t": table[time].astype(str), "a": table[area].astype(str), "v": values}).pivot_table(
        index="t", columns="a", values="v", aggfunc="first", dropna=False
    )
    return wide.rename_axis(columns=None).reset_index().rename(columns={"t": "datetime_utc"})


def areas(frames: list[pd.DataFrame]) -> list[str]:
    """The systems the files hold: whole columns and the prefixes of sub-zone columns (``PJM`` of ``PJM-DOM``)."""
    found: dict[str, None] = {}
    for frame in frames:
        for column in frame.columns:
            found[column.split("-")[0]] = None
    return sorted(found)


def system_load(frames: list[pd.DataFrame], system: str) -> pd.Series:
    """Hourly load of ``system`` (MW, UTC end-of-hour index) over every file that holds it.

    A file holds it as a column of that name or as sub-zone columns ``SYSTEM-*``, which are summed.
    Refused with a :class:`ScenarioError` or :class:`DataError`: a system in no file (the known ones
    are listed), hours given by two files, a missing, negative or impossibly large value.
    """
    bound = max_demand_mw()
    parts = []
    for frame in frames:
        columns = [system] if system in frame.columns else [c for c in frame.columns if c.startswith(f"{system}-")]
        if not columns:
            continue
        block = frame[columns]
        values = block.to_numpy()
        bad = ~np.isfinite(values) | (values < 0) | (values > bound)
        if bad.any():
            i, j = (int(k[0]) for k in np.nonzero(bad))
            shown = "missing" if not np.isfinite(values[i, j]) else f"{values[i, j]:g} MW"
            raise DataError(
                f"{frame.attrs.get('path', 'demand')}: {columns[j]} at {block.index[i]} is {shown}; "
                f"demand must be a number from 0 to {bound:,.0f} MW: clean or fill that hour"
            )
        parts.append(pd.Series(values.sum(axis=1), index=block.index, name=system))
    if not parts:
        known = areas(frames)
        close = difflib.get_close_matches(system.upper(), known, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        held = ", ".join(known)
        held = held if len(held) <= MESSAGE_CHARS else held[: MESSAGE_CHARS - 1] + "…"
        raise ScenarioError(f"system {shorten(system)} is in none of the files; {hint}the files hold: {held}")
    load = pd.concat(parts).sort_index()
    if load.index.duplicated().any():
        raise DataError(f"{system}: hour {load.index[load.index.duplicated()][0]} is in two files; give files that do not overlap")
    return load


def utc_offset_hours(system: str) -> float | None:
    """The system's standard-time UTC offset from the balancing-authority catalog (None if unknown)."""
    table = catalog.balancing_authorities().set_index("code")
    return float(table.at[system, "utc_offset_hours"]) if system in table.index else None


def duke22() -> list[str]:
    """The EIA-930 codes of the 22 balancing authorities of the Duke study, in catalog order."""
    table = catalog.balancing_authorities()
    return table.loc[table["duke22"].notna(), "code"].tolist()


# --- the method -------------------------------------------------------------------------------------


@dataclass
class SystemYears:
    """One system's load on the years used, in local standard time (hour beginning)."""

    name: str
    load_mw: np.ndarray
    utc_end: pd.DatetimeIndex  # the source's timestamps (UTC, end of hour)
    year: np.ndarray
    month: np.ndarray
    hour: np.ndarray
    years: list[int]
    years_left_out: dict[int, float]  # partial years and the share of their hours present
    utc_offset_hours: float | None


def prepare_system(load: pd.Series, years: list[int] | None = None) -> SystemYears:
    """Put a system's UTC series in local standard time and keep the whole years (or ``years``).

    Requested years that are partial are left out and reported like the others. Raises
    :class:`ScenarioError` when no whole year is left.
    """
    offset = utc_offset_hours(str(load.name))
    local = load.index - pd.Timedelta(hours=1) + pd.Timedelta(hours=offset or 0.0)  # hour beginning, local
    year = local.year.to_numpy()
    present = pd.Series(year).value_counts().sort_index()
    hours_in = {y: (pd.Timestamp(y + 1, 1, 1) - pd.Timestamp(y, 1, 1)) / pd.Timedelta(hours=1) for y in present.index}
    coverage = {int(y): float(n / hours_in[y]) for y, n in present.items()}
    whole = [y for y, share in coverage.items() if share >= MIN_YEAR_COVERAGE]
    if years is not None:
        chosen = [y for y in years if y in whole]  # partial years of the span are left out and reported
        if not chosen:
            y = years[0]
            have = f"{coverage[y]:.0%} of its hours" if y in coverage else "no hours"
            raise ScenarioError(f"years: {y} has {have} in the files for {load.name}; choose whole years among {_span(whole)}")
        whole = sorted(chosen)
    if not whole:
        raise ScenarioError(f"{load.name}: the files hold less than one whole year ({len(load):,} hours); give at least a full year of hours")
    keep = np.isin(year, whole)
    if not (load.to_numpy()[keep] > 0).any():
        raise DataError(f"system {load.name}: demand is 0 MW in every hour of {_span(whole)}; "
                        "give files with the system's demand, or leave it out of systems")
    return SystemYears(
        name=str(load.name), load_mw=load.to_numpy()[keep], utc_end=load.index[keep], year=year[keep],
        month=local.month.to_numpy()[keep], hour=local.hour.to_numpy()[keep], years=whole,
        years_left_out={y: round(c, 4) for y, c in coverage.items() if y not in whole}, utc_offset_hours=offset,
    )


def _span(years: list[int]) -> str:
    """Years as runs: ``2016-2018, 2020-2024``."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs) or "none"


def seasonal_threshold_mw(s: SystemYears) -> np.ndarray:
    """Each hour's threshold (MW): the highest summer peak (June-August) of the years used in April-October,
    the highest winter peak (December-February) otherwise: loads the system has already served."""
    summer = s.load_mw[np.isin(s.month, SUMMER_PEAK_MONTHS)].max(initial=0.0)
    winter = s.load_mw[np.isin(s.month, WINTER_PEAK_MONTHS)].max(initial=0.0)
    return np.where(np.isin(s.month, SUMMER_MONTHS), summer, winter)


def check_limits(limits_pct: list[float]) -> list[float]:
    """Curtailment limits in percent, each from :data:`~gigawatt.grid.scenario.MIN_LIMIT_PCT` up to 100, each once."""
    if not limits_pct:
        raise ScenarioError("limits_pct: give at least one curtailment limit in percent, e.g. [0.25, 0.5, 1, 5]")
    for limit in limits_pct:
        if not 0 < limit < 100:
            raise ScenarioError(f"limits_pct: {limit:g}% is outside (0, 100); give percentages of the new load's energy, e.g. 0.5")
        if limit < MIN_LIMIT_PCT:
            raise ScenarioError(f"limits_pct: {limit:g}% is below {MIN_LIMIT_PCT:g}%, less than an hour a year of the new load's energy, "
                                "finer than hourly demand resolves; give e.g. 0.25")
        if limits_pct.count(limit) > 1:
            raise ScenarioError(f"limits_pct: {limit:g}% is listed twice; list each limit once")
    return list(limits_pct)


def solve_headroom_mw(load_mw: np.ndarray, threshold_mw: np.ndarray, year: np.ndarray, limits_pct: list[float]) -> np.ndarray:
    """The new constant load (MW) whose curtailment rate, averaged over the years, equals each limit.

    Per hour the gap ``d = max(threshold - load, 0)``; a year's rate at L is ``sum(L - d, d < L) / (L n)``,
    increasing in L, so bisection on L finds each limit (vectorised over limits).
    """
    gap = np.maximum(threshold_mw - load_mw, 0.0)
    sorted_gaps, prefix, hours = [], [], []
    for y in np.unique(year):
        g = np.sort(gap[year == y])
        sorted_gaps.append(g)
        prefix.append(np.concatenate([[0.0], np.cumsum(g)]))
        hours.append(len(g))

    def rate(L: np.ndarray) -> np.ndarray:
        total = np.zeros_like(L)
        for g, s, n in zip(sorted_gaps, prefix, hours):
            k = np.searchsorted(g, L, side="left")  # hours with gap < L
            total += (k * L - s[k]) / (L * n)
        return total / len(hours)

    target = np.asarray(limits_pct, dtype=float) / 100.0
    low = np.zeros_like(target)
    high = np.full_like(target, max(float(gap.max()), 1.0))
    while (rate(high) < target).any():  # the rate tends to 1 as L grows, so this ends
        high = np.where(rate(high) < target, high * 2.0, high)
    for _ in range(BISECTION_STEPS):
        middle = (low + high) / 2.0
        below = rate(middle) < target
        low, high = np.where(below, middle, low), np.where(below, high, middle)
    return (low + high) / 2.0


def curtailment_mw(load_mw: np.ndarray, threshold_mw: np.ndarray, new_load_mw: float) -> np.ndarray:
    """Hourly curtailment of a new constant load (MW): the excess over the threshold, at most the load."""
    return np.clip(load_mw + new_load_mw - threshold_mw, 0.0, new_load_mw)


def _events(curtailed: np.ndarray, utc_end: pd.DatetimeIndex) -> np.ndarray:
    """Lengths (hours) of runs of consecutive curtailed hours."""
    on = curtailed > 0
    if not on.any():
        return np.zeros(0)
    idx = np.flatnonzero(on)
    times = utc_end.to_numpy()[idx]
    breaks = np.flatnonzero(np.diff(times) != _HOUR) + 1
    return np.diff(np.concatenate([[0], breaks, [len(idx)]])).astype(float)


def limit_metrics(s: SystemYears, threshold_mw: np.ndarray, limit_pct: float, headroom_mw: float, peak_mw: float) -> dict[str, Any]:
    """What a new load of ``headroom_mw`` at ``limit_pct`` would have lived through, per year on average."""
    c = curtailment_mw(s.load_mw, threshold_mw, headroom_mw)
    n_years = len(s.years)
    on = c > 0
    events = _events(c, s.utc_end)
    kept = 1.0 - c[on] / headroom_mw if on.any() else np.zeros(0)
    by_month = np.bincount(s.month[on] - 1, minlength=12) / max(on.sum(), 1)
    by_hour = np.bincount(s.hour[on], minlength=24) / max(on.sum(), 1)
    yearly_rate = [float(c[s.year == y].sum() / (headroom_mw * (s.year == y).sum())) for y in s.years]
    return {
        "limit_pct": limit_pct,
        "headroom_mw": headroom_mw,
        "headroom_pct_of_peak": 100.0 * headroom_mw / peak_mw,
        "curtailed_mwh_per_year": float(c.sum() / n_years),
        "curtailment_hours_per_year": float(on.sum() / n_years),
        "events_per_year": len(events) / n_years,
        "mean_event_hours": float(events.mean()) if len(events) else 0.0,
        "max_event_hours": float(events.max()) if len(events) else 0.0,
        **{f"hours_with_{round(share * 100)}pct_on": float((kept >= share).mean()) if len(kept) else 1.0 for share in STAYS_ON_SHARES},
        "curtailment_rate_by_year_pct": {str(y): 100.0 * r for y, r in zip(s.years, yearly_rate)},
        "curtailed_hours_share_by_month": by_month.round(4).tolist(),
        "curtailed_hours_share_by_hour": by_hour.round(4).tolist(),
    }


# --- many systems -----------------------------------------------------------------------------------


@dataclass
class Headroom:
    """Headroom of several systems under each curtailment limit, and their total."""

    systems: list[dict[str, Any]]
    total: dict[str, Any]
    threshold: str
    limits_pct: list[float]
    reference: list[dict[str, Any]] | None = field(default=None)
    campus_schedule: pd.DataFrame | None = field(default=None, repr=False)  # a campus's hourly curtailment (see campus_schedule)
    availability: pd.DataFrame | None = field(default=None, repr=False)  # one year of it for gigawatt plan (see availability_year)

    @property
    def campus(self) -> dict[str, Any] | None:
        """The campus's figures: system, MW, limit, headroom, years, curtailed MWh and hours a year."""
        if self.campus_schedule is None:
            return None
        return {k: v for k, v in self.campus_schedule.attrs.items() if k not in ("month", "hour")}

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form (``gigawatt headroom --json``)."""
        return {"threshold": self.threshold, "limits_pct": self.limits_pct, "systems": self.systems, "total": self.total,
                "reference": self.reference, "campus": self.campus}

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Named tables: ``headroom`` (a row per system and limit) and, with a campus, its hourly ``campus``
        schedule (with local month and hour) and the ``availability`` year."""
        frames = {"headroom": self.to_frame()}
        if self.campus_schedule is not None:
            a = self.campus_schedule.attrs
            frames["campus"] = self.campus_schedule.assign(month=a["month"], hour=a["hour"])
        if self.availability is not None:
            frames["availability"] = self.availability
        return frames

    def to_frame(self) -> pd.DataFrame:
        """One row per system and limit (and the total), the headline columns."""
        rows = [{"system": s["name"], "peak_mw": s["peak_mw"], "years": s["years"], **{k: v for k, v in lim.items() if not isinstance(v, dict | list)}}
                for s in [*self.systems, self.total] for lim in s["limits"]]
        return pd.DataFrame(rows)


def threshold_for(s: SystemYears, threshold: str | float | pd.Series = "seasonal") -> np.ndarray:
    """Hourly threshold (MW): ``"seasonal"`` (Duke), a flat MW figure, or a series on the system's timestamps.

    A flat threshold below the system's minimum load (every hour curtailed) is refused.
    """
    if isinstance(threshold, str):
        if threshold != "seasonal":
            raise ScenarioError(f"threshold {shorten(threshold)}: give seasonal, a flat MW figure (threshold_mw) or a CSV of MW by hour (threshold_csv)")
        return seasonal_threshold_mw(s)
    if isinstance(threshold, pd.Series):
        aligned = threshold.reindex(s.utc_end)
        if aligned.isna().any():
            raise ScenarioError(f"threshold_csv: no value for {s.name} at {aligned.index[aligned.isna()][0]}; cover every hour of the years used")
        return aligned.to_numpy(dtype=float)
    minimum = float(s.load_mw.min())
    if threshold < minimum:
        raise ScenarioError(f"threshold_mw: {threshold:,.0f} MW is below {s.name}'s minimum load {minimum:,.0f} MW; give a threshold above it")
    return np.full_like(s.load_mw, float(threshold))


def headroom(frames: list[pd.DataFrame], systems: list[str], limits_pct: list[float] | tuple[float, ...] = DEFAULT_LIMITS_PCT,
             years: list[int] | None = None, threshold: str | float | pd.Series = "seasonal") -> Headroom:
    """Solve the headroom of each system at each limit and report what it implies (see the module doc)."""
    limits_pct = check_limits(list(limits_pct))
    out = []
    for name in systems:
        s = prepare_system(system_load(frames, name), years)
        limit_threshold = threshold_for(s, threshold)
        peak = float(s.load_mw.max())
        solved = solve_headroom_mw(s.load_mw, limit_threshold, s.year, limits_pct)
        out.append({
            "name": s.name, "peak_mw": peak, "years": _span(s.years), "years_left_out": s.years_left_out,
            "utc_offset_hours": s.utc_offset_hours,
            "limits": [limit_metrics(s, limit_threshold, lim, float(L), peak) for lim, L in zip(limits_pct, solved)],
        })
    total_limits = []
    for i, lim in enumerate(limits_pct):
        rows = [s["limits"][i] for s in out]
        total_limits.append({
            "limit_pct": lim,
            "headroom_mw": sum(r["headroom_mw"] for r in rows),
            "headroom_pct_of_peak": 100.0 * sum(r["headroom_mw"] for r in rows) / sum(s["peak_mw"] for s in out),
            "curtailed_mwh_per_year": sum(r["curtailed_mwh_per_year"] for r in rows),
            # hours and event lengths do not add up across systems: their mean over systems, as the study reports
            "curtailment_hours_per_year": float(np.mean([r["curtailment_hours_per_year"] for r in rows])),
            "mean_event_hours": float(np.mean([r["mean_event_hours"] for r in rows])),
        })
    total = {"name": "total", "peak_mw": sum(s["peak_mw"] for s in out), "years": ", ".join(sorted({s["years"] for s in out})),
             "limits": total_limits}
    kind = threshold if isinstance(threshold, str) else "series" if isinstance(threshold, pd.Series) else f"flat {threshold:,.0f} MW"
    return Headroom(systems=out, total=total, threshold=kind, limits_pct=limits_pct)


def campus_schedule(frames: list[pd.DataFrame], system: str, campus_mw: float, limit_pct: float,
                    years: list[int] | None = None, threshold: str | float | pd.Series = "seasonal") -> pd.DataFrame:
    """The hourly curtailment a campus of ``campus_mw`` would have been asked for in each historic year.

    The system takes flexible new load up to its headroom at ``limit_pct``; the campus is part of it and
    curtails in proportion. Columns: ``datetime_utc`` (end of hour), ``local_time`` (standard, hour
    beginning), ``curtailed_mw``, ``available_mw`` (= campus - curtailed: the grid's availability series
    for ``gigawatt plan``). Refused when the campus is larger than the headroom.
    """
    if campus_mw <= 0:
        raise ScenarioError(f"campus.mw: {campus_mw:g} MW is not a campus size; give MW, more than 0")
    check_limits([limit_pct])
    s = prepare_system(system_load(frames, system), years)
    limit_threshold = threshold_for(s, threshold)
    L = float(solve_headroom_mw(s.load_mw, limit_threshold, s.year, [limit_pct])[0])
    if campus_mw > L:
        raise ScenarioError(f"campus.mw: {campus_mw:,.0f} MW is more than {system}'s headroom {L:,.0f} MW at {limit_pct:g}%; "
                            "raise campus.limit_pct or shrink campus.mw")
    curtailed = curtailment_mw(s.load_mw, limit_threshold, L) * campus_mw / L
    local = s.utc_end - pd.Timedelta(hours=1) + pd.Timedelta(hours=s.utc_offset_hours or 0.0)
    frame = pd.DataFrame({
        "datetime_utc": s.utc_end.strftime("%Y-%m-%d %H:%M:%S"), "local_time": local.strftime("%Y-%m-%d %H:%M"),
        "curtailed_mw": curtailed, "available_mw": campus_mw - curtailed,
    })
    n_years = len(s.years)
    frame.attrs.update(system=system, campus_mw=campus_mw, limit_pct=limit_pct, headroom_mw=L, years=_span(s.years),
                       curtailed_mwh_per_year=float(curtailed.sum() / n_years),
                       curtailment_hours_per_year=float((curtailed > 0).sum() / n_years), month=s.month, hour=s.hour)
    return frame


def availability_year(schedule: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """One whole local year of a campus schedule as the grid's availability for ``gigawatt plan``:
    ``timestamp`` (local standard time, hour beginning) and ``available_share`` (0..1 of the connection).

    Under pro-rata curtailment every connection in the system keeps the same share each hour, whatever
    its size; ``grid.availability_csv`` reads this file. ``year`` defaults to the last year with all its hours.
    """
    local = pd.to_datetime(schedule["local_time"])
    counts = local.dt.year.value_counts()
    whole = sorted(y for y, n in counts.items() if n == (pd.Timestamp(y + 1, 1, 1) - pd.Timestamp(y, 1, 1)) // pd.Timedelta(hours=1))
    if year is None:
        if not whole:
            raise ScenarioError("campus.availability_year: no year of the schedule has all its hours; give files with a whole local year")
        year = whole[-1]
    elif year not in whole:
        raise ScenarioError(f"campus.availability_year: {year} has {int(counts.get(year, 0)):,} of its hours in the schedule; choose one of {_span(whole)}")
    rows = (local.dt.year == year).to_numpy()
    return pd.DataFrame({
        "timestamp": local[rows].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
        "available_share": (schedule["available_mw"].to_numpy()[rows] / schedule.attrs["campus_mw"]).round(6),
    })
