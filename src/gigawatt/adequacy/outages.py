"""Forced outages as random processes, drawn hour by hour for many independent years at once.

- A unit is a two-state (up/down) Markov chain in discrete hourly time. From its forced-outage rate ``q`` (the
  long-run share of hours down) and mean time to repair ``r`` (hours), the mean time to failure is
  ``MTTF = r (1 - q) / q``, so that ``MTTF / (MTTF + r) = 1 - q``. Up and down spells are geometric whole
  numbers of hours with means MTTF and r (the discrete counterpart of exponential times): at most one event
  per hour, and a mean below one hour becomes one hour.
- A grid connection fails as a Poisson process (``outages_per_year``) and each outage lasts an exponential
  time with the given mean (hours); an hour's availability is the share of it the connection is up.

Each draw is one year, independent of the others: an outage running at a year's end does not carry into another
draw, and a unit starts each year in its stationary state (up with probability 1 - q). Arrays are shaped
(draws, hours); the caller draws in chunks of years so memory stays bounded (see ``montecarlo``).
"""

from __future__ import annotations

import math

import numpy as np

from gigawatt.core.errors import ScenarioError

HOURS_PER_YEAR = 8760  # the length of a year for rates "per year" (a 365-day year)
CYCLE_MARGIN = 1.5  # draw this many times the expected up/down cycles of a year at once; the rest on demand
MIN_CYCLES = 4  # ... and at least this many, so a long-lived unit needs no second round


def mean_time_to_failure_hours(forced_outage_rate: float, mean_time_to_repair_hours: float) -> float:
    """MTTF (hours) of a two-state unit whose long-run share of hours down is ``forced_outage_rate`` and whose
    repairs take ``mean_time_to_repair_hours`` on average: ``r (1 - q) / q`` (infinite where q = 0)."""
    if forced_outage_rate == 0:
        return math.inf
    return mean_time_to_repair_hours * (1.0 - forced_outage_rate) / forced_outage_rate


def check_outage(field: str, forced_outage_rate: float, mean_time_to_repair_hours: float) -> None:
    """Refuse a forced-outage rate outside [0, 1) or a repair time that is not a positive number of hours, in
    one line naming ``field`` (the scenario path of the unit group)."""
    q, r = forced_outage_rate, mean_time_to_repair_hours
    if not (isinstance(q, (int, float)) and math.isfinite(q) and 0 <= q < 1):
        raise ScenarioError(f"{field}.forced_outage_rate: {q!r} is outside [0, 1); give the share of hours the unit is on forced outage, e.g. 0.05")
    if not (isinstance(r, (int, float)) and math.isfinite(r) and r > 0):
        raise ScenarioError(f"{field}.mean_time_to_repair_hours: {r!r} must be a positive number of hours, e.g. 48")


def _geometric(rng: np.random.Generator, mean_hours: float, size: tuple[int, ...]) -> np.ndarray:
    """Whole hours (>= 1) with mean ``mean_hours`` (a mean below one hour gives one hour)."""
    return rng.geometric(min(1.0, 1.0 / mean_hours), size=size).astype(np.int64)


def _down_spells(rng: np.random.Generator, draws: int, hours: int, q: float, mttr_hours: float) -> tuple[np.ndarray, np.ndarray]:
    """Start and end hours (draws, spells) of one unit's forced outages in each of ``draws`` years, clipped to
    [0, hours]; spells past the year's end start and end at ``hours`` (they add nothing)."""
    mttf_hours = mean_time_to_failure_hours(q, mttr_hours)
    starts_down = rng.random(draws) < q  # the stationary state at hour 0
    cycles = max(MIN_CYCLES, math.ceil(CYCLE_MARGIN * hours / (mttf_hours + mttr_hours)))
    up = _geometric(rng, mttf_hours, (draws, cycles))
    down = _geometric(rng, mttr_hours, (draws, cycles))
    # a spell sequence per draw: (down, up, down, ...) if it starts down, else (up, down, up, ...)
    spells = np.empty((draws, 2 * cycles), dtype=np.int64)
    spells[:, 0::2] = np.where(starts_down[:, None], down, up)
    spells[:, 1::2] = np.where(starts_down[:, None], up, down)
    bounds = np.concatenate([np.zeros((draws, 1), dtype=np.int64), np.cumsum(spells, axis=1)], axis=1)
    while bounds[:, -1].min() < hours:  # rare: a draw with unusually short spells needs more cycles
        more_up, more_down = _geometric(rng, mttf_hours, (draws, cycles)), _geometric(rng, mttr_hours, (draws, cycles))
        extra = np.empty((draws, 2 * cycles), dtype=np.int64)
        extra[:, 0::2] = np.where(starts_down[:, None], more_down, more_up)
        extra[:, 1::2] = np.where(starts_down[:, None], more_up, more_down)
        bounds = np.concatenate([bounds, bounds[:, -1:] + np.cumsum(extra, axis=1)], axis=1)
    spell_count = bounds.shape[1] - 1
    # down spells are the even ones for a unit that starts down, the odd ones otherwise
    first = np.where(starts_down, 0, 1)[:, None]
    index = first + 2 * np.arange((spell_count + 1) // 2)[None, :]
    index = np.minimum(index, spell_count - 1)
    valid = (first + 2 * np.arange((spell_count + 1) // 2)[None, :]) < spell_count
    start = np.where(valid, np.take_along_axis(bounds, index, axis=1), hours)
    end = np.where(valid, np.take_along_axis(bounds, index + 1, axis=1), hours)
    return np.minimum(start, hours), np.minimum(end, hours)


def units_down(rngs: list[np.random.Generator], draws: int, hours: int, q: float, mttr_hours: float) -> np.ndarray:
    """Number of units of one group on forced outage in each hour of each draw: int32 (draws, hours).

    ``rngs`` holds one generator per unit, so a unit's outages do not change when another unit is added to the
    group or the fleet (common random numbers: comparisons between fleets are not blurred by noise)."""
    diff = np.zeros(draws * (hours + 1), dtype=np.int64)
    if q > 0:
        row = (np.arange(draws) * (hours + 1))[:, None]
        for rng in rngs:
            start, end = _down_spells(rng, draws, hours, q, mttr_hours)
            diff += np.bincount((row + start).ravel(), minlength=diff.size)
            diff -= np.bincount((row + end).ravel(), minlength=diff.size)
    return np.cumsum(diff.reshape(draws, hours + 1), axis=1)[:, :hours].astype(np.int32)


def grid_available_share(rng: np.random.Generator, draws: int, hours: int, outages_per_year: float,
                         mean_outage_hours: float) -> np.ndarray:
    """Share of each hour (0..1) the grid connection is up, float64 (draws, hours): outages arrive as a Poisson
    process of ``outages_per_year`` and last an exponential time of mean ``mean_outage_hours``."""
    down = np.zeros((draws, hours + 1))
    counts = rng.poisson(outages_per_year * hours / HOURS_PER_YEAR, size=draws)
    total = int(counts.sum())
    if total == 0 or mean_outage_hours <= 0:
        return np.ones((draws, hours))
    # given their number, the arrival times of a Poisson process are uniform over the year
    draw = np.repeat(np.arange(draws), counts)
    start = rng.uniform(0.0, hours, size=total)
    end = np.minimum(start + rng.exponential(mean_outage_hours, size=total), hours)
    first, last = np.floor(start).astype(np.int64), np.floor(end).astype(np.int64)
    same = first == last
    # within one hour: its share; across hours: the first hour's tail, whole hours between, the last hour's head
    np.add.at(down, (draw[same], first[same]), end[same] - start[same])
    d, f, la, s, e = draw[~same], first[~same], last[~same], start[~same], end[~same]
    np.add.at(down, (d, f), f + 1 - s)
    np.add.at(down, (d, la), e - la)
    whole = np.zeros((draws, hours + 2))
    np.add.at(whole, (d, f + 1), 1.0)
    np.add.at(whole, (d, la), -1.0)
    down += np.cumsum(whole, axis=1)[:, : hours + 1]
    return 1.0 - np.clip(down[:, :hours], 0.0, 1.0)
