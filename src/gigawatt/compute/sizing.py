"""Cluster sizing: accelerators → IT and facility power, energy, capital and operating cost.

Pure functions. Three ways in (the scenario's ``cluster`` gives exactly one):

- a count of catalog units;
- a power budget at the meter (MW, facility peak) → how many units fit;
- a training target (FLOP in days) → how many units finish it.

Power per unit at peak: ``IT = TDP + host + network + storage`` (catalog shares), ``facility = IT × PUE``.
Average draw: accelerators and hosts at ``average_to_tdp_ratio`` of their rating, network and storage at
their rated share. Every figure used is reported in :attr:`ClusterSizing.assumptions` with its source.

A chip without a price (none in the catalog, none in ``costs.accelerator_price_usd``) still gets its power, energy and
grid connection when the caller asks for them (``size(..., require_price=False)``, as ``gigawatt size`` does): the
capital figures and everything built on them are then ``None`` and :attr:`ClusterSizing.capital_note` says why.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from gigawatt import catalog
from gigawatt.core.errors import DataError, ScenarioError
from gigawatt.core.finance import capital_recovery_factor
from gigawatt.compute.scenario import Cluster
from gigawatt.core.inputs import Costs
from gigawatt.compute.scenario import Sized
from gigawatt.core.units import HOURS_PER_YEAR, SECONDS_PER_DAY, W_PER_MW

FLOP_PER_TFLOP = 1e12
REFERENCE_ACCELERATOR = "H100 SXM"  # H100-equivalents are counted in its dense BF16 FLOP/s


@dataclass(frozen=True)
class Assumption:
    """One figure used in sizing: value, unit and where it came from."""

    value: float | str
    unit: str
    source: str


@dataclass(frozen=True)
class ClusterSizing:
    """What a cluster draws and costs. Power in MW, energy in MWh/yr, money in USD (catalog dollar years)."""

    scenario: str
    accelerator: str
    vendor: str
    sizing_mode: str
    count: int
    accelerators_per_unit: int
    accelerator_count: int
    h100_equivalents: float
    peak_flop_per_s: float
    it_power_mw: float
    it_power_average_mw: float
    facility_power_mw: float
    average_power_mw: float
    pue: float
    annual_energy_mwh: float
    capex_usd: float | None  # None: no price for the accelerator (see capital_note)
    capex_breakdown_usd: dict[str, float]  # without a price only the parts that do not depend on it (building, cooling)
    annualised_capex_usd_per_year: float | None
    opex_usd_per_year: float
    opex_breakdown_usd_per_year: dict[str, float]
    total_cost_usd_per_year: float | None
    cost_usd_per_accelerator_hour: float | None
    cost_usd_per_useful_accelerator_hour: float | None
    delivered_flop_per_year: float
    cost_usd_per_1e24_flop: float | None
    training: dict[str, float | None] | None
    redundancy: str = "N"  # the electrical redundancy the campus is built to (cluster.redundancy)
    contracted_grid_mw: float = 0.0  # the grid connection to contract: the peak at the meter
    electrical_nameplate_mw: float = 0.0  # transformers, switchgear, UPS and generation installed for the peak with its redundancy
    assumptions: dict[str, Assumption] = field(default_factory=dict)
    capital_note: str | None = None  # why the capital figures are absent (no price) and how to give one; None when priced

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the stable ``--json`` form)."""
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """The numeric headline figures as a two-column table (quantity, value in the unit its name carries)."""
        rows = {k: float(v) for k, v in self.to_dict().items() if isinstance(v, int | float) and not isinstance(v, bool)}
        return pd.DataFrame({"quantity": list(rows), "value": list(rows.values())})

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Named tables: ``summary`` (quantity, value) and ``assumptions`` (name, value, unit, source)."""
        assumptions = pd.DataFrame([{"name": k, "value": str(a.value), "unit": a.unit, "source": a.source} for k, a in self.assumptions.items()])
        return {"summary": self.to_frame(), "assumptions": assumptions}


# scenario fields whose default is the assumptions.csv row of the same name
_CLUSTER_DEFAULTS = ("average_to_tdp_ratio", "model_flop_utilisation", "utilisation")
_COSTS_DEFAULTS = (
    "discount_rate", "it_lifetime_years", "facility_lifetime_years", "building_electrical_usd_per_mw_it",
    "liquid_cooling_premium_share", "maintenance_and_staff_usd_per_mw_it_year",
)


def unpriced_message(name: str) -> str:
    """Why a chip's capital figures are absent, and how to give its price."""
    return (f"costs.accelerator_price_usd: {name} has no public price in the catalog; "
            "set one, USD per accelerator (e.g. costs.accelerator_price_usd: 20000)")


def capital_absent_message(name: str) -> str:
    """The one message of a sizing without a price: what is left out, why, and how to add the price."""
    return (f"{name} has no public price in the catalog, so capital cost, annualised capital, total cost and the costs "
            "per accelerator-hour and per FLOP are left out (power, energy and the grid connection do not depend on it); "
            "set costs.accelerator_price_usd (USD per accelerator, e.g. 20000) to get them")


def resolve_assumptions(cluster: Cluster, costs: Costs, unit: pd.Series, *, require_price: bool = True) -> dict[str, Assumption]:
    """Every figure the sizing uses, from the scenario where given, else from the catalog. Without a price (none in
    the catalog or the scenario) ``unit_price_usd`` is left out, or with ``require_price`` a :class:`ScenarioError`."""
    table = catalog.assumptions().set_index("name")

    def pick(name: str, given: float | None, row_name: str | None = None) -> Assumption:
        row = table.loc[row_name or name]
        if given is not None:
            return Assumption(float(given), row["unit"], "scenario")
        return Assumption(float(row["value"]), row["unit"], row["source"])

    cooling = cluster.cooling or unit["cooling"]
    a: dict[str, Assumption] = {
        "cooling": Assumption(cooling, "air|liquid", "scenario" if cluster.cooling else f"catalog: usual cooling of {unit['name']}"),
        "pue": pick("pue", cluster.pue, f"pue_{cooling}"),
    }
    for model, names in ((cluster, _CLUSTER_DEFAULTS), (costs, _COSTS_DEFAULTS)):
        for name in names:
            a[name] = pick(name, getattr(model, name))
    if costs.electricity_price_usd_per_mwh is not None:
        a["electricity_price_usd_per_mwh"] = Assumption(costs.electricity_price_usd_per_mwh, "USD/MWh", "scenario")
    else:
        grid = catalog.technologies().set_index("technology").loc["grid_import"]
        a["electricity_price_usd_per_mwh"] = Assumption(
            float(grid["energy_price_usd_per_mwh"]), "USD/MWh", f"catalog technologies grid_import: {grid['source']}"
        )
    if costs.accelerator_price_usd is not None:
        a["unit_price_usd"] = Assumption(costs.accelerator_price_usd, "USD per unit", "scenario")
    elif _missing(unit["unit_price_usd"]):
        if require_price:
            raise ScenarioError(unpriced_message(str(unit["name"])))
    else:
        a["unit_price_usd"] = Assumption(float(unit["unit_price_usd"]), f"USD per unit ({unit['price_year']} USD)", f"catalog: {unit['source']}")
    for column, unit_label in (
        ("tdp_w", "W per unit"), ("host_power_w", "W per unit"), ("network_power_w", "W per unit"),
        ("storage_power_w", "W per unit"), (f"{cluster.precision}_dense_tflops", "TFLOP/s per unit"),
    ):
        if _missing(unit[column]):
            raise ScenarioError(f"cluster.precision: {unit['name']} has no {column} in the catalog; use precision: bf16")
        a[column] = Assumption(float(unit[column]), unit_label, f"catalog: {unit['source']}")
    for column in ("server_usd", "network_usd"):
        if "unit_price_usd" not in a:
            continue  # no price: no capital figures, so no server or network share either
        if _missing(unit[column]):
            # unpriced chips: the user's accelerator_price_usd is then the whole hardware cost per unit
            a[column] = Assumption(0.0, "USD per unit", "no public figure: included in costs.accelerator_price_usd")
        else:
            a[column] = Assumption(float(unit[column]), "USD per unit", f"catalog: {unit['source']}")
    return a


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _value(a: dict[str, Assumption], name: str) -> float:
    return float(a[name].value)


def unit_power_w(a: dict[str, Assumption]) -> tuple[float, float]:
    """Peak and average IT power of one catalog unit, W."""
    server_peak = _value(a, "tdp_w") + _value(a, "host_power_w")
    shared = _value(a, "network_power_w") + _value(a, "storage_power_w")
    return server_peak + shared, server_peak * _value(a, "average_to_tdp_ratio") + shared


def find_unit(name: str) -> pd.Series:
    """The catalog row for ``name``; an unknown name is a :class:`ScenarioError` on cluster.accelerator."""
    try:
        return catalog.accelerator(name)
    except DataError as exc:
        raise ScenarioError(f"cluster.accelerator: {exc}") from None


def redundancy_factor(redundancy: str, blocks: int | None) -> float:
    """Installed electrical capacity over the peak it serves: N 1, N+1 with ``blocks`` carrying the peak
    (blocks + 1) / blocks, 2N 2 (Uptime Institute, Tier Standard: Topology, 2018: Tier III is concurrently
    maintainable with N+1 components, Tier IV fault tolerant with 2N distribution)."""
    if redundancy == "2N":
        return 2.0
    if redundancy == "N+1":
        if blocks is None:
            raise ScenarioError("cluster.redundancy_blocks: N+1 needs the number of power blocks that carry the peak (e.g. 4 for a 4+1 design)")
        return (blocks + 1) / blocks
    return 1.0


def size(scenario: Sized, *, require_price: bool = True) -> ClusterSizing:
    """Size the scenario's cluster: power, energy, capital and operating cost, cost per hour and per FLOP.

    A chip with no price raises :class:`ScenarioError` on costs.accelerator_price_usd, unless ``require_price`` is
    False: then power, energy and the grid connection are given and the capital figures (and the totals and unit costs
    built on them) are ``None``, with :attr:`ClusterSizing.capital_note` saying why."""
    cluster, costs = scenario.cluster, scenario.costs
    unit = find_unit(cluster.accelerator)
    a = resolve_assumptions(cluster, costs, unit, require_price=require_price)
    priced = "unit_price_usd" in a
    pue = _value(a, "pue")
    it_peak_w, it_average_w = unit_power_w(a)
    flop_per_s = _value(a, f"{cluster.precision}_dense_tflops") * FLOP_PER_TFLOP
    mfu, utilisation = _value(a, "model_flop_utilisation"), _value(a, "utilisation")

    training: dict[str, float] | None = None
    if cluster.count is not None:
        mode, count = "count", cluster.count
    elif cluster.power_mw is not None:
        mode = "power"
        count = math.floor(cluster.power_mw * W_PER_MW / (it_peak_w * pue))
        if count < 1:
            raise ScenarioError(
                f"cluster.power_mw: {cluster.power_mw:g} MW does not fit one {unit['name']} "
                f"({it_peak_w * pue / W_PER_MW:.4f} MW at the meter); raise it"
            )
    else:
        assert cluster.training is not None
        mode = "training"
        seconds = cluster.training.days * SECONDS_PER_DAY
        count = max(1, math.ceil(cluster.training.flop / (flop_per_s * mfu * utilisation * seconds)))

    per_unit = int(unit["accelerators_per_unit"])
    it_mw = count * it_peak_w / W_PER_MW
    it_average_mw = count * it_average_w / W_PER_MW
    facility_mw, average_mw = it_mw * pue, it_average_mw * pue
    energy_mwh = average_mw * HOURS_PER_YEAR

    building_usd = it_mw * _value(a, "building_electrical_usd_per_mw_it")
    cooling_share = _value(a, "liquid_cooling_premium_share") if a["cooling"].value == "liquid" else 0.0
    facility = {"building_electrical_usd": building_usd, "cooling_usd": building_usd * cooling_share}
    it = {
        "accelerators_usd": count * _value(a, "unit_price_usd"),
        "servers_usd": count * _value(a, "server_usd"),
        "network_and_storage_usd": count * _value(a, "network_usd"),
    } if priced else {}
    capex = {**it, **facility}
    rate = _value(a, "discount_rate")
    annualised = sum(it.values()) * capital_recovery_factor(rate, _value(a, "it_lifetime_years")) + sum(facility.values()) * capital_recovery_factor(
        rate, _value(a, "facility_lifetime_years")
    ) if priced else None
    opex = {
        "energy_usd": energy_mwh * _value(a, "electricity_price_usd_per_mwh"),
        "maintenance_and_staff_usd": it_mw * _value(a, "maintenance_and_staff_usd_per_mw_it_year"),
    }
    total_per_year = annualised + sum(opex.values()) if annualised is not None else None
    accelerator_count = count * per_unit
    accelerator_hours = accelerator_count * HOURS_PER_YEAR
    delivered_flop = count * flop_per_s * mfu * utilisation * HOURS_PER_YEAR * 3600.0

    def per(denominator: float) -> float | None:
        return total_per_year / denominator if total_per_year is not None else None

    if mode == "training":
        assert cluster.training is not None
        run_hours = cluster.training.days * 24.0
        training = {
            "flop": cluster.training.flop,
            "days": cluster.training.days,
            "energy_mwh": average_mw * run_hours,
            "cost_usd": per(HOURS_PER_YEAR / run_hours),
        }

    reference = catalog.accelerator(REFERENCE_ACCELERATOR)
    h100e = count * float(unit["bf16_dense_tflops"]) / float(reference["bf16_dense_tflops"])
    return ClusterSizing(
        scenario=scenario.name,
        accelerator=str(unit["name"]),
        vendor=str(unit["vendor"]),
        sizing_mode=mode,
        count=int(count),
        accelerators_per_unit=per_unit,
        accelerator_count=int(accelerator_count),
        h100_equivalents=h100e,
        peak_flop_per_s=count * flop_per_s,
        it_power_mw=it_mw,
        it_power_average_mw=it_average_mw,
        facility_power_mw=facility_mw,
        average_power_mw=average_mw,
        redundancy=cluster.redundancy, contracted_grid_mw=facility_mw,
        electrical_nameplate_mw=facility_mw * redundancy_factor(cluster.redundancy, cluster.redundancy_blocks),
        pue=pue,
        annual_energy_mwh=energy_mwh,
        capex_usd=sum(capex.values()) if priced else None,
        capex_breakdown_usd=capex,
        annualised_capex_usd_per_year=annualised,
        opex_usd_per_year=sum(opex.values()),
        opex_breakdown_usd_per_year=opex,
        total_cost_usd_per_year=total_per_year,
        cost_usd_per_accelerator_hour=per(accelerator_hours),
        cost_usd_per_useful_accelerator_hour=per(accelerator_hours * utilisation),
        delivered_flop_per_year=delivered_flop,
        cost_usd_per_1e24_flop=per(delivered_flop / 1e24),
        training=training,
        assumptions=a,
        capital_note=None if priced else capital_absent_message(str(unit["name"])),
    )
