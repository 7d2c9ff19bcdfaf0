"""A campus's pro forma from its plan: the cluster's capital (sizing) and the supply the plan built, as asset
classes with their tax treatment, yearly running costs from the plan's dispatch, and accelerator-hours to sell.

:func:`campus_finance` resolves the scenario's ``finance:`` section against the catalog (every default sourced
in ``catalog/finance.csv`` or ``assumptions.csv``), then runs two pro formas on the same settings:

- the **campus** (cluster + supply), priced per accelerator-hour: its break-even price is the revenue an
  accelerator-hour must earn for equity to reach its target return;
- the **supply** alone (plant, storage, grid connection and purchases), over the energy the campus uses: its
  LCOE (SAM's definition, nominal and real) is the electricity's cost.

Reads the plan's JSON form (``Result.data``) and the sizing's, so a stored plan gives the same pro forma.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError
from gigawatt.core.results import json_safe
from gigawatt.core.units import HOURS_PER_YEAR, KW_PER_MW, MONTHS_PER_YEAR, months_between
from gigawatt.project_finance.proforma import AssetClass, ProForma, ProFormaInputs, Revenue, pro_forma
from gigawatt.project_finance.scenario import Credit, Depreciation, Finance

# The cluster's capital in the sizing (compute.sizing capex_breakdown_usd) by asset class, and how each is
# depreciated: IT equipment is 5-year property (IRS Pub 946 Table B-1, asset class 00.12: computers and
# peripherals); the building with its electrical and cooling plant is nonresidential real property (39-year
# straight line, §168(c)), of which these are structural components.
IT_CLASSES = {"accelerators_usd": "accelerators", "servers_usd": "servers", "network_and_storage_usd": "networking"}
BUILDING_CLASSES = {"building_electrical_usd": "building_electrical", "cooling_usd": "cooling"}
# Each supply technology's recovery class in catalog/finance.csv (IRS Pub 946 Table B-2 and §168(e)(3)(B)(vi))
RECOVERY_CLASS = {"generator:solar": "recovery_years_clean_energy_property", "generator:wind": "recovery_years_clean_energy_property",
                  "storage:electricity": "recovery_years_clean_energy_property",
                  "generator:gas": "recovery_years_combustion_turbine_plant",
                  "grid:electricity": "recovery_years_transmission_plant"}
CREDIT_CARRIERS_CUT_SHORT = ("solar", "wind")  # P.L. 119-21 ends §48E/§45Y for wind and solar years before other clean power
PHASE_OUT_YEARS = (2034, 2035, 2036)  # construction-start years of the catalog's credit_phaseout_share_construction_YYYY rows
COMBINED_CYCLE = "gas_cc"  # combined-cycle plant is asset class 49.13, not 49.15 (combustion turbines)
GRID = "grid_import"


@dataclass
class CampusFinance:
    """The campus's pro forma and its supply's, with the settings they were run on (every default resolved)."""

    scenario: str
    finance: dict[str, Any]  # the resolved finance section
    accelerators: int
    accelerator_hours_per_year: float
    energy_mwh_per_year: float
    capital_usd: dict[str, float]  # by asset class, at financial close
    campus: ProForma
    supply: ProForma
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Figures as JSON-safe values: the two pro formas' metrics, their tables as lists of records."""
        return json_safe({
            "scenario": self.scenario, "finance": self.finance, "accelerators": self.accelerators,
            "accelerator_hours_per_year": self.accelerator_hours_per_year, "energy_mwh_per_year": self.energy_mwh_per_year,
            "capital_usd": self.capital_usd, "campus": self.campus.to_dict(), "supply": self.supply.to_dict(),
        })

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """``cash_flows`` and ``sources_and_uses`` of the campus, ``supply_cash_flows`` of the supply alone."""
        return {"cash_flows": self.campus.cash_flows, "sources_and_uses": self.campus.sources_and_uses,
                "supply_cash_flows": self.supply.cash_flows}


def resolve(finance: Finance) -> Finance:
    """``finance`` with every default the catalog gives filled in: target return, tax rate, debt rate,
    accelerator life (catalog it_lifetime_years) and battery life (the battery row's lifetime). Bonus
    depreciation stays as given: the catalog's 100% applies only to property acquired after its date, which a
    plan does not state; set ``depreciation.<class>.bonus_share`` to claim it."""
    changes: dict[str, Any] = {}
    if finance.target_equity_return_per_year is None:
        changes["target_equity_return_per_year"] = catalog.finance_default("equity_return_nominal")
    if finance.income_tax_rate is None:
        changes["income_tax_rate"] = catalog.finance_default("combined_corporate_tax_rate_us_average")
    if finance.debt is not None and finance.debt.interest_rate_per_year is None:
        changes["debt"] = finance.debt.model_copy(update={"interest_rate_per_year": catalog.finance_default("debt_interest_rate_nominal")})
    if finance.accelerator_life_years is None:
        changes["accelerator_life_years"] = catalog.assumption("it_lifetime_years")
    if finance.battery_life_years is None:
        changes["battery_life_years"] = float(catalog.technologies().set_index("technology").at["battery_li_ion", "lifetime_years"])
    return finance.model_copy(update=changes)  # fields the scenario left out stay unset: credits and degradation default on the plan


def _check_ppa(price_usd_per_mwh: float, plan: dict[str, Any]) -> None:
    """A PPA price below what the plan's own supply spends on each MWh it makes (fuel and variable O&M) is no
    seller's price: refused naming the field."""
    own = [tech for tech in plan["capacity_mw"] if tech != GRID]
    made_mwh = sum(float(plan["energy_mwh"].get(tech, 0.0)) for tech in own)
    if made_mwh <= 0:
        return
    marginal = sum(float(plan["cost_usd_per_year"].get(f"{tech}_energy", 0.0)) for tech in own) / made_mwh
    if price_usd_per_mwh < marginal:
        raise ScenarioError(f"finance.ppa.price_usd_per_mwh {price_usd_per_mwh:g} is below the plan's marginal cost of its own supply, "
                            f"{marginal:,.2f} USD/MWh (fuel and variable O&M): no seller covers it; give at least {marginal:,.2f}")


def default_credits(scenario: Any, finance: Finance, built: list[str]) -> tuple[dict[str, Credit], list[str]]:
    """The credits of the pro forma: the scenario's ``finance.credits`` where it gives them (``{}`` for none), else the
    IRC §48E investment credit a US project may claim on each zero-emission generator and storage the plan built,
    at the full rate (prevailing wage and apprenticeship met), with construction taken to begin in the scenario's
    ``start`` month: wind and solar only if that is by the catalog's wind_solar_begin_construction_by date
    (P.L. 119-21), other clean power in full until credit_full_if_construction_begins_by, then the catalog's
    phase-out shares. Returns the credits and a message saying what was assumed."""
    if "credits" in finance.model_fields_set:
        return dict(finance.credits), []
    table = catalog.technologies().set_index("technology")
    begins = date.fromisoformat(f"{scenario.start}-01")
    full = catalog.finance_default("itc_48e_full_rate")
    credits: dict[str, Credit] = {}
    left_out: list[str] = []
    for tech in built:
        row = table.loc[tech]
        if row["kind"] not in ("generator", "storage") or float(row["co2_t_per_mwh"] or 0) > 0:
            continue
        share = full
        if row["carrier"] in CREDIT_CARRIERS_CUT_SHORT:
            if begins > catalog.finance_date("wind_solar_begin_construction_by"):
                left_out.append(tech)
                continue
        elif begins > catalog.finance_date("credit_full_if_construction_begins_by"):
            year = min(max(begins.year, PHASE_OUT_YEARS[0]), PHASE_OUT_YEARS[-1])
            share = full * catalog.finance_default(f"credit_phaseout_share_construction_{year}")
        if share > 0:
            credits[tech] = Credit(kind="investment", investment_share=share)
    notes = []
    if credits:
        notes.append(f"credits: the IRC 48E investment credit on {', '.join(f'{t} ({c.investment_share:.0%})' for t, c in credits.items())}, "
                     f"at the full rate (prevailing wage and apprenticeship met) with construction from start {scenario.start}; "
                     "give finance.credits to change them ({} for none)")
    if left_out:
        notes.append(f"credits: none on {', '.join(left_out)}: wind and solar must begin construction by "
                     f"{catalog.finance_date('wind_solar_begin_construction_by')} (P.L. 119-21) and start is {scenario.start}")
    return credits, notes


def _depreciation(finance: Finance, name: str, default: Depreciation | None) -> Depreciation:
    given = finance.depreciation.get(name)
    if given is not None:
        return given
    if default is None:
        raise ScenarioError(f"finance.depreciation.{name}: the catalog has no recovery class for {name}; give one, "
                            f"e.g. finance.depreciation.{name}: {{method: macrs_15}}")
    return default


def _macrs(key: str) -> Depreciation:
    years = int(catalog.finance_default(key))
    return Depreciation(method=f"macrs_{years}") if years <= 20 else Depreciation(method="straight_line", straight_line_years=years)


def _supply_class(tech: str, row: pd.Series) -> Depreciation | None:
    if tech == COMBINED_CYCLE:
        return _macrs("recovery_years_steam_and_combined_cycle_plant")
    key = RECOVERY_CLASS.get(f"{row['kind']}:{row['carrier']}")
    return _macrs(key) if key else None


def _limit(scenario: Any, tech: str, name: str, row: pd.Series) -> float:
    """A supply figure as the plan used it: the scenario's supply.limits override, else the catalog row's."""
    limits = scenario.supply.limits.get(tech)
    value = getattr(limits, name, None) if limits is not None else None
    if value is None:
        value = row.get(name)
    return 0.0 if value is None or pd.isna(value) else float(value)


@dataclass(frozen=True)
class _Period:
    """One period of the plan as the pro forma reads it: when it starts (years after the first), the cluster's
    sizing, and the supply's capacity, builds, yearly costs and energy (the plan's JSON form)."""

    start_years: float
    sizing: dict[str, Any]
    plan: dict[str, Any]  # capacity_mw, built_mw, built_mwh, cost_usd_per_year, energy_mwh, load_mwh, ...


def _stores_mwh(capacity_mw: dict[str, float], storage_mwh: float) -> dict[str, float]:
    """MWh of each store of a single plan from its total: a store of fixed duration (catalog duration_hours, the
    100-hour iron-air battery) holds its hours times its MW, the store sized freely holds the rest."""
    table = catalog.technologies().set_index("technology")
    hours = {t: float(table.at[t, "duration_hours"]) for t in capacity_mw if t in table.index and not pd.isna(table.at[t, "duration_hours"])}
    fixed = {t: capacity_mw[t] * h for t, h in hours.items()}
    rest = max(storage_mwh - sum(fixed.values()), 0.0)
    return {**{t: rest for t in capacity_mw if t not in fixed}, **fixed}


def _periods(plan: dict[str, Any], sizings: list[dict[str, Any]]) -> list[_Period]:
    """The plan's periods: its ``phases`` (each with its phase's sizing), or the plan itself as one period whose
    builds are its capacity."""
    rows = plan.get("phases") or []
    if not rows:
        single = {**plan, "built_mw": plan["capacity_mw"], "built_mwh": _stores_mwh(plan["capacity_mw"], plan["storage_mwh"])}
        return [_Period(0.0, sizings[0], single)]
    if len(sizings) != len(rows):
        raise ScenarioError(f"phases: the plan has {len(rows)} periods and the scenario {len(sizings)} phases; plan the scenario again")
    first = rows[0]["date"]
    return [_Period(months_between(first, row["date"]) / MONTHS_PER_YEAR, sizing, row) for row, sizing in zip(rows, sizings)]


def _shares(periods: list[_Period], years: int) -> np.ndarray:
    """Share of each year of operation 1..N (row t-1 covers [t-1, t) years after the first period starts) that
    each period covers, ratio (years x periods): the weights that turn a period's yearly figures into a year's."""
    starts = [p.start_years for p in periods]
    ends = starts[1:] + [np.inf]
    lower = np.arange(years)[:, None]
    return np.clip(np.minimum(lower + 1.0, np.array(ends)[None, :]) - np.maximum(lower, np.array(starts)[None, :]), 0.0, 1.0)


def _capital_year(period: _Period, index: int, years: int) -> int:
    """The pro forma year a period's capital is spent and placed in service: close (0) for the first, else the year
    of operation in which the period begins."""
    if index == 0:
        return 0
    year = math.floor(period.start_years) + 1
    if year > years:
        raise ScenarioError(f"finance.analysis_years {years} ends before phases[{index}].date {period.plan['date']} begins; "
                            f"give at least {year} years, or drop the phase")
    return year


def _added_shares(periods: list[_Period]) -> list[float]:
    """Share of each period's cluster that is new, ratio: the IT power it adds over the period before, over its own
    (each phase buys its added MW at its own accelerator's cost; what stands keeps running)."""
    shares, before = [], 0.0
    for i, period in enumerate(periods):
        it_mw = float(period.sizing["it_power_mw"])
        if it_mw < before * (1.0 - 1e-9):
            raise ScenarioError(f"phases[{i}]: the campus's IT power falls from {before:,.0f} to {it_mw:,.0f} MW; the pro forma "
                                "prices a campus that grows (hardware is not sold mid-life): give each phase at least the load before it")
        shares.append((it_mw - before) / it_mw if it_mw > 0 else 0.0)
        before = it_mw
    return shares


def _degradation(scenario: Any, finance: Finance, plan: dict[str, Any]) -> tuple[dict[str, float], list[str]]:
    """The output decline of each supply technology the plan built, share per year: the scenario's
    ``finance.degradation_per_year`` where given, else the catalog's PV figure on each solar technology."""
    built = {tech for tech, mw in plan["capacity_mw"].items() if mw > 0}
    if "degradation_per_year" in finance.model_fields_set:
        for tech in finance.degradation_per_year:
            if tech not in plan["capacity_mw"]:
                raise ScenarioError(f"finance.degradation_per_year.{tech}: not a supply technology of this plan "
                                    f"({', '.join(plan['capacity_mw'])}); give one of those")
        return {t: r for t, r in finance.degradation_per_year.items() if t in built and r > 0}, []
    table = catalog.technologies().set_index("technology")
    solar = sorted(tech for tech in built if table.at[tech, "carrier"] == "solar")
    rate = catalog.finance_default("pv_degradation_per_year")
    notes = [f"degradation: {', '.join(solar)} lose{'s' if len(solar) == 1 else ''} {rate:.1%} of output a year (catalog "
             "pv_degradation_per_year: Jordan and Kurtz 2013); give finance.degradation_per_year to change it ({} for none)"] if solar else []
    return dict.fromkeys(solar, rate), notes


def _degraded(degradation: dict[str, float], energy_mwh: dict[str, np.ndarray], energy_usd: dict[str, np.ndarray], years: int,
              shares: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray, list[str]]:
    """What degradation does to each period's energy, year by year (years x periods): a factor on each supply's MWh and
    energy cost (the degrading ones' output falls; the sources that bought or burned their energy make the loss up
    in proportion to what each gave), the MWh left unserved where nothing can, and a line saying which."""
    periods = shares.shape[1]
    kept = {tech: (1.0 - rate) ** np.arange(years) for tech, rate in degradation.items()}  # share of the first year's output
    lost = sum((np.outer(1.0 - kept[tech], energy_mwh[tech]) for tech in degradation), np.zeros((years, periods)))
    makers = [tech for tech in energy_mwh if tech not in degradation and energy_usd[tech].sum() > 0 and energy_mwh[tech].sum() > 0]
    made = sum((energy_mwh[tech] for tech in makers), np.zeros(periods))
    more = np.divide(lost, made, out=np.zeros_like(lost), where=made > 0) + 1.0
    unserved = np.where(made > 0, 0.0, lost)
    scale = {**{tech: np.outer(kept[tech], np.ones(periods)) for tech in degradation}, **dict.fromkeys(makers, more)}
    if not degradation:
        return scale, unserved, []
    if makers:
        note = (f"degradation: {float((shares * lost)[-1].sum()):,.0f} MWh lost in the last year, made up by {', '.join(makers)} in "
                "proportion to what each supplies, at its average energy cost (the pro forma does not dispatch the plan again)")
    else:
        note = (f"degradation: {float((shares * unserved)[-1].sum()):,.0f} MWh unserved in the last year (no supply with an energy cost "
                "to make it up), with the compute it would have run")
    return scale, unserved, [note]


def campus_finance(scenario: Any, sizings: list[dict[str, Any]], plan: dict[str, Any]) -> CampusFinance:
    """The pro formas of a plan scenario with a ``finance:`` section, from the JSON forms of its plan and of its
    cluster's sizing (one a phase for a phased plan, in phase order).

    A phased plan's periods follow each other on the pro forma's years: year t of operation covers
    [t-1, t) years after the first phase's date and takes each period's running costs, energy and
    accelerator-hours in the share of the year it covers. Each phase's new capital (the supply it builds, and
    the IT power it adds at its own accelerator's cost per MW) is spent and placed in service in the year it
    begins; debt is drawn at close against the first phase's, later phases are paid from equity and cash flow.
    """
    if scenario.finance is None:
        raise ScenarioError("finance: the scenario has no finance section; add one, e.g. finance: {analysis_years: 30}")
    finance = resolve(scenario.finance)
    built = [tech for tech, mw in plan["capacity_mw"].items() if mw > 0]
    if finance.ppa is not None:
        _check_ppa(finance.ppa.price_usd_per_mwh, plan)
    credits, credit_notes = default_credits(scenario, finance, built)
    finance = finance.model_copy(update={"credits": credits})
    years = finance.analysis_years
    periods = _periods(plan, sizings)
    shares = _shares(periods, years)  # years x periods
    spent_in = [_capital_year(period, i, years) for i, period in enumerate(periods)]
    table = catalog.technologies().set_index("technology")
    assets: list[AssetClass] = []
    capital: dict[str, float] = {}

    def by_year(values: list[float], scale: np.ndarray | None = None) -> list[float]:
        """A figure per period as one per year of operation 1..N, each year the mix of the periods it covers (each
        period's figure times ``scale``, years x periods, where given)."""
        return list((shares if scale is None else shares * scale) @ np.asarray(values, dtype=float))

    def spending(values: list[float]) -> list[float]:
        """Capital per period as USD spent per pro forma year 0..N."""
        out = [0.0] * (years + 1)
        for year, usd in zip(spent_in, values):
            out[year] += usd
        return out

    def asset(name: str, usd_by_period: list[float], depreciation: Depreciation | None, **extra: Any) -> None:
        usd = sum(usd_by_period)
        if usd <= 0 and not any(any(extra.get(k) or ()) for k in ("om_fixed_usd_by_year", "fuel_usd_by_year")):
            return  # an option the plan did not build
        capital[name] = usd
        assets.append(AssetClass(name=name, capital_usd_by_year=spending(usd_by_period),
                                 depreciation=_depreciation(finance, name, depreciation if usd > 0 else Depreciation(method="none")),
                                 credit=finance.credits.get(name), **extra))

    added = _added_shares(periods)
    it = _macrs("recovery_years_it_equipment")
    building = Depreciation(method="straight_line", straight_line_years=int(catalog.finance_default("recovery_years_nonresidential_real_property")))
    staff = by_year([p.sizing["opex_breakdown_usd_per_year"].get("maintenance_and_staff_usd", 0.0) for p in periods])

    def cluster(key: str) -> list[float]:
        return [p.sizing["capex_breakdown_usd"].get(key, 0.0) * share for p, share in zip(periods, added)]

    for key, name in IT_CLASSES.items():
        asset(name, cluster(key), it, replacement="accelerator")
    for i, (key, name) in enumerate(BUILDING_CLASSES.items()):
        asset(name, cluster(key), building, **({"om_fixed_usd_by_year": staff} if i == 0 else {}))
    unknown = sorted({k for p in periods for k in p.sizing["capex_breakdown_usd"]} - set(IT_CLASSES) - set(BUILDING_CLASSES))
    if unknown:
        raise ScenarioError(f"finance: the sizing's capital has classes the pro forma does not know ({', '.join(unknown)}); report it")

    degradation, degradation_notes = _degradation(scenario, finance, plan)
    finance = finance.model_copy(update={"degradation_per_year": degradation})
    energy_mwh = {tech: np.array([float(p.plan["energy_mwh"].get(tech, 0.0)) for p in periods]) for tech in plan["capacity_mw"]}
    energy_usd = {tech: np.array([float(p.plan["cost_usd_per_year"].get(f"{tech}_energy", 0.0)) for p in periods]) for tech in plan["capacity_mw"]}
    scale, unserved, made_up = _degraded(degradation, energy_mwh, energy_usd, years, shares)
    degradation_notes.extend(made_up)

    electricity = [0.0] * years
    for tech in plan["capacity_mw"]:
        row = table.loc[tech]
        cost = list(energy_usd[tech])
        if tech == GRID:
            electricity = by_year(cost, scale.get(tech))
        capex_usd = [float(p.plan["built_mw"].get(tech, 0.0)) * KW_PER_MW * _limit(scenario, tech, "capex_usd_per_kw", row) for p in periods]
        if row["kind"] == "storage":
            capex_usd = [usd + float(p.plan["built_mwh"].get(tech, 0.0)) * KW_PER_MW * _limit(scenario, tech, "capex_usd_per_kwh", row)
                         for usd, p in zip(capex_usd, periods)]
        fom_usd = [float(p.plan["capacity_mw"].get(tech, 0.0)) * KW_PER_MW * _limit(scenario, tech, "fom_usd_per_kw_year", row) for p in periods]
        if row["kind"] == "contract":  # take-or-pay: the plan's yearly payment for the block, no plant owned
            capex_usd = [0.0] * len(periods)
            fom_usd = [float(p.plan["cost_usd_per_year"].get(f"{tech}_capital", 0.0)) for p in periods]
        asset(GRID + "_connection" if tech == GRID else tech, capex_usd, _supply_class(tech, row), supply=True,
              replacement="battery" if row["kind"] == "storage" else "none",
              om_fixed_usd_by_year=by_year(fom_usd),
              fuel_usd_by_year=None if tech == GRID else by_year(cost, scale.get(tech)),
              generation_mwh_by_year=by_year(list(energy_mwh[tech]), scale.get(tech)))
    fleet = np.cumsum([float(p.sizing["accelerator_count"]) * share for p, share in zip(periods, added)])  # in service each period
    delivered = np.array([1.0 - float(p.plan.get("curtailed_compute_share") or 0.0) for p in periods])
    served = np.array([float(p.plan["load_mwh"]) - float(p.plan.get("unserved_energy_mwh") or 0.0) for p in periods])
    running = 1.0 - np.divide(unserved, served, out=np.zeros_like(unserved), where=served > 0)  # compute left when energy is short
    hours = by_year(list(fleet * HOURS_PER_YEAR * delivered), running)
    in_service = by_year(list(fleet))
    energy = by_year(list(served), running)
    common = dict(finance=finance, energy_delivered_mwh_by_year=energy, electricity_usd_by_year=electricity, self_supply_mwh_by_year=energy)
    campus = pro_forma(ProFormaInputs(assets=assets, accelerator_hours_by_year=hours, accelerators_in_service_by_year=in_service,
                                      revenue=Revenue(unit="accelerator_hour", units_by_year=hours), **common))
    supply = pro_forma(ProFormaInputs(assets=[a for a in assets if a.supply], revenue=Revenue(unit="mwh", units_by_year=energy), **common))
    messages = [*credit_notes, *degradation_notes, *campus.messages, *(m for m in supply.messages if m not in campus.messages)]
    if len(periods) > 1:
        messages.append(f"phases: {len(periods)} periods from {plan['phases'][0]['date']}; each phase's new capital is spent in the year it "
                        "begins (years " + ", ".join(map(str, spent_in)) + "); debt is drawn at close, later phases are paid from equity and cash flow")
    for label, result in (("campus", campus), ("supply", supply)):
        if result.min_dscr is not None and result.min_dscr < 1:
            short = [int(y) for y, d in zip(result.cash_flows["year"], result.cash_flows["dscr"]) if d == d and d < 1]
            messages.append(f"{label}: cash flow does not cover debt service in year{'s' if len(short) > 1 else ''} {', '.join(map(str, short[:8]))}"
                            f"{' ...' if len(short) > 8 else ''} (minimum DSCR {result.min_dscr:.2f}); equity pays the rest: lower "
                            "finance.debt.debt_fraction, or size debt by finance.debt.target_dscr")
    accelerators = int(round(fleet[-1]))
    return CampusFinance(scenario=scenario.name, finance=finance.model_dump(mode="json"), accelerators=accelerators,
                         accelerator_hours_per_year=float(hours[-1]), energy_mwh_per_year=float(energy[-1]), capital_usd=capital,
                         campus=campus, supply=supply, messages=messages)


__all__ = ["CampusFinance", "campus_finance", "resolve"]
