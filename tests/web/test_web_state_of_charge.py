"""The storage state of charge (issue 29): kept in the dispatch frame as ``{store}_soc_mwh`` (MWh, so in no sum
of the MW sources), drawn as the plan chart ``state_of_charge`` where storage is built (the hardest week under
the energy capacity built, dashed; a screened plan's per segment, titled so), and a plan stored before the
column existed still loads and draws its charts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import EXAMPLES

import gigawatt
from gigawatt import catalog
from gigawatt.power.lp import SOC_SUFFIX
from gigawatt.store import Store, _parquet

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install -e '.[web]')")
from gigawatt.web.charts import figures  # noqa: E402

SEGMENTS = 730  # two a day: coarse enough to solve in a second, fine enough that a store pays (whole-day averages flatten the sun)
CLEAN_SHARE = 0.5  # a carbon-free share the sun alone cannot meet by day: the plan stores solar for the night
TOLERANCE_MWH = 1e-3  # the solver's feasibility tolerance, in MWh


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("soc") / "runs.sqlite")


@pytest.fixture(scope="module")
def offgrid(store):
    """An off-grid plan that builds storage."""
    return gigawatt.plan(EXAMPLES / "west-texas-offgrid.yaml", set={"site.screening_segments": SEGMENTS, "constraints.carbon_free_share": CLEAN_SHARE},
                         store=store)


def test_the_dispatch_keeps_each_stores_state_of_charge_within_the_energy_built(offgrid):
    frame = offgrid.to_frames()["dispatch"]
    soc = [c for c in frame.columns if c.endswith(SOC_SUFFIX)]
    assert soc and offgrid.data["storage_mwh"] > 0
    total = frame[soc].sum(axis=1)
    assert total.min() >= -TOLERANCE_MWH and total.max() <= offgrid.data["storage_mwh"] + TOLERANCE_MWH
    assert total.max() > 0  # the store is used
    # the energy balance over the MW columns holds with the MWh column beside them
    sources = [c for c in frame.columns if c.endswith("_mw") and c != "load_mw" and not c.endswith("_charge_mw")]
    uses = frame["load_mw"] + frame.filter(like="_charge_mw").sum(axis=1)
    assert (frame[sources].sum(axis=1) - uses).abs().max() < TOLERANCE_MWH


def test_the_state_of_charge_chart_shows_the_hardest_week_under_the_capacity_per_segment(offgrid):
    charts = figures(offgrid)
    chart = charts["state_of_charge"]
    title = chart["layout"]["title"]["text"]
    assert "end of each time segment" in title and "hour by hour" not in title and f"{SEGMENTS} time segments" in title
    assert chart["layout"]["yaxis"]["title"]["text"] == "MWh"
    *lines, capacity = chart["data"]
    assert capacity["line"]["dash"] == "dash" and capacity["y"] == [offgrid.data["storage_mwh"]] * 2
    frame = offgrid.to_frames()["dispatch"]
    for trace, column in zip(lines, [c for c in frame.columns if c.endswith(SOC_SUFFIX)]):
        name, colour = catalog.style(column.removesuffix(SOC_SUFFIX))
        assert trace["line"]["color"] == colour and trace["name"].startswith(name) and "_" not in trace["name"]
        assert trace["line"]["shape"] == "hv" and len(trace["y"]) == len(charts["dispatch"]["data"][0]["y"])  # the same week
        assert max(trace["y"]) <= offgrid.data["storage_mwh"] + TOLERANCE_MWH


def test_a_plan_without_storage_has_no_state_of_charge_chart(store):
    grid = gigawatt.plan(EXAMPLES / "west-texas-grid-gas.yaml", set={"site.screening_segments": 96}, store=store)
    if grid.data["storage_mwh"] > 0:
        pytest.skip("this example builds storage now")
    assert "state_of_charge" not in figures(grid) and "dispatch" in figures(grid)


def test_a_plan_stored_before_the_column_existed_loads_and_draws(store, offgrid):
    kept = Store(store)
    dispatch = kept.frames(offgrid.run.id)["dispatch"]
    older = dispatch[[c for c in dispatch.columns if not c.endswith(SOC_SUFFIX)]]
    t = kept.frames_table
    with kept.engine.begin() as db:  # the dispatch table as an older gigawatt stored it
        db.execute(sa.update(t).where(t.c.run_id == offgrid.run.id, t.c.name == "dispatch").values(parquet=_parquet(older)))
    back = Store(store).load(offgrid.run.id)
    assert not [c for c in back.to_frames()["dispatch"].columns if c.endswith(SOC_SUFFIX)]
    charts = figures(back)
    assert "state_of_charge" not in charts and {"dispatch", "monthly_energy", "load_duration"} <= set(charts)


try:  # the same chromium launch and Tab (no console or page error) as the other browser tests
    from test_web_browser import Tab, browser  # noqa: F401
except pytest.skip.Exception as why:  # no chromium or no playwright: the browser test skips
    reason = str(why)

    @pytest.fixture(scope="module")
    def browser():
        pytest.skip(reason)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_the_run_page_draws_the_state_of_charge(browser, web_server, viewport):
    ident = gigawatt.plan(EXAMPLES / "west-texas-offgrid.yaml", set={"site.screening_segments": SEGMENTS, "constraints.carbon_free_share": CLEAN_SHARE},
                          store=str(web_server.store)).run.id
    tab = Tab(browser, viewport)
    tab.page.goto(web_server.url + f"/runs/{ident}")
    assert tab.charts_drawn() >= 1
    chart = tab.page.locator("#chart-state_of_charge")
    chart.scroll_into_view_if_needed()
    assert chart.get_attribute("data-drawn") == "true" and chart.locator("svg .scatterlayer .trace").count() >= 2
    tab.fits_the_width()
    which = "phone" if viewport["width"] < 500 else "desktop"
    page = tab.shot(f"plan-with-storage-{which}")
    chart.screenshot(path=str(page.with_name(f"plan-state-of-charge-{which}.png")))
    tab.close()
