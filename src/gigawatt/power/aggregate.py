"""Screening mode: the year in fewer, longer time segments, kept in order.

:func:`aggregate` merges adjacent hours whose load, capacity factors, grid price and grid carbon are alike
into segments of varying length, averages every series over each segment and sets
``PlanInputs.snapshot_weightings_h`` to the segment durations. Because the segments stay in calendar order
and cover the whole year, storage state carries from one segment to the next as in the hourly model (and
the battery's cyclic condition still closes the year); what is lost is variation inside a segment.

The merge is the chronological agglomerative clustering that tsam's ``segmentation`` performs (Ward's
criterion with only adjacent segments joinable), written here in numpy: tsam 4 would pull in scikit-learn
and pyomo and pin pandas and highspy below the versions this package uses. Each step joins the two
neighbouring segments whose merge adds least to the within-segment sum of squares,

    Δ(a, b) = W_a W_b / (W_a + W_b) · ‖μ_a − μ_b‖²,

with W the hours a segment stands for and μ its mean of the features, each scaled to its own range (as
tsam normalises). A heap with lazy deletion makes it O(T log T): about 0.1 s for a year.

Weighted means preserve energy exactly: Σ_s W_s × mean_s = Σ_t w_t × x_t for the load, every capacity
factor, and the grid price and carbon intensity (weighted by hours, not by energy drawn). The hour of
peak load is kept as a segment of its own, so the peak that sizes firm capacity, the reserve margin and
the unserved-energy generator is not averaged away.

Every constraint is linear in the series, so the hourly optimum averaged over each segment is feasible in
the screening model: with constant prices and carbon intensities within segments the screening cost is a
lower bound of the hourly one (optimistic: it cannot see variation inside a segment). Hourly prices break
the bound but not the accuracy. ``benchmarks/plan_site.py`` reports the speed-up and the errors against
the full year (at 2190 segments: -0.4% annual cost with an 80% carbon-free share, 12x faster);
``tests/power/test_aggregate.py`` bounds them.
"""

from __future__ import annotations

import heapq
from dataclasses import replace

import numpy as np
import pandas as pd

from gigawatt.core.errors import ScenarioError
from gigawatt.power.inputs import PlanInputs
from gigawatt.core.units import shorten

DEFAULT_SEGMENTS = 2190  # 4 h on average over a year; benchmarks/plan_site.py reports the cost error


def _features(inputs: PlanInputs) -> np.ndarray:
    """Snapshots × features, each feature scaled to [0, 1] by its range (a constant one drops out)."""
    columns = [inputs.load_mw, *inputs.capacity_factor.values(), *inputs.fuel_marginal_usd_per_mwh.values()]
    columns += [s for s in (inputs.grid_price_usd_per_mwh, inputs.grid_co2_t_per_mwh) if s is not None]
    table = np.column_stack([np.asarray(s, dtype=float) for s in columns])
    span = table.max(axis=0) - table.min(axis=0)
    span[span == 0] = 1.0
    return (table - table.min(axis=0)) / span


def segment_bounds(features: np.ndarray, hours: np.ndarray, segments: int, keep: np.ndarray | None = None) -> np.ndarray:
    """Start positions of ``segments`` chronological segments of the rows of ``features`` (weighted by
    ``hours``), merged greedily by Ward's criterion among neighbours. Rows flagged in ``keep`` stay alone."""
    count = len(hours)
    if segments >= count:
        return np.arange(count)
    mass = hours.astype(float)
    right = np.arange(1, count + 1)  # right neighbour's start (count: none)
    left = np.arange(-1, count - 1)
    alive = np.ones(count, dtype=bool)
    version = np.zeros(count, dtype=np.int64)
    fixed = np.zeros(count, dtype=bool) if keep is None else keep.astype(bool).copy()

    # weighted sums (mean = sum / weight), as plain floats: a few features a row, where numpy's per-call cost dominates
    sums = (features * mass[:, None]).tolist()
    weights = mass.tolist()

    def cost(a: int, b: int) -> float:
        ma, mb = weights[a], weights[b]
        squares = sum((x / ma - y / mb) ** 2 for x, y in zip(sums[a], sums[b]))
        return ma * mb / (ma + mb) * squares

    heap = [(cost(a, a + 1), a, 0, 0) for a in range(count - 1) if not (fixed[a] or fixed[a + 1])]
    heapq.heapify(heap)
    remaining = count
    while remaining > segments and heap:
        _, a, va, vb = heapq.heappop(heap)
        b = right[a]
        if not alive[a] or b >= count or version[a] != va or version[b] != vb:
            continue  # stale: one side has merged since this pair was pushed
        sums[a] = [x + y for x, y in zip(sums[a], sums[b])]
        weights[a] += weights[b]
        alive[b] = False
        right[a] = right[b]
        if right[a] < count:
            left[right[a]] = a
        version[a] += 1
        remaining -= 1
        for x, y in ((left[a], a), (a, right[a])):
            if 0 <= x and y < count and not (fixed[x] or fixed[y]):
                heapq.heappush(heap, (cost(x, y), x, version[x], version[y]))
    return np.flatnonzero(alive)


def aggregate(inputs: PlanInputs, segments: int = DEFAULT_SEGMENTS) -> PlanInputs:
    """The inputs on ``segments`` chronological time segments: every series averaged over each segment
    (weighted by the hours its snapshots stand for) and ``snapshot_weightings_h`` set to the durations.

    Already weighted inputs are segmented further. ``segments`` equal to the number of snapshots returns
    the inputs unchanged; more segments than snapshots (hours, unless already segmented) is a
    :class:`ScenarioError` naming ``site.screening_segments``, as is a count that is not a whole number >= 1.
    """
    inputs.check()
    count = len(inputs.load_mw)
    if isinstance(segments, bool) or not isinstance(segments, (int, np.integer)) or segments < 1:
        raise ScenarioError(f"site.screening_segments: {shorten(segments)} is not a positive whole number of segments; "
                            f"give e.g. {DEFAULT_SEGMENTS}")
    if segments > count:
        unit = "hours" if inputs.snapshot_weightings_h is None else "time segments"
        raise ScenarioError(f"site.screening_segments: {int(segments):,} is more than the {count:,} {unit} to segment; "
                            f"give at most {count:,} (or leave it out to solve every hour)")
    if segments == count:
        return inputs
    hours = inputs.hours_each().to_numpy(dtype=float)
    keep = np.zeros(count, dtype=bool)
    keep[int(np.argmax(inputs.load_mw.to_numpy()))] = True  # the peak hour sizes firm capacity: never averaged
    starts = segment_bounds(_features(inputs), hours, segments, keep)
    label = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, count)))
    index = inputs.load_mw.index[starts]
    duration = np.bincount(label, weights=hours)

    def mean(series: pd.Series) -> pd.Series:
        values = np.bincount(label, weights=series.to_numpy(dtype=float) * hours) / duration
        return pd.Series(values, index=index, name=series.name)

    return replace(
        inputs,
        load_mw=mean(inputs.load_mw),
        capacity_factor={name: mean(cf) for name, cf in inputs.capacity_factor.items()},
        fuel_marginal_usd_per_mwh={name: mean(cost) for name, cost in inputs.fuel_marginal_usd_per_mwh.items()},
        grid_price_usd_per_mwh=None if inputs.grid_price_usd_per_mwh is None else mean(inputs.grid_price_usd_per_mwh),
        grid_co2_t_per_mwh=None if inputs.grid_co2_t_per_mwh is None else mean(inputs.grid_co2_t_per_mwh),
        snapshot_weightings_h=pd.Series(duration, index=index, name="hours"),
    )
