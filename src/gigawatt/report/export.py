"""Write a result to files: its JSON form, its tables as CSV or Parquet, or one Excel workbook.

Every file goes through a temporary file in the same folder and a rename, so a failed or killed export
never leaves a half-written file behind; outputs are checked for a writable folder before a run starts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gigawatt.errors import ScenarioError
from gigawatt.results import Result

FORMATS = ("json", "csv", "parquet", "xlsx")
DISPATCH_DECIMALS = 4  # 0.1 kW: far below any meaningful flow, and no solver noise like -0.0000
EXCEL_SHEET_CHARS = 31  # Excel's limit on a sheet name


def check_output(path: Path | str | None, what: str) -> None:
    """Refuse, before any work, an output path that is a folder or whose folder is missing or not writable."""
    if path is None:
        return
    path = Path(path)
    if path.is_dir():
        raise ScenarioError(f"{what} {path}: is a folder; give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ScenarioError(f"{what} {path}: folder {folder} does not exist; create it or choose another path")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ScenarioError(f"{what} {path}: cannot write there; choose another path")


def write_atomically(path: Path | str, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it onto ``path``."""
    path = Path(path)
    check_output(path, "output")
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_table(frame: Any, path: Path | str) -> Path:
    """A table as CSV, or Parquet when the name ends in .parquet; hourly MW rounded to 0.1 kW."""
    numeric = frame.select_dtypes("number").columns
    if len(numeric):
        frame = frame.assign(**{c: frame[c].round(DISPATCH_DECIMALS) + 0.0 for c in numeric})  # + 0.0: no -0.0
    keep_index = frame.index.name is not None
    if Path(path).suffix.lower() == ".parquet":
        return write_atomically(path, lambda tmp: frame.to_parquet(tmp, index=keep_index))
    return write_atomically(path, lambda tmp: frame.to_csv(tmp, index=keep_index))


def export(result: Result, fmt: str, out: Path | str | None = None) -> Path:
    """Write ``result`` as ``fmt``: ``json`` (one file), ``csv``/``parquet`` (a folder: a file per table and
    run.json) or ``xlsx`` (a workbook: a sheet per table and one for the run). Returns the path written."""
    if fmt not in FORMATS:
        raise ScenarioError(f"format '{fmt}': choose one of {', '.join(FORMATS)}")
    stem = f"{result.kind}-{result.run.id[:12]}"
    path = Path(out) if out else Path(f"{stem}.{fmt}" if fmt in ("json", "xlsx") else stem)
    text = json.dumps(result.to_dict(), indent=2)
    if fmt == "json":
        return write_atomically(path, lambda tmp: tmp.write_text(text + "\n"))
    frames = result.to_frames()
    if fmt == "xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise ScenarioError('format xlsx needs openpyxl; pip install "gigawatt[xlsx]", or export csv') from None
        import pandas as pd

        def workbook(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as book:
                run = pd.DataFrame({"field": ["id", "kind", "name", "created", "gigawatt_version", "catalog_hash"],
                                    "value": [result.run.id, result.kind, result.name, result.run.created,
                                              result.run.gigawatt_version, result.run.catalog_hash]})
                run.to_excel(book, sheet_name="run", index=False)
                for name, frame in frames.items():
                    table = frame.reset_index() if frame.index.name else frame
                    for column in table.select_dtypes(["datetimetz"]).columns:
                        table[column] = table[column].dt.tz_localize(None)  # Excel has no time zones
                    table.to_excel(book, sheet_name=name[:EXCEL_SHEET_CHARS], index=False)

        return write_atomically(path, workbook)
    if path.exists() and not path.is_dir():
        raise ScenarioError(f"--out {path}: {fmt} export writes a folder of tables, and a file of that name exists; give another path")
    path.mkdir(parents=True, exist_ok=True)
    write_atomically(path / "run.json", lambda tmp: tmp.write_text(text + "\n"))
    for name, frame in frames.items():
        write_table(frame, path / f"{name}.{fmt}")
    return path
