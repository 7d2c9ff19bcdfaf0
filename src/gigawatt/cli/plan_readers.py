"""The commands of jobs that read a solved plan, on a scenario file or a stored plan's run id (annotations evaluated at
definition, not postponed: each command's help text is a value of the factory that makes it):
`gigawatt finance` (a campus's money over time) and `gigawatt reliability` (will the lights stay on)."""


import inspect
from typing import Annotated, Any, Optional

import typer

from gigawatt.core.errors import ScenarioError
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
    examples,
    run_on_plan,
    show,
    write_outputs,
)


WorkersOption = Annotated[Optional[int], typer.Option("--workers", metavar="N", show_default="no cluster: in this process", rich_help_panel="Cluster", help="Draw the years on a local Dask cluster of this many process workers (at most 4 a core; the same figures as without)")]
SchedulerOption = Annotated[Optional[str], typer.Option("--scheduler", metavar="ADDRESS", rich_help_panel="Cluster", help="Draw the years on the Dask cluster at this address (e.g. tcp://host:8786) instead; connecting waits at most 10 s")]


def _run(kind: str, file: str, overrides: list[str], workers: int | None, scheduler: str | None, **options: Any) -> Any:
    """The job on ``file``; with ``workers`` or ``scheduler``, its independent pieces run on Dask (a local cluster
    started and closed here, or the cluster at ``scheduler``), as ``gigawatt sweep`` runs its points."""
    if workers is None and scheduler is None:
        return run_on_plan(kind, file, overrides, **options)
    from gigawatt.sweep.runner import check_cluster, dask_map

    check_cluster(workers, scheduler)  # before anything runs, in one line, as gigawatt sweep's
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise ScenarioError("--workers and --scheduler need Dask's distributed scheduler; pip install \"gigawatt[sweep]\"") from None
    with dask_map(workers, scheduler) as mapper:
        return run_on_plan(kind, file, overrides, map=mapper, **options)


def _command(kind: str, summary: str, file_help: str, label: str, csv_frame: str, on_dask: bool = False, epilog: str | None = None) -> Any:
    """A command ``gigawatt KIND FILE|RUN_ID`` with the options every job has; ``--csv`` writes ``csv_frame``;
    ``on_dask``: also ``--workers`` and ``--scheduler`` (where its pieces run)."""

    def command(
        file: Annotated[str, typer.Argument(metavar="FILE.yaml|RUN_ID", show_default=False, help=file_help)],
        overrides: SetOption = None,
        plot: PlotOption = None,
        csv: CsvOption = None,
        as_json: JsonOption = False,
        store: StoreOption = None,
        no_store: NoStoreOption = False,
        fresh: FreshOption = False,
        verbose: VerboseOption = False,
        quiet: QuietOption = False,
        workers: WorkersOption = None,
        scheduler: SchedulerOption = None,
    ) -> None:
        result = _run(kind, file, list(overrides or []), workers, scheduler, store=store, no_store=no_store, fresh=fresh, verbose=verbose,
                      quiet=quiet, outputs={"--plot": plot, "--csv": csv}, label=label)
        write_outputs(result, plot=plot, csv=csv, csv_frame=csv_frame)
        show(result, as_json, quiet)

    if not on_dask:  # the options a job without pieces to spread does not have
        def plain(file, overrides=None, plot=None, csv=None, as_json=False, store=None, no_store=False, fresh=False,  # noqa: ANN001
                  verbose=False, quiet=False) -> None:
            command(file, overrides, plot, csv, as_json, store, no_store, fresh, verbose, quiet, None, None)

        plain.__signature__ = inspect.signature(command).replace(parameters=list(inspect.signature(command).parameters.values())[:-2])
        plain.__annotations__ = {k: v for k, v in command.__annotations__.items() if k not in ("workers", "scheduler")}
        handler = plain
    else:
        handler = command
    handler.__doc__ = summary
    handler.__name__ = f"{kind}_command"
    return app.command(kind, epilog=epilog)(handler)


finance_command = _command(
    "finance", "A campus's money over time: cash flows by year, debt, tax and credits, and the break-even price per accelerator-hour.",
    "Plan scenario YAML file with a finance: section, or a stored plan's run id (priced as planned)", "planning and pricing", "cash_flows",
    epilog=examples("gigawatt finance examples/finance/west-texas-campus.yaml --no-store",
                    "gigawatt finance RUN_ID --csv cash_flows.csv   # a stored plan (gigawatt runs list --kind plan), priced as planned"))
reliability_command = _command(
    "reliability", "Will the lights stay on: availability, loss of load (hours and MWh a year) and lost compute with 95% intervals.",
    "Plan scenario YAML file (its reliability: section, or the defaults), or a stored plan's run id (drawn as planned)",
    "planning and drawing", "per_draw", on_dask=True,
    epilog=examples("gigawatt reliability examples/reliability/west-texas-offgrid.yaml --no-store",
                    "gigawatt reliability RUN_ID --workers 4 --plot reliability.png   # a stored plan, its years drawn on 4 workers"))
