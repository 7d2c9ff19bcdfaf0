"""Offshore wind added as a catalog row and a profile only: sourced, planned and sited like onshore wind.

The row (``catalog/technologies.csv``, ``offshore_wind``) carries NREL ATB 2024 Moderate costs; its hourly
output is the catalog's ``wind`` profile model calibrated to the row's ``mean_cf`` (NREL ATB Moderate offshore
wind capacity factor, as PyPSA technology-data packages it), drawn on its own random stream so that it is
not onshore wind's weather rescaled; a measured series goes in ``site.capacity_factor_csv.offshore_wind``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError
from gigawatt.core.inputs import parse_scenario
from gigawatt.power.plan import plan_inputs
from gigawatt.power.planner import plan_power
from gigawatt.power.scenario import Scenario
from gigawatt.siting import allocation as siting
from gigawatt.siting.scenario import SitingProgramme
from gigawatt.weather.synthetic import CALIBRATION_TOLERANCE

from conftest import shared_file

OFFSHORE = "offshore_wind"
GIGAWATT = shutil.which("gigawatt", path=str(Path(sys.executable).parent)) or shutil.which("gigawatt")
PYPSA_TOLERANCE = 0.25  # as tests/catalog/test_catalog_technologies.py: PyPSA's ATB figures are another edition/class
CF_SOURCE_TOLERANCE = 1e-4  # the row's mean_cf is the source's figure, as printed (4 decimals)
BALANCE_TOLERANCE_MWH = 1e-3  # per hour: energy in equals energy out to the solver's precision
INDEPENDENT_WEATHER_MAX_CORRELATION = 0.5  # the same seed's onshore and offshore winds are not one series rescaled
CHEAPEST_ENERGY_RATIO = 5.0  # the cheaper wind carries at least five times the energy of the dearer
LOW_ONSHORE_CF = 0.12
DEAR_GRID_USD_PER_MWH = 250.0  # above offshore wind's ~120 USD/MWh at ATB costs and CF, within the plausible prices  # a calm inland site: onshore wind's energy costs more than offshore's at ATB's 0.46


def scenario(technologies: list[str], **site) -> Scenario:
    """A 100 MW campus on the New Jersey coast (offshore wind's US market), off-grid."""
    return parse_scenario({
        "name": "offshore test", "start": "2026-01",
        "cluster": {"accelerator": "GB200 NVL72", "power_mw": 100},
        "site": {"latitude": 39.4, "longitude": -74.4, "year": 2025, **site},
        "grid": {"import_mw": 0},
        "supply": {"technologies": technologies},
        "constraints": {"carbon_free_share": 0.5},
    }, model=Scenario)


@pytest.fixture(scope="module")
def row() -> pd.Series:
    return catalog.technologies().set_index("technology").loc[OFFSHORE]


def pypsa_offwind(parameter: str, scenario: str | None = None) -> float:
    table = pd.read_csv(shared_file("data", "pypsa-technology-data", "US_costs_2025.csv"))
    rows = table[(table["technology"] == "offwind") & (table["parameter"] == parameter)]
    if scenario is not None:
        rows = rows[(rows["scenario"] == scenario) & (rows["financial_case"] == "Market")]
    return float(rows["value"].iloc[0])


# --- the catalog row ----------------------------------------------------------------------------------


def test_the_row_is_sourced_and_weather_driven(row):
    assert "NREL ATB 2024 Moderate" in row["source"] and "ofs-wind_ATB_2024_moderate" in row["source"]
    assert row["notes"] and row["carrier"] == "wind" and row["kind"] == "generator" and row["dollar_year"] == 2022
    assert row["co2_t_per_mwh"] == 0 and np.isnan(row["heat_rate_mmbtu_per_mwh"])
    variable = catalog.variable_technologies()[OFFSHORE]
    assert variable.profile_model == "wind" and variable.measured_field == f"site.capacity_factor_csv.{OFFSHORE}"
    assert variable.stream != catalog.variable_technologies()["onshore_wind"].stream  # its own weather
    assert OFFSHORE not in catalog.default_technologies()  # a plan that lists no technologies is unchanged


@pytest.mark.parametrize(("column", "parameter"), [("capex_usd_per_kw", "investment"), ("lifetime_years", "lifetime")])
def test_costs_agree_with_pypsa_offwind(row, column, parameter):
    theirs = pypsa_offwind(parameter, "Moderate" if parameter == "investment" else None)
    assert abs(row[column] - theirs) / theirs <= PYPSA_TOLERANCE, f"{column} {row[column]} vs PyPSA offwind {theirs}"


def test_fom_agrees_with_pypsa_offwind(row):
    percent = pypsa_offwind("FOM", "Moderate")  # %/yr of PyPSA's own investment figure
    theirs = percent / 100 * pypsa_offwind("investment", "Moderate")
    assert abs(row["fom_usd_per_kw_year"] - theirs) / theirs <= PYPSA_TOLERANCE


def test_mean_cf_is_the_sources_figure(row):
    assert row["mean_cf"] == pytest.approx(pypsa_offwind("CF", "Moderate"), abs=CF_SOURCE_TOLERANCE)


# --- its hourly profile -------------------------------------------------------------------------------


def test_hourly_capacity_factor_matches_its_source_and_is_its_own_weather(row):
    inputs = plan_inputs(scenario([OFFSHORE, "onshore_wind", "gas_recip"]))
    offshore, onshore = inputs.capacity_factor[OFFSHORE], inputs.capacity_factor["onshore_wind"]
    assert len(offshore) == 8760 and offshore.between(0, 1).all()
    assert offshore.mean() == pytest.approx(row["mean_cf"], rel=CALIBRATION_TOLERANCE)
    assert np.corrcoef(offshore, onshore)[0, 1] < INDEPENDENT_WEATHER_MAX_CORRELATION
    # onshore wind's series is what it was before offshore wind joined the catalog (stream 0 of the seed)
    assert onshore.equals(plan_inputs(scenario(["onshore_wind", "gas_recip"])).capacity_factor["onshore_wind"])


def test_a_measured_series_replaces_the_modelled_one(tmp_path):
    index = pd.date_range("2025-01-01", periods=8760, freq="h")
    measured = pd.Series(0.25 + 0.2 * np.sin(np.arange(8760) / 50.0), index=index)
    path = tmp_path / "offshore.csv"
    pd.DataFrame({"timestamp": index, "cf": measured.to_numpy()}).to_csv(path, index=False)
    inputs = plan_inputs(scenario([OFFSHORE, "gas_recip"], capacity_factor_csv={OFFSHORE: str(path)}))
    assert np.allclose(inputs.capacity_factor[OFFSHORE].to_numpy(), measured.to_numpy(), atol=1e-9)


@pytest.mark.parametrize(("key", "fragment"), [
    ("offshore_wnd", "site.capacity_factor_csv.offshore_wnd: 'offshore_wnd' is not a weather-driven technology of the catalog; "
                     "did you mean 'offshore_wind'?"),
    ("onshore_wind", "site.capacity_factor_csv.onshore_wind: give onshore_wind's measured series in site.wind_csv instead"),
])
def test_a_measured_series_under_a_wrong_key_is_refused(tmp_path, key, fragment):
    with pytest.raises(ScenarioError, match=re.escape(fragment)):
        plan_inputs(scenario([OFFSHORE, "onshore_wind", "gas_recip"], capacity_factor_csv={key: str(tmp_path / "x.csv")}))


# --- planned like onshore wind ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan():
    """Offshore wind beside onshore wind at a calm inland-like CF: offshore's energy is the cheaper."""
    # no battery: this plan builds none, and with it offered HiGHS takes ~35 s instead of ~6 s for the same optimum
    return plan_power(scenario([OFFSHORE, "onshore_wind", "gas_recip"], wind_mean_cf=LOW_ONSHORE_CF), baseline=False)


def test_a_plan_builds_offshore_wind_when_it_is_cheapest(plan):
    """Offshore's energy is the cheaper wind here, so it carries the clean share; onshore may still add a
    little for its different hours (independent weather), never the bulk."""
    assert plan.capacity_mw[OFFSHORE] > plan.capacity_mw.get("onshore_wind", 0.0)
    assert plan.energy_mwh[OFFSHORE] > CHEAPEST_ENERGY_RATIO * plan.energy_mwh.get("onshore_wind", 0.0)
    assert plan.unserved_energy_mwh == pytest.approx(0.0, abs=1.0)


def test_the_plans_energy_balances_every_hour(plan):
    dispatch = plan.to_frames()["dispatch"]
    sources = dispatch[[c for c in dispatch.columns if c.endswith("_mw") and c != "load_mw" and not c.endswith("_charge_mw")]].sum(axis=1)
    uses = dispatch["load_mw"] + dispatch.filter(like="_charge_mw").sum(axis=1)
    assert np.allclose(sources, uses, atol=BALANCE_TOLERANCE_MWH)
    # offshore wind delivers no more than its capacity times its hourly capacity factor
    cf = plan_inputs(scenario([OFFSHORE, "onshore_wind", "gas_recip"], wind_mean_cf=LOW_ONSHORE_CF)).capacity_factor[OFFSHORE]
    assert (dispatch[f"{OFFSHORE}_mw"].to_numpy() <= plan.capacity_mw[OFFSHORE] * cf.to_numpy() + BALANCE_TOLERANCE_MWH).all()
    assert plan.energy_mwh[OFFSHORE] == pytest.approx(dispatch[f"{OFFSHORE}_mw"].sum(), rel=1e-6)


# --- sited like onshore wind --------------------------------------------------------------------------


def test_a_siting_run_can_use_offshore_wind():
    """A coastal candidate whose grid energy (DEAR_GRID_USD_PER_MWH) costs more than offshore wind's builds it beside
    the connection, as an inland one with dear power builds onshore wind."""
    candidate = {"latitude": 39.4, "longitude": -74.4, "country": "US", "jurisdiction": "us", "max_mw": 2000, "options": "both",
                 "price_usd_per_mwh": DEAR_GRID_USD_PER_MWH, "co2_g_per_kwh": 400, "connection_wait_months": 12}
    programme = parse_scenario({
        "name": "coast", "start": "2026-01", "target_mw": 1000, "block_mw": 1000,
        "technologies": [OFFSHORE], "candidates": [{"name": "jersey shore", **candidate}],
    }, model=SitingProgramme)
    result = siting.site(programme)
    supply = result.allocations[0]["supply_mw"]
    assert result.total_capacity_mw == 1000.0 and supply[OFFSHORE] > 0


# --- the command line ---------------------------------------------------------------------------------

PLAN_YAML = """name: coastal campus
start: 2026-01
cluster: {{accelerator: GB200 NVL72, power_mw: 100}}
site: {{latitude: 39.4, longitude: -74.4, year: 2025, wind_mean_cf: 0.12, screening_segments: 365}}
grid: {{import_mw: 0}}
supply:
  technologies: [{tech}, onshore_wind, battery_li_ion, gas_recip]
constraints: {{carbon_free_share: 0.5}}
"""


def gigawatt(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    assert GIGAWATT, "the gigawatt entry point is not installed beside this Python"
    return subprocess.run([GIGAWATT, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_the_cli_plans_offshore_wind(tmp_path):
    path = tmp_path / "coast.yaml"
    path.write_text(PLAN_YAML.format(tech=OFFSHORE))
    done = gigawatt("plan", str(path), "--json", "--no-store", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["result"]
    assert result["capacity_mw"][OFFSHORE] > 1.0


def test_a_typo_is_one_line_with_did_you_mean_exit_2(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text(PLAN_YAML.format(tech="offshore_wnd"))
    done = gigawatt("plan", str(path), "--no-store", cwd=tmp_path)
    assert done.returncode == 2
    assert "unknown technology 'offshore_wnd'; did you mean 'offshore_wind'?" in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
