"""The commands of jobs that read a solved plan, on a scenario file or a stored plan's run id (annotations evaluated at
definition, not postponed: each command's help text is a value of the factory that makes it):
`gigawatt finance` (a campus's money over time) and `gigawatt reliability` (will the lights stay on)."""


from typing import Annotated, Any

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


def _command(kind: str, summary: str, file_help: str, label: str, csv_frame: str) -> Any:
    """A command ``gigawatt KIND FILE|RUN_ID`` with the options every job has; ``--csv`` writes ``csv_frame``."""

    def command(
        file: Annotated[str, typer.Argument(help=file_help)],
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
        result = run_on_plan(kind, file, list(overrides or []), store=store, no_store=no_store, fresh=fresh, verbose=verbose, quiet=quiet,
                             outputs={"--plot": plot, "--csv": csv}, label=label)
        write_outputs(result, plot=plot, csv=csv, csv_frame=csv_frame)
        show(result, as_json, quiet)

    command.__doc__ = summary
    command.__name__ = f"{kind}_command"
    return app.command(kind)(command)


finance_command = _command(
    "finance", "A campus's money over time: cash flows by year, debt, tax and credits, and the break-even price per accelerator-hour.",
    "Plan scenario YAML file with a finance: section, or a stored plan's run id (priced as planned)", "planning and pricing", "cash_flows")
reliability_command = _command(
    "reliability", "Will the lights stay on: availability, loss of load (hours and MWh a year) and lost compute with 95% intervals.",
    "Plan scenario YAML file (its reliability: section, or the defaults), or a stored plan's run id (drawn as planned)",
    "planning and drawing", "per_draw")
