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
- ``sample``: ``draws`` points by Latin hypercube (:mod:`scipy.stats.qmc`) over the sampled distributions.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from gigawatt.errors import GigawattError, ScenarioError

DESIGNS = ("grid", "oat", "sample")
DISTRIBUTIONS = {"uniform": 2, "triangular": 3, "normal": 2, "lognormal": 2}  # and their parameter counts
MAX_POINTS = 100_000  # a sweep larger than this is a typo, not a plan
RANGE = re.compile(r"^(log:)?([^:]+):([^:]+):(\d+)$")
DISTRIBUTION = re.compile(r"^(\w+)\(([^)]*)\)$")


@dataclass(frozen=True)
class Axis:
    """An input varied over given values (``--vary KEY=VALUES``)."""

    key: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Sampled:
    """An input drawn from a distribution (``--sample KEY=DIST(params)``): uniform(low, high),
    triangular(low, mode, high), normal(mean, sd), lognormal(mean, sd) of the value itself."""

    key: str
    distribution: str
    parameters: tuple[float, ...]

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """The values at probabilities ``u`` (0..1)."""
        from scipy import stats

        p = self.parameters
        if self.distribution == "uniform":
            return p[0] + u * (p[1] - p[0])
        if self.distribution == "triangular":
            low, mode, high = p
            return stats.triang.ppf(u, (mode - low) / (high - low), loc=low, scale=high - low)
        if self.distribution == "normal":
            return stats.norm.ppf(u, loc=p[0], scale=p[1])
        sigma = math.sqrt(math.log(1 + (p[1] / p[0]) ** 2))  # lognormal with the given mean and sd of the value
        return stats.lognorm.ppf(u, sigma, scale=p[0] / math.sqrt(1 + (p[1] / p[0]) ** 2))


class SweepDefinition(BaseModel):
    """A sweep written in YAML: a ``sweep:`` section beside a scenario, or its own file naming the scenario
    in ``base``. ``vary`` values are lists or the CLI's range text (``"2:8:4"``, ``"log:10:1000:3"``);
    ``sample`` values are distributions (``"uniform(2,8)"``)."""

    model_config = ConfigDict(extra="forbid")

    base: str | None = Field(default=None, description="The base scenario's file, relative to this one (own-file sweeps)")
    design: str | None = Field(default=None, description="grid, oat or sample; default: sample with `sample`, else grid")
    vary: dict[str, list[Any] | str] = Field(default_factory=dict, description="Inputs to vary by dotted key: values, or start:stop:n")
    sample: dict[str, str] = Field(default_factory=dict, description="Inputs to sample by dotted key: uniform(a,b), triangular(l,m,h), normal(m,sd), lognormal(m,sd)")
    draws: int = Field(default=0, ge=0, le=MAX_POINTS, description="Latin-hypercube draws of the sampled inputs")
    seed: int = Field(default=0, ge=0, description="Seed of the Latin hypercube")
    figure: str | None = Field(default=None, description="The figure a tornado or distribution chart shows")
    set: list[str] = Field(default_factory=list, description="Overrides of the base applied to every point, dotted.key=value")

    def axes(self) -> list[Axis]:
        """The varied inputs as axes (list values as given, text as the CLI's ranges)."""
        return [Axis(k, tuple(v)) if isinstance(v, list) else parse_vary(f"{k}={v}") for k, v in self.vary.items()]

    def sampled(self) -> list[Sampled]:
        """The sampled inputs."""
        return [parse_sample(f"{k}={v}") for k, v in self.sample.items()]


def read_definition(data: dict[str, Any], origin: str) -> SweepDefinition | None:
    """The ``sweep:`` section of a scenario mapping (removed from it), or None; errors name the field."""
    from pydantic import ValidationError

    raw = data.pop("sweep", None)
    if raw is None:
        return None
    try:
        return SweepDefinition.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ScenarioError(f"{origin}: sweep.{where}: {first['msg']}") from None


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ScenarioError(f"{what}: '{text}' is not a number") from None


def _value(text: str) -> Any:
    """A value as YAML would read it (numbers, dates as text, true/false)."""
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, int | float | bool | str) else text


def parse_vary(text: str) -> Axis:
    """``KEY=a,b,c`` (values), ``KEY=start:stop:n`` (n evenly spaced) or ``KEY=log:start:stop:n`` (n log-spaced)."""
    key, sep, spec = text.partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key or not spec:
        raise ScenarioError(f"--vary {text!r}: write it as KEY=VALUES, e.g. grid.import_mw=500,800 or grid.import_mw=200:1000:5")
    match = RANGE.match(spec)
    if match:
        log, start, stop, count = match.groups()
        start_v, stop_v, n = _number(start, f"--vary {key} start"), _number(stop, f"--vary {key} stop"), int(count)
        if n < 2:
            raise ScenarioError(f"--vary {key}: a range needs at least 2 values, got {n}")
        if log and (start_v <= 0 or stop_v <= 0):
            raise ScenarioError(f"--vary {key}: a log range needs positive ends")
        values = np.geomspace(start_v, stop_v, n) if log else np.linspace(start_v, stop_v, n)
        return Axis(key, tuple(float(v) for v in values))
    return Axis(key, tuple(_value(v.strip()) for v in spec.split(",") if v.strip()))


def parse_sample(text: str) -> Sampled:
    """``KEY=uniform(2,8)``, ``triangular(low,mode,high)``, ``normal(mean,sd)`` or ``lognormal(mean,sd)``."""
    key, sep, spec = text.partition("=")
    match = DISTRIBUTION.match(spec.strip().replace(" ", ""))
    if not sep or not key.strip() or not match or match.group(1) not in DISTRIBUTIONS:
        raise ScenarioError(f"--sample {text!r}: write it as KEY=DIST(params) with DIST one of {', '.join(DISTRIBUTIONS)}, e.g. costs.gas=uniform(2,8)")
    name = match.group(1)
    parameters = tuple(_number(p, f"--sample {key.strip()}") for p in match.group(2).split(",") if p)
    if len(parameters) != DISTRIBUTIONS[name]:
        raise ScenarioError(f"--sample {key.strip()}: {name} takes {DISTRIBUTIONS[name]} parameters, got {len(parameters)}")
    if name == "uniform" and not parameters[0] < parameters[1] or name == "triangular" and not parameters[0] <= parameters[1] <= parameters[2] \
            or name in ("normal", "lognormal") and parameters[1] <= 0 or name == "lognormal" and parameters[0] <= 0:
        raise ScenarioError(f"--sample {key.strip()}: {name}{parameters} is not a valid distribution; check its parameters' order and signs")
    return Sampled(key.strip(), name, parameters)


def points(design: str, axes: list[Axis], sampled: list[Sampled] | None = None, draws: int = 0, seed: int = 0) -> list[dict[str, Any]]:
    """The overrides of every point of a design (see the module docstring); the base is ``{}``."""
    if design not in DESIGNS:
        raise ScenarioError(f"design '{design}': choose one of {', '.join(DESIGNS)}")
    if design == "sample":
        if not sampled or draws < 1:
            raise ScenarioError("design sample: give at least one --sample KEY=DIST and --draws N (N >= 1)")
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(sampled), seed=seed).random(draws)
        columns = [s.quantile(u[:, k]) for k, s in enumerate(sampled)]
        out = [{s.key: float(col[i]) for s, col in zip(sampled, columns)} for i in range(draws)]
        for axis in axes:  # varied inputs cross the sample
            out = [{**p, axis.key: v} for p in out for v in axis.values]
        return out
    if not axes:
        raise ScenarioError(f"design {design}: give at least one --vary KEY=VALUES")
    if design == "oat":
        return [{}] + [{axis.key: v} for axis in axes for v in axis.values]
    count = math.prod(len(a.values) for a in axes)
    if count > MAX_POINTS:
        raise ScenarioError(f"design grid: {count:,} points is more than {MAX_POINTS:,}; vary fewer values or sample")
    return [dict(zip([a.key for a in axes], combo)) for combo in itertools.product(*(a.values for a in axes))]


WEATHER_YEAR = "weather_year"  # the sweep table's column for a weather-year axis
SERIES_COLUMNS = {"utility_pv": ("site.solar_csv", "solar"), "onshore_wind": ("site.wind_csv", "wind")}


def parse_years(text: str) -> tuple[int, ...]:
    """``2010-2020`` or ``2012,2015,2019``: the weather years asked for."""
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            return tuple(range(first, last + 1))
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ScenarioError(f"--weather-years {text!r}: give a range such as 2010-2020 or a list such as 2012,2019") from None


def weather_series(era5: Path | str, years: tuple[int, ...], scenario: dict[str, Any], folder: Path) -> dict[int, dict[str, str]]:
    """For each weather year of an ERA5 capacity-factor file (:func:`gigawatt.weather_years.read_era5_cf`),
    its solar and wind series put on the plan's local hourly index, written as CSVs in ``folder``: the
    overrides that make a point of that year (``site.solar_csv``, ``site.wind_csv``)."""
    import pandas as pd

    from gigawatt.profiles import hourly_index
    from gigawatt.weather_years import align_to_index, read_era5_cf, standard_offset_hours

    site = scenario.get("site") or {}
    if "latitude" not in site or "longitude" not in site:
        raise ScenarioError("--weather-years: weather years change a plan's solar and wind; give a plan scenario with a site")
    table = read_era5_cf(era5)
    missing = [y for y in years if y not in table]
    if missing:
        raise ScenarioError(f"--weather-years: {missing[0]} is not in {era5} (it has {min(table)}-{max(table)})")
    index = hourly_index(int(site.get("year", 2025)))
    offset = standard_offset_hours(float(site["longitude"]))
    out: dict[int, dict[str, str]] = {}
    for year in years:
        out[year] = {}
        for tech, (key, column) in SERIES_COLUMNS.items():
            path = folder / f"era5-{year}-{column}.csv"
            aligned = align_to_index(table[year][tech], index, offset)
            pd.DataFrame({"timestamp": index, column: aligned.to_numpy()}).to_csv(path, index=False)
            out[year][key] = str(path)
    return out


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
            settings.update((weather or {})[point[WEATHER_YEAR]])
        try:
            out.append(api.load_inputs(kind, data, settings).model_dump(mode="json", exclude_none=True))
        except GigawattError as exc:
            raise ScenarioError(f"point {number} ({describe(point)}): {str(exc).splitlines()[0]}") from None
    return out


def _warm(kind: str, store: str | None) -> None:
    """In each worker, once: import what a point of ``kind`` needs and open the store."""
    import gigawatt.api  # noqa: F401
    from gigawatt.store import open_store

    if kind == "plan":
        import highspy  # noqa: F401

        import gigawatt.power.plan  # noqa: F401
        import gigawatt.power.solve  # noqa: F401
        import gigawatt.profiles  # noqa: F401
    kept = open_store(store)
    if kept is not None:
        kept.list(limit=1)


def _run_point(kind: str, inputs: dict[str, Any], store: str | None, solver_threads: int) -> dict[str, Any]:
    """In a worker: run one point through the API (the store returns an identical earlier run); its id,
    seconds and figures (as ``gigawatt runs show`` lists them), or its one-line reason. A plan's solver
    gets ``solver_threads`` so that the workers do not oversubscribe the cores."""
    from gigawatt import api
    from gigawatt.results import figures

    if kind == "plan" and solver_threads:
        inputs = {**inputs, "solver": {**inputs.get("solver", {}), "threads": solver_threads}}
    try:
        result = api.run(kind, inputs, store=store)
    except GigawattError as exc:
        return {"status": "failed", "error": str(exc).splitlines()[0]}
    except Exception as exc:  # noqa: BLE001 - a crash of one point is recorded, the sweep goes on
        return {"status": "failed", "error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    return {"status": "done", "run_id": result.run.id, "seconds": result.run.seconds, **figures(kind, result.data)}


@dataclass
class SweepResult:
    """A sweep's points: their overrides, status, run id and headline figures (one row a point)."""

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    varied: list[str] = field(default_factory=list)
    startup_s: float = 0.0  # starting the cluster and warming its workers
    points_s: float = 0.0  # running the points

    def table(self):
        """The sweep table as a pandas DataFrame (one row a point)."""
        import pandas as pd

        return pd.DataFrame(self.rows)


def run_sweep(kind: str, chosen: list[dict[str, Any]], inputs: list[dict[str, Any]], *, store: str | None, workers: int | None = None,
              scheduler: str | None = None, memory_limit: str | None = None,
              progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Run validated points on Dask: a LocalCluster of ``workers`` single-threaded process workers (default:
    the cores), or the cluster at ``scheduler``. Each point's inputs (a small dict) travel to its worker,
    which builds and solves its model there."""
    import os

    from dask.distributed import Client, LocalCluster, as_completed

    started = time.perf_counter()
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        cluster = LocalCluster(n_workers=workers or cores, threads_per_worker=1, processes=True, memory_limit=memory_limit or "auto",
                               dashboard_address=None)
        client = Client(cluster)
    result = SweepResult(kind=kind, varied=list(dict.fromkeys(k for p in chosen for k in p)))
    try:
        client.run(_warm, kind, store)  # every worker imports the model and opens the store once, before the points
        result.startup_s = time.perf_counter() - started
        started = time.perf_counter()
        futures = {client.submit(_run_point, kind, point_inputs, store, 1, pure=False): number
                   for number, point_inputs in enumerate(inputs)}
        outcome: dict[int, dict[str, Any]] = {}
        for done, future in enumerate(as_completed(futures), start=1):
            outcome[futures[future]] = future.result()
            if progress:
                progress(done, len(futures))
        result.points_s = time.perf_counter() - started
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    result.rows = [{"point": n + 1, **chosen[n], **outcome[n]} for n in range(len(chosen))]
    return result


def ranking(result: SweepResult, figure: str) -> list[dict[str, Any]]:
    """Which inputs matter: the Spearman rank correlation of each numeric varied input with ``figure`` over
    the points that ran, largest in size first."""
    from scipy.stats import spearmanr

    rows = [r for r in result.rows if r.get("status") == "done" and isinstance(r.get(figure), int | float)]
    out = []
    for key in (k for k in result.varied if k != WEATHER_YEAR):  # a year's number says nothing of its weather
        pairs = [(r[key], r[figure]) for r in rows if isinstance(r.get(key), int | float) and not isinstance(r.get(key), bool)]
        if len(pairs) < 3 or len({x for x, _ in pairs}) < 2:
            continue
        rho = spearmanr([x for x, _ in pairs], [y for _, y in pairs]).statistic
        out.append({"input": key, "spearman": float(rho) if np.isfinite(rho) else 0.0, "points": len(pairs)})
    return sorted(out, key=lambda r: -abs(r["spearman"]))


def tornado(result: SweepResult, figure: str) -> list[dict[str, Any]]:
    """The swing of ``figure`` per varied input in a one-at-a-time sweep: its value at the base, at each
    input's lowest and highest setting, sorted by the swing (largest first)."""
    rows = [r for r in result.rows if r.get("status") == "done"]
    base = next((r for r in rows if not any(k in r for k in result.varied)), None)
    if base is None or figure not in base:
        raise ScenarioError(f"tornado of '{figure}': needs a one-at-a-time sweep whose base point ran and has that figure")
    out = []
    for key in result.varied:
        along = sorted((r for r in rows if key in r and r.get(figure) is not None), key=lambda r: r[key])
        if not along:
            continue
        low, high = along[0], along[-1]
        out.append({"input": key, "low_setting": low[key], "high_setting": high[key], "base": base[figure],
                    "at_low": low[figure], "at_high": high[figure], "swing": abs(high[figure] - low[figure])})
    return sorted(out, key=lambda r: -r["swing"])
