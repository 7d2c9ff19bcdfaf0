"""`gigawatt buildout`: a programme week by week, what holds it back, its cost and its grid share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from gigawatt.cli._common import (
    INPUTS,
    CsvOption,
    FreshOption,
    JsonOption,
    NoStoreOption,
    PlotOption,
    QuietOption,
    SetOption,
    StoreOption,
    app,
    examples,
    fields,
    run_command,
    show,
    write_outputs,
)


@app.command("buildout", epilog=examples(
    "gigawatt buildout examples/buildout/10gw.yaml --no-store",
    "gigawatt buildout examples/buildout/10gw.yaml --draws 200 --seed 1 --plot buildout.png --csv periods.csv",
))
def buildout_command(
    file: Annotated[Path, typer.Argument(metavar="FILE.yaml", show_default=False, help="Build-out programme YAML file")],
    overrides: SetOption = None,
    draws: Annotated[Optional[int], typer.Option("--draws", metavar="N", show_default="the file's draws, else 0", rich_help_panel=INPUTS, help="Monte Carlo draws of the uncertain rates")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", metavar="N", show_default="the file's seed", rich_help_panel=INPUTS, help="Random seed of the draws (same seed, same result)")] = None,
    plot: PlotOption = None,
    csv: CsvOption = None,
    as_json: JsonOption = False,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
    fresh: FreshOption = False,
    quiet: QuietOption = False,
) -> None:
    """Simulate a build-out programme week by week: capacity online, what holds it back, cost and grid share."""
    flags = fields({"draws": "--draws", "seed": "--seed"}, {"draws": draws, "seed": seed})
    result = run_command("buildout", file, [*flags, *(overrides or [])], store=store, no_store=no_store, fresh=fresh, quiet=quiet,
                         outputs={"--plot": plot, "--csv": csv}, label="Monte Carlo draws", steps=True)
    write_outputs(result, plot=plot, csv=csv, csv_frame="periods")
    show(result, as_json, quiet)
