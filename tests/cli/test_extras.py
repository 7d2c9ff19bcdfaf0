"""Dependencies a user pays for only when used: without an extra (``[pypsa]``: PyPSA, linopy, xarray;
``[postgres]``: psycopg), what needs it says in one line which extra to install and exits 2, and nothing
else needs it (a plan on HiGHS with a SQLite store runs).

The shared test environment has every extra installed, so absence is made real in a subprocess: the
installed ``gigawatt`` entry point runs with a ``sitecustomize`` on ``PYTHONPATH`` that puts a finder first
on ``sys.meta_path`` refusing the hidden packages exactly as Python refuses a package that is not there
(``ModuleNotFoundError``), and writes every refused import to a log the tests read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES

GIGAWATT = shutil.which("gigawatt", path=str(Path(sys.executable).parent)) or shutil.which("gigawatt")
PYPSA_EXTRA = ("pypsa", "linopy", "xarray")  # what `pip install 'gigawatt[pypsa]'` brings (and their own imports)
POSTGRES_EXTRA = ("psycopg",)
EVERY_EXTRA = (*PYPSA_EXTRA, *POSTGRES_EXTRA)
PLAN_EXAMPLE = EXAMPLES / "west-texas-grid-gas.yaml"
COMMAND_TIMEOUT_S = 300
# a PostgreSQL URL nothing listens on: a run store there is refused before any connection is tried
POSTGRES_URL = "postgresql://gigawatt@127.0.0.1:1/gigawatt"

SITECUSTOMIZE = '''
import os
import sys
from importlib.abc import MetaPathFinder

HIDDEN = set(os.environ["GIGAWATT_TEST_HIDDEN"].split(","))
LOG = os.environ["GIGAWATT_TEST_HIDDEN_LOG"]


class Absent(MetaPathFinder):
    """Refuse the hidden packages (and their submodules) as an environment without them would."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            with open(LOG, "a") as log:
                log.write(name + "\\n")
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Absent())
'''


def without(hidden: tuple[str, ...], *args: str, tmp_path: Path, store: Path | None = None) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run the installed ``gigawatt ARGS`` with the ``hidden`` packages absent; the process and the imports it tried of them."""
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    site = tmp_path / "absent"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "refused-imports.txt"
    log.write_text("")
    env = {**os.environ, "COLUMNS": "160", "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
           "GIGAWATT_TEST_HIDDEN": ",".join(hidden), "GIGAWATT_TEST_HIDDEN_LOG": str(log),
           "GIGAWATT_STORE": str(store or tmp_path / "runs.sqlite")}
    p = subprocess.run([GIGAWATT, *args], capture_output=True, text=True, env=env, cwd=EXAMPLES.parent, timeout=COMMAND_TIMEOUT_S)
    return p, log.read_text().split()


def assert_names_the_extra(p: subprocess.CompletedProcess, extra: str, *fragments: str) -> None:
    """Exit 2, one line on stderr naming ``pip install 'gigawatt[EXTRA]'`` (and ``fragments``), no traceback, nothing on stdout."""
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout
    assert len(p.stderr.splitlines()) == 1 and p.stderr.startswith("error: "), p.stderr
    assert f"pip install 'gigawatt[{extra}]'" in p.stderr, p.stderr
    for fragment in fragments:
        assert fragment in p.stderr, p.stderr
    assert p.stdout == ""


def test_the_hidden_packages_are_really_absent(tmp_path):
    """The check of the tests below: the finder makes an installed package fail to import (else they prove nothing)."""
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    p, refused = without(EVERY_EXTRA, "--version", tmp_path=tmp_path)
    assert p.returncode == 0 and refused == []  # the hiding alone breaks nothing
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "absent"), "GIGAWATT_TEST_HIDDEN": ",".join(EVERY_EXTRA),
           "GIGAWATT_TEST_HIDDEN_LOG": str(tmp_path / "refused-imports.txt")}
    for name in EVERY_EXTRA:
        q = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, env=env, timeout=COMMAND_TIMEOUT_S)
        assert q.returncode == 1 and f"No module named '{name}'" in q.stderr, q.stderr


def test_a_plan_on_highs_with_a_sqlite_store_needs_no_extra(tmp_path):
    p, refused = without(EVERY_EXTRA, "plan", str(PLAN_EXAMPLE), "--json", tmp_path=tmp_path, store=tmp_path / "runs.sqlite")
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert result["kind"] == "plan" and result["result"]["solver"]["name"] == "highs"
    assert refused == []  # not even tried: nothing a plan does imports them
    assert (tmp_path / "runs.sqlite").exists()  # and the run was kept


def test_network_export_without_pypsa_names_the_extra_before_solving(tmp_path):
    path = tmp_path / "plan.nc"
    p, refused = without(PYPSA_EXTRA, "plan", str(PLAN_EXAMPLE), "--network", str(path), "--json", tmp_path=tmp_path)
    assert_names_the_extra(p, "pypsa", "--network", "PyPSA network")
    assert refused == ["pypsa"]
    assert not path.exists() and [f.name for f in tmp_path.iterdir() if f.name.startswith("plan")] == []  # no file, not half of one
    assert not (tmp_path / "runs.sqlite").exists()  # refused before the run: nothing solved, nothing stored


def test_a_solver_other_than_highs_without_linopy_names_the_field_and_the_extra(tmp_path):
    p, _ = without(PYPSA_EXTRA, "plan", str(PLAN_EXAMPLE), "--solver", "gurobi", "--no-store", tmp_path=tmp_path)
    assert_names_the_extra(p, "pypsa", "solver.name: 'gurobi'", "linopy", "--solver")  # the field, and the option that sets it


def test_linopy_installed_without_xarray_is_reported_as_the_extra_too(tmp_path):
    """An extra half installed (linopy there, its xarray not) is the same fix: the message says what failed."""
    p, refused = without(("xarray",), "plan", str(PLAN_EXAMPLE), "--set", "solver.name=cbc", "--no-store", tmp_path=tmp_path)
    assert_names_the_extra(p, "pypsa", "solver.name: 'cbc'", "linopy, which cannot be imported", "xarray")
    assert "xarray" in refused


def test_the_network_in_python_without_pypsa_is_one_line_naming_the_extra(tmp_path):
    """The library's own message (result.network imports gigawatt.power.network) names no command-line option."""
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    without(PYPSA_EXTRA, "--version", tmp_path=tmp_path)  # writes the sitecustomize
    code = ("from gigawatt.core.errors import MissingExtraError\n"
            "try:\n    import gigawatt.power.network\nexcept MissingExtraError as exc:\n    print(exc)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "absent"), "GIGAWATT_TEST_HIDDEN": ",".join(PYPSA_EXTRA),
           "GIGAWATT_TEST_HIDDEN_LOG": str(tmp_path / "refused-imports.txt")}
    q = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=COMMAND_TIMEOUT_S)
    assert q.returncode == 0 and q.stderr == "", q.stderr
    assert q.stdout == "the PyPSA network of a plan (result.network) needs pypsa, which is not installed: pip install 'gigawatt[pypsa]'\n"


@pytest.mark.parametrize("args", [
    ("size", "--accelerator", "H100", "--count", "1000", "--store", POSTGRES_URL),
    ("runs", "list", "--store", POSTGRES_URL),
])
def test_a_postgresql_store_without_psycopg_names_the_extra(tmp_path, args):
    p, refused = without(POSTGRES_EXTRA, *args, tmp_path=tmp_path)
    assert_names_the_extra(p, "postgres", "store 'postgresql://gigawatt@127.0.0.1:1/gigawatt'", "psycopg")
    assert refused == ["psycopg"]


def test_a_sqlite_store_and_the_other_commands_need_no_psycopg(tmp_path):
    p, refused = without(EVERY_EXTRA, "size", "--accelerator", "H100", "--count", "1000", "--json", tmp_path=tmp_path)
    assert p.returncode == 0, p.stderr
    q, refused_listing = without(EVERY_EXTRA, "runs", "list", "--json", tmp_path=tmp_path)
    assert q.returncode == 0, q.stderr
    assert len(json.loads(q.stdout)["runs"]) == 1 and refused == refused_listing == []
