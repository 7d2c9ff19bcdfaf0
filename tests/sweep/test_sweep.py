"""Sweeps: definitions, designs, validation of every point, and real runs on a 2-worker Dask LocalCluster
(no mock), resumed from the run store after the driver is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES

from gigawatt.core.errors import ScenarioError
from gigawatt.store import open_store
from gigawatt.sweep.design import Axis, parse_sample, parse_vary, points
from gigawatt.sweep.runner import run_sweep, validate
from gigawatt.sweep.analysis import tornado

pytest.importorskip("dask.distributed", reason="the sweep extra is not installed (pip install -e '.[sweep]')")

GIGAWATT = Path(sys.executable).with_name("gigawatt")  # the installed entry point, as a user runs it
GAS = EXAMPLES / "west-texas-grid-gas.yaml"
FUEL = "supply.limits.gas_recip.fuel_price_usd_per_mmbtu"


def test_vary_takes_lists_linear_and_log_ranges():
    assert parse_vary("grid.available=2028-01,2030-01").values == ("2028-01", "2030-01")
    assert parse_vary(f"{FUEL}=2:8:4").values == (2.0, 4.0, 6.0, 8.0)
    assert parse_vary("grid.import_mw=log:10:1000:3").values == pytest.approx((10.0, 100.0, 1000.0))
    with pytest.raises(ScenarioError, match="write it as KEY=VALUES"):
        parse_vary("grid.import_mw")
    with pytest.raises(ScenarioError, match="at least 2 values"):
        parse_vary("grid.import_mw=1:2:1")


def test_samples_are_latin_hypercube_draws_of_the_named_distributions():
    sampled = [parse_sample(f"{FUEL}=uniform(2,8)"), parse_sample("grid.price_usd_per_mwh=triangular(40, 60, 120)")]
    drawn = points("sample", [], sampled, draws=50, seed=7)
    fuel = np.array([p[FUEL] for p in drawn])
    # Latin hypercube: exactly one draw in each of the 50 equal-probability strata
    assert sorted(np.floor((fuel - 2.0) / 6.0 * 50).astype(int).tolist()) == list(range(50))
    price = np.array([p["grid.price_usd_per_mwh"] for p in drawn])
    assert 40 <= price.min() and price.max() <= 120 and abs(np.median(price) - 69.0) < 6  # median of triangular(40, 60, 120) ≈ 68.9
    with pytest.raises(ScenarioError, match="uniform takes 2 parameters"):
        parse_sample("x=uniform(1,2,3)")
    with pytest.raises(ScenarioError, match="DIST one of uniform, triangular, normal, lognormal"):
        parse_sample("x=beta(1,2)")


def test_designs_grid_and_one_at_a_time():
    axes = [Axis("a", (1, 2, 3)), Axis("b", ("x", "y"))]
    assert len(points("grid", axes)) == 6 and {"a": 3, "b": "y"} in points("grid", axes)
    assert points("oat", axes) == [{}, {"a": 1}, {"a": 2}, {"a": 3}, {"b": "x"}, {"b": "y"}]
    with pytest.raises(ScenarioError, match="design 'mesh': choose one of grid, oat, sample"):
        points("mesh", axes)


def test_a_grid_tornado_shows_each_inputs_main_effect():
    from gigawatt.sweep.analysis import SweepResult

    chosen = points("grid", [Axis("a", (1, 3)), Axis("b", (0, 10))])
    rows = [{"point": n, **p, "status": "done", "y": 2 * p["a"] + p["b"]} for n, p in enumerate(chosen, 1)]
    swing = tornado(SweepResult(kind="plan", rows=rows, varied=["a", "b"]), "y", "grid")
    # b moves y by 10 whatever a is; a by 2 x 2 = 4; the ends are means over the other input: a=1 -> (2 + 12) / 2
    assert [(r["input"], r["swing"], r["at_low"], r["base"]) for r in swing] == [("b", 10.0, 4.0, 9.0), ("a", 4.0, 7.0, 9.0)]


def test_every_point_is_validated_before_anything_runs():
    chosen = [{"grid.import_mw": 500}, {"grid.import_mw": -5}]
    with pytest.raises(ScenarioError, match=r"^point 2 \(grid.import_mw=-5\): .*grid.import_mw"):
        validate("plan", GAS, chosen)
    with pytest.raises(ScenarioError, match=r"point 1 \(grid.imprt_mw=5\): .*did you mean 'import_mw'"):
        validate("plan", GAS, [{"grid.imprt_mw": 5}])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return str(tmp_path_factory.mktemp("sweep") / "runs.sqlite")


def test_a_sweep_runs_on_two_workers_stores_every_point_and_records_failures(store):
    chosen = [{}, {FUEL: 2.0}, {FUEL: 8.0}, {"constraints.carbon_free_share": 0.5, "supply.technologies": ["gas_recip"]}]
    inputs = validate("plan", GAS, chosen, ["site.screening_segments=24"])
    result = run_sweep("plan", chosen, inputs, store=store, workers=2)
    assert [r["status"] for r in result.rows] == ["done", "done", "done", "failed"]
    assert result.rows[3]["error"].startswith("constraints.carbon_free_share")
    kept = open_store(store)
    for row in result.rows[:3]:
        assert kept.get(row["run_id"]).data["lcoe_usd_per_mwh"] == pytest.approx(row["LCOE USD/MWh"])
    # dearer gas, dearer power: the swing is real
    assert result.rows[1]["LCOE USD/MWh"] < result.rows[0]["LCOE USD/MWh"] < result.rows[2]["LCOE USD/MWh"]
    swing = tornado(type(result)(kind="plan", rows=result.rows[:3], varied=[FUEL]), "LCOE USD/MWh")
    assert swing[0]["input"] == FUEL and swing[0]["swing"] == pytest.approx(result.rows[2]["LCOE USD/MWh"] - result.rows[1]["LCOE USD/MWh"])
    # again: every point comes back from the store, none is recomputed
    again = run_sweep("plan", chosen, inputs, store=store, workers=2)
    assert [r.get("run_id") for r in again.rows] == [r.get("run_id") for r in result.rows]
    assert [kept.get(r["run_id"]).run.created for r in again.rows[:3]] == [kept.get(r["run_id"]).run.created for r in result.rows[:3]]


HOURS_2025 = 8760  # the hours of the example's year, 2025


def flat_load_csv(path: Path, mw: float) -> Path:
    """An hourly load of ``mw`` MW every hour of 2025 (timestamp,value CSV)."""
    from datetime import datetime, timedelta

    start = datetime(2025, 1, 1)
    path.write_text("timestamp,value\n" + "".join(f"{start + timedelta(hours=h):%Y-%m-%d %H:%M},{mw}\n" for h in range(HOURS_2025)))
    return path


def test_a_point_reads_the_files_sent_with_it_and_is_kept_under_the_drivers_id(tmp_path):
    """A worker that cannot see the driver's disk: the point's load file is gone from its path, its bytes came
    with the task; the point runs on a local copy, and the driver keeps it under the id and inputs it has there."""
    from gigawatt import api
    from gigawatt.store import run_id
    from gigawatt.sweep.runner import SHIPPED_FOLDER, _as_on_driver, _point_inputs, _run_point

    load = flat_load_csv(tmp_path / "load.csv", 900)
    [inputs] = validate("plan", GAS, [{}], ["site.screening_segments=24", f"site.load_csv={load}"])
    on_driver = run_id("plan", api.load_inputs("plan", _point_inputs("plan", inputs)))
    data = load.read_bytes()
    load.unlink()  # as on another machine: the path names nothing there
    returned = _run_point("plan", inputs, {str(load): data})
    assert returned["row"]["status"] == "done", returned["row"]
    used = returned["result"]["inputs"]["site"]["load_csv"]
    assert SHIPPED_FOLDER in used and Path(used).name == "load.csv" and Path(used).read_bytes() == data
    load.write_bytes(data)  # back on the driver
    kept = _as_on_driver("plan", inputs, returned)
    assert kept["row"]["run_id"] == kept["result"]["run"]["id"] == on_driver
    assert kept["result"]["inputs"]["site"]["load_csv"] == str(load)
    assert SHIPPED_FOLDER not in json.dumps([kept["result"]["data"], kept["result"]["messages"]])  # a series' source: the driver's path
    assert str(load) in kept["result"]["data"]["series"]["load"]
    assert on_driver == api.plan(GAS, set=["site.screening_segments=24", f"site.load_csv={load}", "solver.threads=1"], store=None).run.id
    assert _run_point("plan", inputs)["row"]["status"] == "done"  # the same point where the driver's file is there


def test_the_cli_sweep_draws_a_tornado_and_a_killed_sweep_resumes(tmp_path):
    store = tmp_path / "runs.sqlite"
    args = [str(GIGAWATT), "sweep", str(GAS), "--vary", f"{FUEL}=2:8:4", "--vary", "grid.available=2028-01,2030-01",
            "--screening", "48", "--design", "oat", "--workers", "2", "--store", str(store)]
    # the driver is killed (-9, with its cluster) once some points are stored; the rerun finishes the rest
    driver = subprocess.Popen(args + ["--json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300  # generous: the whole suite may be running beside it on two cores
    before: dict[str, str] = {}
    while time.monotonic() < deadline and driver.poll() is None:
        if store.exists():
            before = {row["id"]: row["created"] for row in open_store(str(store)).list()}
            if len(before) >= 2:
                break
        time.sleep(0.2)
    os.killpg(driver.pid, signal.SIGKILL)
    driver.wait()
    assert before, "no point was stored before the kill"
    done = subprocess.run(args + ["--json", "--plot", str(tmp_path / "tornado.png")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    table = json.loads(done.stdout)["result"]
    assert table["design"] == "oat" and len(table["points"]) == 7 and all(p["status"] == "done" for p in table["points"])
    after = {row["id"]: row["created"] for row in open_store(str(store)).list()}
    assert all(after[ident] == created for ident, created in before.items())  # stored points were not recomputed
    assert (tmp_path / "tornado.png").stat().st_size > 10_000


def test_a_bad_point_fails_the_cli_at_once_in_one_line(tmp_path):
    done = subprocess.run([str(GIGAWATT), "sweep", str(GAS), "--vary", "grid.import_mw=500,-5", "--store", str(tmp_path / "s.sqlite")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("error: point 2 (grid.import_mw=-5)") and "Traceback" not in done.stderr
    assert not (tmp_path / "s.sqlite").exists() or not open_store(str(tmp_path / "s.sqlite")).list()


def test_a_sweep_file_runs_from_yaml_and_a_sampled_sweep_ranks_its_inputs(tmp_path):
    store = str(tmp_path / "runs.sqlite")
    done = subprocess.run([str(GIGAWATT), "sweep", str(EXAMPLES / "sweep" / "gas-and-grid.yaml"), "--set", "site.screening_segments=24",
                           "--workers", "2", "--store", store, "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    table = json.loads(done.stdout)["result"]
    assert table["design"] == "oat" and table["figure"] == "lcoe_usd_per_mwh" and table["figure_label"] == "LCOE USD/MWh" and len(table["points"]) == 7
    sampled = subprocess.run([str(GIGAWATT), "sweep", str(GAS), "--sample", f"{FUEL}=uniform(2,8)", "--draws", "6", "--screening", "24",
                              "--workers", "2", "--store", store, "--json", "--plot", str(tmp_path / "cdf.png")],
                             capture_output=True, text=True, timeout=300)
    assert sampled.returncode == 0, sampled.stderr
    ranked = json.loads(sampled.stdout)["result"]["ranking"]
    assert ranked[0]["input"] == FUEL and ranked[0]["spearman"] > 0.8  # dearer gas, dearer power
    assert (tmp_path / "cdf.png").stat().st_size > 10_000


def test_a_mistyped_sweep_section_names_its_field(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(f"sweep:\n  base: {GAS}\n  desing: oat\n")
    done = subprocess.run([str(GIGAWATT), "sweep", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "sweep.desing" in done.stderr and "Traceback" not in done.stderr


def test_weather_years_are_points_of_their_own_and_resume(tmp_path):
    from conftest import SHARED

    era5 = SHARED / "data" / "us-hourly-cf-era5" / "us_top25pct_hourly_cf_2010_2020.csv"
    if not era5.exists():
        pytest.skip(f"{era5} is absent")
    args = [str(GIGAWATT), "sweep", str(GAS), "--weather-years", "2018-2019", "--era5", str(era5), "--screening", "24",
            "--set", "supply.technologies=[utility_pv,onshore_wind,gas_recip]", "--set", "constraints.carbon_free_share=0.5",
            "--workers", "2", "--store", str(tmp_path / "runs.sqlite"), "--json"]
    first = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    points_run = json.loads(first.stdout)["result"]["points"]
    assert [p["weather_year"] for p in points_run] == [2018, 2019] and all(p["status"] == "done" for p in points_run)
    assert points_run[0]["lcoe_usd_per_mwh"] != points_run[1]["lcoe_usd_per_mwh"]  # the years' weather differs, and so do the plans
    again = json.loads(subprocess.run(args, capture_output=True, text=True, timeout=300).stdout)["result"]["points"]
    assert [p["run_id"] for p in again] == [p["run_id"] for p in points_run]  # the same series, the same runs: found, not rerun


def test_a_grid_sweep_is_a_stored_run_listed_with_its_points_and_drawn(tmp_path):
    import jsonschema

    from gigawatt.schemas import output_schema

    store = tmp_path / "s.sqlite"
    args = [str(GIGAWATT), "sweep", str(GAS), "--vary", "grid.import_mw=400,800", "--vary", "grid.available=2028-01,2030-01",
            "--screening", "24", "--workers", "2", "--store", str(store)]
    done = subprocess.run(args + ["--json", "--plot", str(tmp_path / "grid.png"), "--csv", str(tmp_path / "points.csv")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    jsonschema.Draft202012Validator(output_schema("sweep")).validate(out)
    assert out["kind"] == "sweep" and out["result"]["design"] == "grid" and len(out["result"]["points"]) == 4
    assert (tmp_path / "grid.png").stat().st_size > 10_000 and len((tmp_path / "points.csv").read_text().splitlines()) == 5
    kept = open_store(str(store))
    sweeps = kept.list(kind="sweep")
    assert [s["id"] for s in sweeps] == [out["run"]["id"]] and sweeps[0]["headline"]["points"] == 4
    listed = subprocess.run([str(GIGAWATT), "runs", "list", "--sweep", out["run"]["id"][:10], "--store", str(store), "--json"],
                            capture_output=True, text=True, timeout=60)
    assert sorted(r["id"] for r in json.loads(listed.stdout)["runs"]) == sorted(p["run_id"] for p in out["result"]["points"])
    shown = subprocess.run([str(GIGAWATT), "runs", "show", out["run"]["id"][:10], "--store", str(store)], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "plan sweep (grid), 4 points" in shown.stdout
    # run again: the same sweep, one record (replaced), its points found in the store
    again = subprocess.run(args + ["--json"], capture_output=True, text=True, timeout=300)
    assert json.loads(again.stdout)["run"]["id"] == out["run"]["id"] and len(kept.list(kind="sweep")) == 1
    assert json.loads(again.stdout)["run"]["seconds"] == 0  # every point from the store: no worker started, nothing run
    # a fifth point: the four stored are found by their run ids, so only the new one would start a worker
    from gigawatt.sweep.runner import stored_rows

    points = [{"grid.import_mw": mw, "grid.available": when} for mw in (400, 800) for when in ("2028-01", "2030-01")]
    found = stored_rows("plan", validate("plan", GAS, [*points, {"grid.import_mw": 600}], ["site.screening_segments=24"]), kept)
    assert sorted(found) == [0, 1, 2, 3] and {row["run_id"] for row in found.values()} == {p["run_id"] for p in out["result"]["points"]}
    not_a_sweep = subprocess.run([str(GIGAWATT), "runs", "list", "--sweep", out["result"]["points"][0]["run_id"][:12], "--store", str(store)],
                                 capture_output=True, text=True, timeout=60)
    assert not_a_sweep.returncode == 2 and "is a plan run, not a sweep" in not_a_sweep.stderr


def test_sobol_indices_find_the_input_a_figure_depends_on(tmp_path):
    """Facility power is IT power x PUE: the PUE explains all of its variance (first-order index ~ 1) and
    the electricity price none of it (total index ~ 0); the cost per accelerator-hour depends on both."""
    pytest.importorskip("SALib", reason="SALib is not installed (pip install -e '.[sweep]')")
    from gigawatt.sweep.design import SweepDefinition
    from gigawatt.sweep.runner import sweep

    definition = SweepDefinition(design="sobol", draws=32, seed=3, figure="facility power MW",
                                 sample={"cluster.pue": "uniform(1.1, 1.5)", "costs.electricity_price_usd_per_mwh": "uniform(30, 120)"})
    result = sweep(EXAMPLES / "h100-100k.yaml", definition, store=str(tmp_path / "s.sqlite"), workers=2)
    assert len(result.data["points"]) == 32 * (2 + 2)  # Saltelli: N x (inputs + 2)
    sobol = {row["input"]: row for row in result.data["sobol"]}
    assert sobol["cluster.pue"]["first_order"] == pytest.approx(1.0, abs=0.1)
    assert abs(sobol["costs.electricity_price_usd_per_mwh"]["total"]) < 0.02
    with pytest.raises(ScenarioError, match="draws 12 is not a power of 2"):
        points("sobol", [], [parse_sample("cluster.pue=uniform(1.1,1.5)")], draws=12)


def test_a_build_out_sweep_draws_the_fan_of_capacity_online(tmp_path):
    """The fan's bands are ordered (P10 <= P25 <= P50 <= P75 <= P90 at every date), its last date lies
    within the points' own capacity online at the end, and the sampled limit spreads it."""
    from gigawatt.report.figures import plot
    from gigawatt.sweep.design import SweepDefinition
    from gigawatt.sweep.runner import sweep

    definition = SweepDefinition(design="sample", draws=6, seed=1, set=["draws=0"],
                                 sample={"limits.construction_gw.value": "uniform(2, 8)"})
    result = sweep(EXAMPLES / "buildout" / "10gw.yaml", definition, store=str(tmp_path / "s.sqlite"), workers=2)
    assert result.data["job"] == "buildout" and all(p["status"] == "done" for p in result.data["points"])
    fan = result.data["fan"]
    bands = np.array([[row[f"p{q}_online_gw"] for q in (10, 25, 50, 75, 90)] for row in fan])
    assert (np.diff(bands, axis=1) >= -1e-9).all()
    ends = [p["online_gw_at_end"] for p in result.data["points"]]
    assert min(ends) - 1e-9 <= bands[-1, 0] and bands[-1, -1] <= max(ends) + 1e-9
    assert (bands[:, -1] - bands[:, 0]).max() > 0.5  # the construction limit spreads the paths by more than 0.5 GW somewhere
    assert "trajectory" not in result.data["points"][0]  # the paths live in the fan, not in the table
    assert plot(result, tmp_path / "fan.png").stat().st_size > 10_000


def test_the_ranking_s_rank_correlation_is_spearman_s_with_ties():
    """ranking() computes Spearman's rho itself (ranks, ties averaged, then Pearson): it equals scipy's."""
    from scipy.stats import spearmanr

    from gigawatt.sweep.analysis import SweepResult, ranking

    rng = np.random.default_rng(7)
    x = rng.integers(0, 4, 30).astype(float)  # many ties
    y = x + rng.normal(size=30)
    rows = [{"status": "done", "a": float(a), "f": float(b)} for a, b in zip(x, y)]
    ranked = ranking(SweepResult(kind="size", rows=rows, varied=["a"]), "f")
    assert ranked[0]["spearman"] == pytest.approx(spearmanr(x, y).statistic, rel=1e-12)
