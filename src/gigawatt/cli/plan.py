"""`gigawatt plan`: the cheapest supply for a site, hour by hour, beside a grid-only baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from gigawatt.cli._common import (
    INPUTS,
    OUTPUTS,
    FreshOption,
    JsonOption,
    MethodOption,
    MipGapOption,
    NoStoreOption,
    PlotOption,
    QuietOption,
    SetOption,
    SolverOption,
    StoreOption,
    ThreadsOption,
    TimeLimitOption,
    VerboseOption,
    app,
    examples,
    fields,
    out_console,
    progress_display,
    run_command,
    show,
    solver_fields,
    write_outputs,
)
from gigawatt.core.errors import ScenarioError, require


@app.command("plan", epilog=examples(
    "gigawatt plan examples/west-texas-offgrid.yaml --screening 120 --no-store   # a quick look: 120 time segments",
    "gigawatt plan examples/west-texas-grid-gas.yaml --plot plan.png --dispatch dispatch.csv",
    "gigawatt plan examples/west-texas-offgrid.yaml --build-only --save-lp plan.lp   # the LP, not solved",
))
def plan_command(
    file: Annotated[Path, typer.Argument(metavar="FILE.yaml", show_default=False, help="Scenario YAML file with a site")],
    overrides: SetOption = None,
    dispatch: Annotated[Optional[Path], typer.Option("--dispatch", metavar="FILE.csv", rich_help_panel=OUTPUTS, help="Write the hourly dispatch (MW, one row an hour) to this CSV, or Parquet if it ends in .parquet")] = None,
    network: Annotated[Optional[Path], typer.Option("--network", metavar="FILE.nc", rich_help_panel=OUTPUTS, help="Write the solved PyPSA network (netCDF, .nc): pypsa.Network(FILE).statistics() works on it")] = None,
    build_only: Annotated[bool, typer.Option("--build-only", rich_help_panel=OUTPUTS, help="Build the model without solving (use with --save-lp)")] = False,
    save_lp: Annotated[Optional[Path], typer.Option("--save-lp", metavar="FILE.lp", rich_help_panel=OUTPUTS, help="Write the LPs as solved: with --build-only the plan's LP to this file; else every LP solved beside it as STEM.plan.lp, STEM.bridge.lp, ...")] = None,
    online_by: Annotated[Optional[str], typer.Option("--online-by", metavar="YYYY-MM", show_default="the scenario's constraints.online_by", rich_help_panel=INPUTS, help="Serve the load from this month, YYYY-MM: supply available by then bridges until later options (the grid) arrive")] = None,
    plot: PlotOption = None,
    screening: Annotated[Optional[int], typer.Option("--screening", metavar="SEGMENTS", show_default="every hour", rich_help_panel=INPUTS, help="Fast screening: solve on this many chronological time segments (e.g. 2190) instead of every hour")] = None,
    as_json: JsonOption = False,
    solver: SolverOption = None,
    threads: ThreadsOption = None,
    time_limit: TimeLimitOption = None,
    mip_gap: MipGapOption = None,
    method: MethodOption = None,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
    fresh: FreshOption = False,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Power a site: the cheapest supply for the cluster, hour by hour, beside a grid-only baseline."""
    flags = fields({"constraints.online_by": "--online-by", "site.screening_segments": "--screening"},
                   {"constraints.online_by": online_by, "site.screening_segments": screening})
    overrides = [*flags, *solver_fields(solver, threads, time_limit, mip_gap, method), *(overrides or [])]
    if build_only:
        if as_json:
            raise ScenarioError("--json: --build-only writes the LP only and prints no result; drop --json (or --build-only to solve)")
        if not save_lp:
            raise ScenarioError("--build-only: give --save-lp FILE.lp to write the model")
        _save_lp(file, overrides, save_lp)
        out_console().print(f"wrote {save_lp}")
        return
    if network:  # PyPSA is an extra: found missing before a solve, not after
        require("pypsa", "pypsa", "writing a PyPSA network (--network)")
    outputs = {"--dispatch": dispatch, "--plot": plot, "--network": network, "--save-lp": save_lp}
    if not as_json:
        _check_sections(file, overrides)  # a reliability: section a draw cannot read fails here, not after the solve
    # the network and the LPs live in memory only: a run from the store is solved again to write them
    result = run_command("plan", file, overrides, store=store, no_store=no_store, fresh=fresh or network is not None,
                         verbose=verbose, quiet=quiet, outputs=outputs, label="solving the plan and its baseline", save_lp=save_lp)
    from gigawatt.core.files import write_atomically
    from gigawatt.report.export import write_table

    if dispatch:
        write_table(result.to_frames()["dispatch"], dispatch)
    if network:
        write_atomically(network, lambda tmp: _export_network(result.network, tmp))
    write_outputs(result, plot=plot)
    show(result, as_json, quiet)
    if not as_json:  # one JSON document on stdout: `gigawatt finance|reliability RUN_ID --json` gives theirs
        _read_sections(result, store=None if no_store else store or "default", quiet=quiet, verbose=verbose)


def _check_sections(file: Path, overrides: list[str]) -> None:
    """What the jobs reading the plan's other sections (``finance:``, ``reliability:``) check before any run."""
    from gigawatt import api
    from gigawatt.registry import JOBS

    model = api.load_inputs("plan", file, overrides)
    for kind, job in JOBS.items():
        if job.from_plan is not None and getattr(model, kind, None) is not None:
            api.check_references(kind, model)


def _read_sections(plan, *, store, quiet: bool, verbose: bool) -> None:
    """The sections of the scenario the plan itself does not read (``finance:``, ``reliability:``), read on this plan
    by their jobs without solving it again, and printed after it."""
    from gigawatt import api
    from gigawatt.registry import JOBS

    for kind, job in JOBS.items():
        if job.from_plan is not None and getattr(plan.inputs, kind, None) is not None:
            with progress_display(f"reading the plan: {kind}", quiet or verbose):
                read = api.read_plan(kind, plan, store=store)
            show(read, False, quiet)


def _save_lp(file: Path, overrides: list[str], path: Path) -> None:
    from gigawatt import api
    from gigawatt.power.lp import build_lp
    from gigawatt.power.plan import first_model
    from gigawatt.power.solve import write_lp
    from gigawatt.core.files import write_atomically

    lp = build_lp(first_model(api.load_inputs("plan", file, overrides)))
    write_atomically(path, lambda tmp: write_lp(lp, tmp))


def _export_network(n, path: Path) -> None:
    import warnings

    with warnings.catch_warnings():  # PyPSA's netCDF writer sets a pandas option that pandas 3 deprecates
        warnings.filterwarnings("ignore", message=".*future.infer_string.*")
        n.export_to_netcdf(path)
