"""The Python API and the one result shape: inputs as a path, a dict or a model with overrides; results
JSON-safe, with named tables, reproducible inputs and published schemas that every example's output meets."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from conftest import EXAMPLES
from runs_fixtures import runs  # noqa: F401  (fixture)

import gigawatt
from gigawatt.core.errors import ScenarioError
from gigawatt.registry import KINDS
from gigawatt.schemas import output_schema
from gigawatt.store import run_id

FRAMES = {
    "size": {"summary", "assumptions"}, "plan": {"capacity", "costs", "dispatch", "baseline_dispatch"},
    "buildout": {"periods", "generations", "binding_by_year", "national"}, "headroom": {"headroom", "campus", "availability"},
    "site": {"candidates", "allocations"}, "schedule": {"trace", "jobs", "job_power", "job_throughput"},
    "finance": {"cash_flows", "sources_and_uses", "supply_cash_flows"}, "reliability": {"units", "per_draw", "events"},
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_result_has_the_one_shape(runs, kind):  # noqa: F811
    r = runs[kind]
    out = r.to_dict()
    json.dumps(out, allow_nan=False)  # JSON-safe: no NaN, no numpy types
    assert out["kind"] == kind and out["run"]["id"] == r.run.id and out["run"]["gigawatt_version"] == gigawatt.__version__
    assert len(out["run"]["catalog_hash"]) == 16 and isinstance(r.messages, list)
    assert set(r.to_frames()) == FRAMES[kind]
    jsonschema.Draft202012Validator(output_schema(kind)).validate(out)
    # the inputs written back as YAML are the run: the same content hash
    again = gigawatt.load_inputs(kind, yaml.safe_load(r.inputs_yaml()))
    assert run_id(kind, again) == r.run.id


def test_a_plan_carries_its_solver_baseline_and_network(runs):  # noqa: F811
    p = runs["plan"]
    assert p.run.solver["name"] == "highs" and p.run.solver["status"] == "ok" and p.run.solver["version"]
    baseline = p.output.baseline
    assert baseline.capacity_mw["grid_import"] > 0 and baseline.dispatch["load_mw"].sum() == pytest.approx(p.load_mwh, rel=1e-9)
    assert p.baseline["annual_cost_usd"] == pytest.approx(baseline.annual_cost_usd)
    n = p.network
    stats = n.statistics.optimal_capacity()
    assert stats.sum() > 0
    assert n.carriers.at["gas_recip", "co2_emissions"] > 0 and n.carriers.at["utility_pv", "co2_emissions"] == 0
    # energy in = energy out, hour by hour: sources + discharge = load + charge
    d = p.to_frames()["dispatch"]
    sources = d.drop(columns=["load_mw", *[c for c in d if c.endswith("_charge_mw") or not c.endswith("_mw")]]).sum(axis=1)  # MW only: not the MWh of charge
    assert (sources - d["load_mw"] - d.filter(like="_charge_mw").sum(axis=1)).abs().max() < 1e-3


def test_inputs_as_path_dict_or_model_with_overrides_agree():
    path = EXAMPLES / "h100-100k.yaml"
    by_path = gigawatt.size(path, set={"cluster.count": 5000}, store=None)
    by_dict = gigawatt.size(yaml.safe_load(path.read_text()), set=["cluster.count=5000"], store=None)
    by_model = gigawatt.size(gigawatt.load_scenario(path), set={"cluster.count": 5000}, store=None)
    assert by_path.run.id == by_dict.run.id == by_model.run.id
    assert by_path.count == 5000 and by_path.facility_power_mw == by_model.facility_power_mw


@pytest.mark.parametrize(("call", "path", "looks"), [
    (gigawatt.plan, EXAMPLES / "buildout" / "10gw.yaml", "buildout"),
    (gigawatt.buildout, EXAMPLES / "site" / "clean-5gw.yaml", "site"),
    (gigawatt.site, EXAMPLES / "west-texas-offgrid.yaml", "plan"),
    (gigawatt.headroom, EXAMPLES / "h100-100k.yaml", "size"),
])
def test_a_file_of_the_wrong_kind_names_its_kind_and_the_function(call, path, looks):
    with pytest.raises(ScenarioError, match=rf"looks like a {looks} scenario.*gigawatt\.{looks}\(\)"):
        call(path, store=None)


def test_overrides_are_validated_and_name_the_field():
    with pytest.raises(ScenarioError, match="cluster.pue"):
        gigawatt.size(EXAMPLES / "h100-100k.yaml", set={"cluster.pue": 0.5}, store=None)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_sizes_to_its_schema(path):
    out = gigawatt.size(path, store=None).to_dict()
    jsonschema.Draft202012Validator(output_schema("size")).validate(out)


@pytest.mark.parametrize("path", sorted((EXAMPLES / "buildout").glob("*.yaml")), ids=lambda p: p.name)
def test_every_buildout_example_meets_its_schema(path):
    out = gigawatt.buildout(path, set={"draws": 20}, store=None).to_dict()
    jsonschema.Draft202012Validator(output_schema("buildout")).validate(out)


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in sorted(EXAMPLES.glob("*.yaml")) if "site:" in p.read_text()], ids=lambda p: p.name)
def test_every_plan_example_meets_its_schema(path):
    out = gigawatt.plan(path, set={"site.screening_segments": 365}, store=None).to_dict()
    jsonschema.Draft202012Validator(output_schema("plan")).validate(out)


@pytest.mark.slow
@pytest.mark.parametrize("path", [EXAMPLES / "site" / "clean-5gw.yaml"], ids=lambda p: p.name)
def test_a_site_example_meets_its_schema(path):  # the others run in the tour (README) and the benchmark
    out = gigawatt.site(path, store=None).to_dict()
    jsonschema.Draft202012Validator(output_schema("site")).validate(out)


def test_a_binding_limit_is_named_with_its_shadow_price():
    path = EXAMPLES / "west-texas-offgrid.yaml"
    tight = gigawatt.plan(path, set={"site.screening_segments": 120, "constraints.co2_cap_t_per_year": 2e6}, store=None)
    assert tight.data["binding"]["constraints.co2_cap_t_per_year"]["shadow_price"] > 0
    assert any(m.startswith("constraints.co2_cap_t_per_year binds") for m in tight.messages)
    loose = gigawatt.plan(path, set={"site.screening_segments": 120, "constraints.co2_cap_t_per_year": 1e9}, store=None)
    assert "constraints.co2_cap_t_per_year" not in loose.data["binding"]
    assert loose.annual_cost_usd <= tight.annual_cost_usd


def test_solver_settings_reach_the_solver_and_a_time_limit_is_named():
    path = EXAMPLES / "west-texas-offgrid.yaml"
    p = gigawatt.plan(path, set={"site.screening_segments": 60, "solver.threads": 1}, store=None)
    assert p.run.solver["name"] == "highs"
    with pytest.raises(gigawatt.InfeasibleError, match="solver.time_limit_s"):
        gigawatt.plan(path, set={"solver.time_limit_s": 0.001}, store=None)


def _highs_objective(path) -> float:
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(path))
    h.run()
    return h.getInfo().objective_function_value


def test_the_lps_written_are_the_lps_solved(tmp_path, cli):
    path = EXAMPLES / "west-texas-grid-gas.yaml"
    overrides = {"site.screening_segments": 120, "grid.price_usd_per_mwh": 30}
    p = gigawatt.plan(path, set={**overrides, "constraints.online_by": "2027-06"}, store=None, save_lp=tmp_path / "m.lp")
    written = sorted(f.name for f in tmp_path.glob("m.*.lp"))
    assert written == ["m.bridge.lp", "m.plan.lp"]  # the grid-only baseline is solved in closed form, no LP
    assert any("LP files as solved" in m for m in p.messages)
    # HiGHS on the file finds the objective the plan was solved to
    assert _highs_objective(tmp_path / "m.plan.lp") == pytest.approx(p.run.solver["objective"], rel=1e-6)
    # --build-only writes the first LP of the long-run plan exactly as it is solved (every hour served)
    plain = gigawatt.plan(path, set=overrides, store=None, save_lp=tmp_path / "p.lp")
    args = [f"--set={k}={v}" for k, v in overrides.items()]
    assert cli("plan", str(path), *args, "--build-only", "--save-lp", str(tmp_path / "built.lp")).code == 0
    assert _highs_objective(tmp_path / "built.lp") == pytest.approx(plain.run.solver["objective"], rel=1e-6)
