"""A run's page opens on its decision and shows what ``gigawatt runs show`` prints, cell for cell: one formatter
(:func:`gigawatt.report.tables.blocks` over each job's ``table``) for the CLI and the workbench, checked here
for every kind against the installed CLI in a subprocess; and each kind's page in Debian's chromium at 1280 and
390 px, the decision on the first screen, every chart drawn, no console error, a screenshot of each first
screen in ``tests/artifacts/results-KIND-WIDTH.png``."""

from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path

import pytest
from runs_fixtures import runs  # noqa: F401  (fixture)
from web_server import gigawatt_command

from gigawatt.core.present import figure_text, headline_text, split_label
from gigawatt.registry import spec
from gigawatt.report.tables import blocks
from gigawatt.store import open_store

fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed (pip install -e '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402

from gigawatt.web.app import create_app  # noqa: E402

try:  # the browser test below needs Debian's chromium and Playwright; the others do not
    from test_web_browser import ARTIFACTS, DESKTOP, PHONE, Tab, browser, expect  # noqa: F401  (browser: fixture)
    from web_server import start_server, stop_server
    NO_BROWSER = ""
except pytest.skip.Exception as exc:
    NO_BROWSER = str(exc)
    DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}



@pytest.fixture(scope="module")
def kept(runs, tmp_path_factory):  # noqa: F811
    """Every kind's run in one store, and a client of a workbench over it."""
    path = str(tmp_path_factory.mktemp("results") / "runs.sqlite")
    store = open_store(path)
    for result in runs.values():
        store.save(result)
    with TestClient(create_app(store=path, uploads=tmp_path_factory.mktemp("uploads"))) as client:
        yield path, store, client


def printed(store_path: str, *args: str, installed: bool = True) -> str:
    """What ``gigawatt ARGS`` prints on the store: through the installed entry point in a subprocess, or (not
    ``installed``) the same command in this process (typer's runner), where a second start of Python adds nothing."""
    env = {**os.environ, "GIGAWATT_STORE": store_path, "NO_COLOR": "1"}
    if installed:
        done = subprocess.run([gigawatt_command(), *args], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout
    from typer.testing import CliRunner

    from gigawatt.cli import app

    done = CliRunner().invoke(app, [*args, "--store", store_path], env=env)
    assert done.exit_code == 0, done.output
    return done.stdout


def page_text(page: str) -> str:
    """A page's visible text, tags dropped and entities read, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_every_kind_s_page_shows_the_cli_s_tables_cell_for_cell(kept, runs):  # noqa: F811
    path, store, client = kept
    for kind, fresh in runs.items():
        shown = blocks(store.load(fresh.run.id))
        assert any("table" in b for b in shown), f"{kind}: the command prints no table"
        shown_by_cli = printed(path, "runs", "show", fresh.run.id[:12], installed=kind == "plan")  # one through the entry point
        cli = set(re.sub(r"[\u2500-\u257f]", " ", shown_by_cli).split())  # its words, box drawing dropped
        page = client.get(f"/runs/{fresh.run.id}")
        assert page.status_code == 200
        text = page_text(page.text)
        for block in shown:
            cells = [block["table"]["title"], *(c for row in block["table"]["rows"] for c in row)] if "table" in block else [block["line"]]
            for cell in filter(None, (" ".join(c.split()) for c in cells)):
                assert set(cell.split()) <= cli, f"{kind}: '{cell}' is not what the CLI prints"  # words: the CLI folds long cells
                assert cell in text, f"{kind}: '{cell}' is printed by the CLI but not on the page"


def test_the_page_opens_on_the_decision_formatted_as_the_cli_formats_figures(kept, runs):  # noqa: F811
    _, _, client = kept
    plan = runs["plan"]
    page = client.get(f"/runs/{plan.run.id}").text
    decision = page[page.index('id="decision"'): page.index("</dl>")]
    assert page.index('id="decision"') < page.index('class="cli-table"') < page.index('id="charts-heading"')  # the decision first
    wanted = spec("plan").decision_figures(plan.data)
    assert {"LCOE USD/MWh", "annual cost USD", "CO2 t/yr", "carbon-free share", "online"} <= set(wanted)
    for label, value in wanted.items():
        assert f"<dt>{html.escape(split_label(label)[0])}</dt><dd>{html.escape(figure_text(label, value))}</dd>" in decision
    assert re.search(r"<dd>[\d.,]+ M USD</dd>", decision), "the annual cost is shown in M USD, not in dollars"
    assert not re.search(r"\d{1,3}(,\d{3}){3,}", decision), "no twelve-digit figures on the first screen"
    tables = page_text(page[page.index('id="tables"'): page.index('id="charts-heading"')])
    assert "battery_li_ion" not in tables and "utility_pv " not in tables, "the tables use display names, not technology ids"


def test_the_run_list_headline_is_the_cli_s(kept, runs):  # noqa: F811
    path, store, client = kept
    cli = set(re.sub(r"[\u2500-\u257f]", " ", printed(path, "runs", "list")).split())
    home = page_text(client.get("/").text)
    for row in store.list(limit=50):
        line = headline_text(row["headline"])
        assert set(line.split()) <= cli, f"{row['kind']}: '{line}' not in `gigawatt runs list`"  # words: the CLI folds the column
        assert line in home, f"{row['kind']}: the home page's headline differs from the CLI's"


@pytest.mark.parametrize(("label", "value", "text"), [
    ("annual cost USD", 578_772_120.0, "578.8 M USD"),
    ("capex USD", 445_523_923_445.0, "445.5 B USD"),
    ("carbon-free share", 0.3539, "35.4%"),
    ("availability", 0.99953, "99.95%"),
    ("P(target reached)", 0.01, "1%"),
    ("LCOE USD/MWh", 54.0512, "54.05 USD/MWh"),
    ("CO2 t/yr", 3_645_497.0, "3,645 kt/yr"),
    ("P10 online GW at end", 9.871, "9.871 GW"),
    ("required revenue USD/yr in 2030", 2e11, "200.0 B USD/yr"),
    ("online", "2031-01", "2031-01"),
    ("meets N-1", True, "true"),
])
def test_figures_read_as_a_person_reads_them(label, value, text):
    assert figure_text(label, value) == text


def test_the_html_report_carries_the_decision_the_tables_the_inputs_and_their_sources(kept, runs):  # noqa: F811
    _, _, client = kept
    plan = runs["plan"]
    report = client.get(f"/api/v1/runs/{plan.run.id}/export", params={"format": "html"}).text
    assert 'id="decision"' in report and 'class="cli-table"' in report
    inputs = report[report.index('id="inputs"'): report.index("</table>", report.index('id="inputs"'))]
    row = inputs[inputs.index(">cluster.accelerator</th>"):]
    assert row[: row.index("</tr>")].count(f'<td class="right">{html.escape(plan.inputs.cluster.accelerator)}</td>') == 1
    listed = report[report.index('id="sources"'):]
    for tech, mw in plan.data["capacity_mw"].items():
        assert f"({tech}) costs" in listed, f"{tech}: its catalog source is not in the report"
    assert "NREL ATB" in listed and "series: load" in listed


@pytest.fixture(scope="module")
def served(kept):
    """``gigawatt serve`` over the store holding a run of every kind."""
    server = start_server(Path(kept[0]).parent)
    try:
        yield server
    finally:
        stop_server(server)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_every_kind_opens_on_its_decision(request, runs, viewport):  # noqa: F811
    if NO_BROWSER:
        pytest.skip(NO_BROWSER)
    tab, server = Tab(request.getfixturevalue("browser"), viewport), request.getfixturevalue("served")
    try:
        for kind, result in runs.items():
            page = tab.page
            page.goto(f"{server.url}/runs/{result.run.id}")
            cards = page.locator("#decision .card")
            expect(cards.first).to_be_visible()
            assert cards.count() >= 2, f"{kind}: fewer than two decision figures"
            top = cards.first.bounding_box()
            assert top is not None and top["y"] + top["height"] <= viewport["height"], f"{kind}: the decision is not on the first screen"
            assert page.locator("table.cli-table").count() >= 1, f"{kind}: the command's tables are missing"
            tab.charts_drawn()
            tab.fits_the_width()
            page.screenshot(path=str(ARTIFACTS / f"results-{kind}-{viewport['width']}.png"))
    finally:
        tab.close()
