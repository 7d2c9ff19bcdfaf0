"""A pro forma: yearly after-tax cash flows of a campus and its power supply, financed with equity and debt.

Pure: :func:`pro_forma` reads a :class:`ProFormaInputs` (capital by asset class and year, each class's tax
depreciation, credit and replacement rule, yearly running costs, energy and accelerator-hours delivered, the
scenario's :class:`~gigawatt.project_finance.scenario.Finance`) and returns a :class:`ProForma`. Nothing is read from the
catalog or a plan here; the job resolves those into the inputs.

Years: row 0 is financial close (capital spent, debt drawn, equity paid in); rows 1..N are years of operation.
Running costs are given in first-year-of-operation dollars and grow by ``1 + inflation + escalation`` a year
(SAM's Single Owner convention), revenue and a PPA by their own nominal escalation. The conventions follow SAM's
Single Owner model (checked against PySAM in tests/finance/test_pysam.py) unless a docstring says otherwise:

- capital spent in year 0 is placed in service in year 1 (depreciation and the investment credit start there);
  capital spent in a later year t (a phase, a replacement) in year t;
- half the investment credit comes off the depreciable basis (IRC §50(c)(3)); credits are not taxable;
- tax is ``income_tax_rate`` x taxable income, a negative tax (a loss) is a benefit the owner uses that year;
- debt is drawn at close against the year-0 capital, paid over ``tenor_years`` in equal payments (a fixed
  fraction) or sculpted to CFADS / target DSCR (DSCR sizing: debt = PV at the loan rate of CFADS / DSCR over
  the tenor); its up-front fee is paid by equity and is neither depreciated nor deducted (as SAM);
- CFADS is revenue less operating costs less capital spent after close (replacements and later phases);
- salvage (a share of the initial capital, nominal) is income in the last year; decommissioning a cost there;
  basis left undepreciated at the end is not written off (as SAM).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy_financial as npf
import pandas as pd
from scipy.optimize import brentq

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError
from gigawatt.core.results import json_safe
from gigawatt.project_finance.metrics import Irr, irr_of, npv_of, payback_year
from gigawatt.project_finance.scenario import Credit, Depreciation, Finance

BREAK_EVEN_TOLERANCE_USD = 1e-3  # equity NPV at the break-even price, USD: a cent's tenth on projects of 1e6-1e11 USD
MAX_PRICE_DOUBLINGS = 60  # the break-even search doubles its upper price at most this often (2^60 x the first guess)
DEBT_FEE_NOTE = "the debt's up-front fee is paid by equity at close and neither depreciated nor deducted (SAM's convention)"

Replacement = Literal["none", "accelerator", "battery"]


def depreciation_shares(rule: Depreciation) -> np.ndarray:
    """Share of the depreciable basis deducted in each year from the year placed in service, ratio per year.

    MACRS from IRS Publication 946 Table A-1 (half-year convention); straight line over ``straight_line_years``
    in equal whole years (no half-year convention); ``bonus_share`` of the basis in the first year, the rest by
    the schedule; ``none`` deducts nothing.
    """
    if rule.method == "none":
        table = np.zeros(1)
    elif rule.method == "straight_line":
        years = int(rule.straight_line_years or 1)
        table = np.full(years, 1.0 / years)
    else:
        table = np.array(catalog.macrs_table(int(rule.method.removeprefix("macrs_"))))  # IRS Pub 946 Table A-1
    shares = (1.0 - rule.bonus_share) * table
    shares[0] += rule.bonus_share if rule.method != "none" else 0.0
    return shares


@dataclass(frozen=True)
class AssetClass:
    """One asset class of the campus or its supply: its capital by year and how it is taxed and replaced.

    ``capital_usd_by_year`` has one value per pro forma year 0..N (nominal USD spent that year); running costs
    have one value per year of operation 1..N in first-year dollars (escalated by the pro forma).
    """

    name: str
    capital_usd_by_year: Sequence[float]
    depreciation: Depreciation = field(default_factory=Depreciation)
    credit: Credit | None = None
    replacement: Replacement = "none"  # bought again at the accelerator's or the battery's life
    supply: bool = False  # part of the power plant: a PPA replaces it (capital, O&M, fuel and credits)
    om_fixed_usd_by_year: Sequence[float] | None = None
    om_variable_usd_by_year: Sequence[float] | None = None
    fuel_usd_by_year: Sequence[float] | None = None
    generation_mwh_by_year: Sequence[float] | None = None  # what a production credit is paid on


@dataclass(frozen=True)
class Revenue:
    """What the project sells: ``units_by_year`` (per year of operation 1..N) at ``price_usd_per_unit`` in the
    first year, growing by ``escalation_per_year`` (nominal). ``price_usd_per_unit`` ``None``: priced at the
    break-even (equity NPV zero at the target return)."""

    unit: str  # "accelerator_hour" or "mwh"
    units_by_year: Sequence[float]
    price_usd_per_unit: float | None = None
    escalation_per_year: float = 0.0


@dataclass(frozen=True)
class ProFormaInputs:
    """Everything the pro forma reads, explicit: asset classes, yearly deliveries and purchases, the revenue
    and the scenario's finance settings (whose ``None`` fields the job has resolved)."""

    finance: Finance
    assets: Sequence[AssetClass]
    energy_delivered_mwh_by_year: Sequence[float]  # the LCOE's denominator, MWh per year of operation
    accelerator_hours_by_year: Sequence[float] | None = None  # accelerator-hours delivered per year of operation
    accelerators_in_service_by_year: Sequence[float] | None = None  # count, for leasing
    electricity_usd_by_year: Sequence[float] | None = None  # grid purchases, first-year USD per year
    self_supply_mwh_by_year: Sequence[float] | None = None  # what a PPA pays for, MWh per year
    revenue: Revenue | None = None
    dollar_year: int | None = None  # of the capital and first-year costs, for the result's labels


def _need(section: Any, name: str, where: str = "finance") -> float:
    """A setting the pro forma needs, or a one-line error naming it when the scenario left it to the catalog."""
    value = getattr(section, name)
    if value is None:
        raise ScenarioError(f"{where}.{name} has no value: give it in the scenario (or let the job take the catalog's)")
    return float(value)


def _series(values: Sequence[float] | None, years: int, name: str) -> np.ndarray:
    """Values per year of operation 1..N as an array of N+1 (row 0 is close, zero)."""
    out = np.zeros(years + 1)
    if values is None:
        return out
    array = np.asarray(values, dtype=float)
    if array.shape != (years,) or not np.all(np.isfinite(array)):
        raise ScenarioError(f"{name}: give {years} finite values, one per year of operation (got {array.shape[0] if array.ndim else 1})")
    out[1:] = array
    return out


def _growth(rate_per_year: float, years: int) -> np.ndarray:
    """(1 + rate)^(t - 1) for t = 1..N, and 0 at close (row 0), ratio."""
    out = np.zeros(years + 1)
    out[1:] = (1.0 + rate_per_year) ** np.arange(years)
    return out


def _in_service(year: int) -> int:
    return max(year, 1)


def _vintages(asset: AssetClass, finance: Finance, years: int, inflation: float) -> np.ndarray:
    """Capital spent on ``asset`` each year 0..N, nominal USD, with its replacements at the hardware's life
    (a vintage bought in year t is bought again in year t + floor(k x life), at its cost grown by inflation), never in
    the last year: hardware bought then would serve only years after the analysis."""
    spent = np.asarray(asset.capital_usd_by_year, dtype=float)
    if spent.shape != (years + 1,) or not np.all(np.isfinite(spent)) or np.any(spent < 0):
        raise ScenarioError(f"capital of {asset.name}: give {years + 1} finite, non-negative USD values, one per year 0..{years}")
    if asset.replacement == "none":
        return spent.copy()
    name = "accelerator_life_years" if asset.replacement == "accelerator" else "battery_life_years"
    life = _need(finance, name)
    out = spent.copy()
    for year in np.flatnonzero(spent):
        k = 1
        while (again := int(year) + math.floor(k * life)) < years:
            out[again] += spent[year] * (1.0 + inflation) ** (again - int(year))
            k += 1
    return out


@dataclass
class ProForma:
    """A pro forma's result: the yearly cash-flow table, sources and uses, and the metrics.

    Money is nominal USD unless a name says ``real``; rates are per year (0.08 = 8%/yr); ``irr`` fields are
    ``None`` with a reason where no unique rate exists.
    """

    cash_flows: pd.DataFrame  # one row a year 0..N, columns with units
    sources_and_uses: pd.DataFrame  # item, side (source/use), usd
    discount_rate_nominal_per_year: float
    discount_rate_real_per_year: float
    inflation_rate_per_year: float
    debt_usd: float
    equity_usd: float
    equity_npv_usd: float
    equity_irr: Irr
    equity_irr_real: Irr
    project_npv_usd: float
    project_irr: Irr
    project_irr_real: Irr
    payback_year: int | None
    min_dscr: float | None
    lcoe_nominal_usd_per_mwh: float | None
    lcoe_real_usd_per_mwh: float | None
    price_usd_per_unit: float  # the revenue's first-year price the table was computed at
    revenue_unit: str | None
    cost_usd_per_accelerator_hour: float | None
    break_even_usd_per_unit: float | None
    break_even_usd_per_accelerator_hour: float | None
    break_even_usd_per_million_tokens: float | None
    dollar_year: int | None = None
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON-safe values (the tables as lists of records)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = value.to_dict() if isinstance(value, Irr) else value
        return json_safe(out)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Named tables: ``cash_flows`` (a row a year) and ``sources_and_uses``."""
        return {"cash_flows": self.cash_flows, "sources_and_uses": self.sources_and_uses}


@dataclass(frozen=True)
class _Built:
    """The parts of a pro forma that do not depend on the revenue's price."""

    years: int
    table: pd.DataFrame  # costs, capital, depreciation, credits by year (no revenue, tax or debt yet)
    columns: dict[str, np.ndarray]  # the table's columns as arrays: the break-even search reads them many times
    initial_capital_usd: float
    fee_share: float
    messages: tuple[str, ...]


def _build(inputs: ProFormaInputs) -> _Built:
    finance = inputs.finance
    years = finance.analysis_years
    inflation = finance.inflation_rate_per_year
    messages: list[str] = []
    owned = [a for a in inputs.assets if not (finance.ppa is not None and a.supply)]
    if finance.ppa is not None:
        messages.append(f"the supply ({', '.join(a.name for a in inputs.assets if a.supply) or 'none'}) is bought under a PPA at "
                        f"{finance.ppa.price_usd_per_mwh:g} USD/MWh instead of owned")
    if finance.lease_usd_per_accelerator_year is not None:
        leased = [a.name for a in owned if a.replacement == "accelerator"]
        owned = [a for a in owned if a.replacement != "accelerator"]
        messages.append(f"accelerators ({', '.join(leased) or 'none'}) leased at {finance.lease_usd_per_accelerator_year:g} USD a year each")

    om_growth = _growth(inflation + finance.om_escalation_per_year, years)
    fuel_growth = _growth(inflation + finance.fuel_escalation_per_year, years)
    rows = np.arange(years + 1)
    capital = np.zeros(years + 1)
    replacements = np.zeros(years + 1)
    om = np.zeros(years + 1)
    fuel = np.zeros(years + 1)
    depreciation = np.zeros(years + 1)
    itc = np.zeros(years + 1)
    ptc = np.zeros(years + 1)
    for asset in owned:
        spent = np.asarray(asset.capital_usd_by_year, dtype=float)
        all_spent = _vintages(asset, finance, years, inflation)
        capital += spent
        replacements += all_spent - spent
        om += om_growth * (_series(asset.om_fixed_usd_by_year, years, f"{asset.name} fixed O&M")
                           + _series(asset.om_variable_usd_by_year, years, f"{asset.name} variable O&M"))
        fuel += fuel_growth * _series(asset.fuel_usd_by_year, years, f"{asset.name} fuel")
        credit = asset.credit
        itc_share = credit.investment_share + credit.investment_adders_share if credit and credit.kind == "investment" else 0.0
        shares = depreciation_shares(asset.depreciation)
        for year in np.flatnonzero(all_spent):
            start = _in_service(int(year))
            basis = all_spent[year] * (1.0 - itc_share * (credit.basis_reduction_share if credit else 0.0))
            end = min(years + 1, start + len(shares))
            depreciation[start:end] += basis * shares[: end - start]
            itc[start] += all_spent[year] * itc_share
        if credit is not None and credit.kind == "production":
            generation = _series(asset.generation_mwh_by_year, years, f"{asset.name} generation")
            paid = (rows >= 1) & (rows <= credit.production_years)
            ptc += (paid * generation * credit.production_usd_per_mwh * (1 + credit.production_adders_share)
                    * _growth(credit.production_escalation_per_year, years))

    initial = capital[0]
    elec = _growth(inflation + finance.electricity_escalation_per_year, years) * _series(inputs.electricity_usd_by_year, years, "electricity_usd_by_year")
    ppa = np.zeros(years + 1)
    if finance.ppa is not None:
        ppa = (finance.ppa.price_usd_per_mwh * _growth(finance.ppa.escalation_per_year, years)
               * _series(inputs.self_supply_mwh_by_year, years, "self_supply_mwh_by_year"))
    lease = np.zeros(years + 1)
    if finance.lease_usd_per_accelerator_year is not None:
        if inputs.accelerators_in_service_by_year is None:
            raise ScenarioError("finance.lease_usd_per_accelerator_year needs the accelerators in service each year; plan a cluster, or drop the lease")
        lease = (finance.lease_usd_per_accelerator_year * _growth(inflation, years)
                 * _series(inputs.accelerators_in_service_by_year, years, "accelerators_in_service_by_year"))
    placed = np.cumsum(capital)  # capital placed in service by each year (phases, not replacements): what is insured and assessed
    insurance = finance.insurance_share_per_year * placed * _growth(inflation, years)
    property_tax = finance.property_tax_share_per_year * placed * (rows >= 1)
    last = rows == years
    salvage = finance.salvage_share * placed[-1] * last
    decommissioning = finance.decommissioning_usd * (1.0 + inflation) ** (years - 1) * last
    table = pd.DataFrame({
        "year": rows,
        "capital_usd": capital,
        "replacements_usd": replacements,
        "om_usd": om,
        "fuel_usd": fuel,
        "electricity_usd": elec,
        "ppa_usd": ppa,
        "accelerator_lease_usd": lease,
        "insurance_usd": insurance,
        "property_tax_usd": property_tax,
        "decommissioning_usd": decommissioning,
        "salvage_usd": salvage,
        "depreciation_usd": depreciation,
        "investment_credit_usd": itc,
        "production_credit_usd": ptc,
        "energy_delivered_mwh": _series(inputs.energy_delivered_mwh_by_year, years, "energy_delivered_mwh_by_year"),
        "accelerator_hours": _series(inputs.accelerator_hours_by_year, years, "accelerator_hours_by_year"),
    })
    fee = finance.debt.upfront_fee_share if finance.debt is not None else 0.0
    return _Built(years, table, {c: table[c].to_numpy() for c in table.columns}, float(initial), fee, tuple(messages))


OPERATING_COSTS = ("om_usd", "fuel_usd", "electricity_usd", "ppa_usd", "accelerator_lease_usd", "insurance_usd",
                   "property_tax_usd", "decommissioning_usd")


def _flows(built: _Built, inputs: ProFormaInputs, price: float) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """The yearly columns at a first-year revenue price (revenue, CFADS, debt, tax and the cash flows) as numpy arrays,
    and the debt and equity at close: the break-even search calls this many times, so no DataFrame is built here."""
    finance = inputs.finance
    years = built.years
    t = {column: values.copy() for column, values in built.columns.items()}
    rows = t["year"]
    revenue = inputs.revenue
    units = _series(revenue.units_by_year, years, "revenue units_by_year") if revenue else np.zeros(years + 1)
    escalation = revenue.escalation_per_year if revenue else 0.0
    t = {"year": rows, "revenue_usd": price * units * _growth(escalation, years), **{k: v for k, v in t.items() if k != "year"}}
    operating = np.sum([t[column] for column in OPERATING_COSTS], axis=0)
    ebitda = t["revenue_usd"] - operating + t["salvage_usd"]
    later_capital = np.where(rows >= 1, t["capital_usd"], 0.0) + t["replacements_usd"]
    cfads = ebitda - later_capital
    rate = _need(finance, "income_tax_rate")

    debt = 0.0
    interest = np.zeros(years + 1)
    principal = np.zeros(years + 1)
    if finance.debt is not None and built.initial_capital_usd > 0:
        loan = finance.debt
        r = _need(loan, "interest_rate_per_year", "finance.debt")
        tenor = min(loan.tenor_years, years)
        term = (rows >= 1) & (rows <= tenor)
        if loan.debt_fraction is not None:
            debt = loan.debt_fraction * built.initial_capital_usd / (1.0 - loan.debt_fraction * built.fee_share)
            payment = -float(npf.pmt(r, tenor, debt)) if debt > 0 else 0.0
            service = payment * term
        else:
            service = np.maximum(cfads, 0.0) * term / loan.target_dscr
            debt = float(npf.npv(r, service))  # row 0 (zero) is discounted at t=0: the PV at close of years 1..tenor
            if debt <= 0:
                raise ScenarioError(f"finance.debt.target_dscr {loan.target_dscr:g}: the cash available for debt service is zero or "
                                    "negative over the tenor, so no debt meets it; give debt_fraction instead, or no debt")
            most = built.initial_capital_usd / (1.0 - built.fee_share)
            if debt > most:  # equity would be negative: borrow the whole capital and no more
                service = service * most / debt
                debt = most
        balance = debt
        for year in range(1, tenor + 1):
            interest[year] = balance * r
            principal[year] = service[year] - interest[year]
            balance -= principal[year]
    fee = debt * built.fee_share
    equity = built.initial_capital_usd + fee - debt

    taxable = ebitda - t["depreciation_usd"] - interest
    tax = rate * taxable * (rows >= 1)
    credits = t["investment_credit_usd"] + t["production_credit_usd"]
    equity_cf = cfads - interest - principal - tax + credits
    equity_cf[0] = -equity
    project_tax = rate * (ebitda - t["depreciation_usd"]) * (rows >= 1)
    project_cf = cfads - project_tax + credits
    project_cf[0] = -built.initial_capital_usd
    service_total = interest + principal
    with np.errstate(divide="ignore", invalid="ignore"):
        dscr = np.where(service_total > 0, cfads / np.where(service_total > 0, service_total, 1.0), np.nan)
    t["operating_costs_usd"] = operating
    t["ebitda_usd"] = ebitda
    t["cfads_usd"] = cfads
    t["debt_draw_usd"] = np.where(rows == 0, debt, 0.0)
    t["debt_fee_usd"] = np.where(rows == 0, fee, 0.0)
    t["interest_usd"] = interest
    t["principal_usd"] = principal
    t["dscr"] = dscr
    t["taxable_income_usd"] = np.where(rows >= 1, taxable, 0.0)
    t["tax_usd"] = tax
    t["credits_usd"] = credits
    t["project_cash_flow_usd"] = project_cf
    t["equity_cash_flow_usd"] = equity_cf
    return t, {"debt_usd": debt, "equity_usd": equity, "fee_usd": fee}


def _finance(built: _Built, inputs: ProFormaInputs, price: float) -> pd.DataFrame:
    """The yearly table at a first-year revenue price: revenue, CFADS, debt, tax and the cash flows (``attrs``:
    debt, equity and fee at close, USD)."""
    columns, at_close = _flows(built, inputs, price)
    table = pd.DataFrame(columns)
    table.attrs.update(at_close)
    return table


def _equity_npv(built: _Built, inputs: ProFormaInputs, price: float, rate: float) -> float:
    return npv_of(rate, _flows(built, inputs, price)[0]["equity_cash_flow_usd"])


def _break_even(built: _Built, inputs: ProFormaInputs, rate: float) -> float | None:
    """The first-year price per revenue unit at which equity NPV at ``rate`` is zero, USD per unit (scipy's
    Brent search on a bracket found by doubling), or ``None`` where nothing is sold."""
    revenue = inputs.revenue
    if revenue is None or not np.any(np.asarray(revenue.units_by_year, dtype=float) > 0):
        return None

    def npv(price: float) -> float:
        try:
            return _equity_npv(built, inputs, price, rate)
        except ScenarioError:  # a DSCR no debt meets at this low a price: the project is short of cash there
            return -math.inf

    units = np.asarray(revenue.units_by_year, dtype=float)
    costs = built.table[["capital_usd", "replacements_usd", *OPERATING_COSTS]].to_numpy().sum()
    high = max(costs / units.sum(), 1e-6)  # an undiscounted cost per unit: a first upper guess, USD/unit
    low = 0.0
    for _ in range(MAX_PRICE_DOUBLINGS):
        if npv(high) >= 0:
            break
        low, high = high, 2 * high
    else:
        return None
    if npv(low) >= 0:
        return low
    return float(brentq(lambda p: max(npv(p), -1e300), low, high, xtol=1e-12, rtol=1e-12))


def pro_forma(inputs: ProFormaInputs) -> ProForma:
    """The pro forma of ``inputs``: yearly cash flows, sources and uses, NPV, IRR, DSCR, LCOE and break-even."""
    finance = inputs.finance
    nominal = _need(finance, "target_equity_return_per_year")
    inflation = finance.inflation_rate_per_year
    real = (1.0 + nominal) / (1.0 + inflation) - 1.0
    built = _build(inputs)
    messages = list(built.messages)
    break_even = _break_even(built, inputs, nominal)
    revenue = inputs.revenue
    price = revenue.price_usd_per_unit if revenue and revenue.price_usd_per_unit is not None else (break_even or 0.0)
    if revenue and revenue.price_usd_per_unit is None:
        messages.append(f"revenue priced at the break-even, {price:.6g} USD per {revenue.unit}")
    t = _finance(built, inputs, price)
    equity_cf = t["equity_cash_flow_usd"].to_numpy()
    project_cf = t["project_cash_flow_usd"].to_numpy()
    equity_irr, project_irr = irr_of(equity_cf), irr_of(project_cf)
    # SAM's LCOE: annual costs are what the revenue pays beyond equity's after-tax return (year 0: the equity),
    # discounted at the nominal rate, over energy discounted at the nominal (LCOE nominal) or real rate (real)
    annual_costs = t["revenue_usd"].to_numpy() - equity_cf
    pv_costs = npv_of(nominal, annual_costs)
    energy = t["energy_delivered_mwh"].to_numpy()
    pv_energy_nominal, pv_energy_real = npv_of(nominal, energy), npv_of(real, energy)
    hours = t["accelerator_hours"].to_numpy()
    pv_hours = npv_of(nominal, hours)
    be_hour = break_even if revenue is not None and revenue.unit == "accelerator_hour" else None
    debt_service = t["interest_usd"] + t["principal_usd"]
    dscr = t["dscr"][debt_service > 0]
    sources = _sources_and_uses(inputs, t)
    return ProForma(
        cash_flows=t,
        sources_and_uses=sources,
        discount_rate_nominal_per_year=nominal,
        discount_rate_real_per_year=real,
        inflation_rate_per_year=inflation,
        debt_usd=float(t.attrs["debt_usd"]),
        equity_usd=float(t.attrs["equity_usd"]),
        equity_npv_usd=npv_of(nominal, equity_cf),
        equity_irr=equity_irr,
        equity_irr_real=equity_irr.real(inflation),
        project_npv_usd=npv_of(nominal, project_cf),
        project_irr=project_irr,
        project_irr_real=project_irr.real(inflation),
        payback_year=payback_year(equity_cf),
        min_dscr=float(dscr.min()) if len(dscr) else None,
        lcoe_nominal_usd_per_mwh=pv_costs / pv_energy_nominal if pv_energy_nominal > 0 else None,
        lcoe_real_usd_per_mwh=pv_costs / pv_energy_real if pv_energy_real > 0 else None,
        price_usd_per_unit=price,
        revenue_unit=revenue.unit if revenue else None,
        cost_usd_per_accelerator_hour=pv_costs / pv_hours if pv_hours > 0 else None,
        break_even_usd_per_unit=break_even,
        break_even_usd_per_accelerator_hour=be_hour,
        break_even_usd_per_million_tokens=(be_hour / finance.tokens_per_accelerator_hour * 1e6
                                           if be_hour is not None and finance.tokens_per_accelerator_hour else None),
        dollar_year=inputs.dollar_year,
        messages=messages + ([DEBT_FEE_NOTE] if t.attrs["fee_usd"] > 0 else []),
    )


def _sources_and_uses(inputs: ProFormaInputs, t: pd.DataFrame) -> pd.DataFrame:
    """Sources and uses of funds at financial close (year 0), USD."""
    finance = inputs.finance
    rows = [{"side": "use", "item": f"capital: {a.name}", "usd": float(np.asarray(a.capital_usd_by_year, dtype=float)[0])}
            for a in inputs.assets
            if not (finance.ppa is not None and a.supply)
            and not (finance.lease_usd_per_accelerator_year is not None and a.replacement == "accelerator")]
    rows.append({"side": "use", "item": "debt up-front fee", "usd": float(t.attrs["fee_usd"])})
    rows.append({"side": "source", "item": "debt", "usd": float(t.attrs["debt_usd"])})
    rows.append({"side": "source", "item": "equity", "usd": float(t.attrs["equity_usd"])})
    return pd.DataFrame(rows, columns=["side", "item", "usd"])


def with_finance(inputs: ProFormaInputs, **changes: Any) -> ProFormaInputs:
    """A copy of ``inputs`` whose finance settings have ``changes`` (validated again)."""
    finance = Finance.model_validate({**inputs.finance.model_dump(), **changes})
    return replace(inputs, finance=finance)
