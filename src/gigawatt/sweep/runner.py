"""Sweeps: one scenario run at many points (inputs varied on a grid, one at a time, or sampled), on Dask.

A point is a set of dotted overrides of the base scenario. Every point is validated before anything runs,
then each runs through the one API (:func:`gigawatt.api.run`) in a Dask worker, with the run store: an
identical point is never computed twice, so a sweep stopped half-way resumes where it stopped, and each
point is a stored run like any other. A point that fails is recorded with its one-line reason and the
sweep goes on.

Designs:

- ``grid``: every combination of the varied values;
- ``oat``: one at a time around the base: the base, then each value of each input with the others at base
  (the tornado chart's design);
- ``sample``: ``draws`` points by Latin hypercube (:mod:`scipy.stats.qmc`) over the sampled distributions;
- ``sobol``: Saltelli's design for Sobol' indices (SALib): ``draws`` (a power of 2) x (inputs + 2) points.

:func:`sweep` is the one entry (the CLI and the workbench call it): it returns a
:class:`~gigawatt.core.results.Result` of kind ``sweep`` — one row a point with its run id, the input ranking,
the tornado, Sobol' indices or fan its design supports — kept in the run store beside its points.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from gigawatt.core.documents import identifier
from gigawatt.core.errors import GigawattError, ScenarioError
from gigawatt.sweep.analysis import (
    FAN_STEP,
    TRAJECTORY,
    WEATHER_YEAR,
    SweepOutput,
    SweepResult,
    fan,
    ranking,
    sobol_indices,
    tornado,
)
from gigawatt.sweep.design import (
    DESIGNS,
    MAX_POINTS,
    Axis,
    SweepDefinition,
    _too_many,
    count_points,
    echo,
    points,
    shorten_quoted,
)
from gigawatt.sweep.scenario import SweepInputs
from gigawatt.sweep.weather import weather_series

MAX_WORKERS_PER_CORE = 4  # local workers are single-threaded processes: more than this a core only queues for the cores
MIN_WORKER_MEMORY = 512 * 2**20  # a worker imports numpy, scipy, pandas and the solver (about 200 MiB) before its first point
SCHEDULER_TIMEOUT_S = 10  # connecting to --scheduler: a scheduler that has not answered by then is not there
WORKERS_TIMEOUT_S = 120  # a --scheduler with no worker after this long would leave the sweep waiting for ever


def describe(point: dict[str, Any]) -> str:
    """A point as its overrides, for messages and tables (``base`` for none)."""
    return ", ".join(f"{k}={v}" for k, v in point.items()) or "base"


def validate(kind: str, base: Any, chosen: list[dict[str, Any]], overrides: list[str] | None = None,
             weather: dict[int, dict[str, str]] | None = None) -> list[dict[str, Any]]:
    """Every point's inputs as a JSON-safe dict, validated before anything runs; the first bad point raises
    :class:`ScenarioError` naming it. A point's ``weather_year`` becomes that year's series (``weather``)."""
    from gigawatt import api

    model = api.load_inputs(kind, base, overrides)
    data = model.model_dump(mode="json", exclude_none=True)
    out = []
    for number, point in enumerate(chosen, start=1):
        settings = {k: v for k, v in point.items() if k != WEATHER_YEAR}
        if WEATHER_YEAR in point:
            year = point[WEATHER_YEAR]
            if not isinstance(year, int) or isinstance(year, bool) or year not in (weather or {}):
                raise ScenarioError(f"point {number}: {WEATHER_YEAR} {echo(year)} has no weather series; weather years are "
                                    "swept with --weather-years and --era5, not --vary")
            settings.update((weather or {})[year])
        try:
            out.append(api.load_inputs(kind, data, settings).model_dump(mode="json", exclude_none=True))
        except GigawattError as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise ScenarioError(f"point {number} ({echo(' '.join(describe(point).split()), 200)}): {first}") from None
    return out


def _warm(kind: str) -> None:
    """In each worker, once: import what a point of ``kind`` needs."""
    import gigawatt.api  # noqa: F401

    if kind == "plan":
        import highspy  # noqa: F401

        import gigawatt.power.plan  # noqa: F401
        import gigawatt.power.solve  # noqa: F401
        import gigawatt.weather  # noqa: F401


POINT_SOLVER_THREADS = 1  # a plan point's solver threads: one a worker, so the workers do not oversubscribe the cores


def _point_inputs(kind: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """A point's inputs as its worker runs them (a plan's solver on POINT_SOLVER_THREADS): what its run id is made of."""
    if kind == "plan":
        return {**inputs, "solver": {**inputs.get("solver", {}), "threads": POINT_SOLVER_THREADS}}
    return inputs


def _row(kind: str, result: Any) -> dict[str, Any]:
    """A point's row from its result: its id, seconds and figures (as ``gigawatt runs show`` lists them)."""
    from gigawatt.registry import figures

    row = {"status": "done", "run_id": result.run.id, "seconds": result.run.seconds, **figures(kind, result.data)}
    if kind == "buildout":  # its path, for the fan chart: capacity online every FAN_STEP-th period
        periods = result.data["periods"][::FAN_STEP] + result.data["periods"][-1:]
        row[TRAJECTORY] = [[p["date"], p["online_gw"]] for p in periods]
    return row


SHIPPED_FOLDER = "gigawatt-inputs"  # in a worker's temp dir: the files a driver sent, one folder per file's SHA-256
PATH_ECHO_CHARS = 300  # of a path in a one-line message: a deep folder's whole path, cut past that


def _read_files(kind: str, inputs: list[dict[str, Any]]) -> dict[str, bytes]:
    """On the driver: the bytes of every distinct file the points name (as their workers run them), by its path as
    named, to send with the tasks to a cluster that may not share this machine's disk. A file this machine cannot
    read is a one-line :class:`ScenarioError` naming the field and the path."""
    from gigawatt.store import referenced_fields

    files: dict[str, bytes] = {}
    for point_inputs in inputs:
        for where, path in referenced_fields(_point_inputs(kind, point_inputs)):
            if path in files:
                continue
            try:
                files[path] = Path(path).read_bytes()
            except FileNotFoundError:
                raise ScenarioError(f"{'.'.join(where)} file {echo(path, PATH_ECHO_CHARS)}: no such file; check the path") from None
            except OSError as exc:
                raise ScenarioError(f"{'.'.join(where)} file {echo(path, PATH_ECHO_CHARS)}: cannot be read ({exc.strerror or type(exc).__name__}); "
                                    "check the path") from None
    return files


def _local_copy(path: str, data: bytes) -> str:
    """In a worker: the driver's file ``path`` (its bytes ``data``) as a local file, written once in the temp dir under
    :data:`SHIPPED_FOLDER`/<SHA-256 of its bytes>/<its name> (atomically: a reader never sees half a file), then reused."""
    import hashlib
    import tempfile

    from gigawatt.core.files import write_atomically

    local = Path(tempfile.gettempdir()) / SHIPPED_FOLDER / hashlib.sha256(data).hexdigest() / (Path(path).name or "file")
    if not local.is_file():
        local.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(local, lambda tmp: tmp.write_bytes(data), f"the copy of {path} at")
    return str(local)


def _with_local_files(inputs: dict[str, Any], local: dict[str, str]) -> dict[str, Any]:
    """A point's inputs with each driver path that ``local`` maps (driver path -> local copy) replaced by its copy."""
    import copy

    from gigawatt.store import referenced_fields

    out = copy.deepcopy(inputs)
    for where, path in list(referenced_fields(out)):
        if path in local:
            node: Any = out
            for part in where[:-1]:
                node = node[int(part)] if isinstance(node, list) else node[part]
            node[int(where[-1]) if isinstance(node, list) else where[-1]] = local[path]
    return out


def _named_as_sent(value: Any, local: dict[str, str]) -> Any:
    """``value`` (a result's figures or messages) with each local copy's path that it quotes (a series' source)
    written as the driver's path it is a copy of (``local``: driver path -> local copy)."""
    if isinstance(value, str):
        for path, copied in local.items():
            value = value.replace(copied, path)
        return value
    if isinstance(value, dict):
        return {k: _named_as_sent(v, local) for k, v in value.items()}
    if isinstance(value, list):
        return [_named_as_sent(v, local) for v in value]
    return value


def _run_point(kind: str, inputs: dict[str, Any], files: dict[str, bytes] | None = None) -> dict[str, Any]:
    """In a worker: run one point through the API, storing nothing: its ``row``, and its ``result`` as plain data
    (:func:`_portable`) for the driver to keep (the driver is the store's only writer), or its one-line reason.
    ``files`` (the driver's path -> the file's bytes) are the files the driver sent: the point reads local copies."""
    from gigawatt import api

    local: dict[str, str] = {}
    try:
        local = {path: _local_copy(path, data) for path, data in (files or {}).items()}
        result = api.run(kind, _point_inputs(kind, _with_local_files(inputs, local) if local else inputs), store=None)
    except GigawattError as exc:
        return {"row": {"status": "failed", "error": _named_as_sent(str(exc).splitlines()[0], local)}}
    except Exception as exc:  # noqa: BLE001 - a crash of one point is recorded, the sweep goes on
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return {"row": {"status": "failed", "error": _named_as_sent(reason, local)}}
    portable = _portable(result)
    if local:
        portable.update(data=_named_as_sent(portable["data"], local), messages=_named_as_sent(portable["messages"], local))
    return {"row": _named_as_sent(_row(kind, result), local), "result": portable}


def _as_on_driver(kind: str, inputs: dict[str, Any], returned: dict[str, Any]) -> dict[str, Any]:
    """A point run on files sent to its worker, as it would have been run on the driver: the driver's inputs (its
    paths) and run id (which hashes the paths as well as the files' bytes) in its result and row."""
    from gigawatt import api
    from gigawatt.store import run_id

    if "result" not in returned:
        return returned
    model = api.load_inputs(kind, _point_inputs(kind, inputs))
    ident = run_id(kind, model)
    result = {**returned["result"], "inputs": model.model_dump(mode="json"), "run": {**returned["result"]["run"], "id": ident}}
    return {**returned, "row": {**returned["row"], "run_id": ident}, "result": result}


def _portable(result: Any) -> dict[str, Any]:
    """A result as plain data that travels from a worker to the driver: inputs, figures, messages, run facts, tables."""
    return {"kind": result.kind, "inputs": result.inputs.model_dump(mode="json"), "data": result.data, "messages": list(result.messages),
            "run": result.run.to_dict(), "frames": dict(result.to_frames())}


def _keep(kept: Any, portable: dict[str, Any]) -> None:
    """Save a worker's result in the driver's store."""
    from gigawatt.core.results import Result, RunInfo
    from gigawatt.registry import STORED

    frames = portable["frames"]
    kept.save(Result(kind=portable["kind"], inputs=STORED[portable["kind"]].inputs.model_validate(portable["inputs"]), data=portable["data"],
                     messages=portable["messages"], run=RunInfo(**portable["run"]), frames_loader=lambda: frames))


def stored_rows(kind: str, inputs: list[dict[str, Any]], kept: Any) -> dict[int, dict[str, Any]]:
    """The rows of the points already in the store ``kept``, by point number (from 0): looked up by run id, so that
    only the others start workers. A stored record that cannot be read is left to be run again."""
    from gigawatt import api
    from gigawatt.store import UnreadableRun, run_id

    if kept is None:
        return {}
    found = {}
    for number, point_inputs in enumerate(inputs):
        try:
            result = kept.get(run_id(kind, api.load_inputs(kind, _point_inputs(kind, point_inputs))))
        except UnreadableRun:
            continue
        if result is not None:
            found[number] = _row(kind, result)
    return found


def cores() -> int:
    """The cores this process may run on."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def check_cluster(workers: int | None = None, scheduler: str | None = None, memory_limit: str | None = None) -> None:
    """Refuse, before anything runs, a local cluster that could not start or would swamp the machine: more
    workers than :data:`MAX_WORKERS_PER_CORE` a core, a memory limit Dask cannot read or too small for a
    worker, or a local cluster's settings given with a ``scheduler`` (whose own workers run the points)."""
    if scheduler:
        given = [flag for flag, value in (("--workers", workers), ("--memory-limit", memory_limit)) if value is not None]
        if given:
            raise ScenarioError(f"{' and '.join(given)} size a local cluster; with --scheduler the points run on that cluster's "
                                "own workers: drop one or the other")
        return
    if workers is not None:
        bound = MAX_WORKERS_PER_CORE * cores()
        if not 1 <= workers <= bound:
            raise ScenarioError(f"--workers {workers}: give 1 to {bound} ({MAX_WORKERS_PER_CORE} a core on this machine's {cores()}); "
                                "each worker is a process running one point at a time")
    if memory_limit is not None and memory_limit != "auto":
        import logging

        from distributed.worker_memory import parse_memory_limit

        try:
            number = float(memory_limit)
        except ValueError:
            number = None
        if number == 0:  # Dask's word for no limit
            return
        try:
            limit = parse_memory_limit(memory_limit, 1, logger=logging.getLogger("gigawatt.sweep"))
        except (ValueError, TypeError, OverflowError):
            limit = -1
        if number is not None and (not math.isfinite(number) or number < 0) or limit is None or limit < MIN_WORKER_MEMORY:
            raise ScenarioError(f"--memory-limit {shorten_quoted(memory_limit)}: give the memory of each worker, at least "
                                f"{MIN_WORKER_MEMORY // 2**20} MiB, e.g. 2GB or 500MiB (or auto, a share of the memory such as 0.25, "
                                "or 0 for no limit)")


def connect(scheduler: str, timeout_s: float | None = None) -> Any:
    """A Dask client of the scheduler at ``scheduler``, or a one-line :class:`ScenarioError` naming it
    within ``timeout_s`` (default :data:`SCHEDULER_TIMEOUT_S`)."""
    from dask.distributed import Client
    from distributed.comm import parse_address, parse_host_port

    try:
        _, location = parse_address(scheduler)
        _, port = parse_host_port(location)
        if not 1 <= int(port) <= 65535:
            raise ValueError(f"port {port} is not 1 to 65535")
    except (ValueError, TypeError) as exc:
        reason = " ".join(str(exc).split())[:120]
        raise ScenarioError(f"--scheduler {shorten_quoted(scheduler)}: not a scheduler's address ({reason}); "
                            "give it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786") from None
    if timeout_s is None:  # Dask's connect timeout where it is set shorter (DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
        import dask.config
        from dask.utils import parse_timedelta

        try:
            timeout_s = min(float(parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s")), SCHEDULER_TIMEOUT_S)
        except (KeyError, ValueError, TypeError):
            timeout_s = SCHEDULER_TIMEOUT_S
        timeout_s = timeout_s if timeout_s > 0 else SCHEDULER_TIMEOUT_S
    try:
        return Client(scheduler, timeout=f"{timeout_s}s")
    except Exception as exc:  # noqa: BLE001 - refused, timed out, or something that is not a scheduler answered
        reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:160]
        if isinstance(exc, OSError | TimeoutError):
            raise ScenarioError(f"--scheduler {echo(scheduler)}: no Dask scheduler answered within {timeout_s:g} s ({reason}); "
                                "check the address and that the scheduler is running") from None
        raise ScenarioError(f"--scheduler {echo(scheduler)}: what answered there is not a Dask scheduler ({reason}); "
                            "check the address and its port") from None


def local_cluster(workers: int | None = None, memory_limit: str | None = None, most: int | None = None) -> Any:
    """A Dask LocalCluster of ``workers`` single-threaded process workers (default: the cores; never more than
    ``most`` pieces of work), ``memory_limit`` each; its scheduler's HTTP routes on a free local port, so two at
    once do not fight over Dask's 8787 (a warning)."""
    from dask.distributed import LocalCluster

    count = workers or cores()
    return LocalCluster(n_workers=max(1, min(count, most) if most is not None else count), threads_per_worker=1, processes=True,
                        memory_limit=memory_limit or "auto", dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})


def wait_for_workers(client: Any, scheduler: str, again: str) -> None:
    """Wait up to :data:`WORKERS_TIMEOUT_S` for a worker of the cluster at ``scheduler`` to join; else one line
    naming ``--scheduler`` and how to start one (``again``: what to do then)."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except TimeoutError:
        raise ScenarioError(f"--scheduler {echo(scheduler)}: no worker joined it within {WORKERS_TIMEOUT_S} s; start workers "
                            f"(dask worker {echo(scheduler)}) and {again}") from None


@contextmanager
def dask_map(workers: int | None = None, scheduler: str | None = None) -> Iterator[Callable[[Callable[[Any], Any], list[Any]], list[Any]]]:
    """``map(function, pieces) -> results`` on Dask, for a job that splits its own work (the reliability draws): a
    LocalCluster of ``workers`` (:func:`local_cluster`) or the cluster at ``scheduler`` (:func:`connect`), checked
    as a sweep's (:func:`check_cluster`); closes the client, and the cluster where it started one."""
    from dask.distributed import Client

    check_cluster(workers, scheduler)
    cluster = None if scheduler else local_cluster(workers)
    client = connect(scheduler) if scheduler else Client(cluster)
    try:
        if scheduler:
            wait_for_workers(client, scheduler, "run again")
        yield lambda function, pieces: client.gather(client.map(function, pieces, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_sweep(kind: str, chosen: list[dict[str, Any]], inputs: list[dict[str, Any]], *, store: str | None, workers: int | None = None,
              scheduler: str | None = None, memory_limit: str | None = None,
              progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Run validated points on Dask: a LocalCluster of ``workers`` single-threaded process workers (default:
    the cores; never more than the points), or the cluster at ``scheduler``. Each point's inputs (a small
    dict) travel to its worker, which builds and solves its model there; to a ``scheduler``'s workers, which
    may not share this disk, the files they name travel too (each file once), and each point is kept under
    the id and inputs it has here. A point whose worker dies is recorded as failed with the reason."""
    import dask.config

    check_cluster(workers, scheduler, memory_limit)
    # a local worker near its memory limit is not paused (its point would wait for ever) but restarted, and a point
    # whose workers all die fails; set for the cluster's whole life, for its nannies read it again at each restart
    with dask.config.set({"distributed.worker.memory.pause": False}):
        return _run_on_dask(kind, chosen, inputs, store=store, workers=workers, scheduler=scheduler, memory_limit=memory_limit,
                            progress=progress)


def _run_on_dask(kind: str, chosen: list[dict[str, Any]], inputs: list[dict[str, Any]], *, store: str | None, workers: int | None,
                 scheduler: str | None, memory_limit: str | None, progress: Callable[[int, int], None] | None) -> SweepResult:
    from dask.distributed import Client, as_completed

    started = time.perf_counter()
    cluster = None
    # a cluster given by address may not share this disk: the driver reads the points' files and sends them with the tasks
    files = _read_files(kind, inputs) if scheduler else {}
    if scheduler:
        client = connect(scheduler)
    else:
        # the scheduler's HTTP routes on a free local port: two sweeps at once do not fight over Dask's 8787 (a warning)
        cluster = local_cluster(workers, memory_limit, most=len(inputs))
        client = Client(cluster)
    result = SweepResult(kind=kind, varied=list(dict.fromkeys(k for p in chosen for k in p)))
    try:
        where = f"the workers of --scheduler {echo(scheduler)}" if scheduler else "the local workers"
        if scheduler:
            wait_for_workers(client, scheduler, "run the sweep again")
        try:
            client.run(_warm, kind)  # every worker imports the model once, before the points
        except GigawattError:
            raise
        except Exception as exc:  # noqa: BLE001 - a worker that cannot import gigawatt or start at all
            reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:200]
            raise ScenarioError(f"{where} could not start: {reason}; they need gigawatt[sweep] installed "
                                f"and memory enough (--memory-limit, now {memory_limit or 'auto'})") from None
        result.startup_s = time.perf_counter() - started
        started = time.perf_counter()
        from gigawatt.store import open_store, referenced_files

        kept = open_store(store)  # the driver keeps every point: workers never open the store (a local SQLite file included)
        # each distinct file once to every worker (named by its bytes' hash), then a task carries only the futures of its files
        sent = dict(zip(files, client.scatter(list(files.values()), broadcast=True))) if files else {}
        futures = {client.submit(_run_point, kind, point_inputs,
                                 {path: sent[path] for path in referenced_files(_point_inputs(kind, point_inputs))} if sent else None,
                                 pure=False): number
                   for number, point_inputs in enumerate(inputs)}
        outcome: dict[int, dict[str, Any]] = {}
        for done, future in enumerate(as_completed(futures), start=1):
            try:
                returned = future.result()
                if files:
                    returned = _as_on_driver(kind, inputs[futures[future]], returned)
                outcome[futures[future]] = returned["row"]
                if kept is not None and "result" in returned:
                    _keep(kept, returned["result"])
            except GigawattError as exc:  # the store could not take it: the point's result is kept in the file the error names
                outcome[futures[future]] = {"status": "failed", "error": str(exc).splitlines()[0]}
            except Exception as exc:  # noqa: BLE001 - its worker died (out of memory, killed): the point failed, the sweep goes on
                reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:400]
                if type(exc).__name__ == "KilledWorker":
                    reason = ("its worker died each time it ran the point, most likely out of memory; give each worker more "
                              f"with --memory-limit (now {memory_limit or 'auto'}) or run fewer --workers")
                outcome[futures[future]] = {"status": "failed", "error": reason}
            if progress:
                progress(done, len(futures))
        result.points_s = time.perf_counter() - started
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    result.rows = [{"point": n + 1, **chosen[n], **outcome[n]} for n in range(len(chosen))]
    return result


def check_figure(kind: str, figure: str | None) -> str | None:
    """The figure as the points' rows name it: its label, given as the label or as the identifier the JSON
    keys it by (``lcoe_usd_per_mwh`` for ``LCOE USD/MWh``). Refuses, before anything runs, a figure that no
    point of ``kind`` can have, listing those it can."""
    from gigawatt.core.documents import identifier
    from gigawatt.registry import JOBS

    if not figure or kind not in JOBS:
        return figure
    job = JOBS[kind]
    if figure in job.figure_labels or any(re.match(pattern, figure) for _, pattern in job.figure_patterns):
        return figure
    labelled = next((label for label in job.figure_labels if identifier(label) == figure), None)
    if labelled is not None:
        return labelled
    from difflib import get_close_matches

    close = get_close_matches(figure, job.figure_labels, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise ScenarioError(f"--figure {shorten_quoted(figure)} is not a figure of a {kind} run; {hint}choose one of "
                        f"{', '.join([*job.figure_labels, *(label for label, _ in job.figure_patterns)])}")


def default_figure(kind: str, rows: list[dict[str, Any]]) -> str:
    """The figure a sweep of ``kind`` charts unless told: the first of its headline figures, or (headroom,
    whose figures are named by their limits) the first numeric figure of a point that ran."""
    from gigawatt.registry import JOBS

    first = JOBS[kind].headline[0] if JOBS[kind].headline else "*"
    if not first.endswith("*"):
        return first
    done = next((r for r in rows if r.get("status") == "done"), {})
    return next((k for k, v in done.items() if k not in ("point", "seconds") and isinstance(v, int | float)), "")


POINT_KEYS = ("point", "status", "run_id", "seconds", "error", "label", TRAJECTORY, WEATHER_YEAR)  # a point's own keys, beside its overrides and figures


def _keyed(row: dict[str, Any], varied: list[str]) -> dict[str, Any]:
    """A point's row as the sweep's data keeps it: its overrides by scenario key, its figures by identifier
    (``LCOE USD/MWh`` as ``lcoe_usd_per_mwh``; the label is the table's)."""
    return {k if k in POINT_KEYS or k in varied else identifier(k): v for k, v in row.items()}


def summarise(inputs: SweepInputs, result: SweepResult) -> tuple[dict[str, Any], list[str]]:
    """The sweep's ``data`` (its rows and what its design supports: ranking, tornado, Sobol' indices, fan,
    the figure's quantiles) and the messages a user should read."""
    figure, messages = inputs.figure, []
    paths = fan(result) if inputs.kind == "buildout" else []
    done = [r for r in result.rows if r.get("status") == "done"]
    values = np.array([r[figure] for r in done if isinstance(r.get(figure), int | float) and not isinstance(r.get(figure), bool)], dtype=float)
    if done and not len(values) and any(figure in r for r in done):
        # the points have the figure but no value for it (a size of a chip without a price has no capital figures)
        messages.append(f"figure '{figure}' has no value at any point (their messages say why); choose another with --figure")
    elif done and not len(values):
        messages.append(f"figure '{figure}' is not among the points' figures ({', '.join(k for k in done[0] if k not in ('status', 'run_id', 'seconds', 'point', *result.varied))}); choose one with --figure")
    failed = len(result.rows) - len(done)
    if failed:
        messages.append(f"{failed} of {len(result.rows)} points failed; their reasons are in the table")
    swing: list[dict[str, Any]] = []
    if inputs.design in ("oat", "grid") and len(values):
        try:
            swing = tornado(result, figure, inputs.design)
        except ScenarioError as exc:
            messages.append(str(exc))
    sobol = sobol_indices(result, inputs.sampled, figure, inputs.seed) if inputs.design == "sobol" and len(values) else []
    if inputs.design == "sobol" and len(values) and not sobol:
        messages.append("Sobol' indices need every point of Saltelli's design; a point failed, so only the rank correlation is given")
    data = {
        "job": inputs.kind, "design": inputs.design, "figure": identifier(figure), "figure_label": figure, "varied": result.varied,
        "distribution": {"min": float(values.min()), **{f"p{round(q * 100)}": float(np.quantile(values, q)) for q in (0.1, 0.5, 0.9)},
                         "max": float(values.max()), "mean": float(values.mean())} if len(values) else None,
        "ranking": ranking(result, figure) if inputs.design != "oat" else [],
        "tornado": swing, "sobol": sobol, "fan": paths,
        "startup_s": result.startup_s, "points_s": result.points_s, "points": [_keyed(row, result.varied) for row in result.rows],
    }
    return data, messages


def job_kind(base: Any) -> str:
    """The kind of job a base scenario (a path or mapping) is for; a plan unless its keys say otherwise."""
    from gigawatt.api import looks_like
    from gigawatt.core.inputs import read_yaml

    return looks_like(read_yaml(base)[0] if isinstance(base, str | Path) else base) or "plan"


def sweep(base: Any, definition: SweepDefinition | dict[str, Any], *, kind: str | None = None, set: list[str] | None = None,  # noqa: A002
          origin: Path | None = None, store: Any = "default", workers: int | None = None, scheduler: str | None = None,
          memory_limit: str | None = None, progress: Callable[[int, int], None] | None = None) -> Any:
    """Run ``base`` (a scenario path or mapping, any kind) at the points of ``definition`` on Dask and return
    a :class:`~gigawatt.core.results.Result` of kind ``sweep``, kept in ``store`` with its points. ``origin`` is
    the folder that relative paths in the definition (``era5``) are read from. The figure, the cluster's
    settings and every point are checked before any runs; the first bad one raises naming it."""
    import hashlib
    import json
    import tempfile

    from gigawatt.core.inputs import read_yaml

    if not isinstance(definition, SweepDefinition):
        definition = SweepDefinition.model_validate(definition)
    data = read_yaml(base)[0] if isinstance(base, str | Path) else dict(base)
    kind = kind or job_kind(data)
    figure = check_figure(kind, definition.figure)
    check_cluster(workers, scheduler, memory_limit)
    axes, sampled = definition.axes(), definition.sampled()
    design = definition.design or ("sample" if sampled else "grid")
    overrides = [*definition.set, *(set or [])]
    weather: dict[int, dict[str, str]] = {}
    if definition.weather_years:
        from gigawatt.power.weather_years import parse_years

        years = parse_years(definition.weather_years, "--weather-years")
        if not definition.era5:
            raise ScenarioError("sweep.weather_years: name the ERA5 capacity-factor file in sweep.era5 (--era5)")
        era5 = (origin or Path.cwd()) / definition.era5
        if not era5.is_file():
            raise ScenarioError(f"sweep.era5: {echo(era5, 300)} is not a file; give the ERA5 capacity-factor CSV")
        axes.append(Axis(WEATHER_YEAR, years))
        if design in DESIGNS and count_points(design, axes, sampled, definition.draws) > MAX_POINTS:  # before writing the years' series
            raise _too_many(count_points(design, axes, sampled, definition.draws), f"design {design}")
        # in a folder named by what the series depend on, so that a rerun names the same files and resumes
        site = data.get("site") or {}
        key = hashlib.sha256(era5.read_bytes() + json.dumps([site.get("year"), site.get("longitude")]).encode()).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / "gigawatt-weather" / key
        folder.mkdir(parents=True, exist_ok=True)
        weather = weather_series(era5, years, data, folder)
    chosen = points(design, axes, sampled, definition.draws, definition.seed)
    return _run(kind, base, chosen, overrides, weather, design=design, figure=figure, sampled=[s.key for s in sampled],
                seed=definition.seed, store=store, workers=workers, scheduler=scheduler, memory_limit=memory_limit, progress=progress)


RECORD_KEYS = frozenset({"kind", "design", "base", "points"})  # what marks a stored sweep's inputs (``gigawatt runs inputs``)


def is_record(data: Any) -> bool:
    """Whether ``data`` is a stored sweep's inputs as ``gigawatt runs inputs SWEEP`` prints them (a
    :class:`SweepInputs`), not a scenario."""
    return isinstance(data, dict) and RECORD_KEYS <= data.keys() and isinstance(data.get("base"), dict) and isinstance(data.get("points"), list)


def sweep_again(record: SweepInputs | dict[str, Any], *, set: list[str] | None = None, figure: str | None = None,  # noqa: A002
                store: Any = "default", workers: int | None = None, scheduler: str | None = None, memory_limit: str | None = None,
                progress: Callable[[int, int], None] | None = None) -> Any:
    """Run a stored sweep's inputs again (what ``gigawatt runs inputs SWEEP`` prints): the same base and the
    same points, so the same sweep, its points found in the store. ``set`` overrides the base of every point,
    ``figure`` the figure its charts show."""
    from pydantic import ValidationError

    if not isinstance(record, SweepInputs):
        try:
            record = SweepInputs.model_validate(record)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise ScenarioError(f"a stored sweep's inputs: {echo(where)}: {' '.join(first['msg'].split())}") from None
    from gigawatt.api import MODELS

    if record.kind not in MODELS:
        raise ScenarioError(f"a stored sweep's inputs: kind {shorten_quoted(record.kind)} is not a kind of run a sweep can vary; "
                            f"choose one of {', '.join(MODELS)}")
    if record.design not in DESIGNS:
        raise ScenarioError(f"a stored sweep's inputs: design {shorten_quoted(record.design)}: choose one of {', '.join(DESIGNS)}")
    if not record.points or len(record.points) > MAX_POINTS:
        raise ScenarioError(f"a stored sweep's inputs: {len(record.points):,} points; a sweep has 1 to {MAX_POINTS:,}")
    figure = check_figure(record.kind, figure or record.figure)
    check_cluster(workers, scheduler, memory_limit)
    if record.design == "sobol":  # Saltelli's design: draws (a power of 2) x (inputs + 2) points, or no indices
        draws, left = divmod(len(record.points), len(record.sampled) + 2)
        if not record.sampled or left or draws & (draws - 1):
            raise ScenarioError(f"a stored sweep's inputs: {len(record.points):,} points is not Saltelli's design for "
                                f"{len(record.sampled)} sampled inputs (a power of 2 x (inputs + 2)); check its points and sampled")
    years = [p[WEATHER_YEAR] for p in record.points if WEATHER_YEAR in p]
    unknown = next((y for y in years if not isinstance(y, int) or y not in record.weather), None)
    if unknown is not None:
        raise ScenarioError(f"a stored sweep's inputs: weather year {echo(unknown)} of its points has no series in its weather")
    years = sorted(dict.fromkeys(years))  # (``set`` is the overrides here)
    gone = next((path for y in years for path in record.weather[y].values() if not Path(path).is_file()), None)
    if gone is not None:
        raise ScenarioError(f"a stored sweep's inputs: its weather series {echo(gone, 300)} is gone; sweep its scenario again with "
                            "--weather-years and --era5 to write them")
    return _run(record.kind, record.base, record.points, list(set or []), record.weather, design=record.design, figure=figure,
                sampled=record.sampled, seed=record.seed, store=store, workers=workers, scheduler=scheduler, memory_limit=memory_limit,
                progress=progress)


def _run(kind: str, base: Any, chosen: list[dict[str, Any]], overrides: list[str], weather: dict[int, dict[str, str]], *, design: str,
         figure: str | None, sampled: list[str], seed: int, store: Any, workers: int | None, scheduler: str | None,
         memory_limit: str | None, progress: Callable[[int, int], None] | None) -> Any:
    """Validate every point, run them on Dask and keep the sweep in ``store``: what :func:`sweep` and
    :func:`sweep_again` share."""
    from datetime import datetime, timezone

    from gigawatt import api
    from gigawatt.core import __version__
    from gigawatt.core.results import Result, RunInfo, json_safe
    from gigawatt.store import catalog_hash, open_store, run_id

    inputs = validate(kind, base, chosen, overrides, weather)
    base_inputs = api.load_inputs(kind, base, overrides)
    kept = open_store(store)
    stored = stored_rows(kind, inputs, kept)  # only the points not yet in the store start workers
    missing = [n for n in range(len(inputs)) if n not in stored]
    done = SweepResult(kind=kind, varied=list(dict.fromkeys(k for p in chosen for k in p)))
    if missing:
        ran = run_sweep(kind, [chosen[n] for n in missing], [inputs[n] for n in missing], store=kept.url if kept else None, workers=workers,
                        scheduler=scheduler, memory_limit=memory_limit,
                        progress=(lambda d, total: progress(len(stored) + d, len(inputs))) if progress else None)
        done.startup_s, done.points_s = ran.startup_s, ran.points_s
        stored.update({n: {k: v for k, v in row.items() if k != "point" and k not in chosen[n]} for n, row in zip(missing, ran.rows)})
    elif progress:
        progress(len(inputs), len(inputs))
    done.rows = [{"point": n + 1, **chosen[n], **stored[n]} for n in range(len(chosen))]
    record = SweepInputs(name=str(getattr(base_inputs, "name", kind)), kind=kind, design=design,
                         figure=figure or default_figure(kind, done.rows), base=base_inputs.model_dump(mode="json", exclude_none=True),
                         points=chosen, sampled=sampled, seed=seed, weather=weather)
    summary, messages = summarise(record, done)
    result = Result(kind="sweep", inputs=record, data=json_safe(summary), messages=messages, output=SweepOutput(json_safe(summary)),
                    run=RunInfo(id=run_id("sweep", record), created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                gigawatt_version=__version__, catalog_hash=catalog_hash(), seconds=done.startup_s + done.points_s))
    if kept is not None:
        kept.save(result)
    return result
