"""Write a result to files: its JSON form, its tables as CSV or Parquet, one Excel workbook, or the PDF report.

Every file is written whole or not at all (:mod:`gigawatt.core.files`): a temporary file in the target's folder
renamed onto it, a folder of tables staged and moved into place once complete, so a failed, refused or
killed export leaves an existing file as it was; outputs are checked before a run starts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gigawatt.core.errors import ScenarioError
from gigawatt.core.files import write_atomically, write_folder
from gigawatt.core.results import Result

FORMATS = ("json", "csv", "parquet", "xlsx", "pdf")
DISPATCH_DECIMALS = 4  # 0.1 kW: far below any meaningful flow, and no solver noise like -0.0000


def table_writer(frame: Any, parquet: bool = False) -> Callable[[Path], Any]:
    """``write(path)`` of a table as CSV (or Parquet), hourly MW rounded to 0.1 kW."""
    numeric = frame.select_dtypes("number").columns
    if len(numeric):
        frame = frame.assign(**{c: frame[c].round(DISPATCH_DECIMALS) + 0.0 for c in numeric})  # + 0.0: no -0.0
    keep_index = frame.index.name is not None
    if parquet:  # a zoned time index stays tz-aware (Parquet keeps the UTC instants and the zone's name)
        return lambda path: frame.to_parquet(path, index=keep_index)
    if getattr(frame.index, "tz", None) is not None:  # ISO 8601 with the offset: 2026-07-01T13:00:00-05:00
        frame = frame.set_axis(frame.index.map(lambda t: t.isoformat()).rename(frame.index.name), axis=0)
    return lambda path: frame.to_csv(path, index=keep_index)


def write_table(frame: Any, path: Path | str, what: str = "output") -> Path:
    """A table as CSV, or Parquet when the name ends in .parquet (atomically); hourly MW rounded to 0.1 kW."""
    return write_atomically(path, table_writer(frame, Path(path).suffix.lower() == ".parquet"), what)


def export(result: Result, fmt: str, out: Path | str | None = None, what: str = "output") -> Path:
    """Write ``result`` as ``fmt``: ``json`` (one file), ``csv``/``parquet`` (a folder: a file per table and
    run.json), ``xlsx`` (a workbook to hand over: Summary, Inputs and a formatted sheet per table,
    :mod:`gigawatt.report.workbook`) or ``pdf`` (the HTML report with its figure, :mod:`gigawatt.report.page`).
    Returns the path written.

    Everything is read (a stored run's tables included) before anything is written, and written whole or
    not at all; ``what`` names the path in messages (an option such as ``--out``)."""
    if fmt not in FORMATS:
        raise ScenarioError(f"format '{fmt}': choose one of {', '.join(FORMATS)}")
    stem = f"{result.kind}-{result.run.id[:12]}"
    path = Path(out) if out else Path(f"{stem}.{fmt}" if fmt in ("json", "xlsx", "pdf") else stem)
    text = json.dumps(result.to_dict(), indent=2) + "\n"
    if fmt == "json":
        return write_atomically(path, lambda tmp: tmp.write_text(text), what)
    frames = result.to_frames()
    if fmt == "xlsx":
        try:
            from gigawatt.report.workbook import write_workbook
        except ImportError:
            raise ScenarioError('format xlsx needs openpyxl; pip install "gigawatt[xlsx]", or export csv') from None
        return write_atomically(path, lambda tmp: write_workbook(result, tmp, frames), what)
    if fmt == "pdf":
        try:
            from gigawatt.report.page import pdf_engine, write_pdf
        except ImportError:
            raise ScenarioError('format pdf needs Jinja2 and WeasyPrint; pip install "gigawatt[pdf]", or export xlsx') from None
        pdf_engine()  # a missing WeasyPrint or Pango is told before anything is written
        return write_atomically(path, lambda tmp: write_pdf(result, tmp), what)
    files: dict[str, Callable[[Path], Any]] = {"run.json": lambda tmp: tmp.write_text(text)}
    files |= {f"{name}.{fmt}": table_writer(frame, fmt == "parquet") for name, frame in frames.items()}
    return write_folder(path, files, what)


__all__ = ["FORMATS", "export", "table_writer", "write_table"]
