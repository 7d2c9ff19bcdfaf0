"""The workbench's charts in a real browser (issue 29): Debian's chromium driven by Playwright against
``gigawatt serve``, at 1280 and 390 px, in light and dark colour schemes.

A plan page and the compare page of two screened plan runs draw every chart (``data-drawn="true"``, none
failed) with no console or page error; the PNG and SVG buttons under a chart download its image named after
the chart; in dark mode the load line is drawn light. Screenshots in ``tests/artifacts/charts-*.png``.
"""

from __future__ import annotations

import pytest
from test_web_browser import DESKTOP, PHONE, SCREENED, Tab, browser  # noqa: F401 - browser: the module's chromium fixture

expect = pytest.importorskip("playwright.sync_api").expect

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LIGHT_LOAD_LINE = "rgb(208, 208, 208)"  # charts.js's LIGHT_LINE (#d0d0d0): the load on a dark background


@pytest.fixture(scope="module")
def two_plans(web_server) -> tuple[str, str]:
    """Two screened plan runs made with the CLI on the server's store: (off-grid id, grid + gas id)."""
    return web_server.plan("west-texas-offgrid", *SCREENED), web_server.plan("west-texas-grid-gas", *SCREENED)


def every_chart_drawn(tab: Tab) -> int:
    charts = tab.page.locator(".chart[data-figure]")
    count = charts.count()
    assert count > 0
    for k in range(count):
        expect(charts.nth(k)).to_have_attribute("data-drawn", "true", timeout=30_000)
    assert tab.page.locator(".chart-error").count() == 0
    return count


@pytest.mark.parametrize(("size", "scheme"), [("desktop", "light"), ("phone", "dark")])  # each size and each scheme once
def test_plan_and_compare_pages_draw_every_chart(browser, web_server, two_plans, size, scheme):  # noqa: F811
    tab = Tab(browser, DESKTOP if size == "desktop" else PHONE, color_scheme=scheme)
    try:
        first, second = two_plans
        tab.page.goto(f"{web_server.url}/runs/{first}")
        drawn = every_chart_drawn(tab)
        names = [tab.page.locator(".chart").nth(k).get_attribute("id") for k in range(drawn)]
        assert {"chart-dispatch", "chart-monthly_energy", "chart-heatmap", "chart-load_duration"} <= set(names)
        title = tab.page.locator("#chart-dispatch .gtitle").text_content()  # on a phone in lines (tspans, no spaces between)
        assert "averages of 96" in title and "segments" in title and "hour by hour" not in title  # a screened plan says what it draws
        assert tab.page.locator("#chart-dispatch .legendtext", has_text="utility_pv").count() == 0
        expect(tab.page.locator("#chart-dispatch .legendtext", has_text="Solar PV")).to_have_count(1)
        if scheme == "dark":  # the load line, near-black in the spec, drawn light on the dark background
            load = tab.page.locator("#chart-dispatch .scatterlayer .trace").last.locator("path.js-line")
            assert LIGHT_LOAD_LINE in (load.get_attribute("style") or "")
        tab.shot(f"charts-plan-{size}-{scheme}")
        tab.page.goto(f"{web_server.url}/compare?ids={first},{second}")
        assert every_chart_drawn(tab) >= 3
        tab.fits_the_width()
        tab.shot(f"charts-compare-{size}-{scheme}")
    finally:
        tab.close()


def test_download_buttons_save_the_chart_as_png_and_svg(browser, web_server, two_plans):  # noqa: F811
    tab = Tab(browser, PHONE)  # a phone: no Plotly tool bar, the buttons are the only way
    try:
        tab.page.goto(f"{web_server.url}/runs/{two_plans[0]}")
        every_chart_drawn(tab)
        buttons = tab.page.locator("figure:has(#chart-costs) .chart-downloads button")
        expect(buttons).to_have_count(2)
        saved = {}
        for fmt in ("png", "svg"):
            with tab.page.expect_download() as waiting:
                buttons.filter(has_text=fmt.upper()).click()
            download = waiting.value
            assert download.suggested_filename == f"costs.{fmt}"
            saved[fmt] = download.path().read_bytes()
        assert saved["png"].startswith(PNG_MAGIC) and len(saved["png"]) > 1000
        assert b"<svg" in saved["svg"][:500] and b"Annual cost by item" in saved["svg"]
    finally:
        tab.close()


def test_the_build_out_page_draws_its_national_share_chart(browser, web_server):  # noqa: F811
    import json

    done = web_server.cli("buildout", "examples/buildout/trend.yaml", "--json")
    run_id = json.loads(done.stdout)["run"]["id"]
    tab = Tab(browser, PHONE, color_scheme="dark")
    try:
        tab.page.goto(f"{web_server.url}/runs/{run_id}")
        every_chart_drawn(tab)
        share = tab.page.locator("#chart-share")
        expect(share).to_have_attribute("data-drawn", "true")
        assert share.locator(".scatterlayer .trace").count() >= 1
        tab.shot("charts-buildout-phone-dark")
    finally:
        tab.close()


def test_a_chart_that_cannot_be_drawn_says_so_and_the_others_still_draw(browser, web_server, two_plans):  # noqa: F811
    """The page as the server sends it, with one figure's JSON block broken on the way (Playwright's route):
    that chart's box shows a one-line message, every other chart draws."""
    import re

    page_url = f"{web_server.url}/runs/{two_plans[0]}"

    def break_costs(route):
        response = route.fetch()
        html = re.sub(r'(<script type="application/json" id="fig-costs">).*?(</script>)', r"\1{not a figure\2", response.text(), flags=re.S)
        route.fulfill(response=response, body=html)

    tab = Tab(browser, PHONE)
    try:
        tab.page.route(page_url, break_costs)
        tab.page.goto(page_url)
        expect(tab.page.locator("#chart-costs")).to_have_attribute("data-drawn", "error", timeout=30_000)
        expect(tab.page.locator("#chart-costs .chart-error")).to_contain_text("could not be drawn")
        others = tab.page.locator(".chart[data-figure]:not(#chart-costs)")
        for k in range(others.count()):
            expect(others.nth(k)).to_have_attribute("data-drawn", "true", timeout=30_000)
        tab.shot("charts-one-broken-phone")
    finally:
        tab.close()
