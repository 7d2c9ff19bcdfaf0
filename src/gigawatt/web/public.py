"""What the workbench shows people who are not at its API: share links, the API reference, error pages, gzip.

Share links: a link ``/share/RUN?sig=SIG`` opens a run's page read-only, without the server's token. ``SIG``
is an HMAC (``SHARE_SIG_CHARS`` hex characters) of the run id and a random nonce under a key kept in the run
store (:meth:`gigawatt.store.Store.secret`), and each link is recorded in the store (``run_shares``: run id,
created, revoked), so a link outlives a restart of the server and can be revoked (``DELETE
/api/v1/shares/SIG``); a revoked or forged link gets 403. A run's page shows its live link with a Revoke button, or a
button that makes one (a link exists only once its owner asked for it). A shared page loads
only public assets (``/static/``, ``/vendor/``) and shows no link that needs the token.

``/docs``: Swagger UI 5 (it reads the OpenAPI 3.1 that FastAPI writes), from the ``fastapi-offline`` package
(Swagger UI's Apache-2.0 licence applies; the package carries it), served from ``/vendor/swagger-ui/`` and
started by ``static/docs.js``: no request leaves the server, no inline script.

Errors: a browser (a path outside ``/api/`` asked with ``Accept: text/html``) that meets an error gets a
small page in the site's layout with the one-line reason and a link home; an API client gets the JSON
``{"error": ...}``. Responses over ``GZIP_MIN_BYTES`` are gzip-compressed for clients that accept it
(server-sent events are not: they must stream).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

SHARE_KEY = "share-links"  # the name of the store's key that signs share links
SHARE_SIG_CHARS = 32  # hex characters of a link's signature: 128 bits, past guessing
SHARE_NONCE_BYTES = 16  # random bytes that make each new link of the same run a different link
GZIP_MIN_BYTES = 1024  # below a kilobyte, compression saves less than its own headers and time
ASSET_MAX_AGE_S = 86_400  # public assets (no token needed) may be cached for a day
SWAGGER_UI = Path(str(files("fastapi_offline") / "static"))  # Swagger UI 5 as fastapi-offline ships it
SWAGGER_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}
REASONS = {400: "Bad request", 401: "Token required", 403: "Not allowed", 404: "Not found", 405: "Method not allowed",
           413: "Too large", 421: "Wrong server name", 422: "Cannot do that", 500: "Server error", 503: "Busy"}
SERVER_ERROR = "the server failed on this request; it is logged. Try again, or report it with the address you opened"


def wants_html(path: str, accept: str) -> bool:
    """Whether a request is a browser's page load: outside ``/api/`` and asking for HTML."""
    return not path.startswith("/api/") and "text/html" in accept


def public_path(path: str) -> bool:
    """Paths served without the token: share links and the assets their pages load."""
    return path.startswith(("/static/", "/share/", "/vendor/")) or path == "/favicon.ico"


class ShareLinks:
    """Share links of the runs in ``store``, signed with the store's persistent key."""

    def __init__(self, store: Any):
        self.store = store
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = self.store.secret(SHARE_KEY).encode()
        return self._key

    def _sign(self, run_id: str, nonce: str) -> str:
        return nonce + hmac.new(self.key, f"share:{run_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:SHARE_SIG_CHARS]

    def make(self, run_id: str) -> dict[str, Any]:
        """A new link to the run of full id ``run_id``: its record, with ``url`` (a path on this server)."""
        record = self.store.add_share(self._sign(run_id, secrets.token_hex(SHARE_NONCE_BYTES)), run_id)
        return {**record, "url": f"/share/{run_id}?sig={record['sig']}"}

    def live(self, run_id: str) -> dict[str, Any] | None:
        """The run's newest unrevoked link, or None (its page then offers to make one: showing a page makes nothing)."""
        alive = [s for s in self.store.shares(run_id=run_id) if not s["revoked"]]
        return {**alive[-1], "url": f"/share/{run_id}?sig={alive[-1]['sig']}"} if alive else None

    def check(self, run_id: str, sig: str) -> None:
        """Nothing if ``sig`` is a live link to ``run_id``; else a 403 in one line."""
        nonce = sig[: -SHARE_SIG_CHARS] if len(sig) > SHARE_SIG_CHARS else ""
        if not nonce or not hmac.compare_digest(sig, self._sign(run_id, nonce)):
            raise HTTPException(403, "this share link is not valid; ask its owner for a new one")
        found = self.store.shares(sig=sig)
        if not found or found[0]["run_id"] != run_id:
            raise HTTPException(403, "this share link is not valid; ask its owner for a new one")
        if found[0]["revoked"]:
            raise HTTPException(403, "this share link was revoked by its owner; ask them for a new one")


def install(app: FastAPI, store: Any, render: Callable[..., str], load: Callable[[str], Any],
            run_page: Callable[[Any, bool], HTMLResponse], secure: Callable[[Response], Response]) -> ShareLinks:
    """Add share links, ``/docs``, error pages and gzip to ``app``. ``render(template, **context)``: a page's
    HTML; ``load(run_id)``: a stored run (404 if none); ``run_page(result, shared)``: a run's page;
    ``secure``: adds the server's security headers. Call after the server's own middleware is added, so that
    gzip and the error pages wrap it. Returns the share links (for the run page)."""
    shares = ShareLinks(store)

    @app.get("/share/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def shared_page(run_id: str, sig: str = ""):
        shares.check(run_id, sig)
        return run_page(load(run_id), True)

    @app.post("/api/v1/runs/{run_id}/share", status_code=201, tags=["runs"])
    def make_share(run_id: str) -> dict[str, Any]:
        """Make a new read-only share link to a run (``url``: a path on this server; ``sig`` revokes it)."""
        return shares.make(load(run_id).run.id)

    @app.get("/api/v1/runs/{run_id}/shares", tags=["runs"])
    def list_shares(run_id: str) -> list[dict[str, Any]]:
        """The share links made to a run, revoked ones included, oldest first."""
        ident = load(run_id).run.id
        return [{**s, "url": f"/share/{ident}?sig={s['sig']}"} for s in store.shares(run_id=ident)]

    @app.delete("/api/v1/shares/{sig}", tags=["runs"])
    def revoke_share(sig: str) -> dict[str, Any]:
        """Revoke a share link: it answers 403 from now on."""
        if not store.revoke_share(sig):
            raise HTTPException(404, f"no share link with signature '{sig[:80]}'")
        return {"revoked": sig}

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs():
        return HTMLResponse(render("docs.html", openapi=app.openapi_url))

    @app.get("/vendor/swagger-ui/{name}", include_in_schema=False)
    def swagger_asset(name: str) -> FileResponse:
        if name not in SWAGGER_FILES:
            raise HTTPException(404, f"no asset '{name[:80]}'")
        return FileResponse(SWAGGER_UI / name, media_type=SWAGGER_FILES[name], headers={"Cache-Control": f"max-age={ASSET_MAX_AGE_S}"})

    def error(request: Request, status: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
        if wants_html(request.url.path, request.headers.get("accept", "")):
            html = render("error.html", status=status, reason=REASONS.get(status, "Error"), message=message,
                          shared=request.url.path.startswith("/share/"))  # a shared page's reader has no token: no links that need it
            return HTMLResponse(html, status_code=status, headers=headers)
        return JSONResponse({"error": message, **extra}, status_code=status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = str(exc.detail).splitlines()[0] if exc.detail else REASONS.get(exc.status_code, "error")
        return error(request, exc.status_code, message, getattr(exc, "headers", None), detail=exc.detail)  # detail: FastAPI's key, kept for clients that read it

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        if not wants_html(request.url.path, request.headers.get("accept", "")):
            return await request_validation_exception_handler(request, exc)  # FastAPI's own answer, for API clients
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body"))
        return error(request, 422, f"{where}: {first.get('msg', 'not valid')}" if where else str(first.get("msg", "not valid")))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        return secure(error(request, 500, SERVER_ERROR))

    app.add_middleware(_HtmlErrors, render=render)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)  # last added, so outermost: compresses the HTML errors too
    return shares


class _HtmlErrors:
    """ASGI middleware: an error answered as JSON ``{"error": ...}`` by the middleware inside it (the token and
    Host checks, the upload limit) becomes the HTML error page for a browser's page load."""

    def __init__(self, app: Any, render: Callable[..., str]):
        self.app, self.render = app, render

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not wants_html(scope.get("path", ""), headers.get("accept", "")):
            return await self.app(scope, receive, send)
        start: dict[str, Any] = {}
        body = bytearray()

        async def catch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                kinds = [v for k, v in message.get("headers", []) if k.lower() == b"content-type"]
                if message["status"] >= 400 and kinds and kinds[0].startswith(b"application/json"):
                    start.update(message)
                    return
                return await send(message)
            if not start:
                return await send(message)
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            try:
                text = str(json.loads(bytes(body))["error"])
            except (ValueError, KeyError, TypeError):
                text = REASONS.get(start["status"], "error")
            status = start["status"]
            html = self.render("error.html", status=status, reason=REASONS.get(status, "Error"), message=text).encode()
            kept = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-type", b"content-length")]
            await send({"type": "http.response.start", "status": status,
                        "headers": [*kept, (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(html)).encode())]})
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, catch)
