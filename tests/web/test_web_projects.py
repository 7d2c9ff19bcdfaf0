"""The workbench's run list and sweeps from the page (issue 29): the store's display names and notes on SQLite and
PostgreSQL, the list's API (search, kind and date filters, pages, rename, notes, delete, sweep points under their
sweep), the headline text printed equal by the web list and ``gigawatt runs list``, a sweep's refusals, and in
Debian's chromium at 1280 and 390 px: search, filter, page, rename, note and delete in the list, and a sweep started
from the page whose chart fills in and that ends on the stored sweep's page.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import gigawatt.api as api
from gigawatt.store import open_store

fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed (pip install -e '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402
from web_server import ROOT, gigawatt_command, server_env  # noqa: E402

from gigawatt.report.tables import headline_text  # noqa: E402
from gigawatt.web.app import create_app  # noqa: E402
from gigawatt.web.projects import MAX_NAME_CHARS, PAGE_SIZE  # noqa: E402

try:
    from gigawatt.sweep import served
except ImportError:  # no Dask: the sweep tests skip
    served = None

SWEEP_EXAMPLE = ROOT / "src" / "gigawatt" / "examples" / "sweep" / "gas-and-grid.yaml"
QUICK_SEGMENTS = "site.screening_segments=24"  # a point solves in about a second on 24 segments
WIDE_TERMINAL = "400"  # columns for rich, so that `gigawatt runs list` folds no headline


def size_run(store: str, count: int, name: str = "size"):
    """A quick real run (a cluster sized, well under a second), kept in ``store``."""
    return api.run("size", {"name": name, "cluster": {"accelerator": "H100", "count": count}}, store=store)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "runs.sqlite")
    return request.getfixturevalue("postgres_db_url")


def test_a_rename_and_a_note_are_kept_beside_the_run_whose_id_and_record_do_not_change(store_url):
    first, second, third = (size_run(store_url, 1000 * k, f"cluster {k}") for k in (1, 2, 3))
    kept = open_store(store_url)
    assert kept.label(second.run.id[:10], name=" Budget option ", note="for the board") == {"display_name": "Budget option", "note": "for the board"}
    assert kept.label(second.run.id, note="") == {"display_name": "Budget option", "note": None}  # "" clears, None leaves
    assert kept.load(second.run.id).name == "cluster 2"  # the run itself is untouched, under the same id
    rows, total = kept.projects(search="budget")
    assert total == 1 and rows[0]["id"] == second.run.id and rows[0]["display_name"] == "Budget option"
    newest_first = [r["id"] for r in kept.list()]  # created to the second, then by id
    assert sorted(newest_first) == sorted(r.run.id for r in (first, second, third))
    rows, total = kept.projects(limit=2)
    assert total == 3 and [r["id"] for r in rows] == newest_first[:2]
    rows, _ = kept.projects(offset=2, limit=2)
    assert [r["id"] for r in rows] == newest_first[2:]
    assert kept.projects(until="2000-01-01")[1] == 0 and kept.projects(since="2000-01-01")[1] == 3
    assert [r["id"] for r in kept.list(limit=1, offset=1)] == newest_first[1:2]
    kept.remove([second.run.id])  # a removed run's name and note go with it (the store's delete)
    assert kept.labels([second.run.id]) == {}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = str(tmp_path_factory.mktemp("projects") / "runs.sqlite")
    with TestClient(create_app(store=store, uploads=tmp_path_factory.mktemp("uploads"), concurrency=1, sweeps=served)) as c:
        c.store = store
        yield c


def test_the_list_pages_filters_and_searches(client):
    ids = [size_run(client.store, 100 * (k + 1), f"api cluster {k}").run.id for k in range(PAGE_SIZE + 2)]
    first = client.get("/api/v1/projects").json()
    assert first["total"] >= PAGE_SIZE + 2 and len(first["runs"]) == PAGE_SIZE and first["previous"] is None
    second = client.get(f"/api/v1/projects?offset={first['next']}").json()
    assert second["previous"] == 0 and not {r["id"] for r in first["runs"]} & {r["id"] for r in second["runs"]}
    assert [r["id"] for r in client.get("/api/v1/projects?q=API%20CLUSTER%2026").json()["runs"]] == [ids[26]]
    assert client.get("/api/v1/projects?kind=plan").json()["total"] == 0
    newest_first = [r["id"] for r in client.get("/api/v1/runs?limit=3").json()]
    assert [r["id"] for r in client.get("/api/v1/runs?limit=2&offset=1").json()] == newest_first[1:3]
    refused = client.get("/api/v1/projects?since=2026-13-40")
    assert refused.status_code == 422 and refused.json() == {"error": "since: '2026-13-40' is not a calendar date; write it as YYYY-MM-DD"}


def test_rename_note_and_delete_through_the_api(client):
    run = size_run(client.store, 4321, "to rename")
    done = client.patch(f"/api/v1/runs/{run.run.id}/label", json={"display_name": "Renamed", "note": "checked by finance"})
    assert done.status_code == 200 and done.json()["id"] == run.run.id
    row = client.get("/api/v1/projects?q=renamed").json()["runs"][0]
    assert (row["id"], row["name"], row["display_name"], row["note"]) == (run.run.id, "to rename", "Renamed", "checked by finance")
    too_long = client.patch(f"/api/v1/runs/{run.run.id}/label", json={"display_name": "x" * (MAX_NAME_CHARS + 1)})
    assert too_long.status_code == 422 and too_long.json()["error"].startswith("display_name: longer than")
    assert client.patch("/api/v1/runs/ffffffffffff/label", json={"note": "x"}).status_code == 404
    assert client.delete(f"/api/v1/runs/{run.run.id}").status_code == 200
    assert client.get("/api/v1/projects?q=renamed").json()["total"] == 0
    assert open_store(client.store).labels([run.run.id]) == {}  # its name and note went with it


def test_the_web_list_and_the_cli_print_the_same_headline(client, tmp_path):
    run = size_run(client.store, 123_456, "headline check")
    shown = client.get("/api/v1/projects?q=headline%20check").json()["runs"][0]["headline_text"]
    assert shown == headline_text(open_store(client.store).list(ids=[run.run.id])[0]["headline"]) and shown
    page = client.get("/?q=headline+check").text
    assert f'data-headline="{shown}"' in page
    env = {**server_env(Path(client.store)), "COLUMNS": WIDE_TERMINAL}
    done = subprocess.run([gigawatt_command(), "runs", "list", "--store", client.store], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if run.run.id[:12] in line)
    assert shown in " ".join(line.split()), (shown, line)


def test_a_bad_sweep_is_refused_in_one_line_naming_the_field(client):
    cases = {"sweep:\n  base: ../../../../etc/hosts.yaml\n  vary: {grid.import_mw: [1, 2]}\n": "sweep.base:",
             "name: no sweep\n": "sweep: no sweep: section",
             "sweep:\n  base: ../west-texas-grid-gas.yaml\n  vary: {grid.import_mw: [1, 2]}\n  weather_years: 2010-2012\n": "sweep.weather_years:",
             "sweep:\n  base: ../west-texas-grid-gas.yaml\n  design: oat\n  vary: {grid.nonsense_mw: [1, 2]}\n": "point 2",
             # a file on the server that is not one the package ships: never read
             "site: {load_csv: /etc/hosts}\nsweep:\n  vary: {grid.import_mw: [1, 2]}\n": "site.load_csv: '/etc/hosts' is not a file shipped"}
    for text, start in cases.items():
        refused = client.post("/api/v1/sweeps", json={"yaml": text})
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error.startswith(start) and "\n" not in error and "Traceback" not in error, error


def test_a_sweep_runs_on_the_cluster_the_server_is_given(tmp_path):
    """``gigawatt serve --scheduler ADDRESS``: a sweep started through the API runs on that cluster's workers, its
    points reported as they finish, and ends as a stored sweep whose points are grouped under it in the list."""
    pytest.importorskip("dask.distributed", reason="the sweep extra is not installed (pip install -e '.[sweep]')")
    import time

    from gigawatt.sweep.runner import local_cluster

    text = SWEEP_EXAMPLE.read_text().replace("site.screening_segments=365", QUICK_SEGMENTS)
    with local_cluster(1) as cluster, TestClient(create_app(store=str(tmp_path / "runs.sqlite"), scheduler=cluster.scheduler_address, sweeps=served)) as c:
        job = c.post("/api/v1/sweeps", json={"yaml": text})
        assert job.status_code == 202, job.text
        deadline = time.monotonic() + 240
        while (state := c.get(f"/api/v1/sweeps/{job.json()['id']}").json())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, state
            time.sleep(0.5)
        assert state["state"] == "done", state
        assert len(state["points"]) == 7 and state["chart"]["data"][0]["type"] == "bar" and len(state["chart"]["data"][0]["x"]) == 7
        listed = c.get("/api/v1/projects").json()
        # points with the same inputs are one run (OAT's base point is also its connection's low value)
        in_order = list(dict.fromkeys(p["run_id"] for p in c.get(f"/api/v1/runs/{state['run_id']}").json()["result"]["points"]))
        assert listed["total"] == 1 and listed["runs"][0]["id"] == state["run_id"]
        assert [p["id"] for p in listed["runs"][0]["points"]] == in_order  # in point order, as the sweep lists them


def test_the_servers_own_cluster_is_closed_when_the_app_shuts_down(tmp_path):
    """Without ``--scheduler`` the first sweep starts the server's LocalCluster; the app's shutdown (its lifespan,
    as uvicorn stops) closes it, worker processes included, rather than leaving it to the interpreter's exit."""
    pytest.importorskip("dask.distributed", reason="the sweep extra is not installed (pip install -e '.[sweep]')")
    import psutil

    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    text = SWEEP_EXAMPLE.read_text().replace("site.screening_segments=365", QUICK_SEGMENTS)
    with TestClient(create_app(store=str(tmp_path / "runs.sqlite"), sweeps=served)) as c:
        job = c.post("/api/v1/sweeps", json={"yaml": text})
        assert job.status_code == 202, job.text
        started = {p.pid for p in me.children(recursive=True)} - before
        assert started  # the cluster's scheduler side and its worker processes (and the sweep's job)
    _, alive = psutil.wait_procs([psutil.Process(pid) for pid in started if psutil.pid_exists(pid)], timeout=30)
    assert [p for p in alive if "resource_tracker" not in " ".join(p.cmdline())] == [], [p.cmdline() for p in alive]


# --- in the browser -------------------------------------------------------------------------------------

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SWEEP_TIMEOUT_MS = 240_000  # seven screened plans and a Dask cluster's start, on two shared cores


try:  # the same chromium launch and Tab (no console or page error) as the other browser tests
    from test_web_browser import Tab, browser  # noqa: F401
except pytest.skip.Exception as why:  # no chromium or no playwright: the browser tests skip, the API tests run
    reason = str(why)

    @pytest.fixture(scope="module")
    def browser():
        pytest.skip(reason)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_search_filter_page_rename_note_and_delete_in_the_list(browser, web_server, viewport):
    from playwright.sync_api import expect

    tab = Tab(browser, DESKTOP if viewport == "desktop" else PHONE)
    page = tab.page
    tag = f"list {viewport}"
    ids = [size_run(str(web_server.store), 10 * (k + 1) + (0 if viewport == "desktop" else 5), f"{tag} {k}").run.id for k in range(PAGE_SIZE + 1)]
    page.goto(web_server.url + "/")
    expect(page.locator("#runs tr.run-row")).to_have_count(PAGE_SIZE)
    page.locator("#page-next").click()
    expect(page.locator("#page-previous")).to_be_visible()
    page.goto(web_server.url + "/")
    page.locator("#filter-q").fill(f"{tag} 1")
    page.locator("#filter-kind").select_option("size")
    page.locator("#filter-apply").click()
    expect(page.locator("#run-count")).to_contain_text("of 11 runs matching")  # "… 1" and "… 10" to "… 19"
    page.locator("#filter-since").fill("2000-01-01")
    page.locator("#filter-until").fill("2000-12-31")
    page.locator("#filter-apply").click()
    expect(page.locator("#run-count")).to_contain_text("No runs match")
    page.goto(web_server.url + f"/?q={tag.replace(' ', '+')}+3")
    row = page.locator(f"tr[data-id='{ids[3]}']")
    row.locator("button.rename").click()
    page.locator("#label-name").fill(f"Chosen {viewport}")
    page.locator("#label-save").click()
    expect(page.locator(f"tr[data-id='{ids[3]}'] .run-name")).to_have_text(f"Chosen {viewport}")
    page.locator(f"tr[data-id='{ids[3]}'] button.notes").click()
    page.locator("#label-note").fill("the one for the board pack")
    page.locator("#label-save").click()
    expect(page.locator(f"tr[data-id='{ids[3]}'] .run-note")).to_have_text("the one for the board pack")
    tab.fits_the_width()
    tab.shot(f"projects-list-{viewport}")
    page.once("dialog", lambda dialog: dialog.dismiss())  # a cancelled confirm deletes nothing
    page.locator(f"tr[data-id='{ids[3]}'] button.delete").click()
    expect(page.locator(f"tr[data-id='{ids[3]}']")).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"tr[data-id='{ids[3]}'] button.delete").click()
    expect(page.locator(f"tr[data-id='{ids[3]}']")).to_have_count(0)
    assert open_store(str(web_server.store)).get(ids[3]) is None
    tab.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_sweep_started_from_the_page_fills_its_chart_and_ends_on_the_stored_sweep(browser, web_server, viewport):
    pytest.importorskip("dask.distributed", reason="the sweep extra is not installed (pip install -e '.[sweep]')")
    from playwright.sync_api import expect

    tab = Tab(browser, DESKTOP if viewport == "desktop" else PHONE)
    page = tab.page
    page.goto(web_server.url + "/")
    page.locator("#new-sweep").click()
    page.wait_for_url("**/sweeps/new")
    text = page.locator("#sweep-yaml").input_value()
    assert "gas_recip.fuel_price_usd_per_mmbtu" in text
    segments = "site.screening_segments=24" if viewport == "desktop" else "site.screening_segments=25"  # two sweeps, not one cached
    page.locator("#sweep-yaml").fill(text.replace("site.screening_segments=365", segments))
    tab.shot(f"sweep-new-{viewport}")
    page.locator("#sweep-start").click()
    page.wait_for_url(re.compile(r"/sweeps/[0-9a-f]+$"), timeout=60_000)
    bars = page.locator("#sweep-chart svg .barlayer path")
    expect(bars.first).to_be_attached(timeout=SWEEP_TIMEOUT_MS)  # a first point has finished and is drawn
    tab.shot(f"sweep-live-{viewport}")
    page.wait_for_url(re.compile(r"/runs/[0-9a-f]{64}$"), timeout=SWEEP_TIMEOUT_MS)
    expect(page.locator("#chart-tornado svg .barlayer path").first).to_be_attached(timeout=20_000)
    swept = open_store(str(web_server.store)).load(page.url.rsplit("/", 1)[1])
    assert swept.kind == "sweep" and len(swept.data["points"]) == 7
    tab.shot(f"sweep-stored-{viewport}")
    page.goto(web_server.url + "/?kind=sweep")
    row = page.locator(f"tr[data-id='{swept.run.id}']")
    distinct = len({p["run_id"] for p in swept.data["points"]})  # points with the same inputs are one run
    expect(row.locator("details.sweep-points summary")).to_have_text(f"{distinct} runs")
    expect(page.locator("#runs tr.run-row")).to_have_count(1 if viewport == "desktop" else 2)  # points under their sweep, not as rows
    row.locator("details.sweep-points summary").click()
    expect(row.locator("details.sweep-points li a")).to_have_count(distinct)
    tab.shot(f"projects-sweep-row-{viewport}")
    tab.close()


def test_a_stored_sweep_and_the_run_list_fit_a_phone(browser, web_server):
    """At 390 px the stored sweep's page does not scroll sideways (its points table scrolls inside its own box,
    its tornado chart fits), and the run list lays each run out as a card: name, kind and date, headline,
    small action buttons, all inside the window."""
    pytest.importorskip("dask.distributed", reason="the sweep extra is not installed (pip install -e '.[sweep]')")
    from playwright.sync_api import expect

    stored = open_store(str(web_server.store)).list(kind="sweep")
    if not stored:  # the sweeps started from the page (tests above) are stored already; run alone, make one
        done = subprocess.run([gigawatt_command(), "sweep", str(SWEEP_EXAMPLE), "--set", "site.screening_segments=23", "--workers", "1",
                               "--json", "--store", str(web_server.store)], capture_output=True, text=True, env=server_env(Path(web_server.store)),
                              timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        stored = open_store(str(web_server.store)).list(kind="sweep")
    swept = stored[0]
    tab = Tab(browser, PHONE)
    page = tab.page
    page.goto(web_server.url + f"/runs/{swept['id']}")
    assert tab.charts_drawn() >= 1
    expect(page.locator("#points tbody tr")).to_have_count(7)
    tab.fits_the_width()
    wrap = page.evaluate("(() => { const b = document.getElementById('points-wrap'); return [b.scrollWidth, b.clientWidth]; })()")
    assert wrap[1] <= PHONE["width"] and wrap[0] > wrap[1]  # the wide table scrolls inside its box
    tornado = page.locator("#chart-tornado").bounding_box()
    assert tornado is not None and tornado["x"] >= 0 and tornado["x"] + tornado["width"] <= PHONE["width"]
    tab.shot("sweep-stored-fits-phone")
    page.goto(web_server.url + "/")
    tab.fits_the_width()
    row = page.locator(f"tr[data-id='{swept['id']}']")
    assert row.evaluate("r => getComputedStyle(r).display") == "grid"  # a card, not a table row
    for part in (row, row.locator("button.delete"), row.locator("td.headline")):
        box = part.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    tab.shot("projects-list-cards-phone")
    tab.close()
