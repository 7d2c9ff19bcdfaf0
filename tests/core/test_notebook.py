"""Notebook manners (issue 30 item 3): a short repr and a rich HTML display for every kind, a stored plan's
network rebuilt (or a clear error), and ``set=`` mistakes blamed on the override, not on a line of the file."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, gigawatt_cli
from runs_fixtures import runs  # noqa: F401 - a fixture

import gigawatt
from gigawatt.core.errors import ScenarioError
from gigawatt.core.present import figure_text
from gigawatt.registry import STORED, spec

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
REPR_MOST_CHARS = 600  # a repr is read at a glance: a build-out's was 253,000 characters


@pytest.fixture(scope="module")
def every_kind(runs, tmp_path_factory):  # noqa: F811
    """A fresh result of every kind the registry stores (a two-point size sweep for sweeps)."""
    from gigawatt.sweep.runner import sweep

    url = str(tmp_path_factory.mktemp("nb") / "s.sqlite")
    swept = sweep(EXAMPLES / "h100-100k.yaml", {"design": "grid", "vary": {"cluster.count": [1500, 2500]}}, store=url, workers=1)
    return {**runs, "sweep": swept}


def test_every_stored_kind_is_covered(every_kind):
    assert set(every_kind) == set(STORED)


@pytest.mark.parametrize("kind", list(STORED))
def test_repr_is_short_and_says_kind_name_run_and_headline(every_kind, kind):
    result = every_kind[kind]
    text = repr(result)
    assert len(text) <= REPR_MOST_CHARS and "\n" not in text
    assert text.startswith(f"<gigawatt {kind} ") and result.run.id[:12] in text and repr(result.name)[1:-1][:40] in text
    for label, value in spec(kind, stored=True).headline_figures(result.data).items():
        if value is not None:  # each headline figure as the CLI prints it (runs list)
            assert figure_text(label, value) in text, (label, text)


class _Page(HTMLParser):
    """Tags opened and closed, and the text, of an HTML fragment; unbalanced tags fail the parse."""

    VOID = {"br", "img", "meta", "path", "use", "rect", "circle", "line", "polyline", "polygon", "stop", "ellipse"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("kind", list(STORED))
def test_repr_html_has_the_headline_messages_and_a_chart(every_kind, kind):
    result = every_kind[kind]
    page = result._repr_html_()
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    assert not parsed.open, f"unclosed tags: {parsed.open}"
    text = " ".join(" ".join(parsed.text).split())
    job = spec(kind, stored=True)
    figures = job.decision_figures(result.data)
    assert figures, kind
    for label, value in figures.items():
        assert " ".join(figure_text(label, value).split()) in text, (label, value)
    for message in result.messages[:3]:
        assert " ".join(message.split())[:80] in text
    if job.plot is not None:
        assert "svg" in parsed.tags or "img" in parsed.tags, f"{kind}: no chart"
    assert len(page) < 1_500_000


def test_a_plan_page_reads_well_in_a_browser(runs):  # noqa: F811
    """The plan's page as a person sees it: saved for a look (tests/artifacts/notebook-plan.png) and its chart drawn."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    ARTIFACTS.mkdir(exist_ok=True)
    page_html = ARTIFACTS / "notebook-plan.html"
    page_html.write_text(f"<!doctype html><meta charset='utf-8'><body style='font-family:sans-serif;max-width:900px'>"
                         f"{runs['plan']._repr_html_()}</body>", encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 960, "height": 900})
            page.goto(page_html.as_uri())
            chart = page.locator(".chart svg, .chart img").first
            box = chart.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 150
            assert page.locator("table tr").count() >= 3
            page.screenshot(path=str(ARTIFACTS / "notebook-plan.png"), full_page=True)
        finally:
            browser.close()


# --- a stored plan's network ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stored_plan(tmp_path_factory):
    pytest.importorskip("pypsa", reason="PyPSA is an extra (gigawatt[pypsa])")
    url = str(tmp_path_factory.mktemp("net") / "s.sqlite")
    fresh = gigawatt.plan(EXAMPLES / "west-texas-offgrid.yaml", set={"site.screening_segments": 48}, store=url)
    from gigawatt.store import open_store

    return fresh, open_store(url).load(fresh.run.id)


def test_a_stored_plan_rebuilds_the_network_the_fresh_plan_had(stored_plan):
    fresh, stored = stored_plan
    assert stored.run.stored and stored.output is None
    assert repr(stored) == repr(fresh).replace(f"run {fresh.run.id[:12]}:", f"run {fresh.run.id[:12]} (stored):")
    a, b = fresh.network, stored.network
    assert list(a.generators.index) == list(b.generators.index) and list(a.snapshots) == list(b.snapshots)
    assert np.allclose(a.generators["p_nom_opt"], b.generators["p_nom_opt"], atol=1e-3)
    assert np.allclose(a.generators_t.p.to_numpy(), b.generators_t.p.to_numpy(), atol=1e-6)
    assert np.allclose(a.stores["e_nom_opt"], b.stores["e_nom_opt"], atol=1e-6)
    assert np.allclose(a.stores_t.e.to_numpy(), b.stores_t.e.to_numpy(), atol=1e-6)
    assert np.allclose(a.links_t.p0.to_numpy(), b.links_t.p0.to_numpy(), atol=1e-6)
    assert b.statistics.optimal_capacity().sum() == pytest.approx(a.statistics.optimal_capacity().sum(), rel=1e-6)


def test_a_network_that_cannot_be_rebuilt_says_why_and_how(stored_plan):
    _, stored = stored_plan
    bridged = type(stored)(kind="plan", inputs=stored.inputs.model_copy(update={"constraints": stored.inputs.constraints.model_copy(
        update={"online_by": "2027-06"})}), data=stored.data, run=stored.run, frames_loader=stored.frames_loader)
    with pytest.raises(ScenarioError, match=r"constraints\.online_by.*fresh=True\)\.network"):
        bridged.network
    with pytest.raises(ScenarioError, match="a size result has no PyPSA network"):
        gigawatt.size({"name": "x", "cluster": {"accelerator": "H100", "count": 100}}, store=None).network


# --- set= overrides named in their errors -----------------------------------------------------------------


def test_a_mistyped_override_is_named_not_a_line_of_the_file():
    with pytest.raises(ScenarioError) as caught:
        gigawatt.plan(EXAMPLES / "west-texas-grid-gas.yaml", set=["grid.import_mww=850"], store=None)
    message = str(caught.value)
    assert message.startswith("set 'grid.import_mww=850': ") and "did you mean 'import_mw'?" in message
    assert not re.search(r"line \d+", message)
    with pytest.raises(ScenarioError, match=r"^set 'grid.import_mw=\"lots\"': 'grid.import_mw': Input should be a valid number.*\(got 'lots'\)$"):
        gigawatt.plan(EXAMPLES / "west-texas-grid-gas.yaml", set={"grid.import_mw": "lots"}, store=None)
    with pytest.raises(ScenarioError, match=r"^set 'cluster.cout=5': unknown key 'cluster.cout'; did you mean 'count'\?"):
        gigawatt.size({"name": "x", "cluster": {"accelerator": "H100", "count": 100}}, set=["cluster.cout=5"], store=None)


def test_a_mistake_in_the_file_still_names_its_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncluster:\n  accelerator: H100\n  cout: 5\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad.yaml line 4: unknown key 'cluster.cout'"):
        gigawatt.size(bad, set=["cluster.count=10"], store=None)


def test_the_cli_names_the_override(tmp_path):
    done = gigawatt_cli("plan", str(EXAMPLES / "west-texas-grid-gas.yaml"), "--set", "grid.import_mww=850", "--no-store", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == ["error: set 'grid.import_mww=850': unknown key 'grid.import_mww'; did you mean 'import_mw'?"]


def test_import_gigawatt_stays_light():
    code = "import sys, gigawatt\nprint(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
