"""What every command shares: the app, the options that run a job, and the one path from options to output."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
import typer.core

from gigawatt.core import __version__
from gigawatt.core.errors import ScenarioError

class _PlainErrorsGroup(typer.core.TyperGroup):
    """The root command: help drawn by rich (options in panels), usage errors plain (the usage line and one
    ``Error:`` line, no box), as before help had panels."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, windows_expand_args=True, **extra):  # noqa: ANN001
        return typer.core._main(self, args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=standalone_mode,
                                windows_expand_args=windows_expand_args, rich_markup_mode=None, **extra)


app = typer.Typer(
    name="gigawatt",
    help="Plan AI compute clusters and the electricity they need.",
    epilog="Start with: gigawatt size -a H100 -n 1000, then gigawatt plan examples/west-texas-offgrid.yaml. "
           "Every command has examples at the end of its --help.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",  # help in panels; help texts escape '[' as '\\[' (markup); errors stay plain (_PlainErrorsGroup)
    cls=_PlainErrorsGroup,
)
state: dict[str, Any] = {"debug": False, "flags": {}}

# the panels of every command's --help, in the order shown (typer's rich_help_panel); options of a command's own
# go to one of these too, so each --help reads the same way
INPUTS, OUTPUTS, SOLVER, STORE, DISPLAY = "Inputs", "Outputs", "Solver", "Store", "Display"


def examples(*lines: str) -> str:
    """A command's help epilog: examples that run from the repository root (tests/cli/test_help.py runs or parses
    each), one a line, ``# what it does`` after a command."""
    return "Examples:\n" + "\n".join(f"  {line}" for line in lines)


def FieldChoice(choices: tuple[str, ...], field: str) -> dict[str, Any]:  # noqa: N802  (reads as a type where it is used)
    """The keyword arguments of an option taking one of ``choices``: help shows them as ``[a|b|c]`` and a wrong
    value is one ``error:`` line (exit 2) naming what the option sets and listing them, e.g. ``error:
    --method (solver.method): 'barrier' is not one of 'simplex', ...; choose one``.
    Spread into ``typer.Option(**FieldChoice(...))``."""

    def parse(value: str) -> str:
        if value not in choices:
            raise ScenarioError(f"{field}: {value[:40]!r} is not one of {', '.join(repr(c) for c in choices)}; choose one")
        return value

    return {"parser": parse, "metavar": f"[{'|'.join(choices)}]"}


JsonOption = Annotated[bool, typer.Option("--json", rich_help_panel=OUTPUTS, help="Print the result as JSON (schema: gigawatt schema --output KIND); errors stay on stderr with exit 2 and nothing on stdout.")]
SetOption = Annotated[Optional[list[str]], typer.Option("--set", metavar="KEY=VALUE", rich_help_panel=INPUTS, help="Override a scenario value by dotted key, e.g. --set cluster.count=200000 (repeatable).")]
StoreOption = Annotated[Optional[str], typer.Option("--store", metavar="PATH|URL", envvar="GIGAWATT_STORE", show_default="a SQLite file in your data directory", rich_help_panel=STORE, help="Run store: a SQLite path or a postgresql:// URL.")]
NoStoreOption = Annotated[bool, typer.Option("--no-store", rich_help_panel=STORE, help="Neither look the run up in the store nor save it.")]
FreshOption = Annotated[bool, typer.Option("--fresh", rich_help_panel=STORE, help="Recompute even if an identical run is in the store (and save the new one).")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", rich_help_panel=DISPLAY, help="Show the solver's log (on stderr).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", rich_help_panel=DISPLAY, help="No progress display and no notes; results only.")]
FIGURE_OPTIONS = ("--plot", "--heatmap")  # the outputs that are figures: their suffix names a format
PlotOption = Annotated[Optional[Path], typer.Option("--plot", metavar="FILE.png", rich_help_panel=OUTPUTS, help="Write a figure of the result (PNG, or SVG/PDF by its suffix).")]
CsvOption = Annotated[Optional[Path], typer.Option("--csv", metavar="FILE.csv", rich_help_panel=OUTPUTS, help="Write the result's main table to this CSV.")]
# solver settings: the options of commands that optimise, as scenario fields
SolverOption = Annotated[Optional[str], typer.Option("--solver", metavar="NAME", show_default="highs", rich_help_panel=SOLVER, help="Solver: highs (bundled); gurobi, cplex, xpress, cbc, glpk through linopy where installed.")]
ThreadsOption = Annotated[Optional[int], typer.Option("--threads", metavar="N", show_default="the solver's choice", rich_help_panel=SOLVER, help="Solver threads.")]
TimeLimitOption = Annotated[Optional[float], typer.Option("--time-limit", metavar="SECONDS", show_default="none", rich_help_panel=SOLVER, help="Solver time limit, seconds.")]
MipGapOption = Annotated[Optional[float], typer.Option("--mip-gap", metavar="SHARE", show_default="the solver's", rich_help_panel=SOLVER, help="Relative MIP gap at which a mixed-integer solve stops, e.g. 0.01.")]
METHODS = ("simplex", "dual-devex", "ipm", "race")  # solver.method (core.inputs.SolverSettings): a test keeps them equal
MethodOption = Annotated[Optional[str], typer.Option("--method", **FieldChoice(METHODS, "--method (solver.method)"), show_default="simplex", rich_help_panel=SOLVER, help="How HiGHS solves a plan; race: two simplex pricings at once, the first optimum kept.")]
SOLVER_FLAGS = {"solver.name": "--solver", "solver.threads": "--threads", "solver.time_limit_s": "--time-limit", "solver.mip_gap": "--mip-gap",
                "solver.method": "--method"}


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"gigawatt {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    state["debug"] = debug


def fields(flags: dict[str, str], values: dict[str, Any]) -> list[str]:
    """Overrides (``field=value``) from the options a user gave; remembers which option sets which field,
    so an error naming the field can name the option too."""
    state["flags"].update(flags)
    return [f"{field}={json.dumps(value)}" for field, value in values.items() if value is not None]


def solver_fields(solver: str | None, threads: int | None, time_limit: float | None, mip_gap: float | None, method: str | None = None) -> list[str]:
    return fields(SOLVER_FLAGS, {"solver.name": solver, "solver.threads": threads, "solver.time_limit_s": time_limit, "solver.mip_gap": mip_gap,
                                 "solver.method": method})


def out_console():
    """The console every command prints through. Markup and emoji codes are off: names, descriptions, ids
    and file names come from users and are printed as written (``[/bold]`` or ``:fire:`` in a name is text);
    styles are given as ``style=`` or :class:`rich.text.Text`, never as markup in a string."""
    from rich.console import Console

    # a terminal, or a width given in COLUMNS, is kept; other pipes and CI get wide tables
    return Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit() else 160, markup=False, emoji=False)


def counted_progress(what: str, stream: Any, clock: Callable[[], float] = time.monotonic) -> Callable[[int, int], None]:
    """``progress(done, total)`` that writes ``done/total WHAT, elapsed s, about N s left`` to ``stream``: over
    itself on a terminal, a line each where the stream is a file or a pipe (so a log reads ``1/8 points`` and
    ``2/8 points`` on lines of their own). The time left is the mean time a step so far, times the steps left."""
    from gigawatt.cli._progress import StageText  # the one text of a counted step

    tty = stream.isatty()
    stage_text = StageText(clock)

    def progress(done: int, total: int) -> None:
        text = stage_text(what, done, total)
        stream.write(f"\r{text}\033[K{chr(10) if done == total else ''}" if tty else f"{text}\n")
        stream.flush()

    return progress


@contextmanager
def progress_display(label: str, quiet: bool, steps: bool = False):
    """A transient spinner (or a bar with ``steps``) on stderr while a job runs, only on a terminal.

    Yields ``progress(done, total)`` for jobs that advance in steps, else None."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield (lambda done, total: bar.update(task, completed=done, total=total)) if steps else None


def run_command(
    kind: str,
    inputs: Any,
    overrides: list[str],
    *,
    store: str | None,
    no_store: bool,
    fresh: bool,
    verbose: bool = False,
    quiet: bool = False,
    outputs: dict[str, Path | None] | None = None,
    label: str = "running",
    steps: bool = False,
    save_lp: Path | None = None,
    map: Any = None,  # noqa: A002
):
    """Check output paths, run the job through the API (with the store and a progress display), print it.

    ``map``: where a job's independent pieces run (``api.run``). Returns the result for the command to write its own files and print."""
    from gigawatt import api
    from gigawatt.core.files import FIGURE_SUFFIXES, check_output

    for what, path in (outputs or {}).items():  # before the run: a bad path must not waste a solve
        check_output(path, what, FIGURE_SUFFIXES if what in FIGURE_OPTIONS else ())
    from gigawatt.cli._progress import job_display

    with job_display(label, quiet, verbose, steps) as (progress, stage):
        return api.run(kind, inputs, set=overrides, store=None if no_store else store or "default", fresh=fresh, progress=progress, stage=stage,
                       verbose=verbose, save_lp=save_lp, map=map)


RUN_ID = re.compile(r"[0-9a-f]{4,64}")  # a stored run's id or its first characters (`gigawatt runs list`)


def run_on_plan(kind: str, file: str, overrides: list[str], *, store: str | None, no_store: bool, fresh: bool, verbose: bool,
                quiet: bool, outputs: dict[str, Path | None], label: str, map: Any = None):  # noqa: A002
    """A job that reads a solved plan (finance, reliability) on a scenario file, or on a stored plan's run id (a
    name that is no file and looks like one): the stored plan is read as planned, not solved again."""
    if Path(file).exists() or not RUN_ID.fullmatch(file):
        return run_command(kind, Path(file), overrides, store=store, no_store=no_store, fresh=fresh, verbose=verbose, quiet=quiet,
                           outputs=outputs, label=label, map=map)
    from gigawatt import api
    from gigawatt.core.files import FIGURE_SUFFIXES, check_output

    if no_store:
        raise ScenarioError(f"--no-store: {file} is a stored plan's run id, read from the run store; drop --no-store")
    for what, path in outputs.items():
        check_output(path, what, FIGURE_SUFFIXES if what in FIGURE_OPTIONS else ())
    with progress_display(label.split(" and ")[-1], quiet or verbose):
        return api.from_stored_plan(kind, file, set=overrides, store=store or "default", fresh=fresh, map=map)


def print_json(document: Any) -> None:
    """The one JSON document of a ``--json`` command on stdout (serialised in one place: values cleaned of
    negative zeros and float noise); everything else a command says goes to stderr."""
    from gigawatt.core.documents import dumps

    sys.stdout.write(dumps(document))


def show(result: Any, as_json: bool, quiet: bool = False) -> None:
    """Print a result: its JSON form, or tables for people."""
    if as_json:
        print_json(result.to_dict())
        return
    from gigawatt.report.tables import render

    render(result, out_console(), notes=not quiet)


def write_outputs(result: Any, plot: Path | None = None, csv: Path | None = None, csv_frame: str | None = None) -> None:
    """The figure and main table a command was asked to write (atomically; a path that cannot be written
    fails in one line naming its option)."""
    from gigawatt.core.files import write_atomically
    from gigawatt.report.export import write_table

    if plot:
        from gigawatt.report.figures import plot as draw

        write_atomically(plot, lambda tmp: draw(result, tmp), "--plot")
    if csv and csv_frame:
        write_table(result.to_frames()[csv_frame], csv, "--csv")
