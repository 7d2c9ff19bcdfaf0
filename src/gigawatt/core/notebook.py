"""How a result shows in a notebook or a Python prompt: ``repr(result)`` on a line or two (kind, name, run id and
the headline figures as the CLI prints them) and ``result._repr_html_()`` (Jupyter's rich display): a table of
the figures a decision rests on, the run's messages and its key chart as inline SVG (PNG where the SVG would be
large). The pieces come from the kind's spec (:class:`~gigawatt.core.spec.JobSpec`), handed in by
:class:`~gigawatt.core.results.Result`, so this module knows no job.
"""

from __future__ import annotations

import base64
import html
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gigawatt.core.present import figure_text, headline_text, split_label

REPR_CHARS = 400  # the one-line summary is cut to this many characters: a repr is for a glance
MESSAGE_CHARS = 300  # a message longer than this is cut in the HTML view (the full text is in result.messages)
SVG_MOST_BYTES = 400_000  # a chart whose SVG is larger than this (a year of hours) is embedded as PNG instead
OPEN_MESSAGES = 6  # more messages than this are folded (<details>) under the table


def text(kind: str, name: str, run_id: str, stored: bool, figures: dict[str, Any], messages: int) -> str:
    """``<gigawatt plan 'name' run 1a2b3c4d5e6f: LCOE 61.2 USD/MWh, annual cost 578.8 M USD, online 2027-01 (3 messages)>``."""
    summary = headline_text({label: value for label, value in figures.items() if value is not None})
    if len(summary) > REPR_CHARS:
        summary = summary[: REPR_CHARS - 1] + "…"
    shown_name = name if len(name) <= 60 else name[:59] + "…"
    note = f" ({messages} message{'' if messages == 1 else 's'})" if messages else ""
    return f"<gigawatt {kind} {shown_name!r} run {run_id[:12]}{' (stored)' if stored else ''}: {summary or 'no figures'}{note}>"


def chart(draw: Callable[[Path], Path | None]) -> str:
    """The figure ``draw(path)`` writes, as an inline ``<svg>`` (text as text), or an ``<img>`` of a PNG where the
    SVG is larger than :data:`SVG_MOST_BYTES`; '' when it writes none."""
    import matplotlib

    with tempfile.TemporaryDirectory(prefix="gigawatt-chart-") as folder:
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "gigawatt"}):
            written = draw(Path(folder) / "chart.svg")
        svg = Path(written) if written is not None else Path(folder) / "chart.svg"
        if svg.suffix == ".svg" and svg.exists() and svg.stat().st_size <= SVG_MOST_BYTES:
            body = svg.read_text(encoding="utf-8")
            return body[body.find("<svg"):]
        png = draw(Path(folder) / "chart.png")
        png = Path(png) if png is not None else Path(folder) / "chart.png"
        if not png.exists():
            return ""
        encoded = base64.b64encode(png.read_bytes()).decode("ascii")
        return f'<img alt="chart" style="max-width:100%" src="data:image/png;base64,{encoded}"/>'


STYLE = ("<style>.gigawatt-result table{border-collapse:collapse;margin:0.4em 0}"
         ".gigawatt-result td,.gigawatt-result th{padding:0.15em 0.8em;text-align:left;border-bottom:1px solid #ddd}"
         ".gigawatt-result td.value{text-align:right;font-variant-numeric:tabular-nums}"
         ".gigawatt-result .chart svg{max-width:100%;height:auto}</style>")


def page(kind: str, name: str, run_id: str, stored: bool, summary: str, figures: dict[str, Any], notes: dict[str, str],
         messages: list[str], chart_html: str) -> str:
    """The rich display: a heading, the figures table (name, value with unit, a note where the label alone may mislead),
    the messages, the chart."""
    e = html.escape
    rows = []
    for label, value in figures.items():
        figure_name, unit = split_label(label)
        shown = figure_name if figure_name != unit else label
        note = f'<br/><small>{e(notes[label])}</small>' if label in notes else ""
        rows.append(f'<tr><td>{e(shown)}{note}</td><td class="value">{e(figure_text(label, value))}</td></tr>')
    table = f"<table><tbody>{''.join(rows)}</tbody></table>" if rows else "<p>no figures</p>"
    items = "".join(f"<li>{e(m if len(m) <= MESSAGE_CHARS else m[: MESSAGE_CHARS - 1] + '…')}</li>" for m in messages)
    if not messages:
        said = ""
    elif len(messages) > OPEN_MESSAGES:
        said = f"<details><summary>{len(messages)} messages</summary><ul>{items}</ul></details>"
    else:
        said = f"<p><b>Messages</b></p><ul>{items}</ul>"
    figure = f'<div class="chart">{chart_html}</div>' if chart_html else ""
    where = " (stored)" if stored else ""
    return (f'<div class="gigawatt-result">{STYLE}<h4>{e(kind)}: {e(name)}</h4>'
            f"<p><small>run <code>{e(run_id[:12])}</code>{where} · {e(summary)}</small></p>{table}{said}{figure}</div>")
