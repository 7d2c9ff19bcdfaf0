"""``gigawatt serve``: the web workbench (needs the ``web`` extra)."""

from __future__ import annotations

import secrets
import socket
from typing import Annotated, Optional

import typer

from gigawatt.cli._common import StoreOption, app, examples
from gigawatt.core.errors import ScenarioError

TOKEN_ENV = "GIGAWATT_TOKEN"
ALL_ADDRESSES = {"0.0.0.0", "::", ""}  # binding to these listens on every address of the machine


def _url(host: str, port: int) -> str:
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


def startup_line(host: str, port: int, token: str | None) -> str:
    """The line ``serve`` prints on start: the address to open (with the token), for a server bound to ``host``
    at ``port``. Bound to all addresses (0.0.0.0, ::), it names this machine's host name and 127.0.0.1, never
    0.0.0.0, which no browser can open."""
    query = f"?token={token}" if token else ""
    if host in ALL_ADDRESSES:
        return (f"gigawatt workbench listening on all addresses ({host or '0.0.0.0'}) at {_url(socket.gethostname(), port)}{query}"
                f"  (on this machine: {_url('127.0.0.1', port)}{query}; Ctrl+C stops it)")
    return f"gigawatt workbench at {_url(host, port)}{query}  (Ctrl+C stops it)"


@app.command(epilog=examples(
    "gigawatt serve   # then open the address it prints",
    "gigawatt serve --host 0.0.0.0 --port 8080 --jobs 4   # for a team: it prints the token to share",
))
def serve(
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on; anything but loopback requires a token")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, metavar="PORT", help="Port to listen on")] = 8765,
    store: StoreOption = None,
    token: Annotated[Optional[str], typer.Option("--token", envvar=TOKEN_ENV, metavar="TEXT", help="Require this token of every request (generated when binding beyond loopback)")] = None,
    max_time_limit: Annotated[Optional[float], typer.Option("--max-time-limit", min=1, metavar="SECONDS", show_default="3600", help="The longest solver.time_limit_s a run started from the browser may set, seconds")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", min=1, max=1024, metavar="N", show_default="the cores", help="Runs started from the browser that run at once; more wait their turn")] = None,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", metavar="ADDRESS", help="Address of a Dask scheduler (e.g. tcp://host:8786) for sweeps started from the page; default: a local cluster of --jobs workers, started at the first sweep")] = None,
) -> None:
    """Start the web workbench: runs, scenarios, charts and comparisons in a browser."""
    try:
        import uvicorn

        from gigawatt.web.app import MAX_TIME_LIMIT_S, create_app, needs_token
    except ImportError as exc:
        raise ScenarioError(f"gigawatt serve needs the web extra ({exc.name} is missing); pip install \"gigawatt[web]\"") from None
    try:  # sweeps from the page: the web layer is handed what runs them (it does not import the sweep package)
        import dask.distributed  # noqa: F401

        from gigawatt.sweep import served
    except ImportError:
        served = None
    if token is None and needs_token(host):
        token = secrets.token_urlsafe(24)
    typer.echo(startup_line(host, port, token), err=False)
    workbench = create_app(store=store, token=token, host=host, max_time_limit_s=max_time_limit or MAX_TIME_LIMIT_S,
                           concurrency=jobs, scheduler=scheduler, sweeps=served)
    uvicorn.run(workbench, host=host, port=port, log_level="warning")
