"""`gigawatt reliability`: will the lights stay on: the plan's supply drawn as failing units, loss of load, lost compute."""

from __future__ import annotations

from typing import Annotated

import typer

from gigawatt.cli._common import (
    CsvOption,
    FreshOption,
    JsonOption,
    NoStoreOption,
    PlotOption,
    QuietOption,
    SetOption,
    StoreOption,
    VerboseOption,
    app,
    run_on_plan,
    show,
    write_outputs,
)


@app.command("reliability")
def reliability_command(
    file: Annotated[str, typer.Argument(help="Plan scenario YAML file (its reliability: section, or the defaults), or a stored plan's run id (drawn as planned)")],
    overrides: SetOption = None,
    plot: PlotOption = None,
    csv: CsvOption = None,
    as_json: JsonOption = False,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
    fresh: FreshOption = False,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Will the lights stay on: availability, loss of load (hours and MWh a year) and lost compute with 95% intervals."""
    result = run_on_plan("reliability", file, list(overrides or []), store=store, no_store=no_store, fresh=fresh, verbose=verbose, quiet=quiet,
                         outputs={"--plot": plot, "--csv": csv}, label="planning and drawing")
    write_outputs(result, plot=plot, csv=csv, csv_frame="per_draw")
    show(result, as_json, quiet)
