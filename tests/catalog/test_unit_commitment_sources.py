"""The unit-commitment catalog against its sources (issue 31, item 3): Kumar et al. (2012) start costs and start
fuel, their escalation from 2011 USD by CPI-U to each row's dollar year, and minimum stable levels from NREL
REopt and EIA-860 (via GenX's example system). The tables are written here as the sources give them; the
catalog is read and compared."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import shared_file

from gigawatt import catalog

# Kumar, Besuner, Lefton, Agan, Hilleman (Intertek APTECH), Power Plant Cycling Costs, NREL/SR-5500-55433 (2012),
# Table 1-1: lower-bound median cost of a start, 2011 USD per MW (hot, warm, cold). Read in secondary copies that
# agree (PowerGenome startup_costs.yml cold starts; CC and aero copies; issue 31 for the frame CT).
KUMAR_TABLE_1_1_USD2011_PER_MW = {
    "gas_cc": (35.0, 55.0, 79.0),  # Gas - CC [GT+HRSG+ST]
    "gas_ct": (32.0, 126.0, 103.0),  # Gas - Large Frame CT
    "gas_ct_aero": (19.0, 24.0, 32.0),  # Gas - Aero GT
}
# Same report, Table 1-3: start fuel, MMBtu per MW of capacity (hot, warm, cold); CC only was read (secondary copy).
KUMAR_TABLE_1_3_MMBTU_PER_MW = {"gas_cc": (0.19, 0.20, 0.24)}
# US BLS CPI-U, US city average, all items, annual average (CUUR0000SA0, 1982-84 = 100).
CPI_U = {2011: 224.939, 2022: 292.655, 2024: 313.689, 2025: 321.943}
STATES = ("hot", "warm", "cold")
# NREL REopt.jl data/chp/chp_defaults.json, min_turn_down_fraction (the same for every size class).
REOPT_MIN_TURN_DOWN = {"gas_recip": 0.25, "gas_ct_aero": 0.5, "gas_ct": 0.5, "fuel_cell": 0.3}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return catalog.unit_commitment().set_index("technology")


def escalate(usd_2011: float, year: int) -> float:
    """2011 USD in ``year`` USD by the CPI-U annual averages."""
    return usd_2011 * CPI_U[year] / CPI_U[2011]


def test_escalation_factors_are_the_cpi_ratios():
    assert escalate(100.0, 2022) == pytest.approx(130.104, abs=1e-3)
    assert escalate(100.0, 2025) == pytest.approx(143.125, abs=1e-3)
    assert escalate(103.0, 2011) == 103.0


def test_start_costs_are_the_study_table_escalated_to_the_rows_dollar_year(table):
    techs = catalog.technologies().set_index("technology")
    for tech, figures in KUMAR_TABLE_1_1_USD2011_PER_MW.items():
        year = int(table.at[tech, "dollar_year"])
        assert year == int(techs.at[tech, "dollar_year"])  # in the same dollars as the technology's capital
        for state, usd_2011 in zip(STATES, figures):
            assert table.at[tech, f"start_cost_{state}_usd_per_mw"] == pytest.approx(escalate(usd_2011, year), abs=0.006), (tech, state)
        # the LP charges the stated state's figure
        charged = table.at[tech, "start_state_charged"]
        assert charged == "cold"
        assert table.at[tech, "start_cost_usd_per_mw"] == table.at[tech, f"start_cost_{charged}_usd_per_mw"]


def test_frame_ct_start_is_no_longer_the_old_guess(table):
    # issue 31: the catalog carried 40 USD/MW against the study's 32/126/103 (2011 USD)
    assert table.at["gas_ct", "start_cost_usd_per_mw"] == pytest.approx(escalate(103.0, 2022), abs=0.006)
    assert table.at["gas_ct", "start_cost_usd_per_mw"] > 100


def test_rows_outside_the_study_carry_no_table_figures_and_say_so(table):
    for tech in set(table.index) - set(KUMAR_TABLE_1_1_USD2011_PER_MW):
        assert table.loc[tech, [f"start_cost_{s}_usd_per_mw" for s in STATES]].isna().all(), tech
        assert pd.isna(table.at[tech, "start_state_charged"])
        assert "ESTIMATE" in table.at[tech, "notes"] or table.at[tech, "start_cost_usd_per_mw"] == 0, tech


def test_start_fuel_is_the_study_table_where_read(table):
    for tech in table.index:
        read = KUMAR_TABLE_1_3_MMBTU_PER_MW.get(tech)
        if read is None:
            assert pd.isna(table.at[tech, "start_fuel_mmbtu_per_mw"]), tech
            continue
        assert tuple(table.loc[tech, [f"start_fuel_{s}_mmbtu_per_mw" for s in STATES]]) == pytest.approx(read)
        assert table.at[tech, "start_fuel_mmbtu_per_mw"] == table.at[tech, f"start_fuel_{table.at[tech, 'start_state_charged']}_mmbtu_per_mw"]


def test_minimum_stable_levels_are_reopts_turn_down(table):
    for tech, share in REOPT_MIN_TURN_DOWN.items():
        assert table.at[tech, "min_stable_share"] == share, tech
        assert "REopt" in table.at[tech, "source"]


def test_combined_cycle_minimum_is_the_mean_of_the_eia860_clusters(table):
    clusters = pd.read_csv(shared_file("data", "genx-three-zones-example", "Thermal.csv"))
    cc = clusters[clusters["Resource"].str.contains("combined_cycle")]["Min_Power"]
    assert len(cc) == 3
    assert table.at["gas_cc", "min_stable_share"] == pytest.approx(round(float(cc.mean()), 2))
