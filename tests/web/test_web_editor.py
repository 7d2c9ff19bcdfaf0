"""The scenario editor (issue 29): its API through FastAPI's TestClient on a real run store, and a person's
flows in Debian's chromium at 1280 and 390 px against ``gigawatt serve``.

The editor never loses work (a form filled from the YAML and written into it, comments kept; a kind change
asks first), checks exactly as ``gigawatt validate``, reopens a run with the author's text, gives a failed
job a way back, keeps uploads in the run store by hash and by name, and places the site on a map.
"""

from __future__ import annotations

import html
import re
import subprocess

import pytest
import yaml
from conftest import EXAMPLES

fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed (pip install -e '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402

from test_web_api import client, store, wait  # noqa: E402, F401  (client, store: fixtures, as the API tests make them)

from gigawatt.web.app import create_app  # noqa: E402
from gigawatt.web.editor import label, set_key  # noqa: E402

try:  # the browser tests below need Debian's chromium and Playwright; the API tests do not
    from test_web_browser import browser  # noqa: F401  (fixture)
except pytest.skip.Exception as no_browser:
    NO_BROWSER = str(no_browser)

    @pytest.fixture(scope="module")
    def browser():
        pytest.skip(NO_BROWSER)

OFFGRID = (EXAMPLES / "west-texas-offgrid.yaml").read_text()
COMMENT = "# off-grid: firm gas covers the peak"
SCREENED = OFFGRID.replace("  mean_clearness: 0.72", "  mean_clearness: 0.72\n  screening_segments: 48  # fast screening")
SCHEDULE_EXAMPLES = ["schedule/ercot-training-campus", "schedule/carbon-aware-week"]
HOURS_2025 = 8760  # the site's year (2025) hour by hour
LOAD_MW = 1000.0  # a flat facility load for the CLI run's load_csv, MW
FAILING = ["constraints.carbon_free_share=1.0", 'supply.technologies=["gas_recip"]']  # valid, but no plan can meet it


def editor_text(page_html: str) -> str:
    """The scenario text an editor page opens with."""
    return html.unescape(re.search(r'<textarea id="scenario"[^>]*>(.*?)</textarea>', page_html, re.S).group(1))


def cli_validate(path) -> str:
    """``gigawatt validate FILE`` through the installed entry point: its one-line error, without the prefix."""
    from web_server import gigawatt_command

    done = subprocess.run([gigawatt_command(), "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return re.sub(r"^[Ee]rror: ", "", lines[0])


# --- API -----------------------------------------------------------------------------------------------


def test_a_field_is_written_into_the_yaml_keeping_its_comments(client):  # noqa: F811
    edited = client.post("/api/v1/editor/set", json={"yaml": OFFGRID, "key": "cluster.power_mw", "value": "900"}).json()["yaml"]
    assert "  power_mw: 900\n" in edited and "power_mw: 1200" not in edited
    assert edited.replace("power_mw: 900", "power_mw: 1200") == OFFGRID  # nothing else changed: comments, order, flow lists
    picked = set_key(OFFGRID, "supply.technologies", "[utility_pv, gas_recip]")
    assert "  technologies: [utility_pv, gas_recip]\n" in picked and COMMENT in picked
    assert "mean_clearness" not in set_key(OFFGRID, "site.mean_clearness", "")  # emptied: the key goes
    assert "site:\n  latitude: 10\n" in set_key("name: x\n", "site.latitude", "10")
    bad = client.post("/api/v1/editor/set", json={"yaml": "a: [", "key": "name", "value": "x"})
    assert bad.status_code == 422 and "does not parse" in bad.json()["error"]


def test_the_form_is_filled_from_the_yaml_with_readable_labels(client):  # noqa: F811
    keys = ["cluster.power_mw", "site.latitude", "supply.technologies", "solver.threads"]
    found = client.post("/api/v1/editor/check", json={"kind": "plan", "yaml": OFFGRID, "keys": keys}).json()
    assert found["ok"]
    assert found["values"] == {"cluster.power_mw": 1200, "site.latitude": 31.8,
                               "supply.technologies": ["utility_pv", "battery_li_ion", "gas_recip", "gas_ct_aero"]}
    assert label("cluster.power_mw") == "power (MW)" and label("site.mean_clearness") == "mean clearness"
    page = client.get("/edit?example=west-texas-offgrid").text
    assert '>power (MW)</label>' in page and 'value="utility_pv"' in page and "Utility-scale" in page or "PV" in page


@pytest.mark.parametrize("change", [("  mean_clearness: 0.72", "  profile: ercot_top25_merra2_2O18"),
                                    ("  technologies: [utility_pv, battery_li_ion, gas_recip, gas_ct_aero]", "  technologies: []")])
def test_the_editor_checks_exactly_as_gigawatt_validate(client, tmp_path, change):  # noqa: F811
    text = OFFGRID.replace(*change)
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    expected = cli_validate(path)
    for url in ("/api/v1/validate", "/api/v1/editor/check"):
        found = client.post(url, json={"kind": "plan", "yaml": text}).json()
        assert not found["ok"] and found["error"] == expected


def test_uploads_are_kept_in_the_store_by_hash_and_by_name(store, tmp_path):  # noqa: F811
    first, second = b"timestamp,value\n2025-01-01 00:00,100\n", b"timestamp,value\n2025-01-01 00:00,200\n"
    with TestClient(create_app(store=store, uploads=tmp_path / "a")) as c:
        one = c.post("/api/v1/uploads", files={"file": ("../../my load.csv", first, "text/csv")}).json()
        two = c.post("/api/v1/uploads", files={"file": ("my load.csv", second, "text/csv")}).json()
    assert one["named"] == two["named"] == "upload:my-load.csv" and one["name"] != two["name"]
    with TestClient(create_app(store=store, uploads=tmp_path / "b")) as restarted:  # a new server, a new upload folder
        kept = restarted.app.state.editor
        assert kept.resolve_text("load_csv: upload:my-load.csv") == f"load_csv: {two['name']}"  # the latest of that name
        assert kept.resolve_text(f"load_csv: {one['name']}") == f"load_csv: {one['name']}"
        assert (tmp_path / "b" / one["name"].removeprefix("upload:")).read_bytes() == first  # written back from the store
        assert kept.name_of(two["name"][7:-4]) == "upload:my-load.csv" and kept.name_of(one["name"][7:-4]) == one["name"]


@pytest.mark.parametrize("example", SCHEDULE_EXAMPLES)
def test_the_schedule_examples_open_valid_with_their_csvs_as_uploads(client, example):  # noqa: F811
    text = editor_text(client.get(f"/edit?example={example}").text)
    assert re.search(r"_csv: upload:[\w-]+\.csv", text) and not re.search(r"_csv: \S*examples/", text)
    for url in ("/api/v1/editor/check", "/api/v1/validate"):  # the plain API reads upload:<name>.csv as the editor does
        found = client.post(url, json={"kind": "schedule", "yaml": text}).json()
        assert found["ok"], (url, found["error"])


def test_a_run_reopens_with_the_authors_text_and_a_failed_job_with_what_was_sent(client):  # noqa: F811
    job = client.post("/api/v1/editor/runs", json={"kind": "plan", "yaml": SCREENED}).json()
    done = wait(client, job)
    assert done["state"] == "done", done
    assert editor_text(client.get(f"/edit?run={done['run_id']}").text) == SCREENED  # comments and all
    failed = wait(client, client.post("/api/v1/editor/runs", json={"kind": "plan", "yaml": SCREENED, "set": FAILING}).json())
    assert failed["state"] == "failed"
    page = client.get(f"/jobs/{failed['id']}").text
    assert f'href="/edit?job={failed["id"]}">Back to the scenario' in page
    assert editor_text(client.get(f"/edit?job={failed['id']}").text) == SCREENED
    assert client.get("/edit?job=nosuchjob").status_code == 404


def test_a_cli_run_reopens_compact_with_its_csvs_named(client, store, tmp_path):  # noqa: F811
    from gigawatt import api

    series = tmp_path / "load.csv"
    import pandas as pd

    hours = pd.date_range("2025-01-01", periods=HOURS_2025, freq="h")
    series.write_text("timestamp,value\n" + "".join(f"{t:%Y-%m-%d %H:%M},{LOAD_MW}\n" for t in hours))
    scenario = yaml.safe_load(SCREENED)
    scenario["site"]["load_csv"] = str(series)
    result = api.run("plan", scenario, store=store)
    reopened = client.get(f"/edit?run={result.run.id}").text
    text = editor_text(reopened)
    assert "null" not in text and "screening_segments: 48" in text and len(text.splitlines()) < 40
    assert "site.load_csv: the file this run used is not among the uploads" in reopened
    named = client.post("/api/v1/uploads", files={"file": ("load.csv", series.read_bytes(), "text/csv")}).json()["named"]
    assert f"load_csv: {named}" in editor_text(client.get(f"/edit?run={result.run.id}").text)


# --- in a browser ----------------------------------------------------------------------------------------

BROWSER_WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(BROWSER_WIDTHS))
def tab(browser, request):
    from test_web_browser import ARTIFACTS, Tab

    ARTIFACTS.mkdir(exist_ok=True)
    opened = Tab(browser, BROWSER_WIDTHS[request.param])
    opened.width = request.param
    yield opened
    opened.close()


def test_edit_a_field_confirm_a_kind_change_place_the_site_run_and_reopen(tab, web_server):
    from test_web_browser import RUN_TIMEOUT_MS, expect, sync_api

    page, asked = tab.page, []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.goto(web_server.url + "/edit?example=west-texas-offgrid")
    text = page.locator("#scenario")
    expect(page.locator("#status")).to_have_text("valid")
    page.locator("#form summary").click()
    power = page.locator("[data-key='cluster.power_mw']")
    expect(power).to_have_value("1200")  # filled from the YAML
    power.fill("900")
    power.dispatch_event("change")
    expect(text).to_have_value(re.compile(r"\n  power_mw: 900\n"))
    assert COMMENT in text.input_value() and "Overrides" not in page.locator("#overrides").input_value()
    segments = page.locator("[data-key='site.screening_segments']")
    segments.fill("48")
    segments.dispatch_event("change")
    expect(text).to_have_value(re.compile(r"screening_segments: 48"))

    page.locator("#kind").select_option("size")  # edits would be lost: it asks, and dismissed, nothing changes
    assert len(asked) == 1 and "lost" in asked[0]
    expect(page.locator("#kind")).to_have_value("plan")
    assert "power_mw: 900" in text.input_value()

    page.locator("#tech-box summary").click()
    page.locator("#techs input[value='gas_ct_aero']").uncheck()
    expect(text).to_have_value(re.compile(r"technologies: \[utility_pv, battery_li_ion, gas_recip\]"))

    page.locator("#map-box summary").click()
    chart = page.locator("#site-map")
    expect(chart).to_have_attribute("data-drawn", "true", timeout=20_000)
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.3)
    page.mouse.click(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.3)
    expect(text).not_to_have_value(re.compile(r"latitude: 31.8\n"))
    assert COMMENT in text.input_value()
    expect(page.locator("#status")).to_have_text("valid")
    tab.shot(f"editor-edited-{tab.width}")
    for key, value in (("site.latitude", "31.8"), ("site.longitude", "-106.4")):  # back to West Texas, where its sky is reachable
        field = page.locator(f"[data-key='{key}']")
        field.fill(value)
        field.dispatch_event("change")
        expect(text).to_have_value(re.compile(rf"{key.split('.')[1]}: {value}\n"))
    tab.fits_the_width()
    submitted = text.input_value()

    page.locator("#run").click()
    page.wait_for_url(re.compile(r"/(runs|jobs)/[0-9a-f]+$"))
    try:
        page.wait_for_url(re.compile(r"/runs/[0-9a-f]+$"), timeout=RUN_TIMEOUT_MS)
    except sync_api.TimeoutError:
        raise AssertionError(f"the run did not finish: {page.locator('#job-state').inner_text()}: {page.locator('#error').inner_text()}") from None
    page.get_by_role("link", name="Edit and run again").click()
    page.wait_for_url("**/edit?run=*")
    assert page.locator("#scenario").input_value() == submitted  # the author's text, comments and all
    tab.shot(f"editor-reopened-{tab.width}")


def test_a_failed_run_goes_back_to_the_scenario(tab, web_server):
    from test_web_browser import RUN_TIMEOUT_MS, expect

    page = tab.page
    page.goto(web_server.url + "/edit?example=west-texas-offgrid")
    expect(page.locator("#status")).to_have_text("valid")
    page.locator("#overrides").fill("\n".join(["site.screening_segments=48", *FAILING]))
    page.locator("#run").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f]+$"))
    expect(page.locator("#error")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    back = page.get_by_role("link", name="Back to the scenario")
    expect(back).to_be_visible()
    tab.shot(f"job-failed-back-{tab.width}")
    back.click()
    page.wait_for_url("**/edit?job=*")
    assert page.locator("#scenario").input_value() == OFFGRID


@pytest.mark.parametrize("example", SCHEDULE_EXAMPLES)
def test_the_schedule_examples_open_valid_in_the_browser(tab, web_server, example):
    from test_web_browser import expect

    tab.page.goto(web_server.url + f"/edit?example={example}")
    expect(tab.page.locator("#status")).to_have_text("valid")
    assert "upload:" in tab.page.locator("#scenario").input_value()
    if tab.width == "phone":
        tab.shot(f"editor-schedule-{example.split('/')[-1]}-phone")


def test_uploads_and_texts_are_kept_in_a_postgresql_store_too(postgres_db_url, tmp_path):
    """The editor's tables live in the run store's database, PostgreSQL as well as SQLite."""
    body = b"timestamp,value\n2025-01-01 00:00,1\n"
    with TestClient(create_app(store=postgres_db_url, uploads=tmp_path / "a")) as c:
        sent = c.post("/api/v1/uploads", files={"file": ("prices.csv", body, "text/csv")}).json()
        c.app.state.editor.keep_text("0" * 64, "plan", OFFGRID)
    with TestClient(create_app(store=postgres_db_url, uploads=tmp_path / "b")) as restarted:
        kept = restarted.app.state.editor
        assert kept.resolve_text("price_csv: upload:prices.csv") == f"price_csv: {sent['name']}"
        assert kept.text("0" * 64) == OFFGRID
