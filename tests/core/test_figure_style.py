"""Publication figures (issue 30, item 5): display names and one catalog colour per technology in every panel,
dates on time axes, 200 dpi PNG and SVG, a size key on the siting chart, distinct colours for a headroom
study's 22 systems, and region names, not codes. Each figure is drawn once from a small real run and read back."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from gigawatt import api, catalog
from gigawatt.core import present
from gigawatt.core.figure_style import FIGURE_DPI, distinct_colours, key_values_mw
from gigawatt.grid import headroom as grid
from gigawatt.grid import job as grid_job
from gigawatt.power import job as plan_job
from gigawatt.siting import allocation as siting
from gigawatt.siting import job as site_job
from gigawatt.siting.scenario import SitingProgramme

ROOT = Path(__file__).resolve().parents[2]
PHASED = ROOT / "examples" / "phased-campus.yaml"
GIGAWATT = Path(sys.executable).with_name("gigawatt")
TECHNOLOGIES = list(catalog.load_table("styles.csv")["name"])


def drawn(module, draw, *args) -> tuple[object, Path]:
    """The matplotlib figure a job's plot function draws (caught as it is saved), and the file it wrote."""
    caught = {}

    def save(fig, path, title=""):
        caught["fig"] = fig
        return present.save_figure(fig, path, title)

    original = module.save_figure
    module.save_figure = save
    try:
        path = draw(*args)
    finally:
        module.save_figure = original
    return caught["fig"], Path(path)


def technology_of(label: str) -> str | None:
    """The catalog technology whose display name a legend label starts with ('Gas engines capital' -> gas_recip)."""
    found = [t for t in TECHNOLOGIES if label == catalog.display_name(t) or label.startswith(catalog.display_name(t) + " ")]
    return max(found, key=lambda t: len(catalog.display_name(t)), default=None)


def hex_of(colour) -> str:
    return mcolors.to_hex(np.asarray(colour).reshape(-1, 4)[0] if np.ndim(colour) > 1 else colour, keep_alpha=False).upper()


@pytest.fixture(scope="module")
def phased(tmp_path_factory):
    """A phased plan (three periods, gas then grid) on 96 screening segments, drawn as PNG."""
    result = api.run("plan", str(PHASED), set=["site.screening_segments=96"], store=None)
    fig, png = drawn(plan_job, plan_job.plot_plan, result, tmp_path_factory.mktemp("plan") / "phases.png", result.name)
    fig.canvas.draw()
    return result, fig, png


def test_plan_legends_carry_display_names_not_ids(phased):
    _, fig, _ = phased
    labels = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    assert len(labels) >= 8
    assert not [label for label in labels if "_" in label], labels
    assert not [label for label in labels if technology_of(label) is None], labels  # every entry is a catalog name


def test_a_technology_has_one_colour_in_every_panel(phased):
    _, fig, _ = phased
    seen: dict[str, set[str]] = {}
    panels: dict[str, set[int]] = {}
    for i, ax in enumerate(fig.axes):
        drawn_here = [(a.get_label(), a.get_facecolor()) for a in ax.collections]  # stacks and fills
        drawn_here += [(line.get_label(), line.get_color()) for line in ax.lines]
        drawn_here += [(bars.get_label(), bar.get_facecolor()) for bars in ax.containers for bar in bars.patches]  # a bar's label is its container's
        for label, colour in drawn_here:
            tech = technology_of(label) if label and not label.startswith("_") else None
            if tech is not None:
                seen.setdefault(tech, set()).add(hex_of(colour))
                panels.setdefault(tech, set()).add(i)
    assert {"gas_recip", "grid_import", "load"} <= set(seen)
    assert len(panels["gas_recip"]) == len(panels["grid_import"]) == 4  # both weeks, the annual cost and the capacity by period
    assert {tech: colours for tech, colours in seen.items() if colours != {catalog.style(tech)[1].upper()}} == {}


def test_plan_png_is_200_dpi(phased):
    _, _, png = phased
    assert FIGURE_DPI == 200
    assert Image.open(png).info["dpi"] == pytest.approx((200, 200), abs=0.01)


def test_dispatch_weeks_are_dated(phased):
    result, fig, _ = phased
    weeks = fig.axes[:2]
    dispatch = result.to_frames()["dispatch"]
    year = pd.to_datetime(dispatch["timestamp"] if "timestamp" in dispatch else dispatch.index)[0].year
    for ax in weeks:
        ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert len(ticks) >= 4 and all(re.fullmatch(r"\d{2} [A-Z][a-z]{2}|[A-Z][a-z]{2}", t) for t in ticks), ticks
        start, end = (mdates.num2date(x) for x in ax.get_xlim())
        assert start.year in (year, year + 1) and 6 <= (end - start).days <= 8  # a week of the scenario's own dates
        assert "hour of week" not in ax.get_xlabel() and str(year) in ax.get_xlabel()


# --- headroom: 22 systems -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def headroom(tmp_path_factory):
    """A year of synthetic hourly load for each of the Duke study's 22 systems, their headroom and its figure."""
    hours = pd.date_range("2023-01-01 06:00", periods=8760, freq="h")
    t = np.arange(8760)
    rng = np.random.default_rng(3)
    columns = {code: (1_000 + 400 * i) * (1 + 0.2 * np.exp(-(((t - 4900) / 900.0) ** 2)) + rng.normal(0, 0.02, t.size))
               for i, code in enumerate(grid.duke22())}
    folder = tmp_path_factory.mktemp("headroom")
    path = folder / "demand.csv"
    pd.DataFrame(columns, index=pd.Index(hours, name="datetime_utc")).to_csv(path)
    result = grid.headroom([grid.read_demand(path)], grid.duke22(), [0.5, 1, 5])
    fig, _ = drawn(grid_job, grid_job.plot_headroom, result, folder / "headroom.png")
    return path, fig


def test_headroom_systems_each_have_their_own_colour_and_name(headroom):
    _, fig = headroom
    lines = [line for line in fig.axes[0].lines if not line.get_label().startswith("_")]
    assert len(lines) == len(grid.duke22()) == 22
    colours = [hex_of(line.get_color()) for line in lines]
    assert len(set(colours)) == 22
    rgb = np.array([mcolors.to_rgb(c) for c in colours])
    assert min(np.linalg.norm(a - b) for i, a in enumerate(rgb) for b in rgb[i + 1:]) > 0.1  # told apart, not merely unequal
    names = {t.get_text() for t in fig.axes[0].get_legend().get_texts()}
    assert {"Duke Energy Progress East", "Southwest Power Pool", "PJM Interconnection"} <= names
    assert not names & {"CPLE", "SWPP", "ERCO"}


def test_distinct_colours_past_the_palette_stay_distinct():
    colours = distinct_colours(40)
    assert len(set(colours)) == 40


def test_headroom_cli_writes_svg_by_the_names_suffix(headroom, tmp_path):
    demand, _ = headroom
    svg = tmp_path / "headroom.svg"
    done = subprocess.run([str(GIGAWATT), "headroom", str(demand), "--systems", "PJM,CPLE", "--no-store", "-q", "--plot", str(svg)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = svg.read_text()
    assert text.startswith("<?xml") and "<svg" in text and "Duke Energy Progress East" in text


# --- siting: names and a size key -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sited(tmp_path_factory):
    """Two grid-only candidates: the catalog's Canada (``CA``) and a site of the user's own."""
    programme = api.parse_scenario({
        "name": "names", "start": "2026-01", "target_mw": 1500, "block_mw": 500,
        "candidates": [{"region": "CA", "max_mw": 1000, "options": "grid"},
                       {"name": "texas", "latitude": 35.0, "longitude": -100.0, "country": "US", "jurisdiction": "us", "max_mw": 1000,
                        "price_usd_per_mwh": 55, "co2_g_per_kwh": 380, "connection_wait_months": 36, "options": "grid"}],
    }, model=SitingProgramme)
    result = siting.site(programme)
    fig, _ = drawn(site_job, site_job.plot_siting, result, tmp_path_factory.mktemp("site") / "site.png")
    return result, fig


def test_siting_names_regions_not_codes(sited):
    result, fig = sited
    assert {c["site"] for c in result.candidates} == {"CA", "texas"}
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert texts == {"Canada", "texas"}
    legend_texts = {t.get_text() for ax in fig.axes for artist in [ax.get_legend(), *ax.artists] if artist is not None
                    and hasattr(artist, "get_texts") for t in artist.get_texts()}
    assert "United States" in legend_texts and "us" not in legend_texts


def test_a_users_site_that_shares_a_region_id_keeps_its_name():
    assert site_job.place_name("CA", "CA", "CA") == "Canada"
    assert site_job.place_name("CA", "CA", "US") == "CA"  # a Californian site the user named CA
    assert site_job.place_name("Columbus", "US-OH", "US") == "Columbus"


def test_siting_chart_has_a_key_of_sizes_in_mw(sited):
    result, fig = sited
    ax = fig.axes[0]
    legends = [a for a in [ax.get_legend(), *ax.artists] if a is not None and hasattr(a, "get_texts")]
    keys = [lg for lg in legends if all(re.fullmatch(r"[\d.,]+ [MG]W", t.get_text()) for t in lg.get_texts())]
    assert len(keys) == 1
    key = keys[0]
    largest = max(c["allocated_mw"] for c in result.candidates)
    assert [t.get_text() for t in key.get_texts()] == [f"{mw:,.3g} MW" if mw < 1e3 else f"{mw / 1e3:,.3g} GW" for mw in key_values_mw(largest)]
    sizes = [h.get_sizes()[0] for h in key.legend_handles]
    placed = ax.collections[0]  # the filled bubbles: the key's area for a power equals a bubble's of that power
    biggest_bubble = placed.get_sizes().max()
    assert sizes == sorted(sizes) and sizes[-1] <= biggest_bubble
    assert sizes[-1] == pytest.approx(site_job.BUBBLE_MIN + (site_job.BUBBLE_MAX - site_job.BUBBLE_MIN) * key_values_mw(largest)[-1] / largest)
