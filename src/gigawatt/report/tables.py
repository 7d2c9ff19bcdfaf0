"""Tables for people (rich): one renderer per kind of result, the run list and the comparison of two runs.

Renderers read ``result.data`` (the JSON form) and ``result.to_frames()``; they compute nothing.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gigawatt.core.present import figure_text, fmt, headline_text
from gigawatt.core.results import Result
from gigawatt.registry import figures, spec


def render(result: Result, console: Console, notes: bool = True) -> None:
    """Print a result as its command prints it, then (with ``notes``) its messages and run id."""
    spec(result.kind, stored=True).table(result, console)
    if not notes:
        return
    for line in result.messages:
        console.print(f"  note: {line}", style="dim", highlight=False)
    how = "from the run store" if result.run.stored else f"in {result.run.seconds:,.1f} s"
    console.print(f"run {result.run.id[:12]} ({how}; `gigawatt runs show {result.run.id[:12]}`)", style="dim", highlight=False)




class Recorder:
    """A stand-in for rich's :class:`~rich.console.Console` that a job's ``table`` renderer prints to: it keeps
    the tables and lines printed, in order, so a page shows exactly what the command prints (:func:`blocks`)."""

    def __init__(self) -> None:
        self.printed: list[tuple[Any, str | None]] = []

    def print(self, *objects: Any, style: str | None = None, **_: Any) -> None:
        self.printed.extend((item, style) for item in objects)


def _plain(item: Any) -> str:
    """A printed string or rich Text as the terminal shows it (the CLI's console reads no markup: text as written)."""
    if isinstance(item, Text):
        return item.plain
    return "" if item is None else str(item)


def blocks(result: Result) -> list[dict[str, Any]]:
    """What ``gigawatt runs show`` prints for ``result``, as data: ``{"table": {title, columns: [{header,
    justify}], rows: [[cell text]]}}`` for each table and ``{"line": text, "dim": bool}`` for each line, in order.
    The workbench renders these, so its tables are the CLI's cell for cell (one formatter)."""
    recorder = Recorder()
    spec(result.kind, stored=True).table(result, recorder)  # type: ignore[arg-type] - prints what a Console would
    out: list[dict[str, Any]] = []
    for item, style in recorder.printed:
        if isinstance(item, Table):
            columns = [{"header": _plain(c.header), "justify": c.justify} for c in item.columns]
            rows = [[_plain(cell) for cell in cells] for cells in zip(*(list(c.cells) for c in item.columns), strict=True)]
            out.append({"table": {"title": _plain(item.title), "columns": columns, "rows": rows}})
        elif _plain(item).strip():
            out.append({"line": _plain(item).strip(), "dim": style == "dim"})
    return out


def sources(result: Result) -> dict[str, str]:
    """Where a run's figures come from, for a report: each series' source as the run records it, and the catalog's
    source of each technology it names (``capacity_mw``), by display name."""
    from gigawatt import catalog

    out = {f"series: {name}": str(source) for name, source in (result.data.get("series") or {}).items()}
    table = catalog.technologies().set_index("technology")
    for tech in result.data.get("capacity_mw") or {}:
        if tech in table.index:
            row = table.loc[tech]
            out[f"{catalog.display_name(tech)} ({tech}) costs, {row['dollar_year']} USD"] = str(row["source"])
    return out


# --- the run store ----------------------------------------------------------------------------------


def run_list(rows: list[dict[str, Any]], console: Console) -> None:
    """The runs of ``Store.list``: id, kind, name, when, and their headline figures."""
    table = Table(title=f"{len(rows)} run{'' if len(rows) == 1 else 's'} (newest first; `gigawatt runs show ID`)")
    for column in ("id", "kind", "name", "created (UTC)", "s", "headline"):
        table.add_column(column, justify="right" if column == "s" else "left", overflow="fold")
    for row in rows:
        figures_text = headline_text(row["headline"])
        table.add_row(row["id"][:12], row["kind"], row["name"], row["created"].replace("T", " ")[:19], f"{row['seconds']:,.1f}", figures_text)
    console.print(table)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested inputs as ``dotted.key: value`` (lists of mappings as ``key[i].field``)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out |= flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list) and any(isinstance(v, dict) for v in data):
        for i, value in enumerate(data):
            out |= flatten(value, f"{prefix}[{i}]")
    else:
        out[prefix] = data
    return out


def differences(a: Result, b: Result) -> dict[str, Any]:
    """What differs between two runs: inputs (dotted keys with both values) and their figures with deltas."""
    if a.kind != b.kind:
        raise ValueError(f"a {a.kind} run and a {b.kind} run cannot be compared")
    left, right = flatten(a.to_dict()["inputs"]), flatten(b.to_dict()["inputs"])
    inputs = {k: (left.get(k), right.get(k)) for k in sorted(set(left) | set(right)) if left.get(k) != right.get(k)}
    fa, fb = figures(a.kind, a.data), figures(b.kind, b.data)
    results = {}
    for key in [*fa, *(k for k in fb if k not in fa)]:
        x, y = fa.get(key), fb.get(key)
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y))
        results[key] = (x, y, (y - x) if numeric else None)
    return {"a": a.run.id, "b": b.run.id, "kind": a.kind, "inputs": inputs, "results": results}


def diff(a: Result, b: Result, console: Console) -> None:
    """Print the inputs that differ and the figures side by side with their deltas."""
    d = differences(a, b)
    table = Table(title=f"inputs that differ: A {a.run.id[:12]} ({a.name}) vs B {b.run.id[:12]} ({b.name})")
    for column in ("key", "A", "B"):
        table.add_column(column, overflow="fold")
    for key, (x, y) in d["inputs"].items():
        table.add_row(key, fmt(x), fmt(y))
    if not d["inputs"]:
        table.add_row("(none)", "", "")
    console.print(table)
    table = Table(title=f"{a.kind} results side by side")
    for column in ("figure", "A", "B", "B - A"):
        table.add_column(column, justify="left" if column == "figure" else "right", overflow="fold")
    for key, (x, y, delta) in d["results"].items():
        table.add_row(key, figure_text(key, x), figure_text(key, y), "" if delta is None else f"{'+' if delta > 0 else ''}{figure_text(key, delta)}")
    console.print(table)
