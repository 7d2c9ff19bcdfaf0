"""Presentation shared by every job's tables, figures and charts: figure formatting for table cells,
matplotlib on a file-only backend, and Plotly layout dicts. Each job's own renderers (its job.py) use these."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

Chart = dict[str, Any]  # a Plotly figure specification: {"data": [...], "layout": {...}}


def fmt(value: Any) -> str:
    """A figure for a table cell: '-' for nothing, thousands separators, four significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


SHARE_WORDS = ("share", "availability", "P(", "IRR", "probability")  # figures that are ratios of 1, shown as percentages
UNIT = re.compile(r"(?<![\w/])(USD(?:/[\w.-]+| per [\w.-]+)?|[kMGT]Wh?(?:/yr)?|t/yr|t|g/kWh|h/yr|[\w-]+-hours/yr)(?![\w/])")
TEN, THOUSAND, MILLION, BILLION = 10.0, 1e3, 1e6, 1e9
SCALED_UNITS = {"t": ((MILLION, "Mt"), (THOUSAND, "kt")), "MWh": ((MILLION, "TWh"), (THOUSAND, "GWh"))}


def split_label(label: str) -> tuple[str, str]:
    """A figure's label as (name, unit): ``'annual cost USD'`` → ``('annual cost', 'USD')``, ``'P10 online GW at end'``
    → ``('P10 online at end', 'GW')``; a label without a unit → ``(label, '')``; a label that is only a unit keeps it as its name."""
    match = UNIT.search(label)
    if match is None:
        return label, ""
    name = " ".join((label[: match.start()] + label[match.end():]).split())
    return (name or label), match.group(1)


def figure_text(label: str, value: Any) -> str:
    """A figure as a person reads it, from its label's unit (:func:`split_label`): money in M or B USD
    (``578.8 M USD``), ratios as percentages (``35.4%``, ``99.95%``), other numbers by :func:`fmt` with their unit.
    The one formatter of headline figures for the CLI (``runs list``, ``runs diff``) and the workbench."""
    name, unit = split_label(label)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float) or (isinstance(value, float) and math.isnan(value)):
        return fmt(value)
    if not unit and any(word in name for word in SHARE_WORDS):
        percent = 100.0 * value
        return f"{percent:.4g}%" if abs(100.0 - percent) < 1 else f"{percent:.3g}%"  # near 100%: the nines matter
    if unit.startswith("USD") and not unit.startswith(("USD/MWh", "USD/kWh", "USD per", "USD/accelerator", "USD/GPU", "USD/million")):
        rest = unit.removeprefix("USD")
        for scale, letter in ((BILLION, "B"), (MILLION, "M")):
            if abs(value) >= scale:
                return f"{value / scale:,.1f} {letter} USD{rest}"
        return f"{value:,.0f} USD{rest}"
    for small, scales in SCALED_UNITS.items():  # tonnes in kt or Mt, MWh in GWh or TWh: as the tables print them
        if unit.split("/")[0] == small:
            rest = unit.removeprefix(small)
            for scale, bigger in scales:
                if abs(value) >= TEN * scale:
                    return f"{value / scale:,.{0 if abs(value) >= THOUSAND * scale else 1}f} {bigger}{rest}"
    if abs(value) >= THOUSAND:
        return f"{value:,.0f} {unit}".rstrip()
    return f"{fmt(value)} {unit}".rstrip()


def headline_text(figures: dict[str, Any]) -> str:
    """Headline figures on one line, ``name value unit`` each (the name left out where the label is only its unit,
    ``USD per accelerator-hour``): a run list's summary of a run, the CLI's and the workbench's."""
    parts = []
    for label, value in figures.items():
        name, unit = split_label(label)
        parts.append(f"{'' if name == unit else name} {figure_text(label, value)}".strip())
    return ", ".join(parts)


def pyplot():
    """matplotlib's pyplot on the file-only Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path: Path | str, title: str) -> Path:
    """Title, lay out and write a figure in the format its name's suffix gives (PNG at :data:`FIGURE_DPI`, SVG),
    then free it."""
    import matplotlib.pyplot as plt

    from gigawatt.core.figure_style import FIGURE_DPI

    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=FIGURE_DPI)
    plt.close(fig)
    return path


MS_PER_DAY = 86_400_000  # Plotly's date axes count milliseconds


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def chart_layout(title: str, x: str = "", y: str = "", **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title}, "xaxis": {"title": {"text": x}}, "yaxis": {"title": {"text": y}, "automargin": True},
            "margin": {"l": 70, "r": 20, "t": 50, "b": 50}, "legend": {"orientation": "h", "y": -0.2}, **extra}


def plain_list(series: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else v for v in series.tolist()]
