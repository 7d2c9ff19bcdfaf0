"""Reference case: off-grid solar + storage + gas for a 24/7 AI load (Paces / Scale Microgrids / Stripe,
Dec 2024, via ../shared/reference/anchors.md). The plan is fed the study's own inputs, read in the study's
open model (STUDY_ASSUMPTIONS below, side by side with what the catalog would give), and its cost of power
at 0%, 44% and 90% solar is within ±20% of the study's and rises towards all-solar.

Issue 31 item 7: the 44% point was 71.8 USD/MWh here (23% below the study's 93, and below gas only) while the
test gave the plan the study's capital costs but the catalog's gas, battery and solar O&M, let the LP run
turbines beside solar and left out the study's soft costs and microgrid integration. The study prices its
solar cases with gas engines at 25 USD/MWh variable O&M (its gas-only case with turbines at 5), adds 11.8%
soft costs to all hard capital and 410 USD/kW of load for the microgrid; with those the point is ~92.
Measured one by one at 44% (LP, this synthetic El Paso year): 71.8 as before; study O&M, heat rates,
battery and no outage derate 69.7 (the LP keeps turbines); + soft costs 73.0; engines instead (as the
study) 82.0; engines + soft costs 85.9; + integration 92.1."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from conftest import EXAMPLES
from gigawatt import catalog, load_scenario
from gigawatt.core.finance import capital_recovery_factor
from gigawatt.core.units import HOURS_PER_YEAR
from gigawatt.power.inputs import supply_option
from gigawatt.power.plan import plan_inputs
from gigawatt.power.solve import optimise
from gigawatt.weather.synthetic import DC_AC_RATIO

TOLERANCE = 0.20  # issue 3: ±20% along the study's curve
STUDY_LCOE_USD_PER_MWH = {0.0: 86.0, 0.44: 93.0, 0.90: 109.0}  # gas only; 44% solar; 90% solar
ITC = 0.30  # investment tax credit on solar and storage in the study
GAS_USD_PER_MMBTU, GAS_ESCALATION, YEARS = 5.0, 0.03, 20
EQUITY_SHARE, EQUITY_RATE, DEBT_RATE = 0.30, 0.11, 0.075

# The study's inputs as its open model carries them: bengineer19/lcoe-solar-datacenter ("an extension of the
# model developed by the offgridai.us team"; read in the fork christianhvejsel/cost-calculator, snapshot 1af208a,
# 2025-08-08): core/defaults.py (costs, O&M, finance), core/powerflow_model.py (solar, battery, dispatch),
# core/datacenter.py (pro forma). Its capital costs, gas price, finance and ITC are those anchors.md lists for
# the whitepaper. Columns: item, the study, what this test gives the plan, what the catalog gives by default.
STUDY_ASSUMPTIONS = (
    ("solar capex", "0.77 USD/W DC (modules .22, inverters .05, racking .18, BOS .12, labour .20)",
     "same, per kW AC at DC/AC 1.3, less the ITC", "ATB 2024 1,379 USD/kW AC"),
    ("solar O&M", "11 USD/kW DC-yr, +2.5%/yr", "11 USD/kW DC-yr, flat", "21.6 USD/kW AC-yr"),
    ("solar profile", "PVGIS TMY El Paso, pvlib single-axis, DC/AC 1.2, -0.5%/yr", "synthetic 2025 El Paso sky, single-axis, DC/AC 1.3",
     "same as the test"),
    ("battery", "260 USD/kWh all-in, 4 h fixed, round trip 0.92, 2.5 USD/kW-yr", "260 USD/kWh less ITC, any duration, 0.92, 2.5",
     "ATB split 440 USD/kW + 332 USD/kWh, 0.85, 44.3 USD/kW-yr"),
    ("gas in the solar cases", "engines 1,150 USD/kW, 8,989 Btu/kWh, 10 USD/kW-yr, 25 USD/MWh", "the same engines",
     "gas_recip 8,425 Btu/kWh, 15 USD/MWh; gas_ct_aero 2,275 USD/kW"),
    ("gas in the gas-only case", "turbines 885 USD/kW, 9,630 Btu/kWh, 15 USD/kW-yr, 5 USD/MWh", "the same turbines",
     "gas_ct_aero 9,447 Btu/kWh, 9.99 USD/kW-yr, 5.97 USD/MWh"),
    ("gas part load and starts", "flat heat rate, no minimum output, no start cost", "the same (no commitment)",
     "commitment: catalog unit_commitment (Kumar 2012 starts)"),
    ("gas backup", "125 MW nameplate per 100 MW load", "reserve margin 25%, no outage derate", "forced-outage derate 3-5%"),
    ("fuel", "5 USD/MMBtu +3%/yr", "levelised at the WACC (5.93)", "3.52 USD/MMBtu"),
    ("soft costs", "11.8% of hard capex (EPC 5, taxes 5, other 1.8)", "on every capex", "none"),
    ("microgrid integration", "410 USD/kW of load (+6 USD/kW-yr BOS O&M), every case", "added to the LCOE", "none"),
    ("finance", "70% debt at 7.5%, 20 y; equity 11% after 21% tax; MACRS; ITC 30% on solar+BESS; 2 y build; O&M +2.5%/yr",
     "WACC 8.55% pre-tax over 20 y; ITC off the capex", "catalog WACC and lifetimes"),
    ("dispatch", "rules: solar to load, surplus to battery, battery then gas for deficits", "least-cost LP", "least-cost LP"),
    ("solar share", "solar's share of lifetime energy (Pareto frontier of configurations)", "annual carbon-free share >= the point",
     "same as the test"),
)
SOFT_COST_SHARE = (0.50 + 5.00 + 0.50 + 0.05 + 0.25 + 0.50 + 5.00) / 100
INTEGRATION_USD_PER_KW_LOAD, BOS_OM_USD_PER_KW_LOAD_YEAR = 300 + 50 + 60, 6.0
ENGINE = dict(capex_usd_per_kw=800 + 200 + 150, heat_rate_mmbtu_per_mwh=8.989, fom_usd_per_kw_year=10.0, vom_usd_per_mwh=25.0)
TURBINE = dict(capex_usd_per_kw=635 + 150 + 100, heat_rate_mmbtu_per_mwh=9.630, fom_usd_per_kw_year=15.0, vom_usd_per_mwh=5.0)


def levelised_fuel_price(discount_rate: float) -> float:
    """The constant price with the same present value as 5 USD/MMBtu rising 3% a year for 20 years."""
    weights = [(1 + discount_rate) ** -t for t in range(1, YEARS + 1)]
    prices = [GAS_USD_PER_MMBTU * (1 + GAS_ESCALATION) ** (t - 1) for t in range(1, YEARS + 1)]
    return sum(p * w for p, w in zip(prices, weights)) / sum(weights)


def integration_usd_per_mwh(discount_rate: float) -> float:
    """The study's microgrid integration (with its soft costs) and BOS O&M, per MWh of a flat load."""
    annual = INTEGRATION_USD_PER_KW_LOAD * (1 + SOFT_COST_SHARE) * capital_recovery_factor(discount_rate, YEARS) + BOS_OM_USD_PER_KW_LOAD_YEAR
    return annual * 1000 / HOURS_PER_YEAR


def study_options(discount_rate: float, solar: bool) -> dict:
    """Supply options at the study's inputs: solar, battery and engines, or turbines alone for gas only."""
    table = catalog.technologies().set_index("technology")
    soft, fuel = 1 + SOFT_COST_SHARE, levelised_fuel_price(discount_rate)

    def option(tech: str, **figures: float):
        row = table.loc[tech].rename(tech).to_frame().T.reset_index(names="technology").iloc[0]
        return supply_option(row, discount_rate, lifetime_years=YEARS, **figures)

    gas = dict(fuel_price_usd_per_mmbtu=fuel, forced_outage_rate=0.0)
    if not solar:
        return {"gas_ct_aero": option("gas_ct_aero", **gas, **{**TURBINE, "capex_usd_per_kw": TURBINE["capex_usd_per_kw"] * soft})}
    return {
        # the study prices modules per W DC; our PV is per kW AC at DC_AC_RATIO kW DC each
        "utility_pv": option("utility_pv", capex_usd_per_kw=770 * DC_AC_RATIO * soft * (1 - ITC), fom_usd_per_kw_year=11 * DC_AC_RATIO),
        "battery_li_ion": option("battery_li_ion", capex_usd_per_kw=0.0, capex_usd_per_kwh=260 * soft * (1 - ITC),
                                 fom_usd_per_kw_year=2.5, efficiency=0.92),
        "gas_recip": option("gas_recip", **gas, **{**ENGINE, "capex_usd_per_kw": ENGINE["capex_usd_per_kw"] * soft}),
    }


@pytest.fixture(scope="module")
def study_plans():
    """LCOE (USD/MWh) of the off-grid plan at each solar share of the study, with the study's inputs."""
    rate = EQUITY_SHARE * EQUITY_RATE + (1 - EQUITY_SHARE) * DEBT_RATE
    scenario = load_scenario(EXAMPLES / "west-texas-offgrid.yaml", [
        f"costs.discount_rate={rate}",
        "constraints.reserve_margin=0.25",  # the study keeps 125% gas backup
    ])
    inputs = plan_inputs(scenario)
    flat = pd.Series(float(inputs.load_mw.mean()), index=inputs.load_mw.index)  # the study's load is 24/7 flat
    produced = {}
    for share in STUDY_LCOE_USD_PER_MWH:
        case = replace(inputs, load_mw=flat, options=study_options(rate, solar=share > 0), carbon_free_share=share or None)
        plan = optimise(case)
        assert plan.carbon_free_share >= share - 1e-6
        produced[share] = plan.lcoe_usd_per_mwh + integration_usd_per_mwh(rate)
    return produced


def test_the_side_by_side_covers_what_the_issue_asks():
    items = " ".join(row[0] for row in STUDY_ASSUMPTIONS)
    for word in ("capex", "fuel", "heat", "finance", "battery", "profile", "part load", "backup"):
        assert word in items or any(word in row[1] for row in STUDY_ASSUMPTIONS), word


def test_integration_adder_is_the_studys_figures_annualised():
    # 410 USD/kW x 1.118 soft costs over 20 years at 8.55%, plus 6 USD/kW-yr, per MWh of a flat 1 kW
    assert integration_usd_per_mwh(0.0855) == pytest.approx((410 * 1.118 * 0.106056 + 6) / 8.76, rel=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("share", [0.0, 0.44, 0.90])
def test_offgrid_cost_matches_the_study(study_plans, share):
    # measured (2025 synthetic El Paso sky): gas only 88.1 vs 86 (+2.5%); 44% solar 92.1 vs 93 (-1%); 90% solar 102.9 vs 109 (-6%)
    assert study_plans[share] == pytest.approx(STUDY_LCOE_USD_PER_MWH[share], rel=TOLERANCE)


@pytest.mark.slow
def test_cost_rises_towards_an_all_solar_supply(study_plans):
    # the study: 86 -> 93 -> 109, a rise of 17% from 44% to 90% solar
    assert study_plans[0.0] < study_plans[0.44] < study_plans[0.90]
