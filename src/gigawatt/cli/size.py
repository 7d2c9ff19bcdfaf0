"""`gigawatt size`: accelerators → power, energy, capital and operating cost."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from gigawatt.cli._common import (
    INPUTS,
    FreshOption,
    JsonOption,
    NoStoreOption,
    QuietOption,
    SetOption,
    StoreOption,
    app,
    examples,
    fields,
    run_command,
    show,
)
from gigawatt.core.errors import ScenarioError


@app.command("size", epilog=examples(
    "gigawatt size -a H100 -n 100000",
    "gigawatt size -a GB200 --power-mw 300   # how many fit in 300 MW",
    "gigawatt size examples/h100-100k.yaml --json",
))
def size_command(
    file: Annotated[Optional[Path], typer.Argument(metavar="[FILE.yaml]", show_default=False, help="Scenario YAML file (or give --accelerator and one sizing option)")] = None,
    accelerator: Annotated[Optional[str], typer.Option("--accelerator", "-a", metavar="NAME", rich_help_panel=INPUTS, help="Accelerator name or alias, e.g. H100 (gigawatt catalog accelerators lists them)")] = None,
    count: Annotated[Optional[int], typer.Option("--count", "-n", metavar="N", rich_help_panel=INPUTS, help="Number of catalog units")] = None,
    power_mw: Annotated[Optional[float], typer.Option("--power-mw", metavar="MW", rich_help_panel=INPUTS, help="Power budget at the meter, MW: how many fit")] = None,
    training_flop: Annotated[Optional[float], typer.Option("--training-flop", metavar="FLOP", rich_help_panel=INPUTS, help="Training compute target, FLOP (with --days)")] = None,
    days: Annotated[Optional[float], typer.Option("--days", metavar="DAYS", rich_help_panel=INPUTS, help="Training duration, days (with --training-flop)")] = None,
    overrides: SetOption = None,
    as_json: JsonOption = False,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
    fresh: FreshOption = False,
    quiet: QuietOption = False,
) -> None:
    """Size a cluster: power at the meter, energy, capital and operating cost, cost per accelerator-hour."""
    if (training_flop is None) != (days is None):
        raise ScenarioError("--training-flop and --days go together; give both")
    if sum(x is not None for x in (count, power_mw, training_flop)) > 1:
        raise ScenarioError("give one of --count, --power-mw or --training-flop/--days, not several")
    training = {"flop": training_flop, "days": days} if training_flop is not None else None
    flags = fields(
        {"cluster.accelerator": "--accelerator", "cluster.count": "--count", "cluster.power_mw": "--power-mw", "cluster.training": "--training-flop/--days"},
        {"cluster.accelerator": accelerator, "cluster.count": count, "cluster.power_mw": power_mw, "cluster.training": training},
    )
    if file is None:
        if accelerator is None:
            raise ScenarioError("size: give a scenario file, or --accelerator NAME with --count, --power-mw or --training-flop/--days")
        if len(flags) == 1:
            raise ScenarioError("size: with --accelerator, give one of --count N, --power-mw P or --training-flop F --days D")
    inputs = file if file is not None else {"name": "command line"}
    result = run_command("size", inputs, [*flags, *(overrides or [])], store=store, no_store=no_store, fresh=fresh, quiet=quiet)
    show(result, as_json, quiet)
