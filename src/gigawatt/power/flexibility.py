"""The cluster as a decision: power-capped or paused hours traded against supply cost.

A flexible cluster may give up part of its energy: first by capping accelerator power (measured
throughput-versus-power curves in the catalog, ``gigawatt catalog power_capping``), then by pausing.
Each MWh not drawn costs the compute it loses, valued at ``value_usd_per_accelerator_hour`` of
full-speed work. The optimiser sees capping and pausing as supply-side resources at the site bus with
those costs, and an annual cap on the energy given up.

Capping segment k reduces facility power by up to ``width_k`` × accelerator share × load and loses
``slope_k`` of throughput per unit of accelerator power (the concave envelope of the measured curve, so
that a linear program takes the cheap segments first). Pausing drops the load to ``paused_load_share``
and loses all throughput.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError

PAUSE = "flex_pause"
CAP_PREFIX = "flex_cap"
CATALOG_WORKLOAD = {"training": "training", "inference": "inference", "mixed": "training"}  # mixed: the stricter curve


@dataclass(frozen=True)
class CappingSegment:
    """One linear piece of the capping curve: accelerator power share given up and throughput lost per share."""

    width: float  # share of uncapped accelerator power, 0..1
    slope: float  # throughput share lost per accelerator-power share saved


@dataclass(frozen=True)
class Flexibility:
    """How much and at what cost the cluster may give up energy. USD per MWh of facility energy."""

    max_share: float  # annual energy the cluster may give up, share of its load
    value_usd_per_accelerator_hour: float  # value of one full-speed accelerator-hour of compute
    paused_load_share: float  # facility draw when paused, share of running draw
    accelerator_share: float  # accelerators' share of the running facility draw (capping acts on them only)
    accelerator_count: int
    average_load_mw: float  # running facility draw the accelerator count corresponds to
    segments: tuple[CappingSegment, ...] = ()  # empty: pausing only
    curve: str = ""  # which measured curve the capping uses, for the report

    @property
    def value_usd_per_mwh(self) -> float:
        """Value of the compute done with one MWh of full-speed facility energy, USD/MWh."""
        return self.value_usd_per_accelerator_hour * self.accelerator_count / self.average_load_mw

    def pause_cost_usd_per_mwh(self) -> float:
        """Compute lost per MWh saved by pausing (pausing saves only the non-idle part of the load)."""
        return self.value_usd_per_mwh / (1.0 - self.paused_load_share)

    def cap_cost_usd_per_mwh(self, segment: CappingSegment) -> float:
        """Compute lost per MWh saved by capping within ``segment``."""
        return self.value_usd_per_mwh * segment.slope / self.accelerator_share


def capping_segments(power_share: np.ndarray, throughput_share: np.ndarray) -> tuple[CappingSegment, ...]:
    """Linear pieces of the concave envelope of throughput(power), from full power down, while capping
    costs less throughput per unit of power than pausing (slope < 1)."""
    order = np.argsort(-np.asarray(power_share, dtype=float))
    points = list(zip(np.asarray(power_share, float)[order], np.asarray(throughput_share, float)[order]))
    if not points or points[0] != (1.0, 1.0):
        points.insert(0, (1.0, 1.0))
    hull: list[tuple[float, float]] = []
    for point in points:  # upper hull going left: slopes must rise
        while len(hull) >= 2:
            (p0, t0), (p1, t1) = hull[-2], hull[-1]
            if (t0 - t1) / (p0 - p1) >= (t1 - point[1]) / (p1 - point[0]):
                hull.pop()
            else:
                break
        hull.append(point)
    segments = []
    for (p0, t0), (p1, t1) in zip(hull, hull[1:]):
        slope = (t0 - t1) / (p0 - p1)
        if slope >= 1.0:
            break
        segments.append(CappingSegment(width=float(p0 - p1), slope=float(slope)))
    return tuple(segments)


def flexibility(
    *, max_share: float, value_usd_per_accelerator_hour: float, accelerator_count: int, average_load_mw: float,
    accelerator_share: float, workload: str, power_capping: bool, paused_load_share: float,
) -> Flexibility:
    """A :class:`Flexibility` from the sized cluster and the scenario's flexibility settings."""
    if not 0 < accelerator_share <= 1:
        raise ScenarioError(f"cluster: accelerator share of the load {accelerator_share:g} must be in (0, 1]")
    segments: tuple[CappingSegment, ...] = ()
    curve = "none (pausing only)"
    if power_capping:
        name = CATALOG_WORKLOAD[workload]
        table = catalog.power_capping()
        rows = table[table["workload"] == name]
        segments = capping_segments(rows["power_share"].to_numpy(), rows["throughput_share"].to_numpy())
        curve = f"{name}, measured on {rows['measured_on'].iloc[0]} ({rows['source'].iloc[0].split(',')[0]})"
    return Flexibility(
        max_share=max_share,
        value_usd_per_accelerator_hour=value_usd_per_accelerator_hour,
        paused_load_share=paused_load_share,
        accelerator_share=accelerator_share,
        accelerator_count=accelerator_count,
        average_load_mw=average_load_mw,
        segments=segments,
        curve=curve,
    )


def lost_compute_usd(dispatch: pd.DataFrame, flex: Flexibility) -> float:
    """Value of the full-speed compute given up over the dispatch (its ``flex_*_mw`` columns, read as MWh a
    row: MW of one-hour rows, or MW × hours of weighted snapshots), USD."""
    lost = float(dispatch[f"{PAUSE}_mw"].sum()) * flex.pause_cost_usd_per_mwh() if f"{PAUSE}_mw" in dispatch else 0.0
    for k, segment in enumerate(flex.segments, start=1):
        column = f"{CAP_PREFIX}{k}_mw"
        if column in dispatch:
            lost += float(dispatch[column].sum()) * flex.cap_cost_usd_per_mwh(segment)
    return lost
