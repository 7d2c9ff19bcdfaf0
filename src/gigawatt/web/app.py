"""The workbench server: pages and the REST API (``/api/v1``, OpenAPI at ``/docs``) over one run store.

Every page and API call goes through the same API (:func:`gigawatt.api.run`, :func:`gigawatt.api.load_inputs`)
and renders the same :class:`~gigawatt.core.results.Result`: the numbers on a page are the CLI's.

Security: the server binds to loopback unless told otherwise; on any other address a token is required
(``--token``, ``GIGAWATT_TOKEN`` or generated and printed once). With a token, the API and every page need
it (an ``Authorization: Bearer`` header, or the cookie set by opening ``/?token=...``), except read-only
share links, which are signed, and every response that needs it carries ``Cache-Control: no-store``. A
server bound to loopback answers only requests addressed to a loopback name (the ``Host`` header), so a web
page cannot reach it through a DNS name rebound to 127.0.0.1. Scenarios are validated on the server; a
scenario sent from the browser cannot name a server path (its CSV series are uploads, stored by content hash
and size-limited: a request body over the limit is refused before it is read whole) nor ask for more solver
threads than the server has cores or a longer solver time limit than the server allows; every response
carries a content security policy without inline script.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import hmac
import io
import json
import os
import re
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from fastapi.staticfiles import StaticFiles

from gigawatt import api
from gigawatt.core import __version__
from gigawatt.core.errors import GigawattError, ScenarioError
from gigawatt.core.results import Result
from gigawatt.registry import KINDS, spec
from gigawatt.registry import figures as result_figures
from gigawatt.report import page as report_page
from gigawatt.report.tables import blocks, flatten
from gigawatt.store import Store, open_store
from gigawatt.web import editor, projects
from gigawatt.web.charts import figures as chart_figures
from gigawatt.web.jobs import Jobs, QueueFull
from gigawatt.web.public import install as install_public
from gigawatt.web.public import public_path
from gigawatt.web.scenarios import (  # noqa: F401 - form_fields: API
    EXAMPLES,
    MAX_UPLOAD_BYTES,
    RunRequest,
    ValidateRequest,
    form_fields,
    scenario_inputs,
)

PACKAGE = files("gigawatt")
TEMPLATES = Path(str(PACKAGE / "web" / "templates"))
STATIC = Path(str(PACKAGE / "web" / "static"))
PLOTLY_JS = Path(str(files("plotly") / "package_data" / "plotly.min.js"))  # Plotly.js as the plotly wheel ships it
MULTIPART_SLACK_BYTES = 64 * 1024  # a multipart body is its file plus boundaries and part headers: a few hundred bytes
MAX_TIME_LIMIT_S = 3600.0  # the longest solver.time_limit_s a run from the browser may ask for, seconds: an hour keeps
# one request from holding a worker (and its cores) for days; the CLI, run by the machine's owner, has no such cap
RECENT_RUNS = 50
RUNS_CACHED = 32  # results (with their tables) kept in memory for their pages
EVENT_POLL_S = 0.25
TOKEN_COOKIE = "gigawatt_token"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
LOOPBACK_HOSTS = {f"[{name}]" if ":" in name else name for name in LOOPBACK}  # as a Host header writes them (IPv6 in brackets)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
EXPORT_TYPES = {"json": "application/json", "csv": "application/zip", "parquet": "application/zip",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "html": "text/html", "pdf": "application/pdf"}


@functools.cache
def example_kind(name: str) -> str:
    """The kind of the shipped example ``name`` (read once: the package's files do not change while it runs)."""
    import yaml

    return api.looks_like(yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())) or "size"


def shown_label(label: str) -> str:
    """A figure's label with a technology id at its start read by its display name (``battery_li_ion MW`` →
    ``Li-ion battery MW``): the label itself stays the key of sweeps and ``runs diff``."""
    from gigawatt import catalog

    first, _, rest = label.partition(" ")
    return f"{catalog.display_name(first)} {rest}".strip() if first in set(catalog.technologies()["technology"]) else label


def needs_token(host: str) -> bool:
    """Whether a server bound to ``host`` must require a token (any address but loopback)."""
    return host not in LOOPBACK


def loopback_host(header: str) -> bool:
    """Whether a ``Host`` header (``name`` or ``name:port``) names this machine's loopback address."""
    name = header.strip().lower()
    if name.startswith("["):
        name = name[: name.find("]") + 1]
    elif ":" in name:
        name = name.rsplit(":", 1)[0]
    return name in LOOPBACK_HOSTS


def _solver_caps(inputs: dict[str, Any], max_threads: int, max_time_limit_s: float, key: str = "") -> None:
    """Refuse a scenario from the browser whose solver settings (``solver``, at any depth of the JSON-form
    ``inputs``) ask for more than ``max_threads`` threads or a ``time_limit_s`` over ``max_time_limit_s`` seconds."""
    for name, value in inputs.items():
        path = f"{key}.{name}" if key else str(name)
        if not isinstance(value, dict):
            continue
        if name == "solver":
            threads, limit = value.get("threads"), value.get("time_limit_s")
            if threads is not None and threads > max_threads:
                raise ScenarioError(f"{path}.threads: {threads} is more than this server's {max_threads} cores; set at most {max_threads} or leave it unset")
            if limit is not None and limit > max_time_limit_s:
                raise ScenarioError(f"{path}.time_limit_s: {limit:g} s is more than this server allows ({max_time_limit_s:g} s); "
                                    f"set at most {max_time_limit_s:g}, or run it with the CLI")
        _solver_caps(value, max_threads, max_time_limit_s, path)


class _BoundedBody:
    """ASGI middleware: a request body over ``MAX_UPLOAD_BYTES`` plus multipart slack gets a 413 before it is read
    whole: at once when its ``Content-Length`` says so, else (chunked) as soon as the chunks read pass the limit."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = MAX_UPLOAD_BYTES + MULTIPART_SLACK_BYTES
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                return await self._refuse(scope, receive, send)
            return await self.app(scope, receive, send)
        if b"chunked" not in headers.get(b"transfer-encoding", b"").lower():
            return await self.app(scope, receive, send)
        chunks, size, more = [], 0, True
        while more:  # read the chunks, at most the limit, before the application sees any
            message = await receive()
            if message["type"] != "http.request":
                return
            size += len(message.get("body", b""))
            if size > limit:
                return await self._refuse(scope, receive, send)
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = f"the request body is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB; upload hourly series only"
        await JSONResponse({"error": message}, status_code=413, headers={"Connection": "close"})(scope, receive, send)


def create_app(store: str | None = None, token: str | None = None, uploads: Path | None = None, host: str | None = None,
               max_threads: int | None = None, max_time_limit_s: float = MAX_TIME_LIMIT_S, concurrency: int | None = None,
               scheduler: str | None = None, sweeps: Any = None) -> FastAPI:
    """The workbench application over the run store at ``store`` (a URL; None: the default store).
    ``token``: required of every request when set. ``uploads``: where uploaded CSV series are kept.
    ``host``: the address the server is bound to; on a loopback one (127.0.0.1, ::1, localhost) a request
    whose ``Host`` header is not a loopback name is refused (421), against DNS rebinding; None: not bound
    (in-process use), Host is not checked. ``max_threads`` (a count; None: this machine's cores) and
    ``max_time_limit_s`` (seconds): the most ``solver.threads`` and ``solver.time_limit_s`` a run started
    through the API may ask for. ``concurrency``: runs at once (None: the cores); more wait their turn.
    ``scheduler``: a Dask scheduler's address for sweeps started from the page (None: a local cluster);
    ``sweeps``: what runs them (:mod:`gigawatt.sweep.served`, handed down by ``gigawatt serve``; None: no sweeps)."""
    kept: Store = open_store(store or "default")
    uploads = Path(uploads or tempfile.mkdtemp(prefix="gigawatt-uploads-"))
    uploads.mkdir(parents=True, exist_ok=True)
    jobs = Jobs(kept.url, concurrency)
    max_threads = max_threads or os.cpu_count() or 1
    check_host = host is not None and host in LOOPBACK

    @contextlib.asynccontextmanager
    async def lifespan(served: FastAPI):
        import pyarrow.parquet  # noqa: F401 - loaded now, so the first run page is as quick as the next

        kept.list(limit=1)  # connect (and create the store's tables) before the first request
        yield
        jobs.shutdown()  # the server is stopping: so are the runs it started
        for close in getattr(served.state, "shutdown", []):  # then what the parts registered (the sweeps' Dask cluster)
            close()

    app = FastAPI(title="gigawatt workbench", version=__version__, openapi_url="/api/v1/openapi.json", docs_url=None,
                  redoc_url=None, lifespan=lifespan)
    app.state.jobs, app.state.store, app.state.uploads = jobs, kept, uploads
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})
    pages = report_page.environment(TEMPLATES)  # the report's filters (fmt, figure, figure_name) and its templates
    pages.filters["shown_label"] = shown_label

    app.add_middleware(_BoundedBody)  # added before guard, so it runs inside it: after the Host and token checks

    @app.middleware("http")
    async def guard(request: Request, call_next):
        path = request.url.path
        public = public_path(path)
        if check_host and not loopback_host(request.headers.get("host", "")):
            port = (request.scope.get("server") or ("", 8765))[1]
            given = request.headers.get("host", "")[:100]
            return _secure(JSONResponse({"error": f"Host '{given}' is not this server's name: it listens on loopback only; open "
                                                  f"http://127.0.0.1:{port}/, or serve with --host ADDRESS and a token to be reached by other names"},
                                        status_code=421))
        if token and not public:
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or request.cookies.get(TOKEN_COOKIE, "")
            query = request.query_params.get("token")
            if query and hmac.compare_digest(query, token) and request.method == "GET" and not path.startswith("/api/"):
                response = RedirectResponse(path, status_code=303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                response.headers["Cache-Control"] = "no-store"
                return _secure(response)
            if not (given and hmac.compare_digest(given, token)):
                return _secure(JSONResponse({"error": "a token is required: open the address the server printed, or send Authorization: Bearer TOKEN"},
                                            status_code=401, headers={"Cache-Control": "no-store"}))
        response = _secure(await call_next(request))
        if token and not public:
            response.headers["Cache-Control"] = "no-store"  # what needs the token is kept by no cache
        return response

    def _secure(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(GigawattError)
    async def one_line(request: Request, exc: GigawattError):
        return JSONResponse({"error": str(exc).splitlines()[0]}, status_code=422)

    def page(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(pages.get_template(name).render(version=__version__, **context))

    loaded: collections.OrderedDict[str, Result] = collections.OrderedDict()  # runs never change (content-addressed)

    def load(run_id: str) -> Result:
        try:
            ident = kept.resolve(run_id)
            if ident not in loaded:
                loaded[ident] = kept.load(ident)
                if len(loaded) > RUNS_CACHED:
                    loaded.popitem(last=False)
            loaded.move_to_end(ident)
            return loaded[ident]
        except GigawattError as exc:
            raise HTTPException(404, str(exc).splitlines()[0]) from None

    def examples() -> dict[str, str]:
        return {str(p.relative_to(EXAMPLES).with_suffix("")): p.name for p in sorted(EXAMPLES.rglob("*.yaml")) if p.parent.name != "sweep"}


    def run_context(r: Result) -> dict[str, Any]:
        job = spec(r.kind, stored=True)
        return {"r": r, "figures": result_figures(r.kind, r.data), "charts": chart_figures(r), "blocks": blocks(r),
                "decision": job.decision_figures(r.data), "decision_notes": job.decision_notes(r.data) if job.decision_notes else {},
                "summary": job.summary,
                "share": shares.live(r.run.id), "exports": list(EXPORT_TYPES)}

    shares = install_public(app, kept, lambda name, **context: pages.get_template(name).render(version=__version__, **context), load,
                            lambda r, shared: page("run.html", shared=shared, **run_context(r)), _secure)  # share links, /docs, error pages, gzip

    # --- pages -----------------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(q: str | None = None, kind: str | None = None, since: str | None = None, until: str | None = None, offset: int = 0):
        return projects.home_page(page, kept, examples(), q, kind, since, until, offset)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(job_id: str):
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return page("job.html", job=job.public())

    editor.register(app, page)  # the editor page, uploads kept in the store, scenario texts kept by run (web/editor.py)

    @app.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def run_page(run_id: str):
        return page("run.html", shared=False, **run_context(load(run_id)))

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare(ids: str):
        chosen = [load(i) for i in ids.split(",") if i][:4]
        if len(chosen) < 2:
            raise HTTPException(422, "compare takes 2 to 4 run ids: /compare?ids=A,B")
        if len({r.kind for r in chosen}) > 1:
            raise HTTPException(422, "runs of different kinds cannot be compared")
        flat = [flatten(r.to_dict()["inputs"]) for r in chosen]
        inputs = {k: [f.get(k) for f in flat] for k in dict.fromkeys(k for f in flat for k in f) if len({json.dumps(f.get(k), default=str) for f in flat}) > 1}
        figs = [result_figures(r.kind, r.data) for r in chosen]
        rows = {k: [f.get(k) for f in figs] for k in dict.fromkeys(k for f in figs for k in f)}
        overlays = _overlays([chart_figures(r) for r in chosen], [r.name + " " + r.run.id[:6] for r in chosen], [r.run.id[:6] for r in chosen])
        return page("compare.html", runs=chosen, inputs=inputs, rows=rows, charts=overlays)

    projects.register(app, kept, jobs, page, EXAMPLES, scheduler, sweeps)  # the run list's API and sweeps from the page

    # --- API -------------------------------------------------------------------------------------------

    @app.get("/api/v1/runs", tags=["runs"])
    def list_runs(kind: str | None = None, name: str | None = None, limit: int = RECENT_RUNS, offset: int = 0) -> list[dict[str, Any]]:
        """Stored runs, newest first: id, kind, name, created, version, seconds, headline figures."""
        return json.loads(json.dumps(kept.list(kind=kind, name=name, limit=limit, offset=max(0, offset)), default=str))

    @app.post("/api/v1/runs", tags=["runs"], status_code=202)
    def create_run(request: RunRequest) -> dict[str, Any]:
        """Validate a scenario and start its run in a worker; returns the job (follow it at /api/v1/jobs/ID)."""
        model = scenario_inputs(request.kind, app.state.editor.resolve_text(request.yaml), request.set, uploads)  # upload:<name>.csv too
        inputs = model.model_dump(mode="json", exclude_none=True)
        _solver_caps(inputs, max_threads, max_time_limit_s)
        try:
            job = jobs.start(request.kind, str(getattr(model, "name", request.kind)), inputs)
        except QueueFull as exc:
            raise HTTPException(503, str(exc)) from None
        return job.public()

    @app.get("/api/v1/runs/{run_id}", tags=["runs"])
    def get_run(run_id: str) -> dict[str, Any]:
        """A run in its JSON form (the CLI's --json)."""
        return load(run_id).to_dict()

    @app.delete("/api/v1/runs/{run_id}", tags=["runs"])
    def delete_run(run_id: str) -> dict[str, Any]:
        """Remove a run and its tables from the store."""
        ident = load(run_id).run.id
        loaded.pop(ident, None)
        return {"removed": kept.remove([ident])}

    @app.get("/api/v1/runs/{run_id}/tables", tags=["runs"])
    def tables(run_id: str) -> list[str]:
        """The names of a run's tables."""
        return list(load(run_id).to_frames())

    @app.get("/api/v1/runs/{run_id}/tables/{name}", tags=["runs"])
    def table(run_id: str, name: str, format: str = "json"):  # noqa: A002
        """One of a run's tables as JSON records or CSV (a download named for the run and the table)."""
        r = load(run_id)
        frames = r.to_frames()
        if name not in frames:
            raise HTTPException(404, f"no table '{name}'; this run has {', '.join(frames)}")
        frame = frames[name].reset_index() if frames[name].index.name else frames[name]  # a named index (timestamp) is a column
        if format == "csv":
            named = f'attachment; filename="gigawatt-{r.kind}-{r.run.id[:12]}-{name}.csv"'
            return Response(frame.to_csv(index=False), media_type="text/csv", headers={"Content-Disposition": named})
        return Response(frame.to_json(orient="records", date_format="iso"), media_type="application/json")

    @app.get("/api/v1/runs/{run_id}/export", tags=["runs"])
    def export_run(run_id: str, format: str = "json"):  # noqa: A002
        """A run as a file: json, csv or parquet (zip of tables), xlsx, or html (a self-contained report)."""
        from gigawatt.report.export import export

        if format not in EXPORT_TYPES:
            raise HTTPException(422, f"format '{format}': choose one of {', '.join(EXPORT_TYPES)}")
        r = load(run_id)
        stem = f"gigawatt-{r.kind}-{r.run.id[:12]}"
        if format == "html":
            geo = (STATIC / "topojson" / "world_110m.json").read_text() if r.kind == "site" else None
            body = report_page.render(r, pages, charts=chart_figures(r), plotly=PLOTLY_JS.read_text(), geo=geo, draw=(STATIC / "charts.js").read_text())
            return Response(body, media_type="text/html", headers={"Content-Disposition": f'attachment; filename="{stem}.html"'})
        with tempfile.TemporaryDirectory() as folder:
            written = export(r, format, Path(folder) / stem)
            if written.is_dir():
                import zipfile

                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                    for item in sorted(written.iterdir()):
                        archive.write(item, item.name)
                body, name = buffer.getvalue(), f"{stem}-{format}.zip"
            else:  # named with its extension (the exporter may write the stem alone), so that it opens in its program
                body, name = written.read_bytes(), f"{stem}.{format}"
        return Response(body, media_type=EXPORT_TYPES[format], headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/api/v1/jobs/{job_id}", tags=["jobs"])
    def get_job(job_id: str) -> dict[str, Any]:
        """A job's state: queued, running, done (with its run id), failed (with the reason) or cancelled."""
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return job.public()

    @app.delete("/api/v1/jobs/{job_id}", tags=["jobs"])
    def cancel_job(job_id: str) -> dict[str, Any]:
        """Cancel a running job (its worker stops at once)."""
        job = jobs.cancel(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return job.public()

    @app.get("/api/v1/jobs/{job_id}/events", tags=["jobs"])
    async def job_events(job_id: str):
        """Server-sent events: the job's state each time it changes, until it ends."""
        import asyncio

        if jobs.get(job_id) is None:
            raise HTTPException(404, "no such job")

        async def stream():
            last = None
            while True:
                state = (await asyncio.to_thread(jobs.get, job_id)).public()
                if state != last:
                    yield f"data: {json.dumps(state)}\n\n"
                    last = state
                if state["state"] not in ("queued", "running"):
                    return
                await asyncio.sleep(EVENT_POLL_S)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    @app.post("/api/v1/validate", tags=["scenarios"])
    def validate(request: ValidateRequest) -> dict[str, Any]:
        """Check a scenario as the CLI would: ``ok``, or the one-line error with its line and field."""
        try:
            model = scenario_inputs(request.kind, app.state.editor.resolve_text(request.yaml), request.set, uploads)
            _solver_caps(model.model_dump(mode="json", exclude_none=True), max_threads, max_time_limit_s)
            api.check_references(request.kind, model)
        except GigawattError as exc:
            message = str(exc).splitlines()[0]
            line = re.search(r"\bline (\d+)", message)
            body = re.sub(r"^scenario(?: line \d+)?: ", "", message)
            field = re.match(r"^'?([\w.\[\]]+)'?:", body) or re.search(r"\bkey '([\w.\[\]]+)'", body)
            return {"ok": False, "error": message, "line": int(line.group(1)) if line else None, "field": field.group(1) if field else None}
        return {"ok": True, "error": None, "line": None, "field": None}

    @app.get("/api/v1/examples", tags=["scenarios"])
    def list_examples() -> dict[str, str]:
        """The example scenarios shipped with gigawatt, by name, with their kind."""
        return {name: example_kind(name) for name in examples()}

    @app.get("/api/v1/catalogs/{name}", tags=["catalogs"])
    def catalog_table(name: str) -> list[dict[str, Any]]:
        """A bundled catalog table (accelerators, technologies, regions, ...) as records, each row with its source."""
        from gigawatt import catalog

        tables = {"accelerators": catalog.accelerators, "technologies": catalog.technologies, "regions": catalog.regions,
                  "gas_hubs": catalog.gas_hubs, "profiles": catalog.profiles, "countries": catalog.countries}
        if name not in tables:
            raise HTTPException(404, f"no catalog '{name}'; choose one of {', '.join(tables)}")
        return json.loads(tables[name]().to_json(orient="records"))

    @app.get("/api/v1/schema/{kind}", tags=["scenarios"])
    def input_schema(kind: str) -> dict[str, Any]:
        """The JSON Schema of a kind's scenario (fields, units in descriptions, defaults)."""
        if kind not in api.MODELS:
            raise HTTPException(404, f"kind '{kind}': choose one of {', '.join(KINDS)}")
        return api.MODELS[kind].model_json_schema()

    return app


OVERLAY_DASHES = ("solid", "dash", "dot", "dashdot")  # the line style of each compared run (2 to 4), its colours the catalog's
OVERLAY_PATTERNS = ("", "/", ".", "x")  # the bar pattern of each compared run's grouped bars (colours stay the catalog's)
OVERLAY_LEFT_OUT = ("map", "heatmap", "monthly_energy")  # charts that cannot be laid over one another (one grid, one stack a run)


def _overlays(per_run: list[dict[str, dict[str, Any]]], names: list[str], tags: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """The charts every run has, each run's traces beside the others' (not those of OVERLAY_LEFT_OUT).
    An item keeps its one catalog colour in every run; runs differ by line style (a stacked area becomes lines,
    so no run's area hides another's) and are labelled by name in the legend's groups; bars stand on each
    run's own categories, labelled by its short tag (``tags``, e.g. the id's first characters; the names by default)
    so that long names neither overlap the legend nor turn. Each run's hardest week is drawn on hours counted
    from its own start."""
    tags = tags or names
    common = [k for k in per_run[0] if all(k in charts for charts in per_run) and k not in OVERLAY_LEFT_OUT]
    out = {}
    for key in common:
        layout = dict(per_run[0][key]["layout"])
        data = []
        for k, (charts, name, tag) in enumerate(zip(per_run, names, tags)):
            dash = OVERLAY_DASHES[k % len(OVERLAY_DASHES)]
            for trace in charts[key]["data"]:
                trace = {**trace, "name": trace.get("name", ""), "legendgroup": name, "legendgrouptitle": {"text": name}}
                if "stackgroup" in trace:  # an area per run would hide the run drawn before it: a line each instead
                    trace.pop("stackgroup")
                    trace.pop("fillcolor", None)
                if trace.get("type", "scatter") == "scatter" and "line" in trace or key == "dispatch":
                    trace["line"] = {**trace.get("line", {}), "dash": dash, "width": max(trace.get("line", {}).get("width", 2), 1.5)}
                if key == "dispatch":
                    trace["x"] = list(range(len(trace["x"])))  # hours of the week: each run's hardest week differs
                elif trace.get("orientation") == "h":
                    trace["y"] = [f"{tag} {y}" for y in trace["y"]]
                elif trace.get("type") == "bar" and layout.get("barmode") == "stack":
                    trace["x"] = [f"{tag} {x}" for x in trace["x"]]
                elif trace.get("type") == "bar":
                    trace["offsetgroup"] = f"{name}: {trace.get('offsetgroup', trace['name'])}"
                    trace["marker"] = {**trace.get("marker", {}), "pattern": {"shape": OVERLAY_PATTERNS[k % len(OVERLAY_PATTERNS)]}}
                    trace["showlegend"] = True  # the legend's group tells the runs' bars apart (by pattern)
                data.append(trace)
        if key == "dispatch":
            layout["xaxis"] = {"title": {"text": "hour of each run's hardest week"}}
        layout["legend"] = {**layout.get("legend", {}), "groupclick": "toggleitem"}
        out[key] = {"data": data, "layout": layout}
    return out
