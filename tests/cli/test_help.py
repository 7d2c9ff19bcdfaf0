"""Help that teaches (issue 30, item 6), through the installed `gigawatt` as a user meets it: every command's
--help groups its options in panels, lists the choices and defaults, has readable placeholders and ends with
examples that run (the quick ones run here; the rest are parsed as the command would parse them); tables fit
the terminal's width with whole headers."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
import typer

from gigawatt.cli import app

REPO = Path(__file__).resolve().parents[2]
GIGAWATT = shutil.which("gigawatt", path=str(Path(sys.executable).parent)) or shutil.which("gigawatt")
COMMANDS = [["catalog"], ["validate"], ["schema"], ["size"], ["plan"], ["finance"], ["reliability"], ["buildout"], ["headroom"],
            ["site"], ["schedule"], ["security", "check"], ["sweep"], ["serve"],
            *(["runs", name] for name in ("list", "show", "inputs", "diff", "export", "rm", "size", "tag", "prune"))]
QUICK = {"catalog", "validate", "schema", "size", "security"}  # examples cheap enough to run here in full


def run(*args: str, columns: int = 200, store: Path | None = None) -> subprocess.CompletedProcess:
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    env = {k: v for k, v in os.environ.items() if k not in ("GIGAWATT_STORE", "TERMINAL_WIDTH")}
    env["COLUMNS"] = str(columns)
    if store is not None:
        env["GIGAWATT_STORE"] = str(store)
    return subprocess.run([GIGAWATT, *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=300)


@pytest.fixture(scope="module")
def helps() -> dict[str, str]:
    """Every command's --help, as printed."""
    out = {}
    for command in COMMANDS:
        done = run(*command, "--help")
        assert done.returncode == 0 and done.stderr == "", done.stderr
        out[" ".join(command)] = done.stdout
    return out


def examples_of(text: str) -> list[list[str]]:
    """The example commands at the end of a --help: the lines after 'Examples:', the comment after '#' dropped."""
    _, found, tail = text.partition("Examples:")
    assert found, text[-600:]
    return [shlex.split(line.split("   #")[0].split(" > ")[0].split(" && ")[0]) for line in tail.splitlines() if line.strip().startswith("gigawatt ")]


def test_every_command_ends_with_examples_of_itself(helps):
    for name, text in helps.items():
        shown = examples_of(text)
        assert shown, name
        for example in shown:
            assert example[1:1 + len(name.split())] == name.split(), (name, example)


def test_placeholders_are_words_not_python_types(helps):
    for name, text in helps.items():
        options = [line for line in text.splitlines() if re.match(r"│ +--", line)]
        assert options and not [line for line in options if re.search(r"list\[|dict\[|Optional|NoneType", line)], name


def test_plan_help_groups_options_and_shows_choices_and_defaults(helps):
    text = helps["plan"]
    for panel in ("Inputs", "Outputs", "Solver", "Store", "Display"):
        assert re.search(rf"╭─ {panel} ─", text), panel
    solver_panel = text.split("╭─ Solver ─")[1].split("╰")[0]
    assert "--method" in solver_panel and "--threads" in solver_panel and "--json" not in solver_panel
    assert "[simplex|dual-devex|ipm|race]" in text  # the choices, from the option's type
    assert "[default: (highs)]" in text and "[default: (simplex)]" in text and "[default: (every hour)]" in text
    assert "FILE.yaml" in text and "KEY=VALUE" in text and "YYYY-MM" in text


def test_choices_of_other_commands_are_listed(helps):
    assert "[grid|oat|sample|sobol]" in helps["sweep"]
    assert "[json|csv|parquet|xlsx|pdf]" in helps["runs export"] and "gigawatt[xlsx]" in helps["runs export"]
    assert "accelerators, technologies" in helps["catalog"]
    assert "[default: (0.25,0.5,1,5)]" in helps["headroom"] and "[default: (seasonal)]" in helps["headroom"]
    assert "╭─ Campus ─" in helps["headroom"] and "╭─ Design ─" in helps["sweep"] and "╭─ Cluster ─" in helps["reliability"]


def test_a_wrong_choice_is_one_error_line_listing_the_choices():
    done = run("sweep", "examples/h100-100k.yaml", "--design", "lhs")
    assert done.returncode == 2 and done.stdout == ""
    errors = [line for line in done.stderr.splitlines() if line.lower().startswith("error")]
    assert len(errors) == 1 and "'lhs' is not one of 'grid', 'oat', 'sample', 'sobol'" in errors[0] and "sweep.design" in errors[0], done.stderr
    assert done.stderr == errors[0] + "\n" and "Traceback" not in done.stderr  # one line, as every bad input


def test_the_choices_shown_are_the_ones_the_models_take():
    from gigawatt.cli import _common, catalog, runs, sweep
    from gigawatt.core.inputs import Solver
    from gigawatt.report.export import FORMATS
    from gigawatt.sweep.design import DESIGNS

    assert _common.METHODS == get_args(Solver.model_fields["method"].annotation)
    assert sweep.DESIGNS == DESIGNS and runs.EXPORT_FORMATS == FORMATS
    from gigawatt.api import MODELS
    from gigawatt.schemas import OUTPUTS

    assert set(catalog.SCHEMA_KINDS) <= set(MODELS) and set(catalog.OUTPUT_KINDS) == set(OUTPUTS)


def _parsed(example: list[str]) -> None:
    """The example parsed by the command as it would run it (options, types and choices), without running it."""
    command = typer.main.get_command(app)
    ctx = command.make_context("gigawatt", example[1:2], resilient_parsing=True)
    rest = example[1:]
    while isinstance(command, typer.core.TyperGroup):
        name, rest = rest[0], rest[1:]
        command = command.get_command(ctx, name)
        ctx = command.make_context(name, list(rest), parent=ctx) if not isinstance(command, typer.core.TyperGroup) else command.make_context(name, rest[:1], parent=ctx, resilient_parsing=True)


def test_every_example_parses_and_names_files_that_exist(helps):
    for name, text in helps.items():
        for example in examples_of(text):
            _parsed(example)
            for arg in example:
                if arg.startswith("examples/"):
                    assert (REPO / arg).exists(), (name, arg)


def test_the_quick_examples_run(helps, tmp_path):
    ran = 0
    for name, text in helps.items():
        if name.split()[0] not in QUICK:
            continue
        for example in examples_of(text):
            done = run(*example[1:], store=tmp_path / "runs.sqlite")
            assert done.returncode == 0, (example, done.stderr)
            ran += 1
    assert ran >= 10


# --- tables fit the terminal ------------------------------------------------------------------------------------


def header_words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("columns", [80, 200])
def test_tables_keep_whole_headers(columns):
    from gigawatt.cli.catalog import _CATALOG_COLUMNS

    for table in ("technologies", "regions", "accelerators"):
        done = run("catalog", table, columns=columns)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert max(len(line) for line in lines) <= columns, (table, columns)
        head = "\n".join(lines[: lines.index(next(line for line in lines if line.startswith(("┡", "├", "+", "━"))))]) if any(
            line.startswith(("┡", "├")) for line in lines) else "\n".join(lines[:6])
        assert "…" not in head, head
        cells = [word for line in head.splitlines() for cell in line.split("┃") for word in cell.split()]
        for _, header in _CATALOG_COLUMNS[table]:
            for word in header.split():  # a header may fold onto lines, never lose a piece
                assert any(word in cell or cell in word for cell in cells), (table, columns, header, head)
