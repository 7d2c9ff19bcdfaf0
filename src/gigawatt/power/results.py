"""Read an optimum of the site LP into a :class:`PowerPlan`: capacities, hourly dispatch, costs, CO2."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from gigawatt.power.inputs import UNSERVED, PlanInputs
from gigawatt.power.flexibility import lost_compute_usd
from gigawatt.core.units import HOURS_PER_YEAR
from gigawatt.weather.timezones import zoned_index

if TYPE_CHECKING:
    import pypsa

    from gigawatt.power.lp import SiteLP, Solution

BUILT_MW = 1e-3  # capacities below this are solver noise, not a plan
G_PER_T = 1e6
KWH_PER_MWH = 1e3



def in_use(power_mw: pd.Series) -> bool:
    """Whether an hourly series of MW ever rises above solver noise (:data:`BUILT_MW`): the one rule that says
    which sources a week of dispatch shows."""
    return bool(power_mw.abs().max() > BUILT_MW)

@dataclass(frozen=True)
class PowerPlan:
    """A site supply plan. MW, MWh and USD per modelled year; CO2 in t/yr and g/kWh."""

    capacity_mw: dict[str, float]
    storage_mwh: float
    energy_mwh: dict[str, float]
    cost_usd_per_year: dict[str, float]
    annual_cost_usd: float
    load_mwh: float
    unserved_energy_mwh: float
    curtailed_energy_mwh: float  # given up by a flexible cluster (power capping and pausing)
    curtailed_compute_share: float  # full-speed accelerator-hours given up, share of the year's
    lost_compute_usd_per_year: float  # value of that compute (not in annual_cost_usd)
    lcoe_usd_per_mwh: float
    co2_t_per_year: float
    co2_g_per_kwh: float
    carbon_free_share: float
    carbon_free_share_hourly: float
    online_date: str | None = None
    online_date_set_by: str | None = None
    power_cost_usd_per_accelerator_hour: float | None = None  # supply cost over installed accelerator-hours
    cost_usd_per_delivered_accelerator_hour: float | None = None  # cluster + supply cost over full-speed hours delivered
    baseline: PowerPlan | None = None  # the grid-only plan beside it (REopt's business as usual)
    series: dict[str, str] = field(default_factory=dict)  # where each hourly series came from; synthetic ones say so
    screening_segments: int | None = None  # set when solved on time segments rather than every hour
    bridge: PowerPlan | None = None  # with constraints.online_by: what serves the load until later options arrive
    bridge_until: str | None = None  # the month the bridge hands over (YYYY-MM)
    bridge_until_set_by: str | None = None  # the late option it waits for
    solver: dict[str, Any] | None = None  # name, version, status, condition, seconds of the solve that made this plan
    binding: dict[str, dict[str, Any]] = field(default_factory=dict)  # scenario limits that bind: shadow price and unit
    # with site.weather_years: the plan solved once per weather year (one row a year) and the spread of cost and firm MW
    weather_years: dict[str, Any] | None = None
    security: dict[str, Any] | None = None  # with scenario.security: the level, its checks, when reached and usable, its cost
    # with scenario.phases (gigawatt.power.phases): one dict a period (date, end, load, capacity_mw, built_mw,
    # capital_usd, annual_cost_usd, cost per accelerator-hour, energy_mwh, the myopic sequence's figures); the
    # plan's own figures are then those of the last period
    phases: list[dict[str, Any]] | None = None
    # committable options (supply.limits.<id>.commitment): form, unit_mw, units_built, starts, unit_hours_committed, costs
    commitment: dict[str, dict[str, Any]] | None = None
    # with scenario.phases: npv_usd of the joint path, myopic_npv_usd, saving_usd and saving_share, discount_rate, seconds
    phased: dict[str, Any] | None = None
    # what reading the inputs found for the user to see: plausibility checks the scenario waived (accept_implausible),
    # a load far from the cluster's facility power, a grid connection far above the peak (the run's messages too)
    notes: list[str] = field(default_factory=list)
    # the site's IANA time zone and its standard offset from UTC, hours: the dispatch's naive index is local standard
    # time at that offset; to_frames gives it in the zone (None: left naive, as a plan made before time zones)
    time_zone: str | None = None
    utc_offset_hours: float | None = None
    # MW, one row an hour (a time-segmented screening run repeats each segment's MW over its hours)
    dispatch: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    # builds the solved PyPSA network on demand (importing PyPSA only then); None for a closed-form plan
    network_of: Callable[[], pypsa.Network] | None = field(default=None, repr=False, compare=False)

    @property
    def network(self) -> pypsa.Network | None:
        """The plan as a solved PyPSA network (built anew on each call), or None for a closed-form plan."""
        return self.network_of() if self.network_of is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form (without the hourly dispatch and the network, which :meth:`to_frames` and
        ``--network`` give); the baseline and the bridge are plans of the same form."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("dispatch", "network_of"):
                continue
            value = getattr(self, f.name)
            out[f.name] = value.to_dict() if isinstance(value, PowerPlan) else value
        return out

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Named tables: ``capacity`` (MW, MWh and USD/yr by option, plan beside baseline), ``costs`` (USD/yr
        by item), ``dispatch`` (MW an hour) and the baseline's and bridge's dispatch where there is one."""
        rows = []
        for tech in sorted(set(self.capacity_mw) | set(self.baseline.capacity_mw if self.baseline else {})):
            rows.append({
                "option": tech, "capacity_mw": self.capacity_mw.get(tech, 0.0), "energy_mwh": self.energy_mwh.get(tech, 0.0),
                "cost_usd_per_year": sum(v for k, v in self.cost_usd_per_year.items() if k.rsplit("_", 1)[0] == tech),
                "baseline_capacity_mw": self.baseline.capacity_mw.get(tech, 0.0) if self.baseline else 0.0,
                "bridge_capacity_mw": self.bridge.capacity_mw.get(tech, 0.0) if self.bridge else 0.0,
            })
        frames = {
            "capacity": pd.DataFrame(rows),
            "costs": pd.DataFrame({"item": list(self.cost_usd_per_year), "cost_usd_per_year": list(self.cost_usd_per_year.values())}),
            "dispatch": self.zoned(self.dispatch),
        }
        if self.baseline is not None:
            frames["baseline_dispatch"] = self.zoned(self.baseline.dispatch)
        if self.bridge is not None:
            frames["bridge_dispatch"] = self.zoned(self.bridge.dispatch)
        if self.phases:
            frames["phases"] = pd.DataFrame([
                {key: value for key, value in row.items() if not isinstance(value, (dict, list))}
                | {f"capacity_mw_{k}": v for k, v in row["capacity_mw"].items()} | {f"built_mw_{k}": v for k, v in row["built_mw"].items()}
                | {"myopic_annual_cost_usd": row["myopic"]["annual_cost_usd"], "myopic_capital_usd": row["myopic"]["capital_usd"]}
                for row in self.phases
            ])
        return frames


    def zoned(self, frame: pd.DataFrame) -> pd.DataFrame:
        """An hourly table on the model's naive local-standard-time index as timestamps in the site's IANA zone (the
        same instants, on the clock of the zone, daylight saving shown); as it is without a zone or a time index."""
        if self.time_zone is None or self.utc_offset_hours is None or not isinstance(frame.index, pd.DatetimeIndex) \
                or frame.index.tz is not None:
            return frame
        return frame.set_axis(zoned_index(frame.index, self.time_zone, self.utc_offset_hours), axis=0)


def hourly_dispatch(frame: pd.DataFrame, hours: pd.Series) -> pd.DataFrame:
    """Each snapshot's MW repeated over the whole hours it stands for, from its timestamp on: one row an
    hour again. Unchanged when every snapshot is one hour, or when some stand for a fraction of an hour."""
    counts = hours.to_numpy(dtype=float)
    whole = np.round(counts)
    if (whole == 1).all() or not np.allclose(counts, whole) or (whole < 1).any():
        return frame
    whole = whole.astype(int)
    rows = np.repeat(np.arange(len(frame)), whole)
    offset_h = np.arange(len(rows)) - np.repeat(np.cumsum(whole) - whole, whole)
    index = frame.index[rows] + pd.to_timedelta(offset_h, unit="h")
    return frame.iloc[rows].set_axis(pd.DatetimeIndex(index, name=frame.index.name), axis=0)


@dataclass(frozen=True)
class Built:
    """What an optimum built, MW and MWh: generators' ``p_nom``, storage's charge and discharge power and
    energy (by option name)."""

    p_nom_mw: dict[str, float]
    charge_mw: dict[str, float] = field(default_factory=dict)
    discharge_mw: dict[str, float] = field(default_factory=dict)
    energy_mwh: dict[str, float] = field(default_factory=dict)


def read_plan(lp: SiteLP, solution: Solution, inputs: PlanInputs, binding: dict[str, dict[str, Any]] | None = None) -> PowerPlan:
    """Capacities, energy, costs and emissions of an optimum of the site LP (see :func:`plan_from`)."""
    from gigawatt.power.lp import commitment_figures, dispatch_frame

    x = solution.x
    storage = [name for name, o in inputs.options.items() if o.kind == "storage"]
    inverter = {name: float(lp.values(x, f"p_nom({name})")[0]) for name in storage}
    built = Built(
        p_nom_mw={name: float(lp.values(x, f"p_nom({name})")[0]) for name in inputs.options if name not in storage},
        charge_mw=inverter, discharge_mw=inverter,
        energy_mwh={name: float(lp.values(x, f"e_nom({name})")[0]) for name in storage},
    )
    values = {name: x[block].copy() for name, block in lp.columns.items()}
    objective = solution.facts["objective"]

    def network_of() -> pypsa.Network:
        from gigawatt.power.network import solved_network

        return solved_network(inputs, values, objective)

    plan = replace(plan_from(dispatch_frame(lp, x, inputs), built, inputs), solver=dict(solution.facts),
                   binding=dict(binding or {}), network_of=network_of)
    return with_commitment(plan, commitment_figures(lp, x, inputs))


def with_commitment(plan: PowerPlan, figures: dict[str, dict[str, Any]]) -> PowerPlan:
    """The plan with committable units' no-load fuel and start-up costs (``<id>_noload``, ``<id>_startup``:
    wear and start fuel) and no-load and start-fuel CO2 added, and their figures (units built, starts, unit-hours committed) under ``commitment``."""
    if not figures:
        return plan
    cost = dict(plan.cost_usd_per_year)
    co2 = plan.co2_t_per_year
    for name, f in figures.items():
        for item in ("noload", "startup"):
            if abs(f[f"{item}_usd"]) > 0.5:
                cost[f"{name}_{item}"] = f[f"{item}_usd"]
        co2 += f["noload_co2_t"] + f.get("startfuel_co2_t", 0.0)
    annual = sum(cost.values())
    served = plan.load_mwh - plan.unserved_energy_mwh - plan.curtailed_energy_mwh
    return replace(plan, cost_usd_per_year=cost, annual_cost_usd=annual, co2_t_per_year=co2,
                   lcoe_usd_per_mwh=annual / served if served > 0 else float("nan"),
                   co2_g_per_kwh=co2 * G_PER_T / (served * KWH_PER_MWH) if served > 0 else 0.0, commitment=figures)


def grid_only_plan(inputs: PlanInputs) -> PowerPlan:
    """The plan of inputs whose only option is an unlimited, firm grid connection, in closed form: every
    hour's load is bought, and the connection is sized to the peak (its cost per MW is the demand charge;
    a free connection is reported at the peak too). The LP of the same inputs has this optimum; the tests
    compare the two. Raises ValueError for any other inputs."""
    (name, option), = inputs.options.items()
    if option.kind != "grid" or np.isfinite(option.max_mw) or name in inputs.capacity_factor or option.min_mw > 0:
        raise ValueError("grid_only_plan: the inputs must hold one unlimited, firm grid connection and nothing else")
    load = inputs.load_mw.to_numpy(dtype=float)
    dispatch = pd.DataFrame({"load_mw": load, f"{name}_mw": load, f"{UNSERVED}_mw": 0.0}, index=inputs.load_mw.index)
    dispatch.index.name = "timestamp"
    return plan_from(dispatch, Built(p_nom_mw={name: float(load.max())}), inputs)


def plan_from(dispatch: pd.DataFrame, built: Built, inputs: PlanInputs) -> PowerPlan:
    """Capacities, energy, costs and emissions of a plan from its dispatch (MW by snapshot) and what it built.

    Energies, costs and CO2 are Σ_t w_t × MW_t with w_t the hours snapshot t stands for (1 h each unless
    the inputs are time-segmented); capital is prorated by the modelled hours over 8760.
    """
    weighted = inputs.snapshot_weightings_h is not None
    # MWh of each snapshot (the MW frame itself when every snapshot is one hour)
    energy_frame = dispatch.mul(inputs.hours_each().to_numpy(), axis=0) if weighted else dispatch
    hours_share = inputs.modelled_hours / HOURS_PER_YEAR  # costs of capacity are per year; scale when fewer hours are modelled
    capacity: dict[str, float] = {}
    energy: dict[str, float] = {}
    cost: dict[str, float] = {}
    co2 = 0.0
    for name, option in inputs.options.items():
        if option.kind == "storage":
            power = built.discharge_mw[name]
            capacity[name] = power if power > BUILT_MW else 0.0
            energy[name] = float(energy_frame[f"{name}_discharge_mw"].sum())
            cost[f"{name}_capital"] = hours_share * (
                option.capital_usd_per_mw_year * built.charge_mw[name] + option.energy_capital_usd_per_mwh_year * built.energy_mwh[name]
            )
            continue
        p_nom = built.p_nom_mw[name]
        flow = dispatch[f"{name}_mw"]
        capacity[name] = p_nom if p_nom > BUILT_MW else 0.0
        energy[name] = inputs.energy_mwh(flow)
        # the hourly grid price or fuel series where there is one (as the model sets it), else the flat marginal cost
        marginal = inputs.marginal_usd_per_mwh(name)
        cost[f"{name}_capital"] = hours_share * option.capital_usd_per_mw_year * p_nom
        cost[f"{name}_energy"] = inputs.energy_mwh(flow * marginal)
        if option.kind == "grid" and inputs.grid_co2_t_per_mwh is not None:
            co2 += inputs.energy_mwh(flow * inputs.grid_co2_t_per_mwh)
        else:
            co2 += option.co2_t_per_mwh * energy[name]
    cost = {k: v for k, v in cost.items() if abs(v) > 0.5}
    energy = {k: v if abs(v) > BUILT_MW else 0.0 for k, v in energy.items()}
    storage = sum(built.energy_mwh.values())
    load = inputs.energy_mwh(inputs.load_mw)
    unserved = float(energy_frame[f"{UNSERVED}_mw"].sum())
    curtailed = float(energy_frame.filter(regex=r"^flex_").sum().sum())
    served = load - unserved - curtailed
    flex = inputs.flexibility
    lost_usd = lost_compute_usd(energy_frame, flex) if flex else 0.0
    possible_usd = flex.value_usd_per_accelerator_hour * flex.accelerator_count * inputs.modelled_hours if flex else 0.0
    annual = sum(cost.values())
    clean = [k for k, o in inputs.options.items() if o.carbon_free]
    drawn_mw = dispatch["load_mw"] - dispatch.filter(regex=r"^flex_").sum(axis=1)
    clean_mw = dispatch[[f"{k}_mw" for k in clean]].sum(axis=1) if clean else pd.Series(0.0, index=dispatch.index)
    # hour by hour, storage passes on clean energy only net of what charged it (as the 24/7 constraint counts it)
    clean_net_mw = clean_mw + dispatch.filter(like="_discharge_mw").sum(axis=1) - dispatch.filter(like="_charge_mw").sum(axis=1)
    return PowerPlan(
        capacity_mw=capacity,
        storage_mwh=storage,
        energy_mwh=energy,
        cost_usd_per_year=cost,
        annual_cost_usd=annual,
        load_mwh=load,
        unserved_energy_mwh=unserved,
        curtailed_energy_mwh=curtailed,
        curtailed_compute_share=lost_usd / possible_usd if possible_usd > 0 else 0.0,
        lost_compute_usd_per_year=lost_usd,
        lcoe_usd_per_mwh=annual / served if served > 0 else float("nan"),
        co2_t_per_year=co2,
        co2_g_per_kwh=co2 * G_PER_T / (served * KWH_PER_MWH) if served > 0 else 0.0,
        carbon_free_share=min(1.0, inputs.energy_mwh(clean_mw) / served) if served > 0 else 0.0,
        carbon_free_share_hourly=inputs.energy_mwh(clean_net_mw.clip(lower=0.0, upper=drawn_mw)) / served if served > 0 else 0.0,
        dispatch=hourly_dispatch(dispatch, inputs.hours_each()) if weighted else dispatch,
    )


def shortfall(plan: PowerPlan, tolerance_mwh: float = 1.0) -> str | None:
    """One line saying which hours the plan cannot serve and by how much, or None if it serves all."""
    if plan.unserved_energy_mwh <= tolerance_mwh:
        return None
    short = plan.dispatch[f"{UNSERVED}_mw"]
    hours = short[short > BUILT_MW]
    worst = hours.idxmax()
    months = sorted({t.strftime("%b") for t in hours.index}, key=lambda m: pd.Timestamp(f"1 {m} 2000").month)
    return (
        f"{plan.unserved_energy_mwh:,.0f} MWh of load cannot be served in {len(hours)} hours "
        f"({', '.join(months)}; worst {worst:%Y-%m-%d %H:00}, {hours.max():,.0f} MW short)"
    )
