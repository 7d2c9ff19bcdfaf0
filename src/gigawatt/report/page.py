"""The report of a run as one HTML page (``templates/report.html``): its decision figures, what the command prints,
its notes, its charts, every figure, its inputs with units and sources, and the sources of its assumptions.

One layout serves every use: the workbench's HTML download draws the charts with Plotly (it passes them in), and
the PDF (:func:`write_pdf`, WeasyPrint, which runs no script) shows the run's matplotlib figure
(:mod:`gigawatt.report.figures`) as an image in their place.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from gigawatt.core import __version__
from gigawatt.core.errors import ScenarioError
from gigawatt.core.present import figure_text, fmt, split_label
from gigawatt.core.results import Result
from gigawatt.registry import figures as result_figures
from gigawatt.registry import spec
from gigawatt.report.figures import plot
from gigawatt.report.inputs import assumption_rows, input_rows
from gigawatt.report.tables import blocks, sources

TEMPLATES = Path(__file__).parent / "templates"
PDF_FIX = 'pip install "gigawatt[pdf]" (WeasyPrint), and its system libraries: apt-get install libpango-1.0-0 libpangoft2-1.0-0'


def environment(*folders: Path) -> Environment:
    """A Jinja environment that finds templates in ``folders`` then the report's own, with the report's filters:
    ``fmt`` (a table cell), ``figure`` (a figure as the CLI prints it) and ``figure_name`` (its label less the unit)."""
    pages = Environment(loader=FileSystemLoader([*folders, TEMPLATES]), autoescape=select_autoescape(["html"]))
    pages.filters["fmt"] = fmt
    pages.filters["figure"] = lambda value, label: figure_text(label, value)  # as `gigawatt runs list` and `runs diff` print it
    pages.filters["figure_name"] = lambda label: split_label(label)[0]
    return pages


def context(result: Result) -> dict[str, Any]:
    """What the report shows of ``result``, apart from its charts: its decision figures (and their notes), the
    blocks the command prints, every figure, its inputs (key, value, unit, source), its assumptions and sources."""
    job = spec(result.kind, stored=True)
    return {"r": result, "version": __version__, "figures": result_figures(result.kind, result.data), "blocks": blocks(result),
            "decision": job.decision_figures(result.data), "decision_notes": job.decision_notes(result.data) if job.decision_notes else {},
            "inputs": input_rows(result), "assumptions": assumption_rows(result), "sources": sources(result)}


def figure_images(result: Result) -> list[dict[str, str]]:
    """The run's matplotlib figure (``gigawatt KIND --plot``) as PNG data URIs, for a page that runs no script;
    none for a kind that draws no figure."""
    if spec(result.kind, stored=True).plot is None:
        return []
    with tempfile.TemporaryDirectory() as folder:
        written = plot(result, Path(folder) / f"{result.kind}.png")
        pictures = sorted({written, *Path(folder).glob("*.png")})  # a figure may be drawn as several files
        return [{"name": p.stem, "src": "data:image/png;base64," + base64.b64encode(p.read_bytes()).decode("ascii")} for p in pictures]


def render(result: Result, pages: Environment | None = None, **extra: Any) -> str:
    """The report of ``result`` as HTML. ``extra``: ``charts`` (Plotly specifications by name) with the scripts that
    draw them (``plotly``, ``draw``, ``geo``), or ``images`` (:func:`figure_images`) for a page without scripts."""
    return (pages or environment()).get_template("report.html").render(**(context(result) | extra))


def write_pdf(result: Result, path: Path) -> None:
    """The report of ``result`` as a PDF at ``path`` (A4 landscape), its figure as an image: WeasyPrint renders the
    same HTML page as the workbench's download. A ScenarioError naming the fix where WeasyPrint or its libraries are missing."""
    html = pdf_engine()
    page = render(result, images=figure_images(result), printed=True)
    html(string=page, base_url=str(TEMPLATES)).write_pdf(path)


def pdf_engine():
    """WeasyPrint's ``HTML`` class, or a ScenarioError naming the fix: it needs the pdf extra and Pango."""
    try:
        from weasyprint import HTML
    except ImportError:
        raise ScenarioError(f"format pdf needs WeasyPrint: {PDF_FIX}; or export html from the workbench") from None
    except OSError as exc:  # WeasyPrint installed, its system libraries (Pango) not
        raise ScenarioError(f"format pdf: WeasyPrint cannot load its system libraries ({str(exc).splitlines()[0][:120]}); {PDF_FIX}") from None
    return HTML


__all__ = ["TEMPLATES", "context", "environment", "figure_images", "render", "write_pdf"]
