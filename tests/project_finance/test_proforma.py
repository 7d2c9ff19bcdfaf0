"""Closed-form checks of the pro forma and its metrics: SAM's LCOE against the capital-recovery formula, NPV at
the IRR, IRRs that do not exist or are not unique, and the break-even price moving the right way."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gigawatt.core.finance import capital_recovery_factor
from gigawatt.project_finance.metrics import irr_of, npv_of
from gigawatt.project_finance.proforma import AssetClass, ProFormaInputs, Revenue, pro_forma, with_finance
from gigawatt.project_finance.scenario import Debt, Depreciation, Finance

YEARS = 20
CAPITAL_USD = 1.0e9
OM_USD_PER_YEAR = 3.0e7
ENERGY_MWH_PER_YEAR = 4.0e6
ACCELERATORS = 100_000
HOURS_PER_YEAR = 8760
UTILISATION = 0.8  # share of accelerator-hours delivered
ACCELERATOR_CAPITAL_USD = ACCELERATORS * 30_000.0  # a rack-scale accelerator's share of system price, USD (illustrative)


def _flat(price: float | None = 100.0, **finance: object) -> ProFormaInputs:
    settings = {"analysis_years": YEARS, "inflation_rate_per_year": 0.0, "target_equity_return_per_year": 0.08, "income_tax_rate": 0.0, **finance}
    return ProFormaInputs(
        finance=Finance(**settings),
        assets=[AssetClass("plant", [CAPITAL_USD] + [0.0] * YEARS, om_fixed_usd_by_year=[OM_USD_PER_YEAR] * YEARS)],
        energy_delivered_mwh_by_year=[ENERGY_MWH_PER_YEAR] * YEARS,
        revenue=Revenue(unit="mwh", units_by_year=[ENERGY_MWH_PER_YEAR] * YEARS, price_usd_per_unit=price),
    )


def _campus(life_years: float, interest: float = 0.06) -> ProFormaInputs:
    hours = [ACCELERATORS * HOURS_PER_YEAR * UTILISATION] * YEARS
    return ProFormaInputs(
        finance=Finance(analysis_years=YEARS, inflation_rate_per_year=0.025, target_equity_return_per_year=0.12, income_tax_rate=0.2653,
                        accelerator_life_years=life_years, insurance_share_per_year=0.005,
                        debt=Debt(debt_fraction=0.5, tenor_years=10, interest_rate_per_year=interest, upfront_fee_share=0.01),
                        tokens_per_accelerator_hour=3.0e6),
        assets=[
            AssetClass("accelerators", [ACCELERATOR_CAPITAL_USD] + [0.0] * YEARS, Depreciation(method="macrs_5"), replacement="accelerator"),
            AssetClass("building", [CAPITAL_USD] + [0.0] * YEARS, Depreciation(method="straight_line", straight_line_years=39),
                       om_fixed_usd_by_year=[OM_USD_PER_YEAR] * YEARS),
        ],
        energy_delivered_mwh_by_year=[ENERGY_MWH_PER_YEAR] * YEARS,
        electricity_usd_by_year=[ENERGY_MWH_PER_YEAR * 60.0] * YEARS,
        accelerator_hours_by_year=hours,
        revenue=Revenue(unit="accelerator_hour", units_by_year=hours),
    )


def test_lcoe_is_the_capital_recovery_formula_without_tax_debt_or_escalation():
    result = pro_forma(_flat())
    expected = (CAPITAL_USD * capital_recovery_factor(0.08, YEARS) + OM_USD_PER_YEAR) / ENERGY_MWH_PER_YEAR
    assert result.lcoe_nominal_usd_per_mwh == pytest.approx(expected, rel=1e-12)
    assert result.lcoe_real_usd_per_mwh == pytest.approx(expected, rel=1e-12)  # no inflation: real = nominal
    assert result.break_even_usd_per_unit == pytest.approx(expected, rel=1e-9)  # the price that earns exactly 8%


def test_npv_at_the_irr_is_zero_and_the_irr_is_numpy_financials():
    result = pro_forma(_flat(price=120.0))
    flows = result.cash_flows["equity_cash_flow_usd"].to_numpy()
    assert result.equity_irr.rate_per_year is not None and result.equity_irr.reason is None
    assert abs(npv_of(result.equity_irr.rate_per_year, flows)) <= 1e-6 * CAPITAL_USD
    assert result.equity_irr_real.rate_per_year == pytest.approx(result.equity_irr.rate_per_year)  # no inflation


def test_cash_flows_of_one_sign_have_no_irr():
    irr = irr_of(np.array([-100.0, -5.0, -5.0]))
    assert irr.rate_per_year is None and irr.reason.startswith("no IRR")
    result = pro_forma(_flat(price=0.0))  # no revenue: equity only pays
    assert result.equity_irr.rate_per_year is None and "one sign" in result.equity_irr.reason
    assert json.dumps(result.to_dict())  # JSON-safe: the missing rate is null, not NaN


def test_two_sign_changes_with_two_roots_are_not_unique():
    irr = irr_of(np.array([-1.0, 2.3, -1.32]))  # NPV zero at 10% and at ~23.4% a year
    assert irr.rate_per_year is None and irr.reason.startswith("IRR not unique")
    assert "10.0000%" in irr.reason


def test_sign_changes_without_a_root_have_no_irr():
    irr = irr_of(np.array([-1.0, 1.0, -1.0]))  # -1 + x - x^2 has no real root: no rate makes the NPV zero
    assert irr.rate_per_year is None and "change sign 2 times but no rate" in irr.reason


def test_a_longer_accelerator_life_never_raises_the_break_even_price():
    prices = [pro_forma(_campus(life)).break_even_usd_per_accelerator_hour for life in (2, 3, 4, 5, 6, 8)]
    assert all(p is not None and p > 0 for p in prices)
    assert all(later <= earlier * (1 + 1e-12) for earlier, later in zip(prices, prices[1:])), prices


def test_a_higher_interest_rate_never_lowers_the_break_even_price():
    prices = [pro_forma(_campus(5, interest)).break_even_usd_per_accelerator_hour for interest in (0.03, 0.05, 0.07, 0.09, 0.12)]
    assert all(later >= earlier * (1 - 1e-12) for earlier, later in zip(prices, prices[1:])), prices


def test_the_break_even_price_zeroes_equity_npv_and_gives_a_token_price():
    result = pro_forma(_campus(5))
    assert abs(result.equity_npv_usd) <= 1e-6 * CAPITAL_USD  # priced at the break-even when no price is given
    assert result.break_even_usd_per_million_tokens == pytest.approx(result.break_even_usd_per_accelerator_hour / 3.0)
    frames = result.to_frames()
    assert list(frames) == ["cash_flows", "sources_and_uses"] and len(frames["cash_flows"]) == YEARS + 1
    uses = frames["sources_and_uses"]
    assert uses[uses.side == "use"].usd.sum() == pytest.approx(uses[uses.side == "source"].usd.sum())
    # replacements at a 5-year life: years 5, 10, 15 (not 20, the last: it would serve only years after the analysis),
    # each at the capital grown by inflation
    replaced = frames["cash_flows"].set_index("year")["replacements_usd"]
    assert list(replaced[replaced > 0].index) == [5, 10, 15]
    assert replaced[5] == pytest.approx(ACCELERATOR_CAPITAL_USD * 1.025**5)


def test_leasing_accelerators_replaces_their_capital():
    owned = _campus(5)
    leased = with_finance(owned, lease_usd_per_accelerator_year=12_000.0)
    leased = type(owned)(**{**owned.__dict__, "finance": leased.finance, "accelerators_in_service_by_year": [ACCELERATORS] * YEARS})
    result = pro_forma(leased)
    assert result.cash_flows["replacements_usd"].sum() == 0
    assert result.cash_flows.loc[1, "accelerator_lease_usd"] == pytest.approx(12_000.0 * ACCELERATORS)
