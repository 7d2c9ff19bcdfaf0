"""Redundancy sized to a target availability: the cheapest additions to a fixed supply (:class:`ReliabilityInputs`)
that bring the mean share of the load's energy served up to ``target_availability``, found greedily by value.

Method (a greedy search by value, as capacity-expansion heuristics for reliability do):

1. Start from the fleet as planned and draw it (``simulate``) at one seed.
2. Each step, build every candidate from the :class:`Addition` list: a block of units of each dispatchable
   technology (one more unit of a group the fleet has, same unit size; or a first unit of one it lacks), and one
   more hour of battery at the battery's power (or, where the fleet has none, a one-hour battery of ``unit_mw``).
3. Draw every candidate fleet at the same seed (common random numbers: the units already there keep their
   outages, ``montecarlo.simulate``), and take the one with the largest reduction of the energy not served
   (MWh/yr: unserved or capped, ``(1 - availability) x the load's energy``, the gap the target is set on) per
   annualised USD/yr. Equal reductions therefore go to the cheaper candidate.
4. Repeat until the mean availability reaches the target.

Block of units: a unit candidate adds ``max(1, floor(BLOCK_SHARE * depth / unit_mw))`` units at once, where
``depth`` = energy not served / (LOLE + capped hours) is about the mean MW short in an hour short. Far from the target, where many identical
steps would follow one another, this takes several at once; near it (depth about one unit or less) it adds one.
Half the depth keeps a block from overshooting: it covers at most half of a typical short hour.

Draws: the search compares candidates on ``min(draws, SEARCH_DRAWS)`` years; with common random numbers the
difference between two fleets is far less noisy than either figure. The fleet found is then drawn on the full
``draws`` (a row of the path, same step and cost): if it falls short there, the search goes on at the full draws
until it reaches the target. Then the last step is cut, on the full draws, to the fewest of its units that still
reach the target (none: dropped; a battery step is kept or dropped): the search's noise and a block of units can
overshoot. Earlier steps are never revisited, so the answer is greedy, not proven cheapest. A target no
addition reaches within ``MAX_STEPS`` steps, or where no candidate lowers the energy not served, is a one-line
:class:`ScenarioError` naming ``reliability.target_availability``.

Beside it, the rules a plan is judged by today: N-1 (the cheapest whole units added until the firm MW without the
largest unit covers the peak: its cost and the availability it gives) and the firm margin over the peak before and
after (the reserve-margin rule). The Uptime Institute's Tiers are topology rules, not availability targets: Tier
III (concurrently maintainable) is about N+1 and Tier IV (fault tolerant) about 2N of the components serving the
load; the availability figures often quoted beside the Tiers (99.982%, 99.995%) are not part of the standard, so
this module reports whether the fleet meets N-1 and 2N, never a Tier's "availability".

Pure computation on numpy arrays (no plan, no scenario): :mod:`gigawatt.adequacy.campus` builds the additions
from a plan's options and costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from gigawatt.core.errors import ScenarioError
from gigawatt.adequacy.montecarlo import Battery, Mapper, ReliabilityInputs, ReliabilityResult, UnitGroup, simulate

FIELD = "reliability.target_availability"
UNITS, BATTERY = "units", "battery"  # the kinds of addition
SEARCH_DRAWS = 100  # years drawn per candidate while searching: ~0.3-0.6 s a candidate for a year of hours on one core
MAX_STEPS = 60  # steps before the target is called unreachable: bounds the run (a step draws every candidate)
BLOCK_SHARE = 0.5  # a block of units covers at most this share of the mean MW short in a short hour
BATTERY_STEP_HOURS = 1.0  # a battery candidate adds this many hours of storage at the battery's power
SHORTFALL_TOLERANCE_MWH = 1e-6  # a reduction of energy not served below this is no reduction (floating-point noise)
FIRM_TOLERANCE_MW = 1e-6  # firm MW this close to the peak covers it (rounding of unit sizes)
MAX_NINES = 9  # cost of each nine reported up to 0.999999999 (beyond it a year's draws cannot tell)


@dataclass(frozen=True)
class Addition:
    """One kind of addition the search may take, with its annualised cost (capital recovery + fixed O&M).

    - ``kind`` ``units``: whole units of ``unit_mw`` MW with ``forced_outage_rate`` (ratio) and
      ``mean_time_to_repair_hours``, added to the fleet's group named ``technology`` (a new group if it has none);
    - ``kind`` ``battery``: hours of storage at the fleet's battery power; where it has no battery, a first battery
      of ``unit_mw`` MW and ``BATTERY_STEP_HOURS`` hours with ``round_trip_efficiency`` (ratio);
    - ``usd_per_mw_year``: USD/MW-yr of power; ``usd_per_mwh_year``: USD/MWh-yr of storage energy;
    - ``max_mw``: the most MW of this technology the fleet may hold (the scenario's limit), MW.
    """

    technology: str
    kind: str
    unit_mw: float
    usd_per_mw_year: float
    usd_per_mwh_year: float = 0.0
    forced_outage_rate: float = 0.0
    mean_time_to_repair_hours: float = 1.0
    round_trip_efficiency: float = 1.0
    max_mw: float = math.inf


@dataclass(frozen=True)
class Step:
    """One candidate taken: ``units`` (count) or ``mwh`` added of ``technology``, ``mw`` of power, its USD/yr."""

    technology: str
    kind: str
    units: int
    mw: float
    mwh: float
    usd_per_year: float


@dataclass
class Redundancy:
    """What the sizing found: additions, their cost (USD/yr), before and after (95% intervals over the full draws),
    the search path, the cost of each nine and the N-1 rule beside it. ``to_dict`` is JSON-safe."""

    target_availability: float
    draws: int
    search_draws: int
    seed: int
    additions: list[dict[str, Any]]
    cost_usd_per_year: float
    before: dict[str, Any]
    after: dict[str, Any]
    path: list[dict[str, Any]]
    cost_of_nines: list[dict[str, Any]]
    n_minus_1: dict[str, Any]
    rules: dict[str, Any]
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain values (lists of records)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _estimate(value: Any) -> dict[str, float]:
    return {"mean": value.mean, "low": value.low, "high": value.high}


def _figures(result: ReliabilityResult) -> dict[str, Any]:
    return {"availability": _estimate(result.availability), "nines": result.nines,
            "lole_hours_per_year": _estimate(result.lole_hours_per_year), "eue_mwh_per_year": _estimate(result.eue_mwh_per_year)}


def _not_served_mwh(inputs: ReliabilityInputs, result: ReliabilityResult) -> float:
    """Energy the supply did not deliver, MWh/yr (unserved or capped): ``(1 - mean availability) x the load's energy``."""
    return (1.0 - result.availability.mean) * float(np.sum(inputs.load_mw))


def _technology_mw(inputs: ReliabilityInputs, technology: str) -> float:
    return sum(g.unit_mw * g.count for g in inputs.units if g.technology == technology)


def _add_units(inputs: ReliabilityInputs, addition: Addition, count: int) -> ReliabilityInputs:
    """The fleet with ``count`` more units of ``addition``: a group of that technology grows (its units keep their
    rank, so their outages at a seed are unchanged); otherwise a new group is appended after the others."""
    groups = list(inputs.units)
    for i, group in enumerate(groups):
        if group.technology == addition.technology:
            groups[i] = replace(group, count=group.count + count)
            return replace(inputs, units=tuple(groups))
    new = UnitGroup(addition.technology, addition.unit_mw, count, addition.forced_outage_rate, addition.mean_time_to_repair_hours)
    return replace(inputs, units=(*groups, new))


def _candidate(inputs: ReliabilityInputs, addition: Addition, last: ReliabilityResult) -> tuple[ReliabilityInputs, Step] | None:
    """The fleet with one step of ``addition`` and what the step adds, or None where the technology's limit is reached."""
    if addition.kind == UNITS:
        group = next((g for g in inputs.units if g.technology == addition.technology), None)
        unit_mw = group.unit_mw if group is not None else addition.unit_mw
        hours_short = last.lole_hours_per_year.mean + last.capped_hours_per_year.mean
        depth_mw = _not_served_mwh(inputs, last) / hours_short if hours_short > 0 else 0.0
        count = max(1, math.floor(BLOCK_SHARE * depth_mw / unit_mw))
        room_mw = addition.max_mw - _technology_mw(inputs, addition.technology)
        if room_mw < math.inf:
            count = min(count, math.floor(room_mw / unit_mw + 1e-9))
        if count < 1:
            return None
        mw = count * unit_mw
        return _add_units(inputs, replace(addition, unit_mw=unit_mw), count), Step(addition.technology, UNITS, count, mw, 0.0, mw * addition.usd_per_mw_year)
    if inputs.battery is not None and inputs.battery.power_mw > 0:
        mwh = inputs.battery.power_mw * BATTERY_STEP_HOURS
        battery = replace(inputs.battery, energy_mwh=inputs.battery.energy_mwh + mwh)
        return replace(inputs, battery=battery), Step(addition.technology, BATTERY, 0, 0.0, mwh, mwh * addition.usd_per_mwh_year)
    if addition.unit_mw > addition.max_mw:
        return None
    mw, mwh = addition.unit_mw, addition.unit_mw * BATTERY_STEP_HOURS
    battery = Battery(power_mw=mw, energy_mwh=mwh, round_trip_efficiency=addition.round_trip_efficiency)
    return replace(inputs, battery=battery), Step(addition.technology, BATTERY, 0, mw, mwh, mw * addition.usd_per_mw_year + mwh * addition.usd_per_mwh_year)


def _unreachable(target: float, reached: float, steps: list[Step], additions: list[Addition], why: str) -> ScenarioError:
    tried = ", ".join(f"{a.technology} ({a.kind})" for a in additions) or "nothing (no addition offered)"
    return ScenarioError(f"{FIELD}: {target} is not reached: {why}; best availability {reached:.6f} after {len(steps)} additions; "
                         f"tried {tried}; lower the target or offer more supply options")


def _search(inputs: ReliabilityInputs, additions: list[Addition], target: float, draws: int, seed: int,
            start: ReliabilityResult, steps: list[Step], path: list[dict[str, Any]], max_steps: int, map: Mapper | None = None,
            ) -> tuple[ReliabilityInputs, ReliabilityResult, ReliabilityInputs | None]:
    """Greedy steps on ``draws`` years from ``inputs`` (drawn as ``start``) until the target; appends to ``steps`` and
    ``path``. Returns the fleet, its result, and the fleet before the last step (None where no step was taken)."""
    current, last, previous = inputs, start, None
    while last.availability.mean < target:
        if len(steps) >= max_steps:
            raise _unreachable(target, last.availability.mean, steps, additions, f"{max_steps} steps were not enough")
        best = None
        for addition in additions:
            found = _candidate(current, addition, last)
            if found is None:
                continue
            fleet, step = found
            result = simulate(fleet, draws, seed, map=map)
            reduction = _not_served_mwh(current, last) - _not_served_mwh(fleet, result)
            value = reduction / step.usd_per_year if step.usd_per_year > 0 else (math.inf if reduction > 0 else 0.0)
            if best is None or (value, -step.usd_per_year) > (best[0], -best[2].usd_per_year):
                best = (value, fleet, step, result, reduction)
        if best is None:
            raise _unreachable(target, last.availability.mean, steps, additions, "every option is at its limit (supply.limits)")
        _, fleet, step, result, reduction = best
        if reduction <= SHORTFALL_TOLERANCE_MWH:
            raise _unreachable(target, last.availability.mean, steps, additions, "no addition lowers the energy not served")
        previous, current, last = current, fleet, result
        steps.append(step)
        path.append({"step": len(steps), "technology": step.technology, "kind": step.kind, "units": step.units, "mw": step.mw, "mwh": step.mwh,
                     "cumulative_usd_per_year": path[-1]["cumulative_usd_per_year"] + step.usd_per_year,
                     "availability": result.availability.mean, "eue_mwh_per_year": result.eue_mwh_per_year.mean, "draws": draws})
    return current, last, previous


def _trim_last(previous: ReliabilityInputs, fleet: ReliabilityInputs, after: ReliabilityResult, steps: list[Step], path: list[dict[str, Any]],
               target: float, draws: int, seed: int, messages: list[str], map: Mapper | None = None) -> tuple[ReliabilityInputs, ReliabilityResult]:
    """The last step cut to the fewest of its units (none, for a battery step: kept or dropped) that still reach the
    target on the full ``draws``: a bisection, since at one seed more units never lower availability. The search's
    noise and a block of units can overshoot; earlier steps are not revisited. Rewrites the step's rows of ``path``."""
    last = steps[-1]
    added = last.units if last.kind == UNITS else 1
    group = next(g for g in fleet.units if g.technology == last.technology) if last.kind == UNITS else None
    reaching, best = added, (fleet, after)  # the step as taken reaches the target
    failing = -1  # counts below this one are not known to fall short until drawn
    while reaching - failing > 1:
        count = (reaching + failing) // 2
        if count == 0:
            trial = previous
        else:
            trial = _add_units(previous, Addition(last.technology, UNITS, group.unit_mw, 0.0, forced_outage_rate=group.forced_outage_rate,
                                                  mean_time_to_repair_hours=group.mean_time_to_repair_hours), count)
        result = simulate(trial, draws, seed, map=map)
        if result.availability.mean >= target:
            reaching, best = count, (trial, result)
        else:
            failing = count
    fleet, after = best
    if reaching == added and path[-1]["draws"] == draws:
        return fleet, after
    number = len(steps)
    while path[-1]["step"] == number:
        path.pop()
    if reaching == 0:
        steps.pop()
        messages.append(f"reliability: the last addition ({last.technology}) is not needed on {draws} years: dropped")
        path.append({**path[-1], "availability": after.availability.mean, "eue_mwh_per_year": after.eue_mwh_per_year.mean, "draws": draws})
        return fleet, after
    if reaching < added:
        share = reaching / added
        steps[-1] = Step(last.technology, last.kind, reaching, last.mw * share, last.mwh, last.usd_per_year * share)
        messages.append(f"reliability: the last addition cut from {added} to {reaching} units of {last.technology} on {draws} years")
    step = steps[-1]
    path.append({"step": number, "technology": step.technology, "kind": step.kind, "units": step.units, "mw": step.mw, "mwh": step.mwh,
                 "cumulative_usd_per_year": path[-1]["cumulative_usd_per_year"] + step.usd_per_year,
                 "availability": after.availability.mean, "eue_mwh_per_year": after.eue_mwh_per_year.mean, "draws": draws})
    return fleet, after


def _summary(steps: list[Step]) -> list[dict[str, Any]]:
    """Steps of one technology and kind summed: units or MWh, MW and USD/yr."""
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for s in steps:
        row = totals.setdefault((s.technology, s.kind), {"technology": s.technology, "kind": s.kind, "units": 0, "mw": 0.0, "mwh": 0.0, "usd_per_year": 0.0})
        row["units"] += s.units
        row["mw"] += s.mw
        row["mwh"] += s.mwh
        row["usd_per_year"] += s.usd_per_year
    return list(totals.values())


def cost_of_nines(path: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each level 0.9, 0.99, ... that the path crosses (above its start, at or below its end): the first row from
    which the path's mean availability stays at or above it (a row on the search's draws that reached it but whose
    check on the full draws fell short does not count), the cumulative cost there (USD/yr) and the cost since the
    previous level."""
    start = path[0]["availability"]
    out: list[dict[str, Any]] = []
    previous_usd = path[0]["cumulative_usd_per_year"]
    for nines in range(1, MAX_NINES + 1):
        level = 1.0 - 10.0 ** -nines
        if start >= level:
            continue
        if path[-1]["availability"] < level:
            break
        below = max(i for i, p in enumerate(path) if p["availability"] < level)
        row = path[below + 1]
        out.append({"nines": nines, "availability": level, "step": row["step"], "cumulative_usd_per_year": row["cumulative_usd_per_year"],
                    "increment_usd_per_year": row["cumulative_usd_per_year"] - previous_usd})
        previous_usd = row["cumulative_usd_per_year"]
    return out


def firm_mw(inputs: ReliabilityInputs) -> tuple[float, float]:
    """(firm MW, largest single unit MW): the units and the grid connection (one unit of its import MW), not weather or storage."""
    sizes = [g.unit_mw for g in inputs.units if g.count > 0]
    total = sum(g.unit_mw * g.count for g in inputs.units)
    if inputs.grid is not None and inputs.grid.import_mw > 0:
        sizes.append(inputs.grid.import_mw)
        total += inputs.grid.import_mw
    return total, max(sizes, default=0.0)


def n_minus_1(inputs: ReliabilityInputs, additions: list[Addition], draws: int, seed: int, map: Mapper | None = None) -> dict[str, Any]:
    """The N-1 rule's answer: the cheapest whole units of one offered technology that make the firm MW without the
    largest unit cover the peak load, their cost (USD/yr) and the availability the fleet then has on ``draws`` years."""
    peak_mw = float(np.max(inputs.load_mw))
    firm, largest = firm_mw(inputs)
    if firm - largest >= peak_mw - FIRM_TOLERANCE_MW:
        return {"technology": None, "units": 0, "mw": 0.0, "usd_per_year": 0.0, "availability": None, "note": "the fleet already meets N-1"}
    best = None
    for addition in additions:
        if addition.kind != UNITS:
            continue
        group = next((g for g in inputs.units if g.technology == addition.technology), None)
        unit_mw = group.unit_mw if group is not None else addition.unit_mw
        count = max(1, math.ceil((peak_mw + max(largest, unit_mw) - firm) / unit_mw - 1e-9))
        if _technology_mw(inputs, addition.technology) + count * unit_mw > addition.max_mw + 1e-9:
            continue
        usd = count * unit_mw * addition.usd_per_mw_year
        if best is None or usd < best[2]:
            best = (addition, count, usd, unit_mw)
    if best is None:
        return {"technology": None, "units": 0, "mw": 0.0, "usd_per_year": None, "availability": None, "note": "no unit technology can be added"}
    addition, count, usd, unit_mw = best
    result = simulate(_add_units(inputs, replace(addition, unit_mw=unit_mw), count), draws, seed, map=map)
    return {"technology": addition.technology, "units": count, "mw": count * unit_mw, "usd_per_year": usd,
            "availability": _estimate(result.availability), "note": "cheapest whole units until firm MW less the largest unit covers the peak"}


def size_redundancy(inputs: ReliabilityInputs, additions: list[Addition], target_availability: float, draws: int, seed: int = 0,
                    before: ReliabilityResult | None = None, search_draws: int = SEARCH_DRAWS, max_steps: int = MAX_STEPS,
                    map: Mapper | None = None) -> Redundancy:
    """The cheapest additions (the module docstring's greedy method) that bring ``inputs``'s mean availability
    (share of the load's energy served, ratio) to ``target_availability`` on ``draws`` years at ``seed``.
    ``before`` is the fleet's own result on ``draws`` years where the caller has it (saves one draw). ``map``: every
    draw runs its pieces through it (``montecarlo.simulate``)."""
    if not (isinstance(target_availability, (int, float)) and 0 < target_availability < 1):
        raise ScenarioError(f"{FIELD}: {target_availability!r} must be a share of energy in (0, 1), e.g. 0.9999 (100% is never reached)")
    inputs.check()
    before = before if before is not None else simulate(inputs, draws, seed, map=map)
    search = min(draws, search_draws)
    start = before if search == draws else simulate(inputs, search, seed, map=map)
    steps: list[Step] = []
    path = [{"step": 0, "technology": None, "kind": None, "units": 0, "mw": 0.0, "mwh": 0.0, "cumulative_usd_per_year": 0.0,
             "availability": start.availability.mean, "eue_mwh_per_year": start.eue_mwh_per_year.mean, "draws": search}]
    fleet, after, previous = _search(inputs, additions, target_availability, search, seed, start, steps, path, max_steps, map)
    messages: list[str] = []
    if search < draws:  # the fleet found, checked on the full draws (a row of the path); searched on there if short
        after = simulate(fleet, draws, seed, map=map) if steps else before
        path.append({**path[-1], "availability": after.availability.mean, "eue_mwh_per_year": after.eue_mwh_per_year.mean, "draws": draws})
        if after.availability.mean < target_availability:
            messages.append(f"reliability: the fleet found on {search} years fell short on {draws}; the search went on at {draws}")
            fleet, after, previous = _search(fleet, additions, target_availability, draws, seed, after, steps, path, max_steps, map)
    if previous is not None:
        fleet, after = _trim_last(previous, fleet, after, steps, path, target_availability, draws, seed, messages, map)
    firm_before, largest_before = firm_mw(inputs)
    firm_after, largest_after = firm_mw(fleet)
    peak_mw = float(np.max(inputs.load_mw))
    margin = (lambda firm: firm / peak_mw - 1.0 if peak_mw > 0 else None)
    rules = {"peak_mw": peak_mw, "firm_mw_before": firm_before, "firm_mw_after": firm_after,
             "firm_margin_before": margin(firm_before), "firm_margin_after": margin(firm_after),
             "meets_n_minus_1_before": firm_before - largest_before >= peak_mw - FIRM_TOLERANCE_MW,
             "meets_n_minus_1_after": firm_after - largest_after >= peak_mw - FIRM_TOLERANCE_MW,
             "meets_2n_after": firm_after >= 2.0 * peak_mw - FIRM_TOLERANCE_MW,
             "note": "Uptime Tier III (concurrently maintainable) is about N+1 and Tier IV (fault tolerant) about 2N; "
                     "the Tiers set no availability figure"}
    return Redundancy(
        target_availability=float(target_availability), draws=draws, search_draws=search, seed=seed, additions=_summary(steps),
        cost_usd_per_year=sum(s.usd_per_year for s in steps), before=_figures(before), after=_figures(after), path=path,
        cost_of_nines=cost_of_nines(path), n_minus_1=n_minus_1(inputs, additions, draws, seed, map), rules=rules, messages=messages,
    )


__all__ = ["Addition", "Redundancy", "Step", "cost_of_nines", "firm_mw", "n_minus_1", "size_redundancy"]
