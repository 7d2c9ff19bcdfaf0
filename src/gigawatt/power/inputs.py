"""The site plan's inputs as plain data: supply options with annualised costs and the hourly series.

Capital is annualised in one place (:func:`gigawatt.core.finance.capital_recovery_factor`); costs are per MW
(or MWh) and year, marginal costs per MWh. Nothing here imports the optimisation stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gigawatt.core.errors import ScenarioError
from gigawatt.core.finance import capital_recovery_factor
from gigawatt.power.flexibility import Flexibility
from gigawatt.core.units import HOURS_PER_YEAR, KW_PER_MW

UNSERVED = "unserved"  # the penalised slack generator of a plan that may leave load unserved
COMMITMENT_FIELDS = ("unit_mw", "min_stable_share", "start_cost_usd_per_mw", "min_up_hours", "min_down_hours", "heat_rate_at_min_share",
                     "start_fuel_mmbtu_per_mw")


@dataclass(frozen=True)
class Commitment:
    """Committable units of a fuelled option (:mod:`gigawatt.power.lp`): ``form`` is ``linear`` (units
    committed and started are continuous, PyPSA's linearised unit commitment) or ``integer`` (whole units,
    a MIP). The part-load heat rate is a straight fuel line through full load and minimum stable output:
    fuel = no-load fuel × MW committed + incremental heat rate × MW generated; the option's marginal cost
    and CO2 per MWh are then the incremental ones, and ``no_load_*`` are per MW committed and hour.

    A start costs ``start_cost_usd_per_mw`` (wear: Kumar et al. 2012, catalog unit_commitment) plus its fuel,
    ``start_fuel_usd_per_mw`` (MMBtu per MW started × the option's fuel price), per MW of unit started; the
    fuel's CO2 is ``start_co2_t_per_mw``."""

    form: str
    unit_mw: float
    min_stable_share: float
    start_cost_usd_per_mw: float
    min_up_hours: float
    min_down_hours: float
    heat_rate_at_min_share: float  # heat rate at minimum stable output / heat rate at full load
    no_load_usd_per_mw_h: float = 0.0
    no_load_co2_t_per_mw_h: float = 0.0
    start_fuel_usd_per_mw: float = 0.0
    start_co2_t_per_mw: float = 0.0

    @property
    def start_usd_per_mw(self) -> float:
        """What a start costs per MW of unit started, USD/MW: wear plus start fuel."""
        return self.start_cost_usd_per_mw + self.start_fuel_usd_per_mw

    @staticmethod
    def no_load_share(min_share: float, ratio: float) -> float:
        """Share of full-load fuel burnt per MW committed whatever the output: m (r - 1) / (1 - m)."""
        return min_share * (ratio - 1.0) / (1.0 - min_share) if min_share < 1 else 0.0


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
    commitment: Commitment | None = None  # committable units (supply.limits.<id>.commitment); None: continuous
    available_from: str | None = None  # YYYY-MM: the first month it may be built (catalog or supply.limits.<id>.available_from); None: now
    duration_hours: float | None = None  # storage whose energy is tied to its power: e_nom = hours × p_nom; None: sized apart

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
    # hourly marginal cost of options whose fuel price moves through the year (a gas hub's monthly prices)
    fuel_marginal_usd_per_mwh: dict[str, pd.Series] = field(default_factory=dict)
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
    # what reading the inputs found for the user to see (plausibility checks waived, a load far from the
    # cluster's power): the result's messages; the model does not read them
    notes: tuple[str, ...] = ()

    def marginal_usd_per_mwh(self, name: str) -> float | pd.Series:
        """An option's cost per MWh delivered: the hourly grid price or fuel series where given, else its flat figure."""
        option = self.options[name]
        if option.kind == "grid" and self.grid_price_usd_per_mwh is not None:
            return self.grid_price_usd_per_mwh
        return self.fuel_marginal_usd_per_mwh.get(name, option.marginal_usd_per_mwh)

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
            infinite = np.isinf(s.to_numpy(dtype=float))
            if infinite.any():
                raise ScenarioError(f"{name}: has an infinite value at {s.index[infinite.argmax()]}; give a finite number")
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
    marginal = number("vom_usd_per_mwh") + fuel_usd_per_mwh + energy_price
    co2 = number("co2_t_per_mwh")
    commitment = None
    if data.get("commitment") not in (None, "none"):
        commitment = _commitment(data, number("fuel_price_usd_per_mmbtu"), number("heat_rate_mmbtu_per_mwh"), co2)
        no_load = Commitment.no_load_share(commitment.min_stable_share, commitment.heat_rate_at_min_share)
        marginal -= fuel_usd_per_mwh * no_load  # the incremental heat rate's fuel
        co2 *= 1.0 - no_load
    return SupplyOption(
        technology=str(data["technology"]),
        kind=str(data["kind"]),
        capital_usd_per_mw_year=capital,
        marginal_usd_per_mwh=marginal,
        co2_t_per_mwh=co2,
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
        commitment=commitment,
        available_from=_month(data.get("available_from")),
        duration_hours=None if data["kind"] != "storage" or pd.isna(data.get("duration_hours", np.nan)) else float(data["duration_hours"]),
    )


def _month(value: object) -> str | None:
    """A YYYY-MM cell or override, None where empty (a loaded table may hold an empty cell as None or NaN)."""
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _commitment(data: dict, fuel_usd_per_mmbtu: float, heat_rate_mmbtu_per_mwh: float, co2_t_per_mwh: float) -> Commitment:
    """The :class:`Commitment` of a catalog row: the unit_commitment catalog's figures under the scenario's
    overrides; start fuel (MMBtu/MW) is priced at the option's fuel price and emits the fuel's CO2 per MMBtu."""
    from gigawatt import catalog

    tech = str(data["technology"])
    table = catalog.unit_commitment().set_index("technology")
    if tech not in table.index:
        raise ScenarioError(f"supply.limits.{tech}.commitment: {tech} has no committable units in the catalog; "
                            f"choose from {', '.join(table.index)} or set commitment: none")
    figures = {**table.loc[tech].to_dict(), **{k: data[k] for k in COMMITMENT_FIELDS if data.get(k) is not None}}
    m, ratio = float(figures["min_stable_share"]), float(figures["heat_rate_at_min_share"])
    if ratio * m >= 1.0:
        raise ScenarioError(f"supply.limits.{tech}.min_stable_share: {m:g} with a heat rate {ratio:g}x full load at that output "
                            "burns as much fuel as full load; lower min_stable_share")
    no_load = Commitment.no_load_share(m, ratio)
    fuel_usd_per_mwh = fuel_usd_per_mmbtu * heat_rate_mmbtu_per_mwh
    start_fuel = figures.get("start_fuel_mmbtu_per_mw")
    start_fuel = 0.0 if start_fuel is None or pd.isna(start_fuel) else float(start_fuel)
    co2_t_per_mmbtu = co2_t_per_mwh / heat_rate_mmbtu_per_mwh if heat_rate_mmbtu_per_mwh > 0 else 0.0
    return Commitment(
        form=str(data["commitment"]), unit_mw=float(figures["unit_mw"]), min_stable_share=m,
        start_cost_usd_per_mw=float(figures["start_cost_usd_per_mw"]), min_up_hours=float(figures["min_up_hours"]),
        min_down_hours=float(figures["min_down_hours"]), heat_rate_at_min_share=ratio,
        no_load_usd_per_mw_h=fuel_usd_per_mwh * no_load, no_load_co2_t_per_mw_h=co2_t_per_mwh * no_load,
        start_fuel_usd_per_mw=start_fuel * fuel_usd_per_mmbtu, start_co2_t_per_mw=start_fuel * co2_t_per_mmbtu,
    )
