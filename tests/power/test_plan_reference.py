"""Reference case: off-grid solar + storage + gas for a 24/7 AI load (Paces / Scale Microgrids / Stripe,
Dec 2024, via ../shared/reference/anchors.md): with the study's cost inputs, the plan's cost of power at
0% and 90% solar is within ±20% of the study and rises steeply towards all-solar; the 44% point is a
known, explained deviation (strict xfail, so it fails loudly if the model changes)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from conftest import EXAMPLES
from gigawatt import load_scenario
from gigawatt.power.plan import plan_inputs
from gigawatt.power.solve import optimise
from gigawatt.weather.synthetic import DC_AC_RATIO

TOLERANCE = 0.20  # issue 3: ±20% along the study's curve
STUDY_LCOE_USD_PER_MWH = {0.0: 86.0, 0.44: 93.0, 0.90: 109.0}  # gas only; 44% solar; 90% solar
ITC = 0.30  # investment tax credit on solar and storage in the study
GAS_USD_PER_MMBTU, GAS_ESCALATION, YEARS = 5.0, 0.03, 20
EQUITY_SHARE, EQUITY_RATE, DEBT_RATE = 0.30, 0.11, 0.075


def levelised_fuel_price(discount_rate: float) -> float:
    """The constant price with the same present value as 5 USD/MMBtu rising 3% a year for 20 years."""
    weights = [(1 + discount_rate) ** -t for t in range(1, YEARS + 1)]
    prices = [GAS_USD_PER_MMBTU * (1 + GAS_ESCALATION) ** (t - 1) for t in range(1, YEARS + 1)]
    return sum(p * w for p, w in zip(prices, weights)) / sum(weights)


@pytest.fixture(scope="module")
def study_plans():
    """LCOE (USD/MWh) of the off-grid plan at each solar share of the study, with the study's inputs."""
    rate = EQUITY_SHARE * EQUITY_RATE + (1 - EQUITY_SHARE) * DEBT_RATE
    fuel = levelised_fuel_price(rate)
    overrides = [
        f"costs.discount_rate={rate}",
        # the study prices modules per W DC; our PV is per kW AC at DC_AC_RATIO kW DC each
        f"supply.limits.utility_pv.capex_usd_per_kw={770 * DC_AC_RATIO * (1 - ITC)}",
        "supply.limits.battery_li_ion.capex_usd_per_kw=0",
        f"supply.limits.battery_li_ion.capex_usd_per_kwh={260 * (1 - ITC)}",
        "supply.limits.gas_recip.capex_usd_per_kw=1150",
        f"supply.limits.gas_recip.fuel_price_usd_per_mmbtu={fuel}",
        "supply.limits.gas_ct_aero.capex_usd_per_kw=885",
        f"supply.limits.gas_ct_aero.fuel_price_usd_per_mmbtu={fuel}",
        "constraints.reserve_margin=0.25",  # the study keeps 125% gas backup
        # the study finances everything over 20 years
        *(f"supply.limits.{t}.lifetime_years={YEARS}" for t in ("utility_pv", "battery_li_ion", "gas_recip", "gas_ct_aero")),
    ]
    scenario = load_scenario(EXAMPLES / "west-texas-offgrid.yaml", overrides)
    inputs = plan_inputs(scenario)
    flat = pd.Series(float(inputs.load_mw.mean()), index=inputs.load_mw.index)  # the study's load is 24/7 flat
    produced = {}
    for share in STUDY_LCOE_USD_PER_MWH:
        options = inputs.options if share else {k: v for k, v in inputs.options.items() if k.startswith("gas")}
        case = replace(inputs, load_mw=flat, options=options, carbon_free_share=share or None)
        plan = optimise(case)
        assert plan.carbon_free_share >= share - 1e-6
        produced[share] = plan.lcoe_usd_per_mwh
    return produced


@pytest.mark.slow
@pytest.mark.parametrize("share", [0.0, 0.90])
def test_offgrid_cost_matches_the_study(study_plans, share):
    # measured (2025 synthetic El Paso sky): gas only 80.2 vs 86 (-7%); 90% solar 93.3 vs 109 (-14%)
    assert study_plans[share] == pytest.approx(STUDY_LCOE_USD_PER_MWH[share], rel=TOLERANCE)


@pytest.mark.slow
def test_cost_rises_steeply_towards_an_all_solar_supply(study_plans):
    assert study_plans[0.90] > study_plans[0.44] * 1.2


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "44% solar costs 71.8 USD/MWh here, 23% below the study's 93 and below gas only: at the study's stated "
    "prices solar energy (~35 USD/MWh) undercuts the gas fuel it displaces (~55 USD/MWh), so a cost-minimising "
    "LP adds solar. Unit commitment does not close it (re-run with supply.limits.gas_recip/gas_ct_aero."
    "commitment=linear, catalog unit_commitment.csv: 50 MW aeroderivatives at >= 50% output, 25 USD/MW a start, "
    "heat rate 1.25x at minimum): 72.6 USD/MWh (-22%), the same build (1357 MW PV, 1164 MWh battery, 24.3 units "
    "of 50 MW), 6,263 unit starts and 7.8 MUSD/yr of start cost: with two dozen 50 MW units the gas fleet "
    "follows solar by switching whole units off, so minimum output and part-load heat rates barely bind. The "
    "study's rise must come from what it does not state: land, interconnection, balance-of-system costs or "
    "different solar and storage inputs."))
def test_mid_solar_share_matches_the_study(study_plans):
    assert study_plans[0.44] == pytest.approx(STUDY_LCOE_USD_PER_MWH[0.44], rel=TOLERANCE)
