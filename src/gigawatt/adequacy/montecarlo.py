"""Sequential Monte Carlo of a fixed supply against an hourly load: how often, how long and how deep the
campus loses power, with confidence intervals over the drawn years.

Each draw is one year. Unit outages and grid outages are drawn for all draws of a chunk at once
(``outages``); then a loop over the hours of the year dispatches every draw of the chunk together (numpy
vectors across draws). The dispatch rule in each hour, in merit order:

1. variable sources (PV, wind: their hourly available MW), the grid connection (import MW times the share of the
   hour it is up) and the dispatchable units that are up all serve the load;
2. a shortfall is met from the battery (up to its power and its stored energy);
3. what remains is capped: the cluster reduces its power by up to ``flexible_share`` of the load, for at most
   ``flexible_max_hours`` consecutive hours of one event (power caps, from the catalog's power_capping curves);
4. the rest is unserved (lost load).
Surplus supply charges the battery (up to its power and free energy; the round-trip loss is taken on charging).

Why no LP: the supply is fixed and every source is free for this question, so the only decision that links
hours is the battery's charge. The greedy rule (charge whenever there is surplus, discharge only to cover a
shortfall) keeps the battery as full as any policy could at every hour among those that never let load go
unserved while energy is stored; it minimises expected unserved energy: a MWh held back to serve a later
shortfall serves at most the same MWh then, and holding it risks finding the battery full when surplus returns
(lost charge). It does not always minimise the count of short hours (LOLE): holding energy for a later, shallower
hour can avoid a whole short hour. Caps come after the battery because capping costs work and stored energy
does not. A controller without foresight does this anyway.

Energy bookkeeping per draw (MWh): ``served + capped + unserved = load``, and the supply dispatched (variable,
grid, units) equals ``served + charged - discharged``; the battery's stored energy changes by
``efficiency * charged - discharged``. Capped energy is load the cluster chose not to draw (it slows down instead
of losing power): not lost load, so LOLE and EUE leave it out, but not served either, so availability is
``served / load = 1 - (capped + unserved) / load``: the share of the load's energy the supply delivered.

Memory: draws run in chunks of ``chunk_draws(hours, memory_bytes)`` years: the hourly arrays of a chunk take about
``HOURLY_ARRAYS * 8`` bytes per hour per draw, so a chunk stays under ``MEMORY_BUDGET_BYTES`` (about 1 GB: about
1,350 years of 8760 hours per chunk) whatever the number of years asked for; a chunk is whole blocks of
``BLOCK_DRAWS`` years (at least one block).

Random streams: each unit, the grid and each fuel event draw every block of ``BLOCK_DRAWS`` years from their own
stream, seeded by (seed, what, which, block). A draw's outages therefore depend on its block, never on how blocks
are grouped into chunks or into the pieces ``simulate(..., map=...)`` hands to other processes (a Dask cluster):
the same seed gives the same figures per draw however the work is split.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError
from gigawatt.adequacy.outages import check_outage, grid_available_share, units_down

Z_95 = 1.96  # two-sided 95% normal quantile: CI = mean +/- Z_95 sd / sqrt(draws)
TARGET_RELATIVE_HALF_WIDTH = 0.10  # draws needed for a CI half-width of 10% of mean EUE
SHORT_TOLERANCE_MW = 1e-6  # a shortfall below this is floating-point noise, not lost load
MEMORY_BUDGET_BYTES = 1_000_000_000  # peak memory of one chunk's arrays (the issue asks for < 2 GB in all)
HOURLY_ARRAYS = 12  # float64/int64 arrays of (draws, hours) alive at once in a chunk (states, supply, unserved, copies)
SEED_UNITS, SEED_GRID, SEED_FUEL = 1, 2, 3  # stream labels: each unit, the grid and each fuel event draw from their own seeded stream
# years drawn from one seeded stream (per unit, grid, fuel event): streams follow blocks, not chunks, so any grouping
# of whole blocks gives the same draws. Small enough that a chunk or a worker's piece is a fine grain of work (a
# block's arrays take ~40 MB at 8760 h), large enough that the per-block cost (a generator per unit, a call per
# unit) stays small beside the block's own draws
BLOCK_DRAWS = 50
# with a map, the draws are split into at most this many pieces of whole blocks (fewer where there are fewer blocks,
# more where a piece would exceed the memory chunk): enough to keep a cluster of as many workers busy; every piece
# runs the year's hour loop once, a fixed cost, so many more pieces than workers only add that cost
MAP_PIECES = 32


@dataclass(frozen=True)
class UnitGroup:
    """``count`` identical dispatchable units of ``unit_mw`` MW, each with a forced-outage rate (ratio, share of
    hours down) and a mean time to repair (hours)."""

    technology: str
    unit_mw: float
    count: int
    forced_outage_rate: float
    mean_time_to_repair_hours: float

    @classmethod
    def from_catalog(cls, technology: str, count: int, unit_mw: float | None = None) -> UnitGroup:
        """``count`` units of a technology with the catalog's outage figures (catalog/outages.csv); a figure the
        catalog leaves empty (none public) is refused, naming the technology."""
        table = catalog.outages().set_index("technology")
        if technology not in table.index:
            raise ScenarioError(f"reliability.units.{technology}: no outage figures in the catalog; known: {', '.join(table.index)}")
        row = table.loc[technology]
        size = unit_mw if unit_mw is not None else row["unit_mw"]
        for name, value in (("unit_mw", size), ("forced_outage_rate", row["forced_outage_rate"]),
                            ("mean_time_to_repair_hours", row["mean_time_to_repair_hours"])):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                raise ScenarioError(f"reliability.units.{technology}.{name}: the catalog has no public figure; give one")
        return cls(technology, float(size), int(count), float(row["forced_outage_rate"]), float(row["mean_time_to_repair_hours"]))


@dataclass(frozen=True)
class Battery:
    """A battery: ``power_mw`` (charge and discharge), ``energy_mwh`` stored, ``round_trip_efficiency`` (ratio)
    and ``initial_soc_share`` (share of ``energy_mwh`` stored at the start of each year)."""

    power_mw: float
    energy_mwh: float
    round_trip_efficiency: float = 0.85
    initial_soc_share: float = 1.0


@dataclass(frozen=True)
class GridConnection:
    """A grid connection of ``import_mw`` that fails ``outages_per_year`` times a year for ``mean_outage_hours``
    each on average (exponential durations)."""

    import_mw: float
    outages_per_year: float = 0.0
    mean_outage_hours: float = 0.0
    available_share: np.ndarray | None = None  # hourly share of import_mw it may deliver (a flexible connection's schedule), ratio


@dataclass(frozen=True)
class FuelEvent:
    """A fuel-supply curtailment (a cold snap on the gas system): in each drawn year it happens with
    ``probability_per_year``, from hour ``start_hour`` of the year for ``hours``, and takes ``share`` of the output of
    the unit groups named in ``technologies`` (the units still up)."""

    name: str
    start_hour: int
    hours: int
    share: float
    probability_per_year: float
    technologies: tuple[str, ...]


@dataclass(frozen=True)
class ReliabilityInputs:
    """A fixed supply against a year of hourly load.

    - ``load_mw``: the campus load, MW per hour (one year; any length of hours);
    - ``units``: dispatchable unit groups; ``variable_mw``: available MW of PV/wind per hour (same length), or None;
    - ``battery``, ``grid``: or None;
    - ``flexible_share``: share of the load (0..1) the cluster can cap before load is lost, for at most
      ``flexible_max_hours`` consecutive hours of one event (0: no flexibility).
    """

    load_mw: np.ndarray
    units: tuple[UnitGroup, ...] = ()
    variable_mw: np.ndarray | None = None
    battery: Battery | None = None
    grid: GridConnection | None = None
    flexible_share: float = 0.0
    flexible_max_hours: float = 0.0
    fuel_events: tuple[FuelEvent, ...] = ()

    def check(self) -> None:
        """Refuse bad input in one line naming the field, before any draw runs."""
        load = np.asarray(self.load_mw, dtype=float)
        if load.ndim != 1 or load.size == 0:
            raise ScenarioError("reliability.load_mw: give one year of hourly load, MW (a 1-D series)")
        if not np.all(np.isfinite(load)) or load.min() < 0:
            raise ScenarioError("reliability.load_mw: every hour must be a finite, non-negative MW figure")
        if self.variable_mw is not None:
            variable = np.asarray(self.variable_mw, dtype=float)
            if variable.shape != load.shape:
                raise ScenarioError(f"reliability.variable_mw: {variable.shape[0] if variable.ndim else 0} hours, but load_mw has {load.size}; give the same hours")
            if not np.all(np.isfinite(variable)) or variable.min() < 0:
                raise ScenarioError("reliability.variable_mw: every hour must be a finite, non-negative MW figure")
        for group in self.units:
            where = f"reliability.units.{group.technology}"
            _non_negative(f"{where}.unit_mw", group.unit_mw)
            if not isinstance(group.count, (int, np.integer)) or group.count < 0:
                raise ScenarioError(f"{where}.count: {group.count!r} must be a whole number of units >= 0")
            check_outage(where, group.forced_outage_rate, group.mean_time_to_repair_hours)
        if self.battery is not None:
            b = self.battery
            _non_negative("reliability.battery.power_mw", b.power_mw)
            _non_negative("reliability.battery.energy_mwh", b.energy_mwh)
            if not 0 < b.round_trip_efficiency <= 1:
                raise ScenarioError(f"reliability.battery.round_trip_efficiency: {b.round_trip_efficiency!r} must be in (0, 1]")
            if not 0 <= b.initial_soc_share <= 1:
                raise ScenarioError(f"reliability.battery.initial_soc_share: {b.initial_soc_share!r} must be in [0, 1]")
        if self.grid is not None:
            _non_negative("reliability.grid.import_mw", self.grid.import_mw)
            _non_negative("reliability.grid.outages_per_year", self.grid.outages_per_year)
            _non_negative("reliability.grid.mean_outage_hours", self.grid.mean_outage_hours)
            if self.grid.outages_per_year > 0 and self.grid.mean_outage_hours <= 0:
                raise ScenarioError("reliability.grid.mean_outage_hours: must be positive when outages_per_year is")
            if self.grid.available_share is not None:
                share = np.asarray(self.grid.available_share, dtype=float)
                if share.shape != load.shape or not np.all((share >= 0) & (share <= 1)):
                    raise ScenarioError(f"grid.availability_csv: give {load.size} hourly shares in [0, 1], one per hour of the load")
        if not 0 <= self.flexible_share <= 1:
            raise ScenarioError(f"reliability.flexible_share: {self.flexible_share!r} must be a share of load in [0, 1]")
        _non_negative("reliability.flexible_max_hours", self.flexible_max_hours)
        for i, event in enumerate(self.fuel_events):
            where = f"reliability.fuel_interruptions[{i}]"
            if not (0 <= event.start_hour < load.size and event.hours >= 1):
                raise ScenarioError(f"{where}.start: hour {event.start_hour} is outside the year's {load.size} hours; give a date inside it")
            if not (0 < event.share <= 1 and 0 <= event.probability_per_year <= 1):
                raise ScenarioError(f"{where}: share must be in (0, 1] and probability_per_year in [0, 1]")


def _non_negative(field_name: str, value: float) -> None:
    if not (isinstance(value, (int, float, np.number)) and math.isfinite(value) and value >= 0):
        raise ScenarioError(f"{field_name}: {value!r} must be a finite number >= 0")


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo mean over draws with its 95% confidence interval (mean +/- 1.96 sd / sqrt(draws))."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, per_draw: np.ndarray, least: float = 0.0, most: float = math.inf) -> Estimate:
        """The mean of ``per_draw`` and its interval, kept within the quantity's range [``least``, ``most``] (the normal
        approximation would put a rare event's low end below zero)."""
        values = np.asarray(per_draw, dtype=float)
        mean = float(values.mean())
        half = Z_95 * float(values.std(ddof=1)) / math.sqrt(values.size) if values.size > 1 else math.inf
        return cls(mean, max(least, mean - half), min(most, mean + half))


@dataclass(frozen=True)
class ReliabilityResult:
    """What a Monte Carlo of ``draws`` years found; per year figures are means over draws with 95% intervals.

    - ``lole_hours_per_year``: hours with lost load; ``eue_mwh_per_year``: unserved energy;
    - ``availability``: share of the load's energy served (capped and unserved energy are not), ``nines`` = -log10(1 -
      availability) of the mean (inf where no draw fell short);
    - ``events_per_year``: outage events (runs of consecutive hours with lost load, cut at the year's end);
    - ``capped_hours_per_year``, ``capped_mwh_per_year``: hours and energy the cluster was capped;
    - ``draws_for_eue_target``: draws needed for a CI half-width of 10% of mean EUE (None where EUE is 0);
    - ``per_draw``: one row per draw (MWh and hours); ``events``: one row per event (draw, start hour,
      duration_hours, depth_mw = the largest lost MW in it, energy_mwh).
    """

    draws: int
    lole_hours_per_year: Estimate
    eue_mwh_per_year: Estimate
    availability: Estimate
    nines: float
    events_per_year: Estimate
    capped_hours_per_year: Estimate
    capped_mwh_per_year: Estimate
    draws_for_eue_target: int | None
    per_draw: pd.DataFrame = field(repr=False)
    events: pd.DataFrame = field(repr=False)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The named tables: per draw and per event."""
        return {"per_draw": self.per_draw, "events": self.events}


def chunk_draws(hours: int, memory_bytes: int = MEMORY_BUDGET_BYTES) -> int:
    """Years drawn together: as many whole blocks of ``BLOCK_DRAWS`` years as keep ``HOURLY_ARRAYS`` arrays of
    (draws, hours) of 8 bytes under ``memory_bytes`` (at least one block)."""
    fit_draws = memory_bytes // (HOURLY_ARRAYS * 8 * max(1, hours))
    return max(1, fit_draws // BLOCK_DRAWS) * BLOCK_DRAWS


def pieces(draws: int, hours: int, memory_bytes: int = MEMORY_BUDGET_BYTES, spread: bool = False) -> list[tuple[int, int]]:
    """(first draw, draws) of each piece of work: whole blocks of ``BLOCK_DRAWS`` (the last may be cut at ``draws``),
    each at most ``chunk_draws(hours, memory_bytes)``. ``spread``: also split into at least ``min(blocks,
    MAP_PIECES)`` pieces of equal whole blocks, for a map over workers."""
    chunk = chunk_draws(hours, memory_bytes)
    if spread:
        blocks = math.ceil(draws / BLOCK_DRAWS)
        chunk = min(chunk, math.ceil(blocks / min(blocks, MAP_PIECES)) * BLOCK_DRAWS)
    return [(first, min(chunk, draws - first)) for first in range(0, draws, chunk)]


Mapper = Callable[[Callable[[Any], Any], list[Any]], list[Any]]


def simulate(inputs: ReliabilityInputs, draws: int, seed: int = 0, memory_bytes: int = MEMORY_BUDGET_BYTES,
             map: Mapper | None = None) -> ReliabilityResult:
    """Run ``draws`` independent years of hourly outages and dispatch (see the module docstring) from ``seed``.

    The same ``seed`` gives the same outages to each unit (by its group and rank) and to the grid, whatever else
    changes, so two fleets compared at one seed differ only by what was changed. ``map(function, pieces) -> results``
    runs the pieces of work elsewhere (e.g. a Dask client's map and gather: ``pieces(..., spread=True)``); None: here,
    one memory chunk after another. Either way the figures per draw are the same."""
    inputs.check()
    if not isinstance(draws, (int, np.integer)) or draws < 2:
        raise ScenarioError(f"reliability.draws: {draws!r} must be a whole number >= 2 (a confidence interval needs two)")
    hours = np.asarray(inputs.load_mw).size
    work = [(inputs, seed, first, n) for first, n in pieces(int(draws), hours, memory_bytes, spread=map is not None)]
    done = [_simulate_piece(w) for w in work] if map is None else list(map(_simulate_piece, work))
    per_draw = pd.concat([table for table, _ in done], ignore_index=True)
    event_table = pd.concat([found for _, found in done], ignore_index=True)
    return _summarise(per_draw, event_table, hours)


def _simulate_piece(work: tuple[ReliabilityInputs, int, int, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One piece of ``simulate``: ``(inputs, seed, first draw, draws)`` -> (per draw, events), numbered from the
    first draw. Module-level so a map can send it to another process."""
    inputs, seed, first, draws = work
    table, found = _simulate_chunk(inputs, np.asarray(inputs.load_mw, dtype=float), first, draws, seed)
    table.insert(0, "draw", np.arange(first, first + draws))
    found["draw"] += first
    return table, found


def _blocks(first: int, draws: int) -> list[tuple[int, slice]]:
    """(block number, its rows in the chunk) of the blocks of ``draws`` years from draw ``first`` (a block's start)."""
    return [(first // BLOCK_DRAWS + offset // BLOCK_DRAWS, slice(offset, min(draws, offset + BLOCK_DRAWS)))
            for offset in range(0, draws, BLOCK_DRAWS)]


def _simulate_chunk(inputs: ReliabilityInputs, load: np.ndarray, first: int, draws: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    hours = load.size
    blocks = _blocks(first, draws)
    firm_mw = np.zeros((draws, hours))
    struck = [np.concatenate([np.random.default_rng([seed, SEED_FUEL, e, b]).random(rows.stop - rows.start) for b, rows in blocks])
              < event.probability_per_year for e, event in enumerate(inputs.fuel_events)]  # does each event happen in each drawn year
    for g, group in enumerate(inputs.units):
        down = np.empty((draws, hours), dtype=np.int32)
        for b, rows in blocks:
            rngs = [np.random.default_rng([seed, SEED_UNITS, g, k, b]) for k in range(group.count)]
            down[rows] = units_down(rngs, rows.stop - rows.start, hours, group.forced_outage_rate, group.mean_time_to_repair_hours)
        up_mw = group.unit_mw * (group.count - down)
        del down
        for event, happens in zip(inputs.fuel_events, struck):
            if group.technology in event.technologies:
                window = slice(event.start_hour, min(hours, event.start_hour + event.hours))
                up_mw[happens, window] *= 1.0 - event.share
        firm_mw += up_mw
    if inputs.grid is not None and inputs.grid.import_mw > 0:
        grid = inputs.grid
        up = np.empty((draws, hours))
        for b, rows in blocks:
            up[rows] = grid_available_share(np.random.default_rng([seed, SEED_GRID, b]), rows.stop - rows.start, hours,
                                            grid.outages_per_year, grid.mean_outage_hours)
        firm_mw += grid.import_mw * up * (1.0 if grid.available_share is None else np.asarray(grid.available_share, dtype=float)[None, :])
        del up
    if inputs.variable_mw is not None:
        firm_mw += np.asarray(inputs.variable_mw, dtype=float)[None, :]
    supply = np.ascontiguousarray(firm_mw.T)  # (hours, draws): each hour's row is contiguous for the loop
    del firm_mw
    battery = inputs.battery or Battery(0.0, 0.0)
    power_mw, energy_mwh, efficiency = battery.power_mw, battery.energy_mwh, battery.round_trip_efficiency
    soc = np.full(draws, battery.initial_soc_share * energy_mwh)
    soc_start = soc.copy()
    cap_run = np.zeros(draws)  # consecutive hours of the current event so far
    unserved = np.empty((hours, draws))
    capped_mwh, capped_hours = np.zeros(draws), np.zeros(draws)
    charged_mwh, discharged_mwh, supplied_mwh = np.zeros(draws), np.zeros(draws), np.zeros(draws)
    flexible, max_hours = inputs.flexible_share, inputs.flexible_max_hours
    for h in range(hours):
        available = supply[h]
        net = available - load[h]
        short = np.maximum(-net, 0.0)
        if energy_mwh > 0 and power_mw > 0:
            discharge = np.minimum(np.minimum(short, power_mw), soc)
            charge = np.minimum(np.minimum(np.maximum(net, 0.0), power_mw), (energy_mwh - soc) / efficiency)
            soc += efficiency * charge - discharge
            short -= discharge
            charged_mwh += charge
            discharged_mwh += discharge
            supplied_mwh += charge
        supplied_mwh += np.minimum(available, load[h])
        is_short = short > SHORT_TOLERANCE_MW
        cap_run = np.where(is_short, cap_run + 1.0, 0.0)
        if flexible > 0 and max_hours > 0:
            cap = np.where(is_short & (cap_run <= max_hours), np.minimum(short, flexible * load[h]), 0.0)
            short -= cap
            capped_mwh += cap
            capped_hours += cap > SHORT_TOLERANCE_MW
        unserved[h] = short
    lost = unserved > SHORT_TOLERANCE_MW
    unserved_mwh = np.where(lost, unserved, 0.0).sum(axis=0)
    load_mwh = float(load.sum())
    table = pd.DataFrame({
        "load_mwh": load_mwh,
        "served_mwh": load_mwh - capped_mwh - unserved_mwh,
        "capped_mwh": capped_mwh,
        "unserved_mwh": unserved_mwh,
        "lole_hours": lost.sum(axis=0).astype(float),
        "capped_hours": capped_hours,
        "supplied_mwh": supplied_mwh,
        "charged_mwh": charged_mwh,
        "discharged_mwh": discharged_mwh,
        "soc_start_mwh": soc_start,
        "soc_end_mwh": soc,
    })
    found = _events(np.where(lost, unserved, 0.0))
    table["events"] = np.bincount(found["draw"].to_numpy(dtype=np.int64), minlength=draws).astype(float)
    return table, found


def _events(unserved: np.ndarray) -> pd.DataFrame:
    """Runs of consecutive hours with lost load in each draw of ``unserved`` (hours, draws), cut at the year's ends."""
    hours = unserved.shape[0]
    lost = unserved.T > 0  # (draws, hours)
    edges = np.diff(np.pad(lost, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    draw_start, start = np.nonzero(edges == 1)
    _, end = np.nonzero(edges == -1)  # same order: row-major, one end per start
    if start.size == 0:
        return pd.DataFrame({"draw": np.zeros(0, dtype=np.int64), "start_hour": np.zeros(0, dtype=np.int64),
                             "duration_hours": np.zeros(0), "depth_mw": np.zeros(0), "energy_mwh": np.zeros(0)})
    flat = np.append(unserved.T.ravel(), 0.0)  # one trailing zero: a run may end at the last hour
    first, past = draw_start * hours + start, draw_start * hours + end
    # reduceat over (first, past) pairs: the even slots are each run's maximum, the odd ones the gaps between
    depth = np.maximum.reduceat(flat, np.column_stack([first, past]).ravel())[0::2]
    cumulative = np.concatenate([[0.0], np.cumsum(flat)])
    energy = cumulative[past] - cumulative[first]
    return pd.DataFrame({"draw": draw_start.astype(np.int64), "start_hour": start.astype(np.int64),
                         "duration_hours": (end - start).astype(float), "depth_mw": depth, "energy_mwh": energy})


def _summarise(per_draw: pd.DataFrame, events: pd.DataFrame, hours: int) -> ReliabilityResult:
    draws = len(per_draw)
    availability = 1.0 - (per_draw["unserved_mwh"] + per_draw["capped_mwh"]) / per_draw["load_mwh"].where(per_draw["load_mwh"] > 0, 1.0)
    eue = Estimate.of(per_draw["unserved_mwh"].to_numpy())
    mean_availability = float(availability.mean())
    nines = math.inf if mean_availability >= 1.0 else -math.log10(1.0 - mean_availability)
    sd = float(per_draw["unserved_mwh"].std(ddof=1))
    needed = None if eue.mean <= 0 else math.ceil((Z_95 * sd / (TARGET_RELATIVE_HALF_WIDTH * eue.mean)) ** 2)
    return ReliabilityResult(
        draws=draws,
        lole_hours_per_year=Estimate.of(per_draw["lole_hours"].to_numpy()),
        eue_mwh_per_year=eue,
        availability=Estimate.of(availability.to_numpy(), most=1.0),
        nines=nines,
        events_per_year=Estimate.of(per_draw["events"].to_numpy()),
        capped_hours_per_year=Estimate.of(per_draw["capped_hours"].to_numpy()),
        capped_mwh_per_year=Estimate.of(per_draw["capped_mwh"].to_numpy()),
        draws_for_eue_target=needed,
        per_draw=per_draw,
        events=events,
    )
