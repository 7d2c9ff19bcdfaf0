"""``gigawatt sweep``: one scenario at many points, on Dask (needs the ``sweep`` extra)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from gigawatt.cli._common import INPUTS, OUTPUTS, FieldChoice, NoStoreOption, QuietOption, SetOption, StoreOption, app, examples
from gigawatt.core.errors import ScenarioError


DESIGN, CLUSTER = "Design", "Cluster"
DESIGNS = ("grid", "oat", "sample", "sobol")  # sweep.design (gigawatt.sweep.design): a test keeps them equal


@app.command(epilog=examples(
    "gigawatt sweep examples/sweep/gas-and-grid.yaml --screening 48 --no-store",
    "gigawatt sweep examples/h100-100k.yaml --vary cluster.count=50000,100000,200000 --csv points.csv",
    "gigawatt sweep examples/west-texas-offgrid.yaml --sample cluster.pue=uniform(1.1,1.4) --draws 16 --screening 48 --plot pue.png",
))
def sweep(
    file: Annotated[Path, typer.Argument(metavar="FILE.yaml", show_default=False, help="The base scenario (any kind), with an optional sweep: section; or a sweep file naming it in sweep.base; or a stored sweep's inputs (gigawatt runs inputs SWEEP), run again")],
    vary: Annotated[Optional[list[str]], typer.Option("--vary", metavar="KEY=VALUES", rich_help_panel=DESIGN, help="KEY=a,b,c or KEY=start:stop:n or KEY=log:start:stop:n or KEY=a:b (every integer from a to b); each key once (repeatable)")] = None,
    sample: Annotated[Optional[list[str]], typer.Option("--sample", metavar="KEY=DIST(...)", rich_help_panel=DESIGN, help="KEY=uniform(a,b) | triangular(low,mode,high) | normal(mean,sd) | lognormal(mean,sd) (repeatable)")] = None,
    draws: Annotated[int, typer.Option("--draws", min=0, metavar="N", rich_help_panel=DESIGN, help="Points drawn by Latin hypercube for --sample (a sweep has at most 100,000 points)")] = 0,
    design: Annotated[Optional[str], typer.Option("--design", **FieldChoice(DESIGNS, "--design (sweep.design)"), show_default="sample with --sample, else grid", rich_help_panel=DESIGN, help="grid (every combination), oat (one at a time around the base), sample (Latin hypercube) or sobol (Saltelli's design, for Sobol' indices; --draws a power of 2)")] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, metavar="N", rich_help_panel=DESIGN, help="Seed of the Latin hypercube")] = 0,
    screening: Annotated[Optional[int], typer.Option("--screening", metavar="SEGMENTS", show_default="every hour", rich_help_panel=INPUTS, help="Plans: solve each point on this many time segments")] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, metavar="N", show_default="the cores", rich_help_panel=CLUSTER, help="Process workers of the local Dask cluster (at most 4 a core)")] = None,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", metavar="ADDRESS", rich_help_panel=CLUSTER, help="Address of an existing Dask scheduler (e.g. tcp://host:8786) instead of a local cluster; connecting waits at most 10 s")] = None,
    memory_limit: Annotated[Optional[str], typer.Option("--memory-limit", metavar="SIZE", show_default="auto", rich_help_panel=CLUSTER, help="Memory per local worker, e.g. 2GB (at least 512 MiB; or auto, a share of the memory such as 0.25, or 0 for no limit)")] = None,
    weather_years: Annotated[Optional[str], typer.Option("--weather-years", metavar="YYYY-YYYY", rich_help_panel=INPUTS, help="Plans: one point per weather year, e.g. 2010-2020, from --era5")] = None,
    era5: Annotated[Optional[Path], typer.Option("--era5", metavar="FILE.csv", rich_help_panel=INPUTS, help="Hourly ERA5 solar and wind capacity factors (columns year, hour_of_year_utc, solar_cf, wind_cf)")] = None,
    figure: Annotated[Optional[str], typer.Option("--figure", metavar="FIGURE", show_default="the kind's first headline figure", rich_help_panel=OUTPUTS, help="The figure a tornado chart swings: one of the kind's figures, as gigawatt runs diff names them, e.g. 'LCOE USD/MWh' (plan), 'facility power MW' (size); a figure the kind has not is refused with the list")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", metavar="FILE.png", rich_help_panel=OUTPUTS, help="Write a PNG: the tornado of --figure (oat: one at a time; grid: main effects), the fan of capacity online (build-outs) or the distribution of --figure (sampled)")] = None,
    csv: Annotated[Optional[Path], typer.Option("--csv", metavar="FILE.csv", rich_help_panel=OUTPUTS, help="Write the sweep table (one row a point) as CSV, or Parquet if it ends in .parquet")] = None,
    as_json: Annotated[bool, typer.Option("--json", rich_help_panel=OUTPUTS, help="Print the sweep (its points, ranking, tornado, Sobol' indices, fan) as JSON")] = False,
    overrides: SetOption = None,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run a scenario at many points (grid, one at a time, sampled, or Saltelli's for Sobol' indices) on Dask;
    the sweep and each point are stored runs."""
    from importlib.util import find_spec

    # whether the extra is installed, found without importing it (about half a second of CPU, which a sweep
    # refused for its options never needs): the points import it when they run
    try:
        missing = find_spec("dask") is None or find_spec("distributed") is None
    except ImportError:
        missing = True
    if missing:
        raise ScenarioError("gigawatt sweep needs Dask's distributed scheduler; pip install \"gigawatt[sweep]\"")
    from gigawatt.sweep import design as sweep_design
    from gigawatt.sweep import runner as sweeps
    from gigawatt.cli._common import counted_progress, show, write_outputs
    from gigawatt.core.files import FIGURE_SUFFIXES, check_output
    from gigawatt.core.inputs import read_yaml
    from gigawatt.store import open_store

    check_output(plot, "--plot", FIGURE_SUFFIXES)
    check_output(csv, "--csv")
    if draws > sweep_design.MAX_POINTS:
        raise ScenarioError(f"--draws {draws:,}: more than a sweep's {sweep_design.MAX_POINTS:,} points; draw fewer")
    sweeps.check_cluster(workers, scheduler, memory_limit)
    data, _ = read_yaml(file)
    progress = None if quiet or as_json else counted_progress("points", sys.stderr)
    if sweeps.is_record(data):  # a stored sweep's inputs (`gigawatt runs inputs SWEEP`): its points again
        fixed = [flag for flag, value in (("--vary", vary), ("--sample", sample), ("--draws", draws), ("--design", design), ("--seed", seed),
                                          ("--weather-years", weather_years), ("--era5", era5)) if value]
        if fixed:
            raise ScenarioError(f"{sweep_design.echo(file, 300)} is a stored sweep's inputs (gigawatt runs inputs), whose points are fixed: "
                                f"drop {', '.join(fixed)}, or sweep its base scenario")
        extra_set = list(overrides or [])
        if screening is not None:
            if data["kind"] != "plan":
                raise ScenarioError("--screening: only plans are solved on time segments")
            extra_set.append(f"site.screening_segments={screening}")
        kept = None if no_store else open_store(store or "default")
        result = sweeps.sweep_again(data, set=extra_set, figure=figure, store=kept, workers=workers, scheduler=scheduler,
                                    memory_limit=memory_limit, progress=progress)
        write_outputs(result, plot=plot, csv=csv, csv_frame="points")
        show(result, as_json, quiet)
        return
    data = data if isinstance(data, dict) else {}
    definition = sweep_design.read_definition(data, str(file)) or sweep_design.SweepDefinition()
    base: Path | dict = data  # the scenario, the sweep section taken out
    if definition.base:  # a sweep file of its own, naming its scenario
        try:
            base = (file.parent / definition.base).resolve()
        except (OSError, ValueError, RuntimeError):  # a null byte, a loop of links
            raise ScenarioError(f"{sweep_design.echo(file, 300)}: sweep.base {sweep_design.shorten_quoted(definition.base)} is not a path to a "
                                "scenario file; give it relative to this file") from None
    # the command line adds to the file's definition (a --vary or --sample of a key the file varies or samples replaces it)
    varied, drawn = _options(vary, "--vary"), _options(sample, "--sample")
    both = sorted(varied.keys() & drawn.keys())
    if both:
        raise ScenarioError(f"{sweep_design.echo(both[0])} is given to both --vary and --sample; vary it or sample it")
    given = varied.keys() | drawn.keys()
    extra: dict = {"vary": {**{k: v for k, v in definition.vary.items() if k not in given}, **varied},
                   "sample": {**{k: v for k, v in definition.sample.items() if k not in given}, **drawn}}
    for name, value in (("draws", draws), ("seed", seed), ("figure", figure), ("design", design), ("weather_years", weather_years)):
        if value:
            extra[name] = value
    if era5 is not None:
        extra["era5"] = str(era5.resolve())
    if screening is not None:
        kind = sweeps.job_kind(base)
        if kind != "plan":
            raise ScenarioError("--screening: only plans are solved on time segments")
        extra["set"] = [*definition.set, f"site.screening_segments={screening}"]
    definition = _merged(definition, extra)
    kept = None if no_store else open_store(store or "default")
    result = sweeps.sweep(base, definition, set=list(overrides or []), origin=file.parent, store=kept, workers=workers,
                          scheduler=scheduler, memory_limit=memory_limit, progress=progress)
    write_outputs(result, plot=plot, csv=csv, csv_frame="points")
    show(result, as_json, quiet)


FLAGS = {"vary": "--vary", "sample": "--sample", "draws": "--draws", "seed": "--seed", "figure": "--figure", "design": "--design",
         "weather_years": "--weather-years", "era5": "--era5"}


def _options(given: list[str] | None, flag: str) -> dict[str, str]:
    """Repeated ``KEY=SPEC`` options by key; a key given twice is refused (the second would silently win)."""
    from gigawatt.sweep.design import echo

    out: dict[str, str] = {}
    for text in given or []:
        key, spec = _split(text, flag)
        if key in out:
            fix = f"give all its values once, e.g. {flag} {echo(f'{key}={out[key]},{spec}')}" if flag == "--vary" else "give it once"
            raise ScenarioError(f"{flag} {echo(key)} is given twice ({echo(f'{key}={out[key]}')} and {echo(f'{key}={spec}')}); {fix}")
        out[key] = spec
    return out


def _merged(definition, extra: dict):
    """The file's sweep definition with the command line's additions, validated as the file's is; an error
    names the option."""
    from pydantic import ValidationError

    from gigawatt.sweep.design import SweepDefinition

    try:
        return SweepDefinition.model_validate({**definition.model_dump(), **extra})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        where = f"{FLAGS[field]} (sweep.{field})" if field in FLAGS and field in extra else f"sweep.{field}" if field else "sweep"
        message = " ".join(first["msg"].removeprefix("Value error, ").split())
        raise ScenarioError(f"{where}: {message}") from None


def _split(text: str, flag: str) -> tuple[str, str]:
    """``KEY=SPEC`` as (key, spec); the spec is checked where the definition is read."""
    key, sep, spec = text.partition("=")
    if not sep or not key.strip() or not spec.strip():
        example = "grid.import_mw=500,800" if flag == "--vary" else "costs.gas=uniform(2,8)"
        from gigawatt.sweep.design import shorten_quoted

        raise ScenarioError(f"{flag} {shorten_quoted(text)}: write it as KEY={'VALUES' if flag == '--vary' else 'DIST(params)'}, e.g. {example}")
    return key.strip(), spec.strip()
