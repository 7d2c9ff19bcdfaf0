"""Presentation shared by every job's tables, figures and charts: figure formatting for table cells,
matplotlib on a file-only backend, and Plotly layout dicts. Each job's own renderers (its job.py) use these."""

from __future__ import annotations

import math
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


def pyplot():
    """matplotlib's pyplot on the file-only Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path: Path | str, title: str) -> Path:
    """Title, lay out and write a figure as PNG, then free it."""
    import matplotlib.pyplot as plt

    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


MS_PER_DAY = 86_400_000  # Plotly's date axes count milliseconds


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def chart_layout(title: str, x: str = "", y: str = "", **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title}, "xaxis": {"title": {"text": x}}, "yaxis": {"title": {"text": y}, "automargin": True},
            "margin": {"l": 70, "r": 20, "t": 50, "b": 50}, "legend": {"orientation": "h", "y": -0.2}, **extra}


def plain_list(series: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else v for v in series.tolist()]
