"""`gigawatt runs`: list, show, compare, export, remove, tag, size and prune the runs in the store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from gigawatt.cli._common import OUTPUTS, FieldChoice, JsonOption, StoreOption, app, examples, out_console, print_json, show
from gigawatt.core.documents import envelope, identified
from gigawatt.core.errors import ScenarioError

runs_app = typer.Typer(help="The run store: every run kept, to list, show, compare and export.", no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(runs_app, name="runs")
IdArgument = Annotated[str, typer.Argument(metavar="RUN_ID", show_default=False, help="Run id (or its first characters, as `gigawatt runs list` shows)")]


def _store(url: str | None):
    from gigawatt.store import open_store

    return open_store(url or "default")


FILTERS = "Filters"


@runs_app.command("list", epilog=examples(
    "gigawatt runs list --kind plan --limit 5",
    "gigawatt runs list --since 2026-01-01 --name texas --json",
))
def list_command(
    kind: Annotated[Optional[str], typer.Option("--kind", metavar="KIND", rich_help_panel=FILTERS, help="Only runs of this kind: size, plan, buildout, headroom, site, schedule, finance, reliability or sweep")] = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="YYYY-MM-DD", rich_help_panel=FILTERS, help="Only runs created on or after this date, YYYY-MM-DD (UTC)")] = None,
    name: Annotated[Optional[str], typer.Option("--name", metavar="TEXT", rich_help_panel=FILTERS, help="Only runs whose name contains this text")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, metavar="N", show_default="every run", rich_help_panel=FILTERS, help="At most this many, newest first")] = None,
    sweep: Annotated[Optional[str], typer.Option("--sweep", metavar="RUN_ID", rich_help_panel=FILTERS, help="Only the points of this sweep (its run id or first characters)")] = None,
    as_json: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """List the runs in the store (jobs and sweeps), newest first, with their headline figures."""
    from gigawatt.registry import STORED_KINDS

    if kind is not None and kind not in STORED_KINDS:
        raise ScenarioError(f"--kind '{kind[:40]}': choose one of {', '.join(STORED_KINDS)}")
    if since is not None:
        from datetime import date

        try:
            date.fromisoformat(since)
        except ValueError:
            raise ScenarioError(f"--since '{since[:40]}': give a date, YYYY-MM-DD") from None
    kept = _store(store)
    ids = None
    if sweep is not None:
        swept = kept.load(sweep)
        if swept.kind != "sweep":
            raise ScenarioError(f"--sweep {sweep[:40]}: run {swept.run.id[:12]} is a {swept.kind} run, not a sweep; see `gigawatt runs list --kind sweep`")
        ids = [row["run_id"] for row in swept.data["points"] if row.get("run_id")]
    rows = kept.list(kind=kind, since=since, name=name, limit=limit, ids=ids)
    if as_json:
        print_json(envelope("runs_list", runs=[{**row, "headline": identified(row["headline"])} for row in rows]))
        return
    from gigawatt.report.tables import run_list

    run_list([_shown(row) for row in rows], out_console())
    unreadable = [row["id"][:12] for row in rows if row["unreadable"]]
    if unreadable:
        sys.stderr.write(f"{len(unreadable)} run{'s' if len(unreadable) != 1 else ''} cannot be read ({', '.join(unreadable[:5])}"
                         f"{', ...' if len(unreadable) > 5 else ''}): `gigawatt runs show ID` says why\n")


def _shown(row: dict) -> dict:
    """A listed run as the table shows it: an unreadable one marked in its name, and a damaged row's
    missing fields blank rather than a crash of the whole listing."""
    name = str(row["name"] or "")
    if row["unreadable"]:
        name = f"{name} (UNREADABLE: {row['unreadable']})".strip()
    return {**row, "kind": str(row["kind"] or "?"), "name": name, "created": str(row["created"] or ""),
            "seconds": row["seconds"] if isinstance(row["seconds"], int | float) else float("nan")}


@runs_app.command("show", epilog=examples("gigawatt runs show 3f2a91   # the first characters of an id from gigawatt runs list"))
def show_command(run_id: IdArgument, as_json: JsonOption = False, store: StoreOption = None) -> None:
    """Print a stored run exactly as the command that made it printed it."""
    kept = _store(store)
    result = kept.load(run_id)
    if as_json:
        show(result, as_json)
        return
    from gigawatt.report.tables import render

    console = out_console()
    with _readable(kept, result), console.capture() as printed:  # all or nothing: no half a table before an error
        render(result, console)
    sys.stdout.write(printed.get())


@contextmanager
def _readable(kept, *results) -> Iterator[None]:
    """A stored result that passes the store's checks but still cannot be shown (a figure of the wrong type
    or missing, as a hand-edited or damaged record can have) as one line naming the run, not a crash."""
    from gigawatt.store import UnreadableRun

    try:
        yield
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        ids = list(dict.fromkeys(r.run.id[:12] for r in results))
        raise UnreadableRun(f"run {' or '.join(ids)} in {kept.shown}: its stored result cannot be shown (it lacks a figure or holds one of "
                            f"another type: {type(exc).__name__} {str(exc)[:80]}); remove it with `gigawatt runs rm "
                            f"{ids[0] if len(ids) == 1 else 'ID'}` and run it again") from exc


@runs_app.command("inputs", epilog=examples("gigawatt runs inputs 3f2a91 > again.yaml && gigawatt plan again.yaml --fresh"))
def inputs_command(run_id: IdArgument, store: StoreOption = None) -> None:
    """Print a stored run's inputs as YAML: save it and run it again to reproduce the run."""
    sys.stdout.write(_store(store).load(run_id).inputs_yaml())


@runs_app.command("diff", epilog=examples("gigawatt runs diff 3f2a91 8c07d4", "gigawatt runs diff 3f2a91 8c07d4 --json"))
def diff_command(a: IdArgument, b: IdArgument, as_json: JsonOption = False, store: StoreOption = None) -> None:
    """Compare two runs of one kind: the inputs that differ, and the results side by side with deltas."""
    from gigawatt.report.tables import diff, differences

    kept = _store(store)
    first, second = kept.load(a), kept.load(b)
    if first.kind != second.kind:
        raise ScenarioError(f"runs diff: {a} is a {first.kind} run and {b} a {second.kind} run; compare runs of one kind")
    if as_json:
        with _readable(kept, first, second):
            d = differences(first, second)
            inputs = {k: {"a": x, "b": y} for k, (x, y) in d["inputs"].items()}
            results = identified({k: {"a": x, "b": y, "delta": delta} for k, (x, y, delta) in d["results"].items()})
        print_json(envelope("runs_diff", a=d["a"], b=d["b"], run_kind=d["kind"], inputs=inputs, results=results))
        return
    console = out_console()
    with _readable(kept, first, second), console.capture() as printed:
        diff(first, second, console)
    sys.stdout.write(printed.get())


EXPORT_FORMATS = ("json", "csv", "parquet", "xlsx", "pdf")  # report.export.FORMATS: a test keeps them equal


@runs_app.command("export", epilog=examples("gigawatt runs export 3f2a91 --format xlsx --out plan.xlsx", "gigawatt runs export 3f2a91 --format pdf --out plan.pdf", "gigawatt runs export 3f2a91 --format csv --out tables/"))
def export_command(
    run_id: IdArgument,
    fmt: Annotated[str, typer.Option("--format", **FieldChoice(EXPORT_FORMATS, "--format"), rich_help_panel=OUTPUTS, help="csv and parquet write a folder of tables; xlsx a workbook (summary, inputs, formatted tables; needs gigawatt\\[xlsx]); pdf the report with its figure (needs gigawatt\\[pdf])")] = "json",
    out: Annotated[Optional[Path], typer.Option("--out", metavar="PATH", show_default="KIND-ID.json / .xlsx / .pdf, or a folder KIND-ID", rich_help_panel=OUTPUTS, help="Where to write")] = None,
    store: StoreOption = None,
) -> None:
    """Write a stored run's result and tables to files."""
    from gigawatt.report.export import FORMATS, export

    if fmt not in FORMATS:
        raise ScenarioError(f"--format '{fmt[:40]}': choose one of {', '.join(FORMATS)}")
    written = export(_store(store).load(run_id), fmt, out, "--out")
    out_console().print(f"wrote {written}", highlight=False, markup=False)  # a path is text, whatever brackets it holds


@runs_app.command("rm", epilog=examples("gigawatt runs rm 3f2a91 8c07d4"))
def rm_command(run_ids: Annotated[list[str], typer.Argument(metavar="RUN_ID...", show_default=False, help="Run ids (or their first characters)")], store: StoreOption = None) -> None:
    """Remove runs (with their tables) from the store."""
    removed = _store(store).remove(run_ids)
    out_console().print(f"removed {len(removed)} run{'s' if len(removed) != 1 else ''}: {', '.join(r[:12] for r in removed)}", highlight=False, markup=False)


def _mb(n_bytes: float | None) -> str:
    """Bytes as MB (10^6 bytes) with 3 decimals, or 'n/a'."""
    return "n/a" if n_bytes is None else f"{n_bytes / 1e6:.3f} MB"


@runs_app.command("size", epilog=examples("gigawatt runs size", "gigawatt runs size --json"))
def size_command(as_json: JsonOption = False, store: StoreOption = None) -> None:
    """How big the store is, per kind of run: runs, MB in all, per run (mean and max), the share in tables
    (Parquet) against records (JSON), and the SQLite file's size on disk."""
    sizes = _store(store).size()
    if as_json:
        print_json(envelope("runs_size", **sizes))
        return
    lines = [f"{'kind':<12} {'runs':>6} {'total':>14} {'mean/run':>14} {'max/run':>14} {'tables':>7} {'records':>7}"]
    for kind, row in [*sizes["kinds"].items(), ("all", sizes["total"])]:
        lines.append(f"{kind:<12} {row['runs']:>6} {_mb(row['total_bytes']):>14} {_mb(row['mean_bytes_per_run']):>14} "
                     f"{_mb(row['max_bytes_per_run']):>14} {row['table_share']:>7.0%} {1 - row['table_share'] if row['total_bytes'] else 0:>7.0%}")
    on_disk = sizes["file_bytes"]
    lines.append(f"store {sizes['store']}: " + (f"{_mb(on_disk)} on disk" if on_disk is not None else "a database server (its size on disk is the server's)"))
    sys.stdout.write("\n".join(lines) + "\n")


@runs_app.command("tag", epilog=examples("gigawatt runs tag 3f2a91 board-2026", "gigawatt runs tag 3f2a91 board-2026 --remove"))
def tag_command(
    run_id: IdArgument,
    tag: Annotated[str, typer.Argument(metavar="TAG", show_default=False, help="A name for the run (1 to 64 characters); tagged runs are kept by `gigawatt runs prune`")],
    remove: Annotated[bool, typer.Option("--remove", help="Take the tag away instead")] = False,
    store: StoreOption = None,
) -> None:
    """Tag a run, so that `gigawatt runs prune` keeps it."""
    kept = _store(store)
    ident = kept.tag(run_id, tag, remove=remove)
    now = kept.tags(ident).get(ident, [])
    out_console().print(f"run {ident[:12]}: tags {', '.join(now) if now else '(none)'}", highlight=False, markup=False)


@runs_app.command("prune", epilog=examples("gigawatt runs prune --older-than 30 --dry-run", "gigawatt runs prune --kind sweep --include-tagged"))
def prune_command(
    older_than: Annotated[Optional[float], typer.Option("--older-than", metavar="DAYS", rich_help_panel=FILTERS, help="Only runs created more than this many days ago")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", metavar="KIND", rich_help_panel=FILTERS, help="Only runs of this kind: size, plan, buildout, headroom, site, schedule, finance, reliability or sweep")] = None,
    sweep: Annotated[Optional[str], typer.Option("--sweep", metavar="RUN_ID", rich_help_panel=FILTERS, help="Only this sweep (its run id or first characters) and its points")] = None,
    keep_tagged: Annotated[bool, typer.Option("--keep-tagged/--include-tagged", rich_help_panel=FILTERS, help="Keep tagged runs, or remove them too")] = True,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be removed; remove nothing")] = False,
    as_json: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """Remove the runs matching every filter given (at least one), without asking: one line per kind removed;
    on SQLite the space is given back to the disk (VACUUM)."""
    report = _store(store).prune(older_than_days=older_than, kind=kind, sweep=sweep, keep_tagged=keep_tagged, dry_run=dry_run)
    if as_json:
        print_json(envelope("runs_prune", **report))
        return
    lines = []
    if dry_run:
        lines += [f"{row['id'][:12]}  {row['kind']:<11} {str(row['created'] or ''):<25} {_mb(row['bytes']):>12}  {row['name'] or ''}" for row in report["runs"]]
    verb = "would remove" if dry_run else "removed"
    for kind_name, row in report["kinds"].items():
        lines.append(f"{verb} {row['runs']} {kind_name} run{'s' if row['runs'] != 1 else ''} ({_mb(row['bytes'])})")
    if not report["runs"]:
        lines.append("no run matches: nothing removed")
    if report["kept_tagged"]:
        lines.append(f"kept {len(report['kept_tagged'])} tagged run{'s' if len(report['kept_tagged']) != 1 else ''}")
    if report["kept_shared"]:
        lines.append(f"kept {len(report['kept_shared'])} point{'s' if len(report['kept_shared']) != 1 else ''} another sweep also lists")
    if "file_bytes_before" in report:
        before, after = report["file_bytes_before"], report["file_bytes_after"]
        lines.append(f"store file {_mb(before)} -> {_mb(after)} (VACUUM reclaimed {_mb(before - after)})")
    sys.stdout.write("\n".join(lines) + "\n")
