"""`gigawatt finance`: a campus's money over time: its plan, cash flows by year, financing and break-even price."""

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


@app.command("finance")
def finance_command(
    file: Annotated[str, typer.Argument(help="Plan scenario YAML file with a finance: section, or a stored plan's run id (priced as planned)")],
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
    """A campus's money over time: cash flows by year, debt, tax and credits, and the break-even price per accelerator-hour."""
    result = run_on_plan("finance", file, list(overrides or []), store=store, no_store=no_store, fresh=fresh, verbose=verbose, quiet=quiet,
                         outputs={"--plot": plot, "--csv": csv}, label="planning and pricing")
    write_outputs(result, plot=plot, csv=csv, csv_frame="cash_flows")
    show(result, as_json, quiet)
