"""A campus that grows: the multi-period plan of a scenario with ``phases`` (gigawatt.power.phases)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from gigawatt.power import phases as ph
from gigawatt.power.lp import dispatch_frame
from gigawatt.power.planner import plan_power
from gigawatt.power.solve import solve
from gigawatt.api import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "gigawatt" / "examples" / "phased-campus.yaml"
CLI = Path(sys.executable).with_name("gigawatt")
SEGMENTS = 96  # small LPs: each test solves in well under a second


def _data() -> dict:
    return yaml.safe_load(EXAMPLE.read_text())


def _scenario(**changes):
    data = _data()
    for key, value in changes.items():
        data[key] = value
    return parse_scenario(data)


@pytest.fixture(scope="module")
def example():
    return plan_power(load_scenario(EXAMPLE))


# a second case: four phases, a carbon-free share and the catalog's grid price
SECOND = dict(
    phases=[{"date": "2026-07", "power_mw": 200}, {"date": "2027-01", "power_mw": 600},
            {"date": "2028-06", "count": 8000, "accelerator": "GB300 NVL72"}, {"date": "2030-01", "power_mw": 1500}],
    constraints={"carbon_free_share": 0.3},
    grid={"import_mw": 800, "available": "2028-06"},
)


@pytest.fixture(scope="module")
def second():
    s = _scenario(**SECOND)
    return plan_power(s, segments=SEGMENTS)


def test_example_plans_three_periods_with_a_gas_bridge(example):
    rows = example.phases
    assert [r["date"] for r in rows] == ["2026-07", "2027-07", "2029-01"]
    assert rows[-1]["accelerator"] == "Vera Rubin" and rows[0]["accelerator"] == "GB200 NVL72"
    assert rows[0]["capacity_mw"]["gas_recip"] > 0  # gas bridges until the grid arrives
    assert rows[-1]["capacity_mw"]["grid_import"] > 0
    assert example.phased["periods"] == 3 and example.phased["npv_usd"] > 0
    assert example.capacity_mw == rows[-1]["capacity_mw"]  # the plan's own figures are the last period's
    assert all(r["power_cost_usd_per_accelerator_hour"] > 0 for r in rows)


@pytest.mark.parametrize("case", ["example", "second"])
def test_joint_plan_is_never_dearer_than_the_myopic_sequence(case, request):
    phased = request.getfixturevalue(case).phased
    assert phased["npv_usd"] <= phased["myopic_npv_usd"] * (1 + 1e-7)
    assert phased["saving_usd"] == pytest.approx(phased["myopic_npv_usd"] - phased["npv_usd"])


def test_example_values_planning_jointly(example):
    # the myopic sequence builds solar in 2026-27 that the cheap grid of 2029 makes a regret
    assert example.phased["saving_share"] > 0.01


def test_no_build_before_an_option_is_available(example, second):
    for plan, arrives in ((example, "2029-01"), (second, "2028-06")):
        for row in plan.phases:
            if row["date"] < arrives:
                assert row["built_mw"]["grid_import"] == 0 and row["capacity_mw"]["grid_import"] == 0
                assert row["myopic"]["built_mw"]["grid_import"] == 0
                assert "grid_import" not in row["available"]
    # solar's 24-month lead time from start 2024-07: available 2026-07, aero gas turbines (36 months) 2027-07
    assert "gas_ct_aero" not in example.phases[0]["available"] and "gas_ct_aero" in example.phases[1]["available"]


@pytest.mark.parametrize("case", ["example", "second"])
def test_capacity_never_falls_within_lifetimes(case, request):
    rows = request.getfixturevalue(case).phases
    for name in rows[0]["capacity_mw"]:
        capacity = [r["capacity_mw"][name] for r in rows]
        assert all(b >= a - 1e-6 for a, b in zip(capacity, capacity[1:])), (name, capacity)
        # what stands is what was built (nothing retires within the horizon here)
        assert capacity[-1] == pytest.approx(sum(r["built_mw"][name] for r in rows), abs=1e-3)


def test_a_phase_before_its_options_arrive_says_which():
    from gigawatt.core.errors import InfeasibleError

    with pytest.raises(InfeasibleError, match=r"^phases\[0\]\.date 2026-01, with the options available by then: constraints.carbon_free_share"):
        plan_power(_scenario(**{**SECOND, "phases": [{"date": "2026-01", "power_mw": 200}, *SECOND["phases"][1:]]}), segments=SEGMENTS)


def test_a_short_lifetime_retires_the_first_builds():
    data = _data()
    data["supply"]["limits"]["gas_recip"]["lifetime_years"] = 2  # built 2026-07: gone by 2029-01
    plan = plan_power(parse_scenario(data), segments=SEGMENTS)
    rows = plan.phases
    built = [r["built_mw"]["gas_recip"] for r in rows]
    assert built[0] > 0
    assert rows[2]["capacity_mw"]["gas_recip"] == pytest.approx(built[1] + built[2], abs=1e-3)
    assert plan.phased["npv_usd"] <= plan.phased["myopic_npv_usd"] * (1 + 1e-7)


@pytest.mark.parametrize("changes", [{}, SECOND])
def test_every_period_balances_its_energy(changes):
    scenario = _scenario(**changes)
    periods, _, _ = ph._periods(scenario, SEGMENTS)
    lifetimes = ph._lifetimes(scenario, periods[0].inputs.options)
    lp, col_off, row_off = ph.stitch(periods, lifetimes)
    solution = solve(lp, periods[-1].inputs)
    for period in periods:
        part = ph._period_solution(solution, period, col_off, row_off)
        frame = dispatch_frame(period.lp, part.x, period.inputs)
        sources = frame.drop(columns=["load_mw", *[c for c in frame if c.endswith("_charge_mw") or not c.endswith("_mw")]]).sum(axis=1)
        uses = frame["load_mw"] + frame[[c for c in frame if c.endswith("_charge_mw")]].sum(axis=1)
        assert np.abs(sources - uses).max() < 1e-3, period.date
        assert frame["unserved_mw"].abs().max() < 1e-6


def test_discount_weight_counts_discounted_years():
    assert ph.discount_weight(0.0, 1.0, 0.1) == pytest.approx(1.0)
    assert ph.discount_weight(0.0, 2.0, 0.1) == pytest.approx(1.0 + 1 / 1.1)
    assert ph.discount_weight(0.5, 1.5, 0.1) == pytest.approx(0.5 + 0.5 / 1.1)
    assert ph.discount_weight(0.0, 3.0, 0.0) == pytest.approx(3.0)


def test_phased_plan_is_json_with_a_phases_table(example):
    import json

    out = json.loads(json.dumps(example.to_dict()))
    assert out["phased"]["myopic_npv_usd"] >= out["phased"]["npv_usd"]
    frame = example.to_frames()["phases"]
    assert list(frame["date"]) == ["2026-07", "2027-07", "2029-01"]


def _run_cli(tmp_path: Path, data: dict) -> subprocess.CompletedProcess:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    return subprocess.run([str(CLI), "plan", str(path)], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["phases"].__setitem__(1, {**d["phases"][1], "date": "2026-01"}), "phases[1].date 2026-01 is not after phases[0].date"),
    (lambda d: d["phases"][0].update(count=1000), "give exactly one of power_mw or count"),
    (lambda d: d.update(constraints={"online_by": "2026-06"}), "phases and constraints.online_by: give one"),
    (lambda d: d["phases"][0].update(date="2024-01"), "phases[0].date 2024-01 is before start 2024-07"),
    (lambda d: d["phases"][2].update(accelerator="Vera Rubbin"), "phases[2]"),
])
def test_bad_phases_give_one_line_errors_through_the_cli(tmp_path, change, expected):
    data = copy.deepcopy(_data())
    change(data)
    done = _run_cli(tmp_path, data)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert expected in lines[0]
