"""`gigawatt finance`: a campus's money over time: its plan, cash flows by year, financing and break-even price."""

from __future__ import annotations

import re
from pathlib import Path
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
    progress_display,
    run_command,
    show,
    write_outputs,
)


RUN_ID = re.compile(r"[0-9a-f]{4,64}")  # a stored run's id or its first characters (`gigawatt runs list`)


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
    outputs = {"--plot": plot, "--csv": csv}
    if not Path(file).exists() and RUN_ID.fullmatch(file):
        from gigawatt import api
        from gigawatt.core.errors import ScenarioError
        from gigawatt.core.files import FIGURE_SUFFIXES, check_output

        if no_store:
            raise ScenarioError(f"--no-store: {file} is a stored plan's run id, read from the run store; drop --no-store")
        for what, path in outputs.items():
            check_output(path, what, FIGURE_SUFFIXES if what == "--plot" else ())
        with progress_display("pricing", quiet or verbose):
            result = api.finance_of_run(file, set=list(overrides or []), store=store or "default", fresh=fresh)
    else:
        result = run_command("finance", Path(file), list(overrides or []), store=store, no_store=no_store, fresh=fresh, verbose=verbose,
                             quiet=quiet, outputs=outputs, label="planning and pricing")
    write_outputs(result, plot=plot, csv=csv, csv_frame="cash_flows")
    show(result, as_json, quiet)
