"""Cross-checks of the bundled supply-technology catalog (``catalog/technologies.csv``).

1. internal consistency: required ids, fuelled rows carry heat rate and fuel price, efficiency = 3.412 /
   heat rate, CO2 = heat rate x EPA emission factor;
2. the NREL ATB 2024 figures quoted in ../shared/reference/anchors.md, within its +/-15% tolerance;
3. PyPSA technology-data ``US_costs_2025.csv`` (../shared/data/pypsa-technology-data), within 25% unless the
   catalog row's notes document the difference with the phrase "PyPSA <parameter>".
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from gigawatt import catalog
from gigawatt.core.errors import DataError

REQUIRED = {
    "utility_pv", "onshore_wind", "battery_li_ion", "gas_cc", "gas_ct_aero", "gas_recip", "fuel_cell",
    "nuclear_ppa", "nuclear_smr", "grid_import", "diesel_backup",
}
MMBTU_PER_MWH = 3.412  # heat content of 1 MWh of electricity
# Direct combustion CO2 per MMBtu of fuel (HHV), t; EPA GHG Emission Factors Hub (natural gas 53.06,
# diesel/distillate No. 2 73.96 kgCO2/MMBtu). Uranium: no combustion CO2.
EMISSION_T_PER_MMBTU = {"gas": 0.05306, "diesel": 0.07396, "uranium": 0.0}
# Share of the combustion CO2 captured (NREL ATB 2024's CCS case for combined cycles: 95%, as packaged by PyPSA
# technology-data, capture_rate 0.95 'NREL, NREL ATB 2024')
CAPTURE_RATE = {"gas_cc_ccs": 0.95}
# Contracts whose announced terms were not disclosed: no price in the catalog, the scenario must give one
NO_PUBLIC_PRICE = {"fusion_ppa"}
ATB_TOLERANCE = 0.15  # anchors.md: "+/-15% where none is given"
PYPSA_TOLERANCE = 0.25
BATTERY_HOURS = 4  # the ATB battery figures are for a 4-hour system

PYPSA_FILE = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "pypsa-technology-data" / "US_costs_2025.csv"
)


@pytest.fixture(scope="module")
def tech() -> pd.DataFrame:
    return catalog.technologies().set_index("technology")


def rel(ours: float, theirs: float) -> float:
    return abs(ours - theirs) / abs(theirs)


# --- 1. internal consistency ---------------------------------------------------------------------------


def test_required_technologies_present(tech):
    missing = REQUIRED - set(tech.index)
    assert not missing, f"technologies.csv lacks {sorted(missing)}"
    assert all(t == t.lower() and " " not in t for t in tech.index), "ids must be snake_case"


def test_every_row_names_its_source_and_dollar_year(tech):
    for tid, row in tech.iterrows():
        assert len(row["source"]) > 30, tid
        assert row["notes"], f"{tid}: notes must say how the figures were derived"


def fuelled(tech: pd.DataFrame) -> pd.DataFrame:
    return tech[tech["heat_rate_mmbtu_per_mwh"].notna()]


def test_fuelled_rows_are_complete(tech):
    for tid, row in tech.iterrows():
        has_hr = not math.isnan(row["heat_rate_mmbtu_per_mwh"])
        has_fuel = not math.isnan(row["fuel_price_usd_per_mmbtu"])
        assert has_hr == has_fuel, f"{tid}: heat rate and fuel price go together"
        if row["carrier"] in ("gas", "diesel") and row["kind"] == "generator":
            assert has_hr, f"{tid}: a {row['carrier']}-fired generator needs a heat rate and fuel price"
        if row["carrier"] in ("solar", "wind", "electricity") or row["kind"] in ("contract", "grid", "storage"):
            assert not has_hr, f"{tid}: only fuelled generators carry a heat rate / fuel price"


@pytest.mark.parametrize("column", ["efficiency", "co2_t_per_mwh"])
def test_fuelled_rows_are_consistent(tech, column):
    rows = fuelled(tech)
    assert len(rows) >= 6  # gas_cc, gas_ct, gas_ct_aero, gas_recip, fuel_cell, diesel_backup, nuclear
    for tid, row in rows.iterrows():
        hr = row["heat_rate_mmbtu_per_mwh"]
        if column == "efficiency":  # efficiency = 3.412 / heat rate, within 1%
            assert row["efficiency"] == pytest.approx(MMBTU_PER_MWH / hr, rel=0.01), tid
        else:  # CO2 = heat rate x EPA factor, within 2%
            expected = hr * EMISSION_T_PER_MMBTU[row["carrier"]] * (1.0 - CAPTURE_RATE.get(tid, 0.0))
            assert row["co2_t_per_mwh"] == pytest.approx(expected, rel=0.02, abs=1e-9), tid


def test_non_fuelled_generators_emit_nothing_directly(tech):
    for tid, row in tech.iterrows():
        if row["kind"] != "grid" and math.isnan(row["heat_rate_mmbtu_per_mwh"]):
            assert row["co2_t_per_mwh"] == 0, tid
    # the grid row carries the US average intensity (EIA 2023: 1.53 bn t / 4.18 trillion kWh = 0.366 t/MWh)
    assert tech.loc["grid_import", "co2_t_per_mwh"] == pytest.approx(1532 / 4183, rel=0.02)


def test_contracts_and_grid_are_priced_per_mwh(tech):
    for tid, row in tech.iterrows():
        priced = not math.isnan(row["energy_price_usd_per_mwh"])
        assert priced == (row["kind"] in ("contract", "grid") and tid not in NO_PUBLIC_PRICE), tid
        if tid in NO_PUBLIC_PRICE:
            assert "No public price" in row["notes"], tid
    assert tech.loc["nuclear_ppa", "capex_usd_per_kw"] == 0
    # EIA: US average industrial retail price 8.06 cents/kWh in 2023
    assert tech.loc["grid_import", "energy_price_usd_per_mwh"] == pytest.approx(80.6, rel=0.02)


def test_battery_has_separate_power_and_energy_costs(tech):
    bat = tech.loc["battery_li_ion"]
    assert bat["kind"] == "storage"
    assert bat["capex_usd_per_kw"] > 0 and bat["capex_usd_per_kwh"] > 0
    assert 0.7 < bat["efficiency"] < 0.95  # round trip
    others = tech.loc[tech["kind"] != "storage", "capex_usd_per_kwh"]
    assert others.isna().all(), "capex_usd_per_kwh belongs to storage rows only"


def test_lead_times_reflect_2025_supply_chain(tech):
    # anchors.md (2025): large gas turbines 5-7 years from order; reciprocating engines 12-18 months;
    # US interconnection queue median ~5 years.
    assert 60 <= tech.loc["gas_cc", "lead_time_months"] <= 84
    assert 12 <= tech.loc["gas_recip", "lead_time_months"] <= 18
    assert tech.loc["grid_import", "lead_time_months"] >= 60
    assert tech.loc["gas_recip", "lead_time_months"] < tech.loc["gas_ct_aero", "lead_time_months"]


# --- 2. anchors.md: NREL ATB 2024 moderate, 2022 USD, as packaged in NREL ReEDS inputs --------------------

ATB = "NREL ATB 2024 Moderate (2022 USD) via ReEDS inputs, anchors.md 'Supply costs'"
ATB_CASES = [
    # (technology, column, anchors.md figure, source)
    ("utility_pv", "capex_usd_per_kw", 1379, ATB + ": utility PV capex 1,379 USD/kW-AC"),
    ("utility_pv", "fom_usd_per_kw_year", 21.6, ATB + ": utility PV FOM 21.6 USD/kW-yr"),
    ("onshore_wind", "capex_usd_per_kw", 1481, ATB + ": onshore wind capex 1,481 USD/kW"),
    ("onshore_wind", "fom_usd_per_kw_year", 31.7, ATB + ": onshore wind FOM 31.7 USD/kW-yr"),
    ("battery_li_ion", "capex_4h", 1770, ATB + ": battery 4 h 1,770 USD/kW (~442 USD/kWh)"),
    ("battery_li_ion", "fom_usd_per_kw_year", 44.3, ATB + ": battery FOM 44.3 USD/kW-yr"),
    ("battery_li_ion", "efficiency", 0.85, ATB + ": battery round trip 0.85"),
    ("gas_cc", "capex_usd_per_kw", 1224, ATB + ": gas CC capex 1,224 USD/kW"),
    ("gas_cc", "fom_usd_per_kw_year", 33.8, ATB + ": gas CC FOM 33.8 USD/kW-yr"),
    ("gas_cc", "vom_usd_per_mwh", 2.14, ATB + ": gas CC VOM 2.14 USD/MWh"),
    ("gas_cc", "heat_rate_mmbtu_per_mwh", 6.33, ATB + ": gas CC heat rate 6.33 MMBtu/MWh"),
    ("gas_ct", "capex_usd_per_kw", 1093, ATB + ": gas CT capex 1,093 USD/kW"),
    ("gas_ct", "fom_usd_per_kw_year", 25.8, ATB + ": gas CT FOM 25.8 USD/kW-yr"),
    ("gas_ct", "vom_usd_per_mwh", 6.94, ATB + ": gas CT VOM 6.94 USD/MWh"),
    ("gas_ct", "heat_rate_mmbtu_per_mwh", 9.72, ATB + ": gas CT heat rate 9.72 MMBtu/MWh"),
    ("nuclear_large", "capex_usd_per_kw", 5750, ATB + ": nuclear (large) capex 5,750 USD/kW"),
    ("nuclear_large", "fom_usd_per_kw_year", 175, ATB + ": nuclear (large) FOM 175 USD/kW-yr"),
    ("nuclear_smr", "capex_usd_per_kw", 8000, ATB + ": nuclear SMR capex 8,000 USD/kW"),
    ("nuclear_smr", "fom_usd_per_kw_year", 136, ATB + ": nuclear SMR FOM 136 USD/kW-yr"),
]


def catalog_value(tech: pd.DataFrame, tid: str, column: str) -> float:
    row = tech.loc[tid]
    if column == "capex_4h":  # power part + 4 h of energy part
        return row["capex_usd_per_kw"] + BATTERY_HOURS * row["capex_usd_per_kwh"]
    return float(row[column])


@pytest.mark.parametrize(("tid", "column", "figure", "source"), ATB_CASES, ids=[f"{c[0]}-{c[1]}" for c in ATB_CASES])
def test_reproduces_atb_2024_anchor(tech, tid, column, figure, source):
    ours = catalog_value(tech, tid, column)
    assert ours == pytest.approx(figure, rel=ATB_TOLERANCE), f"{tid}.{column} = {ours} vs {figure} ({source})"
    assert tech.loc[tid, "dollar_year"] == 2022, f"{tid}: ATB 2024 figures are in 2022 USD"
    assert "ATB 2024" in tech.loc[tid, "source"], f"{tid}: the source must name NREL ATB 2024"


# --- 3. PyPSA technology-data US_costs_2025.csv -----------------------------------------------------------


@cache
def pypsa() -> pd.DataFrame:
    """US_costs_2025 rows usable for comparison: ATB rows of the Moderate scenario and Market financial case,
    plus rows with no scenario (Danish Energy Agency, Lazard, ...)."""
    if not PYPSA_FILE.exists():
        pytest.skip(f"{PYPSA_FILE} is absent: the shared PyPSA technology-data snapshot sits beside the project root")
    frame = pd.read_csv(PYPSA_FILE)
    moderate_market = (frame["scenario"] == "Moderate") & (frame["financial_case"] == "Market")
    return frame[moderate_market | frame["scenario"].isna()]


def pypsa_row(technology: str, parameter: str) -> pd.Series:
    rows = pypsa()
    match = rows[(rows["technology"] == technology) & (rows["parameter"] == parameter)]
    assert len(match) == 1, f"PyPSA US_costs_2025 has {len(match)} Moderate/Market rows for {technology}/{parameter}"
    return match.iloc[0]


def pypsa_usd(technology: str, parameter: str, dollar_year: int) -> float:
    """A PyPSA cost in USD of ``dollar_year``; EUR rows are skipped (see the skip reason)."""
    row = pypsa_row(technology, parameter)
    if str(row["unit"]).startswith("EUR"):
        pytest.skip(
            f"PyPSA {technology}/{parameter} is {row['unit']} ({row['currency_year']:.0f}) from "
            f"{row['source']}: a European cost, not an NREL ATB one; comparing it would test an EUR->USD rate "
            "and a 2015->2022 deflator rather than the catalog"
        )
    assert str(row["unit"]).startswith("USD"), row["unit"]
    assert row["currency_year"] == dollar_year, (
        f"PyPSA {technology}/{parameter} is in {row['currency_year']:.0f} USD, the catalog row in {dollar_year} USD"
    )
    return float(row["value"])


def pypsa_value(tid: str, technology: str, parameter: str, tech: pd.DataFrame) -> tuple[float, float]:
    """(catalog figure, PyPSA figure converted to the catalog's unit) for one parameter."""
    row = tech.loc[tid]
    year = int(row["dollar_year"])
    if parameter == "investment":
        return row["capex_usd_per_kw"], pypsa_usd(technology, "investment", year)
    if parameter == "FOM":  # %/year of PyPSA's own investment -> USD/kW-yr
        fom = pypsa_row(technology, "FOM")
        assert fom["unit"] == "%/year"
        return row["fom_usd_per_kw_year"], fom["value"] / 100 * pypsa_usd(technology, "investment", year)
    if parameter == "lifetime":
        return row["lifetime_years"], float(pypsa_row(technology, "lifetime")["value"])
    if parameter == "efficiency":
        return row["efficiency"], float(pypsa_row(technology, "efficiency")["value"])
    raise ValueError(parameter)


def agrees_or_documented(ours: float, theirs: float, notes: str, parameter: str) -> bool:
    """True when within PYPSA_TOLERANCE, or when the row's notes explain the difference ("PyPSA <parameter>")."""
    return rel(ours, theirs) <= PYPSA_TOLERANCE or f"pypsa {parameter.lower()}" in (notes or "").lower()


PYPSA_CASES = [
    # (catalog id, PyPSA technology, parameter). PyPSA's 'SMR' is steam methane reforming, not a reactor, so
    # nuclear_smr is not compared; gas_recip, grid_import and nuclear_ppa have no counterpart there.
    ("utility_pv", "solar-utility", "investment"),  # ATB 2022 edition for 2025, Market/Moderate, 2022 USD
    ("utility_pv", "solar-utility", "FOM"),
    ("utility_pv", "solar-utility", "lifetime"),  # Danish Energy Agency
    ("onshore_wind", "onwind", "investment"),  # ATB 2022 edition, 2022 USD
    ("onshore_wind", "onwind", "FOM"),
    ("onshore_wind", "onwind", "lifetime"),
    ("gas_cc", "CCGT", "investment"),  # ATB 2022 edition, 2022 USD
    ("gas_cc", "CCGT", "FOM"),
    ("gas_cc", "CCGT", "lifetime"),
    ("gas_cc", "CCGT", "efficiency"),  # DEA, LHV basis (ours HHV: ~10% lower for gas)
    ("gas_ct", "OCGT", "investment"),  # DEA EUR 2015 -> skipped with the reason
    ("gas_ct", "OCGT", "lifetime"),
    ("gas_ct", "OCGT", "efficiency"),  # DEA, LHV basis
    ("nuclear_large", "nuclear", "lifetime"),  # Lazard 2023; PyPSA US has no nuclear investment row
    ("nuclear_large", "nuclear", "efficiency"),
    ("fuel_cell", "fuel cell", "investment"),  # DEA EUR 2015 -> skipped
    ("fuel_cell", "fuel cell", "lifetime"),
    ("fuel_cell", "fuel cell", "efficiency"),
    ("diesel_backup", "oil", "investment"),  # DEA EUR 2015 -> skipped
    ("diesel_backup", "oil", "lifetime"),
    ("diesel_backup", "oil", "efficiency"),
]


@pytest.mark.parametrize(("tid", "technology", "parameter"), PYPSA_CASES, ids=["-".join(c) for c in PYPSA_CASES])
def test_agrees_with_pypsa_us_costs_2025(tech, tid, technology, parameter):
    ours, theirs = pypsa_value(tid, technology, parameter, tech)
    assert agrees_or_documented(ours, theirs, tech.loc[tid, "notes"], parameter), (
        f"{tid}.{parameter} = {ours:.4g} vs PyPSA {technology} {theirs:.4g} ({rel(ours, theirs):.0%} apart); "
        f"explain the difference in the row's notes with 'PyPSA {parameter}'"
    )


def test_battery_agrees_with_pypsa_atb_2024_workbook(tech):
    """PyPSA splits the ATB 2024 battery into 'battery inverter' (USD/kW) and 'battery storage' (USD/kWh)."""
    bat = tech.loc["battery_li_ion"]
    inverter = pypsa_usd("battery inverter", "investment", int(bat["dollar_year"]))
    storage = pypsa_usd("battery storage", "investment", int(bat["dollar_year"]))
    assert pypsa_row("battery storage", "investment")["unit"] == "USD/kWh"
    assert rel(bat["capex_usd_per_kw"], inverter) <= PYPSA_TOLERANCE
    assert rel(bat["capex_usd_per_kwh"], storage) <= PYPSA_TOLERANCE
    # FOM 2.5 %/yr of the whole 4-h system in PyPSA; ours is per kW of a 4-h system
    pct = pypsa_row("battery storage", "FOM")["value"]
    assert rel(bat["fom_usd_per_kw_year"], pct / 100 * (inverter + BATTERY_HOURS * storage)) <= PYPSA_TOLERANCE
    assert rel(bat["lifetime_years"], pypsa_row("battery storage", "lifetime")["value"]) <= PYPSA_TOLERANCE


def test_pypsa_check_can_fail(tech):
    """The comparison rejects a figure 50% off that the notes do not explain, and accepts an explained one."""
    ours, theirs = pypsa_value("gas_cc", "CCGT", "investment", tech)
    assert agrees_or_documented(ours, theirs, tech.loc["gas_cc", "notes"], "investment")
    assert not agrees_or_documented(theirs * 1.5, theirs, "no explanation", "investment")
    assert agrees_or_documented(theirs * 1.5, theirs, "PyPSA investment differs because ...", "investment")
    # and the anchors check would catch a wrong heat rate
    assert 6.33 * 1.2 != pytest.approx(6.33, rel=ATB_TOLERANCE)


# --- 4. the clean firm options (issue 31, item 8): dated, sourced, with their cost ranges ------------------

CLEAN_FIRM = {"geothermal_egs", "iron_air_100h", "gas_cc_ccs", "fusion_ppa"}
EUR_USD_2023 = 1.0813  # ECB euro reference rate, USD, annual average 2023 (the iron-air row's conversion)


def test_clean_firm_options_are_dated_and_carry_a_cost_range(tech):
    for tid in CLEAN_FIRM:
        row = tech.loc[tid]
        assert isinstance(row["available_from"], str) and len(row["available_from"]) == 7, tid
        assert "available_from" in row["notes"] and "range" in row["notes"] or tid in NO_PUBLIC_PRICE, tid
        assert row["default_option"] == "no", f"{tid}: a dated option is offered only when a scenario lists it"
    dated = tech["available_from"].dropna()
    assert set(dated.index) == CLEAN_FIRM, "the options available today carry no date"


def test_an_available_from_that_is_not_a_month_is_refused(tmp_path):
    table = catalog.technologies()
    table.loc[table["technology"] == "fusion_ppa", "available_from"] = "2028"
    path = tmp_path / "technologies.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DataError, match="available_from.*'2028' is not a month YYYY-MM"):
        catalog.read_table(path, catalog.TECHNOLOGIES_SCHEMA, "technology")


def test_only_storage_rows_have_a_duration(tech):
    assert set(tech["duration_hours"].dropna().index) == {"iron_air_100h"}
    assert tech.loc["iron_air_100h", "duration_hours"] == 100  # Form Energy's 100-hour system


def test_gas_with_capture_is_the_atb_2024_row_beside_gas_cc(tech):
    # ReEDS conv_ATB_2024.csv, 2024: Gas-CC 1223.9 USD/kW (the gas_cc row), Gas-CC-CCS_mod 2555.2 USD/kW, FOM 67.9, VOM 4.96, HR 7.162
    ccs = tech.loc["gas_cc_ccs"]
    assert ccs["capex_usd_per_kw"] == pytest.approx(2555.2, rel=1e-3)
    assert ccs["heat_rate_mmbtu_per_mwh"] == pytest.approx(7.162)
    assert ccs["co2_t_per_mwh"] < 0.1 * tech.loc["gas_cc", "co2_t_per_mwh"]  # 95% captured
    assert "transport and storage are NOT" in ccs["notes"]


def test_egs_capex_lies_in_the_atb_2024_egs_range_it_quotes(tech):
    # ReEDS geo_ATB_2024_moderate.csv, 2024: near-field EGS class 2 4588.9 USD/kW to deep EGS class 10 25323.7 USD/kW
    egs = tech.loc["geothermal_egs"]
    assert 4588.9 <= egs["capex_usd_per_kw"] <= 25323.7
    assert egs["capex_usd_per_kw"] == pytest.approx(8488.6, rel=1e-3)  # deep EGS, class 1
    assert egs["co2_t_per_mwh"] == 0 and egs["kind"] == "generator"


def test_fusion_contract_has_no_price_and_its_announced_terms(tech):
    fusion = tech.loc["fusion_ppa"]
    assert math.isnan(fusion["energy_price_usd_per_mwh"]) and fusion["capex_usd_per_kw"] == 0
    assert fusion["available_from"] == "2028-01"  # Helion-Microsoft: at least 50 MW from 2028
    assert "Helion" in fusion["notes"] and "Commonwealth Fusion Systems" in fusion["notes"]


def test_iron_air_agrees_with_form_energys_figures_in_pypsa():
    if not PYPSA_FILE.exists():
        pytest.skip(f"{PYPSA_FILE} not found (../shared/data/pypsa-technology-data)")
    us = pd.read_csv(PYPSA_FILE)
    value = {(r.technology, r.parameter): r.value for r in us.itertuples() if str(r.technology).startswith("iron-air battery")}
    row = catalog.technologies().set_index("technology").loc["iron_air_100h"]
    assert row["capex_usd_per_kwh"] == pytest.approx(value[("iron-air battery", "investment")] * EUR_USD_2023, rel=1e-3)
    assert row["efficiency"] == pytest.approx(value[("iron-air battery charge", "efficiency")] * value[("iron-air battery discharge", "efficiency")], rel=1e-3)
    assert row["lifetime_years"] == value[("iron-air battery", "lifetime")]
    fom_share = value[("iron-air battery", "FOM")] / 100
    assert row["fom_usd_per_kw_year"] == pytest.approx(fom_share * row["capex_usd_per_kwh"] * row["duration_hours"], rel=0.01)
