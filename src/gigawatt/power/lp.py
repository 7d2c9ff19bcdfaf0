"""The site plan as a linear programme in matrix form, built from :class:`PlanInputs` with numpy alone.

The model is the one :func:`gigawatt.power.network.build_network` writes as a PyPSA network (tests solve both
and compare), written here as named blocks of columns and rows so that no modelling layer stands between
the inputs and the solver: building a full year takes tens of milliseconds and HiGHS reads the arrays
directly, without an LP file.

Columns (MW unless named): ``p_nom(g)`` and ``p(g)`` for each generator option g (capacity and hourly
output); ``p_nom(s)`` (one inverter, MW), ``e_nom(s)`` (MWh), ``charge(s)``, ``discharge(s)`` and
``soc(s)`` (MWh) for each storage option s; ``p(f)`` for the flexible cluster's capping segments and
pause; ``p(unserved)`` when unserved load is allowed at a penalty.

Objective: Σ annual capital × share of the year modelled × capacity + Σ_t w_t × marginal cost × output,
with w_t the hours snapshot t stands for (1 unless time-segmented). Rows are the site balance each hour,
the capacity limits and storage balance, and one family per scenario constraint (named as the scenario
field they enforce, for shadow prices).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gigawatt.core.errors import InfeasibleError, ScenarioError
from gigawatt.power.inputs import UNSERVED, PlanInputs, SupplyOption
from gigawatt.power.flexibility import CAP_PREFIX, PAUSE
from gigawatt.core.units import HOURS_PER_YEAR

INF = np.inf


@dataclass(frozen=True)
class SiteLP:
    """min cost·x subject to row_lower ≤ A x ≤ row_upper and col_lower ≤ x ≤ col_upper; A column-wise
    (CSC: ``a_start``, ``a_index``, ``a_value``). ``columns`` and ``rows`` name each block's positions."""

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    a_start: np.ndarray
    a_index: np.ndarray
    a_value: np.ndarray
    columns: dict[str, slice]
    rows: dict[str, slice]
    integer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # columns a MIP keeps whole

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return len(self.row_lower), len(self.cost)

    def values(self, x: np.ndarray, name: str) -> np.ndarray:
        """The block of a solution vector (or of row duals, for a row name) by name; zeros if absent."""
        block = self.columns.get(name, self.rows.get(name))
        return np.zeros(0) if block is None else x[block]

    def names(self, blocks: dict[str, slice]) -> list[str]:
        """One name per column or row for an LP file: ``block`` for a single one, ``block_t`` for snapshot t."""
        out: list[str] = []
        for name, block in blocks.items():
            size = block.stop - block.start
            base = name.replace("(", "_").replace(")", "")
            out.extend([base] if size == 1 else [f"{base}_{t}" for t in range(size)])
        return out


class LPBuilder:
    """Blocks of columns and rows, with the matrix gathered as (row, column, coefficient) triplets."""

    def __init__(self) -> None:
        self.n_col = self.n_row = 0
        self.cols: dict[str, slice] = {}
        self.rows: dict[str, slice] = {}
        self.col_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.row_parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.triplets: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.integer: list[np.ndarray] = []

    def variables(self, name: str, size: int, cost=0.0, lower=0.0, upper=INF, integer: bool = False) -> np.ndarray:
        """Add ``size`` columns (whole numbers in a MIP when ``integer``); returns their positions."""
        index = np.arange(self.n_col, self.n_col + size)
        if integer:
            self.integer.append(index)
        self.cols[name] = slice(self.n_col, self.n_col + size)
        self.col_parts.append(tuple(np.broadcast_to(np.asarray(v, dtype=float), size) for v in (cost, lower, upper)))
        self.n_col += size
        return index

    def constraints(self, name: str, size: int, terms: list[tuple[np.ndarray, np.ndarray, np.ndarray | float]],
                    lower=-INF, upper=INF) -> None:
        """Add ``size`` rows ``lower ≤ Σ coefficient × column ≤ upper``; each term gives, per entry, its row
        within the block, its column and its coefficient (arrays broadcast together)."""
        self.rows[name] = slice(self.n_row, self.n_row + size)
        self.row_parts.append(tuple(np.broadcast_to(np.asarray(v, dtype=float), size) for v in (lower, upper)))
        for row, col, coefficient in terms:
            row, col, coefficient = np.broadcast_arrays(np.asarray(row), np.asarray(col), np.asarray(coefficient, dtype=float))
            self.triplets.append((row.ravel() + self.n_row, col.ravel(), coefficient.ravel()))
        self.n_row += size

    def row(self, name: str, terms: list[tuple[np.ndarray, np.ndarray | float]], lower=-INF, upper=INF) -> None:
        """Add one row ``lower ≤ Σ coefficients · columns ≤ upper`` from (columns, coefficients) pairs."""
        self.constraints(name, 1, [(0, cols, coefficient) for cols, coefficient in terms], lower=lower, upper=upper)

    def block(self, name: str) -> np.ndarray:
        """The positions of a block of columns."""
        return np.arange(self.cols[name].start, self.cols[name].stop)

    def lp(self) -> SiteLP:
        cost, col_lower, col_upper = (np.concatenate([part[k] for part in self.col_parts]) for k in range(3))
        row_lower, row_upper = (np.concatenate([part[k] for part in self.row_parts]) if self.row_parts else np.zeros(0) for k in range(2))
        row, col, value = (np.concatenate([t[k] for t in self.triplets]) if self.triplets else np.zeros(0, dtype=int) for k in range(3))
        keep = value != 0
        row, col, value = row[keep].astype(np.int64), col[keep].astype(np.int64), value[keep]
        order = np.lexsort((row, col))
        row, col, value = row[order], col[order], value[order]
        if len(row) > 1:  # the same (row, column) twice (one snapshot's storage balance) sums its coefficients
            first = np.r_[True, (np.diff(row) != 0) | (np.diff(col) != 0)]
            starts = np.flatnonzero(first)
            value, row, col = np.add.reduceat(value, starts), row[starts], col[starts]
            keep = value != 0
            row, col, value = row[keep], col[keep], value[keep]
        start = np.zeros(self.n_col + 1, dtype=np.int64)
        np.cumsum(np.bincount(col, minlength=self.n_col), out=start[1:])
        integer = np.concatenate(self.integer).astype(np.int64) if self.integer else np.zeros(0, dtype=np.int64)
        return SiteLP(cost, col_lower, col_upper, row_lower, row_upper, start, row, value, dict(self.cols), dict(self.rows), integer)



@dataclass(frozen=True)
class Solution:
    """An optimum of a :class:`SiteLP`: column values, row duals (None where the solver gives none) and the
    solve's facts (name, version, method, status, condition, seconds, objective)."""

    x: np.ndarray
    row_dual: np.ndarray | None
    facts: dict[str, Any]


def flexible_names(inputs: PlanInputs) -> list[str]:
    """The flexible cluster's 'negative load' generators: its capping segments, then the pause."""
    if inputs.flexibility is None:
        return []
    return [f"{CAP_PREFIX}{k}" for k in range(1, len(inputs.flexibility.segments) + 1)] + [PAUSE]


def generator_names(inputs: PlanInputs) -> list[str]:
    """Every generator of the site bus in the order the dispatch lists them: options, flexibility, unserved."""
    return [name for name, o in inputs.options.items() if o.kind != "storage"] + flexible_names(inputs) + [UNSERVED]


def build_lp(inputs: PlanInputs) -> SiteLP:
    """The site plan's LP (see the module docstring). Raises :class:`InfeasibleError` naming the scenario
    field when a constraint has nothing that could meet it."""
    inputs.check()
    b = LPBuilder()
    hours = inputs.hours_each().to_numpy(dtype=float)
    t = np.arange(len(hours))
    load = inputs.load_mw.to_numpy(dtype=float)
    year_share = inputs.modelled_hours / HOURS_PER_YEAR  # capacity costs are per year: charge the share modelled
    balance: list[tuple[np.ndarray, np.ndarray, np.ndarray | float]] = []  # what each column adds at the site bus
    for name, option in inputs.options.items():
        if option.kind == "storage":
            _storage(b, name, option, hours, year_share, balance)
        else:
            _generator(b, name, option, inputs, hours, year_share, balance)
    _flexible(b, inputs, load, hours, balance)
    if inputs.value_of_lost_load_usd_per_mwh is not None:
        unserved = b.variables(f"p({UNSERVED})", len(t), cost=hours * inputs.value_of_lost_load_usd_per_mwh, upper=float(load.max()))
        balance.append((t, unserved, 1.0))
    b.constraints("balance", len(t), balance, lower=load, upper=load)
    for define in CONSTRAINT_FAMILIES:
        define(b, inputs, hours, load)
    return b.lp()


def _generator(b: LPBuilder, name: str, option: SupplyOption, inputs: PlanInputs, hours: np.ndarray, year_share: float, balance: list) -> None:
    """An extendable generator: output each hour at most its per-unit availability × the capacity built."""
    t = np.arange(len(hours))
    p_nom = b.variables(f"p_nom({name})", 1, cost=year_share * option.capital_usd_per_mw_year, lower=option.min_mw, upper=option.max_mw)
    marginal = np.asarray(inputs.marginal_usd_per_mwh(name), dtype=float)
    if name in inputs.capacity_factor:
        per_unit = inputs.capacity_factor[name].to_numpy(dtype=float)
    elif option.kind == "contract":
        per_unit = np.full(len(t), option.availability)  # a firm block; unused hours spill
    else:
        per_unit = np.ones(len(t))
    # an hour with no availability (night for solar) is a bound, not a row
    p = b.variables(f"p({name})", len(t), cost=hours * marginal, upper=np.where(per_unit > 0, INF, 0.0))
    balance.append((t, p, 1.0))
    if option.commitment is not None:
        _commitment(b, name, option, p, p_nom[0], hours, per_unit)
        return
    live = np.flatnonzero(per_unit > 0)
    rows = np.arange(len(live))
    b.constraints(f"p_max({name})", len(live), [(rows, p[live], 1.0), (rows, p_nom[0], -per_unit[live])], upper=0.0)


def _commitment(b: LPBuilder, name: str, option: SupplyOption, p: np.ndarray, p_nom: int, hours: np.ndarray, per_unit: np.ndarray) -> None:
    """Committable units of size S (after PyPSA's linearised unit commitment, Hua et al. 2017, written here
    in units rather than MW). Columns per hour: ``on`` units committed, ``start`` and ``stop`` units started
    and stopped; in the integer form ``on`` and ``units(g)`` (units built, p_nom = S × units) are whole.

    - S × on_t ≤ p_nom; min stable × S × on_t ≤ p_t ≤ availability_t × S × on_t
    - on_t - on_(t-1) = start_t - stop_t, the first hour following the last (cyclic, as storage)
    - minimum up time U hours: Σ_(k<U) start_(t-k) ≤ on_t; minimum down D: S × (Σ_(k<D) stop_(t-k) + on_t) ≤ p_nom
    - cost: (start cost + start fuel) × S per unit started; no-load fuel × S per unit committed and hour (the
      incremental heat rate's fuel is the option's marginal cost on p)

    Unit commitment needs chronological hourly snapshots: time-segmented inputs are refused.
    """
    c = option.commitment
    field_name = f"supply.limits.{name}.commitment"
    if not np.allclose(hours, 1.0):
        raise ScenarioError(f"{field_name}: unit commitment needs chronological hourly snapshots, not time segments; "
                            "solve every hour (no screening segments) or set commitment: none")
    n = len(hours)
    t = np.arange(n)
    size = c.unit_mw
    whole = c.form == "integer"
    on = b.variables(f"on({name})", n, cost=hours * c.no_load_usd_per_mw_h * size, integer=whole)
    start = b.variables(f"start({name})", n, cost=c.start_usd_per_mw * size)
    stop = b.variables(f"stop({name})", n)
    if whole:
        units = b.variables(f"units({name})", 1, integer=True)
        b.constraints(f"units({name})", 1, [(0, p_nom, 1.0), (0, units[0], -size)], lower=0.0, upper=0.0)
    b.constraints(f"on_max({name})", n, [(t, on, size), (t, p_nom, -1.0)], upper=0.0)
    b.constraints(f"p_max({name})", n, [(t, p, 1.0), (t, on, -size * per_unit)], upper=0.0)
    if c.min_stable_share > 0:
        b.constraints(f"p_min({name})", n, [(t, p, 1.0), (t, on, -size * c.min_stable_share)], lower=0.0)
    b.constraints(f"switch({name})", n, [(t, on, 1.0), (t, np.roll(on, 1), -1.0), (t, start, -1.0), (t, stop, 1.0)],
                  lower=0.0, upper=0.0)
    up, down = (min(math.ceil(h - 1e-9), n) for h in (c.min_up_hours, c.min_down_hours))
    if up > 1:
        b.constraints(f"min_up({name})", n, [*((t, np.roll(start, k), 1.0) for k in range(up)), (t, on, -1.0)], upper=0.0)
    if down > 1:
        b.constraints(f"min_down({name})", n, [*((t, np.roll(stop, k), size) for k in range(down)), (t, on, size), (t, p_nom, -1.0)],
                      upper=0.0)


def _storage(b: LPBuilder, name: str, option: SupplyOption, hours: np.ndarray, year_share: float, balance: list) -> None:
    """A battery: one inverter of ``p_nom`` MW charges or discharges (their sum in an hour is at most
    ``p_nom``); ``e_nom`` MWh sized apart; the state of charge cycles over the modelled hours. The
    round-trip efficiency is split evenly between the two ways."""
    t = np.arange(len(hours))
    root_efficiency = float(np.sqrt(option.efficiency))
    p_nom = b.variables(f"p_nom({name})", 1, cost=year_share * option.capital_usd_per_mw_year, lower=option.min_mw, upper=option.max_mw)
    e_nom = b.variables(f"e_nom({name})", 1, cost=year_share * option.energy_capital_usd_per_mwh_year)
    charge = b.variables(f"charge({name})", len(t))  # MW drawn from the site bus
    discharge = b.variables(f"discharge({name})", len(t))  # MW leaving the store; root_efficiency of it reaches the site
    soc = b.variables(f"soc({name})", len(t))
    # one inverter carries the charge and the discharge of an hour together (a row an hour, not two)
    b.constraints(f"inverter({name})", len(t), [(t, charge, 1.0), (t, discharge, 1.0), (t, p_nom[0], -1.0)], upper=0.0)
    b.constraints(f"soc_max({name})", len(t), [(t, soc, 1.0), (t, e_nom[0], -1.0)], upper=0.0)
    if option.duration_hours is not None:  # a store of fixed duration (iron-air, 100 h): e_nom = hours × p_nom
        b.row(f"duration({name})", [(e_nom, 1.0), (p_nom, -option.duration_hours)], lower=0.0, upper=0.0)
    # soc_t = soc_(t-1) + w_t (η charge_t - discharge_t), the first hour following the last (cyclic)
    b.constraints(f"soc_balance({name})", len(t), [
        (t, soc, 1.0), (t, np.roll(soc, 1), -1.0), (t, charge, -hours * root_efficiency), (t, discharge, hours),
    ], lower=0.0, upper=0.0)
    balance.extend([(t, discharge, root_efficiency), (t, charge, -1.0)])


def _flexible(b: LPBuilder, inputs: PlanInputs, load: np.ndarray, hours: np.ndarray, balance: list) -> None:
    """Capping segments and pausing as 'negative load' at the site bus, priced at the compute lost."""
    flex = inputs.flexibility
    if flex is None:
        return
    t = np.arange(len(hours))
    for k, segment in enumerate(flex.segments, start=1):
        p = b.variables(f"p({CAP_PREFIX}{k})", len(t), cost=hours * flex.cap_cost_usd_per_mwh(segment),
                        upper=segment.width * flex.accelerator_share * load)
        balance.append((t, p, 1.0))
    p = b.variables(f"p({PAUSE})", len(t), cost=hours * flex.pause_cost_usd_per_mwh(), upper=(1.0 - flex.paused_load_share) * load)
    balance.append((t, p, 1.0))


def _columns(b: LPBuilder, prefix: str, names: list[str]) -> list[np.ndarray]:
    """The column blocks ``prefix(name)`` of those names that have one."""
    return [b.block(f"{prefix}({name})") for name in names if f"{prefix}({name})" in b.cols]


def _clean(inputs: PlanInputs, field: str, share: float) -> list[str]:
    """The carbon-free options a share constraint can count; refuses the share (``constraints.FIELD``) if none."""
    clean = [name for name, o in inputs.options.items() if o.carbon_free]
    if not clean:
        raise InfeasibleError(f"constraints.{field}: {share:g} needs a carbon-free option; allow solar, wind or nuclear")
    return clean


def define_co2_cap(b: LPBuilder, inputs: PlanInputs, hours: np.ndarray, load: np.ndarray) -> None:
    """Σ_t w_t Σ_g CO2_g,t × p_g,t ≤ cap (tCO2 per year of the modelled hours); a grid may have an hourly intensity."""
    if inputs.co2_cap_t_per_year is None:
        return
    terms = []
    for name, option in inputs.options.items():
        if option.kind == "storage":
            continue
        co2 = inputs.grid_co2_t_per_mwh.to_numpy(dtype=float) if option.kind == "grid" and inputs.grid_co2_t_per_mwh is not None else option.co2_t_per_mwh
        terms.append((b.block(f"p({name})"), hours * co2))
        if option.commitment is not None:  # the no-load fuel's CO2, per unit committed and hour; the start fuel's per start
            c = option.commitment
            terms.append((b.block(f"on({name})"), hours * c.no_load_co2_t_per_mw_h * c.unit_mw))
            if c.start_co2_t_per_mw > 0:
                terms.append((b.block(f"start({name})"), np.full(len(hours), c.start_co2_t_per_mw * c.unit_mw)))
    b.row("co2_cap", terms, upper=inputs.co2_cap_t_per_year)


def define_carbon_free_share(b: LPBuilder, inputs: PlanInputs, hours: np.ndarray, load: np.ndarray) -> None:
    """Annual carbon-free energy ≥ share × the energy the cluster draws (load less what flexibility gives up)."""
    share = inputs.carbon_free_share
    if share is None:
        return
    clean = _clean(inputs, "carbon_free_share", share)
    terms = [(cols, hours) for cols in _columns(b, "p", clean)] + [(cols, share * hours) for cols in _columns(b, "p", flexible_names(inputs))]
    b.row("carbon_free_share", terms, lower=share * float(hours @ load))


def define_hourly_carbon_free_share(b: LPBuilder, inputs: PlanInputs, hours: np.ndarray, load: np.ndarray) -> None:
    """24/7 carbon-free energy: Σ_t w_t matched_t ≥ share × energy drawn, where each hour's matched energy is the
    least of the load drawn and the clean supply net of storage, clean_t + η discharge_t - charge_t (stored
    energy counts as clean only if clean energy charged it).

    Written without a matched column: the site bus balances every hour and nothing is exported, so the net
    clean supply never exceeds the load drawn (the rest of the load is met by fuel, imports or unserved
    energy, all ≥ 0) and the least of the two is the net clean supply itself. What remains is one row an
    hour, net clean supply ≥ 0 (no hour charges storage from fossil supply), needed only where storage is
    offered, and the annual row on the net clean supply (exact; one column an hour fewer)."""
    share = inputs.carbon_free_share_hourly
    if share is None:
        return
    clean = _clean(inputs, "carbon_free_share_hourly", share)
    t = np.arange(len(hours))
    net = [(cols, 1.0) for cols in _columns(b, "p", clean)]
    for name, option in inputs.options.items():
        if option.kind == "storage":
            net += [(b.block(f"discharge({name})"), float(np.sqrt(option.efficiency))), (b.block(f"charge({name})"), -1.0)]
    if any(option.kind == "storage" for option in inputs.options.values()):
        b.constraints("cfe_clean_net", len(t), [(t, cols, coefficient) for cols, coefficient in net], lower=0.0)
    given_up = _columns(b, "p", flexible_names(inputs))
    terms = [(cols, coefficient * hours) for cols, coefficient in net] + [(cols, share * hours) for cols in given_up]
    b.row("carbon_free_share_hourly", terms, lower=share * float(hours @ load))


def define_hours_caps(b: LPBuilder, inputs: PlanInputs, hours: np.ndarray, load: np.ndarray) -> None:
    """Options with an hours-per-year cap (diesel backup): Σ_t w_t p_t ≤ hours × p_nom (hours prorated to the modelled ones)."""
    for name, option in inputs.options.items():
        if option.max_hours_per_year is None or option.kind == "storage":
            continue
        capped = option.max_hours_per_year * inputs.modelled_hours / HOURS_PER_YEAR
        terms = [(b.block(f"p({name})"), hours), (b.block(f"p_nom({name})"), -capped)]
        b.row(f"{name}_hours_cap", terms, upper=0.0)


def define_firm_capacity(b: LPBuilder, inputs: PlanInputs, hours: np.ndarray, load: np.ndarray) -> None:
    """Σ_g availability_g × p_nom_g ≥ (1 + reserve margin) × peak load, over firm options.

    Firm: fuelled generators, contracts and the grid at (1 - forced-outage rate) of their capacity; solar,
    wind and batteries count for nothing (their output is not there in the worst hour). With gas units of
    a given size this is the N+1 idea expressed in MW.

    With committable options (``supply.limits.<id>.commitment``) the N+1 is by units instead: those options
    count at their whole capacity (no forced-outage derate) and the largest committable unit is held out,
    Σ_committable p_nom + Σ_other availability × p_nom ≥ (1 + margin) × peak + largest unit size (the loss
    of the site's largest unit). Exact when that option is built; conservative when only smaller units are.
    """
    if inputs.reserve_margin is None:
        return
    firm = inputs.firm_options()
    if not firm:
        raise InfeasibleError("constraints.reserve_margin: no firm option is allowed; allow gas, fuel cells, nuclear or the grid")
    terms = [(b.block(f"p_nom({name})"), 1.0 if option.commitment else option.availability) for name, option in firm.items()]
    largest = max((o.commitment.unit_mw for o in firm.values() if o.commitment), default=0.0)
    b.row("firm_capacity", terms, lower=(1.0 + inputs.reserve_margin) * float(load.max()) + largest)


def define_flexibility(b: LPBuilder, inputs: PlanInputs, hours: np.ndarray, load: np.ndarray) -> None:
    """A flexible cluster gives up at most its share of annual energy, and in no hour more than its non-idle draw."""
    flex = inputs.flexibility
    if flex is None:
        return
    given_up = _columns(b, "p", flexible_names(inputs))
    b.row("flexible_share", [(cols, hours) for cols in given_up], upper=flex.max_share * float(hours @ load))
    if len(given_up) > 1:
        t = np.arange(len(hours))
        b.constraints("flexible_hourly", len(t), [(t, cols, 1.0) for cols in given_up], upper=(1.0 - flex.paused_load_share) * load)


def _built(b: LPBuilder, inputs: PlanInputs, per_mw: str, per_mwh: str | None = None) -> list[tuple[np.ndarray, float]]:
    """Terms of Σ over options of a per-MW figure × built MW (and a per-MWh figure × built storage MWh)."""
    terms = [(b.block(f"p_nom({name})"), getattr(option, per_mw)) for name, option in inputs.options.items()]
    if per_mwh:
        terms += [(b.block(f"e_nom({name})"), getattr(option, per_mwh)) for name, option in inputs.options.items() if option.kind == "storage"]
    return terms


def define_capex_budget(b: LPBuilder, inputs: PlanInputs, hours: np.ndarray, load: np.ndarray) -> None:
    """Σ overnight capital of everything built ≤ budget, USD."""
    if inputs.capex_budget_usd is not None:
        b.row("capex_budget", _built(b, inputs, "capex_usd_per_mw", "capex_usd_per_mwh"), upper=inputs.capex_budget_usd)


def define_land(b: LPBuilder, inputs: PlanInputs, hours: np.ndarray, load: np.ndarray) -> None:
    """Σ land use of everything built ≤ the site's land, m2."""
    if inputs.land_m2 is not None:
        b.row("land", _built(b, inputs, "land_m2_per_mw"), upper=inputs.land_m2)


CONSTRAINT_FAMILIES = (
    define_co2_cap, define_carbon_free_share, define_hourly_carbon_free_share, define_hours_caps,
    define_firm_capacity, define_flexibility, define_capex_budget, define_land,
)


def commitment_figures(lp: SiteLP, x: np.ndarray, inputs: PlanInputs) -> dict[str, dict[str, float]]:
    """Per committable option: units built, starts, unit-hours committed, no-load and start-up cost (USD over
    the modelled hours; start-up = wear + start fuel, the fuel also apart as ``startfuel_usd``) and no-load and
    start-fuel CO2 (t)."""
    out: dict[str, dict[str, float]] = {}
    for name, option in inputs.options.items():
        c = option.commitment
        if c is None or f"on({name})" not in lp.columns:
            continue
        on, start = lp.values(x, f"on({name})"), lp.values(x, f"start({name})")
        unit_hours = float(on.sum())
        out[name] = {
            "form": c.form, "unit_mw": c.unit_mw, "units_built": float(lp.values(x, f"p_nom({name})")[0]) / c.unit_mw,
            "starts": float(start.sum()), "unit_hours_committed": unit_hours,
            "noload_usd": c.no_load_usd_per_mw_h * c.unit_mw * unit_hours,
            "startup_usd": c.start_usd_per_mw * c.unit_mw * float(start.sum()),
            "startfuel_usd": c.start_fuel_usd_per_mw * c.unit_mw * float(start.sum()),
            "noload_co2_t": c.no_load_co2_t_per_mw_h * c.unit_mw * unit_hours,
            "startfuel_co2_t": c.start_co2_t_per_mw * c.unit_mw * float(start.sum()),
        }
    return out


SOC_SUFFIX = "_soc_mwh"  # a storage option's state of charge column: MWh, not MW, so in no sum of the ``*_mw`` sources


def dispatch_frame(lp: SiteLP, x: np.ndarray, inputs: PlanInputs) -> pd.DataFrame:
    """One row an hour, MW: the load, every source, battery charge (as a use) and discharge at the site; and each
    store's state of charge at the end of the hour (``{name}_soc_mwh``, MWh; of a time-segmented run, at the end
    of each segment).

    Balance, hour by hour: Σ sources + discharge = load + charge, over the ``*_mw`` columns only.
    """
    frame = {"load_mw": inputs.load_mw.to_numpy(dtype=float)}
    zeros = np.zeros(len(inputs.load_mw))
    for name in generator_names(inputs):
        frame[f"{name}_mw"] = lp.values(x, f"p({name})") if f"p({name})" in lp.columns else zeros
    for name, option in inputs.options.items():
        if option.kind == "storage":
            frame[f"{name}_discharge_mw"] = np.sqrt(option.efficiency) * lp.values(x, f"discharge({name})")
            frame[f"{name}_charge_mw"] = lp.values(x, f"charge({name})")
            if f"soc({name})" in lp.columns:
                frame[f"{name}{SOC_SUFFIX}"] = lp.values(x, f"soc({name})")
    out = pd.DataFrame(frame, index=inputs.load_mw.index)
    out.index.name = "timestamp"
    return out
