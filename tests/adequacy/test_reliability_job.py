"""`gigawatt reliability` on a plan scenario: the plan's supply drawn as failing units, checked against the plan it
comes from, against what more outages or fewer caps must do, and through the installed command as a user meets it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from gigawatt import api
from gigawatt.core.errors import ScenarioError
from gigawatt.core.units import HOURS_PER_YEAR
from gigawatt.schemas import output_schema

from conftest import EXAMPLES

GIGAWATT = Path(sys.executable).with_name("gigawatt")
OFFGRID = EXAMPLES / "west-texas-offgrid.yaml"
QUICK = "site.screening_segments=48"  # the plan on 48 time segments: about a second; the draws still run every hour
# No public forced-outage rate exists for gas gensets (catalog/outages.csv says why): the tests give RTS-GMLC's 55 MW gas CT's
GENSETS = "{gas_recip: {forced_outage_rate: 0.031, mean_time_to_repair_hours: 31}}"
DRAWS = 100


def reliability(*overrides: str, section: str = f"{{draws: {DRAWS}, units: {GENSETS}}}", store=None):
    return api.run("reliability", OFFGRID, set=[QUICK, f"reliability={section}", *overrides], store=store)


@pytest.fixture(scope="module")
def offgrid():
    return reliability()


@pytest.fixture(scope="module")
def plan():
    return api.run("plan", OFFGRID, set=[QUICK], store=None).data


def test_the_fleet_drawn_is_the_plan_s_megawatts_in_catalog_sized_units(offgrid, plan):
    units = {row["technology"]: row for row in offgrid.data["units"]}
    assert set(units) == {tech for tech, mw in plan["capacity_mw"].items() if mw > 0 and tech != "utility_pv"}  # solar: its hourly MW
    gensets = units["gas_recip"]
    assert gensets["units"] * gensets["unit_mw"] == pytest.approx(plan["capacity_mw"]["gas_recip"], rel=1e-12)
    assert gensets["unit_mw"] <= 18.8  # the catalog's genset (Wartsila 18V50SG), never larger
    assert gensets["forced_outage_rate"] == 0.031 and gensets["figures"] == "reliability.units"


def test_the_output_meets_its_schema_and_its_intervals_hold_their_means(offgrid):
    jsonschema.Draft202012Validator(output_schema("reliability")).validate(offgrid.to_dict())
    for name in ("availability", "lole_hours_per_year", "eue_mwh_per_year", "lost_accelerator_hours_per_year"):
        value = offgrid.data[name]
        assert value["low"] <= value["mean"] <= value["high"], name
    assert offgrid.data["draws"] == DRAWS and len(offgrid.to_frames()["per_draw"]) == DRAWS


def test_every_drawn_year_balances_its_energy(offgrid):
    """Served + capped + unserved = load in each drawn year (MWh), and the battery's charge closes."""
    per_draw = offgrid.to_frames()["per_draw"]
    total = per_draw["served_mwh"] + per_draw["capped_mwh"] + per_draw["unserved_mwh"]
    assert total.to_numpy() == pytest.approx(per_draw["load_mwh"].to_numpy(), rel=1e-12)


def test_units_that_fail_more_lose_more_load_and_caps_save_some_of_it():
    """Same seed, same plan: without the cluster's caps a genset forced out 30% of the time instead of 3.1% loses
    more energy; with the caps less of it is lost (never more). Without caps, the compute lost is the energy lost's share."""
    often = "{gas_recip: {forced_outage_rate: 0.3, mean_time_to_repair_hours: 31}}"
    usual = reliability(section=f"{{draws: {DRAWS}, units: {GENSETS}, flexible_share: 0}}").data
    rigid_run = reliability(section=f"{{draws: {DRAWS}, units: {often}, flexible_share: 0}}")
    rigid = rigid_run.data
    capped = reliability(section=f"{{draws: {DRAWS}, units: {often}}}").data
    assert rigid["eue_mwh_per_year"]["mean"] > usual["eue_mwh_per_year"]["mean"]
    assert rigid["eue_mwh_per_year"]["mean"] > capped["eue_mwh_per_year"]["mean"]
    assert capped["capped_hours_per_year"]["mean"] > 0 and rigid["capped_hours_per_year"]["mean"] == 0
    accelerator_hours = api.run("size", OFFGRID, store=None).data["accelerator_count"] * HOURS_PER_YEAR
    load_mwh = rigid_run.to_frames()["per_draw"]["load_mwh"][0]
    assert rigid["lost_accelerator_hours_per_year"]["mean"] == pytest.approx(rigid["eue_mwh_per_year"]["mean"] / load_mwh * accelerator_hours, rel=1e-9)


def test_the_n_minus_1_rule_is_read_from_the_fleet(offgrid):
    n1 = offgrid.data["n_plus_1"]
    units = offgrid.data["units"]
    assert n1["firm_mw"] == pytest.approx(sum(u["units"] * u["unit_mw"] for u in units))
    assert n1["largest_unit_mw"] == max(u["unit_mw"] for u in units)
    assert n1["meets"] == (n1["firm_mw"] - n1["largest_unit_mw"] >= n1["peak_mw"])


def test_a_stored_plan_is_drawn_as_planned_and_as_its_scenario_would_be(tmp_path):
    store = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    stored = api.run("plan", OFFGRID, set=[QUICK], store=store)
    section = f"reliability={{draws: {DRAWS}, units: {GENSETS}}}"
    drawn = api.from_stored_plan("reliability", stored.run.id[:8], set=[section], store=store)
    direct = api.run("reliability", OFFGRID, set=[QUICK, section], store=None)
    assert drawn.run.id == direct.run.id
    assert drawn.data["eue_mwh_per_year"] == direct.data["eue_mwh_per_year"] and drawn.data["units"] == direct.data["units"]
    done = subprocess.run([str(GIGAWATT), "reliability", stored.run.id[:12], "--store", store, "--set", section, "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"]["availability"] == direct.data["availability"]
    with pytest.raises(ScenarioError, match="a stored plan is read as it was planned"):
        api.from_stored_plan("reliability", stored.run.id, set=["grid.import_mw=10"], store=store)


def test_the_command_prints_the_figures_and_writes_its_plot(tmp_path):
    png = tmp_path / "reliability.png"
    done = subprocess.run([str(GIGAWATT), "reliability", str(OFFGRID), "--no-store", "--set", QUICK, "--set",
                           f"reliability={{draws: 20, units: {GENSETS}}}", "--plot", str(png)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "availability (energy served)" in done.stdout and "the fleet drawn" in done.stdout and "N-1:" in done.stdout
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize(("setting", "says"), [
    ("reliability={}", "reliability.units.gas_recip.forced_outage_rate: the catalog has no public figure"),
    (f"reliability={{units: {{gas_recip: {{forced_outage_rate: 1.0, mean_time_to_repair_hours: 31}}}}}}", "forced_outage_rate"),
    (f"reliability={{units: {{gas_recip: {{forced_outage_rate: 0.03, mean_time_to_repair_hours: 0}}}}}}", "mean_time_to_repair_hours"),
    (f"reliability={{units: {GENSETS}, target_availability: 1.0}}", "target_availability"),
    (f"reliability={{units: {GENSETS}, draws: 1}}", "draws"),
    ("reliability={units: {gas_ct: {forced_outage_rate: 0.1}}}", "reliability.units.gas_ct: not a supply option of this scenario"),
    (f"reliability={{units: {GENSETS}, draws: 100000000}}", "draws"),
    (f"reliability={{units: {GENSETS}, fuel_interruptions: [{{name: x, start: 02-30, hours: 5, share: 0.5, probability_per_year: 0.1}}]}}",
     "02-30 is no day of the year"),
    (f"reliability={{units: {GENSETS}, fuel_interruptions: [{{name: x, start: 02-10, hours: 5, share: 0.5, probability_per_year: 0.1, "
     "carrier: steam}]}", "reliability.fuel_interruptions[0].carrier: 'steam' is no catalog carrier"),
])
def test_bad_input_is_one_line_naming_the_field_before_any_plan_is_solved(setting, says):
    done = subprocess.run([str(GIGAWATT), "reliability", str(OFFGRID), "--no-store", "--set", setting], capture_output=True, text=True, timeout=120)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and says in lines[0] and "Traceback" not in done.stderr, done.stderr


def test_a_phased_plan_is_refused_in_one_line():
    with pytest.raises(ScenarioError, match="phases: the reliability of a phased plan is not drawn yet"):
        api.run("reliability", EXAMPLES / "phased-campus.yaml", store=None)


def test_a_fuel_interruption_strikes_the_gas_units_in_the_years_it_happens():
    """A cold snap taking all the gensets' gas for 48 hours: in every year (probability 1) the load the solar does
    not carry in those hours is lost, on top of the year's forced outages (same seed); with probability 0 nothing
    changes at all."""
    rigid = f"draws: {DRAWS}, units: {GENSETS}, flexible_share: 0"
    snap = "{name: cold snap, start: 02-15, hours: 48, share: 1.0, probability_per_year: PROBABILITY}"
    never = reliability(section=f"{{{rigid}, fuel_interruptions: [{snap.replace('PROBABILITY', '0')}]}}")
    always = reliability(section=f"{{{rigid}, fuel_interruptions: [{snap.replace('PROBABILITY', '1')}]}}")
    base = reliability(section=f"{{{rigid}}}")
    assert never.data["eue_mwh_per_year"] == base.data["eue_mwh_per_year"]
    lost = always.to_frames()["per_draw"]["unserved_mwh"] - base.to_frames()["per_draw"]["unserved_mwh"]
    load_mw = base.to_frames()["per_draw"]["load_mwh"][0] / HOURS_PER_YEAR
    assert (lost > 0.3 * 48 * load_mw).all()  # most of two days' load at least: the solar covers daytime hours only
    assert (lost <= 48 * 1.03 * load_mw).all()  # and never more than the load of those hours (the peak is 2.5% above the mean)


def test_a_plan_with_a_reliability_section_prints_its_draws_after_the_plan():
    """`gigawatt plan` does not read reliability: itself; it has the reliability job read the plan it just solved
    (not solved again) and prints that after it; with --json stdout stays the plan's one document."""
    example = EXAMPLES / "reliability" / "west-texas-offgrid.yaml"
    args = [str(GIGAWATT), "plan", str(example), "--no-store", "--set", QUICK, "--set", "reliability.draws=20",
            "--set", "reliability.target_availability=null"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.index("supply plan vs grid-only baseline") < done.stdout.index("availability (energy served)")
    assert "the plan read as it was planned (not solved again)" in done.stdout
    as_json = subprocess.run([*args, "--json"], capture_output=True, text=True, timeout=300)
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["kind"] == "plan"
    unreadable = subprocess.run([*args, "--set", "reliability.units={}"], capture_output=True, text=True, timeout=300)
    assert unreadable.returncode == 2 and unreadable.stdout == ""  # refused before the plan is solved, nothing printed
    assert "reliability.units.gas_recip.forced_outage_rate" in unreadable.stderr and len(unreadable.stderr.strip().splitlines()) == 1
