"""Each kind's run page in Debian's chromium at 1280 and 390 px: the decision on the first screen, every chart
drawn, no console error; a screenshot of each first screen in ``tests/artifacts/results-KIND-WIDTH.png``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from runs_fixtures import runs  # noqa: F401  (fixture)
from test_web_browser import DESKTOP, PHONE, Tab, browser, expect  # noqa: F401  (browser: fixture)
from web_server import start_server, stop_server

from gigawatt.store import open_store


@pytest.fixture(scope="module")
def served(runs):  # noqa: F811
    """``gigawatt serve`` over a store holding a run of every kind."""
    folder = Path(tempfile.mkdtemp(prefix="gigawatt-results-"))
    store = open_store(str(folder / "runs.sqlite"))
    for result in runs.values():
        store.save(result)
    server = start_server(folder)
    try:
        yield server
    finally:
        stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_every_kind_opens_on_its_decision(browser, served, runs, viewport):  # noqa: F811
    tab = Tab(browser, viewport)
    try:
        for kind, result in runs.items():
            page = tab.page
            page.goto(f"{served.url}/runs/{result.run.id}")
            cards = page.locator("#decision .card")
            expect(cards.first).to_be_visible()
            assert cards.count() >= 2, f"{kind}: fewer than two decision figures"
            top = cards.first.bounding_box()
            assert top is not None and top["y"] + top["height"] <= viewport["height"], f"{kind}: the decision is not on the first screen"
            assert page.locator("table.cli-table").count() >= 1, f"{kind}: the command's tables are missing"
            tab.charts_drawn()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"] + 1, f"{kind}: the page is wider than the screen ({width} px)"
            page.screenshot(path=str(tab_artifact(kind, viewport)))
        assert tab.problems == [], tab.problems
    finally:
        tab.close()


def tab_artifact(kind: str, viewport: dict[str, int]) -> Path:
    from test_web_browser import ARTIFACTS

    return ARTIFACTS / f"results-{kind}-{viewport['width']}.png"
