"""The workbench's REST API and its security, through httpx (FastAPI's TestClient) on a real run store;
runs go through real worker processes."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
import yaml
from conftest import EXAMPLES

import gigawatt
import gigawatt.store

fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed (pip install -e '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402

from gigawatt.web.app import CSP, MAX_UPLOAD_BYTES, create_app  # noqa: E402

OFFGRID = (EXAMPLES / "west-texas-offgrid.yaml").read_text()
SCREENING = ["site.screening_segments=48"]
TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return str(tmp_path_factory.mktemp("web") / "runs.sqlite")


@pytest.fixture(scope="module")
def client(store, tmp_path_factory):
    with TestClient(create_app(store=store, uploads=tmp_path_factory.mktemp("uploads"))) as c:
        yield c


def wait(client, job: dict, timeout_s: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while job["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, f"job still {job['state']} after {timeout_s} s"
        time.sleep(0.2)
        job = client.get(f"/api/v1/jobs/{job['id']}").json()
    return job


@pytest.fixture(scope="module")
def plan_run(client):
    started = client.post("/api/v1/runs", json={"kind": "plan", "yaml": OFFGRID, "set": SCREENING})
    assert started.status_code == 202, started.text
    job = wait(client, started.json())
    assert job["state"] == "done", job
    return job["run_id"]


def test_a_run_started_from_the_web_is_the_cli_s_run(client, plan_run, store):
    # the same inputs through the Python API give the same content hash, found in the same store
    same = gigawatt.plan(EXAMPLES / "west-texas-offgrid.yaml", set=SCREENING, store=store)
    assert same.run.id == plan_run
    shown = client.get(f"/api/v1/runs/{plan_run}").json()
    assert shown["result"]["annual_cost_usd"] == pytest.approx(same.annual_cost_usd, rel=1e-12)
    assert shown["kind"] == "plan" and shown["schema_version"] == 1
    listed = client.get("/api/v1/runs", params={"kind": "plan"}).json()
    assert plan_run in [row["id"] for row in listed]


def test_a_run_page_shows_the_figures_as_the_cli_formats_them(client, plan_run):
    from gigawatt.core.present import figure_text
    from gigawatt.registry import figures

    page = client.get(f"/runs/{plan_run}")
    assert page.status_code == 200
    data = client.get(f"/api/v1/runs/{plan_run}").json()
    for label, value in list(figures("plan", data["result"]).items())[:6]:
        assert f"<th scope=\"row\">{label}</th><td>{figure_text(label, value)}</td>" in page.text
    for chart in ("capacity", "costs", "dispatch"):
        assert f'id="chart-{chart}"' in page.text and f'id="fig-{chart}"' in page.text


def test_tables_and_every_download_format(client, plan_run):
    names = client.get(f"/api/v1/runs/{plan_run}/tables").json()
    assert {"capacity", "costs", "dispatch"} <= set(names)
    rows = client.get(f"/api/v1/runs/{plan_run}/tables/capacity").json()
    assert rows and {"option", "capacity_mw"} <= set(rows[0])
    assert client.get(f"/api/v1/runs/{plan_run}/tables/capacity", params={"format": "csv"}).text.startswith("option,")
    assert json.loads(client.get(f"/api/v1/runs/{plan_run}/export", params={"format": "json"}).content)["run"]["id"] == plan_run
    for fmt in ("csv", "parquet"):
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/runs/{plan_run}/export", params={"format": fmt}).content))
        assert any(name.startswith("dispatch") for name in archive.namelist())
    assert client.get(f"/api/v1/runs/{plan_run}/export", params={"format": "xlsx"}).content[:2] == b"PK"
    pdf = client.get(f"/api/v1/runs/{plan_run}/export", params={"format": "pdf"})  # the report as a PDF, or why not here
    if pdf.status_code == 422:
        assert "gigawatt[pdf]" in pdf.json()["error"]
    else:
        assert pdf.content[:5] == b"%PDF-" and pdf.headers["content-disposition"].endswith('.pdf"')
    report = client.get(f"/api/v1/runs/{plan_run}/export", params={"format": "html"})
    assert report.headers["content-disposition"].endswith('.html"')
    assert "Plotly" in report.text and 'id="fig-dispatch"' in report.text and "<script src=" not in report.text  # self-contained
    assert client.get(f"/api/v1/runs/{plan_run}/export", params={"format": "docx"}).status_code == 422
    # every download is named with its extension, so that it opens in the program it is for
    for fmt, ending in {"json": ".json", "xlsx": ".xlsx", "csv": "-csv.zip", "parquet": "-parquet.zip", "html": ".html"}.items():
        named = client.get(f"/api/v1/runs/{plan_run}/export", params={"format": fmt}).headers["content-disposition"]
        assert named.startswith(f'attachment; filename="gigawatt-plan-{plan_run[:12]}') and named.endswith(f'{ending}"'), named
    named = client.get(f"/api/v1/runs/{plan_run}/tables/capacity", params={"format": "csv"}).headers["content-disposition"]
    assert named == f'attachment; filename="gigawatt-plan-{plan_run[:12]}-capacity.csv"'


def test_compare_shows_the_inputs_that_differ(client, plan_run):
    other = wait(client, client.post("/api/v1/runs", json={"kind": "plan", "yaml": OFFGRID, "set": ["site.screening_segments=24"]}).json())
    assert other["state"] == "done"
    page = client.get("/compare", params={"ids": f"{plan_run},{other['run_id']}"})
    assert page.status_code == 200
    assert "site.screening_segments" in page.text and "Δ" in page.text


def test_validation_names_the_field_and_line_as_the_cli_does(client):
    bad = OFFGRID.replace("power_mw:", "powr_mw:", 1)
    found = client.post("/api/v1/validate", json={"kind": "plan", "yaml": bad}).json()
    line = 1 + next(i for i, text in enumerate(bad.splitlines()) if "powr_mw:" in text)
    assert not found["ok"] and "did you mean 'power_mw'" in found["error"] and found["line"] == line and found["field"].startswith("cluster")
    assert client.post("/api/v1/validate", json={"kind": "plan", "yaml": OFFGRID}).json()["ok"]
    malformed = client.post("/api/v1/validate", json={"kind": "plan", "yaml": "site: [unclosed"}).json()
    assert not malformed["ok"] and "not valid YAML" in malformed["error"] and malformed["line"] == 1
    refused = client.post("/api/v1/runs", json={"kind": "plan", "yaml": "site: [unclosed"})
    assert refused.status_code == 422 and "\n" not in refused.json()["error"] and "Traceback" not in refused.text
    wrong_kind = client.post("/api/v1/validate", json={"kind": "buildout", "yaml": OFFGRID}).json()
    assert "looks like a plan scenario" in wrong_kind["error"]


def test_a_failed_run_reports_one_line(client):
    scenario = yaml.safe_load(OFFGRID)
    scenario["supply"] = {"technologies": ["gas_recip"]}
    scenario["constraints"] = {"carbon_free_share": 0.5}
    job = wait(client, client.post("/api/v1/runs", json={"kind": "plan", "yaml": yaml.safe_dump(scenario), "set": SCREENING}).json())
    assert job["state"] == "failed" and job["error"].startswith("constraints.carbon_free_share") and "\n" not in job["error"]


def test_a_running_job_can_be_cancelled(client):
    job = client.post("/api/v1/runs", json={"kind": "plan", "yaml": (EXAMPLES / "west-texas-grid-gas.yaml").read_text(),
                                                "set": ["grid.availability_csv=null"]}).json()  # a server path is refused: no bundled CSV
    cancelled = client.delete(f"/api/v1/jobs/{job['id']}").json()
    assert cancelled["state"] == "cancelled"
    assert client.get(f"/api/v1/jobs/{job['id']}").json()["state"] == "cancelled"


def test_uploads_are_stored_by_hash_and_scenarios_cannot_name_server_paths(client, tmp_path):
    series = "timestamp,load_mw\n" + "".join(f"2025-01-01 {h:02d}:00,100\n" for h in range(24))
    stored = client.post("/api/v1/uploads", files={"file": ("../../../etc/passwd", series.encode(), "text/csv")}).json()
    assert stored["name"].startswith("upload:") and stored["name"].endswith(".csv") and "/" not in stored["name"]
    assert stored["original"] == "passwd"  # the client's name is kept as a label only, never as a path
    scenario = yaml.safe_load(OFFGRID)
    for path in ("/etc/passwd", "../../secret.csv", str(tmp_path / "x.csv")):
        scenario["site"]["load_csv"] = path
        found = client.post("/api/v1/validate", json={"kind": "plan", "yaml": yaml.safe_dump(scenario)}).json()
        assert not found["ok"] and found["error"].startswith("site.load_csv") and "upload" in found["error"]
    scenario["site"].pop("load_csv")  # nor through an override
    sneaked = client.post("/api/v1/validate", json={"kind": "plan", "yaml": yaml.safe_dump(scenario), "set": ["site.load_csv=/etc/passwd"]}).json()
    assert not sneaked["ok"] and sneaked["error"].startswith("site.load_csv")
    scenario["site"]["load_csv"] = "upload:" + "0" * 64 + ".csv"
    assert "has not been uploaded" in client.post("/api/v1/validate", json={"kind": "plan", "yaml": yaml.safe_dump(scenario)}).json()["error"]
    too_big = client.post("/api/v1/uploads", files={"file": ("big.csv", b"0" * (MAX_UPLOAD_BYTES + 1), "text/csv")})
    assert too_big.status_code == 413


def test_every_response_carries_the_security_headers(client, plan_run):
    for path in ("/", f"/runs/{plan_run}", "/api/v1/runs", "/static/app.css", "/nope"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CSP and headers["x-content-type-options"] == "nosniff"
    script = CSP.split("script-src ")[1].split(";")[0]
    assert "unsafe-inline" not in script and "unsafe-eval" not in script
    assert "<script>" not in client.get(f"/runs/{plan_run}").text  # no inline script: data travels in JSON blocks


def test_catalogs_examples_and_openapi(client):
    accelerators = client.get("/api/v1/catalogs/accelerators").json()
    assert any("H100" in json.dumps(row) for row in accelerators) and all("source" in row for row in accelerators)
    hubs = client.get("/api/v1/catalogs/gas_hubs").json()
    assert {"waha", "henry_hub", "ttf"} <= {row["hub"] for row in hubs} and all(row["source"] for row in hubs)
    assert client.get("/api/v1/catalogs/nope").status_code == 404
    assert client.get("/api/v1/examples").json()["west-texas-offgrid"] == "plan"
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/runs", "/api/v1/runs/{run_id}", "/api/v1/validate", "/api/v1/uploads"} <= set(paths)


def test_a_token_guards_everything_but_signed_share_links(store, tmp_path, plan_run):
    with TestClient(create_app(store=store, token=TOKEN, uploads=tmp_path)) as guarded:
        assert guarded.get("/").status_code == 401
        assert guarded.get("/api/v1/runs").status_code == 401
        assert guarded.get("/api/v1/runs", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert guarded.post("/api/v1/runs", json={"kind": "plan", "yaml": OFFGRID}).status_code == 401
        assert guarded.get("/api/v1/runs", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        # opening the printed address sets the cookie the pages then use
        entered = guarded.get(f"/?token={TOKEN}", follow_redirects=False)
        assert entered.status_code == 303 and "httponly" in entered.headers["set-cookie"].lower()
        assert guarded.get("/").status_code == 200
        guarded.cookies.clear()
        page = guarded.get(f"/runs/{plan_run}", headers={"Authorization": f"Bearer {TOKEN}"}).text
        assert 'href="/share/' not in page  # showing a page makes no link: its owner asks for one
        made = guarded.post(f"/api/v1/runs/{plan_run}/share", headers={"Authorization": f"Bearer {TOKEN}"}).json()
        share = made["url"].removeprefix("/share/")
        assert guarded.get(f"/share/{share}").status_code == 200  # no token needed
        run_id, signature = share.split("?sig=")
        forged = signature[:-1] + ("0" if signature[-1] != "0" else "1")
        assert guarded.get(f"/share/{run_id}?sig={forged}").status_code == 403
        assert guarded.get(f"/share/{run_id}").status_code == 403


def test_serve_refuses_a_bad_port_in_one_line():
    import subprocess
    import sys

    from pathlib import Path

    entry = Path(sys.executable).with_name("gigawatt")  # the installed entry point, as a user runs it
    done = subprocess.run([str(entry), "serve", "--port", "0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--port" in done.stderr and "Traceback" not in done.stderr


def test_the_editor_form_is_generated_from_the_schema_and_its_values_are_overrides(client):
    from gigawatt.web.app import form_fields

    fields = {f["key"]: f for f in form_fields("plan")}
    assert fields["grid.import_mw"]["type"] == "number" and "MW" in fields["grid.import_mw"]["description"]
    assert fields["solver.method"]["choices"] == ["simplex", "dual-devex", "ipm", "race"] and fields["solver.method"]["default"] == "simplex"
    page = client.get("/edit", params={"example": "west-texas-offgrid"}).text
    assert 'data-key="grid.import_mw"' in page and '<label for="f-grid.import_mw">' in page
    found = client.post("/api/v1/validate", json={"kind": "plan", "yaml": OFFGRID, "set": ["site.latitude=200"]}).json()
    assert not found["ok"] and found["field"] == "site.latitude" and "less than or equal to 90" in found["error"]


def test_every_kind_draws_its_charts_from_a_stored_run(tmp_path):
    """size has none; buildout, site, finance, reliability and headroom (with a campus) draw theirs from the stored run's tables."""
    from conftest import SHARED

    from gigawatt.web.charts import figures

    store = str(tmp_path / "kinds.sqlite")
    made = {
        "size": gigawatt.size(EXAMPLES / "h100-100k.yaml", store=store),
        "buildout": gigawatt.buildout(EXAMPLES / "buildout" / "10gw.yaml", set={"draws": 20}, store=store),
        "site": gigawatt.site(EXAMPLES / "site" / "clean-5gw.yaml", store=store),
        "finance": gigawatt.finance(EXAMPLES / "finance" / "west-texas-campus.yaml", set={"site.screening_segments": 48}, store=store),
        "reliability": gigawatt.reliability(EXAMPLES / "reliability" / "west-texas-offgrid.yaml",
                                            set={"site.screening_segments": 48, "reliability.draws": 50}, store=store),
    }
    demand = SHARED / "data" / "eia930-cleaned" / "cleaned_demand_2020_2024_by_ba_subregion.csv"
    if demand.exists():
        made["headroom"] = gigawatt.headroom({"files": [str(demand)], "systems": ["ERCO"], "limits_pct": [0.25, 0.5],
                                              "campus": {"mw": 1200, "limit_pct": 0.5, "availability_year": 2023}}, store=store)
    expected = {"size": set(), "buildout": {"online"}, "site": {"map", "cost_date"}, "headroom": {"headroom", "heatmap"},
                "finance": {"cash_flows", "waterfall"}, "reliability": {"duration_curve", "unserved"}}
    kept = gigawatt.store.open_store(store)
    with TestClient(create_app(store=store, uploads=tmp_path)) as client:
        for kind, fresh in made.items():
            stored = kept.load(fresh.run.id)
            charts = figures(stored)
            assert set(charts) >= expected[kind], kind
            assert json.dumps(charts) == json.dumps(figures(fresh))  # a stored run draws as the fresh one
            assert all(trace.get("x") or trace.get("z") or trace.get("lat") for fig in charts.values() for trace in fig["data"])
            page = client.get(f"/runs/{fresh.run.id}")
            assert page.status_code == 200
            if kind == "finance":  # the headline figures a planner looks for, with their units
                assert "break-even" in page.text and "USD/accelerator-hour" in page.text
            if kind == "reliability":
                assert "LOLE h/yr" in page.text and "EUE MWh/yr" in page.text


def test_a_loopback_server_answers_only_to_loopback_host_names(store, tmp_path):
    """Against DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 is refused."""
    with TestClient(create_app(store=store, uploads=tmp_path, host="127.0.0.1"), base_url="http://127.0.0.1:8000") as local:
        refused = local.get("/api/v1/examples", headers={"Host": "evil.example"})
        assert refused.status_code == 421 and "\n" not in refused.json()["error"]
        assert "evil.example" in refused.json()["error"] and "http://127.0.0.1:" in refused.json()["error"] and "--host" in refused.json()["error"]
        assert local.get("/", headers={"Host": "evil.example:8000"}).status_code == 421
        assert local.get("/api/v1/examples", headers={"Host": "127.0.0.1.evil.example"}).status_code == 421
        for name in ("127.0.0.1:8000", "localhost", "LOCALHOST:8765", "[::1]:8765", "[::1]"):
            assert local.get("/api/v1/examples", headers={"Host": name}).status_code == 200, name
    # beyond loopback a token is required, and the Host is free (the machine has names of its own)
    with TestClient(create_app(store=store, token=TOKEN, uploads=tmp_path, host="0.0.0.0")) as shared:
        answer = shared.get("/api/v1/examples", headers={"Host": "planner.example:8765", "Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200


def test_what_needs_the_token_is_not_stored_by_caches(store, tmp_path, plan_run):
    with TestClient(create_app(store=store, token=TOKEN, uploads=tmp_path)) as guarded:
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        for path in ("/", f"/runs/{plan_run}", "/api/v1/runs", f"/api/v1/runs/{plan_run}/export?format=json"):
            answer = guarded.get(path, headers=bearer)
            assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store", path
        assert guarded.get("/api/v1/runs").headers["cache-control"] == "no-store"  # the refusal too
        assert guarded.get(f"/?token={TOKEN}", follow_redirects=False).headers["cache-control"] == "no-store"
        for asset in ("/static/app.css", "/vendor/plotly.min.js"):  # public (a share page loads them without the token): cacheable
            assert "no-store" not in guarded.get(asset).headers.get("cache-control", ""), asset


def test_serve_prints_an_address_a_browser_can_open():
    import socket

    from gigawatt.cli.serve import startup_line

    for bound in ("0.0.0.0", "::"):
        line = startup_line(bound, 8765, "abc")
        assert "http://0.0.0.0" not in line and "http://[::]" not in line and "all addresses" in line
        assert f"http://{socket.gethostname()}:8765/?token=abc" in line and "http://127.0.0.1:8765/?token=abc" in line
    assert startup_line("127.0.0.1", 8765, None).startswith("gigawatt workbench at http://127.0.0.1:8765/ ")
    assert "http://[::1]:9000/?token=t" in startup_line("::1", 9000, "t")


def test_solver_settings_from_the_browser_are_capped(client):
    import os

    from gigawatt.web.app import MAX_TIME_LIMIT_S

    cores = os.cpu_count()
    many = client.post("/api/v1/runs", json={"kind": "plan", "yaml": OFFGRID, "set": [f"solver.threads={cores + 1}"]})
    assert many.status_code == 422 and many.json()["error"].startswith("solver.threads:")
    assert str(cores + 1) in many.json()["error"] and f"{cores} cores" in many.json()["error"] and "\n" not in many.json()["error"]
    long = client.post("/api/v1/runs", json={"kind": "plan", "yaml": OFFGRID, "set": [f"solver.time_limit_s={2 * MAX_TIME_LIMIT_S:g}"]})
    assert long.status_code == 422 and long.json()["error"].startswith("solver.time_limit_s:")
    assert f"{2 * MAX_TIME_LIMIT_S:g}" in long.json()["error"] and f"{MAX_TIME_LIMIT_S:g}" in long.json()["error"]
    shown = client.post("/api/v1/validate", json={"kind": "plan", "yaml": OFFGRID, "set": [f"solver.threads={cores + 1}"]}).json()
    assert not shown["ok"] and shown["field"] == "solver.threads"  # the editor shows it as it is typed
    within = client.post("/api/v1/validate", json={"kind": "plan", "yaml": OFFGRID, "set": [f"solver.threads={cores}", "solver.time_limit_s=60"]})
    assert within.json()["ok"]


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, monkeypatch):
    from gigawatt.web import app as web

    # a declared length over the limit: refused at once, the few bytes sent are never parsed
    declared = client.post("/api/v1/uploads", content=b"--b\r\n", headers={"Content-Type": "multipart/form-data; boundary=b",
                                                                             "Content-Length": str(10 * MAX_UPLOAD_BYTES)})
    assert declared.status_code == 413 and "MB" in declared.json()["error"]
    # a chunked body (no Content-Length) is read up to the limit and no further
    monkeypatch.setattr(web, "MAX_UPLOAD_BYTES", 1000)
    chunks = (b"x" * 8192 for _ in range(20))  # 160 kB, over 1000 bytes and the multipart slack
    chunked = client.post("/api/v1/uploads", content=chunks, headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert chunked.status_code == 413
    series = b"timestamp,load_mw\n2025-01-01 00:00,100\n"
    part = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="s.csv"\r\nContent-Type: text/csv\r\n\r\n'
            + series + b"\r\n--b--\r\n")
    small = client.post("/api/v1/uploads", content=iter([part[:40], part[40:]]), headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert small.status_code == 200 and small.json()["bytes"] == len(series)


def test_runs_beyond_the_concurrency_wait_their_turn_and_a_full_queue_is_refused(store, tmp_path, monkeypatch):
    from gigawatt.web import jobs as jobs_module

    monkeypatch.setattr(jobs_module, "MAX_QUEUED", 2)
    size = {"kind": "size", "yaml": "cluster: {accelerator: H100 SXM, count: 1000}\n", "set": []}
    with TestClient(create_app(store=store, uploads=tmp_path / "uploads", concurrency=1)) as c:
        posted = [c.post("/api/v1/runs", json={**size, "set": [f"cluster.count={1000 + n}"]}) for n in range(4)]
        assert [p.status_code for p in posted] == [202, 202, 202, 503]  # one running, two waiting, the fourth refused
        assert [p.json()["state"] for p in posted[:3]] == ["running", "queued", "queued"]
        assert "job queue is full (2 runs wait for 1 slots)" in posted[3].json()["detail"] and "--jobs" in posted[3].json()["detail"]
        ids = [p.json()["id"] for p in posted[:3]]
        assert c.delete(f"/api/v1/jobs/{ids[2]}").json()["state"] == "cancelled"  # a waiting run leaves the queue
        deadline = time.monotonic() + 120
        while True:  # the waiting one starts only when the first has ended: asked second, the first is done by then
            second = c.get(f"/api/v1/jobs/{ids[1]}").json()["state"]
            states = [c.get(f"/api/v1/jobs/{ids[0]}").json()["state"], second, c.get(f"/api/v1/jobs/{ids[2]}").json()["state"]]
            assert second == "queued" or states[0] == "done", states
            if states[:2] == ["done", "done"]:
                break
            assert time.monotonic() < deadline, states
            time.sleep(0.2)
        assert states[2] == "cancelled"
