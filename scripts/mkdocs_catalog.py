"""MkDocs hook: the catalog's tables and sources written into the pages from the bundled CSVs at build time, and
the methods' equations rendered to MathML.

A page asks for them with HTML comments, replaced before the Markdown is rendered:

- ``<!-- catalog-table: NAME -->``: ``src/gigawatt/catalog/NAME.csv`` as a Markdown table, every row and column
  as shipped (its row count and file name above it; the long ``notes`` and ``source`` texts numbered below it);
- ``<!-- catalog-sources: NAME[,NAME...] -->``: the distinct ``source`` cells of those tables, one bullet each,
  with the rows (by their first column) that cite it;
- ``<!-- catalog-all -->``: a section per table, in file-name order.

Equations are LaTeX in the Markdown (``$$ ... $$`` on lines of their own, ``\\( ... \\)`` inline) and become
MathML at build time (latex2mathml), which the browser draws itself: no MathJax, nothing fetched from the internet.

Nothing is copied into ``docs/`` by hand, so the site shows the catalog the package ships. An unknown name
raises, which fails ``mkdocs build``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from latex2mathml.converter import convert

CATALOG = Path(__file__).resolve().parents[1] / "src" / "gigawatt" / "catalog"
_MARK = re.compile(r"<!--\s*(catalog-table|catalog-sources|catalog-all):?\s*([\w,\s]*?)\s*-->")


def _rows(name: str) -> tuple[list[str], list[list[str]]]:
    path = CATALOG / f"{name}.csv"
    if not path.is_file():
        raise ValueError(f"catalog table {name!r}: no {path}")
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def _cell(text: str) -> str:
    return " ".join(text.replace(";", "; ").split()).replace("|", "\\|").replace("<", "&lt;").replace("[", "\\[").replace("]", "\\]")


LONG = ("notes", "source")  # prose columns: listed under the table by row number, so rows stay a line or two high
LONG_CELL = 60  # and any other column with a cell longer than this many characters


def table(name: str) -> str:
    """The CSV ``name`` as a Markdown table; its notes and sources numbered below it."""
    header, rows = _rows(name)
    long_at = [i for i, h in enumerate(header) if h in LONG or any(len(row[i]) > LONG_CELL for row in rows if i < len(row))]
    shown = [i for i in range(len(header)) if i not in long_at]
    lines = [f"*`catalog/{name}.csv`: {len(rows)} rows, {len(header)} columns"
             + (f"; {' and '.join(header[i] for i in long_at)} listed below the table by row number" if long_at else "")
             + ".*", ""]
    lines.append("| " + " | ".join(["#"] * bool(long_at) + [_cell(header[i]) for i in shown]) + " |")
    lines.append("|" + "---|" * (len(shown) + bool(long_at)))
    lines += ["| " + " | ".join([str(n)] * bool(long_at) + [_cell(row[i]) for i in shown]) + " |"
              for n, row in enumerate(rows, 1)]
    if long_at:
        lines.append("")
        for n, row in enumerate(rows, 1):
            parts = [f"*{header[i]}:* {_cell(row[i])}" for i in long_at if row[i].strip()]
            lines.append(f"{n}. **{_cell(row[0])}**: " + " ".join(parts))
    return "\n".join(lines)


def sources(names: list[str]) -> str:
    """The distinct sources the tables ``names`` cite, each with the rows that cite it."""
    cited: dict[str, list[str]] = {}
    for name in names:
        header, rows = _rows(name)
        if "source" not in header:
            raise ValueError(f"catalog table {name!r} has no source column")
        at = header.index("source")
        for row in rows:
            cited.setdefault(" ".join(row[at].split()) or "(no source given)", []).append(f"{name}: {row[0]}")
    return "\n".join(f"- {_cell(text)} *({', '.join(rows)})*" for text, rows in cited.items())


def catalog_all() -> str:
    parts = []
    for path in sorted(CATALOG.glob("*.csv")):
        parts += [f"## {path.stem}", "", table(path.stem), ""]
    return "\n".join(parts)


def expand(markdown: str) -> str:
    """The page with every catalog mark replaced."""

    def replace(match: re.Match) -> str:
        what, arg = match.group(1), match.group(2).strip()
        if what == "catalog-all":
            return catalog_all()
        names = [n.strip() for n in arg.split(",") if n.strip()]
        if not names:
            raise ValueError(f"{match.group(0)} names no catalog table")
        return table(names[0]) if what == "catalog-table" else sources(names)

    return _MARK.sub(replace, markdown)


_BLOCK = re.compile(r"^\$\$\n(.*?)\n\$\$$", re.S | re.M)
_INLINE = re.compile(r"\\\((.+?)\\\)")


def equations(markdown: str) -> str:
    """LaTeX equations as MathML: display blocks in a ``div.equation``, inline ones in place."""
    markdown = _BLOCK.sub(lambda m: f'<div class="equation">{convert(" ".join(m.group(1).split()), display="block")}</div>',
                          markdown)
    # in a span: Python-Markdown takes a line that starts with <math> for a block of its own
    return _INLINE.sub(lambda m: f'<span class="equation">{convert(m.group(1))}</span>', markdown)


def on_page_markdown(markdown: str, **_: object) -> str:  # MkDocs' hook
    return equations(expand(markdown))
