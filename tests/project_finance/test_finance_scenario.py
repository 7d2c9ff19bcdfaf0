"""Bad finance inputs: each refused in one line naming the field and the fix (ScenarioError, as the CLI prints)."""

from __future__ import annotations

import pytest

from gigawatt.core.errors import ScenarioError
from gigawatt.core.inputs import parse_scenario
from gigawatt.project_finance.proforma import AssetClass, ProFormaInputs, pro_forma
from gigawatt.project_finance.scenario import Finance


def _error(data: dict) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data, origin="finance", model=Finance)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize(("data", "field", "fix"), [
    ({"debt": {"debt_fraction": 1.2, "interest_rate_per_year": 0.06}}, "debt.debt_fraction", "between 0 and 1"),
    ({"debt": {"debt_fraction": -0.1, "interest_rate_per_year": 0.06}}, "debt.debt_fraction", "between 0 and 1"),
    ({"debt": {"target_dscr": 0.8}}, "debt.target_dscr", "at least 1"),
    ({"debt": {"interest_rate_per_year": 0.06}}, "debt", "debt_fraction"),
    ({"accelerator_life_years": 0}, "accelerator_life_years", "above 0"),
    ({"battery_life_years": -3}, "battery_life_years", "above 0"),
    ({"om_escalation_per_year": -1.0}, "om_escalation_per_year", "above -1"),
    ({"fuel_escalation_per_year": -1.5}, "fuel_escalation_per_year", "above -1"),
    ({"ppa": {"price_usd_per_mwh": 60, "escalation_per_year": -1}}, "ppa.escalation_per_year", "above -1"),
    ({"depreciation": {"building": {"method": "straight_line"}}}, "depreciation.building", "straight_line_years"),
    ({"credits": {"solar_pv": {"kind": "investment", "production_usd_per_mwh": 27.5}}}, "credits.solar_pv", "change kind"),
    ({"analysis_years": 0}, "analysis_years", "greater than or equal to 1"),
])
def test_a_bad_finance_input_is_one_line_naming_the_field(data, field, fix):
    message = _error(data)
    assert f"'{field}'" in message and fix in message, message


def test_a_dscr_no_debt_can_meet_names_the_field():
    finance = Finance(target_equity_return_per_year=0.1, income_tax_rate=0.25, analysis_years=10,
                      debt={"target_dscr": 1.3, "interest_rate_per_year": 0.06})
    inputs = ProFormaInputs(finance=finance, assets=[AssetClass("plant", [1e6] + [0.0] * 10, om_fixed_usd_by_year=[1e5] * 10)],
                            energy_delivered_mwh_by_year=[1e4] * 10)  # no revenue: CFADS is negative every year
    with pytest.raises(ScenarioError, match=r"finance\.debt\.target_dscr 1\.3: .* no debt meets it"):
        pro_forma(inputs)


def test_a_setting_left_to_the_catalog_is_named_when_the_pro_forma_needs_it():
    inputs = ProFormaInputs(finance=Finance(income_tax_rate=0.2), assets=[], energy_delivered_mwh_by_year=[0.0] * 30)
    with pytest.raises(ScenarioError, match=r"finance\.target_equity_return_per_year has no value"):
        pro_forma(inputs)
