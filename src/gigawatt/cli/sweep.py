"""``gigawatt sweep``: one scenario at many points, on Dask (needs the ``sweep`` extra)."""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

from gigawatt.cli._common import NoStoreOption, QuietOption, SetOption, StoreOption, app, out_console
from gigawatt.errors import ScenarioError


@app.command()
def sweep(
    file: Annotated[Path, typer.Argument(help="The base scenario (any kind), with an optional sweep: section; or a sweep file naming it in sweep.base")],
    vary: Annotated[Optional[list[str]], typer.Option("--vary", help="KEY=a,b,c or KEY=start:stop:n or KEY=log:start:stop:n (repeatable)")] = None,
    sample: Annotated[Optional[list[str]], typer.Option("--sample", help="KEY=uniform(a,b) | triangular(low,mode,high) | normal(mean,sd) | lognormal(mean,sd) (repeatable)")] = None,
    draws: Annotated[int, typer.Option("--draws", min=0, help="Points drawn by Latin hypercube for --sample")] = 0,
    design: Annotated[Optional[str], typer.Option("--design", help="grid (every combination), oat (one at a time around the base) or sample; default: sample with --sample, else grid")] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the Latin hypercube")] = 0,
    screening: Annotated[Optional[int], typer.Option("--screening", metavar="SEGMENTS", help="Plans: solve each point on this many time segments")] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Process workers of the local Dask cluster (default: the cores)")] = None,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Address of an existing Dask scheduler (e.g. tcp://host:8786) instead of a local cluster")] = None,
    memory_limit: Annotated[Optional[str], typer.Option("--memory-limit", help="Memory per local worker, e.g. 2GB")] = None,
    weather_years: Annotated[Optional[str], typer.Option("--weather-years", help="Plans: one point per weather year, e.g. 2010-2020, from --era5")] = None,
    era5: Annotated[Optional[Path], typer.Option("--era5", help="Hourly ERA5 solar and wind capacity factors (columns year, hour_of_year_utc, solar_cf, wind_cf)")] = None,
    figure: Annotated[Optional[str], typer.Option("--figure", help="The figure a tornado chart swings (default: the kind's first headline figure)")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Write a PNG: the tornado chart of a one-at-a-time sweep, or the distribution of --figure over a sampled one")] = None,
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Write the sweep table (one row a point) as CSV, or Parquet if it ends in .parquet")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sweep table as JSON")] = False,
    overrides: SetOption = None,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run a scenario at many points (grid, one at a time, or sampled) on Dask; each point is a stored run."""
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise ScenarioError("gigawatt sweep needs Dask's distributed scheduler; pip install \"gigawatt[sweep]\"") from None
    from gigawatt import api
    from gigawatt import sweep as sweeps
    from gigawatt.report.export import check_output, write_table
    from gigawatt.results import HEADLINE
    from gigawatt.scenario import read_yaml

    for path in (plot, csv):
        check_output(path, "output")
    data, _ = read_yaml(file)
    data = data if isinstance(data, dict) else {}
    definition = sweeps.read_definition(data, str(file)) or sweeps.SweepDefinition()
    base: Path | dict = data  # the scenario, the sweep section taken out
    if definition.base:  # a sweep file of its own, naming its scenario
        base = (file.parent / definition.base).resolve()
        data, _ = read_yaml(base)
    kind = api.looks_like(data) or "plan"
    axes = [*definition.axes(), *(sweeps.parse_vary(v) for v in vary or [])]
    sampled = [*definition.sampled(), *(sweeps.parse_sample(s) for s in sample or [])]
    draws = draws or definition.draws
    seed = seed or definition.seed
    figure = figure or definition.figure
    chosen_design = design or definition.design or ("sample" if sampled else "grid")
    base_overrides = [*definition.set, *(overrides or [])]
    if screening is not None:
        if kind != "plan":
            raise ScenarioError("--screening: only plans are solved on time segments")
        base_overrides.append(f"site.screening_segments={screening}")
    from gigawatt.store import open_store

    store_url = None if no_store else open_store(store or "default").url
    weather = None
    if weather_years:
        if era5 is None:
            raise ScenarioError("--weather-years: name the ERA5 capacity-factor file with --era5")
        years = sweeps.parse_years(weather_years)
        axes.append(sweeps.Axis(sweeps.WEATHER_YEAR, years))
        # in a folder named by what the series depend on, so that a rerun names the same files and resumes
        site = data.get("site") or {}
        key = hashlib.sha256(era5.read_bytes() + json.dumps([site.get("year"), site.get("longitude")]).encode()).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / "gigawatt-weather" / key
        folder.mkdir(parents=True, exist_ok=True)
        weather = sweeps.weather_series(era5, years, data, folder)
    if plot and chosen_design not in ("oat", "sample"):
        raise ScenarioError("--plot: draws a tornado chart (--design oat) or a distribution (--design sample); a grid has neither")
    chosen = sweeps.points(chosen_design, axes, sampled, draws, seed)
    inputs = sweeps.validate(kind, base, chosen, base_overrides, weather)
    progress = None
    if not quiet and not as_json:
        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\r{done}/{total} points")
            if done == total:
                sys.stderr.write("\n")
    result = sweeps.run_sweep(kind, chosen, inputs, store=store_url, workers=workers, scheduler=scheduler,
                              memory_limit=memory_limit, progress=progress)
    table = result.table()
    if csv:
        write_table(table, csv)
    name = figure or HEADLINE[kind][0]
    ranked = sweeps.ranking(result, name) if chosen_design != "oat" else []
    if plot:
        from gigawatt.report.figures import plot_distribution, plot_tornado

        if chosen_design == "oat":
            plot_tornado(sweeps.tornado(result, name), name, plot, title=f"{file.stem}: what moves {name}")
        else:
            values = [r[name] for r in result.rows if r.get("status") == "done" and isinstance(r.get(name), int | float)]
            plot_distribution(values, name, plot, title=f"{file.stem}: {name} over {len(values)} points")
    if as_json:
        sys.stdout.write(json.dumps({"kind": kind, "design": chosen_design, "varied": result.varied, "figure": name,
                                     "ranking": ranked, "points": result.rows}, default=str) + "\n")
        return
    failed = [r for r in result.rows if r["status"] != "done"]
    shown = table[[c for c in ["point", *result.varied, "status", *(figure and [figure] or HEADLINE.get(kind, ())), "error"] if c in table]]
    out_console().print(shown.to_string(index=False))
    for row in ranked:
        out_console().print(f"{row['input']}: Spearman rank correlation with {name} {row['spearman']:+.2f} over {row['points']} points")
    if failed and not quiet:
        sys.stderr.write(f"note: {len(failed)} of {len(result.rows)} points failed; their reasons are in the table\n")
