"""The workbench's chart specifications (issue 29): catalog display names and colours on every technology,
honest screening charts, the plan's monthly energy, heat map and load-duration charts, the build-out's
national share chart, and the compare page's overlays (one colour per item in every run, no stacked area
hiding another run's). Real runs (screened, so quick), fresh and as read back from the store."""

from __future__ import annotations

import json
import re

import pytest
from conftest import EXAMPLES

import gigawatt
from gigawatt import catalog
from gigawatt.core.results import Result

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install -e '.[web]')")
from gigawatt.web.app import _overlays  # noqa: E402
from gigawatt.web.charts import figures  # noqa: E402

SEGMENTS = 96
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return str(tmp_path_factory.mktemp("charts") / "runs.sqlite")


@pytest.fixture(scope="module")
def screened(store) -> Result:
    return gigawatt.plan(EXAMPLES / "west-texas-offgrid.yaml", set={"site.screening_segments": SEGMENTS}, store=store)


@pytest.fixture(scope="module")
def grid_gas(store) -> Result:
    return gigawatt.plan(EXAMPLES / "west-texas-grid-gas.yaml", set={"site.screening_segments": SEGMENTS}, store=store)


@pytest.fixture(scope="module")
def stored_charts(store, screened) -> dict:
    """The charts of the screened plan as the workbench draws them: read back from the store."""
    import gigawatt.store

    return figures(gigawatt.store.open_store(store).load(screened.run.id))


def names_and_labels(chart: dict) -> list[str]:
    layout = chart["layout"]
    labels = [t.get("name", "") for t in chart["data"]] + [str(x) for t in chart["data"] if t.get("type") == "bar" for x in t.get("x", [])]
    labels += [(layout.get(axis) or {}).get("title", {}).get("text", "") for axis in ("xaxis", "yaxis")]
    return labels


def test_every_plan_chart_names_technologies_by_display_name_in_the_catalog_colour(screened):
    charts = figures(screened)
    assert {"capacity", "costs", "dispatch", "monthly_energy", "heatmap", "load_duration"} <= set(charts)
    for name, chart in charts.items():
        for label in names_and_labels(chart):
            assert "_" not in label, f"{name}: raw id in {label!r}"
    dispatch = charts["dispatch"]["data"]
    solar = next(t for t in dispatch if t["name"] == catalog.display_name("utility_pv"))
    assert solar["line"]["color"] == catalog.style("utility_pv")[1] == solar["fillcolor"]
    assert all(HEX.match(t["line"]["color"]) for t in dispatch)
    costs = charts["costs"]["data"]
    items = set(screened.data["cost_usd_per_year"]) | set(screened.data["baseline"]["cost_usd_per_year"])
    assert {t["name"] for t in costs} == {catalog.display_name(k) for k in items}
    for trace, item in zip(sorted(costs, key=lambda t: t["name"]), sorted(items, key=catalog.display_name)):
        assert trace["marker"]["color"] == catalog.style(item)[1]


def test_a_screened_plan_says_its_charts_are_segment_averages_and_draws_them_as_steps(screened):
    charts = figures(screened)
    dispatch = charts["dispatch"]
    title = dispatch["layout"]["title"]["text"]
    assert f"averages of {SEGMENTS} time segments" in title and "hour by hour" not in title
    assert "hourly" not in dispatch["layout"]["yaxis"]["title"]["text"]
    for trace in dispatch["data"]:
        assert trace["line"]["shape"] == "hv", trace["name"]  # each segment's value held over its hours
        assert "segment average" in trace["hovertemplate"] and "hour" not in trace["name"]
    for name in ("monthly_energy", "heatmap", "load_duration"):
        assert "time segments" in charts[name]["layout"]["title"]["text"], name


def test_the_new_plan_charts_hold_the_energy_and_the_hours_of_the_year(screened):
    charts = figures(screened)
    frame = screened.to_frames()["dispatch"]
    monthly = charts["monthly_energy"]
    assert monthly["layout"]["barmode"] == "stack" and monthly["layout"]["xaxis"]["type"] == "date"
    assert len(monthly["data"][0]["x"]) == 12
    bars = [t for t in monthly["data"] if t["type"] == "bar"]
    supplied_gwh = sum(sum(t["y"]) for t in bars)
    sources = [c for c in frame.columns if c.endswith("_mw") and c != "load_mw" and not c.endswith("_charge_mw")]
    assert supplied_gwh == pytest.approx(frame[sources].to_numpy().sum() / 1e3, rel=1e-9)  # one row an hour: MWh = MW
    heat = charts["heatmap"]["data"][0]
    assert heat["type"] == "heatmap" and len(heat["z"]) == 24 and len(heat["x"]) in (365, 366)
    assert charts["heatmap"]["layout"]["xaxis"]["type"] == "date"
    load, residual = charts["load_duration"]["data"]
    assert load["x"][0] == 1 and load["x"][-1] == len(frame)  # every hour of the year, drawn on a sample of its points
    assert load["y"] == sorted(load["y"], reverse=True) and residual["y"] == sorted(residual["y"], reverse=True)
    assert load["y"][0] == pytest.approx(frame["load_mw"].max(), abs=0.05) and load["y"][-1] == pytest.approx(frame["load_mw"].min(), abs=0.05)


def test_a_stored_run_draws_the_same_charts_as_the_fresh_one(screened, stored_charts):
    fresh = figures(screened)
    assert json.dumps(stored_charts) == json.dumps(fresh)


def test_compare_overlays_keep_one_colour_per_item_and_draw_no_area_over_another_run(screened, grid_gas):
    names = ["offgrid", "grid-gas"]
    overlays = _overlays([figures(screened), figures(grid_gas)], names)
    assert "dispatch" in overlays and "costs" in overlays and "heatmap" not in overlays
    colours: dict[str, set[str]] = {}
    for trace in overlays["costs"]["data"]:
        colours.setdefault(trace["name"], set()).add(trace["marker"]["color"])
        assert trace["legendgroup"] in names
    assert all(len(c) == 1 for c in colours.values()), colours
    for trace in overlays["dispatch"]["data"]:
        assert "stackgroup" not in trace and "fill" not in trace  # lines: neither run hides the other
    dashes = {t["legendgroup"]: t["line"]["dash"] for t in overlays["dispatch"]["data"]}
    assert dashes["offgrid"] != dashes["grid-gas"]


def test_the_build_out_national_share_chart_draws_from_the_national_frame(store):
    result = gigawatt.buildout(EXAMPLES / "buildout" / "trend.yaml", store=store)
    national = result.to_frames()["national"]
    share = figures(result)["share"]
    assert share["data"], "the national share chart has no traces"
    first = share["data"][0]
    assert len(first["x"]) == len(national) and first["y"] == pytest.approx(list(national["share_of_generation"] * 100))
    assert "USA" in share["layout"]["title"]["text"]
