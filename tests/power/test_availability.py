"""Options that exist only from a date (issue 31, item 8): a plan builds an option of the catalog's clean firm
rows (technologies.csv available_from) only from its date, a phased plan only in phases from then; a scenario or a
sweep moves the date (supply.limits.<id>.available_from); a contract with no public price must be given one."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import gigawatt
from conftest import EXAMPLES, ROOT, gigawatt_cli, one_line_error
from gigawatt import catalog
from gigawatt.power.inputs import PlanInputs, supply_option
from gigawatt.power.solve import optimise

EXAMPLE = EXAMPLES / "clean-24-7.yaml"
QUICK = {"site.screening_segments": 365}  # the example's own screening: coarser segments blur solar's day and night
LATER = "2031-01"  # after the example's start (2029-01)
TECH = catalog.technologies().set_index("technology")


@pytest.fixture(scope="module")
def dated():
    """The example as it is, and with enhanced geothermal dated after its start."""
    return (gigawatt.plan(EXAMPLE, set=QUICK, store=None),
            gigawatt.plan(EXAMPLE, set={**QUICK, "supply.limits.geothermal_egs.available_from": LATER}, store=None))


def test_a_plan_builds_an_option_only_from_its_date_and_says_so(dated):
    now, later = dated
    assert now.data["capacity_mw"].get("geothermal_egs", 0.0) > 100  # available: the cheapest clean baseload
    assert later.data["capacity_mw"].get("geothermal_egs", 0.0) == 0.0
    (line,) = [m for m in later.messages if "available from" in m]
    assert line.startswith(f"supply.technologies: geothermal_egs is available from {LATER} (supply.limits.geothermal_egs.available_from)")
    assert "start 2029-01" in line
    assert not any("available from" in m for m in now.messages)
    assert later.data["lcoe_usd_per_mwh"] > now.data["lcoe_usd_per_mwh"]  # a cheaper option taken away never lowers the cost


def test_the_catalog_date_applies_when_the_plan_starts_earlier():
    early = gigawatt.plan(EXAMPLE, set={**QUICK, "start": "2026-06", "site.year": 2025}, store=None)
    for tech in ("geothermal_egs", "gas_cc_ccs"):  # catalog available_from 2026-12 and 2028-12
        assert early.data["capacity_mw"].get(tech, 0.0) == 0.0
        assert any(m.startswith(f"supply.technologies: {tech} is available from {TECH.at[tech, 'available_from']} (catalog available_from)")
                   for m in early.messages), early.messages


def test_a_store_of_fixed_duration_holds_its_hours_times_its_power():
    hours = pd.date_range("2025-01-01", periods=24 * 7, freq="h")
    row = TECH.loc["iron_air_100h"].rename("iron_air_100h").to_frame().T.reset_index(names="technology").iloc[0]
    gas = TECH.loc["gas_recip"].rename("gas_recip").to_frame().T.reset_index(names="technology").iloc[0]
    options = {"iron_air_100h": supply_option(row, 0.08, min_mw=10.0), "gas_recip": supply_option(gas, 0.08)}
    plan = optimise(PlanInputs(load_mw=pd.Series(50.0, index=hours), options=options))
    assert plan.capacity_mw["iron_air_100h"] == pytest.approx(10.0, rel=1e-6)
    assert plan.storage_mwh == pytest.approx(100 * plan.capacity_mw["iron_air_100h"], rel=1e-6)  # not left at 0 MWh, though energy costs money
    assert options["iron_air_100h"].duration_hours == 100 and np.isclose(options["iron_air_100h"].efficiency, 0.413)


def test_a_phased_plan_builds_an_option_only_in_phases_from_its_date():
    scenario = {
        "name": "phased clean firm", "start": "2026-01",
        "cluster": {"accelerator": "GB200 NVL72", "power_mw": 100},
        "phases": [{"date": "2026-07", "power_mw": 100}, {"date": "2029-01", "power_mw": 200}],
        "site": {"latitude": 38.5, "longitude": -112.9, "year": 2025, "screening_segments": 48},
        "grid": {"import_mw": 300, "price_usd_per_mwh": 150, "available": "2026-06"},
        # cheap enough to be built whenever it may be; dated between the two phases
        "supply": {"technologies": ["geothermal_egs"], "limits": {"geothermal_egs": {"capex_usd_per_kw": 1000, "available_from": "2028-01"}}},
    }
    result = gigawatt.plan(scenario, store=None)
    first, second = result.data["phases"]
    assert first["capacity_mw"].get("geothermal_egs", 0.0) == 0.0
    assert second["capacity_mw"]["geothermal_egs"] > 100
    assert "supply.technologies: geothermal_egs is available from 2028-01: built only in phases from then" in result.messages


def test_a_sweep_moves_the_date(tmp_path):
    definition = tmp_path / "dates.yaml"
    definition.write_text(f"sweep:\n  base: {EXAMPLE}\n  design: grid\n"
                          f"  vary:\n    supply.limits.geothermal_egs.available_from: ['2028-01', '{LATER}']\n"
                          "  set: [site.screening_segments=365]\n  figure: LCOE USD/MWh\n")
    done = gigawatt_cli("sweep", str(definition), "--workers", "1", "--no-store", "--json", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    points = {p["supply.limits.geothermal_egs.available_from"]: p for p in json.loads(done.stdout)["result"]["points"]}
    assert points["2028-01"]["geothermal_egs_mw"] > 100
    assert points[LATER].get("geothermal_egs_mw", 0.0) == 0.0
    assert points[LATER]["lcoe_usd_per_mwh"] > points["2028-01"]["lcoe_usd_per_mwh"]


def test_fusion_without_a_price_is_refused_naming_the_field(tmp_path):
    scenario = tmp_path / "fusion.yaml"
    scenario.write_text(EXAMPLE.read_text().replace("gas_cc_ccs]", "gas_cc_ccs, fusion_ppa]"))
    line = one_line_error(gigawatt_cli("plan", str(scenario), "--no-store", cwd=ROOT), "supply.limits.fusion_ppa.energy_price_usd_per_mwh")
    assert "no public price" in line


def test_fusion_with_a_price_is_planned_from_its_date():
    fusion = {**QUICK, "supply.technologies": ["utility_pv", "battery_li_ion", "fusion_ppa"],
              "supply.limits.fusion_ppa.energy_price_usd_per_mwh": 60}
    built = gigawatt.plan(EXAMPLE, set=fusion, store=None)
    assert built.data["capacity_mw"]["fusion_ppa"] > 100
    early = gigawatt.plan(EXAMPLE, set={**fusion, "start": "2027-06"}, store=None)  # before Helion's 2028
    assert early.data["capacity_mw"].get("fusion_ppa", 0.0) == 0.0


def test_a_date_that_is_not_a_month_names_the_field():
    done = gigawatt_cli("plan", str(EXAMPLE), "--set", "supply.limits.geothermal_egs.available_from=2031", "--no-store", cwd=ROOT)
    one_line_error(done, "supply.limits.geothermal_egs.available_from")
