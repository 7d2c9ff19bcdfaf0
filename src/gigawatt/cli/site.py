"""`gigawatt site`: place a programme's gigawatts across candidate sites."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gigawatt.cli._common import (
    INPUTS,
    CsvOption,
    FreshOption,
    JsonOption,
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
    run_command,
    show,
    solver_fields,
    write_outputs,
)


@app.command("site", epilog=examples(
    "gigawatt site examples/site/clean-5gw.yaml --no-store",
    "gigawatt site examples/site/us-10gw-2029.yaml --plot sites.png --csv candidates.csv",
))
def site_command(
    file: Annotated[Path, typer.Argument(metavar="FILE.yaml", show_default=False, help="Siting programme YAML file")],
    overrides: SetOption = None,
    full_year: Annotated[bool, typer.Option("--full-year", rich_help_panel=INPUTS, help="Screen every candidate on all 8,760 hours instead of typical periods")] = False,
    plot: PlotOption = None,
    csv: CsvOption = None,
    as_json: JsonOption = False,
    solver: SolverOption = None,
    threads: ThreadsOption = None,
    time_limit: TimeLimitOption = None,
    mip_gap: MipGapOption = None,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
    fresh: FreshOption = False,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Place a programme's gigawatts across candidate sites: cost of power plus delay, under fleet constraints."""
    flags = fields({"full_year": "--full-year"}, {"full_year": True if full_year else None})
    result = run_command("site", file, [*flags, *solver_fields(solver, threads, time_limit, mip_gap), *(overrides or [])],
                         store=store, no_store=no_store, fresh=fresh, verbose=verbose, quiet=quiet,
                         outputs={"--plot": plot, "--csv": csv}, label="screening candidates")
    write_outputs(result, plot=plot, csv=csv, csv_frame="candidates")
    show(result, as_json, quiet)
