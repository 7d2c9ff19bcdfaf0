"""`gigawatt schedule`: a campus's jobs power-capped, paused and resumed against grid signals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gigawatt.cli._common import (
    CsvOption,
    FreshOption,
    JsonOption,
    MipGapOption,
    NoStoreOption,
    PlotOption,
    QuietOption,
    SetOption,
    StoreOption,
    ThreadsOption,
    TimeLimitOption,
    VerboseOption,
    app,
    examples,
    run_command,
    show,
    solver_fields,
    write_outputs,
)


@app.command("schedule", epilog=examples(
    "gigawatt schedule examples/schedule/carbon-aware-week.yaml --no-store",
    "gigawatt schedule examples/schedule/phoenix-srp-event.yaml --plot schedule.png --csv trace.csv",
))
def schedule_command(
    file: Annotated[Path, typer.Argument(metavar="FILE.yaml", show_default=False, help="Schedule YAML file: jobs and signals (prices, carbon, curtailment events, site caps)")],
    overrides: SetOption = None,
    plot: PlotOption = None,
    csv: CsvOption = None,
    as_json: JsonOption = False,
    threads: ThreadsOption = None,
    time_limit: TimeLimitOption = None,
    mip_gap: MipGapOption = None,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
    fresh: FreshOption = False,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Schedule jobs against prices, carbon and curtailment events: power caps and pauses at least cost, each job within its tier."""
    result = run_command("schedule", file, [*solver_fields(None, threads, time_limit, mip_gap), *(overrides or [])],
                         store=store, no_store=no_store, fresh=fresh, verbose=verbose, quiet=quiet,
                         outputs={"--plot": plot, "--csv": csv}, label="scheduling")
    write_outputs(result, plot=plot, csv=csv, csv_frame="trace")
    show(result, as_json, quiet)
