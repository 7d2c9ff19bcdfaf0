"""The workbench's run list and its sweeps (issue 29): the home page's list of runs (search by name, filter by
kind and creation date, pages of :data:`PAGE_SIZE`, rename, notes, delete, a sweep's points under their sweep)
and sweeps started from the page, run as jobs of the server's queue with their chart filling in as points finish.

A rename is a display name kept beside the run (``Store.label``): the run's id, content-addressed, never
changes. Headline figures are printed by :func:`gigawatt.report.tables.headline_text`, as ``gigawatt runs
list`` prints them. A sweep from the page is checked as ``gigawatt sweep`` checks it (its definition, figure
and every point) before it is queued, and run, by :mod:`gigawatt.sweep.served`, which ``gigawatt serve`` hands
to the application (the web layer does not import the sweep package beside it): on a local Dask cluster of
``--jobs`` workers the server starts at its first sweep (or ``gigawatt serve --scheduler``'s), reporting at each
of the runner's progress calls the points finished so far with their figures; the stored sweep run is the
job's result.
"""

from __future__ import annotations

import atexit
import re
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from gigawatt.core.errors import GigawattError, ScenarioError
from gigawatt.report.tables import headline_text
from gigawatt.store import Store
from gigawatt.web.jobs import Jobs, QueueFull

PAGE_SIZE = 25  # runs a page of the list: a screen or two at 1280 px, quick to render
MAX_PAGE_SIZE = 200  # the most an API caller may ask in one page
NO_SWEEPS = "sweeps from the page need the server started by gigawatt serve with Dask installed; pip install \"gigawatt[sweep]\""
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


def register(app: FastAPI, kept: Store, jobs: Jobs, page: Callable[..., Any], examples: Path, scheduler: str | None = None,
             sweeps: Any = None) -> None:
    """The run list's API and the sweep pages and API, on ``app``. ``sweeps``: what runs a sweep (the module
    :mod:`gigawatt.sweep.served`, handed down by ``gigawatt serve``: the web layer does not import the sweep package
    beside it); None: the sweep pages say how to get them. Sweeps run on the Dask cluster at ``scheduler``
    (``gigawatt serve --scheduler``), else on a LocalCluster the server starts at the first sweep."""
    sweep_examples = {p.stem: p.read_text() for p in sorted((examples / "sweep").glob("*.yaml"))}
    cluster: list[Any] = []  # the server's Dask cluster, started at the first sweep
    starting = threading.Lock()

    def scheduler_address() -> str:
        """The server's LocalCluster (``--jobs`` single-threaded process workers), started on first use and closed
        when the server exits; sweep jobs connect to it (a job's worker process, a daemon, cannot start one)."""
        if scheduler:
            return scheduler
        with starting:
            if not cluster:
                cluster.append(sweeps.local_cluster(jobs.concurrency))
                atexit.register(close_cluster)  # a server stopped without its shutdown (the app's lifespan) running
            return cluster[0].scheduler_address

    def close_cluster() -> None:
        """Close the server's LocalCluster, if one was started (its scheduler and worker processes); again: nothing."""
        with starting:
            while cluster:
                cluster.pop().close()

    app.state.shutdown = [*getattr(app.state, "shutdown", []), close_cluster]  # run by the app's lifespan as the server stops

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
        if sweeps is None:
            raise ScenarioError(NO_SWEEPS)
        spec = checked(lambda: sweeps.prepare(request.yaml, examples))
        spec["scheduler"] = checked(scheduler_address)
        job = checked(lambda: jobs.start("sweep", spec["name"], spec, target=sweeps.work, figure=spec["figure"]))
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
