"""The ``finance:`` section of a scenario: how a campus and its power supply are paid for over time.

Every rate is a share per year (0.05 = 5%/yr), every price USD in the dollar year of the plan's costs, every
life in years. A field whose default is ``None`` takes the catalog's sourced figure when the job resolves the
scenario (or, where no public figure exists, stays off); the pro forma (``finance.proforma``) refuses a field it
needs that is still ``None``, naming it. The model only describes; the arithmetic is in ``proforma.py``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from gigawatt.core.inputs import Label, MAX_ITEMS, _Strict

MAX_ANALYSIS_YEARS = 100  # SAM's Single Owner allows up to 100 years of analysis (its analysis_period input)
MAX_DEGRADATION_PER_YEAR = 0.2  # 20%/yr: forty times the median PV rate (catalog pv_degradation_per_year); above it no plant is run
MAX_RATE_PER_YEAR = 1.0  # 100%/yr: above any inflation, escalation, interest or return a scenario plausibly gives
LEAST_ESCALATION_PER_YEAR = -1.0  # exclusive: a rate of -100%/yr or below makes a cost zero or negative after one year

DepreciationMethod = Literal["macrs_3", "macrs_5", "macrs_7", "macrs_10", "macrs_15", "macrs_20", "straight_line", "none"]


def _escalation(value: float, field: str) -> float:
    if value <= LEAST_ESCALATION_PER_YEAR:
        raise ValueError(f"{field} {value:g} is -100%/yr or below, which makes the cost zero or negative after a year; "
                         "give a rate above -1 (e.g. -0.02 for costs falling 2%/yr)")
    return value


class Depreciation(_Strict):
    """Tax depreciation of one asset class (IRS Publication 946: MACRS GDS half-year tables, or straight line)."""

    method: DepreciationMethod = Field(default="macrs_5", description="macrs_3/5/7/10/15/20 (MACRS general depreciation system, half-year convention), straight_line over straight_line_years, or none (not depreciable, e.g. land)")
    straight_line_years: int | None = Field(default=None, ge=1, le=MAX_ANALYSIS_YEARS, description="Tax life of straight-line depreciation, years (e.g. 39 for nonresidential real property); only with method straight_line")
    bonus_share: float = Field(default=0.0, ge=0, le=1, description="Bonus depreciation: share of the depreciable basis written off in the year placed in service, ratio 0..1 (1 = 100% bonus)")

    @model_validator(mode="after")
    def _years_with_straight_line(self) -> Depreciation:
        if self.method == "straight_line" and self.straight_line_years is None:
            raise ValueError("straight_line_years is needed with method straight_line; give the tax life in years (e.g. 39)")
        if self.method != "straight_line" and self.straight_line_years is not None:
            raise ValueError(f"straight_line_years applies only to method straight_line, not {self.method}; drop it or set method: straight_line")
        return self


class Credit(_Strict):
    """An energy tax credit on one asset class: investment (share of capital) or production (USD per MWh)."""

    kind: Literal["investment", "production"] = Field(description="investment (IRC §48E: a share of the eligible capital in the year placed in service) or production (IRC §45Y: USD per MWh generated for production_years)")
    investment_share: float = Field(default=0.0, ge=0, le=1, description="Investment credit: base rate as a share of the capital, ratio 0..1 (e.g. 0.30 with the prevailing-wage and apprenticeship rules met)")
    investment_adders_share: float = Field(default=0.0, ge=0, le=1, description="Investment credit: bonus adders in points of capital, ratio (e.g. 0.10 energy community + 0.10 domestic content = 0.20)")
    basis_reduction_share: float = Field(default=0.5, ge=0, le=1, description="Share of the investment credit taken off the depreciable basis, ratio (IRC §50(c)(3): one half)")
    production_usd_per_mwh: float = Field(default=0.0, ge=0, le=1000, description="Production credit in the first year of operation, USD/MWh (e.g. 27.5 for 2.75 ¢/kWh)")
    production_adders_share: float = Field(default=0.0, ge=0, le=1, description="Production credit: bonus adders as a share of the credit, ratio (e.g. 0.10 for domestic content)")
    production_years: int = Field(default=10, ge=1, le=MAX_ANALYSIS_YEARS, description="Years the production credit is earned from the first year of operation, years (IRC §45Y: 10)")
    production_escalation_per_year: float = Field(default=0.0, ge=-0.5, le=MAX_RATE_PER_YEAR, description="Yearly escalation of the production credit, per year (the IRS adjusts it for inflation; 0 = flat)")

    @model_validator(mode="after")
    def _one_kind(self) -> Credit:
        if self.kind == "investment" and (self.production_usd_per_mwh or self.production_adders_share):
            raise ValueError("production_usd_per_mwh and production_adders_share belong to kind: production; drop them or change kind")
        if self.kind == "production" and (self.investment_share or self.investment_adders_share):
            raise ValueError("investment_share and investment_adders_share belong to kind: investment; drop them or change kind")
        return self


class Debt(_Strict):
    """Term debt: sized by a fixed share of capital (``debt_fraction``) or by a target DSCR (SAM's method)."""

    debt_fraction: float | None = Field(default=None, description="Debt as a share of the capital at financial close, ratio 0..1 (equity is the rest); give this or target_dscr")
    target_dscr: float | None = Field(default=None, description="Target debt-service coverage ratio, ratio above 1: debt = present value at the interest rate of CFADS / target over the tenor (as SAM's Single Owner); give this or debt_fraction")
    tenor_years: int = Field(default=18, ge=1, le=MAX_ANALYSIS_YEARS, description="Term of the loan, years (SAM's default 18)")
    interest_rate_per_year: float | None = Field(default=None, ge=0, le=MAX_RATE_PER_YEAR, description="Nominal interest rate, per year; default: catalog")
    upfront_fee_share: float = Field(default=0.0, ge=0, le=0.2, description="Up-front fee as a share of the debt, ratio (paid by equity at close, a cost in year 0)")

    @field_validator("debt_fraction")
    @classmethod
    def _fraction(cls, value: float | None) -> float | None:
        if value is not None and not 0 <= value <= 1:
            raise ValueError(f"debt_fraction {value:g} leaves {'negative' if value > 1 else 'more than all the'} equity; "
                             "give a share of capital between 0 and 1 (e.g. 0.6)")
        return value

    @field_validator("target_dscr")
    @classmethod
    def _dscr(cls, value: float | None) -> float | None:
        if value is not None and not 1 <= value <= 10:
            raise ValueError(f"target_dscr {value:g} is outside 1..10: lenders ask for CFADS at least equal to debt service "
                             "(typically 1.2-1.5); give a ratio of at least 1")
        return value

    @model_validator(mode="after")
    def _one_sizing(self) -> Debt:
        if (self.debt_fraction is None) == (self.target_dscr is None):
            raise ValueError("debt: give debt_fraction (a share of capital) or target_dscr (sized on cash flow), one of the two")
        return self


class Ppa(_Strict):
    """Buy the plan's self-supply at a price instead of owning the plant (the supply assets leave the pro forma)."""

    price_usd_per_mwh: float = Field(gt=0, le=2000, description="PPA energy price in the first year of operation, USD/MWh")
    escalation_per_year: float = Field(default=0.0, le=MAX_RATE_PER_YEAR, description="Yearly escalation of the PPA price, per year (nominal)")

    @field_validator("escalation_per_year")
    @classmethod
    def _above_minus_one(cls, value: float) -> float:
        return _escalation(value, "escalation_per_year")


class Finance(_Strict):
    """How the campus and its power are paid for: the analysis period, money's price over time, tax, credits,
    debt, a PPA or leases instead of owning, hardware lives and the escalation of running costs."""

    analysis_years: int = Field(default=30, ge=1, le=MAX_ANALYSIS_YEARS, description="Years of operation in the pro forma, years (year 0 is financial close)")
    inflation_rate_per_year: float = Field(default=0.025, ge=-0.05, le=0.5, description="General inflation, per year: turns nominal into real figures and escalates costs given in today's dollars")
    target_equity_return_per_year: float | None = Field(default=None, ge=0, le=MAX_RATE_PER_YEAR, description="Nominal after-tax return equity asks, per year: the discount rate of equity NPV, LCOE and the break-even price; default: catalog")
    income_tax_rate: float | None = Field(default=None, ge=0, lt=1, description="Combined federal and state income tax rate, ratio (e.g. 0.21 + 0.07 x (1 - 0.21) = 0.2653); tax losses offset other income (the owner is taxable); default: catalog")
    depreciation: dict[Label, Depreciation] = Field(default_factory=dict, max_length=MAX_ITEMS, description="Tax depreciation by asset class (accelerators, networking, building, electrical, grid_connection, or a supply technology id); default: catalog")
    credits: dict[Label, Credit] = Field(default_factory=dict, max_length=MAX_ITEMS, description="Energy tax credits by asset class or supply technology id; none unless given or resolved from the catalog")
    debt: Debt | None = Field(default=None, description="Term debt; default: none (all equity)")
    ppa: Ppa | None = Field(default=None, description="Buy self-supply under a power purchase agreement instead of owning the plant; default: own it")
    lease_usd_per_accelerator_year: float | None = Field(default=None, gt=0, le=1e7, description="Lease the accelerators instead of buying them, USD per accelerator and year (today's dollars, escalated with inflation); default: buy")
    accelerator_life_years: float | None = Field(default=None, description="Economic life of accelerators and servers, years: they are bought again at this interval; default: catalog it_lifetime_years")
    battery_life_years: float | None = Field(default=None, description="Life of battery storage, years: the battery is replaced at this interval; default: catalog lifetime")
    om_escalation_per_year: float = Field(default=0.0, le=MAX_RATE_PER_YEAR, description="Escalation of O&M above inflation, per year (SAM's convention: a first-year cost grows by 1 + inflation + escalation a year)")
    fuel_escalation_per_year: float = Field(default=0.0, le=MAX_RATE_PER_YEAR, description="Escalation of fuel prices above inflation, per year")
    electricity_escalation_per_year: float = Field(default=0.0, le=MAX_RATE_PER_YEAR, description="Escalation of purchased electricity above inflation, per year")
    insurance_share_per_year: float = Field(default=0.0, ge=0, le=0.1, description="Insurance as a share of the capital cost per year, escalated with inflation, ratio/yr")
    property_tax_share_per_year: float = Field(default=0.0, ge=0, le=0.1, description="Property tax as a share of the capital cost per year, on a flat assessed value (SAM's default: not escalated), ratio/yr")
    degradation_per_year: dict[Label, float] = Field(default_factory=dict, max_length=MAX_ITEMS, description="Yearly decline of a supply technology's output by technology id, share per year compounding from the first year of operation (0.005: 0.5%/yr): the energy lost is made up by the plan's other supply in proportion to what each gives, at its average energy cost, or goes unserved with the compute it would have run where there is none; default: the catalog's pv_degradation_per_year on solar, none on others")
    decommissioning_usd: float = Field(default=0.0, ge=0, le=1e12, description="Cost of decommissioning in the last year, first-year USD (escalated with inflation, deductible)")
    salvage_share: float = Field(default=0.0, ge=0, le=1, description="Salvage value in the last year as a share of the initial capital, ratio (nominal, not escalated, taxed as income: SAM's convention)")
    tokens_per_accelerator_hour: float | None = Field(default=None, gt=0, le=1e12, description="Tokens served per accelerator-hour delivered, tokens: adds the break-even price per million tokens; default: none")

    @field_validator("accelerator_life_years", "battery_life_years")
    @classmethod
    def _positive_life(cls, value: float | None, info) -> float | None:  # noqa: ANN001 - pydantic's ValidationInfo
        if value is not None and not 0 < value <= MAX_ANALYSIS_YEARS:
            raise ValueError(f"{info.field_name} {value:g} must be above 0 and at most {MAX_ANALYSIS_YEARS} years; give the years the "
                             "hardware stays in service (e.g. 5)")
        return value

    @field_validator("om_escalation_per_year", "fuel_escalation_per_year", "electricity_escalation_per_year")
    @classmethod
    def _escalations(cls, value: float, info) -> float:  # noqa: ANN001
        return _escalation(value, info.field_name)

    @field_validator("degradation_per_year")
    @classmethod
    def _degradation(cls, value: dict[str, float]) -> dict[str, float]:
        for tech, rate in value.items():
            if not 0 <= rate <= MAX_DEGRADATION_PER_YEAR:
                raise ValueError(f"{tech} {rate:g} is outside 0..{MAX_DEGRADATION_PER_YEAR}: give the share of output lost a year "
                                 "(e.g. 0.005 for 0.5%/yr)")
        return value
