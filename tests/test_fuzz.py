"""Fuzzing the tool's inputs (hypothesis): a mutated scenario or a malformed CSV series ends in a result or in
one line of :class:`~gigawatt.errors.GigawattError`; never another exception, a traceback, a warning, or a
message of several lines.

- scenarios: the example scenarios (plan, size, buildout, site, schedule; a headroom study written here)
  with random edits (a key deleted or misspelt, a value replaced by text, a number that is negative, huge,
  tiny or NaN, a list, a mapping or null), their text cut short, garbled (YAML syntax, control characters,
  bytes that are not UTF-8) or mis-indented, and ``--set`` overrides of any text; checked in-process as
  ``gigawatt validate`` checks a file (read it, validate it, size the cluster of a size or plan scenario);
- the installed command on a few mutated files (``gigawatt validate``, ``gigawatt size --no-store``):
  exit status 0 or 2, no traceback, and one ``error:`` line on stderr when it is 2;
- CSV series: malformed files (headers, text in numbers, empty, one column, duplicated, unsorted or missing
  rows, huge, negative or NaN values, offsets, bytes that are not UTF-8) read by the planner's series reader
  (``profiles.read_series_csv``), the headroom demand reader (``grid.read_demand``) and the schedule's
  signal reader (``operations.inputs._read_series``).

Bugs the fuzzing found that are not fixed yet are in :data:`KNOWN_BUGS`: each names where it is raised
(a function of gigawatt's own code and the exception types) and has a strict-xfail test below that
reproduces it. The property tests let those through, and only those, so a new bug fails them. Fixing one
makes its xfail test pass, which strict mode reports as a failure: then delete its marker and its entry.

``GIGAWATT_FUZZ_SCALE=20 pytest tests/test_fuzz.py -n 0`` searches twenty times longer;
``--hypothesis-show-statistics`` shows how often each outcome (ok, error, a known bug) came up.
"""

from __future__ import annotations

import copy
import linecache
import math
import os
import shutil
import subprocess
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

import gigawatt
from gigawatt import api, grid, profiles
from gigawatt.compute import size
from gigawatt.errors import GigawattError
from gigawatt.operations.inputs import _read_series
from gigawatt.scenario import read_yaml, read_yaml_text

from conftest import EXAMPLES

SCALE = max(1, int(os.environ.get("GIGAWATT_FUZZ_SCALE", "1") or 1))
PACKAGE = Path(gigawatt.__file__).resolve().parent
GIGAWATT = shutil.which("gigawatt", path=str(Path(sys.executable).parent)) or shutil.which("gigawatt")
INDEX = profiles.hourly_index(2025)
MESSAGE_CHARS = 2000  # one line, but not a whole file echoed back either


def fuzz_settings(examples: int, **more: Any) -> settings:
    return settings(max_examples=examples * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow], **more)


# --- known bugs --------------------------------------------------------------------------------------
# (function of gigawatt's own code where the exception is raised, as module.function, exception types):
# the strict-xfail test that reproduces it. Each is a product bug to fix (see the module doc).

KNOWN_BUGS: dict[tuple[str, tuple[type[BaseException], ...]], str] = {}  # all found so far are fixed


def _ours(filename: str) -> bool:
    return Path(filename).resolve().is_relative_to(PACKAGE)


def _qualified(filename: str, function: str) -> str:
    """``module.function`` of a function of gigawatt's own code: ``operations.inputs._read_series``."""
    module = Path(filename).resolve().relative_to(PACKAGE).with_suffix("")
    return ".".join((*module.parts, function))


def raised_in(exc: BaseException) -> str:
    """The innermost function of gigawatt's own code in the exception's traceback ('' if none)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _ours(f.filename)]
    return _qualified(frames[-1].filename, frames[-1].name) if frames else ""


def known_bug(where: str, problem: BaseException | Warning) -> str | None:
    return next((test for (function, kinds), test in KNOWN_BUGS.items() if where == function and isinstance(problem, kinds)), None)


def _note(text: str) -> None:
    """Hypothesis's note (printed with a failing example), or nothing outside a hypothesis test."""
    if currently_in_test_context():
        note(text)


def one_line_or_success(call: Callable[[], Any], what: str) -> str:
    """Run ``call``: it returns, or raises a GigawattError of one line; no other exception, no warning.
    Returns 'ok', 'error' or the name of the known bug's xfail test; fails the example otherwise."""
    outcome = "ok"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
        except GigawattError as exc:
            message = str(exc)
            if "\n" in message or "\r" in message or not message.strip() or len(message) > MESSAGE_CHARS:
                bug = known_bug(raised_in(exc), exc)
                if bug is None:
                    pytest.fail(f"{what}: a GigawattError that is not one line: {message[:MESSAGE_CHARS]!r}")
                _note(f"known bug ({bug}): {message[:300]!r}")
                return bug
            outcome = "error"
        except Exception as exc:  # noqa: BLE001 - what the fuzzing looks for
            bug = known_bug(raised_in(exc), exc)
            if bug is None:
                tail = "".join(traceback.format_exception(exc)[-4:])
                pytest.fail(f"{what}: {type(exc).__name__} instead of a GigawattError:\n{tail}")
            _note(f"known bug ({bug}): {type(exc).__name__}: {exc}")
            return bug
    for warning in caught:
        bug = known_bug(_warned_in(warning), warning.message)
        if bug is None:
            pytest.fail(f"{what}: warning {warning.category.__name__} at {warning.filename}:{warning.lineno}: {warning.message}")
        _note(f"known bug ({bug}): warning {warning.message}")
        return bug
    return outcome


def _warned_in(warning: warnings.WarningMessage) -> str:
    """The function of gigawatt's own code at the line a warning names (pandas points at its caller)."""
    if not _ours(warning.filename):
        return ""
    lines = linecache.getlines(warning.filename)
    for number in range(min(warning.lineno, len(lines)) - 1, -1, -1):
        stripped = lines[number].lstrip()
        if stripped.startswith("def ") and len(lines[number]) - len(stripped) == 0:
            return _qualified(warning.filename, stripped[4:].split("(", 1)[0])
    return ""


def test_every_known_bug_has_its_strict_xfail_test():
    for where, test in KNOWN_BUGS.items():
        marks = [m for m in getattr(globals().get(test), "pytestmark", []) if m.name == "xfail"]
        assert marks and marks[0].kwargs.get("strict") is True, f"{where}: no strict-xfail test {test}"
        module, function = where[0].rsplit(".", 1)
        source = PACKAGE.joinpath(*module.split(".")).with_suffix(".py").read_text()
        assert f"def {function}(" in source, f"{where}: no such function (renamed? update KNOWN_BUGS)"


# --- scenarios ---------------------------------------------------------------------------------------

HEADROOM = (
    "# a headroom study (no example ships one): hourly demand files, systems and limits\n"
    "name: fuzzed headroom study\n"
    "files: [demand-2023.csv, demand-2024.csv]\n"
    "systems: [PJM]\n"
    "limits_pct: [0.25, 0.5, 1.0]\n"
    "years: [2023, 2024]\n"
    "campus:\n"
    "  mw: 500\n"
    "  limit_pct: 1.0\n"
    "  availability_year: 2024\n"
)


def _seeds() -> dict[str, tuple[str, str]]:
    """Every example scenario but sweeps (whose base is another file), and the headroom study: name -> (kind, text)."""
    out = {}
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        if path.parent.name == "sweep":
            continue
        text = path.read_text()
        out[path.relative_to(EXAMPLES).as_posix()] = (api.looks_like(yaml.safe_load(text)) or "size", text)
    out["headroom.yaml"] = ("headroom", HEADROOM)
    return out


SEEDS = _seeds()


def test_the_seeds_are_valid_and_cover_every_kind():
    for kind, text in SEEDS.values():
        api.load_inputs(kind, yaml.safe_load(text))
    assert {kind for kind, _ in SEEDS.values()} == {"size", "plan", "buildout", "headroom", "site", "schedule"}


def validate(path: Path, kind: str | None = None) -> None:
    """What ``gigawatt KIND FILE`` does with a file before its model runs (``gigawatt validate FILE`` when
    ``kind`` is None: the kind its keys say)."""
    data, _ = read_yaml(path)
    kind = kind or api.looks_like(data) or "size"
    model = api.load_inputs(kind, path)
    if kind in ("size", "plan"):
        size(model)  # gigawatt validate resolves the accelerator and the catalog's figures too


ODD_NUMBERS = [0, -1, -0.0, 0.5, 5e-324, 1e-300, 1e-12, 1e15, 1e308, -1e308, 10**30, -(10**30), 2**63, 2**64 + 1,
               math.nan, math.inf, -math.inf]
ODD_TEXT = ["", " ", "nan", ".nan", "-.inf", "inf", "1e999", "2026-13", "2026-00", "2026-02-30", "99999-01", "2026-1", "H100",
            "h100 sxm", "air", "liquid", "grid", "training", "null", "~", "yes", "0x10", "1_000", "-", "é" * 50, "x" * 5000,
            "line\nbreak", "tab\there", "{a: 1}", "[1, 2]", "*alias", "&anchor", "!!int", "'quoted'", '"']
scalars = st.one_of(
    st.sampled_from(ODD_NUMBERS), st.integers(-(10**20), 10**20), st.floats(), st.sampled_from(ODD_TEXT),
    st.text(max_size=30), st.none(), st.booleans(),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4), st.dictionaries(st.text(max_size=12), scalars, max_size=3))


def places(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key and index path in a YAML tree."""
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in items:
        out.append((*prefix, key))
        out.extend(places(child, (*prefix, key)))
    return out


def parent_of(tree: Any, place: tuple) -> Any:
    for key in place[:-1]:
        tree = tree[key]
    return tree


def typo(word: str, draw: Callable) -> str:
    """A misspelling: a letter dropped, doubled or swapped with the next, a capital, a plural, a stray space."""
    i = draw(st.integers(0, max(0, len(word) - 1)))
    how = draw(st.sampled_from(["drop", "double", "swap", "upper", "plural", "space", "dash"]))
    changed = {
        "drop": word[:i] + word[i + 1:], "double": word[:i] + word[i:i + 1] * 2 + word[i + 1:],
        "swap": word[:i] + word[i + 1:i + 2] + word[i:i + 1] + word[i + 2:], "upper": word.upper(), "plural": word + "s",
        "space": word + " ", "dash": word.replace("_", "-"),
    }[how]
    return changed if changed != word else word + "x"


@st.composite
def edited_scenarios(draw) -> tuple[str, str, Any, list[str]]:
    """A seed scenario with 1-3 random edits of its tree: (seed name, kind, tree, the edits)."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    kind, text = SEEDS[name]
    tree = copy.deepcopy(yaml.safe_load(text))
    edits: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        spots = places(tree)
        if not spots:
            break
        place = draw(st.sampled_from(spots))
        parent = parent_of(tree, place)
        key = place[-1]
        how = draw(st.sampled_from(["delete", "typo", "replace", "replace", "replace"]))
        if how == "delete":
            del parent[key]
        elif how == "typo" and isinstance(key, str):
            new = typo(key, draw)
            parent[new] = parent.pop(key)
            how = f"rename to {new!r}"
        else:
            parent[key] = draw(values)
            how = f"set to {parent[key]!r:.80}"
        edits.append(f"{'.'.join(map(str, place))}: {how}")
    return name, kind, tree, edits


GARBAGE = [b"\x00", b"\x1b", b"\x07", b"\t", b"\r", b"\xff", b"\xfe\xff", b"\xc3", b"\xe9", b"\x80\x80", b"\xef\xbb\xbf",
           ":", ": ", "- ", "-", "{", "}", "[", "]", ",", "?", "? ", "|", ">", "'", '"', "#", "@", "`", "%", "!", "&a ", "*a",
           "*b", "<<: *a\n", "---\n", "...\n", "%YAML 1.1\n", "!!python/object/apply:os.system ['true']", "!!binary ", "!!str ",
           "!!map ", "!!seq ", "!!null ", "!!int ", "!!float ", "!!bool ", "!!timestamp ", "!!set ", " 2026-02-30", " 2026-02-03",
           "\u2028", "\x85", "\ufeff", "é", "\U0001f600", "1e999", "~", "  ", "\n", "\n  ", "key: value\n", "name: twice\n", "x" * 300]


@st.composite
def garbled_texts(draw) -> tuple[str, str, bytes, list[str]]:
    """A seed scenario's bytes with 1-4 random edits of its text: (seed name, kind, bytes, the edits)."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    kind, text = SEEDS[name]
    body = text.encode()
    edits: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        lines = body.split(b"\n")
        how = draw(st.sampled_from(["insert", "insert", "truncate", "indent", "dedent", "duplicate", "delete", "swap", "replace"]))
        if how == "insert":
            at = draw(st.integers(0, len(body)))
            piece = draw(st.one_of(st.sampled_from(GARBAGE), st.text(max_size=8), st.binary(max_size=4)))
            piece = piece if isinstance(piece, bytes) else piece.encode()
            body = body[:at] + piece + body[at:]
            how = f"insert {piece!r:.40} at byte {at}"
        elif how == "truncate":
            at = draw(st.integers(0, len(body)))
            body = body[:at]
            how = f"truncate at byte {at}"
        elif how == "replace":
            at = draw(st.integers(0, max(0, len(body) - 1)))
            body = body[:at] + bytes([draw(st.integers(0, 255))]) + body[at + 1:]
            how = f"replace byte {at}"
        else:
            i = draw(st.integers(0, len(lines) - 1))
            if how == "indent":
                lines[i] = b" " * draw(st.integers(1, 5)) + lines[i]
            elif how == "dedent":
                lines[i] = lines[i].lstrip()
            elif how == "duplicate":
                lines.insert(i, lines[i])
            elif how == "delete":
                del lines[i]
            else:
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            body = b"\n".join(lines)
            how = f"{how} line {i + 1}"
        edits.append(how)
    return name, kind, body, edits


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def write_tree(folder: Path, tree: Any) -> Path:
    path = folder / "edited.yaml"
    path.write_text(yaml.safe_dump(tree, sort_keys=False, allow_unicode=True))
    return path


@fuzz_settings(300)
@given(case=edited_scenarios())
def test_edited_scenarios_validate_or_fail_in_one_line(case, workdir):
    name, kind, tree, edits = case
    note(f"{name} ({kind}): {edits}")
    path = write_tree(workdir, tree)
    event(one_line_or_success(lambda: validate(path, kind), f"{name} with {edits}"))
    one_line_or_success(lambda: api.load_inputs(kind, tree), f"{name} as a mapping with {edits}")


@fuzz_settings(300)
@given(case=garbled_texts())
def test_garbled_scenario_files_validate_or_fail_in_one_line(case, workdir):
    name, kind, body, edits = case
    note(f"{name} ({kind}): {edits}")
    path = workdir / "garbled.yaml"
    path.write_bytes(body)
    event(one_line_or_success(lambda: validate(path, kind), f"{name} with {edits}"))


override_keys = st.one_of(
    st.sampled_from(["name", "cluster.count", "cluster.pue", "cluster.accelerator", "site.year", "grid.import_mw", "start",
                     "end", "hours", "interval_minutes", "block_mw", "target_mw", "draws", "programme.target", "jobs",
                     "signals.events", "candidates", "limits_pct", "campus.mw", "supply.technologies", "a.b.c", "cluster"]),
    st.text(max_size=20),
)
override_values = st.one_of(st.sampled_from([str(v) for v in ODD_TEXT + ODD_NUMBERS]), st.text(max_size=30),
                            st.sampled_from(["!!int abc", "!!float", "!!timestamp x", "2026-02-30", "[1, {a: 2}]", "{", "&a [*a]"]))


@fuzz_settings(200)
@given(name=st.sampled_from(sorted(SEEDS)), key=override_keys, value=override_values, raw=st.one_of(st.none(), st.text(max_size=40)))
def test_overrides_of_any_text_apply_or_fail_in_one_line(name, key, value, raw, workdir):
    kind, text = SEEDS[name]
    path = workdir / "seed.yaml"
    path.write_text(text)
    override = raw if raw is not None else f"{key}={value}"
    event(one_line_or_success(lambda: api.load_inputs(kind, path, [override]), f"{name} with --set {override!r}"))


# --- the installed command on fuzzed files --------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    env = {**os.environ, "COLUMNS": "160"}
    return subprocess.run([GIGAWATT, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def assert_exit_0_or_one_error_line(p: subprocess.CompletedProcess, expected: str, what: str) -> None:
    """Status 0 after an in-process success, 2 and one ``error:`` line after a GigawattError; no traceback."""
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout, f"{what}:\n{p.stderr[-2000:]}"
    assert p.returncode == (0 if expected == "ok" else 2), f"{what}: exit {p.returncode}, expected {expected}:\n{p.stderr[-2000:]}"
    if p.returncode == 2:
        lines = p.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), f"{what}: {p.stderr!r}"


@fuzz_settings(5)
@given(case=st.one_of(garbled_texts(), edited_scenarios()))
def test_the_installed_command_on_fuzzed_files_exits_0_or_2_in_one_line(case, workdir):
    name, kind, body, edits = case
    note(f"{name} ({kind}): {edits}")
    path = workdir / "cli.yaml"
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path = write_tree(workdir, body)
    expected = one_line_or_success(lambda: validate(path), f"{name} with {edits}")
    assume(expected in ("ok", "error"))  # known bugs exit 1 ("internal error"): their own xfail tests show it
    assert_exit_0_or_one_error_line(run_cli("validate", str(path), cwd=EXAMPLES.parent), expected, f"validate {name} with {edits}")
    if kind in ("size", "plan"):
        expected_size = one_line_or_success(lambda: gigawatt.size(path, store=None), f"{name} sized with {edits}")
        assume(expected_size in ("ok", "error"))
        p = run_cli("size", str(path), "--no-store", "-q", cwd=EXAMPLES.parent)
        assert_exit_0_or_one_error_line(p, expected_size, f"size {name} with {edits}")


# --- CSV series -----------------------------------------------------------------------------------------

HEADERS = [("timestamp", "value"), ("timestamp", "price"), ("timestamp", "price_usd_per_mwh"), ("datetime_utc", "PJM"),
           ("datetime_utc", "PJM", "PJM-DOM", "MISO"), ("time", "value", "extra"), ("value",), ("timestamp",), ("", ""),
           ("timestamp", "timestamp"), ("Timestamp ", "Value"), ("local_time", "carbon_g_per_kwh"), ("date", "cap_mw"),
           ("Balancing Authority", "UTC Time at End of Hour", "Demand (MW)"), ("period", "respondent", "type", "value"),
           ("time\nstamp", "price"), ("1", "2")]
ODD_CELLS = ["", " ", "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e999", "-5", "0", "abc", "1,000", '"1"', "true", "None",
             "2025-01-01 00:00", "\x00", "é", "-", "0x10", "1e-320"]
ODD_TIMES = ["", "x", "2025-13-01 00:00", "2025-02-30 00:00", "2025-01-01 24:00", "0001-01-01 00:00", "2262-04-12 00:00",
             "1677-09-21 00:00", "9999-12-31 23:00", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00+01:00",
             "2025-01-01 00:00 EST", "2025-01-01 00:00 EDT", "1735689600", "12345678901234567890", "01/02/2025 03:00", "now"]


@st.composite
def malformed_csvs(draw) -> tuple[bytes, list[str]]:
    """A CSV of hourly rows in 2025 with random damage: (bytes, what was done)."""
    header = list(draw(st.one_of(st.sampled_from(HEADERS), st.lists(st.text(max_size=10), min_size=1, max_size=3).map(tuple))))
    rows_count = draw(st.sampled_from([0, 1, 2, 3, 24, 48, 8759, 8760, 8760, 8761]))
    start = draw(st.sampled_from([0, 0, 1, 5000]))
    times = INDEX[start:start + rows_count] if start + rows_count <= len(INDEX) else pd.date_range(INDEX[start], periods=rows_count, freq="h")
    stamps = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S-06:00"]
    # (US dates are parsed one by one, half a second a year of them: short files only)
    stamp = draw(st.sampled_from(stamps if rows_count > 100 else [*stamps, "%m/%d/%Y %H:%M"]))
    rows = [[t.strftime(stamp)] + [str((i % 97) + 1.5)] * (len(header) - 1) for i, t in enumerate(times)]
    done = [f"header {header!r:.60}", f"{rows_count} rows from hour {start} as {stamp}"]
    for _ in range(draw(st.integers(0, 4))):
        if not rows:
            break
        i = draw(st.integers(0, len(rows) - 1))
        how = draw(st.sampled_from(["cell", "time", "duplicate", "delete", "reverse", "swap", "extra", "short", "offset", "blank"]))
        if not rows[i]:  # a blank row, inserted before
            rows[i] = [""]
        if how == "cell" and len(rows[i]) > 1:
            rows[i][draw(st.integers(1, len(rows[i]) - 1))] = draw(st.one_of(st.sampled_from(ODD_CELLS), st.text(max_size=6)))
        elif how == "time":
            rows[i][0] = draw(st.one_of(st.sampled_from(ODD_TIMES), st.text(max_size=12)))
        elif how == "duplicate":
            rows.insert(i, list(rows[i]))
        elif how == "delete":
            del rows[i]
        elif how == "reverse":
            rows.reverse()
        elif how == "swap":
            j = draw(st.integers(0, len(rows) - 1))
            rows[i], rows[j] = rows[j], rows[i]
        elif how == "extra":
            rows[i] = rows[i] + ["1", "2"]
        elif how == "short":
            rows[i] = rows[i][:1]
        elif how == "offset":
            rows[i][0] = rows[i][0] + draw(st.sampled_from(["+01:00", "-05:00", "Z", " UTC"]))
        else:
            rows.insert(i, [])
        done.append(f"{how} at row {i}")
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    text = newline.join(",".join(row) for row in [header, *rows]) + draw(st.sampled_from([newline, ""]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    try:
        body = text.encode(encoding)
    except UnicodeEncodeError:
        body = text.encode("utf-8", "replace")
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(min_size=1, max_size=6)) + body[at:]
        done.append(f"bytes inserted at {at}")
    if draw(st.integers(0, 19)) == 0:
        body = draw(st.binary(max_size=200))
        done = ["random bytes"]
    done.append(encoding)
    return body, done


CSV_READERS: dict[str, Callable[[Path], Any]] = {
    "profiles.read_series_csv": lambda path: profiles.read_series_csv(path, INDEX, name="site.load_csv"),
    "profiles.read_series_csv (bounded 0..1)": lambda path: profiles.read_series_csv(path, INDEX, name="site.solar_csv", lower=0.0, upper=1.0),
    "grid.read_demand": grid.read_demand,
    "operations.inputs._read_series": lambda path: _read_series(str(path), "signals.price_csv", ("price_usd_per_mwh", "price"), INDEX),
}


@fuzz_settings(100)
@given(case=malformed_csvs())
def test_malformed_csv_series_are_read_or_refused_in_one_line(case, workdir):
    body, done = case
    note(f"{done}: {body[:300]!r}")
    path = workdir / "series.csv"
    path.write_bytes(body)
    for reader, read in CSV_READERS.items():
        event(f"{reader}: {one_line_or_success(lambda read=read: read(path), f'{reader} on a CSV with {done}')}")


@pytest.mark.parametrize("reader", sorted(CSV_READERS))
@pytest.mark.parametrize("body", [b"", b"\n", b"\xff\xfe\x00", "timestamp,value\n".encode(), b"timestamp\n2025-01-01 00:00\n"],
                         ids=["empty", "newline", "binary", "header-only", "one-column"])
def test_empty_and_one_column_csvs_are_read_or_refused_in_one_line(reader, body, tmp_path):
    path = tmp_path / "series.csv"
    path.write_bytes(body)
    one_line_or_success(lambda: CSV_READERS[reader](path), f"{reader} on {body!r}")


# --- the bugs the fuzzing found, one test each: all fixed, kept so that they stay fixed -------------------


def assert_one_line_error(call: Callable[[], Any]) -> str:
    """``call`` raises a GigawattError of one line, with no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(GigawattError) as err:
            call()
    message = str(err.value)
    assert "\n" not in message and "\r" not in message, message
    return message


YAML_BUGS = {
    "impossible-date": "name: x\ndescription: 2026-02-30\ncluster: {accelerator: H100, count: 10}\n",
    "impossible-time": "name: x\ndescription: 2026-01-01 25:00:00\ncluster: {accelerator: H100, count: 10}\n",
    "int-tag-on-text": "name: x\ncluster: {accelerator: H100, count: !!int abc}\n",
    "empty-int-tag": "name: x\ncluster:\n  accelerator: H100\n  count: !!int\n",
    "float-tag-on-text": "name: x\ncluster: {accelerator: H100, count: 10, pue: !!float x}\n",
    "timestamp-tag-on-text": "name: x\ndescription: !!timestamp soon\ncluster: {accelerator: H100, count: 10}\n",
    "bool-tag-on-text": "name: x\ncluster: {accelerator: H100, count: 10}\ndescription: !!bool maybe\n",
    "set-tag-on-a-list": "name: x\ncluster: {accelerator: H100, count: 10}\ndescription: !!set [1]\n",
    "nul-character": "name: x\x00\ncluster: {accelerator: H100, count: 10}\n",
    "escape-character": "name: \x1b[31mx\ncluster: {accelerator: H100, count: 10}\n",
}


@pytest.mark.parametrize("text", list(YAML_BUGS.values()), ids=list(YAML_BUGS))
def test_yaml_that_pyyaml_cannot_construct_is_one_line(text, tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    assert_one_line_error(lambda: read_yaml(path))


def test_scenario_text_with_a_lone_surrogate_is_one_line():
    assert_one_line_error(lambda: read_yaml_text("name: \ud800\ncluster: {accelerator: H100, count: 10}\n"))


def test_the_installed_command_refuses_an_impossible_date_with_status_2(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(YAML_BUGS["impossible-date"])
    assert_exit_0_or_one_error_line(run_cli("validate", str(path), cwd=tmp_path), "error", "validate description: 2026-02-30")


@pytest.mark.parametrize("override", ["description=2026-02-30", "cluster.count=!!int abc", "cluster.pue=!!float"])
def test_override_that_pyyaml_cannot_construct_is_one_line(override):
    assert_one_line_error(lambda: api.load_inputs("size", {"name": "x", "cluster": {"accelerator": "H100", "count": 10}}, [override]))


@pytest.mark.parametrize(("seed", "key"), [("schedule/phoenix-srp-event.yaml", "interval_minutes"), ("site/clean-5gw.yaml", "block_mw")])
def test_a_subnormal_divisor_is_refused_in_one_line(seed, key):
    tree = yaml.safe_load(SEEDS[seed][1])
    tree[key] = 5e-324
    assert_one_line_error(lambda: api.load_inputs(SEEDS[seed][0], tree))


SIGNAL_BUGS = {
    "header-only": "timestamp,price\n",
    "duplicated-timestamp": "timestamp,price\n2025-01-01 00:00,1\n2025-01-01 00:00,2\n2025-01-01 01:00,3\n",
    "mixed-utc-offsets": "timestamp,price\n2025-01-01 00:00-05:00,1\n2025-01-01 01:00+01:00,2\n",
    "line-break-in-a-column-name": '"time\nstamp",price\n2025-01-01 00:00,1\n',
    "unparseable-first-timestamp": "timestamp,price\nnot a time,1\n2025-01-01 00:00,2\n",
}


@pytest.mark.parametrize("body", list(SIGNAL_BUGS.values()), ids=list(SIGNAL_BUGS))
def test_schedule_signal_csv_errors_are_one_line(body, tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text(body)
    assert_one_line_error(lambda: _read_series(str(path), "signals.price_csv", ("price_usd_per_mwh", "price"), INDEX))


@pytest.mark.parametrize("body", [
    "datetime_utc,PJM\n0001-01-01 00:00,1000\n", "datetime_utc,PJM\n2262-04-12 00:00,1000\n", "datetime_utc,PJM\n9999-12-31 23:00,1000\n",
    "Balancing Authority,UTC Time at End of Hour,Demand (MW)\nPJM,0001-01-01 00:00+01:00,1000\n",
], ids=["year-1", "2262", "year-9999", "eia-long-year-0"])
def test_demand_timestamps_out_of_range_are_one_line(body, tmp_path):
    path = tmp_path / "demand.csv"
    path.write_text(body)
    assert_one_line_error(lambda: grid.read_demand(path))


@pytest.mark.parametrize("body", [
    b"datetime_utc,PJM\n2025-01-01 00:00,1000\n2025-01-01 01:00\x80,1000\n",
    b"Balancing Authority,UTC Time at End of Hour,Demand (MW)\n\x80PJM,2025-01-01 00:00,1000\n",
], ids=["wide-timestamp", "eia-long-area"])
def test_demand_cells_that_are_not_utf8_are_one_line(body, tmp_path):
    path = tmp_path / "demand.csv"
    path.write_bytes(body)
    assert_one_line_error(lambda: grid.read_demand(path))
