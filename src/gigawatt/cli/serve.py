"""``gigawatt serve``: the web workbench (needs the ``web`` extra)."""

from __future__ import annotations

import secrets
from typing import Annotated, Optional

import typer

from gigawatt.cli._common import StoreOption, app
from gigawatt.core.errors import ScenarioError

TOKEN_ENV = "GIGAWATT_TOKEN"


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on; anything but loopback requires a token")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on")] = 8765,
    store: StoreOption = None,
    token: Annotated[Optional[str], typer.Option("--token", envvar=TOKEN_ENV, help="Require this token of every request (generated when binding beyond loopback)")] = None,
) -> None:
    """Start the web workbench: runs, scenarios, charts and comparisons in a browser."""
    try:
        import uvicorn

        from gigawatt.web.app import create_app, needs_token
    except ImportError as exc:
        raise ScenarioError(f"gigawatt serve needs the web extra ({exc.name} is missing); pip install \"gigawatt[web]\"") from None
    if token is None and needs_token(host):
        token = secrets.token_urlsafe(24)
    address = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    typer.echo(f"gigawatt workbench at {address}{'?token=' + token if token else ''}  (Ctrl+C stops it)", err=False)
    uvicorn.run(create_app(store=store, token=token), host=host, port=port, log_level="warning")
