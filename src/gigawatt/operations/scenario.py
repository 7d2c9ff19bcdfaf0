"""A schedule scenario (``gigawatt schedule``): jobs, signals, events and caps."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from gigawatt.core.inputs import (
    FIRST_MONTH,
    LAST_MONTH,
    MAX_ITEMS,
    Label,
    Solver,
    _Job,
    _Strict,
)

WORKLOADS = ("pre_training", "fine_tuning", "batch_inference", "online_inference")
MAX_JOBS = 1_000
MAX_INTERVALS = 200_000  # a year of 5-minute intervals is 105,120
# jobs x intervals, the size of a schedule's model before its stretches are merged (about seven columns each):
# the ERCOT example's 9 jobs x 2,016 intervals are 18,144; measured with a ramp limit (no stretches merged),
# 20 jobs x 10,080 intervals (201,600) build and solve as an LP in 25 s and 1.8 GB, and memory grows in step
MAX_JOB_INTERVALS = 200_000
# the years a schedule's times (and its CSVs' rows) may lie in: a programme's months, for the same reasons
SCHEDULE_YEARS = (int(FIRST_MONTH[:4]), int(LAST_MONTH[:4]))


def _instant(value: datetime) -> datetime:
    """A time comparable with any other: one with an offset as UTC, one without as it stands (the schedule
    converts both to its local time; here they are only ordered)."""
    return value if value.tzinfo is None else value.astimezone(timezone.utc).replace(tzinfo=None)


def _check_year(name: str, value: datetime | None) -> None:
    if value is not None and not SCHEDULE_YEARS[0] <= value.year <= SCHEDULE_YEARS[1]:
        raise ValueError(f"{name} {value} is outside {SCHEDULE_YEARS[0]}-{SCHEDULE_YEARS[1]}; check the year")


class Job(_Strict):
    """One job of the mix: what it runs on, how much it may slow down, and what it must finish by when."""

    name: Label = Field(min_length=1, description="The job's label")
    kind: Literal["pre_training", "fine_tuning", "batch_inference", "online_inference"] = Field(description="Workload kind: sets its throughput-versus-power-cap curve")
    accelerators: int = Field(ge=1, le=10_000_000, description="Accelerators the job runs on, a count")
    accelerator: str | None = Field(default=None, description="Catalog accelerator; default: the schedule's accelerator")
    power_kw: float | None = Field(default=None, gt=0, le=1e8, description="The job's accelerator power running uncapped, kW; default: accelerators x the catalog TDP")
    flex: Literal[0, 1, 2, 3] = Field(default=0, description="Flexibility tier: the largest average slowdown over the job's run (catalog flex_tier_N: 0 none, 1 10%, 2 25%, 3 50%)")
    max_slowdown: float | None = Field(default=None, ge=0, le=1, description="The largest average slowdown over the run, ratio; overrides the tier's")
    start: datetime | None = Field(default=None, description="When the job starts, local time; default: the schedule's start")
    run_hours: float | None = Field(default=None, gt=0, le=1e5, description="The job's whole run, hours, over which its slowdown is averaged; default: its hours in the schedule")
    work_hours: float | None = Field(default=None, gt=0, le=1e5, description="Full-speed hours of work to finish (with deadline): the job ends when done")
    deadline: datetime | None = Field(default=None, description="When work_hours must be done, local time")
    restart_minutes: float | None = Field(default=None, ge=0, le=1440, description="Work lost to each pause, minutes at full speed (reload, warm-up); default: catalog restart_minutes for training, 0 for inference")
    checkpoint_interval_minutes: float | None = Field(default=None, gt=0, le=10_000, description="Training: minutes between checkpoints; half of it is lost at a pause unless checkpoint_on_pause; default: catalog checkpoint_interval_minutes")
    checkpoint_on_pause: bool = Field(default=True, description="Training: write a checkpoint when paused (checkpoint --stop), so only restart_minutes are lost")
    can_pause: bool | None = Field(default=None, description="Whether the job may be paused (else only power-capped); default: when its tier allows any slowdown")
    value_usd_per_accelerator_hour: float | None = Field(default=None, ge=0, le=1000, description="Value of one full-speed accelerator-hour lost, USD; default: the cluster's cost per accelerator-hour other than electricity")

    @model_validator(mode="after")
    def _deadline(self) -> Job:
        for name in ("start", "deadline"):
            _check_year(name, getattr(self, name))
        if (self.work_hours is None) != (self.deadline is None):
            raise ValueError(f"job {self.name}: give work_hours and deadline together, or neither")
        return self


class CurtailmentEvent(_Strict):
    """A utility's request: reduce the site's power from start for duration_minutes, by reduce_pct of what it
    would draw running flat or by reduce_mw, with notice_minutes of warning."""

    start: datetime = Field(description="When the reduction must hold from, local time")
    duration_minutes: float = Field(gt=0, le=100_000, description="How long it lasts, minutes")
    reduce_pct: float | None = Field(default=None, gt=0, le=100, description="Reduction asked for, % of the site's flat draw")
    reduce_mw: float | None = Field(default=None, gt=0, le=1e6, description="Reduction asked for, MW below the flat draw")
    notice_minutes: float = Field(default=0, ge=0, le=10_000, description="Warning before start, minutes: no part of the response may begin earlier")

    @model_validator(mode="after")
    def _one_target(self) -> CurtailmentEvent:
        _check_year("start", self.start)
        if (self.reduce_pct is None) == (self.reduce_mw is None):
            raise ValueError("give reduce_pct or reduce_mw (one of them)")
        return self


class SiteCap(_Strict):
    """The most the site may draw between two times, MW."""

    start: datetime = Field(description="From, local time")
    end: datetime = Field(description="Until, local time")
    mw: float = Field(ge=0, le=1e6, description="The cap, MW at the meter")

    @model_validator(mode="after")
    def _in_order(self) -> SiteCap:
        _check_year("start", self.start)
        _check_year("end", self.end)
        if _instant(self.end) <= _instant(self.start):
            raise ValueError(f"end {self.end} is not after start {self.start}; a cap holds from start until end")
        return self


class Signals(_Strict):
    """What the grid says: prices, carbon, curtailment events, power caps and ramp limits."""

    price_usd_per_mwh: float = Field(default=0.0, ge=-20_000, le=20_000, description="Flat energy price, USD/MWh (price_csv replaces it)")
    price_csv: str | None = Field(default=None, description="Energy price, USD/MWh: CSV of timestamp and price_usd_per_mwh (hourly or 5-minute) covering the whole schedule, each row "
                                     "held until the next (rows finer than an interval averaged); local times, or times with an offset and utc_offset_hours")
    carbon_g_per_kwh: float = Field(default=0.0, ge=0, le=2_000, description="Flat grid carbon intensity, gCO2/kWh (carbon_csv replaces it)")
    carbon_csv: str | None = Field(default=None, description="Grid carbon intensity, gCO2/kWh: CSV of timestamp and carbon_g_per_kwh, covering the whole "
                                  "schedule as price_csv does")
    carbon_price_usd_per_t: float = Field(default=0.0, ge=0, le=10_000, description="Price put on each tonne of CO2 drawn, USD/t")
    events: list[CurtailmentEvent] = Field(default_factory=list, max_length=MAX_ITEMS * 10, description="Curtailment events")
    events_csv: str | None = Field(default=None, description="Curtailment events: CSV of start, duration_minutes, reduce_pct or reduce_mw, notice_minutes")
    site_cap: list[SiteCap] = Field(default_factory=list, max_length=MAX_ITEMS * 10, description="Caps on the site's draw over time")
    site_cap_csv: str | None = Field(default=None, description="The site's allowed draw over time: CSV of timestamp (or local_time) and cap_mw (or available_mw, as `gigawatt headroom` "
                                    "writes a campus schedule), MW, covering the whole schedule as price_csv does (rows finer than an interval: their least)")
    ramp_mw_per_min: float | None = Field(default=None, gt=0, le=1e5, description="Largest change of the site's draw, MW per minute, either way")
    shortfall_penalty_usd_per_mwh: float = Field(default=1e6, gt=0, le=1e9, description="Price of each MWh above an event's target or a cap, so that one is missed only when nothing can meet it")


class ScheduleScenario(_Job):
    """A campus's jobs run against grid signals: what to cap, pause and resume, interval by interval."""

    name: Label = Field(default="schedule", description="A label for reports")
    description: str | None = Field(default=None, description="Free text for people")
    start: datetime = Field(description="The first interval, local time (or with its UTC offset, which then sets the schedule's local time)")
    hours: float = Field(gt=0, le=8784, description="Length of the schedule, hours")
    utc_offset_hours: float | None = Field(
        default=None, ge=-12, le=14,
        description="The schedule's local time, hours from UTC (e.g. -6 for CST): times written with an offset or Z, in the scenario or in "
        "its CSVs, are converted to it; default: start's offset where it has one, else such times are refused (local times never shift)",
    )
    interval_minutes: float = Field(default=5, gt=0, le=60, description="Length of an interval, minutes")
    accelerator: str | None = Field(default=None, description="Catalog accelerator of jobs that do not name one (needed where a job lacks power_kw or value_usd_per_accelerator_hour)")
    pue: float = Field(default=1.0, ge=1, le=3, description="Facility power over IT power, ratio: 1 schedules accelerator power alone (as the Phoenix demonstration measured it)")
    other_load_kw: float = Field(default=0.0, ge=0, le=1e9, description="IT load that does not bend (hosts, storage, network), kW")
    jobs: list[Job] = Field(min_length=1, max_length=MAX_JOBS, description="The job mix")
    signals: Signals = Field(default_factory=Signals, description="Prices, carbon, events, caps and ramp limits")
    solver: Solver = Field(default_factory=Solver, description="Solver and its settings (mip_gap, time_limit_s)")

    @model_validator(mode="after")
    def _size(self) -> ScheduleScenario:
        intervals = self.hours * 60 / self.interval_minutes
        if not math.isfinite(intervals) or intervals > MAX_INTERVALS:  # checked first: round() of infinity overflows
            raise ValueError(f"hours x 60 / interval_minutes is {intervals:,.0f} intervals, more than {MAX_INTERVALS:,}; use longer intervals")
        if abs(intervals - round(intervals)) > 1e-6:
            raise ValueError(f"hours {self.hours:g} is not a whole number of {self.interval_minutes:g}-minute intervals; change one of them")
        if round(intervals) < 1:
            raise ValueError(f"hours {self.hours:g} is shorter than one {self.interval_minutes:g}-minute interval; give at least one")
        if round(intervals) * len(self.jobs) > MAX_JOB_INTERVALS:
            raise ValueError(f"{len(self.jobs):,} jobs x {round(intervals):,} intervals is {len(self.jobs) * round(intervals):,} job-intervals, more than "
                             f"{MAX_JOB_INTERVALS:,} (about 2 GB of model); use longer intervals (interval_minutes), a shorter schedule "
                             "(hours) or fewer jobs (merge jobs of the same kind and tier)")
        _check_year("start", self.start)
        names = [job.name for job in self.jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"jobs: the name '{next(n for n in names if names.count(n) > 1)}' is used twice; give each job its own")
        return self


