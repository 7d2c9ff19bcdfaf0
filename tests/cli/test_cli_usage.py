"""The installed `gigawatt` command, run as a user meets it (a subprocess): usage errors and bad inputs
exit 2 with one line and no traceback, --json errors leave stdout empty, and the run store's commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES

GIGAWATT = shutil.which("gigawatt", path=str(Path(sys.executable).parent)) or shutil.which("gigawatt")


def run(*args: str, store: Path | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    env = {**os.environ, "COLUMNS": "160"}
    if store is not None:
        env["GIGAWATT_STORE"] = str(store)
    return subprocess.run([GIGAWATT, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def run_all(commands: list[list[str]], store: Path) -> list[subprocess.CompletedProcess]:
    """:func:`run` of each of ``commands`` on ``store``, the processes started together."""
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    env = {**os.environ, "COLUMNS": "160", "GIGAWATT_STORE": str(store)}
    procs = [subprocess.Popen([GIGAWATT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for args in commands]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def assert_one_line_error(p: subprocess.CompletedProcess, *fragments: str) -> None:
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    errors = [line for line in p.stderr.splitlines() if line.lower().startswith("error")]
    assert len(errors) == 1, p.stderr
    for fragment in fragments:
        assert fragment in p.stderr, p.stderr


# --- usage errors: the usage line and one error line ------------------------------------------------


@pytest.mark.parametrize(("args", "fragment"), [
    (["size", "--acelerator", "H100"], "--acelerator"),
    (["plan"], "Missing argument"),
    (["plan", "--bogus", "x.yaml"], "--bogus"),
    (["nonsense"], "nonsense"),
    (["size", "-a", "H100", "-n", "many"], "--count"),
    (["buildout", "examples/buildout/10gw.yaml", "--draws", "lots"], "--draws"),
    (["runs", "export", "abc", "--format"], "--format"),
])
def test_usage_errors_print_usage_and_one_error_line(args, fragment):
    p = run(*args, cwd=EXAMPLES.parent)
    assert_one_line_error(p, fragment)
    assert "Usage: gigawatt" in p.stderr or "requires an argument" in p.stderr


def test_no_arguments_shows_help_without_a_traceback():
    p = run()
    assert "Usage: gigawatt" in (p.stdout + p.stderr) and "Traceback" not in p.stderr
    assert p.returncode in (0, 2)


def test_version_and_help():
    p = run("--version")
    assert p.returncode == 0 and p.stdout.startswith("gigawatt ")
    p = run("plan", "--help")
    assert p.returncode == 0 and "--no-store" in p.stdout and "--solver" in p.stdout and "--network" in p.stdout


# --- bad inputs: one line naming the field, exit 2, nothing on stdout with --json -------------------


def scenario(tmp_path: Path, text: str, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


PLAN = (EXAMPLES / "west-texas-offgrid.yaml").read_text()


@pytest.mark.parametrize(("make", "fragments"), [
    (lambda t: ["size", scenario(t, "cluster: {accelerator: H100, count: true}\n")], ["cluster.count"]),
    (lambda t: ["size", scenario(t, "cluster: {accelerator: H100, count: 1}\ncluster: {accelerator: H100, count: 2}\n")], ["cluster"]),
    (lambda t: ["size", scenario(t, "cluster: {accelerator: " + "H" * 100_000 + ", count: 1}\n")], ["cluster.accelerator"]),
    (lambda t: ["buildout", str(EXAMPLES / "buildout" / "10gw.yaml"), "--seed", "-1"], ["seed"]),
    (lambda t: ["buildout", str(EXAMPLES / "buildout" / "10gw.yaml"), "--draws", "100000000"], ["draws"]),
    (lambda t: ["plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--screening", "9000"], ["site.screening_segments", "--screening"]),
    (lambda t: ["plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--dispatch", str(t)], ["--dispatch", "folder"]),
    (lambda t: ["plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--dispatch", str(t / "missing" / "d.csv")], ["does not exist"]),
    (lambda t: ["plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--online-by", "2027-13"], ["constraints.online_by", "--online-by"]),
    (lambda t: ["plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--solver", "nosuchsolver"], ["solver.name", "--solver"]),
    (lambda t: ["plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--method", "barrier"], ["solver.method", "--method", "dual-devex"]),
    (lambda t: ["plan", str(EXAMPLES / "buildout" / "10gw.yaml")], ["looks like a buildout"]),
    (lambda t: ["size", scenario(t, "cluster: {accelerator: H100, count: 10}\n"), "--store", str(t)], ["store"]),
    (lambda t: ["runs", "show", "zzz"], ["run id"]),
    (lambda t: ["runs", "show", "0123456789abcdef"], ["no such run"]),
    (lambda t: ["runs", "export", "0", "--format", "docx"], ["--format"]),
    (lambda t: ["runs", "list", "--kind", "plans"], ["--kind"]),
    (lambda t: ["schema", "--output", "plans"], ["plans"]),
    (lambda t: ["headroom", "missing.csv", "--all"], ["missing.csv"]),
    (lambda t: ["headroom", str(EXAMPLES / "h100-100k.yaml"), "--all", "--years", "1-100000000"], ["--years"]),
])
def test_bad_inputs_exit_2_with_one_line(tmp_path, make, fragments):
    args = make(tmp_path)
    p = run(*args, "--json", store=tmp_path / "runs.sqlite") if args[0] not in ("runs", "schema") else run(*args, store=tmp_path / "runs.sqlite")
    assert_one_line_error(p, *fragments)
    assert p.stdout == ""  # with --json too: the error is on stderr only
    assert len(p.stderr) < 1000


def test_an_infeasible_plan_under_a_capital_budget_names_the_budget(tmp_path):
    p = run("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--screening", "120", "--set", "constraints.capex_budget_usd=1e8",
            "--no-store")
    assert_one_line_error(p, "constraints.capex_budget_usd")
    assert "co2_cap" not in p.stderr


# --- the run store through the command line ---------------------------------------------------------


def test_runs_list_show_inputs_diff_export_rm(tmp_path):
    store = tmp_path / "runs.sqlite"
    first = run("size", "-a", "H100", "-n", "1000", "--json", store=store)
    second = run("size", "-a", "H100", "-n", "3000", "--json", store=store)
    a, b = json.loads(first.stdout)["run"]["id"], json.loads(second.stdout)["run"]["id"]
    # the reads of the store, at once
    listed, shown, inputs, diffed = run_all([["runs", "list", "--json"], ["runs", "show", a[:8]], ["runs", "inputs", a[:8]],
                                             ["runs", "diff", a[:8], b[:8], "--json"]], store=store)
    listed = json.loads(listed.stdout)["runs"]
    assert {row["id"] for row in listed} == {a, b}
    original = run("size", "-a", "H100", "-n", "1000", store=store)
    assert shown.returncode == 0 and "facility power at the meter" in shown.stdout
    assert shown.stdout.split("run ")[0] == original.stdout.split("run ")[0]  # the same table as the command printed
    yaml_text = inputs.stdout
    again = run("size", scenario(tmp_path, yaml_text, "again.yaml"), "--json", store=store)
    assert json.loads(again.stdout)["run"]["id"] == a  # the inputs reproduce the run: same content hash
    diff = json.loads(diffed.stdout)
    assert diff["inputs"] == {"cluster.count": {"a": 1000, "b": 3000}}
    assert diff["results"]["accelerators"]["delta"] == 2000
    out = tmp_path / "export.json"
    assert run("runs", "export", a[:8], "--format", "json", "--out", str(out), store=store).returncode == 0
    assert json.loads(out.read_text())["run"]["id"] == a
    assert run("runs", "rm", a[:8], store=store).returncode == 0
    assert [row["id"] for row in json.loads(run("runs", "list", "--json", store=store).stdout)["runs"]] == [b]


def test_no_store_keeps_nothing(tmp_path):
    store = tmp_path / "runs.sqlite"
    assert run("size", "-a", "H100", "-n", "10", "--no-store", store=store).returncode == 0
    assert not store.exists()


def test_verbose_shows_the_solver_log_on_stderr_and_json_stays_clean():
    p = run("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--screening", "48", "--method", "dual-devex", "--json", "-v", "--no-store")
    assert p.returncode == 0, p.stderr
    solver = json.loads(p.stdout)["run"]["solver"]
    assert solver["name"] == "highs" and solver["method"] == "dual-devex"
    assert "HiGHS" in p.stderr
    quiet = run("size", str(EXAMPLES / "h100-100k.yaml"), "-q", "--no-store")
    assert quiet.returncode == 0 and "note:" not in quiet.stdout and "facility power" in quiet.stdout


# PyPSA 1.4's netCDF reader calls DataFrame.set_index(inplace=True), which pandas 3.1 deprecates: PyPSA's to change
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.set_index is deprecated")
def test_the_network_file_opens_in_pypsa_with_carriers_and_co2(tmp_path):
    import pypsa

    pypsa.options.api.legacy_string_dtype = True  # as gigawatt sets it (silences PyPSA's string-dtype notice)
    path = tmp_path / "plan.nc"
    p = run("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--screening", "96", "--network", str(path), "--json", store=tmp_path / "s.sqlite")
    assert p.returncode == 0, p.stderr
    n = pypsa.Network(str(path))
    capacity = n.statistics.optimal_capacity()
    assert capacity.sum() > 0
    assert n.carriers.at["gas_recip", "co2_emissions"] > 0 and n.buses.at["site", "unit"] == "MW"
    built = json.loads(p.stdout)["result"]["capacity_mw"]
    assert n.generators.at["gas_recip", "p_nom_opt"] == pytest.approx(built["gas_recip"], rel=1e-6)


SCRIPT_WITHOUT_GUARD = """
import gigawatt
programme = {
    "name": "two regions", "target_mw": 1000, "block_mw": 1000, "technologies": ["gas_recip"],
    "candidates": [{"region": "ERCOT_W", "max_mw": 1000, "options": "onsite"}, {"region": "PJM", "max_mw": 1000, "options": "grid"}],
    "full_year": True,  # full-year plans: worth worker processes (a few typical-period plans are screened in this one)
}
result = gigawatt.site(programme, store=None)
print("placed", result.total_capacity_mw, "solved", result.screening["plans_solved"])
"""


def test_siting_runs_from_a_plain_script_without_a_main_guard(tmp_path):
    script = tmp_path / "fleet.py"
    script.write_text(SCRIPT_WITHOUT_GUARD)  # two distinct full-year plans: screened in spawned worker processes
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.count("placed") == 1 and "placed 1000.0 solved 2" in p.stdout  # the script ran once, not once per worker
