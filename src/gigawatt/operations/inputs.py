"""A schedule scenario made concrete: intervals, each job's operating points and bounds, and the grid's
signals on the intervals (prices, carbon, event targets, caps), with the site's flat draw beside them.

A job's choices in an interval are a mix of operating points: the measured throughput-versus-power curve
of its workload kind (``gigawatt catalog power_capping``), reduced to its concave envelope from full power
down while capping costs less throughput per watt than pausing, and the pause (idle accelerators). Mixing
points within an interval is what a cap between two measured ones, or a pause for part of the interval,
does. Units: MW at the accelerators (the site's draw is ``pue`` x (jobs + other load)), hours, USD.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from gigawatt import catalog
from gigawatt.core import plausibility as plausibility
from gigawatt.core.errors import DataError, ScenarioError, check_file_size
from gigawatt.power.flexibility import capping_segments
from gigawatt.weather.files import MAX_SERIES_CSV_BYTES
from gigawatt.operations.scenario import SCHEDULE_YEARS, CurtailmentEvent, Job, ScheduleScenario

CURVE = {"pre_training": "training", "fine_tuning": "fine_tuning", "batch_inference": "inference", "online_inference": "inference"}
MEASURED_ON = "A100"  # the catalog's curves were measured on A100s; other accelerators use them as shares of TDP
KW_PER_MW = 1000.0


@dataclass
class JobInputs:
    """One job on the intervals: power running uncapped (MW), operating points (power and throughput as
    shares of uncapped), the intervals it is active in, its slowdown allowance and its costs."""

    name: str
    kind: str
    accelerators: int
    power_mw: float
    points_power: np.ndarray  # running operating points (the measured caps), shares of uncapped power (first: 1.0)
    points_throughput: np.ndarray  # their throughput, shares of uncapped
    knee_share: float  # the lowest power share worth capping to before pausing is cheaper per watt (the rules' floor)
    paused_share: float  # power of the paused job, share of uncapped
    active: np.ndarray  # bool per interval: the job is running (or may run) then
    max_slowdown: float  # of its average throughput over run_hours
    run_hours: float
    can_pause: bool
    restart_hours: float  # full-speed hours of work lost to each pause
    value_usd_per_hour: float  # of one full-speed hour of the whole job
    work_hours: float | None = None  # a job with a deadline: work to do, full-speed hours
    flat_power_mw: np.ndarray = field(default_factory=lambda: np.zeros(0))  # running flat, per interval

    @property
    def flexible(self) -> bool:
        """Whether the job has a choice (a slowdown allowance, or a deadline to schedule within)."""
        return self.max_slowdown > 0 or self.work_hours is not None

    def throughput_at(self, power_share: float) -> float:
        """Throughput share at a running power share, along the operating points (linear between them)."""
        return float(np.interp(power_share, self.points_power[::-1], self.points_throughput[::-1]))

    def power_for(self, throughput_share: float) -> float:
        """The least running power share that keeps ``throughput_share`` (the inverse of :meth:`throughput_at`)."""
        return float(np.interp(throughput_share, self.points_throughput[::-1], self.points_power[::-1]))


@dataclass
class ScheduleInputs:
    """The scenario on its intervals (see the module doc)."""

    name: str
    index: pd.DatetimeIndex  # interval starts, local time
    step_hours: float
    jobs: list[JobInputs]
    pue: float
    other_mw: float
    price_usd_per_mwh: np.ndarray
    carbon_g_per_kwh: np.ndarray
    carbon_price_usd_per_t: float
    flat_mw: np.ndarray  # the site's draw with every job running uncapped, at the meter
    target_mw: np.ndarray  # the events' most demanding target (inf where none)
    cap_mw: np.ndarray  # the site cap (inf where none)
    cap_from: np.ndarray  # the input that sets it, per interval ('' where none): signals.site_cap[i] or signals.site_cap_csv
    hold: np.ndarray  # bool: before an event's notice (with a ramp limit), the draw may not ramp down for it
    hold_floor_mw: np.ndarray  # the least draw there: flat, less the jobs with a deadline (free to move)
    events: list[dict]  # each event's intervals and target, for the report
    ramp_mw_per_interval: float | None
    penalty_usd_per_mwh: float
    messages: list[str] = field(default_factory=list)

    @property
    def step_minutes(self) -> float:
        return self.step_hours * 60

    def site_mw(self, jobs_mw: np.ndarray) -> np.ndarray:
        """The site's draw at the meter from the jobs' accelerator power (MW, summed over jobs)."""
        return self.pue * (jobs_mw + self.other_mw)

    def energy_price(self) -> np.ndarray:
        """What a MWh at the meter costs in each interval: energy and carbon, USD/MWh."""
        return self.price_usd_per_mwh + self.carbon_price_usd_per_t * self.carbon_g_per_kwh / 1000.0


@cache
def _value_usd_per_accelerator_hour(accelerator: str) -> float:
    """The cluster's cost of an accelerator-hour other than electricity, for an accelerator (USD)."""
    from gigawatt.compute.sizing import size
    from gigawatt.power.plan import cluster_cost_usd_per_accelerator_hour
    from gigawatt.power.scenario import Scenario

    sizing = size(Scenario.model_validate({"name": "value", "cluster": {"accelerator": accelerator, "count": 1000}}))
    return cluster_cost_usd_per_accelerator_hour(sizing)


def operating_points(kind: str) -> tuple[np.ndarray, np.ndarray, float]:
    """A workload kind's measured operating points, (power, throughput) shares of uncapped from full power
    down, and its knee: the lowest power share of the concave envelope while capping costs less throughput
    per watt than pausing (where rule-based capping stops)."""
    table = catalog.power_capping()
    rows = table[table["workload"] == CURVE[kind]].sort_values("power_share", ascending=False)
    power, throughput = rows["power_share"].to_numpy(dtype=float), rows["throughput_share"].to_numpy(dtype=float)
    knee = 1.0 - sum(segment.width for segment in capping_segments(power, throughput))
    return power, throughput, knee


@dataclass(frozen=True)
class Signal:
    """A signal CSV's reading: its field, the value columns it takes (the first found), its unit, the
    plausibility bound of its values (waivable in accept_implausible; none: only the physical ``least``), how
    rows finer than an interval are taken (their time-weighted ``mean``, or the ``min``: a cap holds
    throughout), and the flat alternative to name when a file has one row."""

    field: str
    columns: tuple[str, ...]
    unit: str
    bound: plausibility.Bound | None
    how: str
    flat: str
    least: float | None = None


SIGNALS = {
    "price_csv": Signal("signals.price_csv", ("price_usd_per_mwh", "price"), "USD/MWh", plausibility.PRICE_USD_PER_MWH, "mean",
                        "signals.price_usd_per_mwh for a flat price"),
    "carbon_csv": Signal("signals.carbon_csv", ("carbon_g_per_kwh", "g_per_kwh"), "gCO2/kWh", plausibility.CARBON_G_PER_KWH, "mean",
                         "signals.carbon_g_per_kwh for a flat intensity"),
    "site_cap_csv": Signal("signals.site_cap_csv", ("cap_mw", "available_mw"), "MW", None, "min", "signals.site_cap for a cap over a span", least=0.0),
}
REGULAR_SHARE = 0.5  # a series is regular when at least this share of its rows follow the previous by its most common step
ZONED = r"(?:\d(?:Z|[+-]\d\d:?\d\d)|\s(?:UTC|GMT|Z))$"  # a time written with its UTC offset: ...Z, ...+05:00, ...-0600, ... UTC
NUMBER = r"-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?"


def local_offset(scenario: ScheduleScenario) -> float | None:
    """The schedule's local time, hours from UTC: ``utc_offset_hours``, else ``start``'s offset, else unknown."""
    if scenario.utc_offset_hours is not None:
        return scenario.utc_offset_hours
    offset = scenario.start.utcoffset()
    return None if offset is None else offset.total_seconds() / 3600


def local_time(value: object, field_name: str, offset: float | None) -> pd.Timestamp:
    """A scenario time on the schedule's local clock: as it stands without an offset; converted with one
    (refused, naming ``field_name`` and the fix, while the schedule's offset is unknown)."""
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        return stamp
    if offset is None:
        raise ScenarioError(f"{field_name}: {value} carries a UTC offset, but the schedule's local time is not known; give utc_offset_hours "
                            "(hours from UTC, e.g. -6 for CST) to convert it, or write it in local time without an offset")
    return (stamp.tz_convert("UTC") + pd.Timedelta(hours=offset)).tz_localize(None)


def _series_times(column: pd.Series, field_name: str, path: str, offset: float | None) -> pd.Series:
    """A signal CSV's timestamps on the schedule's local clock (see :func:`local_time`); NaT where unreadable."""
    name = column.name
    text = column.astype(str).str.strip()
    if pd.api.types.is_numeric_dtype(column) or text.str.fullmatch(NUMBER).mean() > 0.5:
        raise ScenarioError(f"{field_name}: {path} gives {name} as numbers ({_one_line(text.iloc[0])}), e.g. Unix seconds, which would be read "
                            f"as 1970; write dates and times: 2025-07-01 14:00 (local time), or 2025-07-01T20:00Z with utc_offset_hours")
    zoned = text.str.contains(ZONED, case=False, regex=True)
    if zoned.any() and not zoned.all():
        a, b = int(np.flatnonzero(zoned.to_numpy())[0]), int(np.flatnonzero(~zoned.to_numpy())[0])
        raise ScenarioError(f"{field_name}: {path} mixes times with a UTC offset (row {a + 2}: {_one_line(text.iloc[a])}) and without "
                            f"(row {b + 2}: {_one_line(text.iloc[b])}); write them all one way")
    with warnings.catch_warnings():  # pandas warns when it guesses a format: the errors say what is wrong
        warnings.simplefilter("ignore", UserWarning)
        try:
            when = pd.to_datetime(text, errors="coerce", utc=bool(zoned.all()))
        except (ValueError, TypeError, OverflowError):
            raise ScenarioError(f"{field_name}: {path} has times pandas cannot read in {name}; write them as 2025-07-01 14:00") from None
    if getattr(when.dt, "tz", None) is None:
        return when
    if offset is None:
        raise ScenarioError(f"{field_name}: {path} gives times with a UTC offset ({_one_line(text.iloc[0])}), but the schedule's local time "
                            "is not known; give utc_offset_hours (hours from UTC, e.g. -6 for CST) to convert them, or write local times "
                            "without an offset")
    return when.dt.tz_convert("UTC").dt.tz_localize(None) + pd.Timedelta(hours=offset)


def _span(delta: pd.Timedelta) -> str:
    minutes = delta / pd.Timedelta(minutes=1)
    return f"{minutes / 60:g} h" if minutes >= 60 and minutes % 60 == 0 else f"{minutes:g} min"


def _read_series(path: str, field_name: str, columns: tuple[str, ...], index: pd.DatetimeIndex, step: pd.Timedelta | None = None,
                 offset: float | None = None, accept: tuple[str, ...] | list[str] = (), messages: list[str] | None = None) -> np.ndarray:
    """A signal CSV (timestamps and one value column, each row holding until the next) on the intervals:
    its value in each, or its rows' time-weighted mean (a cap: their least) where rows are finer than an
    interval. The file must cover the schedule, row after row: a series that starts late, ends early (it is
    never held past its last row, nor repeated), is for another year, or has rows missing is refused, as are
    values that are not finite or beyond the signal's plausibility; errors name the field, the file and the fix."""
    signal = next((known for known in SIGNALS.values() if known.field == field_name), None)
    signal = signal or Signal(field_name, columns, "", None, "mean", "a flat value")
    step = step if step is not None else pd.Timedelta(index[1] - index[0]) if len(index) > 1 else pd.Timedelta(hours=1)
    check_file_size(Path(path), f"{field_name} {path}", MAX_SERIES_CSV_BYTES, "for a year of 5-minute values", ScenarioError)
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{field_name}: cannot read {path} ({_one_line(exc)})") from None
    time_column = next((c for c in ("timestamp", "local_time", "datetime") if c in table.columns), None)
    value_column = next((c for c in columns if c in table.columns), None)
    if time_column is None or value_column is None:
        found = _one_line(", ".join(map(str, table.columns)))
        raise ScenarioError(f"{field_name}: {path} needs a timestamp column and one of {', '.join(columns)}; it has {found}")
    if table.empty:
        raise ScenarioError(f"{field_name}: {path} has no rows; give a value from the schedule's start")
    when = _series_times(table[time_column], field_name, path, offset)
    values = pd.to_numeric(table[value_column], errors="coerce")
    bad = when.isna() | values.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ScenarioError(f"{field_name}: {path} row {row + 2} has no valid timestamp and {value_column}; fix or remove it")
    values = values.to_numpy(dtype=float)
    years = when.dt.year.to_numpy()
    for row in np.flatnonzero((years < SCHEDULE_YEARS[0]) | (years > SCHEDULE_YEARS[1]))[:1]:
        raise ScenarioError(f"{field_name}: {path} row {row + 2} is at {when.iloc[row]}, outside {SCHEDULE_YEARS[0]}-{SCHEDULE_YEARS[1]}; "
                            "check the year (or remove the row)")
    least = -np.inf if signal.least is None else signal.least
    for row in np.flatnonzero(~np.isfinite(values) | (values < least))[:1]:
        wanted = f"a number of {signal.unit}" + (f" of at least {least:g}" if np.isfinite(least) else "")
        raise ScenarioError(f"{field_name}: {path} row {row + 2} gives {value_column} = {values[row]:g}, not {wanted}; fix the row")
    if signal.bound is not None:
        outside = np.flatnonzero((values < signal.bound.low) | (values > signal.bound.high))
        if len(outside):
            row = int(outside[np.argmax(np.abs(values[outside]))])  # the farthest out
            said = plausibility.check(field_name, float(values[row]), signal.bound, accept,
                                      f"{path} row {row + 2} ({when.iloc[row]:%Y-%m-%d %H:%M}) gives it, {len(outside)} row(s) in all: is the file in "
                                      f"{signal.unit}?")
            if said is not None and messages is not None:
                messages.append(said)
    series = pd.Series(values, index=pd.DatetimeIndex(when).as_unit("ns")).sort_index()  # ns: the arithmetic below is in ns
    if series.index.has_duplicates:
        raise ScenarioError(f"{field_name}: {path} gives {series.index[series.index.duplicated()][0]} twice; keep one row a time")
    begin, end = index[0], index[-1] + step
    times = series.index
    if len(series) == 1:
        raise ScenarioError(f"{field_name}: {path} has one row ({times[0]}); give a row every hour (or 5 minutes) from {begin} to {end}, "
                            f"or use {signal.flat}")
    gaps = np.diff(times.asi8)
    kinds, counts = np.unique(gaps, return_counts=True)
    every = pd.Timedelta(int(kinds[np.argmax(counts)]), unit="ns")  # the file's own resolution: its most common step
    covered = times[-1] + every
    if times[0] > begin or covered < end:
        years = sorted({times[0].year, times[-1].year})
        other = f" (a file for {'-'.join(map(str, years))}; the schedule is in {begin.year})" if begin.year not in years else ""
        raise ScenarioError(f"{field_name}: {path} covers {times[0]} to {covered} (rows every {_span(every)}){other}, but the schedule "
                            f"needs {begin} to {end}; give rows for the whole schedule (a series is not held past its last row or repeated)")
    # a regular series (most rows one step apart) missing rows would hold a value across them: refused; rows
    # that only mark changes (a cap from 08:00, another from 09:00) hold until the next, as written
    regular = counts.max() >= REGULAR_SHARE * len(gaps)
    long = np.flatnonzero((gaps > every.value) & (times.asi8[1:] > begin.value) & (times.asi8[:-1] < end.value)) if regular else []
    if len(long):
        i = int(long[0])
        raise ScenarioError(f"{field_name}: {path} has no rows from {times[i] + every} to {times[i + 1]} (its rows are every {_span(every)}); "
                            "fill them: a value is not held across missing rows")
    return _on_intervals(series, every, index, step, signal, messages)


def _on_intervals(series: pd.Series, every: pd.Timedelta, index: pd.DatetimeIndex, step: pd.Timedelta, signal: Signal,
                  messages: list[str] | None) -> np.ndarray:
    """A covering series (each row held until the next, the last for ``every``) on the intervals: the row in
    force where one row spans the interval, else the rows' time-weighted mean (or least, for ``how='min'``)."""
    times, values = series.index.asi8, series.to_numpy()
    a = index.as_unit("ns").asi8
    b = a + step.value
    first = np.searchsorted(times, a, side="right") - 1  # the row in force at each interval's start ...
    last = np.searchsorted(times, b, side="left") - 1  # ... and at its end
    out = values[first].copy()
    spanning = np.flatnonzero(last > first)
    if not len(spanning):
        return out
    if signal.how == "min":
        bounds = np.ravel(np.column_stack([first[spanning], last[spanning] + 1]))
        out[spanning] = np.minimum.reduceat(np.r_[values, np.inf], bounds)[::2]
    else:
        ends = np.r_[times[1:], times[-1] + every.value]
        seconds = (ends - times) / 1e9
        area = np.r_[0.0, np.cumsum(values * seconds)]

        def integral(x: np.ndarray, row: np.ndarray) -> np.ndarray:  # ∫ from the first row to x
            return area[row] + values[row] * (x - times[row]) / 1e9

        lo, hi = a[spanning], b[spanning]
        out[spanning] = (integral(hi, last[spanning]) - integral(lo, first[spanning])) / ((hi - lo) / 1e9)
    if messages is not None and every < step:
        messages.append(f"{signal.field}: rows every {_span(every)} taken as their {'time-weighted mean' if signal.how == 'mean' else 'least value'} "
                        f"over each {_span(step)} interval")
    return out


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:160]


def _limits(field_info) -> str:
    """A numeric field's range in words, from its constraints: 'above 0 and at most 100'."""
    words = {"gt": "above", "ge": "at least", "lt": "below", "le": "at most"}
    parts = [f"{words[key]} {getattr(m, key):g}" for m in field_info.metadata for key in words if getattr(m, key, None) is not None]
    return " and ".join(parts)


def _read_events(path: str) -> list[tuple[str, str, CurtailmentEvent]]:
    """The events of an events CSV, each with the file and row it came from and where its start is; a bad row
    is one line naming the file, the row, the column, its range and the fix."""
    field_name = "signals.events_csv"
    check_file_size(Path(path), f"{field_name} {path}", MAX_SERIES_CSV_BYTES, "for a list of events", ScenarioError)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{field_name}: cannot read {path} ({_one_line(exc)})") from None
    known = list(CurtailmentEvent.model_fields)
    unknown = [str(c) for c in table.columns if str(c).strip() not in known]
    if unknown:
        raise ScenarioError(f"{field_name}: {path} has a column {_one_line(unknown[0])!r} it does not know; the columns are {', '.join(known)}")
    out = []
    for row_number, row in enumerate(table.to_dict("records"), start=2):
        where = f"{field_name}: {path} row {row_number}"
        given = {str(k).strip(): str(v).strip() for k, v in row.items() if str(v).strip() != ""}  # empty: not given
        if not given:
            continue
        try:
            out.append((f"{field_name} {path} row {row_number}", f"{where}, column start", CurtailmentEvent.model_validate(given)))
        except ValidationError as exc:
            first = exc.errors()[0]
            column = str(first["loc"][0]) if first["loc"] else None
            reason = " ".join(first["msg"].removeprefix("Value error, ").split())
            if column is None:
                raise ScenarioError(f"{where}: {reason}") from None
            info = CurtailmentEvent.model_fields[column]
            if first["type"] == "missing":
                raise ScenarioError(f"{where}: no {column}; give it ({info.description})") from None
            limits = _limits(info)
            rule = f"must be {limits}" if limits else f"is not valid ({reason})"
            raise ScenarioError(f"{where}, column {column}: {_one_line(given.get(column, ''))} {rule}; {column} is "
                                f"{info.description[0].lower() + info.description[1:]}") from None
    return out


def _mask(index: pd.DatetimeIndex, step: pd.Timedelta, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Intervals that overlap [start, end)."""
    return np.asarray((index < end) & (index + step > start))


def upper_hull(power: np.ndarray, throughput: np.ndarray, paused_share: float | None) -> np.ndarray:
    """The operating points (indices, in the given order) on the upper concave envelope of throughput over
    power, from the pause point (or the lowest point) up to full power: the only ones a least-cost mix uses."""
    points = sorted(zip(power, throughput, range(len(power))))
    if paused_share is not None:
        points.insert(0, (paused_share, 0.0, -1))
    hull: list[tuple[float, float, int]] = []
    for point in points:  # going right, slopes must fall
        while len(hull) >= 2 and (hull[-1][1] - hull[-2][1]) * (point[0] - hull[-1][0]) <= (point[1] - hull[-1][1]) * (hull[-1][0] - hull[-2][0]):
            hull.pop()
        hull.append(point)
    kept = sorted((k for _, _, k in hull if k >= 0), key=lambda k: -power[k])
    return np.array(kept, dtype=int)


def _accelerator(name: str, field_name: str) -> pd.Series:
    """A catalog accelerator by name, or a one-line error naming ``field_name`` with the closest names."""
    try:
        return catalog.accelerator(name)
    except DataError as exc:
        raise ScenarioError(f"{field_name}: {str(exc).splitlines()[0]}") from None


def _job(number: int, job: Job, scenario: ScheduleScenario, index: pd.DatetimeIndex, step_hours: float, offset: float | None) -> JobInputs:
    where = f"jobs[{job.name}]"
    unit = _accelerator(job.accelerator, f"jobs[{number}].accelerator (job {job.name})") if job.accelerator else None
    if unit is None and scenario.accelerator:
        unit = _accelerator(scenario.accelerator, "accelerator")
    if (job.power_kw is None or job.value_usd_per_accelerator_hour is None) and unit is None:
        raise ScenarioError(f"{where}: give power_kw and value_usd_per_accelerator_hour, or name a catalog accelerator (accelerator) to default them from")
    if job.power_kw is not None:
        power_mw = job.power_kw / KW_PER_MW
    else:
        power_mw = job.accelerators * float(unit["tdp_w"]) / int(unit["accelerators_per_unit"]) / 1e6
    points_power, points_throughput, knee = operating_points(job.kind)
    tier = catalog.assumption(f"flex_tier_{job.flex}")
    max_slowdown = tier if job.max_slowdown is None else job.max_slowdown
    start = local_time(job.start, f"{where}.start", offset) if job.start else index[0]
    step = pd.Timedelta(hours=step_hours)
    active = np.asarray(index + step > start)
    work_hours = job.work_hours
    if job.deadline is not None:
        active &= np.asarray(index < local_time(job.deadline, f"{where}.deadline", offset))
        possible = active.sum() * step_hours
        if possible + 1e-9 < work_hours:
            raise ScenarioError(f"{where}.deadline: {work_hours:g} h of work cannot be done between {start} and {job.deadline} "
                                f"even at full speed ({possible:g} h); move the deadline or cut work_hours")
    if not active.any():
        raise ScenarioError(f"{where}.start: the job starts after the schedule ends; start it within it or remove it")
    if work_hours is not None and job.can_pause is False:  # it runs in every interval of its window, at its lowest cap at least
        least = active.sum() * step_hours * points_throughput[upper_hull(points_power, points_throughput, None)].min()
        if least > work_hours + 1e-9:
            raise ScenarioError(f"{where}.can_pause: false keeps the job running in every interval from {start} to {job.deadline}, "
                                f"{least:g} h of work even at its lowest power cap, more than its work_hours {work_hours:g}; "
                                "let it pause (can_pause: true), or move its start or deadline nearer")
    training = job.kind in ("pre_training", "fine_tuning")
    restart = job.restart_minutes if job.restart_minutes is not None else (catalog.assumption("restart_minutes") if training else 0.0)
    if training and not job.checkpoint_on_pause:
        interval = job.checkpoint_interval_minutes or catalog.assumption("checkpoint_interval_minutes")
        restart += interval / 2  # the work since the last checkpoint, on average
    value = job.value_usd_per_accelerator_hour
    if value is None:
        value = _value_usd_per_accelerator_hour(str(unit["name"]))
    flat = np.zeros(len(index))
    if work_hours is not None:  # running flat, it works at full speed from its start until done
        first = int(np.flatnonzero(active)[0])
        whole = int(work_hours // step_hours)
        flat[first:first + whole] = power_mw
        if work_hours - whole * step_hours > 1e-9:
            flat[first + whole] = power_mw * (work_hours - whole * step_hours) / step_hours
    else:
        flat[active] = power_mw
    return JobInputs(
        name=job.name, kind=job.kind, accelerators=job.accelerators, power_mw=power_mw, points_power=points_power,
        points_throughput=points_throughput, knee_share=knee,
        # a job with a deadline gives its accelerators back while it waits; others keep them warm
        paused_share=0.0 if work_hours is not None else catalog.assumption("paused_accelerator_power_share"),
        active=active, max_slowdown=max_slowdown, run_hours=job.run_hours or float(active.sum() * step_hours),
        can_pause=job.can_pause if job.can_pause is not None else (max_slowdown > 0 or work_hours is not None),
        restart_hours=restart / 60, value_usd_per_hour=value * job.accelerators, work_hours=work_hours, flat_power_mw=flat,
    )


def schedule_inputs(scenario: ScheduleScenario, origin: Path | None = None) -> ScheduleInputs:
    """The scenario on its intervals (see the module doc); errors name the scenario field."""
    step_hours = scenario.interval_minutes / 60
    count = round(scenario.hours / step_hours)
    offset = local_offset(scenario)
    step = pd.Timedelta(minutes=scenario.interval_minutes)
    index = pd.date_range(local_time(scenario.start, "start", offset), periods=count, freq=step)
    begin, end = index[0], index[-1] + step
    accept = scenario.accept_implausible
    messages: list[str] = []
    if scenario.accelerator:
        _accelerator(scenario.accelerator, "accelerator")
    jobs = [_job(number, job, scenario, index, step_hours, offset) for number, job in enumerate(scenario.jobs)]
    named = {job.accelerator or scenario.accelerator for job in scenario.jobs} - {None}
    others = sorted(name for name in {str(catalog.accelerator(n)["name"]) for n in named} if MEASURED_ON not in name.upper())
    if others:
        messages.append(f"power-cap curves were measured on A100s (Phoenix, 2025); applied to {', '.join(others)} as shares of uncapped power")
    signals = scenario.signals

    def series(name: str, flat_field: str | None = None) -> np.ndarray:
        """A signal from its CSV, or flat (``signals.<flat_field>``), its plausibility checked either way."""
        signal, path = SIGNALS[name], getattr(signals, name)
        if path is not None:
            return _read_series(path, signal.field, signal.columns, index, step, offset, accept, messages)
        value = getattr(signals, flat_field)
        if said := plausibility.check(f"signals.{flat_field}", value, signal.bound, accept):
            messages.append(said)
        return np.full(count, value)

    price = series("price_csv", "price_usd_per_mwh")
    carbon = series("carbon_csv", "carbon_g_per_kwh")
    other_mw = scenario.other_load_kw / KW_PER_MW
    flat = scenario.pue * (sum(job.flat_power_mw for job in jobs) + other_mw)
    target = np.full(count, np.inf)
    hold = np.zeros(count, dtype=bool)
    ramp = signals.ramp_mw_per_min
    # with a ramp limit, a response could start early; before the notice it may not: for as long as the
    # deepest ramp could take (at most the schedule's length), the site draws at least its flat draw
    lead = pd.Timedelta(minutes=min(float(np.ceil(flat.max() / ramp)), scenario.hours * 60)) if ramp else pd.Timedelta(0)
    listed = [(f"signals.events[{i}]", f"signals.events[{i}].start", event) for i, event in enumerate(signals.events)]
    events = []
    for number, (label, start_field, event) in enumerate([*listed, *(_read_events(signals.events_csv) if signals.events_csv else [])], start=1):
        start = local_time(event.start, start_field, offset)
        inside = _mask(index, step, start, start + pd.Timedelta(minutes=event.duration_minutes))
        if not inside.any():
            raise ScenarioError(f"{label}: the event at {start} is outside the schedule ({begin} to {end}); move it or remove it")
        wanted = flat * (1 - event.reduce_pct / 100) if event.reduce_pct is not None else flat - event.reduce_mw
        target = np.where(inside, np.minimum(target, np.maximum(wanted, 0.0)), target)
        noticed = start - pd.Timedelta(minutes=event.notice_minutes)
        hold |= np.asarray((index >= noticed - lead) & (index + step <= noticed))
        events.append({"number": number, "source": label, "start": start.isoformat(sep=" "), "duration_minutes": event.duration_minutes,
                       "reduce_pct": event.reduce_pct, "reduce_mw": event.reduce_mw, "notice_minutes": event.notice_minutes,
                       "intervals": np.flatnonzero(inside), "noticed": int(np.searchsorted(index, noticed))})
    cap = np.full(count, np.inf)
    cap_from = np.full(count, "", dtype=object)
    for i, item in enumerate(signals.site_cap):
        where = f"signals.site_cap[{i}]"
        start, until = local_time(item.start, f"{where}.start", offset), local_time(item.end, f"{where}.end", offset)
        if until <= start:
            raise ScenarioError(f"{where}.end: {until} is not after start {start} (local time); a cap holds from start until end")
        covered = _mask(index, step, start, until)
        if not covered.any():
            raise ScenarioError(f"{where}: {start} to {until} is outside the schedule ({begin} to {end}); move it or remove it")
        lower = covered & (item.mw < cap)
        cap, cap_from = np.where(lower, item.mw, cap), np.where(lower, where, cap_from)
    if signals.site_cap_csv:
        allowed = series("site_cap_csv")
        lower = allowed < cap
        cap, cap_from = np.where(lower, allowed, cap), np.where(lower, "signals.site_cap_csv", cap_from)
    hold &= np.isinf(target)
    return ScheduleInputs(
        name=scenario.name, index=index, step_hours=step_hours, jobs=jobs, pue=scenario.pue, other_mw=other_mw,
        price_usd_per_mwh=price, carbon_g_per_kwh=carbon, carbon_price_usd_per_t=signals.carbon_price_usd_per_t,
        flat_mw=flat, target_mw=target, cap_mw=cap, cap_from=cap_from, hold=hold, events=events,
        hold_floor_mw=flat - scenario.pue * sum(job.flat_power_mw for job in jobs if job.work_hours is not None),
        ramp_mw_per_interval=signals.ramp_mw_per_min * scenario.interval_minutes if signals.ramp_mw_per_min else None,
        penalty_usd_per_mwh=signals.shortfall_penalty_usd_per_mwh, messages=messages,
    )


__all__ = ["JobInputs", "ScheduleInputs", "operating_points", "schedule_inputs"]
