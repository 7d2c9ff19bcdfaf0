"""Redundancy sized to a target availability: the greedy search on small synthetic fleets (a flat load, a few hundred
hours and draws), and once end to end through the installed CLI on the off-grid example."""

import subprocess
import sys
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from gigawatt.adequacy import Battery, ReliabilityInputs, UnitGroup, simulate
from gigawatt.adequacy.redundancy import BATTERY, UNITS, Addition, cost_of_nines, size_redundancy
from gigawatt.adequacy.job import result_schema
from gigawatt.core.errors import ScenarioError
from gigawatt.core.results import json_safe

HOURS = 500  # hours of the synthetic year: enough outages of 10-hour repairs to tell fleets apart
DRAWS = 40  # years drawn: the properties below hold draw by draw at a common seed, not only on average
UNIT_MW, UNITS_PLANNED, Q, MTTR_HOURS = 10.0, 10, 0.05, 10.0
LOAD_MW = 95.0  # needs all ten units: any outage loses load
USD_PER_MW_YEAR = 100_000.0
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "west-texas-offgrid.yaml"
GIGAWATT = Path(sys.executable).with_name("gigawatt")


def fleet(battery: Battery | None = None, load_mw: float = LOAD_MW) -> ReliabilityInputs:
    return ReliabilityInputs(load_mw=np.full(HOURS, load_mw), units=(UnitGroup("gas_ct", UNIT_MW, UNITS_PLANNED, Q, MTTR_HOURS),), battery=battery)


def more_units(name: str = "gas_ct", usd: float = USD_PER_MW_YEAR, q: float = Q) -> Addition:
    return Addition(name, UNITS, UNIT_MW, usd, forced_outage_rate=q, mean_time_to_repair_hours=MTTR_HOURS)


def test_the_sizing_reaches_the_target_and_no_step_lowers_availability():
    target = 0.999
    sized = size_redundancy(fleet(), [more_units()], target, draws=DRAWS, seed=1)
    assert sized.before["availability"]["mean"] < target <= sized.after["availability"]["mean"]
    assert sized.additions and sized.additions[0]["technology"] == "gas_ct"
    assert sized.cost_usd_per_year == pytest.approx(sum(a["usd_per_year"] for a in sized.additions))
    assert sized.cost_usd_per_year == pytest.approx(sized.additions[0]["units"] * UNIT_MW * USD_PER_MW_YEAR)
    availability = [p["availability"] for p in sized.path]
    assert all(later >= earlier for earlier, later in zip(availability, availability[1:]))
    assert [n["nines"] for n in sized.cost_of_nines] == [2, 3]  # starts near 0.95: a unit of ten is out in ~40% of hours


def test_a_search_on_fewer_draws_is_checked_on_all():
    """Searched on 10 years, checked on 40: the fleet kept reaches the target on the 40 (searching on, or dropping a
    last step that was not needed), and the path ends with that check."""
    target = 0.999
    sized = size_redundancy(fleet(), [more_units()], target, draws=DRAWS, seed=9, search_draws=10)
    assert sized.search_draws == 10 and sized.path[0]["draws"] == 10
    assert sized.after["availability"]["mean"] >= target and sized.path[-1]["draws"] == DRAWS
    assert sized.path[-1]["availability"] == pytest.approx(sized.after["availability"]["mean"])


def test_an_added_unit_never_lowers_availability_draw_by_draw():
    """At one seed the planned units keep their outages, so an extra unit can only add MW in every hour of every draw."""
    base = simulate(fleet(), DRAWS, seed=2).per_draw["unserved_mwh"].to_numpy()
    more = simulate(ReliabilityInputs(load_mw=np.full(HOURS, LOAD_MW), units=(UnitGroup("gas_ct", UNIT_MW, UNITS_PLANNED + 1, Q, MTTR_HOURS),)),
                    DRAWS, seed=2).per_draw["unserved_mwh"].to_numpy()
    assert np.all(more <= base + 1e-9)


def test_equally_effective_candidates_go_to_the_cheaper():
    """Two technologies of units that never fail help exactly as much; the cheaper one is taken, wherever it is listed."""
    dear, cheap = more_units("dear", 2 * USD_PER_MW_YEAR, q=0.0), more_units("cheap", USD_PER_MW_YEAR, q=0.0)
    sized = size_redundancy(fleet(), [dear, cheap], 0.9999, draws=DRAWS, seed=3)
    assert [a["technology"] for a in sized.additions] == ["cheap"]


def test_battery_hours_are_priced_per_mwh_at_the_battery_power():
    battery = Battery(power_mw=5.0, energy_mwh=5.0, initial_soc_share=0.0)
    addition = Addition("battery_li_ion", BATTERY, 0.0, USD_PER_MW_YEAR, usd_per_mwh_year=1.0)  # nearly free: taken first
    sized = size_redundancy(fleet(battery, load_mw=85.0), [addition, more_units()], 0.99999, draws=DRAWS, seed=4)
    first = sized.path[1]
    assert first["kind"] == BATTERY and first["mwh"] == pytest.approx(5.0) and first["cumulative_usd_per_year"] == pytest.approx(5.0)


def test_an_unreachable_target_is_one_line_naming_the_field():
    """Supply never exceeds the load, so a battery that starts empty never charges: more hours cannot help."""
    battery = Battery(power_mw=10.0, energy_mwh=10.0, initial_soc_share=0.0)
    only = Addition("battery_li_ion", BATTERY, 10.0, USD_PER_MW_YEAR, usd_per_mwh_year=USD_PER_MW_YEAR)
    with pytest.raises(ScenarioError) as raised:
        size_redundancy(fleet(battery, load_mw=UNIT_MW * UNITS_PLANNED), [only], 0.999, draws=DRAWS, seed=5)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("reliability.target_availability") and "best availability" in message and "battery_li_ion" in message


def test_too_few_steps_or_a_target_of_one_is_refused():
    with pytest.raises(ScenarioError, match="reliability.target_availability.*steps were not enough"):
        size_redundancy(fleet(), [more_units()], 0.9999999, draws=DRAWS, seed=6, max_steps=1)
    with pytest.raises(ScenarioError, match="reliability.target_availability"):
        size_redundancy(fleet(), [more_units()], 1.0, draws=DRAWS)


def test_cost_of_each_nine_is_the_first_step_reaching_it():
    path = [{"step": i, "availability": a, "cumulative_usd_per_year": 10.0 * i} for i, a in enumerate((0.95, 0.985, 0.995, 0.9992))]
    assert [(n["nines"], n["step"], n["increment_usd_per_year"]) for n in cost_of_nines(path)] == [(2, 2, 20.0), (3, 3, 10.0)]
    checked = [*path, {"step": 3, "availability": 0.9985, "cumulative_usd_per_year": 30.0}, {"step": 4, "availability": 0.9991, "cumulative_usd_per_year": 45.0}]
    assert [(n["nines"], n["cumulative_usd_per_year"]) for n in cost_of_nines(checked)] == [(2, 20.0), (3, 45.0)]  # step 3 fell short when checked


def test_n_minus_1_counts_the_cheapest_units_and_draws_them():
    sized = size_redundancy(fleet(), [more_units()], 0.99, draws=DRAWS, seed=7)
    n1 = sized.n_minus_1
    assert n1["units"] == 1 and n1["usd_per_year"] == pytest.approx(UNIT_MW * USD_PER_MW_YEAR)  # 110 - 10 >= 95
    assert n1["availability"]["mean"] > sized.before["availability"]["mean"]



def test_the_redundancy_block_meets_the_job_schema():
    _, defs = result_schema()
    sized = size_redundancy(fleet(), [more_units()], 0.99, draws=DRAWS, seed=8)
    jsonschema.Draft202012Validator({**defs["redundancy"], "$defs": defs}).validate(json_safe(sized.to_dict()))


RELIABILITY = "reliability={draws: 200, flexible_share: 0, target_availability: %s, units: {gas_recip: {forced_outage_rate: 0.031, mean_time_to_repair_hours: 31}}}"


def cli(target: str) -> subprocess.CompletedProcess:
    """The off-grid example with no reserve margin (the plan builds no spare engine) and no cluster caps (the cluster
    would otherwise ride through every outage): it loses ~1.4% of its energy, so 99.99% needs additions. gas_recip's
    outage figures are given (no public class average for gensets): RTS-GMLC's gas CT figures."""
    return subprocess.run([str(GIGAWATT), "reliability", str(EXAMPLE), "--no-store", "--set", "site.screening_segments=48",
                           "--set", "constraints.reserve_margin=null", "--set", RELIABILITY % target],
                          capture_output=True, text=True, timeout=600)


def test_the_cli_sizes_redundancy_on_the_off_grid_example():
    done = cli("0.9999")
    assert done.returncode == 0, done.stderr
    assert "redundancy to 99.9900%" in done.stdout
    assert "Gas engines (units)" in done.stdout  # the catalog display name of gas_recip
    assert "99.99%: reached at" in done.stdout and "N-1 rule instead" in done.stdout


def test_the_cli_refuses_a_target_of_one():
    done = cli("1.0")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "reliability.target_availability" in lines[0]
