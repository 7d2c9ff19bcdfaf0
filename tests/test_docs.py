"""The README is executed: its Quick start matches .ci/run, its tour commands and YAML example run."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from conftest import ROOT, shared_file
from gigawatt import parse_scenario
from gigawatt.build_out.simulation import simulate
from gigawatt.build_out.scenario import BuildoutScenario
from gigawatt.grid.scenario import HeadroomStudy
from gigawatt.siting.scenario import SitingProgramme

README = (ROOT / "README.md").read_text()


def blocks(language: str, text: str = README) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for block in blocks("bash", section) for line in block.splitlines() if line.strip()]


def test_quick_start_has_two_commands_and_ci_runs_the_test_one():
    commands = quick_start()
    assert len(commands) == 2
    assert "gigawatt" in commands[0] and "pytest" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


def tour_commands() -> list[list[str]]:
    section = README.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    out = []
    for block in blocks("bash", section):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "gigawatt":
                out.append(words[1:])
    return out


@pytest.mark.parametrize("args", tour_commands(), ids=" ".join)
def test_tour_commands_run(cli, monkeypatch, tmp_path, args):
    (tmp_path / "examples").symlink_to(ROOT / "examples")  # files the tour writes land in tmp_path
    monkeypatch.chdir(tmp_path)
    result = cli(*args)
    assert result.code == 0, result.err


def test_readme_scenario_examples_are_valid():
    sizing, planning, programme, study, fleet = blocks("yaml")
    study = parse_scenario(yaml.safe_load(study), model=HeadroomStudy)
    assert study.systems == ["ERCO"] and study.campus.mw == 1000
    fleet = parse_scenario(yaml.safe_load(fleet), model=SitingProgramme)
    assert fleet.constraints.jurisdictions == ["us"] and fleet.candidates[2].name == "my parcel"
    programme = parse_scenario(yaml.safe_load(programme), model=BuildoutScenario)
    assert programme.limits.power[0].lead_months.dist == "lognormal"
    assert simulate(programme, draws=20).check["probability"] >= 0
    assert parse_scenario(yaml.safe_load(sizing)).cluster.count == 100_000
    plan = parse_scenario(yaml.safe_load(planning))
    assert plan.site is not None and plan.constraints.flexible_share == 0.02


def test_headroom_commands_run_on_the_shared_data(cli, monkeypatch, tmp_path):
    section = README.split("## Flexible-load headroom on a grid", 1)[1].split("\n## ", 1)[0]
    lines = [line for block in blocks("bash", section) for line in block.splitlines() if line.strip()]
    data = shared_file("data", "eia930-cleaned")
    assert lines[0] == "D=../shared/data/eia930-cleaned"
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    for line in lines[1:]:
        words = shlex.split(line.replace("$D", str(data)))
        assert words[0] == "gigawatt"
        result = cli(*words[1:])
        assert result.code == 0, result.err
    assert (tmp_path / "headroom.png").exists() and (tmp_path / "ercot-2023.csv").exists()
    # the study file of that section, run from the project root as the README says
    (study_text,) = [b for b in blocks("yaml", section)]
    study = tmp_path / "study.yaml"
    study.write_text(study_text.replace("../shared/data/eia930-cleaned", str(data)))
    result = cli("headroom", str(study), "--json")
    assert result.code == 0, result.err
    campus = result.result()["campus"]
    assert campus["system"] == "ERCO" and campus["campus_mw"] == 1000 and campus["years"] == "2021-2023"


def test_python_api_section_runs(monkeypatch, tmp_path):
    section = README.split("## The Python API", 1)[1].split("\n## ", 1)[0]
    (code,) = blocks("python", section)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md (The Python API)", "exec"), namespace)  # noqa: S102 - the README's own example
    dispatch, p = namespace["dispatch"], namespace["p"]
    assert len(dispatch) == 8760 and dispatch["load_mw"].sum() == pytest.approx(p.load_mwh, rel=1e-9)
    assert namespace["network"] is not None and namespace["sizing"].facility_power_mw <= 1000


def sweep_commands() -> list[list[str]]:
    """The `gigawatt sweep` commands of the README's "Sweeps" section, continuation lines joined."""
    section = README.split("## Sweeps", 1)[1].split("\n## ", 1)[0]
    out = []
    for block in blocks("bash", section):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:2] == ["gigawatt", "sweep"]:
                out.append(words[1:])
    return out


def test_readme_sweep_shows_an_effect_of_every_input_it_varies(cli, monkeypatch, tmp_path):
    """Issue 30: the flagship's sweep drew an empty tornado bar (grid.available moved no LCOE). Every input the
    README varies must move the figure, by the amounts its prose quotes."""
    (command,) = sweep_commands()
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    varied = [command[i + 1].split("=", 1)[0] for i, word in enumerate(command) if word == "--vary"]
    result = cli(*command, "--workers", "1", "--no-store", "--json")
    assert result.code == 0, result.err
    tornado = {row["input"]: row for row in result.result()["tornado"]}
    assert set(tornado) == set(varied)
    for name in varied:
        assert abs(tornado[name]["swing"]) > 1.0, f"{name} moves the LCOE by {tornado[name]['swing']} USD/MWh"
    assert (tmp_path / "tornado.png").stat().st_size > 10_000
    fuel, grid = tornado["supply.limits.gas_recip.fuel_price_usd_per_mmbtu"], tornado["grid.import_mw"]
    section = README.split("## Sweeps", 1)[1].split("\n## ", 1)[0]
    quoted = f"LCOE from {fuel['at_low']:.0f} to {fuel['at_high']:.0f} USD/MWh"
    assert quoted in section, quoted
    assert f"from {grid['at_low']:.0f} to\n{grid['at_high']:.0f} USD/MWh" in section or f"from {grid['at_low']:.0f} to {grid['at_high']:.0f} USD/MWh" in section


def test_quick_start_plan_builds_what_the_readme_says():
    """The Quick start's plan (a full hourly year) builds the grid to its limit and the gas engines the prose quotes."""
    import gigawatt

    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    gas_mw = float(re.search(r"about (\d+) MW of gas engines", section).group(1))
    p = gigawatt.plan(ROOT / "examples" / "west-texas-grid-gas.yaml", store=None)
    assert p.capacity_mw["grid_import"] == pytest.approx(200.0, rel=1e-6) and "200 MW connection" in section
    assert p.capacity_mw["gas_recip"] == pytest.approx(gas_mw, abs=5.0)
    assert any("not a like-for-like comparison" in m for m in p.messages)
