"""`gigawatt headroom`: how much flexible load a grid can take, on hourly demand files or a study YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

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
from gigawatt.core.errors import ScenarioError

FLAGS = {
    "systems": "--systems/--duke22/--all", "limits_pct": "--limits", "years": "--years", "threshold_mw": "--threshold",
    "threshold_csv": "--threshold", "campus.mw": "--campus-mw", "campus.limit_pct": "--limit",
    "campus.availability_year": "--availability-year",
}


def _numbers(text: str | None, option: str, example: str, cast: Any = float) -> list[Any] | None:
    if text is None:
        return None
    try:
        return [cast(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ScenarioError(f"{option} '{text[:60]}': give numbers separated by commas, e.g. {example}") from None


MAX_YEARS = 200  # a span longer than any hourly record: a typo, refused before a huge list is built


def _years(text: str | None) -> list[int] | None:
    if not text:
        return None
    years: list[int] = []
    try:
        for part in text.split(","):
            first, _, last = part.strip().partition("-")
            span = range(int(first), int(last or first) + 1)
            if len(span) > MAX_YEARS:
                raise ValueError
            years.extend(span)
    except ValueError:
        raise ScenarioError(f"--years '{text[:60]}': give a span or a list, e.g. 2016-2024 or 2018,2020") from None
    if not years:
        raise ScenarioError(f"--years '{text[:60]}': the span is empty; give e.g. 2016-2024")
    return years


@app.command("headroom", epilog=examples(
    "gigawatt headroom EIA930_BALANCE_2023_*.csv --duke22 --years 2016-2024 --plot headroom.png   # EIA-930 balance files you downloaded",
    "gigawatt headroom demand.csv --systems ERCO --campus-mw 1000 --limit 0.5 --schedule campus.csv",
))
def headroom_command(
    files: Annotated[list[Path], typer.Argument(metavar="FILES...", show_default=False, help="Hourly demand CSV files (EIA-930 or timestamp + MW columns), or one study YAML")],
    systems: Annotated[Optional[str], typer.Option("--systems", metavar="A,B,...", rich_help_panel=INPUTS, help="Systems to study, comma-separated (a column, or the prefix of sub-zone columns: PJM sums PJM-*)")] = None,
    duke22: Annotated[bool, typer.Option("--duke22", rich_help_panel=INPUTS, help="The 22 balancing authorities of the Duke study")] = False,
    all_systems: Annotated[bool, typer.Option("--all", rich_help_panel=INPUTS, help="Every system in the files")] = False,
    limits: Annotated[Optional[str], typer.Option("--limits", metavar="PCT,PCT,...", show_default="0.25,0.5,1,5", rich_help_panel=INPUTS, help="Curtailment limits, % of the new load's energy, comma-separated")] = None,
    years: Annotated[Optional[str], typer.Option("--years", metavar="YYYY-YYYY|YYYY,YYYY", show_default="every whole year in the files", rich_help_panel=INPUTS, help="Years to use, e.g. 2016-2024 or 2018,2020")] = None,
    threshold: Annotated[Optional[str], typer.Option("--threshold", metavar="seasonal|MW|FILE.csv", show_default="seasonal", rich_help_panel=INPUTS, help="The load above which the new load is curtailed: seasonal (Duke), a flat MW figure, or a CSV of MW by hour")] = None,
    plot: PlotOption = None,
    csv: CsvOption = None,
    campus_mw: Annotated[Optional[float], typer.Option("--campus-mw", metavar="MW", rich_help_panel="Campus", help="With one system: a campus of this size, MW, for --schedule")] = None,
    limit: Annotated[Optional[float], typer.Option("--limit", metavar="PCT", show_default="1", rich_help_panel="Campus", help="With --campus-mw: the system's curtailment limit, %")] = None,
    schedule: Annotated[Optional[Path], typer.Option("--schedule", metavar="FILE.csv", rich_help_panel="Campus", help="With --campus-mw: write the campus's hourly curtailment and grid availability (CSV)")] = None,
    heatmap: Annotated[Optional[Path], typer.Option("--heatmap", metavar="FILE.png", rich_help_panel="Campus", help="With --campus-mw: write a month x hour heat map of the campus's curtailment (PNG)")] = None,
    availability: Annotated[Optional[Path], typer.Option("--availability", metavar="FILE.csv", rich_help_panel="Campus", help="With --campus-mw: write one year's grid availability share for gigawatt plan's grid.availability_csv")] = None,
    availability_year: Annotated[Optional[int], typer.Option("--availability-year", metavar="YYYY", show_default="the last whole year", rich_help_panel="Campus", help="The year --availability writes")] = None,
    overrides: SetOption = None,
    as_json: JsonOption = False,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
    fresh: FreshOption = False,
    quiet: QuietOption = False,
) -> None:
    """How much flexible load a grid can take: headroom by curtailment limit, on hourly demand."""
    study_file = len(files) == 1 and files[0].suffix.lower() in (".yaml", ".yml")
    if sum([systems is not None, duke22, all_systems]) > 1 or (not study_file and sum([systems is not None, duke22, all_systems]) != 1):
        raise ScenarioError("headroom: choose the systems with one of --systems A,B,..., --duke22 or --all")
    if not study_file and campus_mw is None and (schedule or heatmap or availability or limit is not None or availability_year is not None):
        raise ScenarioError("--limit, --schedule, --heatmap and --availability describe a campus: add --campus-mw MW")
    chosen = "duke22" if duke22 else "all" if all_systems else [x.strip() for x in systems.split(",") if x.strip()] if systems is not None else None
    threshold_mw = threshold_csv = None
    if threshold is not None and threshold != "seasonal":
        try:
            threshold_mw = float(threshold)
        except ValueError:
            threshold_csv = threshold
    campus = {"mw": campus_mw, "limit_pct": limit, "availability_year": availability_year} if campus_mw is not None else None
    values = {"systems": chosen, "limits_pct": _numbers(limits, "--limits", "0.25,0.5,1,5"), "years": _years(years),
              "threshold_mw": threshold_mw, "threshold_csv": threshold_csv}
    if study_file:
        inputs: Any = files[0]
        flags = fields(FLAGS, values | {"campus.mw": campus_mw, "campus.limit_pct": limit, "campus.availability_year": availability_year})
    else:
        label = chosen if isinstance(chosen, str) else ", ".join(chosen or [])
        inputs = {"name": f"headroom: {label}", "files": [str(f) for f in files],
                  **{k: v for k, v in values.items() if v is not None},
                  **({"campus": {k: v for k, v in campus.items() if v is not None}} if campus else {})}
        flags = fields(FLAGS, {})
    result = run_command("headroom", inputs, [*flags, *(overrides or [])], store=store, no_store=no_store, fresh=fresh, quiet=quiet,
                         outputs={"--plot": plot, "--csv": csv, "--schedule": schedule, "--heatmap": heatmap, "--availability": availability},
                         label="reading demand and solving headroom")
    frames = result.to_frames()
    from gigawatt.core.files import write_atomically
    from gigawatt.report.export import write_table

    if (schedule or heatmap or availability) and "campus" not in frames:
        raise ScenarioError("--schedule, --heatmap and --availability describe a campus: the study has none; add campus: {mw: ...} or --campus-mw")

    if schedule:
        write_table(frames["campus"].drop(columns=["month", "hour"]), schedule)
    if availability:
        if "availability" not in frames:
            raise ScenarioError("--availability: no local year of the files has all its hours; give files with a whole local year")
        write_table(frames["availability"], availability)
    if heatmap:
        from gigawatt.grid.job import plot_curtailment_heatmap

        write_atomically(heatmap, lambda tmp: plot_curtailment_heatmap(result, tmp))
    write_outputs(result, plot=plot, csv=csv, csv_frame="headroom")
    show(result, as_json, quiet)
