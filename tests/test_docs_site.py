"""The documentation site is executed: every tutorial's commands run, its quoted figures match, and it builds.

Each page under ``docs/`` is read in order. A ``bash`` block's lines run one by one through the installed
``gigawatt`` in a subprocess (``bash -c``, in a temporary folder where ``examples/`` is the bundled examples
and the run store is the folder's own); a ``NAME=$(...)`` line sets NAME for the lines after it. A ``python``
block runs in-process, in one namespace per page. A ``<!-- figure: EXPR | FORMAT -->`` comment evaluates EXPR
(``out``: the last command's stdout read as JSON, ``r``: its ``result``; the page's Python names) and the page's
prose must contain ``format(value, FORMAT)``: a figure quoted in the text that no longer matches the program
fails here, as a stale number would otherwise stay on the page. ``sh`` blocks are shown, never run (installs).
Finally ``mkdocs build --strict`` must pass, so a broken link, a missing docstring target or a bad catalog
mark fails the suite too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHARED

DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent
_TOKEN = re.compile(r"```(bash|python)\n(.*?)```|<!--\s*figure:\s*(.*?)\s*\|\s*(.*?)\s*-->", re.S)
_ASSIGN = re.compile(r"^([A-Z_][A-Z0-9_]*)=(.*)$")


def pages() -> list[Path]:
    """The getting-started page and the tutorials: the pages written to be run (docs/clusters.md's recipes need
    a SLURM or Kubernetes cluster and are shown only)."""
    return [DOCS / "index.md", *sorted((DOCS / "tutorials").glob("*.md"))]


def prose(text: str) -> str:
    """The page without its code blocks and comments: where a quoted figure must appear."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def commands(block: str) -> list[str]:
    """A bash block's commands: continuation lines joined, comments and blank lines dropped."""
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run_page(page: Path, folder: Path) -> list[tuple[str, str, str]]:
    """Run the page's blocks in ``folder``; return (expression, format, formatted value) for each figure."""
    (folder / "examples").symlink_to(ROOT / "examples")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "GIGAWATT_STORE": str(folder / "runs.db"),
           "SHARED": str(SHARED), "COLUMNS": "120"}
    namespace: dict = {}
    out: object = None
    figures = []
    cwd = Path.cwd()
    for match in _TOKEN.finditer(page.read_text()):
        language, code, expr, fmt = match.groups()
        if language == "bash":
            for line in commands(code):
                assign = _ASSIGN.match(line.strip())
                shown = line if not assign else f'printf %s {assign.group(2)}'
                done = subprocess.run(["bash", "-c", f"set -euo pipefail; {shown}"], cwd=folder, env=env,
                                      capture_output=True, text=True, timeout=300)
                assert done.returncode == 0, f"{page.name}: {line}\n{done.stderr[-3000:]}"
                if assign:
                    env[assign.group(1)] = done.stdout.strip()
                    continue
                try:
                    out = json.loads(done.stdout)
                except ValueError:
                    out = done.stdout
        elif language == "python":
            os.chdir(folder)
            try:
                exec(compile(code, str(page), "exec"), namespace)  # noqa: S102 - the page's own example
            finally:
                os.chdir(cwd)
        else:
            r = out.get("result") if isinstance(out, dict) else None
            value = eval(expr, {**namespace, "out": out, "r": r})  # noqa: S307 - the page's own check
            figures.append((expr, fmt, format(value, fmt)))
    return figures


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_page_runs_and_quotes_its_figures(page, tmp_path, monkeypatch):
    monkeypatch.setenv("GIGAWATT_STORE", str(tmp_path / "runs.db"))  # the Python blocks keep runs there too
    if "$SHARED" in page.read_text() and not (SHARED / "data").exists():
        pytest.skip(f"{SHARED / 'data'} is absent: this page runs on the shared reference data")
    text = prose(page.read_text())
    for expr, fmt, shown in run_page(page, tmp_path):
        assert shown in text, f"{page.name}: {expr} is {shown} ({fmt}), not quoted so in the page's prose"


def test_every_tutorial_is_executed_and_checks_a_figure():
    for page in sorted((DOCS / "tutorials").glob("*.md")):
        text = page.read_text()
        assert "```bash" in text or "```python" in text, f"{page.name} runs nothing"
        assert "<!-- figure:" in text, f"{page.name} quotes no checked figure"


def test_site_builds_strict(tmp_path):
    if shutil.which("mkdocs", path=str(BIN)) is None:
        pytest.skip("mkdocs is not installed: pip install -e '.[docs]'")
    done = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    index = (tmp_path / "site" / "index.html").read_text()
    assert "gigawatt" in index
    catalog = (tmp_path / "site" / "catalog" / "index.html").read_text()
    assert "H100" in catalog and "<table>" in catalog  # generated from accelerators.csv at build time
    # nothing on the built pages is fetched from another host (no fonts, no MathJax CDN)
    for html in (tmp_path / "site").rglob("*.html"):
        remote = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"(https?://[^\"]+)\"", html.read_text())
        assert not remote, f"{html.relative_to(tmp_path)} loads {remote}"
