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

from gigawatt import catalog
from gigawatt.errors import DataError, ScenarioError, check_file_size
from gigawatt.power.flexibility import capping_segments
from gigawatt.profiles import MAX_SERIES_CSV_BYTES
from gigawatt.scenario import CurtailmentEvent, Job, ScheduleScenario

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
    from gigawatt.compute import size
    from gigawatt.power.plan import cluster_cost_usd_per_accelerator_hour
    from gigawatt.scenario import Scenario

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


def _read_series(path: str, field_name: str, columns: tuple[str, ...], index: pd.DatetimeIndex) -> np.ndarray:
    """A CSV of timestamps and one value column (the first of ``columns`` found) on the intervals, each row
    held until the next; errors name ``field_name``."""
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
    with warnings.catch_warnings():  # pandas warns when it guesses a format: the error below says what is wrong
        warnings.simplefilter("ignore", UserWarning)
        try:
            when = pd.to_datetime(table[time_column], errors="coerce")
        except (ValueError, TypeError):  # several UTC offsets in one column
            raise ScenarioError(f"{field_name}: {path} mixes time zones in {time_column}; give local times without offsets") from None
    values = pd.to_numeric(table[value_column], errors="coerce")
    bad = when.isna() | values.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ScenarioError(f"{field_name}: {path} row {row + 2} has no valid timestamp and {value_column}; fix or remove it")
    if getattr(when.dt, "tz", None) is not None:
        when = when.dt.tz_localize(None)
    series = pd.Series(values.to_numpy(dtype=float), index=pd.DatetimeIndex(when)).sort_index()
    if series.index.has_duplicates:
        raise ScenarioError(f"{field_name}: {path} gives {series.index[series.index.duplicated()][0]} twice; keep one row a time")
    if series.index[0] > index[0]:
        raise ScenarioError(f"{field_name}: {path} starts at {series.index[0]}, after the schedule's start {index[0]}; give rows from the start")
    return series.reindex(index, method="ffill").to_numpy()


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:160]


def _read_events(path: str) -> list[CurtailmentEvent]:
    check_file_size(Path(path), f"signals.events_csv {path}", MAX_SERIES_CSV_BYTES, "for a list of events", ScenarioError)
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"signals.events_csv: cannot read {path} ({_one_line(exc)})") from None
    out = []
    for row_number, row in enumerate(table.to_dict("records"), start=2):
        try:
            out.append(CurtailmentEvent.model_validate({k: v for k, v in row.items() if v == v}))  # NaN: not given
        except Exception as exc:  # noqa: BLE001 - pydantic's error, told in one line
            raise ScenarioError(f"signals.events_csv: {path} row {row_number}: {str(exc).splitlines()[-1].strip()[:160]}") from None
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


def _job(job: Job, scenario: ScheduleScenario, index: pd.DatetimeIndex, step_hours: float) -> JobInputs:
    where = f"jobs[{job.name}]"
    accelerator = job.accelerator or scenario.accelerator
    unit = None
    if job.power_kw is None or job.value_usd_per_accelerator_hour is None:
        if accelerator is None:
            raise ScenarioError(f"{where}: give power_kw and value_usd_per_accelerator_hour, or name a catalog accelerator (accelerator) to default them from")
        try:
            unit = catalog.accelerator(accelerator)
        except DataError as exc:
            raise ScenarioError(f"{where}.accelerator: {str(exc).splitlines()[0]}") from None
    if job.power_kw is not None:
        power_mw = job.power_kw / KW_PER_MW
    else:
        power_mw = job.accelerators * float(unit["tdp_w"]) / int(unit["accelerators_per_unit"]) / 1e6
    points_power, points_throughput, knee = operating_points(job.kind)
    tier = catalog.assumption(f"flex_tier_{job.flex}")
    max_slowdown = tier if job.max_slowdown is None else job.max_slowdown
    start = pd.Timestamp(job.start) if job.start else index[0]
    step = pd.Timedelta(hours=step_hours)
    active = np.asarray(index + step > start)
    work_hours = job.work_hours
    if job.deadline is not None:
        active &= np.asarray(index < pd.Timestamp(job.deadline))
        possible = active.sum() * step_hours
        if possible + 1e-9 < work_hours:
            raise ScenarioError(f"{where}.deadline: {work_hours:g} h of work cannot be done between {start} and {job.deadline} "
                                f"even at full speed ({possible:g} h); move the deadline or cut work_hours")
    if not active.any():
        raise ScenarioError(f"{where}.start: the job starts after the schedule ends; start it within it or remove it")
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
    index = pd.date_range(pd.Timestamp(scenario.start), periods=count, freq=pd.Timedelta(minutes=scenario.interval_minutes))
    step = pd.Timedelta(minutes=scenario.interval_minutes)
    messages: list[str] = []
    jobs = [_job(job, scenario, index, step_hours) for job in scenario.jobs]
    others = sorted({name for job in scenario.jobs if (name := job.accelerator or scenario.accelerator) and MEASURED_ON not in name.upper()})
    if others:
        messages.append(f"power-cap curves were measured on A100s (Phoenix, 2025); applied to {', '.join(others)} as shares of uncapped power")
    signals = scenario.signals
    price = np.full(count, signals.price_usd_per_mwh)
    if signals.price_csv:
        price = _read_series(signals.price_csv, "signals.price_csv", ("price_usd_per_mwh", "price"), index)
    carbon = np.full(count, signals.carbon_g_per_kwh)
    if signals.carbon_csv:
        carbon = _read_series(signals.carbon_csv, "signals.carbon_csv", ("carbon_g_per_kwh", "g_per_kwh"), index)
    other_mw = scenario.other_load_kw / KW_PER_MW
    flat = scenario.pue * (sum(job.flat_power_mw for job in jobs) + other_mw)
    target = np.full(count, np.inf)
    hold = np.zeros(count, dtype=bool)
    ramp = signals.ramp_mw_per_min
    # with a ramp limit, a response could start early; before the notice it may not: for as long as the
    # deepest ramp could take, the site draws at least its flat draw (no ramp limit: nothing to hold)
    lead = pd.Timedelta(minutes=float(np.ceil(flat.max() / ramp))) if ramp else pd.Timedelta(0)
    events = []
    for number, event in enumerate([*signals.events, *(_read_events(signals.events_csv) if signals.events_csv else [])], start=1):
        begin = pd.Timestamp(event.start)
        inside = _mask(index, step, begin, begin + pd.Timedelta(minutes=event.duration_minutes))
        if not inside.any():
            raise ScenarioError(f"signals.events[{number}].start: {begin} is outside the schedule ({index[0]} to {index[-1] + step}); move it or remove it")
        wanted = flat * (1 - event.reduce_pct / 100) if event.reduce_pct is not None else flat - event.reduce_mw
        target = np.where(inside, np.minimum(target, np.maximum(wanted, 0.0)), target)
        noticed = begin - pd.Timedelta(minutes=event.notice_minutes)
        hold |= np.asarray((index >= noticed - lead) & (index + step <= noticed))
        events.append({"number": number, "start": begin.isoformat(sep=" "), "duration_minutes": event.duration_minutes,
                       "reduce_pct": event.reduce_pct, "reduce_mw": event.reduce_mw, "notice_minutes": event.notice_minutes,
                       "intervals": np.flatnonzero(inside), "noticed": int(np.searchsorted(index, noticed))})
    cap = np.full(count, np.inf)
    for item in signals.site_cap:
        cap = np.where(_mask(index, step, pd.Timestamp(item.start), pd.Timestamp(item.end)), np.minimum(cap, item.mw), cap)
    if signals.site_cap_csv:
        cap = np.minimum(cap, _read_series(signals.site_cap_csv, "signals.site_cap_csv", ("cap_mw", "available_mw"), index))
    hold &= np.isinf(target)
    return ScheduleInputs(
        name=scenario.name, index=index, step_hours=step_hours, jobs=jobs, pue=scenario.pue, other_mw=other_mw,
        price_usd_per_mwh=price, carbon_g_per_kwh=carbon, carbon_price_usd_per_t=signals.carbon_price_usd_per_t,
        flat_mw=flat, target_mw=target, cap_mw=cap, hold=hold, events=events,
        hold_floor_mw=flat - scenario.pue * sum(job.flat_power_mw for job in jobs if job.work_hours is not None),
        ramp_mw_per_interval=signals.ramp_mw_per_min * scenario.interval_minutes if signals.ramp_mw_per_min else None,
        penalty_usd_per_mwh=signals.shortfall_penalty_usd_per_mwh, messages=messages,
    )


__all__ = ["JobInputs", "ScheduleInputs", "operating_points", "schedule_inputs"]
