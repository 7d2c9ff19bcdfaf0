"""Sweeps started from the workbench's page (issue 29): a sweep's YAML checked as ``gigawatt sweep`` checks it, the
job's worker that runs it on a Dask cluster and reports its points as they finish, and the local cluster the server
starts for them. ``gigawatt serve`` hands this module to the web application (which does not import the sweep
package beside it); the worker runs in the job's own process (:mod:`gigawatt.web.jobs` starts it by reference).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gigawatt.core.errors import GigawattError, ScenarioError
from gigawatt.sweep import runner

MAX_WEB_POINTS = 200  # points of a sweep started from the page: more belong on the CLI (or a --scheduler cluster)


def local_cluster(workers: int) -> Any:
    """A Dask LocalCluster of ``workers`` single-threaded process workers (at most what ``gigawatt sweep --workers``
    allows on these cores), for the server's sweeps."""
    try:
        return runner.local_cluster(min(workers, runner.MAX_WORKERS_PER_CORE * runner.cores()))
    except ImportError:
        raise ScenarioError("sweeps need Dask's distributed scheduler; pip install \"gigawatt[sweep]\"") from None


def prepare(text: str, examples: Path) -> dict[str, Any]:
    """A sweep's YAML checked as ``gigawatt sweep`` checks it, every point validated; returns what its job needs.
    ``sweep.base`` may name only a shipped example (relative to ``examples/sweep``), never another server path;
    a scenario may name no file (no CSV series); weather-year sweeps read an ERA5 file and stay on the CLI."""
    from gigawatt.core.inputs import read_yaml, read_yaml_text
    from gigawatt.sweep import design as sweep_design

    data, _ = read_yaml_text(text, "sweep")
    if not isinstance(data, dict):
        raise ScenarioError("sweep: the YAML is not a mapping; paste a scenario with a sweep: section, or pick an example")
    definition = sweep_design.read_definition(data, "sweep")
    if definition is None:
        raise ScenarioError("sweep: no sweep: section; add one with sweep.vary or sweep.sample (see the examples)")
    if definition.weather_years or definition.era5:
        raise ScenarioError("sweep.weather_years: a weather-year sweep reads an ERA5 file on the server; run it with gigawatt sweep --weather-years")
    base: dict[str, Any] = data
    folder = (examples / "sweep").resolve()
    if definition.base:
        path = (folder / definition.base).resolve()
        if not path.is_relative_to(examples.resolve()) or path.suffix != ".yaml" or not path.is_file():
            raise ScenarioError(f"sweep.base: '{definition.base[:80]}' is not a shipped example; name one relative to the sweep "
                                "examples (e.g. ../west-texas-grid-gas.yaml), or paste the scenario with its sweep: section")
        base, folder = read_yaml(path)[0], path.parent
    base = _shipped_files(base, examples.resolve(), folder)
    kind = runner.job_kind(base)
    figure = runner.check_figure(kind, definition.figure)
    sampled = definition.sampled()
    design = definition.design or ("sample" if sampled else "grid")
    axes = definition.axes()
    count = sweep_design.count_points(design, axes, sampled, definition.draws) if design in sweep_design.DESIGNS else 0
    if count > MAX_WEB_POINTS:
        raise ScenarioError(f"sweep: {count:,} points is more than a sweep from the page runs ({MAX_WEB_POINTS}); "
                            "vary fewer values, or run it with gigawatt sweep")
    chosen = sweep_design.points(design, axes, sampled, definition.draws, definition.seed)
    inputs = runner.validate(kind, base, chosen, list(definition.set))
    name = str(base.get("name") or kind)
    return {"kind": kind, "name": name, "base": base, "definition": definition.model_dump(mode="json"), "chosen": chosen,
            "inputs": inputs, "figure": figure}


def _shipped_files(base: dict[str, Any], examples: Path, folder: Path) -> dict[str, Any]:
    """``base`` with each file it names made the path of the package's own copy (a shipped example's CSV, named
    as the examples name it: ``examples/...``, or beside the scenario); any other file is refused, since a
    sweep from the page may read nothing else on the server."""
    from gigawatt.core.input_files import referenced_fields, with_paths

    found = []
    for where, value in referenced_fields(base):
        places = (examples.parent / value, folder / value, examples / value)
        path = next((p.resolve() for p in places if p.resolve().is_relative_to(examples) and p.resolve().is_file()), None)
        if path is None:
            raise ScenarioError(f"{'.'.join(where)}: '{value[:80]}' is not a file shipped with gigawatt's examples, which is all a "
                                "sweep from the page reads on the server; run it with gigawatt sweep")
        found.append((where, str(path)))
    return with_paths(base, found)


def work(_: str, spec: dict[str, Any], store_url: str | None, events: Any) -> None:
    """In the job's worker process: run the sweep of :func:`prepare_sweep`, sending ("progress", done, total)
    and ("points", rows of the points finished so far, each with its figures) at each progress call of the
    runner, then ("done", the sweep's run id) or ("failed", reason)."""
    try:
        from gigawatt.store import open_store
    
        kind, kept = spec["kind"], open_store(store_url)

        def progress(done: int, total: int) -> None:
            found = runner.stored_rows(kind, spec["inputs"], kept)  # the points kept so far (the driver saves each as it ends)
            events.put(("points", [{"point": n + 1, "label": runner.describe(spec["chosen"][n]), **_plain(row)} for n, row in sorted(found.items())]))
            events.put(("progress", done, total))

        events.put(("progress", 0, len(spec["chosen"])))
        result = runner.sweep(spec["base"], spec["definition"], kind=kind, store=store_url, scheduler=spec["scheduler"], progress=progress)
        events.put(("done", result.run.id))
    except GigawattError as exc:
        events.put(("failed", str(exc).splitlines()[0]))
    except Exception as exc:  # noqa: BLE001 - a crash is reported in one line, never as a traceback
        events.put(("failed", f"the sweep failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")))


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A point's row with only numbers and text (what travels to the page)."""
    return {k: v for k, v in row.items() if isinstance(v, str | int | float | bool) or v is None}
