"""Issue 24, siting and its neighbours: user text printed as written, programmes that ran to a wrong answer
refused in one line naming the field, infeasibility messages that name the input that binds, list items
set by --set, and the same classes of bad input in build-outs, headroom studies and security checks.

The commands run as a user runs them (the installed ``gigawatt``, or ``main`` in-process where many cases
share one path); siting runs stay tiny: grid-only explicit candidates, typical periods, one or two blocks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, without_progress
from runs_fixtures import demand_csv

from gigawatt.siting import allocation as siting
from gigawatt.api import load_inputs
from gigawatt.core.errors import InfeasibleError, ScenarioError
from gigawatt.siting.scenario import SitingProgramme
from gigawatt.api import parse_scenario

GIGAWATT = shutil.which("gigawatt", path=str(Path(sys.executable).parent)) or shutil.which("gigawatt")
NAME = "x [/bold] y [red] z"  # closing an unopened tag made rich raise MarkupError in every command


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The installed command, as a user meets it."""
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    return subprocess.run([GIGAWATT, *args], capture_output=True, text=True, env={**os.environ, "COLUMNS": "160"}, cwd=cwd, timeout=300)


def run_all(commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """The installed command, as :func:`run` runs it, for each of ``commands`` at once (each in a process of its own)."""
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    procs = [subprocess.Popen([GIGAWATT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "160"})
             for args in commands]
    done = []
    for args, proc in zip(commands, procs):
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess([GIGAWATT, *args], proc.returncode, out, err))
    return done


def one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    error = without_progress(err)  # progress before it: how far the run got
    assert error.count("\n") == 1 and error.startswith("error: ") and err.endswith(error), err
    for fragment in fragments:
        assert fragment in err, err


# Two grid-only parcels of one site: their plans are one (solved once, in about a second, no worker pool).
PROGRAMME = """\
name: two parcels
start: 2026-01
target_mw: 1000
block_mw: 500
technologies: [gas_recip]
candidates:
  - {name: west, latitude: 32, longitude: -102, country: US, jurisdiction: us, max_mw: 1000, options: grid, price_usd_per_mwh: 50, connection_wait_months: 12}
  - {name: east, latitude: 32, longitude: -102, country: US, jurisdiction: us, max_mw: 500, options: grid, price_usd_per_mwh: 50, connection_wait_months: 12}
"""


@pytest.fixture
def programme_file(tmp_path: Path) -> Path:
    path = tmp_path / "programme.yaml"
    path.write_text(PROGRAMME)
    return path


# --- user text is printed as written ----------------------------------------------------------------


def test_a_name_with_markup_prints_literally_in_size_through_the_installed_command():
    p = run("size", str(EXAMPLES / "h100-100k.yaml"), "--set", f"name={NAME}", "--no-store")
    assert p.returncode == 0, p.stderr
    assert NAME in p.stdout and "Traceback" not in p.stderr


def marked_demand(folder: Path) -> str:
    """The demand file of :func:`demand_csv` with its system named :data:`NAME`."""
    path = Path(demand_csv(folder))
    text = path.read_text()
    path.write_text(text.replace("PJM", NAME, 1))
    return str(path)


@pytest.mark.parametrize("command", ["plan", "buildout", "site", "headroom", "schedule", "validate", "security"])
def test_a_name_with_markup_prints_literally_in_every_command(cli, tmp_path, programme_file, command):
    args = {
        "plan": ["plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--screening", "240"],
        "buildout": ["buildout", str(EXAMPLES / "buildout" / "trend.yaml")],
        "site": ["site", str(programme_file), "--set", "target_mw=500", "--set", "candidates.1.max_mw=0.5"],
        "headroom": ["headroom", marked_demand(tmp_path), "--systems", NAME, "--limits", "1"],  # a study prints its systems
        "schedule": ["schedule", str(EXAMPLES / "schedule" / "phoenix-srp-event.yaml")],
        "validate": ["validate", str(programme_file)],
        "security": ["security", "check", str(EXAMPLES / "security" / "sl3-inference-campus.yaml")],
    }[command]
    result = cli(*args, "--set", f"name={NAME}", *([] if command in ("validate", "security") else ["--no-store"]))
    assert result.code == 0, result.err
    assert NAME in result.out, result.out[:400]


def test_a_status_cell_keeps_its_colour_without_markup(cli):
    """The posture's status is styled with a Text, not markup: the words print, no tags."""
    result = cli("security", "check", str(EXAMPLES / "security" / "sl3-inference-campus.yaml"))
    assert result.code == 0 and "meets" in result.out and "[green]" not in result.out


# --- siting programmes that ran to a wrong answer ---------------------------------------------------


@pytest.mark.parametrize(("override", "fragments"), [
    ("technologies=[gas_recp]", ["technologies[0]: unknown technology 'gas_recp'", "did you mean 'gas_recip'"]),
    ("technologies=[gas_recip, gas_recip]", ["technologies[1]: gas_recip is listed twice"]),
    ("constraints.region_limits_mw={wets: 500}", ["constraints.region_limits_mw", "'wets'", "did you mean 'west'", "regions are east, west"]),
    ("candidates.0.country=XX", ["candidates[0].country", "'XX' is not an ISO 3166-1 alpha-2 country code"]),
    ("candidates.1.name=west", ["candidates[1]", "'west' is also candidates[0]'s", "give each candidate its own name"]),
    ("target_mw=1e-300", ["target_mw 1e-300 is less than one 500 MW block (block_mw)", "sites take whole blocks"]),
    ("block_mw=1e-3", ["'block_mw': 0.001 is below 1 MW", "a few racks"]),
    ("accelerator=GB2000", ["accelerator: unknown accelerator 'GB2000'", "did you mean"]),
    ("candidates.0.region=ERCTO", ["candidates[0].region: unknown region 'ERCTO'", "did you mean 'ERCOT'"]),
    ("start=1900-01", ["'start': 1900-01 is outside 2000-01..2100-12"]),
    ("constraints.online_by=9999-01", ["'constraints.online_by': 9999-01 is outside 2000-01..2100-12"]),
    ("constraints.online_by=2025-06", ["constraints.online_by 2025-06 is before start 2026-01"]),
])
def test_a_programme_that_ran_to_a_wrong_answer_is_refused_naming_the_field(cli, programme_file, override, fragments):
    result = cli("site", str(programme_file), "--set", override, "--no-store")
    one_line_error(result.code, result.err, *fragments)
    assert result.out == ""


def test_the_issues_programmes_are_refused_by_the_installed_command(programme_file):
    cases = (("technologies=[gas_recp]", "technologies[0]"), ("constraints.region_limits_mw={wets: 500}", "region_limits_mw"),
             ("candidates.0.country=XX", "candidates[0].country"), ("candidates.1.name=west", "candidates[1]"),
             ("target_mw=1e-300", "target_mw"))
    for (_, fragment), p in zip(cases, run_all([["site", str(programme_file), "--set", override, "--no-store"] for override, _ in cases])):
        one_line_error(p.returncode, p.stderr, fragment)


@pytest.mark.parametrize("override", [
    "technologies=[gas_recp]", "constraints.region_limits_mw={wets: 500}", "candidates.0.country=XX", "candidates.1.name=west",
    "target_mw=1e-300", "accelerator=GB2000",
])
def test_validate_catches_what_the_run_refuses(cli, programme_file, override):
    result = cli("validate", str(programme_file), "--set", override)
    one_line_error(result.code, result.err, "error: ")
    assert "OK" not in result.out


def test_validate_of_a_good_programme_says_ok(cli, programme_file):
    result = cli("validate", str(programme_file))
    assert result.code == 0 and "valid site scenario" in result.out


def test_region_limit_keys_match_region_ids_in_any_case():
    """A limit named in another case, or by the region's catalog name, binds its region (it was ignored)."""
    p = parse_scenario({"target_mw": 1000, "candidates": [{"region": "ERCOT_W", "max_mw": 2000}, {"region": "pjm", "max_mw": 2000, "limit_mw": 500}],
                        "constraints": {"region_limits_mw": {"ercot_w": 1000}}}, model=SitingProgramme)
    siting.check_references(p)
    screened = [made("a", "ERCOT_W"), made("b", "PJM")]
    assert siting._region_limits(p, screened) == {"ERCOT_W": (1000.0, "constraints.region_limits_mw.ercot_w"), "PJM": (500.0, "candidates[1].limit_mw")}


def test_a_lower_case_country_is_read_as_its_code():
    p = parse_scenario({"target_mw": 1000, "candidates": [{"name": "a", "latitude": 50, "longitude": 8, "country": "de", "jurisdiction": "ally",
                                                           "max_mw": 1000}]}, model=SitingProgramme)
    assert p.candidates[0].country == "DE"
    siting.check_references(p)


def test_a_candidate_price_in_usd_per_kwh_is_refused_naming_the_candidates_field(programme_file):
    p = run("site", str(programme_file), "--set", "candidates.0.price_usd_per_mwh=0.05", "--no-store")
    one_line_error(p.returncode, p.stderr, "candidates[0].price_usd_per_mwh = 0.05 USD/MWh", "give USD/MWh (USD/kWh x 1,000)",
                   "add 'candidates[0].price_usd_per_mwh' to accept_implausible")


def test_an_accepted_implausible_candidate_runs_with_a_message(cli, programme_file):
    result = cli("site", str(programme_file), "--set", "candidates.1.co2_g_per_kwh=1600", "--set", "candidates.0.co2_g_per_kwh=1600",
                 "--set", 'accept_implausible=["candidates[0].co2_g_per_kwh", "candidates[1].co2_g_per_kwh"]', "--json", "--no-store")
    assert result.code == 0, result.err
    data = result.json()
    assert any(m.startswith("candidates[0].co2_g_per_kwh = 1,600 gCO2/kWh") and "accepted as given" in m for m in data["messages"])
    assert data["result"]["candidates"][0]["co2_g_per_kwh"] == pytest.approx(1600.0)  # the plan took it as given


# --- infeasibility names the input that binds -------------------------------------------------------


def made(name: str, region: str, jurisdiction: str = "us", blocks: int = 2, online: str = "2028-01", fails: str | None = None,
         clean: float = 0.5) -> siting.Screened:
    """A screened candidate with made-up figures (the allocation alone, no plan solved)."""
    return siting.Screened(name=name, region=region, country="US", jurisdiction=jurisdiction, max_blocks=blocks, options="grid",
                           lcoe_usd_per_mwh=50.0, power_usd_per_mw_year=4e5, delay_usd_per_mw_year=0.0, co2_t_per_mw_year=3000.0,
                           energy_mwh_per_mw_year=7000.0, carbon_free_share=clean, online_date=online, online_date_set_by="grid_import",
                           security_fails=fails)


def fleet(cands: list[siting.Screened], **fields) -> SitingProgramme:
    return parse_scenario({"name": "test", "start": "2026-01", "target_mw": 4000, "block_mw": 1000, **fields, "candidates": [
        {"name": c.name, "latitude": 35.0, "longitude": -100.0, "country": "US", "jurisdiction": c.jurisdiction, "max_mw": c.max_blocks * 1000}
        for c in cands]}, model=SitingProgramme)


def infeasible(cands: list[siting.Screened], **fields) -> str:
    with pytest.raises(InfeasibleError) as error:
        siting.allocate(fleet(cands, **fields), cands)
    message = str(error.value)
    assert "\n" not in message
    return message


THREE = [made("a", "r0", online="2028-01"), made("b", "r1", online="2030-01"), made("c", "r1", "partner", online="2027-06")]


def test_an_online_by_that_excludes_every_candidate_names_it_and_the_month_that_works():
    message = infeasible(THREE, constraints={"online_by": "2027-01", "jurisdictions": ["us"]})
    assert "constraints.online_by 2027-01 excludes 2 candidates online later (the earliest, a, in 2028-01)" in message
    assert "move constraints.online_by to 2030-01 or later" in message  # a (2028-01) and b (2030-01) hold the 4 blocks
    assert "jurisdictions" not in message  # it does not bind: c comes online too late anyway


def test_a_jurisdiction_filter_names_what_it_excludes():
    message = infeasible(THREE, constraints={"jurisdictions": ["partner"]})
    assert "constraints.jurisdictions [partner] excludes a (us), b (us); allow us" in message


def test_a_security_level_that_excludes_candidates_names_the_failures():
    cands = [made("a", "r0", fails="tenancy fails (colocation)"), made("b", "r1", fails="cleared_staff fails (no vetted staff)"), made("c", "r1")]
    message = infeasible(cands, constraints={"security_level": "SL4"})
    assert "constraints.security_level SL4 excludes a: tenancy fails (colocation); b: cleared_staff fails" in message
    assert "or lower the level" in message
    message = infeasible(cands, security={"level": "SL4"})
    assert message.count("security.level SL4 excludes") == 1  # the field the programme set


def test_region_limits_that_cannot_hold_the_target_name_the_limit():
    message = infeasible(THREE, constraints={"region_limits_mw": {"r1": 1000}})
    assert "the region limits hold 3,000 MW of the 4,000 MW target" in message
    assert "constraints.region_limits_mw.r1 1,000 MW" in message and "raise them or add candidates in other regions" in message


def test_a_carbon_share_no_candidate_reaches_names_the_cleanest():
    message = infeasible(THREE, constraints={"carbon_free_share": 0.9})
    assert "constraints.carbon_free_share 90% cannot be met: the cleanest allowed candidate is 50% carbon-free" in message


def test_candidates_too_small_for_the_target_say_so():
    message = infeasible(THREE, target_mw=9000)
    assert "the candidates' max_mw hold 6,000 MW in whole 1,000 MW blocks (block_mw)" in message


def test_a_max_region_share_says_what_each_region_may_take():
    message = infeasible(THREE, constraints={"max_region_share": 0.25})
    assert "at 25% a region takes at most 1,000 MW of the 4,000 MW target" in message


def test_site_infeasibility_through_the_command_names_the_binding_input(cli, programme_file):
    p = run("site", str(programme_file), "--set", "constraints.online_by=2026-06", "--no-store")
    one_line_error(p.returncode, p.stderr, "constraints.online_by 2026-06 excludes 2 candidates online later (the earliest, west, in 2027-01)",
                   "move constraints.online_by to 2027-01 or later")
    # an explicit site is its own region: a limit under one block leaves west nothing
    result = cli("site", str(programme_file), "--set", "candidates.0.limit_mw=400", "--set", "candidates.1.max_mw=400", "--no-store")
    one_line_error(result.code, result.err, "the region limits hold 0 MW of the 1,000 MW target", "candidates[0].limit_mw 400 MW")


# --- list items by --set ----------------------------------------------------------------------------


def test_a_list_item_field_is_set_by_its_index(programme_file):
    model = load_inputs("site", programme_file, ["candidates.0.limit_mw=2000", "candidates[1].max_mw=1500", "technologies.0=gas_cc"])
    assert model.candidates[0].limit_mw == 2000 and model.candidates[0].max_mw == 1000
    assert model.candidates[1].max_mw == 1500 and model.technologies == ["gas_cc"]


@pytest.mark.parametrize(("override", "fragment"), [
    ("candidates.2.limit_mw=2000", "'candidates' has 2 items (indexes 0 to 1), so no item 2"),
    ("candidates.first.limit_mw=2000", "'candidates' is a list; name an item by its index, e.g. 'candidates.0.limit_mw'"),
])
def test_an_index_out_of_range_is_one_line_naming_the_key_and_the_length(programme_file, override, fragment):
    p = run("validate", str(programme_file), "--set", override)
    one_line_error(p.returncode, p.stderr, fragment)


# --- headroom ---------------------------------------------------------------------------------------


def test_headroom_with_an_empty_systems_option_is_a_one_line_error(tmp_path):
    p = run("headroom", demand_csv(tmp_path), "--systems", "", "--no-store")
    one_line_error(p.returncode, p.stderr, "'systems': name at least one system", "--systems")


@pytest.mark.parametrize(("args", "fragment"), [
    (["--systems", "PJM,PJM"], "'systems': 'PJM' is listed twice"),  # the total counted it twice
    (["--systems", "PJM", "--limits", "1e-300"], "limits_pct: 1e-300% is below 0.01%"),
    (["--systems", "PJM", "--limits", "1,1"], "limits_pct: 1% is listed twice"),
    (["--systems", "PJM", "--campus-mw", "1e-300"], "'campus.mw': 1e-300 is below 1 MW"),
    (["--systems", "PJM", "--campus-mw", "100", "--limit", "0.001"], "'campus.limit_pct': 0.001 is below 0.01%"),
])
def test_headroom_refuses_counts_and_limits_below_what_hourly_data_resolve(cli, tmp_path, args, fragment):
    result = cli("headroom", demand_csv(tmp_path), *args, "--no-store")
    one_line_error(result.code, result.err, fragment)
    assert "option FILES" not in result.err  # "demand files" in a message is not the files field


# --- build-outs and security ------------------------------------------------------------------------

BUILDOUT = EXAMPLES / "buildout" / "trend.yaml"


@pytest.mark.parametrize(("overrides", "fragment"), [
    (["start=1900-01"], "'start': 1900-01 is outside 2000-01..2100-12"),
    (["end=9999-12"], "'end': 9999-12 is outside 2000-01..2100-12"),  # ran into the calendar's year 10000
    (["roadmap=[{accelerator: H1000, available: 2026-01}]"], "roadmap[H1000].accelerator: unknown accelerator 'H1000'"),
    (["initial.accelerator=H1000"], "initial.accelerator: unknown accelerator 'H1000'"),
    (["country=XX"], "country: unknown 'XX'"),
    (["load_factor=1e-300"], "'load_factor': 1e-300 is below 0.1"),
    (["programme={target: [{date: 2030-01, accelerators: 1e-300}]}"], "accelerators': 1e-300 is below 1 accelerator"),
    (["programme={growth: {start: 2026-01, online_gw: 1, multiple: 10, every_years: 1e-300}}"], "programme.growth: 10x every 1e-300 years"),
])
def test_buildout_refuses_dates_counts_and_names_it_cannot_mean(cli, overrides, fragment):
    result = cli("validate", str(BUILDOUT), *(x for o in overrides for x in ("--set", o)))
    one_line_error(result.code, result.err, fragment)


def test_a_steep_growth_path_with_a_ceiling_runs_without_overflow():
    from gigawatt.build_out.scenario import BuildoutScenario
    from gigawatt.build_out.simulation import simulate

    s = parse_scenario({"start": "2026-01", "end": "2027-12", "programme": {
        "growth": {"start": "2026-01", "online_gw": 1, "multiple": 10, "every_years": 1e-300, "max_gw": 5}}}, model=BuildoutScenario)
    with np.errstate(all="raise"):
        target = simulate(s).periods["target_gw"]
    assert target.max() == pytest.approx(5.0) and np.isfinite(target).all()


@pytest.mark.parametrize(("overrides", "fragment"), [
    (["cluster.accelerator=H1000"], "cluster.accelerator: unknown accelerator 'H1000'"),  # the posture never looked it up below SL4
    (["security.start=1900-01"], "'security.start': 1900-01 is outside 2000-01..2100-12"),
])
def test_security_check_resolves_what_validate_does(cli, overrides, fragment):
    result = cli("security", "check", str(EXAMPLES / "security" / "sl3-inference-campus.yaml"), *(x for o in overrides for x in ("--set", o)))
    one_line_error(result.code, result.err, fragment)


def test_security_check_of_a_programme_names_a_mistyped_region(cli, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("target_mw: 1000\nconstraints: {security_level: SL3}\ncandidates:\n  - {region: ERCTO, max_mw: 1000}\n")
    result = cli("security", "check", str(path))
    one_line_error(result.code, result.err, "candidates[0].region: unknown region 'ERCTO'")


def test_the_countries_catalog_lists_every_iso_code(cli):
    result = cli("catalog", "countries", "--json")
    rows = json.loads(result.out)["rows"]
    codes = {row["country"] for row in rows}
    assert len(rows) == 249 and {"US", "NO", "NA", "TW"} <= codes and "XX" not in codes
    assert all(row["source"] for row in rows)


@pytest.mark.parametrize("kind, example, key", [
    ("site", "site/clean-5gw.yaml", "candidates.0.name"),
    ("schedule", "schedule/phoenix-srp-event.yaml", "jobs.0.name"),
    ("plan", "west-texas-grid-gas.yaml", "name"),
])
def test_a_label_with_a_line_break_is_refused_in_one_line(kind, example, key):
    """Names are printed in tables and quoted in one-line errors (found by the fuzzing at scale 40: a
    candidate named 'x\\ny' broke its own error over two lines)."""
    with pytest.raises(ScenarioError) as error:
        load_inputs(kind, EXAMPLES / example, [f'{key}="x\\ny"'])
    message = str(error.value)
    assert "\n" not in message and "line break" in message and key.split(".")[-1] in message, message
