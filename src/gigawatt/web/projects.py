"""The workbench's run list and its sweeps (issue 29): the home page's list of runs (search by name, filter by
kind and creation date, pages of :data:`PAGE_SIZE`, rename, notes, delete, a sweep's points under their sweep)
and sweeps started from the page, run as jobs of the server's queue with their chart filling in as points finish.

A rename is a display name kept beside the run (``Store.label``): the run's id, content-addressed, never
changes. Headline figures are printed by :func:`gigawatt.report.tables.headline_text`, as ``gigawatt runs
list`` prints them. A sweep from the page is checked as ``gigawatt sweep`` checks it (its definition, figure
and every point) before it is queued; its job runs :func:`gigawatt.sweep.runner.sweep` on a local Dask
cluster of ``--jobs`` workers (at most one a point) and reports, at each of the runner's progress calls, the
points finished so far with their figures; the stored sweep run is the job's result.
"""

from __future__ import annotations

import atexit
import json
import re
import threading
from datetime import date
from pathlib import Path
from typing import Any, Callable

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from gigawatt.core.errors import GigawattError, ScenarioError
from gigawatt.report.tables import headline_text
from gigawatt.store import Store
from gigawatt.web.jobs import Jobs, QueueFull

PAGE_SIZE = 25  # runs a page of the list: a screen or two at 1280 px, quick to render
MAX_PAGE_SIZE = 200  # the most an API caller may ask in one page
MAX_WEB_POINTS = 200  # points of a sweep started from the page: more belong on the CLI (or a --scheduler cluster)
MAX_NAME_CHARS = 200  # a display name, characters
MAX_NOTE_CHARS = 5000  # a note, characters: a paragraph or two
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class LabelRequest(BaseModel):
    """A run's new display name and/or note (left out: unchanged; empty: cleared)."""

    display_name: str | None = Field(default=None, description=f"The name shown for the run (at most {MAX_NAME_CHARS} characters)")
    note: str | None = Field(default=None, description=f"A free-text note (at most {MAX_NOTE_CHARS} characters)")


class SweepRequest(BaseModel):
    """A sweep to start: a scenario with a ``sweep:`` section, or a sweep file naming a shipped example in
    ``sweep.base`` (relative to the examples' ``sweep`` folder), as YAML text."""

    yaml: str = Field(description="The sweep, as a YAML document (as `gigawatt sweep FILE` reads it)")


def _day(value: str | None, field: str) -> str | None:
    if not value:
        return None
    if not DATE.match(value):
        raise ScenarioError(f"{field}: '{value[:20]}' is not a date; write it as YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ScenarioError(f"{field}: '{value[:20]}' is not a calendar date; write it as YYYY-MM-DD") from None
    return value


def listing(kept: Store, q: str | None, kind: str | None, since: str | None, until: str | None, offset: int, limit: int) -> dict[str, Any]:
    """A page of the run list as the page and the API show it: runs, each with ``headline_text``, and the paging."""
    offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE_SIZE))
    rows, total = kept.projects(search=(q or "").strip() or None, kind=kind or None, since=_day(since, "since"), until=_day(until, "until"),
                                offset=offset, limit=limit)
    for row in [*rows, *(p for r in rows for p in r.get("points", []))]:
        row["created"] = str(row["created"])
        row["headline_text"] = headline_text(row["headline"])
    return {"runs": rows, "total": total, "offset": offset, "limit": limit,
            "previous": max(0, offset - limit) if offset > 0 else None, "next": offset + limit if offset + limit < total else None}


def prepare_sweep(text: str, examples: Path) -> dict[str, Any]:
    """A sweep's YAML checked as ``gigawatt sweep`` checks it, every point validated; returns what its job needs.
    ``sweep.base`` may name only a shipped example (relative to ``examples/sweep``), never another server path;
    a scenario may name no file (no CSV series); weather-year sweeps read an ERA5 file and stay on the CLI."""
    from gigawatt.core.inputs import read_yaml, read_yaml_text
    from gigawatt.store import referenced_files
    from gigawatt.sweep import design as sweep_design
    from gigawatt.sweep import runner

    data, _ = read_yaml_text(text, "sweep")
    if not isinstance(data, dict):
        raise ScenarioError("sweep: the YAML is not a mapping; paste a scenario with a sweep: section, or pick an example")
    definition = sweep_design.read_definition(data, "sweep")
    if definition is None:
        raise ScenarioError("sweep: no sweep: section; add one with sweep.vary or sweep.sample (see the examples)")
    if definition.weather_years or definition.era5:
        raise ScenarioError("sweep.weather_years: a weather-year sweep reads an ERA5 file on the server; run it with gigawatt sweep --weather-years")
    base: dict[str, Any] = data
    if definition.base:
        folder = (examples / "sweep").resolve()
        path = (folder / definition.base).resolve()
        if not path.is_relative_to(examples.resolve()) or path.suffix != ".yaml" or not path.is_file():
            raise ScenarioError(f"sweep.base: '{definition.base[:80]}' is not a shipped example; name one relative to the sweep "
                                "examples (e.g. ../west-texas-grid-gas.yaml), or paste the scenario with its sweep: section")
        base = read_yaml(path)[0]
    if any(True for _ in referenced_files(base)):
        raise ScenarioError("sweep: the scenario names a file (a CSV series), which a sweep from the page cannot read; run it with gigawatt sweep")
    kind = runner.job_kind(base)
    runner.check_figure(kind, definition.figure)
    sampled = definition.sampled()
    design = definition.design or ("sample" if sampled else "grid")
    axes = definition.axes()
    count = sweep_design.count_points(design, axes, sampled, definition.draws) if design in sweep_design.DESIGNS else 0
    if count > MAX_WEB_POINTS:
        raise ScenarioError(f"sweep: {count:,} points is more than a sweep from the page runs ({MAX_WEB_POINTS}); "
                            "vary fewer values, or run it with gigawatt sweep")
    chosen = sweep_design.points(design, axes, sampled, definition.draws, definition.seed)
    inputs = runner.validate(kind, base, chosen, list(definition.set))
    name = str(base.get("name") or kind)
    return {"kind": kind, "name": name, "base": base, "definition": definition.model_dump(mode="json"), "chosen": chosen,
            "inputs": inputs, "figure": definition.figure}


def sweep_work(_: str, spec: dict[str, Any], store_url: str | None, events: Any) -> None:
    """In the job's worker process: run the sweep of :func:`prepare_sweep`, sending ("progress", done, total)
    and ("points", rows of the points finished so far, each with its figures) at each progress call of the
    runner, then ("done", the sweep's run id) or ("failed", reason)."""
    try:
        from gigawatt.store import open_store
        from gigawatt.sweep import runner

        kind, kept = spec["kind"], open_store(store_url)

        def progress(done: int, total: int) -> None:
            found = runner.stored_rows(kind, spec["inputs"], kept)  # the points kept so far (the driver saves each as it ends)
            events.put(("points", [{"point": n + 1, "label": runner.describe(spec["chosen"][n]), **_plain(row)} for n, row in sorted(found.items())]))
            events.put(("progress", done, total))

        events.put(("progress", 0, len(spec["chosen"])))
        result = runner.sweep(spec["base"], spec["definition"], kind=kind, store=store_url, scheduler=spec["scheduler"], progress=progress)
        events.put(("done", result.run.id))
    except GigawattError as exc:
        events.put(("failed", str(exc).splitlines()[0]))
    except Exception as exc:  # noqa: BLE001 - a crash is reported in one line, never as a traceback
        events.put(("failed", f"the sweep failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")))


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A point's row with only numbers and text (what travels to the page)."""
    return {k: v for k, v in row.items() if isinstance(v, str | int | float | bool) or v is None}


def short_label(label: str) -> str:
    """A point's overrides for a chart axis: each key by its last part (``fuel_price_usd_per_mmbtu=8``), so a
    phone's narrow chart keeps room for its bars; the whole label is in the bar's hover text."""
    return ", ".join(part.split("=", 1)[0].rsplit(".", 1)[-1] + ("=" + part.split("=", 1)[1] if "=" in part else "")
                     for part in label.split(", "))


def sweep_chart(points: list[dict[str, Any]], figure: str | None, total: int) -> dict[str, Any] | None:
    """A Plotly horizontal bar chart of ``figure`` (default: the first numeric figure) at each finished point,
    sorted by value, titled with how many of ``total`` are done; None before a point has finished."""
    done = [p for p in points if p.get("status") == "done"]
    if not done:
        return None
    numeric = [k for k, v in done[0].items() if isinstance(v, int | float) and not isinstance(v, bool) and k not in ("point", "seconds")]
    figure = figure if figure in done[0] else (numeric[0] if numeric else None)
    if figure is None:
        return None
    shown = sorted((p for p in done if isinstance(p.get(figure), int | float)), key=lambda p: p[figure])
    return {"data": [{"type": "bar", "orientation": "h", "x": [p[figure] for p in shown], "y": [f"{p['point']}: {short_label(p['label'])}" for p in shown],
                      "customdata": [p["label"] for p in shown], "marker": {"color": "#0072B2"},
                      "hovertemplate": "%{customdata}<br>%{x:,.4g}<extra></extra>"}],
            "layout": {"title": {"text": f"{figure}: {len(done)} of {total} points done"}, "xaxis": {"title": {"text": figure}},
                       "yaxis": {"automargin": True}, "margin": {"l": 10, "r": 10, "t": 40, "b": 40}, "height": 120 + 28 * len(shown)}}


def home_page(page: Callable[..., Any], kept: Store, examples: dict[str, str], q: str | None, kind: str | None, since: str | None,
              until: str | None, offset: int) -> Any:
    """The home page: the examples and a page of the run list, filtered by the query's ``q``, ``kind``, ``since``, ``until``."""
    from gigawatt.registry import KINDS

    error = None
    try:
        found = listing(kept, q, kind, since, until, offset, PAGE_SIZE)
    except GigawattError as exc:
        error, found = str(exc).splitlines()[0], listing(kept, None, None, None, None, 0, PAGE_SIZE)
    query = {"q": q or "", "kind": kind or "", "since": since or "", "until": until or ""}
    return page("home.html", runs=found["runs"], listing=found, query=query, kinds=[*KINDS, "sweep"], error=error,
                examples=examples, filtered=any(query.values()))


def register(app: FastAPI, kept: Store, jobs: Jobs, page: Callable[..., Any], examples: Path) -> None:
    """The run list's API and the sweep pages and API, on ``app``."""
    sweep_examples = {p.stem: p.read_text() for p in sorted((examples / "sweep").glob("*.yaml"))}
    cluster: list[Any] = []  # the server's Dask cluster, started at the first sweep
    starting = threading.Lock()

    def scheduler_address() -> str:
        """The server's LocalCluster (``--jobs`` single-threaded process workers), started on first use and closed
        when the server exits; sweep jobs connect to it (a job's worker process, a daemon, cannot start one)."""
        from gigawatt.sweep import runner

        with starting:
            if not cluster:
                try:
                    cluster.append(runner.local_cluster(jobs.concurrency))
                except ImportError:
                    raise ScenarioError("sweeps need Dask's distributed scheduler; pip install \"gigawatt[sweep]\"") from None
                atexit.register(cluster[0].close)
            return cluster[0].scheduler_address

    def checked(call: Callable[[], Any]) -> Any:
        try:
            return call()
        except QueueFull as exc:
            raise HTTPException(503, str(exc)) from None  # as a run's start says it; any other GigawattError: the app's one-line 422

    @app.get("/api/v1/projects", tags=["runs"])
    def projects(q: str | None = None, kind: str | None = None, since: str | None = None, until: str | None = None,
                 offset: int = 0, limit: int = PAGE_SIZE) -> dict[str, Any]:
        """A page of the run list: runs newest first, a sweep's points under it (``points``), each with its display
        name, note and headline as the CLI prints it; ``q`` searches names, ``since``/``until`` are YYYY-MM-DD (UTC)."""
        return checked(lambda: listing(kept, q, kind, since, until, offset, limit))

    @app.patch("/api/v1/runs/{run_id}/label", tags=["runs"])
    def label(run_id: str, request: LabelRequest) -> dict[str, Any]:
        """Rename a run (its display name; its id does not change) and/or set its note."""
        if request.display_name is not None and len(request.display_name) > MAX_NAME_CHARS:
            raise ScenarioError(f"display_name: longer than {MAX_NAME_CHARS} characters; shorten it")
        if request.note is not None and len(request.note) > MAX_NOTE_CHARS:
            raise ScenarioError(f"note: longer than {MAX_NOTE_CHARS} characters; shorten it")
        try:
            ident = kept.resolve(run_id)
        except GigawattError as exc:
            raise HTTPException(404, str(exc).splitlines()[0]) from None
        return {"id": ident, **checked(lambda: kept.label(ident, request.display_name, request.note))}

    @app.get("/sweeps/new", include_in_schema=False)
    def new_sweep(example: str | None = None):
        chosen = example if example in sweep_examples else next(iter(sweep_examples), None)
        return page("sweep_new.html", examples=list(sweep_examples), chosen=chosen, text=sweep_examples.get(chosen, ""),
                    sources=sweep_examples)

    @app.post("/api/v1/sweeps", tags=["sweeps"], status_code=202)
    def start_sweep(request: SweepRequest) -> dict[str, Any]:
        """Check a sweep as ``gigawatt sweep`` does and queue it; follow it at /api/v1/sweeps/JOB (or /sweeps/JOB)."""
        spec = checked(lambda: prepare_sweep(request.yaml, examples))
        spec["scheduler"] = checked(scheduler_address)
        job = checked(lambda: jobs.start("sweep", spec["name"], spec, target=sweep_work, figure=spec["figure"]))
        return job.public()

    @app.get("/api/v1/sweeps/{job_id}", tags=["sweeps"])
    def sweep_state(job_id: str) -> dict[str, Any]:
        """A sweep job's state, its points finished so far and the bar chart of its figure at those points."""
        job = jobs.get(job_id)
        if job is None or job.kind != "sweep":
            raise HTTPException(404, "no such sweep job")
        state = job.public()
        return {**state, "chart": sweep_chart(state.get("points") or [], job.figure, state["total"])}

    @app.get("/sweeps/{job_id}", include_in_schema=False)
    def sweep_page(job_id: str):
        job = jobs.get(job_id)
        if job is None or job.kind != "sweep":
            raise HTTPException(404, "no such sweep job")
        return page("sweep_job.html", job=job.public())
