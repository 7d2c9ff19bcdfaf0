"""The stdout contract, through the installed ``gigawatt``: every command with ``--json``, with every option that
writes a file, prints exactly one JSON document on stdout (``schema_version``, valid against the schema
``gigawatt schema --output KIND`` publishes, snake_case keys, no negative zeros or float noise); whatever else it
says (progress, notes, solver logs) is on stderr. Small inputs: screening plans, short draws, one store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from conftest import EXAMPLES, gigawatt_all, gigawatt_cli

from runs_fixtures import demand_csv  # noqa: E402

from gigawatt.core.documents import clean, identifier  # noqa: E402
from gigawatt.core.results import SCHEMA_VERSION  # noqa: E402
from gigawatt.schemas import DOCUMENTS, output_schema  # noqa: E402

PLAN = EXAMPLES / "west-texas-offgrid.yaml"
QUICK_PLAN = ["--set", "site.screening_segments=48"]  # a plan on 48 time segments: about a second
SITE = """name: two parcels
target_mw: 1000
block_mw: 1000
technologies: [gas_recip, gas_cc]
candidates:
  - {region: ERCOT_W, max_mw: 1000, options: onsite}
  - {region: PJM, max_mw: 1000, options: grid}
"""
NEGATIVE_ZERO = re.compile(r"(?<![\w.])-0(\.0+)?(e[+-]?\d+)?(?![\d.e])")
NOISE = re.compile(r"\d[eE]-(1[3-9]|[2-9]\d|\d{3})\b")  # |x| < 1e-12 written as a number


def one_document(done) -> dict:
    """stdout as exactly one JSON document with schema_version, valid against its published schema."""
    assert done.returncode == 0, f"{done.args}: {done.stderr}"
    text = done.stdout
    document = json.loads(text)  # the whole of stdout: nothing before or after the document
    assert isinstance(document, dict), f"{done.args}: a list is not a document; wrap it in an object"
    assert document.get("schema_version") == SCHEMA_VERSION, done.args
    schema = output_schema(document["kind"])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)
    assert not NEGATIVE_ZERO.search(text), f"{done.args}: negative zero {NEGATIVE_ZERO.search(text).group()}"
    assert not NOISE.search(text), f"{done.args}: float noise {NOISE.search(text).group()}"
    if document["kind"] in DOCUMENTS:  # a document's own keys (a scenario's dotted fields aside) are identifiers
        bad = [k for k in keys(document, skip=("inputs", "scenario", "default")) if not re.fullmatch(r"[a-z0-9_]+", k)]
        assert not bad, f"{done.args}: keys that are not snake_case identifiers: {bad[:5]}"
    return document


def keys(value, skip: tuple[str, ...]) -> list[str]:
    if isinstance(value, dict):
        return [k for k, v in value.items() for k in [k, *([] if k in skip else keys(v, skip))]]
    if isinstance(value, list):
        return [k for v in value for k in keys(v, skip)]
    return []


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("stdout")


@pytest.fixture(scope="module")
def jobs(folder):
    """Every job's command with --json and every option that writes a file, on one store; their processes."""
    store = ["--store", str(folder / "runs.sqlite")]
    (folder / "site.yaml").write_text(SITE)
    out = {name: folder / name for name in ("plan.lp", "dispatch.csv", "plan.png", "plan.nc", "finance.png", "finance.csv",
                                            "reliability.png", "reliability.csv", "buildout.png", "buildout.csv", "headroom.png", "headroom.csv",
                                            "heatmap.png", "site.png", "site.csv", "schedule.png", "schedule.csv", "sweep.png", "sweep.csv")}
    commands = {
        "size": ["size", "-a", "H100", "-n", "1000", "--json", *store],  # size writes no file
        "size 2": ["size", "-a", "H100", "-n", "3000", "--json", *store],
        "plan": ["plan", str(PLAN), *QUICK_PLAN, "--json", "--save-lp", str(out["plan.lp"]), "--dispatch", str(out["dispatch.csv"]),
                 "--plot", str(out["plan.png"]), "--network", str(out["plan.nc"]), "-v", *store],
        "finance": ["finance", str(EXAMPLES / "finance" / "west-texas-campus.yaml"), *QUICK_PLAN, "--json", "--plot", str(out["finance.png"]),
                    "--csv", str(out["finance.csv"]), "--no-store"],
        "reliability": ["reliability", str(EXAMPLES / "reliability" / "west-texas-offgrid.yaml"), *QUICK_PLAN, "--set", "reliability.draws=50",
                        "--set", "reliability.target_availability=null", "--json", "--plot", str(out["reliability.png"]),
                        "--csv", str(out["reliability.csv"]), "--no-store"],
        "buildout": ["buildout", str(EXAMPLES / "buildout" / "10gw.yaml"), "--draws", "40", "--json", "--plot", str(out["buildout.png"]),
                     "--csv", str(out["buildout.csv"]), "--no-store"],
        "headroom": ["headroom", demand_csv(folder), "--systems", "PJM", "--limits", "1", "--json", "--plot", str(out["headroom.png"]),
                     "--csv", str(out["headroom.csv"]), "--heatmap", str(out["heatmap.png"]), "--campus-mw", "200", "--limit", "1",
                     "--no-store"],
        "site": ["site", str(folder / "site.yaml"), "--json", "--plot", str(out["site.png"]), "--csv", str(out["site.csv"]), "--no-store"],
        "schedule": ["schedule", str(EXAMPLES / "schedule" / "phoenix-srp-event.yaml"), "--json", "--plot", str(out["schedule.png"]),
                     "--csv", str(out["schedule.csv"]), "--no-store"],
    }
    done = dict(zip(commands, gigawatt_all(list(commands.values()), cwd=folder, timeout=300)))
    # a sweep on Dask workers, after the rest (its workers would compete with them for the cores)
    done["sweep"] = gigawatt_cli("sweep", str(PLAN), "--vary", "cluster.count=50000,100000", "--screening", "24", "--workers", "1",
                                 "--json", "--plot", str(out["sweep.png"]), "--csv", str(out["sweep.csv"]), *store, cwd=folder)
    return done, out


@pytest.mark.parametrize("command", ["size", "size 2", "plan", "finance", "reliability", "buildout", "headroom", "site", "schedule", "sweep"])
def test_every_job_prints_one_valid_document_and_writes_its_files(jobs, command):
    done, out = jobs
    document = one_document(done[command])
    assert document["kind"] == command.split()[0]
    written = {"plan": ("dispatch.csv", "plan.png", "plan.nc"), "headroom": ("headroom.png", "headroom.csv", "heatmap.png"),
               "size": (), "size 2": ()}.get(command, (f"{command}.png", f"{command}.csv"))
    for name in written:
        assert out[name].exists() and out[name].stat().st_size > 0, f"{command} did not write {name}"
    if command == "plan":  # --save-lp plan.lp writes each LP solved beside it: plan.plan.lp, plan.baseline.lp
        assert sorted(out["plan.lp"].parent.glob("plan.*.lp")), "plan did not write its LP"


def test_the_solver_log_of_a_plan_goes_to_stderr(jobs):
    done, _ = jobs
    plan = done["plan"]  # -v: the solver's log shown, on stderr
    assert "HiGHS" in plan.stderr and "HiGHS" not in plan.stdout


COVERED = {"catalog", "validate", "schema", "size", "plan", "finance", "reliability", "buildout", "headroom", "site", "schedule", "sweep",
           "security check", "runs list", "runs show", "runs diff", "runs size", "runs prune"}  # the commands this module runs with --json


def test_every_command_with_json_is_covered():
    """A command that gains --json (or a file-writing option) must be added here: listed from the app itself."""
    import typer.main

    from gigawatt.cli import app

    def leaves(command, name):
        subs = getattr(command, "commands", None)
        return [leaf for n, sub in subs.items() for leaf in leaves(sub, f"{name} {n}".strip())] if subs else [(name, command)]

    with_json = {name for name, command in leaves(typer.main.get_command(app), "") if any("--json" in p.opts for p in command.params)}
    assert with_json == COVERED


@pytest.fixture(scope="module")
def stored(jobs, folder):
    """The commands that read the store or the catalog, on the store the jobs filled."""
    done, _ = jobs
    store = ["--store", str(folder / "runs.sqlite")]
    a, b = (json.loads(done[k].stdout)["run"]["id"] for k in ("size", "size 2"))
    commands = {
        "catalog": ["catalog", "regions", "--json"],
        "catalog finance": ["catalog", "finance", "--json"],
        "validate": ["validate", str(EXAMPLES / "h100-100k.yaml"), "--json"],
        "schema": ["schema", "--json"],
        "schema buildout": ["schema", "buildout", "--json"],
        "schema --output": ["schema", "--output", "runs_list", "--json"],
        "security": ["security", "check", str(EXAMPLES / "security" / "sl3-inference-campus.yaml"), "--json"],
        "runs list": ["runs", "list", "--json", *store],
        "runs show": ["runs", "show", a[:10], "--json", *store],
        "runs diff": ["runs", "diff", a[:10], b[:10], "--json", *store],
        "runs size": ["runs", "size", "--json", *store],
        "runs prune": ["runs", "prune", "--kind", "size", "--dry-run", "--json", *store],
    }
    return dict(zip(commands, gigawatt_all(list(commands.values()), cwd=folder, timeout=120))), (a, b)


@pytest.mark.parametrize("command", ["catalog", "catalog finance", "validate", "schema", "schema buildout", "security", "runs list", "runs show",
                                     "runs diff", "runs size", "runs prune"])
def test_every_other_command_prints_one_valid_document(stored, command):
    done, (a, b) = stored
    document = one_document(done[command])
    expected = {"catalog": "catalog", "validate": "validate", "schema": "scenario_keys", "security": "security_check", "runs": command.replace(" ", "_")}
    assert document["kind"] == ("size" if command == "runs show" else expected[command.split()[0]])
    if command == "runs list":  # a list is a part of an object, never the document
        assert {a, b} <= {row["id"] for row in document["runs"]}
    if command == "runs diff":
        assert document["run_kind"] == "size" and document["results"]["accelerators"] == {"a": 1000, "b": 3000, "delta": 2000}


def test_schema_output_prints_a_published_schema(stored):
    done, _ = stored
    schema = json.loads(done["schema --output"].stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["schema_version"] == SCHEMA_VERSION and schema["properties"]["kind"] == {"const": "runs_list"}


def test_build_only_with_json_is_refused_in_one_line(folder):
    done = gigawatt_cli("plan", str(PLAN), "--build-only", "--save-lp", str(folder / "only.lp"), "--json", cwd=folder)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: --json") and len(done.stderr.splitlines()) == 1
    assert not (folder / "only.lp").exists()


@pytest.mark.parametrize(("label", "key"), [("LCOE USD/MWh", "lcoe_usd_per_mwh"), ("CO2 t/yr", "co2_t_per_yr"), ("carbon-free share", "carbon_free_share"),
                                            ("headroom MW at 0.5%", "headroom_mw_at_0_5_pct"), ("utility_pv MW", "utility_pv_mw")])
def test_labels_become_identifiers_with_units(label, key):
    assert identifier(label) == key


def test_clean_writes_negative_zeros_and_noise_as_zero_and_keeps_real_values():
    cleaned = clean({"a": -0.0, "b": -4.6e-17, "c": [1e-13, -2.5, 3e-9], "d": float("nan"), "e": 7})
    assert cleaned == {"a": 0.0, "b": 0.0, "c": [0.0, -2.5, 3e-9], "d": None, "e": 7}
    assert json.dumps(cleaned).count("-0.0") == 0
