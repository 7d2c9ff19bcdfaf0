"""The workbench in a real browser: Debian's chromium driven by Playwright against ``gigawatt serve``.

Each flow is a user's: open an example, see it checked as it is typed, run it, read the charts and the
figures, compare two runs, download the HTML report and open it offline, read a failed run's one-line
reason, cancel a slow run. Every page visited is saved as a full-page screenshot in ``tests/artifacts/``
(ignored by git) for a person to look at. No Playwright browser download: the module is skipped, saying
why, where ``/usr/bin/chromium`` is absent (``.ci/run`` installs it) or cannot be launched.

The pages run under the server's content security policy (no eval), so waits go through locators and
``expect``, never ``wait_for_function`` (which evaluates a string in the page).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium; .ci/run installs it as root): no browser to drive",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the python package playwright is not installed (pip install -e \".[dev]\")")
expect = sync_api.expect

from web_server import ROOT, gigawatt_command, server_env  # noqa: E402

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
RUN_TIMEOUT_MS = 120_000  # a screened plan takes ~2 s alone; the whole suite shares two cores
EXAMPLE = "west-texas-offgrid"
SCREENED = ["--screening", "96"]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless; the module skips when Playwright cannot launch it."""
    driver = sync_api.sync_playwright().start()
    try:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    except Exception as exc:  # noqa: BLE001 - any launch failure means no browser tests here
        driver.stop()
        pytest.skip(f"playwright cannot launch {CHROMIUM}: {str(exc).strip().splitlines()[0]}")
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield chromium
    finally:
        chromium.close()
        driver.stop()


class Tab:
    """A browser page with what a test checks at its end: no script error, no failed load, no CSP refusal
    (all show as page errors or console errors); and a screenshot of every page it visits."""

    def __init__(self, browser, viewport: dict[str, int], **options):
        self.context = browser.new_context(viewport=viewport, accept_downloads=True, **options)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text} at {msg.location.get('url')}"))

    def shot(self, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def charts_drawn(self) -> int:
        """Wait until every chart of the page is drawn by Plotly (charts.js sets data-drawn); their number."""
        charts = self.page.locator(".chart[data-figure]")
        count = charts.count()
        for k in range(count):
            expect(charts.nth(k)).to_have_attribute("data-drawn", "true", timeout=20_000)
        return count

    def fits_the_width(self) -> None:
        """The page itself does not scroll sideways (wide tables scroll inside themselves)."""
        wide, seen = self.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert wide <= seen, f"{self.page.url} is {wide} px wide in a {seen} px window"

    def close(self) -> None:
        self.context.close()
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def tab(browser):
    """A fresh desktop-sized tab (1280x800); its errors fail the test."""
    opened = Tab(browser, DESKTOP)
    yield opened
    opened.close()


def figures_of(page) -> dict[str, str]:
    """The run page's figures table (#figures) as label → shown value."""
    rows = page.locator("#figures tr")
    return {rows.nth(k).locator("th").text_content().strip(): rows.nth(k).locator("td").text_content().strip() for k in range(rows.count())}


def number(shown: str) -> float:
    """The number a shown figure starts with (``54.05 USD/MWh`` → 54.05, ``578.8 M USD`` → 5.788e8)."""
    value, *unit = shown.replace(",", "").split()
    return float(value) * {"M": 1e6, "B": 1e9}.get(unit[0] if unit else "", 1.0)


def cli_error(server, *args: str) -> str:
    """The one-line error that ``gigawatt ARGS`` prints (and exits 2 with), without its ``error: `` prefix."""
    done = subprocess.run([gigawatt_command(), *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=server_env(server.store))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0].removeprefix("error: ")


def open_example(tab: Tab, server, name: str = EXAMPLE) -> None:
    """From the home page, the example's link in "New from an example": the editor, checked valid."""
    page = tab.page
    page.goto(server.url + "/")
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(f"**/edit?example={name}")
    expect(page.locator("#status")).to_have_text("valid")


def run_from_editor(tab: Tab, overrides: list[str]) -> str:
    """Type the overrides, press Run, land on the job's page; its id."""
    page = tab.page
    page.locator("#overrides").fill("\n".join(overrides))
    page.locator("#run").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f]+$"))
    return page.url.rsplit("/", 1)[1]


def test_example_is_checked_as_it_is_typed(tab, web_server, tmp_path):
    page = tab.page
    page.goto(web_server.url + "/")
    expect(page.get_by_role("heading", name="New from an example")).to_be_visible()
    tab.shot("home-empty")
    open_example(tab, web_server)
    expect(page.locator("#kind")).to_have_value("plan")
    tab.shot("editor-valid")
    scenario = page.locator("#scenario")
    text = scenario.input_value()
    assert "power_mw: 1200" in text and "mean_clearness:" in text

    # a negative count: the one-line error names the field and its line, as `gigawatt validate` does
    bad = text.replace("power_mw: 1200", "count: -5")
    scenario.fill(bad)
    status = page.locator("#status")
    expect(status).to_contain_text("cluster.count")
    (tmp_path / "bad.yaml").write_text(bad)
    cli = cli_error(web_server, "validate", str(tmp_path / "bad.yaml"))  # "/tmp/.../bad.yaml line N: 'cluster.count': ..."
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if "count: -5" in text)
    where = f"{tmp_path / 'bad.yaml'} line {line}: "
    assert cli.startswith(where), cli
    assert status.inner_text() == f"scenario line {line}: " + cli.removeprefix(where)
    assert "\n" not in status.inner_text()
    expect(status).to_have_attribute("data-line", str(line))
    expect(status).to_have_attribute("data-field", "cluster.count")
    expect(status).to_have_class("error")
    expect(scenario).to_have_attribute("aria-invalid", "true")
    tab.shot("editor-error")

    scenario.fill(text)
    expect(status).to_have_text("valid")
    expect(scenario).to_have_attribute("aria-invalid", "false")

    # a mistyped key: refused with a "did you mean"
    scenario.fill(text.replace("mean_clearness:", "mean_clearnes:"))
    expect(status).to_contain_text("unknown key 'site.mean_clearnes'; did you mean 'mean_clearness'?")
    expect(status).to_have_attribute("data-field", "site.mean_clearnes")
    scenario.fill(text)
    expect(status).to_have_text("valid")


def test_plan_runs_from_the_editor_and_draws_its_charts(tab, browser, web_server):
    page = tab.page
    open_example(tab, web_server)
    run_from_editor(tab, ["site.screening_segments=96"])
    tab.shot("job-running")  # it may already be on its way to the run page
    page.wait_for_url(re.compile(r"/runs/[0-9a-f]{64}$"), timeout=RUN_TIMEOUT_MS)
    run_id = page.url.rsplit("/", 1)[1]
    assert tab.charts_drawn() >= 3  # capacity, costs, dispatch (and time to power)

    dispatch = page.locator("#chart-dispatch")
    expect(dispatch).to_have_attribute("data-drawn", "true")
    drawn = dispatch.locator("svg .scatterlayer path").evaluate_all("paths => paths.filter(p => (p.getAttribute('d') || '').length > 20).length")
    assert drawn >= 3, "the dispatch chart has no lines: load, gas and solar at least"
    expect(page.locator("#chart-capacity svg .barlayer path").first).to_be_attached()

    shown = figures_of(page)
    assert set(shown) >= {"LCOE USD/MWh", "annual cost USD", "CO2 t/yr", "carbon-free share"}
    assert number(shown["LCOE USD/MWh"]) > 0 and shown["LCOE USD/MWh"].endswith(" USD/MWh")
    assert number(shown["annual cost USD"]) > 1e8 and shown["annual cost USD"].endswith(" M USD")

    # the same scenario planned by the CLI is the same stored run, with the same numbers
    assert web_server.plan(EXAMPLE, *SCREENED) == run_id
    cli = json.loads(web_server.cli("runs", "show", run_id, "--json").stdout)["result"]
    assert number(shown["LCOE USD/MWh"]) == pytest.approx(cli["lcoe_usd_per_mwh"], abs=0.01)
    tab.shot("plan-result-1280x800")

    phone = Tab(browser, PHONE, is_mobile=True, has_touch=True)
    try:
        phone.page.goto(web_server.url + f"/runs/{run_id}")
        assert phone.charts_drawn() >= 3
        phone.fits_the_width()
        phone.shot("plan-result-390x844")
        phone.page.goto(web_server.url + "/")
        expect(phone.page.locator("#runs")).to_be_visible()
        phone.fits_the_width()
        phone.shot("home-390x844")
    finally:
        phone.close()


def test_two_runs_compare(tab, web_server):
    page = tab.page
    first = web_server.plan(EXAMPLE, *SCREENED)
    second = web_server.plan(EXAMPLE, *SCREENED, "--set", "grid.import_mw=500")
    assert first != second
    page.goto(web_server.url + "/")
    tab.shot("home-runs")
    for run_id in (first, second):
        page.locator(f"input[name=pick][value='{run_id}']").check()
    page.locator("#compare").click()
    page.wait_for_url("**/compare?ids=*")
    ids = page.url.split("ids=", 1)[1].replace("%2C", ",").split(",")  # in the home page's order: newest first
    assert sorted(ids) == sorted([first, second])

    inputs = page.locator("#compare-inputs")
    expect(inputs).to_be_visible()
    row = inputs.locator("tr", has=page.locator("th", has_text=re.compile(r"^grid\.import_mw$")))
    expect(row).to_have_count(1)
    assert [c.strip() for c in row.locator("td").all_inner_texts()] == [{first: "0", second: "500"}[i] for i in ids]
    figures = page.locator("#compare-figures")
    expect(figures.locator("tr", has_text="LCOE USD/MWh")).to_have_count(1)
    expect(figures).to_contain_text("Δ")
    assert tab.charts_drawn() >= 2
    tab.shot("compare")


def test_html_report_draws_offline(tab, browser, web_server, tmp_path):
    page = tab.page
    run_id = web_server.plan(EXAMPLE, *SCREENED)
    page.goto(web_server.url + f"/runs/{run_id}")
    tab.charts_drawn()
    link = page.get_by_role("link", name="HTML", exact=True)
    expect(link).to_have_attribute("href", f"/api/v1/runs/{run_id}/export?format=html")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"gigawatt-plan-{run_id[:12]}.html"

    offline = Tab(browser, DESKTOP, offline=True)
    try:
        asked: list[str] = []
        offline.page.on("request", lambda request: asked.append(request.url))
        offline.page.goto(saved.as_uri())
        assert offline.charts_drawn() >= 3
        expect(offline.page.locator("#chart-dispatch svg .scatterlayer path").first).to_be_attached()
        assert [url for url in asked if not url.startswith("file:")] == [], "the report fetched something: it must be self-contained"
        assert figures_of(offline.page)["LCOE USD/MWh"] == figures_of(page)["LCOE USD/MWh"]
        offline.shot("report-offline")
    finally:
        offline.close()


def test_a_failed_run_says_why_in_one_line(tab, web_server):
    page = tab.page
    overrides = ["site.screening_segments=96", "constraints.carbon_free_share=1.0", 'supply.technologies=["gas_recip"]']
    expected = cli_error(web_server, "plan", f"examples/{EXAMPLE}.yaml", "--no-store", *[a for o in overrides for a in ("--set", o)])
    open_example(tab, web_server)
    run_from_editor(tab, overrides)
    error = page.locator("#error")
    expect(error).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(page.locator("#job-state")).to_have_text("failed")
    assert error.inner_text() == expected  # "constraints.carbon_free_share: 1 needs a carbon-free option; ..."
    assert "\n" not in error.inner_text()
    expect(page.locator("#cancel")).to_be_hidden()
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and 'File "' not in body
    assert "/runs/" not in page.url
    tab.shot("job-failed")


def test_a_slow_run_can_be_cancelled(tab, web_server):
    page = tab.page
    before = web_server.cli("runs", "list", "--json").stdout
    open_example(tab, web_server)  # a whole year, hour by hour: about ten seconds of solving
    job = run_from_editor(tab, [])
    expect(page.locator("#job-state")).to_contain_text("running")
    page.locator("#cancel").click()
    expect(page.locator("#job-state")).to_have_text("cancelled", timeout=20_000)
    expect(page.locator("#error")).to_have_text("cancelled by the user")
    expect(page.locator("#cancel")).to_be_hidden()
    tab.shot("job-cancelled")
    state = page.request.get(web_server.url + f"/api/v1/jobs/{job}").json()
    assert state["state"] == "cancelled" and state["run_id"] is None
    assert web_server.cli("runs", "list", "--json").stdout == before  # nothing stored


def test_a_sweep_page_draws_its_tornado_and_links_its_points(tab, web_server):
    pytest.importorskip("dask.distributed", reason="the sweep extra is not installed (pip install -e '.[sweep]')")
    page = tab.page
    done = web_server.cli("sweep", str(ROOT / "examples" / "sweep" / "gas-and-grid.yaml"), "--set", "site.screening_segments=24",
                          "--workers", "2", "--json")
    swept = json.loads(done.stdout)
    page.goto(web_server.url + "/")
    expect(page.locator("#runs")).to_contain_text("sweep")
    page.goto(web_server.url + f"/runs/{swept['run']['id']}")
    assert tab.charts_drawn() >= 1
    bars = page.locator("#chart-tornado svg .barlayer path")
    expect(bars.first).to_be_attached()
    assert bars.count() >= 4  # a low and a high bar for each of the two inputs
    shown = figures_of(page)
    assert shown["points"] == "7" and shown["failed"] == "0"
    links = page.locator("#points a[href^='/runs/']")
    expect(links).to_have_count(7)
    expect(page.get_by_role("link", name="Edit and run again")).to_have_count(0)  # a sweep is run from the CLI
    tab.shot("sweep-oat")
    links.nth(1).click()
    page.wait_for_url(re.compile(r"/runs/[0-9a-f]{64}$"))
    assert page.url.rsplit("/", 1)[1] == swept["result"]["points"][1]["run_id"]
    assert tab.charts_drawn() >= 3
