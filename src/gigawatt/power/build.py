"""Build the site supply model: hourly series and supply options → a PyPSA network (never solves).

One bus, ``site``, carries the cluster load. Every allowed option from the technologies catalog becomes
an extendable component: generators (solar, wind, gas, fuel cells, nuclear, diesel), a grid import
whose size pays the demand charge, and a Li-ion battery whose power (charge/discharge links) and energy
(a store) are sized separately. A costly ``unserved`` generator keeps every model feasible, so that a
shortfall can be explained hour by hour instead of "infeasible".

Capital is annualised in one place (:func:`gigawatt.compute.capital_recovery_factor`); costs are per MW
(or MWh) and year, marginal costs per MWh.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pypsa

from gigawatt.errors import ScenarioError
from gigawatt.finance import capital_recovery_factor
from gigawatt.power.flexibility import CAP_PREFIX, PAUSE, Flexibility
from gigawatt.units import HOURS_PER_YEAR, KW_PER_MW

SITE_BUS = "site"
BATTERY_BUS = "battery"
UNSERVED = "unserved"

pypsa.options.api.legacy_string_dtype = True  # keep PyPSA 1.x behaviour explicitly (silences its warning)
logging.getLogger("pypsa").setLevel(logging.WARNING)
logging.getLogger("linopy").setLevel(logging.WARNING)


@dataclass(frozen=True)
class SupplyOption:
    """One supply option with annualised costs: USD/MW-yr (and USD/MWh-yr for storage energy)."""

    technology: str
    kind: str
    capital_usd_per_mw_year: float
    marginal_usd_per_mwh: float
    co2_t_per_mwh: float
    max_mw: float = np.inf
    min_mw: float = 0.0
    energy_capital_usd_per_mwh_year: float = 0.0
    efficiency: float = 1.0
    availability: float = 1.0  # 1 - forced-outage rate: the firm share of capacity
    lead_time_months: float = 0.0
    max_hours_per_year: float | None = None
    capex_usd_per_mw: float = 0.0  # overnight, for a capital budget
    capex_usd_per_mwh: float = 0.0  # overnight storage energy
    land_m2_per_mw: float = 0.0

    @property
    def carbon_free(self) -> bool:
        """Generates without CO2 on site (solar, wind, nuclear); grid imports and storage are not sources of it."""
        return self.co2_t_per_mwh == 0 and self.kind not in ("grid", "storage")


@dataclass(frozen=True)
class PlanInputs:
    """Everything the model needs, as plain data: hourly series (MW or per-unit) and the options."""

    load_mw: pd.Series
    options: dict[str, SupplyOption]
    capacity_factor: dict[str, pd.Series] = field(default_factory=dict)  # per-unit availability of variable options
    grid_price_usd_per_mwh: pd.Series | None = None
    grid_co2_t_per_mwh: pd.Series | None = None
    value_of_lost_load_usd_per_mwh: float | None = 10_000.0  # None: every hour must be served (no slack)
    co2_cap_t_per_year: float | None = None
    carbon_free_share: float | None = None
    carbon_free_share_hourly: float | None = None  # 24/7: clean energy matched to the load hour by hour
    capex_budget_usd: float | None = None  # overnight capital of everything built
    land_m2: float | None = None  # land available for what is built
    reserve_margin: float | None = None  # firm capacity ≥ (1 + margin) × peak load
    flexibility: Flexibility | None = None  # None: the cluster draws its load every hour
    # hours each snapshot stands for (time segments of a screening run, :mod:`gigawatt.power.aggregate`);
    # None: every snapshot is one hour. Energies and costs are Σ weight × MW; capacities stay MW.
    snapshot_weightings_h: pd.Series | None = None

    @property
    def modelled_hours(self) -> float:
        """Hours the snapshots stand for: their count, or the sum of their weightings."""
        if self.snapshot_weightings_h is None:
            return float(len(self.load_mw))
        return float(self.snapshot_weightings_h.sum())

    def hours_each(self) -> pd.Series:
        """Hours each snapshot stands for (ones when unweighted), on the load's index."""
        if self.snapshot_weightings_h is None:
            return pd.Series(1.0, index=self.load_mw.index)
        return self.snapshot_weightings_h.astype(float)

    def energy_mwh(self, series_mw: pd.Series) -> float:
        """Σ_t weight_t × series_t: MWh of an MW series over the modelled hours (a plain sum when unweighted)."""
        if self.snapshot_weightings_h is None:
            return float(series_mw.sum())
        return float((series_mw * self.snapshot_weightings_h.to_numpy()).sum())

    def firm_options(self) -> dict[str, SupplyOption]:
        """The options that count towards firm capacity: neither storage nor weather- or curtailment-driven
        (an option with an hourly capacity factor, a curtailable grid included, is not there in the worst hour)."""
        return {name: o for name, o in self.options.items() if o.kind != "storage" and name not in self.capacity_factor}

    def check(self) -> None:
        """Refuse misaligned or invalid series (linopy aligns silently; we do not)."""
        index = self.load_mw.index
        if not isinstance(index, pd.DatetimeIndex) or len(index) == 0:
            raise ScenarioError("load: the hourly load needs a non-empty DatetimeIndex")
        series = {"load_mw": self.load_mw, **{f"{k} capacity factor": v for k, v in self.capacity_factor.items()}}
        if self.grid_price_usd_per_mwh is not None:
            series["grid price"] = self.grid_price_usd_per_mwh
        if self.grid_co2_t_per_mwh is not None:
            series["grid CO2"] = self.grid_co2_t_per_mwh
        for name, s in series.items():
            if not s.index.equals(index):
                raise ScenarioError(f"{name}: its {len(s)} hours do not line up with the load's {len(index)}; give the same hourly index")
            if s.isna().any():
                raise ScenarioError(f"{name}: has missing values (first at {s.index[s.isna().argmax()]}); fill them")
            if (s < 0).any() and name != "grid price":  # market prices do go negative (ERCOT, CAISO)
                raise ScenarioError(f"{name}: has negative values (first at {s.index[(s < 0).argmax()]}); values must be >= 0")
        weights = self.snapshot_weightings_h
        if weights is not None:
            if not weights.index.equals(index):
                raise ScenarioError(f"snapshot_weightings_h: its {len(weights)} snapshots do not line up with the load's {len(index)}; give one weight per snapshot")
            bad = ~np.isfinite(weights.to_numpy(dtype=float)) | (weights.to_numpy(dtype=float) <= 0)
            if bad.any():
                raise ScenarioError(f"snapshot_weightings_h: {weights.iloc[bad.argmax()]!r} at {index[bad.argmax()]} is not a positive number of hours; every snapshot must stand for > 0 hours")


def annualised_capital(capex_usd_per_kw: float, fom_usd_per_kw_year: float, lifetime_years: float, discount_rate: float) -> float:
    """Annual cost of 1 MW of capacity, USD/MW-yr: capital annuity plus fixed O&M."""
    return KW_PER_MW * (capex_usd_per_kw * capital_recovery_factor(discount_rate, lifetime_years) + fom_usd_per_kw_year)


def build_network(inputs: PlanInputs) -> pypsa.Network:
    """The PyPSA network of the site; extra constraints are added by :func:`gigawatt.power.solve.solve`."""
    inputs.check()
    index = inputs.load_mw.index
    n = pypsa.Network()
    n.set_snapshots(index)
    if inputs.snapshot_weightings_h is not None:  # objective, generators and stores alike
        n.snapshot_weightings = inputs.snapshot_weightings_h.astype(float)
    n.add("Carrier", ["electricity", "battery", UNSERVED])
    n.add("Bus", SITE_BUS, carrier="electricity", unit="MW")
    n.add("Load", "cluster", bus=SITE_BUS, p_set=inputs.load_mw)
    # capacity costs are per year: charge the share of the year the snapshots stand for (results do the same)
    year_share = inputs.modelled_hours / HOURS_PER_YEAR
    for name, option in inputs.options.items():
        _define_option(n, name, option, inputs, year_share)
    if inputs.flexibility is not None:
        _define_flexibility(n, inputs.load_mw, inputs.flexibility)
    serve_all = inputs.value_of_lost_load_usd_per_mwh is None
    n.add(
        "Generator", UNSERVED, bus=SITE_BUS, carrier=UNSERVED, p_nom=0.0 if serve_all else float(inputs.load_mw.max()),
        marginal_cost=0.0 if serve_all else inputs.value_of_lost_load_usd_per_mwh,
    )
    return n


def _define_flexibility(n: pypsa.Network, load_mw: pd.Series, flex: Flexibility) -> None:
    """Capping segments and pausing as generators of 'negative load' at the site bus, priced at the compute lost."""
    peak_mw = float(load_mw.max())
    n.add("Carrier", "flexibility")
    for k, segment in enumerate(flex.segments, start=1):
        n.add("Generator", f"{CAP_PREFIX}{k}", bus=SITE_BUS, carrier="flexibility", p_nom=peak_mw,
              p_max_pu=segment.width * flex.accelerator_share * load_mw / peak_mw,
              marginal_cost=flex.cap_cost_usd_per_mwh(segment))
    n.add("Generator", PAUSE, bus=SITE_BUS, carrier="flexibility", p_nom=peak_mw,
          p_max_pu=(1.0 - flex.paused_load_share) * load_mw / peak_mw, marginal_cost=flex.pause_cost_usd_per_mwh())


def _define_option(n: pypsa.Network, name: str, option: SupplyOption, inputs: PlanInputs, year_share: float) -> None:
    if name not in n.carriers.index:
        # tCO2 per MWh of the carrier's output, as PyPSA's statistics and a user's own GlobalConstraint read it
        # (a grid with an hourly intensity series carries its flat catalog or scenario figure here)
        n.add("Carrier", name, co2_emissions=option.co2_t_per_mwh if option.kind != "storage" else 0.0, nice_name=name.replace("_", " "))
    common = dict(
        p_nom_extendable=True, p_nom_min=option.min_mw, p_nom_max=option.max_mw,
    )
    if option.kind == "storage":
        root_efficiency = float(np.sqrt(option.efficiency))  # round trip split evenly between charge and discharge
        n.add("Bus", BATTERY_BUS, carrier="battery", unit="MW")
        n.add("Store", name, bus=BATTERY_BUS, carrier=name, e_nom_extendable=True, e_cyclic=True,
              capital_cost=year_share * option.energy_capital_usd_per_mwh_year)
        n.add("Link", f"{name}_charge", bus0=SITE_BUS, bus1=BATTERY_BUS, carrier=name,
              efficiency=root_efficiency, capital_cost=year_share * option.capital_usd_per_mw_year, **common)
        # the same inverter discharges: its size is tied to the charge link's in solve.define_battery_power
        n.add("Link", f"{name}_discharge", bus0=BATTERY_BUS, bus1=SITE_BUS, carrier=name,
              efficiency=root_efficiency, **common)
        return
    marginal = option.marginal_usd_per_mwh
    if option.kind == "grid" and inputs.grid_price_usd_per_mwh is not None:
        marginal = inputs.grid_price_usd_per_mwh
    attrs = dict(bus=SITE_BUS, carrier=name, capital_cost=year_share * option.capital_usd_per_mw_year, marginal_cost=marginal, **common)
    if name in inputs.capacity_factor:
        attrs["p_max_pu"] = inputs.capacity_factor[name]
    elif option.kind == "contract":
        # a firm block bought from a plant, paid for whether used or not (in its fixed cost); unused hours spill
        attrs["p_max_pu"] = option.availability
    n.add("Generator", name, **attrs)


def supply_option(row: pd.Series, discount_rate: float, **override: float) -> SupplyOption:
    """A :class:`SupplyOption` from one technologies-catalog row; ``override`` replaces catalog columns
    (``capex_usd_per_kw``, ``fuel_price_usd_per_mmbtu``, ...) or sets ``min_mw``/``max_mw``."""
    data = {**row.to_dict(), **{k: v for k, v in override.items() if v is not None}}

    def number(key: str) -> float:
        value = data.get(key)
        return 0.0 if value is None or pd.isna(value) else float(value)

    fuel_usd_per_mwh = number("fuel_price_usd_per_mmbtu") * number("heat_rate_mmbtu_per_mwh")
    energy_price = number("energy_price_usd_per_mwh")
    availability = 1.0 - number("forced_outage_rate")
    capital = annualised_capital(number("capex_usd_per_kw"), number("fom_usd_per_kw_year"), number("lifetime_years"), discount_rate)
    if data["kind"] == "contract":
        # take-or-pay: the block's energy at its availability is paid every hour of the year, used or not
        capital += energy_price * availability * HOURS_PER_YEAR
        energy_price = 0.0
    return SupplyOption(
        technology=str(data["technology"]),
        kind=str(data["kind"]),
        capital_usd_per_mw_year=capital,
        marginal_usd_per_mwh=number("vom_usd_per_mwh") + fuel_usd_per_mwh + energy_price,
        co2_t_per_mwh=number("co2_t_per_mwh"),
        max_mw=float(data.get("max_mw", np.inf) if data.get("max_mw") is not None else np.inf),
        min_mw=float(data.get("min_mw") or 0.0),
        energy_capital_usd_per_mwh_year=annualised_capital(number("capex_usd_per_kwh"), 0.0, number("lifetime_years"), discount_rate),
        efficiency=number("efficiency") or 1.0,
        availability=availability,
        lead_time_months=number("lead_time_months"),
        max_hours_per_year=data.get("max_hours_per_year"),
        capex_usd_per_mw=KW_PER_MW * number("capex_usd_per_kw"),
        capex_usd_per_mwh=KW_PER_MW * number("capex_usd_per_kwh"),
        land_m2_per_mw=KW_PER_MW * number("land_m2_per_kw"),
    )
