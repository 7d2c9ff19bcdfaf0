"""The workbench's public face (``gigawatt.web.public``): share links that outlive a restart and can be
revoked, HTML error pages for browsers (JSON for API clients), gzip, and ``/docs`` served from the package.

API tests go through FastAPI's TestClient on a real SQLite run store; browser tests drive Debian's chromium
(as ``test_web_browser.py`` does) against ``gigawatt serve``: ``/docs`` with no request off the server, and a
share page of a token server drawing its charts without the token.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import EXAMPLES

import gigawatt

fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed (pip install -e '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402

from gigawatt.web.app import CSP, MAX_UPLOAD_BYTES, create_app  # noqa: E402
from gigawatt.web.public import GZIP_MIN_BYTES  # noqa: E402

TOKEN = "share-test-token"
SCREENING = ["site.screening_segments=48"]
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> tuple[str, str]:
    """A SQLite store file holding one screened plan run; (store path, run id)."""
    store = str(tmp_path_factory.mktemp("share") / "runs.sqlite")
    result = gigawatt.plan(EXAMPLES / "west-texas-offgrid.yaml", set=SCREENING, store=store)
    return store, result.run.id


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_store_keeps_the_signing_key_and_the_share_records(backend, tmp_path, request):
    from gigawatt.store import Store

    url = str(tmp_path / "keys.sqlite") if backend == "sqlite" else request.getfixturevalue("postgres_db_url")
    first = Store(url)
    key = first.secret("share-links")
    assert len(key) == 64 and first.secret("share-links") == key and first.secret("other") != key
    first.add_share("ab" * 16, "r" * 64)
    again = Store(url)  # another process, or the server restarted
    assert again.secret("share-links") == key
    assert [(s["sig"], s["revoked"]) for s in again.shares(run_id="r" * 64)] == [("ab" * 16, False)]
    assert again.revoke_share("ab" * 16) and not again.revoke_share("cd" * 16)
    assert first.shares(sig="ab" * 16)[0]["revoked"] is True


def test_a_share_link_survives_a_restart_and_a_revoked_one_is_refused(stored, tmp_path):
    store, run_id = stored
    with TestClient(create_app(store=store, token=TOKEN, uploads=tmp_path)) as first:
        assert first.post(f"/api/v1/runs/{run_id}/share").status_code == 401  # making a link needs the token
        made = first.post(f"/api/v1/runs/{run_id[:12]}/share", headers=BEARER)
        assert made.status_code == 201, made.text
        link = made.json()
        assert link["url"] == f"/share/{run_id}?sig={link['sig']}" and not link["revoked"]
        assert first.get(link["url"]).status_code == 200
    # a second server over the same file (a restart): the same link opens, without the token
    with TestClient(create_app(store=store, token=TOKEN, uploads=tmp_path)) as second:
        opened = second.get(link["url"])
        assert opened.status_code == 200 and run_id[:12] in opened.text
        assert 'href="/edit"' not in opened.text and 'href="/docs"' not in opened.text  # no link that needs the token
        assert second.get(link["url"][:-1] + ("0" if link["url"][-1] != "0" else "1")).status_code == 403  # forged
        listed = second.get(f"/api/v1/runs/{run_id}/shares", headers=BEARER).json()
        assert link["sig"] in [s["sig"] for s in listed]

        assert second.delete(f"/api/v1/shares/{link['sig']}").status_code == 401
        assert second.delete(f"/api/v1/shares/{link['sig']}", headers=BEARER).json() == {"revoked": link["sig"]}
        refused = second.get(link["url"], headers=BROWSER)
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
        assert "revoked" in refused.text and "<nav" in refused.text and 'href="/edit"' not in refused.text
        assert refused.headers["Content-Security-Policy"] == CSP
        assert "revoked" in second.get(link["url"]).json()["error"]  # a script gets the JSON
        assert second.delete("/api/v1/shares/nothing", headers=BEARER).status_code == 404
        # the run page offers a new link once every link is revoked, and the new one works
        page = second.get(f"/runs/{run_id}", headers=BEARER).text
        assert 'id="share-make"' in page and re.search(r'id="share-make"\s*>', page)  # shown, not hidden
        fresh = second.post(f"/api/v1/runs/{run_id}/share", headers=BEARER).json()
        assert fresh["sig"] != link["sig"] and second.get(fresh["url"]).status_code == 200
        assert second.get(link["url"]).status_code == 403  # the revoked one stays revoked


def test_browsers_get_html_error_pages_and_api_clients_json(stored, tmp_path):
    store, run_id = stored
    with TestClient(create_app(store=store, token=TOKEN, uploads=tmp_path)) as guarded:
        page = guarded.get("/", headers=BROWSER)
        assert page.status_code == 401 and page.headers["content-type"].startswith("text/html")
        assert "token" in page.text and page.headers["Cache-Control"] == "no-store" and page.headers["Content-Security-Policy"] == CSP
        assert guarded.get("/api/v1/runs", headers=BROWSER).json()["error"].startswith("a token is required")
    with TestClient(create_app(store=store, uploads=tmp_path, host="127.0.0.1"), base_url="http://127.0.0.1",
                    raise_server_exceptions=False) as client:
        @client.app.get("/boom", include_in_schema=False)
        def boom():
            raise RuntimeError("a bug")

        cases = {"/runs/nosuchrun": 404, "/compare": 422, "/boom": 500}
        for path, status in cases.items():
            html = client.get(path, headers=BROWSER)
            assert html.status_code == status and html.headers["content-type"].startswith("text/html"), (path, html.text[:200])
            assert '<a href="/">Back to the runs</a>' in html.text and "Traceback" not in html.text and "a bug" not in html.text
            assert '<link rel="stylesheet" href="/static/app.css">' in html.text  # the site's layout
            assert html.headers["Content-Security-Policy"] == CSP
            assert client.get(path).headers["content-type"].startswith("application/json")  # not asked for HTML
        assert "nosuchrun" in client.get("/runs/nosuchrun").json()["error"]
        assert client.get("/api/v1/runs/nosuchrun", headers=BROWSER).json()["error"]  # under /api/: JSON whatever Accept says
        assert client.get("/boom").json()["error"].startswith("the server failed")
        rebound = client.get("/", headers={**BROWSER, "Host": "evil.example"})
        assert rebound.status_code == 421 and "evil.example" in rebound.text and rebound.headers["content-type"].startswith("text/html")
        assert client.get("/api/v1/examples", headers={"Host": "evil.example"}).json()["error"]
        big = client.post("/api/v1/uploads", headers={"Content-Length": str(10 * MAX_UPLOAD_BYTES), "Accept-Encoding": "gzip",
                                                      "Content-Type": "multipart/form-data; boundary=b"}, content=b"--b\r\n")
        assert big.status_code == 413 and "MB" in big.json()["error"]  # the upload limit still answers first, gzip or not


def page_weight(client: TestClient, path: str, encoding: str) -> int:
    """Bytes on the wire for a page and every script and stylesheet it loads, asked with ``Accept-Encoding: encoding``."""
    headers = {"Accept-Encoding": encoding, **BROWSER}
    page = client.get(path, headers=headers)
    total = page.num_bytes_downloaded
    for asset in re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"]+\.(?:js|css))"', page.text):
        answer = client.get(asset, headers=headers)
        assert answer.status_code == 200, asset
        total += answer.num_bytes_downloaded
    return total


def test_responses_are_gzipped_but_events_still_stream(stored, tmp_path, capsys):
    store, run_id = stored
    with TestClient(create_app(store=store, uploads=tmp_path)) as client:
        plotly = client.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "gzip"})
        assert plotly.headers["content-encoding"] == "gzip" and plotly.num_bytes_downloaded < len(plotly.content) / 3
        assert "no-store" not in plotly.headers.get("Cache-Control", "")  # a public asset may be cached
        small = client.get("/favicon.ico", headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in small.headers and GZIP_MIN_BYTES > 0
        plain, zipped = page_weight(client, f"/runs/{run_id}", "identity"), page_weight(client, f"/runs/{run_id}", "gzip")
        with capsys.disabled():
            print(f"\nrun page weight: {plain / 1e6:.2f} MB uncompressed, {zipped / 1e6:.2f} MB gzipped")
        assert zipped < plain / 3

        started = client.post("/api/v1/runs", json={"kind": "plan", "yaml": (EXAMPLES / "west-texas-offgrid.yaml").read_text(),
                                                     "set": ["site.screening_segments=24"]}).json()
        with client.stream("GET", f"/api/v1/jobs/{started['id']}/events", headers={"Accept-Encoding": "gzip"}) as events:
            assert events.headers["content-type"].startswith("text/event-stream") and "content-encoding" not in events.headers
            first = next(events.iter_lines())
            assert first.startswith(("event:", "data:", ":")), first


# --- in a browser -------------------------------------------------------------------------------------

try:  # the browser module's fixture and tab; it skips itself where chromium or Playwright is missing, which skips only these
    from test_web_browser import DESKTOP, PHONE, Tab, browser, expect  # noqa: E402,F401
except pytest.skip.Exception as missing:
    DESKTOP, PHONE, Tab, expect, why = {"width": 1280}, {"width": 390}, None, None, str(missing)

    @pytest.fixture
    def browser():
        pytest.skip(why)
from web_server import HOST, START_TIMEOUT_S, WebServer, free_port, gigawatt_command, server_env, stop_server  # noqa: E402


def off_server(tab: Tab, url: str) -> list[str]:
    """Start recording the page's requests; the list (filled as it loads) of those to any other host."""
    ours = urlsplit(url).netloc
    away: list[str] = []
    tab.page.on("request", lambda request: urlsplit(request.url).netloc != ours and not request.url.startswith("data:")
                and away.append(request.url))
    return away


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_docs_show_the_operations_with_nothing_from_off_the_server(browser, web_server, viewport):
    tab = Tab(browser, viewport)
    away = off_server(tab, web_server.url)
    tab.page.goto(web_server.url + "/docs")
    expect(tab.page.locator(".opblock-summary-path", has_text="/api/v1/runs/{run_id}/share").first).to_be_visible(timeout=20_000)
    assert tab.page.locator(".opblock").count() >= 10
    expect(tab.page.locator(".info .title")).to_contain_text("gigawatt workbench")
    tab.shot(f"docs-{viewport['width']}")
    tab.close()
    assert away == [], away


def serve_with_token(server: WebServer) -> None:
    """Start ``gigawatt serve --token`` on the server's port and store (again, after a stop: a restart) and wait
    until it answers."""
    port = int(server.url.rsplit(":", 1)[1])
    with server.log.open("ab") as out:
        server.process = subprocess.Popen([gigawatt_command(), "serve", "--host", HOST, "--port", str(port), "--store", str(server.store),
                                           "--token", TOKEN], cwd=server.folder, env=server_env(server.store), stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(server.url + "/static/app.css", timeout=2):
                break
        except OSError:
            assert server.process.poll() is None and time.monotonic() < deadline, server.output()[-2000:]
            time.sleep(0.2)


@pytest.fixture(scope="module")
def token_server():
    """``gigawatt serve --token`` (bound to 127.0.0.1, so it is reached as a browser reaches it) with one run."""
    folder = Path(tempfile.mkdtemp(prefix="gigawatt-share-"))
    store, log, port = folder / "runs.sqlite", folder / "server.log", free_port()
    run_id = gigawatt.plan(EXAMPLES / "west-texas-offgrid.yaml", set=SCREENING, store=str(store)).run.id
    server = WebServer(url=f"http://{HOST}:{port}", store=store, folder=folder, process=None, log=log)  # type: ignore[arg-type]
    serve_with_token(server)
    try:
        yield server, run_id
    finally:
        stop_server(server)
    assert "Traceback" not in server.output(), server.output()[-4000:]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_share_page_of_a_token_server_draws_its_charts_without_the_token(browser, token_server, viewport):
    server, run_id = token_server
    request = urllib.request.Request(f"{server.url}/api/v1/runs/{run_id}/share", method="POST", headers=BEARER)
    with urllib.request.urlopen(request, timeout=30) as answer:
        link = json.loads(answer.read())
    tab = Tab(browser, viewport)
    away = off_server(tab, server.url)
    tab.page.goto(server.url + link["url"])
    assert tab.charts_drawn() >= 3
    expect(tab.page.get_by_text("a shared run, read-only")).to_be_visible()
    assert tab.page.locator("header a").count() == 0 and tab.page.locator("#share").count() == 0
    tab.fits_the_width()
    tab.shot(f"share-token-server-{viewport['width']}")
    assert tab.context.cookies() == []  # no token cookie: the page never had the token
    tab.close()
    assert away == [], away


def test_the_run_page_makes_and_revokes_a_share_link(browser, token_server):
    server, run_id = token_server
    tab = Tab(browser, DESKTOP)
    page = tab.page
    page.goto(f"{server.url}/runs/{run_id}?token={TOKEN}")
    link = page.locator("#share-link")
    if not link.is_visible():  # no link yet (a page shown makes none): make one
        page.locator("#share-make").click()
    expect(link).to_be_visible()
    shared = link.get_attribute("href")
    page.locator("#share-revoke").click()
    expect(page.locator("#share-status")).to_contain_text("revoked")
    expect(page.locator("#share-make")).to_be_visible()
    tab.shot("share-revoked")
    other = browser.new_context()
    refused = other.new_page()
    answer = refused.goto(server.url + shared)
    assert answer.status == 403
    expect(refused.locator(".error")).to_contain_text("revoked")
    refused.screenshot(path=str(Path(__file__).resolve().parents[1] / "artifacts" / "share-revoked-403.png"), full_page=True)
    other.close()
    page.locator("#share-make").click()
    expect(link).to_be_visible()
    assert link.get_attribute("href") != shared
    tab.close()


def test_a_share_link_made_before_a_restart_of_the_server_still_draws(browser, token_server):
    """Checked from outside: a link made on a running ``gigawatt serve --token`` opens, charts drawn, with no
    token, after that server process is stopped and started again on the same store."""
    server, run_id = token_server
    request = urllib.request.Request(f"{server.url}/api/v1/runs/{run_id}/share", method="POST", headers=BEARER)
    with urllib.request.urlopen(request, timeout=30) as answer:
        link = json.loads(answer.read())
    stop_server(server)
    serve_with_token(server)  # the same port and store, a new process: a restart
    tab = Tab(browser, DESKTOP)
    try:
        answer = tab.page.goto(server.url + link["url"])
        assert answer is not None and answer.status == 200
        assert tab.charts_drawn() >= 3
        assert tab.context.cookies() == []  # no token was needed, none was set
    finally:
        tab.close()
