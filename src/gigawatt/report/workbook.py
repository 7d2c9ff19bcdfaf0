"""A run as an Excel workbook to hand over (openpyxl):

- ``Summary``: the run (id, kind, name, date, gigawatt version, catalog), its decision figures and every figure,
  each as a number in its unit with a number format and as the CLI prints it, the tables the command prints,
  and the run's notes;
- ``Inputs``: every scenario input with its value, unit, description and source, then the assumptions the run
  used with their sources;
- a sheet per table of the result: a header row with units (``load (MW)``), number formats (thousands grouped,
  decimals by unit, ratios as percentages, years as written, timestamps as dates), the header frozen, columns
  fitted and an Excel table (filter and banding) over it.

Values are the run's own numbers (only hourly flows rounded to 0.1 kW, as every export); formats change how
they show, never what they are.
"""

from __future__ import annotations

import datetime
import math
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from gigawatt.core import __version__
from gigawatt.core.present import figure_text, fmt, split_label
from gigawatt.core.results import Result
from gigawatt.registry import figures as result_figures
from gigawatt.registry import spec
from gigawatt.report import columns
from gigawatt.report.inputs import assumption_rows, input_rows
from gigawatt.report.tables import blocks

EXCEL_SHEET_CHARS = 31  # Excel's limit on a sheet name
DISPATCH_DECIMALS = 4  # 0.1 kW, as the CSV export rounds hourly flows
WIDEST_CHARS = 60  # a column is fitted to its longest cell up to this many characters (sources wrap)
FIT_ROWS = 500  # widths are fitted on the first rows of a long table
RESERVED = ("Summary", "Inputs")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
TIME_COLUMN = re.compile(r"(^|_)(timestamp|date|datetime|time|utc)($|_)")


def _cell(value: Any) -> Any:
    """A value Excel can hold: numbers, text, booleans and naive datetimes as they are; lists joined; nothing empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | int | float | str | datetime.datetime | datetime.date):
        return value
    if isinstance(value, np.generic):
        return _cell(value.item())
    if isinstance(value, list | tuple):
        return ", ".join(fmt(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {fmt(v)}" for k, v in value.items()) or None
    return str(value)


def _fit(sheet, first_row: int = 1) -> None:
    """Each column as wide as its longest cell (first rows of a long table), within WIDEST_CHARS."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=first_row, max_row=min(sheet.max_row, first_row + FIT_ROWS)):
        for cell in row:
            if cell.value is None:
                continue
            text = cell.value if isinstance(cell.value, str) else fmt(cell.value) if not hasattr(cell.value, "year") else "2026-01-01 00:00"
            widths[cell.column] = max(widths.get(cell.column, 0), len(text) + 2)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 8), WIDEST_CHARS)


def _table(sheet, name: str, rows: int, cols: int, first_row: int = 1) -> None:
    """An Excel table (filter buttons and banded rows) over the header row and ``rows`` rows of data."""
    if rows == 0 or cols == 0:
        return
    ref = f"A{first_row}:{get_column_letter(cols)}{first_row + rows}"
    safe = re.sub(r"\W", "_", name)
    table = Table(displayName=f"t_{safe}"[:250], ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    sheet.add_table(table)


def _times(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of ISO timestamps held as text read as datetimes (Excel's dates), in their own clock time: Excel has
    no time zones, so a zone-aware column is written in local time with its offset left in the header's unit."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            if not TIME_COLUMN.search(str(column).lower()):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                try:
                    parsed = pd.to_datetime(series, format="ISO8601")
                except (ValueError, TypeError, Warning):
                    continue
            series = parsed
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
        out[column] = series
    return out


def _kind_of(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(series):
        dates = series.dropna()
        return "date" if len(dates) and (dates.dt.normalize() == dates).all() and not str(series.name).endswith("timestamp") else "datetime"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_numeric_dtype(series):
        return "float"
    return "text"


def table_sheet(book: Workbook, title: str, frame: pd.DataFrame) -> None:
    """One of the result's tables on a sheet of its own: header row with units, formats, frozen header, fitted columns, a table."""
    sheet = book.create_sheet(title)
    table = frame.reset_index() if frame.index.name else frame
    table = _times(table)
    numeric = table.select_dtypes("number").columns
    if len(numeric):
        table = table.assign(**{c: table[c].round(DISPATCH_DECIMALS) + 0.0 for c in numeric if not pd.api.types.is_integer_dtype(table[c])})
    headers, seen = [], set()
    for column in table.columns:
        text = columns.header(str(column))
        while text in seen:  # an Excel table needs distinct headers
            text += " "
        seen.add(text)
        headers.append(text)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    formats = [columns.number_format(str(c), table[c].head(FIT_ROWS).tolist(), _kind_of(table[c])) for c in table.columns]
    labels = _row_labels(table)
    for values in table.itertuples(index=False, name=None):
        sheet.append([_cell(v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) for v in values])
    for j, number_format in enumerate(formats, start=1):
        if number_format == columns.GENERAL:
            continue
        for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
            cell.number_format = number_format
    if labels is not None:  # a table of figures, one per row ("quantity", "value"): each value in its own unit
        label_col, value_col = labels
        for row in sheet.iter_rows(min_row=2):
            label, cell = row[label_col].value, row[value_col]
            if isinstance(cell.value, int | float) and isinstance(label, str):
                cell.number_format = columns.figure_format(label, cell.value)
    sheet.freeze_panes = "A2"
    _fit(sheet)
    _table(sheet, title, len(table), len(table.columns))


def _row_labels(table: pd.DataFrame) -> tuple[int, int] | None:
    """(label column, value column) of a table of figures with their units in the label (``quantity``, ``value``)."""
    names = [str(c) for c in table.columns]
    if "value" in names and names[0] in ("quantity", "figure", "item", "name") and pd.api.types.is_numeric_dtype(table["value"]):
        return 0, names.index("value")
    return None


def summary_sheet(book: Workbook, result: Result) -> None:
    """The run, its decision figures and every figure (number, unit, as printed), the command's tables, its notes."""
    sheet = book.active
    sheet.title = "Summary"
    job = spec(result.kind, stored=True)
    sheet.append([f"{result.kind}: {result.name}"])
    sheet["A1"].font = TITLE
    sheet.append([job.summary])
    sheet.append([])
    for field, value in (("run id", result.run.id), ("kind", result.kind), ("name", result.name),
                         ("created (UTC)", _created(result.run.created)), ("gigawatt version (run)", result.run.gigawatt_version),
                         ("gigawatt version (export)", __version__), ("catalog hash", result.run.catalog_hash)):
        sheet.append([field, value])
        sheet.cell(sheet.max_row, 1).font = BOLD
        if field == "created (UTC)" and not isinstance(value, str):
            sheet.cell(sheet.max_row, 2).number_format = columns.DATETIME
    decision = job.decision_figures(result.data)
    notes = job.decision_notes(result.data) if job.decision_notes else {}
    _figures(sheet, "decision figures", decision, notes)
    _figures(sheet, "every figure", {k: v for k, v in result_figures(result.kind, result.data).items()}, {})
    for block in blocks(result):  # what `gigawatt runs show` prints, cell for cell
        if "table" in block:
            table = block["table"]
            sheet.append([])
            sheet.append([table["title"] or "table"])
            sheet.cell(sheet.max_row, 1).font = BOLD
            if any(c["header"] for c in table["columns"]):
                sheet.append([c["header"] for c in table["columns"]])
                for cell in sheet[sheet.max_row]:
                    cell.font = BOLD
            for row in table["rows"]:
                sheet.append(row)
                for cell, column in zip(sheet[sheet.max_row], table["columns"], strict=False):
                    if column["justify"] == "right":
                        cell.alignment = Alignment(horizontal="right")
        else:
            sheet.append([block["line"]])
    if result.messages:
        sheet.append([])
        sheet.append(["notes"])
        sheet.cell(sheet.max_row, 1).font = BOLD
        for message in result.messages:
            sheet.append([message])
    _fit(sheet, first_row=4)
    sheet.column_dimensions["A"].width = WIDEST_CHARS // 2 + 10


def _figures(sheet, title: str, figures: dict[str, Any], notes: dict[str, str]) -> None:
    sheet.append([])
    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append(["figure", "value", "unit", "as shown", *(["note"] if notes else [])])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for label, value in figures.items():
        name, unit = split_label(label)
        shown = figure_text(label, value)
        sheet.append([name, _cell(value), unit, shown, *([notes.get(label, "")] if notes else [])])
        if isinstance(value, int | float) and not isinstance(value, bool):
            sheet.cell(sheet.max_row, 2).number_format = columns.figure_format(label, value)
            sheet.cell(sheet.max_row, 4).alignment = Alignment(horizontal="right")


def _created(text: str) -> Any:
    try:
        return pd.Timestamp(text).tz_localize(None).to_pydatetime() if pd.Timestamp(text).tzinfo else pd.Timestamp(text).to_pydatetime()
    except ValueError:
        return text


def inputs_sheet(book: Workbook, result: Result) -> None:
    """Every scenario input (key, value, unit, description, source), then the assumptions with their sources."""
    sheet = book.create_sheet("Inputs")
    sheet.append(["input", "value", "unit", "description", "source"])
    for cell in sheet[1]:
        cell.font = BOLD
    rows = input_rows(result)
    for row in rows:
        sheet.append([row["key"], _cell(row["value"]), row["unit"], row["description"], row["source"]])
        value = row["value"]
        if isinstance(value, int | float) and not isinstance(value, bool):
            leaf = row["key"].rsplit(".", 1)[-1]
            sheet.cell(sheet.max_row, 2).number_format = columns.YEAR if columns.is_year(leaf) else columns.number_format(leaf, [value], "int" if isinstance(value, int) else "float")
    sheet.freeze_panes = "A2"
    _table(sheet, "inputs", len(rows), 5)
    assumed = assumption_rows(result)
    if assumed:
        sheet.append([])
        sheet.append(["assumptions and sources"])
        sheet.cell(sheet.max_row, 1).font = BOLD
        sheet.append(["assumption", "value", "unit", "source"])
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
        for row in assumed:
            sheet.append([row["name"], _cell(row["value"]), row["unit"], row["source"]])
    _fit(sheet)
    for letter in ("D", "E"):
        for (cell,) in sheet.iter_rows(min_col=ord(letter) - 64, max_col=ord(letter) - 64):
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def sheet_names(names: list[str]) -> dict[str, str]:
    """Each table's sheet name: at most 31 characters, distinct from Summary, Inputs and each other (Excel compares
    names without case)."""
    taken = {n.lower() for n in RESERVED}
    out = {}
    for name in names:
        title = name[:EXCEL_SHEET_CHARS]
        if title.lower() in taken:
            title = f"{name[:EXCEL_SHEET_CHARS - 6]} table"
        i = 2
        while title.lower() in taken:
            title = f"{name[:EXCEL_SHEET_CHARS - 3]} {i}"
            i += 1
        taken.add(title.lower())
        out[name] = title
    return out


def write_workbook(result: Result, path: Path, frames: dict[str, pd.DataFrame] | None = None) -> None:
    """The workbook of ``result`` at ``path`` (Summary, Inputs, then a sheet per table); ``frames``: its tables, if read already."""
    frames = result.to_frames() if frames is None else frames
    book = Workbook()
    summary_sheet(book, result)
    inputs_sheet(book, result)
    for name, title in sheet_names(list(frames)).items():
        table_sheet(book, title, frames[name])
    book.save(path)


__all__ = ["sheet_names", "write_workbook"]
