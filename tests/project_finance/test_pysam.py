"""The pro forma against NREL SAM's Single Owner model (PySAM), run side by side on the same inputs.

Two reference cases: (a) a solar + storage plant with the 30% investment credit and 5-year MACRS, debt a fixed
fraction; (b) a gas plant with no credits, debt sized by a target DSCR. Every SAM input the comparison relies on
is set explicitly (SAM's defaults carry a production credit, reserves, construction financing and state tax).

Conventions both sides share by construction (so nothing here is tuned to agree): year 0 is close, costs are in
first-year dollars escalated by 1 + inflation + escalation, the ITC is paid in year 1 and half of it leaves the
depreciable basis, property tax is on a flat assessed value, salvage is nominal income in the last year.
Differences left, each well inside the tolerance:
- the debt fee: gigawatt solves D = f (C + fee D) exactly; SAM takes the fee on its first estimate of the debt
  (D = f (C + fee f C)), a relative difference of fee x f^2 x fee ~ 1e-5 in the debt;
- fuel: SAM's Single Owner run alone leaves its fuel expense at zero whatever ``annual_fuel_usage`` says (PySAM
  7.1.1), so the gas plant's fuel bill enters SAM as ``om_fixed`` with the fuel's escalation: the same dollars;
- SAM's combined tax rate is state + federal x (1 - state); here SAM's state rate is 0 and its federal rate is
  gigawatt's combined rate, so both tax the same income at the same rate.
"""

from __future__ import annotations

import numpy as np
import pytest

from gigawatt.project_finance.proforma import AssetClass, ProFormaInputs, Revenue, pro_forma
from gigawatt.project_finance.scenario import Credit, Debt, Depreciation, Finance

so = pytest.importorskip("PySAM.Singleowner", reason="nrel-pysam is not installed (pip install -e '.[dev]' brings it)")

RELATIVE_TOLERANCE = 0.005  # the 0.5% relative
HOURS_PER_YEAR = 8760
ZERO_SAM = ("construction_financing_cost", "cost_debt_closing", "cost_other_financing", "dscr_reserve_months",
            "months_working_reserve", "months_receivables_reserve", "equip1_reserve_cost", "equip2_reserve_cost",
            "equip3_reserve_cost", "prop_tax_assessed_decline", "depr_alloc_macrs_15_percent", "depr_alloc_sl_15_percent",
            "depr_alloc_sl_20_percent", "depr_alloc_sl_39_percent", "depr_alloc_sl_5_percent", "depr_alloc_custom_percent",
            "depr_alloc_macrs_5_percent", "depr_bonus_fed", "depr_bonus_sta", "om_fixed_escal", "om_production_escal",
            "om_capacity_escal", "om_fuel_cost_escal", "system_use_lifetime_output", "dscr_limit_debt_fraction",
            "loan_moratorium", "system_use_recapitalization")
ZERO_SAM_ARRAYS = ("degradation", "state_tax_rate", "itc_sta_percent", "itc_fed_amount", "itc_sta_amount", "ptc_fed_amount",
                   "ptc_sta_amount", "om_fixed", "om_production", "om_capacity", "om_fuel_cost", "om_land_lease",
                   "cp_capacity_payment_amount", "grid_curtailment_price", "pbi_fed_amount", "pbi_sta_amount",
                   "pbi_uti_amount", "pbi_oth_amount")


def _sam(case: dict) -> dict[str, float]:
    """Run PySAM's Single Owner on a case, every input the comparison reads set explicitly."""
    m = so.default("PVWattsSingleOwner")
    for name in ZERO_SAM:
        m.value(name, 0.0)
    for name in ZERO_SAM_ARRAYS:
        m.value(name, [0.0])
    years = case["years"]
    m.value("analysis_period", years)
    m.value("system_capacity", case["capacity_kw"])
    m.value("gen", list(case["gen_kw"]))
    m.value("ppa_soln_mode", 1)
    m.value("ppa_price_input", [case["ppa_usd_per_mwh"] / 1000])
    m.value("ppa_escalation", case["ppa_escalation"] * 100)
    m.value("ppa_multiplier_model", 1)
    m.value("dispatch_factors_ts", [1.0] * HOURS_PER_YEAR)
    m.value("inflation_rate", case["inflation"] * 100)
    m.value("real_discount_rate", ((1 + case["nominal"]) / (1 + case["inflation"]) - 1) * 100)
    m.value("federal_tax_rate", [case["tax"] * 100])
    m.value("insurance_rate", case["insurance"] * 100)
    m.value("property_tax_rate", case["property_tax"] * 100)
    m.value("prop_tax_cost_assessed_percent", 100.0)
    m.value("salvage_percentage", case["salvage"] * 100)
    m.value("total_installed_cost", case["capital_usd"])
    m.value("om_capacity", [case["om_usd_per_kw_year"]])
    m.value("om_production", [case["om_usd_per_mwh"]])
    # the fuel bill as a fixed yearly cost escalating as fuel: Single Owner run alone leaves cf_om_fuel_expense at 0
    # whatever annual_fuel_usage says (PySAM 7.1.1), so the same dollars enter through om_fixed
    m.value("om_fixed", [case.get("fuel_usd_per_mmbtu", 0.0) * case.get("fuel_mmbtu", 0.0)])
    m.value("om_fixed_escal", case.get("fuel_escalation", 0.0) * 100)
    m.value(case["sam_depreciation"], 100.0)
    m.value("depr_itc_fed_macrs_5", 1.0)
    m.value("depr_itc_fed_macrs_15", 1.0)
    m.value("itc_fed_percent", [case["itc"] * 100])
    m.value("itc_fed_percent_maxvalue", [1e38])
    m.value("term_tenor", case["tenor"])
    m.value("term_int_rate", case["interest"] * 100)
    m.value("cost_debt_fee", case["fee"] * 100)
    if "dscr" in case:
        m.value("debt_option", 1)
        m.value("dscr", case["dscr"])
        m.value("dscr_maximum_debt_fraction", 100.0)
    else:
        m.value("debt_option", 0)
        m.value("debt_percent", case["debt_fraction"] * 100)
        m.value("payment_option", 0)  # equal payments
    m.execute()
    o = m.Outputs
    return {"equity_irr": o.project_return_aftertax_irr / 100, "equity_npv_usd": o.project_return_aftertax_npv,
            "lcoe_nominal_usd_per_mwh": o.lcoe_nom * 10, "lcoe_real_usd_per_mwh": o.lcoe_real * 10, "min_dscr": o.min_dscr,
            "debt_usd": o.size_of_debt}


def _gigawatt(case: dict) -> dict[str, float]:
    energy_mwh = float(np.sum(case["gen_kw"])) / 1000
    years = case["years"]
    debt = (Debt(target_dscr=case["dscr"], tenor_years=case["tenor"], interest_rate_per_year=case["interest"], upfront_fee_share=case["fee"])
            if "dscr" in case else
            Debt(debt_fraction=case["debt_fraction"], tenor_years=case["tenor"], interest_rate_per_year=case["interest"], upfront_fee_share=case["fee"]))
    finance = Finance(analysis_years=years, inflation_rate_per_year=case["inflation"], target_equity_return_per_year=case["nominal"],
                      income_tax_rate=case["tax"], debt=debt, insurance_share_per_year=case["insurance"],
                      property_tax_share_per_year=case["property_tax"], salvage_share=case["salvage"],
                      fuel_escalation_per_year=case.get("fuel_escalation", 0.0))
    credit = Credit(kind="investment", investment_share=case["itc"]) if case["itc"] else None
    assets = []
    for name, share in case["assets"].items():  # the plant's classes, each with its share of capital and fixed O&M
        assets.append(AssetClass(
            name=name, capital_usd_by_year=[case["capital_usd"] * share] + [0.0] * years,
            depreciation=Depreciation(method=case["depreciation"]), credit=credit, supply=True,
            om_fixed_usd_by_year=[share * case["om_usd_per_kw_year"] * case["capacity_kw"]] * years,
            om_variable_usd_by_year=[share * case["om_usd_per_mwh"] * energy_mwh] * years,
            fuel_usd_by_year=[share * case.get("fuel_usd_per_mmbtu", 0.0) * case.get("fuel_mmbtu", 0.0)] * years,
        ))
    result = pro_forma(ProFormaInputs(
        finance=finance, assets=assets, energy_delivered_mwh_by_year=[energy_mwh] * years,
        revenue=Revenue(unit="mwh", units_by_year=[energy_mwh] * years, price_usd_per_unit=case["ppa_usd_per_mwh"],
                        escalation_per_year=case["ppa_escalation"]),
    ))
    return {"equity_irr": result.equity_irr.rate_per_year, "equity_npv_usd": result.equity_npv_usd,
            "lcoe_nominal_usd_per_mwh": result.lcoe_nominal_usd_per_mwh, "lcoe_real_usd_per_mwh": result.lcoe_real_usd_per_mwh,
            "min_dscr": result.min_dscr, "debt_usd": result.debt_usd}


def _solar_storage_gen_kw(capacity_kw: float) -> np.ndarray:
    """A PV + 4-hour battery plant's hourly output, kW: a clear-sky half-sine 06-18 h, the battery shifting part
    of the midday into 18-22 h (the plant's output is all SAM's Single Owner reads)."""
    hour = np.arange(HOURS_PER_YEAR) % 24
    day = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None) * capacity_kw * 0.8
    evening = np.where((hour >= 18) & (hour < 22), 0.2 * capacity_kw, 0.0)
    season = 1 + 0.2 * np.cos(2 * np.pi * (np.arange(HOURS_PER_YEAR) / HOURS_PER_YEAR - 0.5))
    return day * season * 0.9 + evening


SOLAR_STORAGE = {
    "years": 25, "capacity_kw": 100_000.0, "capital_usd": 100_000.0 * 1_600 + 50_000.0 * 4 * 300,  # PV 1,600 USD/kW; battery 300 USD/kWh
    "ppa_usd_per_mwh": 85.0, "ppa_escalation": 0.01, "inflation": 0.025, "nominal": 0.09, "tax": 0.2653,
    "insurance": 0.005, "property_tax": 0.01, "salvage": 0.05, "om_usd_per_kw_year": 25.0, "om_usd_per_mwh": 1.0,
    "depreciation": "macrs_5", "sam_depreciation": "depr_alloc_macrs_5_percent", "itc": 0.30,
    "tenor": 18, "interest": 0.06, "fee": 0.0275, "debt_fraction": 0.45, "assets": {"solar_pv": 0.727, "battery": 0.273},
}
GAS = {
    "years": 30, "capacity_kw": 200_000.0, "capital_usd": 200_000.0 * 1_100, "ppa_usd_per_mwh": 58.0, "ppa_escalation": 0.02,
    "inflation": 0.025, "nominal": 0.10, "tax": 0.2653, "insurance": 0.006, "property_tax": 0.012, "salvage": 0.0,
    "om_usd_per_kw_year": 20.0, "om_usd_per_mwh": 4.5, "fuel_usd_per_mmbtu": 3.5, "fuel_escalation": 0.005,
    "depreciation": "macrs_15", "sam_depreciation": "depr_alloc_macrs_15_percent", "itc": 0.0,
    "tenor": 18, "interest": 0.07, "fee": 0.0275, "dscr": 1.35, "assets": {"gas_cc": 1.0},
}
GAS["gen_kw"] = np.full(HOURS_PER_YEAR, GAS["capacity_kw"] * 0.6)
GAS["fuel_mmbtu"] = float(GAS["gen_kw"].sum()) / 1000 * 6.8  # a combined cycle's heat rate ~6.8 MMBtu/MWh (EIA AEO 2025 cost table)
SOLAR_STORAGE["gen_kw"] = _solar_storage_gen_kw(SOLAR_STORAGE["capacity_kw"])

FIGURES = ("equity_irr", "equity_npv_usd", "lcoe_nominal_usd_per_mwh", "lcoe_real_usd_per_mwh", "min_dscr", "debt_usd")


@pytest.mark.parametrize("case", [SOLAR_STORAGE, GAS], ids=["solar_storage_itc_macrs5", "gas_dscr"])
def test_agrees_with_sam_single_owner(case: dict) -> None:
    sam, ours = _sam(case), _gigawatt(case)
    for figure in FIGURES:
        assert ours[figure] == pytest.approx(sam[figure], rel=RELATIVE_TOLERANCE), (figure, ours[figure], sam[figure])


if __name__ == "__main__":  # print the side-by-side table of the closing note
    for label, case in (("solar + storage, ITC, MACRS-5", SOLAR_STORAGE), ("gas, DSCR", GAS)):
        sam, ours = _sam(case), _gigawatt(case)
        for figure in FIGURES:
            print(f"| {label} | {figure} | {ours[figure]:.6g} | {sam[figure]:.6g} | {ours[figure] / sam[figure] - 1:+.2e} |")
