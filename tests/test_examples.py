"""Every example shows what its name and its opening comment say (issue 30): one test of its point each.

Each runs small (screening segments, few draws) where the point survives it. ``POINTS`` names the test of each
example file; an example added without one fails ``test_every_example_has_a_point``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gigawatt
from conftest import EXAMPLES, ROOT

GIGAWATT = Path(sys.executable).with_name("gigawatt")

FLAGSHIP = EXAMPLES / "west-texas-grid-gas.yaml"
QUICK = {"site.screening_segments": 96}  # typical-period plans: seconds; the points below hold on them


def plan(path, **overrides):
    return gigawatt.plan(path, set={**QUICK, **overrides}, store=None)


@pytest.fixture(scope="module")
def flagship():
    return plan(FLAGSHIP)


def test_grid_plus_gas_campus_builds_both(flagship):
    built = flagship.capacity_mw
    assert built["grid_import"] == pytest.approx(200.0, rel=1e-6)  # the connection the site has, used whole
    assert built["gas_recip"] > 500.0  # the rest of the ~950 MW peak, and all of it in the curtailed hours


def test_grid_plus_gas_campus_keeps_the_load_served_when_the_grid_is_curtailed(flagship):
    dispatch = flagship.to_frames()["dispatch"]
    assert dispatch["grid_import_mw"].min() < 200.0 - 10.0  # SB 6 curtailment hours (averaged into segments): the grid delivers less
    assert flagship.unserved_energy_mwh == pytest.approx(0.0, abs=1e-6)


def test_grid_plus_gas_campus_says_why_its_baseline_is_not_comparable(flagship):
    assert flagship.annual_cost_usd > flagship.baseline["annual_cost_usd"]
    (note,) = [m for m in flagship.messages if "grid-only baseline" in m]
    assert "not a like-for-like comparison" in note
    assert "limited to 200 MW (grid.import_mw)" in note and "grid.availability_csv" in note


def test_dearer_gas_raises_the_grid_plus_gas_campus_lcoe(flagship):
    dearer = plan(FLAGSHIP, **{"supply.limits.gas_recip.fuel_price_usd_per_mmbtu": 6.0})
    cheaper_still = plan(FLAGSHIP, **{"supply.limits.gas_recip.fuel_price_usd_per_mmbtu": 8.0})
    assert flagship.lcoe_usd_per_mwh < dearer.lcoe_usd_per_mwh < cheaper_still.lcoe_usd_per_mwh - 1.0


def test_a_larger_connection_lowers_the_grid_plus_gas_campus_lcoe(flagship):
    larger = plan(FLAGSHIP, **{"grid.import_mw": 600})
    assert larger.capacity_mw["grid_import"] > 200.0
    assert larger.lcoe_usd_per_mwh < flagship.lcoe_usd_per_mwh - 0.5


def test_offgrid_campus_builds_no_grid():
    offgrid = plan(EXAMPLES / "west-texas-offgrid.yaml")
    assert offgrid.capacity_mw.get("grid_import", 0.0) == 0.0
    assert offgrid.capacity_mw["gas_recip"] + offgrid.capacity_mw.get("gas_ct_aero", 0.0) > 0.0
    # N+1 on firm gas: the reserve margin binds
    assert any(m.startswith("constraints.reserve_margin binds") for m in offgrid.messages)
    # cheaper than its grid-only baseline: nothing to explain
    assert offgrid.annual_cost_usd < offgrid.baseline["annual_cost_usd"]
    assert not any("grid-only baseline" in m for m in offgrid.messages)


def test_offgrid_campus_dearer_than_its_baseline_would_say_it_is_off_grid():
    dear = plan(EXAMPLES / "west-texas-offgrid.yaml", **{"supply.limits.gas_recip.fuel_price_usd_per_mmbtu": 20.0,
                                                         "supply.limits.gas_ct_aero.fuel_price_usd_per_mmbtu": 20.0})
    (note,) = [m for m in dear.messages if "grid-only baseline" in m]
    assert "the site is off-grid (grid.import_mw 0)" in note and "constraints.reserve_margin" in note


def test_nuclear_campus_buys_the_block_and_the_grid_for_the_rest():
    nuclear = plan(EXAMPLES / "pennsylvania-nuclear.yaml")
    assert 0.0 < nuclear.capacity_mw["nuclear_ppa"] <= 800.0 + 1e-6
    assert nuclear.capacity_mw["grid_import"] > 0.0


def test_clean_campus_takes_enhanced_geothermal_for_its_hourly_clean_energy():
    # at the example's own 365 segments (96 blur solar's day and night); tests/power/test_availability.py moves EGS's date
    clean = plan(EXAMPLES / "clean-24-7.yaml", **{"site.screening_segments": 365})
    assert clean.data["carbon_free_share_hourly"] >= 0.9 - 1e-6
    energy = clean.data["energy_mwh"]
    assert energy["geothermal_egs"] == max(v for k, v in energy.items() if k != "grid_import")  # the largest clean source
    assert energy["utility_pv"] > 0


def test_sized_campuses_fit_their_power():
    gb200 = gigawatt.size(EXAMPLES / "gb200-campus-1200mw.yaml", store=None)
    assert 0.9 * 1200 < gb200.facility_power_mw <= 1200.0 + 1e-6  # as many racks as fit under 1,200 MW
    rubin = gigawatt.size(EXAMPLES / "rubin-10gw.yaml", store=None)
    assert 0.9 * 10_000 < rubin.facility_power_mw <= 10_000.0 + 1e-6
    h100 = gigawatt.size(EXAMPLES / "h100-100k.yaml", store=None)
    assert h100.accelerator_count == 100_000 and 120 < h100.facility_power_mw < 180  # ~150 MW at the meter


def test_gas_and_grid_sweep_moves_the_lcoe_with_each_input(tmp_path):
    done = subprocess.run([str(GIGAWATT), "sweep", str(EXAMPLES / "sweep" / "gas-and-grid.yaml"), "--set", "site.screening_segments=48",
                           "--workers", "1", "--no-store", "--json"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    swings = {row["input"]: row["swing"] for row in json.loads(done.stdout)["result"]["tornado"]}
    assert set(swings) == {"supply.limits.gas_recip.fuel_price_usd_per_mmbtu", "grid.import_mw"}
    assert all(swing > 0.5 for swing in swings.values()), swings


def buildout(name, draws=50):
    return gigawatt.buildout(EXAMPLES / "buildout" / name, set={"draws": draws}, store=None)


def test_trend_reaches_a_hundred_gigawatts_and_a_large_share_of_us_power():
    trend = buildout("trend.yaml")
    assert trend.data["check"]["online_gw"] == 100.0 and trend.data["check"]["probability"] == 1.0
    assert max(year["share_of_generation"] for year in trend.data["national"]["years"]) > 0.1


def test_ten_gigawatts_by_2029_is_held_back_by_transformers():
    tenfold = buildout("10gw.yaml")
    assert tenfold.data["check"]["probability"] < 0.5  # the announcement's date is not what the limits allow
    assert any("held capacity back longest" in m and "transformers" in m for m in tenfold.messages)


def test_a_gigawatt_a_week_is_not_held_back_by_the_factory():
    factory = buildout("factory.yaml")
    assert factory.data["check"]["probability"] == 0.0
    (limit,) = [m for m in factory.messages if "held capacity back longest" in m]
    assert "factory" not in limit


def test_a_gpu_per_person_takes_a_large_share_of_world_electricity():
    everyone = buildout("gpu-per-person.yaml")
    assert everyone.data["national"]["country"] == "WORLD"
    assert max(year["share_of_generation"] for year in everyone.data["national"]["years"]) > 0.25


def test_short_accelerator_lives_cover_the_cost_of_capital_less_often():
    money = buildout("10gw-finance.yaml").data["finance"]
    assert money["lives_compared_years"] == [3.0, 6.0]
    assert money["coverage_probability_last_year_short_life"] < money["coverage_probability_last_year_long_life"]


def test_ercot_training_campus_meets_its_curtailments_for_less_than_running_flat():
    week = gigawatt.schedule(EXAMPLES / "schedule" / "ercot-training-campus.yaml", store=None)
    assert week.data["shortfall_mwh"] == pytest.approx(0.0, abs=1e-6) and len(week.data["events"]) == 2
    assert week.data["total_cost_usd"] < week.data["flat_total_cost_usd"]


def test_phoenix_event_cuts_power_without_a_shortfall():
    event = gigawatt.schedule(EXAMPLES / "schedule" / "phoenix-srp-event.yaml", store=None)
    assert event.data["shortfall_mwh"] == pytest.approx(0.0, abs=1e-9)
    assert event.data["energy_mwh"] < event.data["flat_energy_mwh"]


def test_sl4_moves_the_date_a_campus_holds_frontier_weights():
    sl4 = plan(EXAMPLES / "security" / "sl4-frontier-training.yaml")
    assert sl4.security["level"] == "SL4" and sl4.security["usable_from"] == "2029-01" > sl4.online_date
    assert any("holds frontier weights from 2029-01" in m for m in sl4.messages)


def test_sl3_inference_campus_reaches_its_level_before_it_is_needed():
    sl3 = plan(EXAMPLES / "security" / "sl3-inference-campus.yaml")
    assert sl3.security["level"] == "SL3" and sl3.security["reached"] <= sl3.security["usable_from"]


def test_phased_campus_planned_jointly_costs_less_than_the_myopic_sequence():
    phased = gigawatt.plan(EXAMPLES / "phased-campus.yaml", store=None).phased
    assert 0.0 < phased["saving_usd"] and phased["npv_usd"] < phased["myopic_npv_usd"]


@pytest.mark.parametrize("name", ["west-texas-campus.yaml", "pennsylvania-nuclear.yaml"])
def test_financed_campus_prints_its_break_even_price(name):
    money = gigawatt.finance(EXAMPLES / "finance" / name, set=QUICK, store=None)
    (price,) = [m for m in money.messages if "break-even" in m and "accelerator_hour" in m]
    assert 0.5 < float(price.split("break-even, ")[1].split()[0]) < 10.0  # USD per accelerator-hour


def test_the_queue_proxy_moves_the_gigawatt_only_when_asked(tmp_path):
    """Through the installed command: on the large-load waits (ERCOT inherits the US figure) the GW goes to Texas;
    with use_generation_queue_proxy ERCOT waits its generators' queue time and it goes to Atlanta, and only that
    run says it used the proxy."""
    from conftest import gigawatt_all

    path = str(EXAMPLES / "site" / "queue-proxy.yaml")
    plain, proxy = gigawatt_all([["site", path, "--json"], ["site", path, "--json", "--set", "use_generation_queue_proxy=true"]], cwd=tmp_path)
    runs = []
    for done in (plain, proxy):
        assert done.returncode == 0, done.stderr[-2000:]
        runs.append(json.loads(done.stdout))
    placed = [[a["site"] for a in run["result"]["allocations"]] for run in runs]
    assert placed == [["ERCOT"], ["Atlanta"]]
    said = [[m for m in run["messages"] if "use_generation_queue_proxy" in m] for run in runs]
    assert said[0] == [] and len(said[1]) == 1 and said[1][0].startswith("ERCOT: connection wait 54 months")
    ercot = [{c["site"]: c["online_date"] for c in run["result"]["candidates"]}["ERCOT"] for run in runs]
    assert ercot == ["2028-01", "2030-07"]  # 2026-01 plus the US large-load wait (24) and plus the queue proxy (54)


TESTED_HERE = {
    "west-texas-grid-gas.yaml": test_grid_plus_gas_campus_builds_both,
    "west-texas-offgrid.yaml": test_offgrid_campus_builds_no_grid,
    "pennsylvania-nuclear.yaml": test_nuclear_campus_buys_the_block_and_the_grid_for_the_rest,
    "gb200-campus-1200mw.yaml": test_sized_campuses_fit_their_power,
    "rubin-10gw.yaml": test_sized_campuses_fit_their_power,
    "h100-100k.yaml": test_sized_campuses_fit_their_power,
    "sweep/gas-and-grid.yaml": test_gas_and_grid_sweep_moves_the_lcoe_with_each_input,
    "buildout/trend.yaml": test_trend_reaches_a_hundred_gigawatts_and_a_large_share_of_us_power,
    "buildout/10gw.yaml": test_ten_gigawatts_by_2029_is_held_back_by_transformers,
    "buildout/factory.yaml": test_a_gigawatt_a_week_is_not_held_back_by_the_factory,
    "buildout/gpu-per-person.yaml": test_a_gpu_per_person_takes_a_large_share_of_world_electricity,
    "buildout/10gw-finance.yaml": test_short_accelerator_lives_cover_the_cost_of_capital_less_often,
    "schedule/ercot-training-campus.yaml": test_ercot_training_campus_meets_its_curtailments_for_less_than_running_flat,
    "schedule/phoenix-srp-event.yaml": test_phoenix_event_cuts_power_without_a_shortfall,
    "security/sl4-frontier-training.yaml": test_sl4_moves_the_date_a_campus_holds_frontier_weights,
    "security/sl3-inference-campus.yaml": test_sl3_inference_campus_reaches_its_level_before_it_is_needed,
    "phased-campus.yaml": test_phased_campus_planned_jointly_costs_less_than_the_myopic_sequence,
    "site/queue-proxy.yaml": test_the_queue_proxy_moves_the_gigawatt_only_when_asked,
    "clean-24-7.yaml": test_clean_campus_takes_enhanced_geothermal_for_its_hourly_clean_energy,
    "finance/west-texas-campus.yaml": test_financed_campus_prints_its_break_even_price,
    "finance/pennsylvania-nuclear.yaml": test_financed_campus_prints_its_break_even_price,
}
# not yet given a test here: each takes 15-80 s at its own settings (left for a slow-marked follow-up)
NOT_YET = {"schedule/carbon-aware-week.yaml", "site/allied-10gw.yaml", "site/clean-5gw.yaml", "site/us-10gw-2029.yaml",
           "security/sl4-siting.yaml", "reliability/west-texas-offgrid.yaml"}
POINTS = {name: f"tests/test_examples.py::{test.__name__}" for name, test in TESTED_HERE.items()}


def test_every_example_has_a_point():
    examples = {p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.yaml")}
    assert examples == set(POINTS) | NOT_YET, f"examples without a test of their point: {sorted(examples - set(POINTS) - NOT_YET)}"


def test_every_example_says_what_to_look_for():
    for path in EXAMPLES.rglob("*.yaml"):
        name, lines = path.relative_to(EXAMPLES).as_posix(), path.read_text().splitlines()
        opening = lines[:next(i for i, line in enumerate(lines) if not line.startswith("#"))]  # the comment above the keys
        assert any("what to look for" in line.lower() for line in opening), name
