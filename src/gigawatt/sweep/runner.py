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

import itertools
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gigawatt import catalog
from gigawatt.sweep.scenario import SweepInputs
from gigawatt.core.errors import GigawattError, ScenarioError

DESIGNS = ("grid", "oat", "sample", "sobol")
DISTRIBUTIONS = {"uniform": 2, "triangular": 3, "normal": 2, "lognormal": 2}  # and their parameter counts
MAX_POINTS = 100_000  # a sweep larger than this is a typo, not a plan (every design, and --draws, is held to it)
MAX_WORKERS_PER_CORE = 4  # local workers are single-threaded processes: more than this a core only queues for the cores
MIN_WORKER_MEMORY = 512 * 2**20  # a worker imports numpy, scipy, pandas and the solver (about 200 MiB) before its first point
SCHEDULER_TIMEOUT_S = 10  # connecting to --scheduler: a scheduler that has not answered by then is not there
WORKERS_TIMEOUT_S = 120  # a --scheduler with no worker after this long would leave the sweep waiting for ever
RANGE = re.compile(r"^(log:)?([^:,]+):([^:,]+)(?::([^:,]+))?$")  # start:stop[:n], never a base-60 number
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
    weather_years: str | None = Field(default=None, description="Plans: one point per weather year, e.g. 2010-2020, from era5")
    era5: str | None = Field(default=None, description="Hourly ERA5 solar and wind capacity factors for weather_years (relative to this file)")

    @field_validator("vary", mode="before")
    @classmethod
    def _values_or_range(cls, value: Any) -> Any:
        """A varied input's values are a list or range text; a lone number is refused, for YAML reads an
        unquoted ``1:30`` as the base-60 number 90 (and ``1:2`` as 62)."""
        if isinstance(value, dict):
            for key, values in value.items():
                if isinstance(values, int | float) and not isinstance(values, bool):
                    raise ValueError(f"{echo(key)}: {values!r} is one number, not values to vary; give a list ([1000, 2000]) or a quoted "
                                     f"range (\"1000:2000:3\"): YAML reads an unquoted 1:30 as the base-60 number 90")
                if isinstance(values, list) and not values:
                    raise ValueError(f"{echo(key)}: no values; give a list ([1000, 2000]) or a range (\"1000:2000:3\")")
        return value

    @model_validator(mode="after")
    def _varied_or_sampled(self) -> SweepDefinition:
        both = sorted(set(self.vary) & set(self.sample))
        if both:
            raise ValueError(f"{echo(both[0])} is both varied and sampled; keep one of vary and sample for it")
        return self

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
        where = ".".join(["sweep", *(str(part) for part in first["loc"])])
        message = " ".join(first["msg"].removeprefix("Value error, ").split())
        raise ScenarioError(f"{echo(origin, 300)}: {echo(where)}: {message}") from None


ECHO_CHARS = 100  # user text echoed in a message is cut to this many characters


def shorten_quoted(value: Any, limit: int = ECHO_CHARS) -> str:
    """User text quoted for a one-line message (``'abc'``), escaped and cut as :func:`gigawatt.core.units.shorten` does."""
    from gigawatt.core.units import shorten

    return shorten(str(value), limit)


def echo(value: Any, limit: int = ECHO_CHARS) -> str:
    """User text for a one-line message: as written where it is printable and short, else quoted with its
    line breaks and control characters escaped, and cut to ``limit`` characters."""
    from gigawatt.core.units import shorten

    text = str(value)
    return text if text.isprintable() and len(text) <= limit else shorten(text, limit)


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"{what}: {shorten_quoted(text)} is not a number") from None
    if not math.isfinite(value):
        raise ScenarioError(f"{what}: {shorten_quoted(text)} is not a finite number")
    return value


def _value(text: str) -> Any:
    """A value as YAML would read it (numbers, dates as text, true/false), except that text with a colon
    stays text: YAML 1.1 would read ``1:30`` as the base-60 number 90."""
    import yaml

    if ":" in text:
        return text
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, int | float | bool | str) else text


def _repeated(items: Any) -> Any:
    """The first item given a second time, or None."""
    seen: set[Any] = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None


def _too_many(count: int, what: str, fix: str = "vary fewer values or sample") -> ScenarioError:
    return ScenarioError(f"{what}: {count:,} points is more than a sweep's {MAX_POINTS:,}; {fix}")


def parse_vary(text: str) -> Axis:
    """``KEY=a,b,c`` (values), ``KEY=start:stop:n`` (n evenly spaced), ``KEY=log:start:stop:n`` (n log-spaced)
    or ``KEY=a:b`` (every integer from a to b). Text with a colon is a range or an error, never a base-60
    number."""
    key, sep, spec = text.partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key or not spec:
        raise ScenarioError(f"--vary {shorten_quoted(text)}: write it as KEY=VALUES, e.g. grid.import_mw=500,800 or grid.import_mw=200:1000:5")
    match = RANGE.match(spec)
    if match:
        return Axis(key, _range(key, spec, *match.groups()))
    if ":" in spec and "," not in spec:
        raise ScenarioError(f"--vary {echo(f'{key}={spec}')}: a range is start:stop:n, log:start:stop:n or (integers) start:stop, "
                            "e.g. 200:1000:5; give values as a,b,c")
    values = tuple(_value(v.strip()) for v in spec.split(",") if v.strip())
    if not values:
        raise ScenarioError(f"--vary {echo(f'{key}={spec}')}: no values; give them as a,b,c (e.g. {echo(key)}=500,800) or a range start:stop:n")
    return Axis(key, values)


def _range(key: str, spec: str, log: str | None, start: str, stop: str, count: str | None) -> tuple[Any, ...]:
    """The values of ``start:stop:n`` (floats, or integers where the ends and the step are whole) or of
    ``start:stop`` (every integer between whole ends, either way)."""
    start_v, stop_v = _number(start, f"--vary {echo(key)} start"), _number(stop, f"--vary {echo(key)} stop")
    whole = start_v.is_integer() and stop_v.is_integer() and not log
    if count is None:
        if not whole:
            raise ScenarioError(f"--vary {echo(f'{key}={spec}')}: a range start:stop lists the integers between whole ends; "
                                f"give the number of values too, e.g. {echo(key)}={'log:' if log else ''}{echo(start, 30)}:{echo(stop, 30)}:5")
        n = int(abs(stop_v - start_v)) + 1
        if n > MAX_POINTS:
            raise _too_many(n, f"--vary {echo(f'{key}={spec}')}")
        step = 1 if stop_v >= start_v else -1
        return tuple(range(int(start_v), int(stop_v) + step, step))
    if not count.isdigit():
        raise ScenarioError(f"--vary {echo(f'{key}={spec}')}: the number of values {shorten_quoted(count)} is not a whole number, "
                            f"e.g. {echo(key)}={echo(start, 30)}:{echo(stop, 30)}:5")
    n = int(count)
    if n < 2:
        raise ScenarioError(f"--vary {echo(key)}: a range needs at least 2 values, got {n}")
    if n > MAX_POINTS:
        raise _too_many(n, f"--vary {echo(f'{key}={spec}')}")
    if log and (start_v <= 0 or stop_v <= 0):
        raise ScenarioError(f"--vary {echo(key)}: a log range needs positive ends")
    values = np.geomspace(start_v, stop_v, n) if log else np.linspace(start_v, stop_v, n)
    if whole and (stop_v - start_v) % (n - 1) == 0:  # whole ends and a whole step: integers
        return tuple(int(round(v)) for v in values)
    return tuple(float(v) for v in values)


def parse_sample(text: str) -> Sampled:
    """``KEY=uniform(2,8)``, ``triangular(low,mode,high)``, ``normal(mean,sd)`` or ``lognormal(mean,sd)``."""
    key, sep, spec = text.partition("=")
    match = DISTRIBUTION.match(spec.strip().replace(" ", ""))
    if not sep or not key.strip() or not match or match.group(1) not in DISTRIBUTIONS:
        raise ScenarioError(f"--sample {shorten_quoted(text)}: write it as KEY=DIST(params) with DIST one of {', '.join(DISTRIBUTIONS)}, e.g. costs.gas=uniform(2,8)")
    name, label = match.group(1), echo(key.strip())
    parameters = tuple(_number(p, f"--sample {label}") for p in match.group(2).split(",") if p)
    if len(parameters) != DISTRIBUTIONS[name]:
        raise ScenarioError(f"--sample {label}: {name} takes {DISTRIBUTIONS[name]} parameters, got {len(parameters)}")
    shown = f"{name}({', '.join(f'{p:g}' for p in parameters)})"
    if name == "uniform" and not parameters[0] < parameters[1]:
        raise ScenarioError(f"--sample {label}: {shown} is not a valid distribution; uniform(low, high) needs low below high")
    if name == "triangular" and not (parameters[0] <= parameters[1] <= parameters[2] and parameters[0] < parameters[2]):
        raise ScenarioError(f"--sample {label}: {shown} is not a valid distribution; triangular(low, mode, high) needs "
                            "low <= mode <= high and low below high (for one value, --set it)")
    if name in ("normal", "lognormal") and parameters[1] <= 0 or name == "lognormal" and parameters[0] <= 0:
        raise ScenarioError(f"--sample {label}: {shown} is not a valid distribution; {name}(mean, sd) needs "
                            f"{'a positive mean and ' if name == 'lognormal' else ''}a positive sd")
    sampled = Sampled(key.strip(), name, parameters)
    with np.errstate(all="ignore"):
        try:
            ends = sampled.quantile(np.array([1e-9, 0.5, 1 - 1e-9]))
        except (OverflowError, ZeroDivisionError, ValueError):
            ends = np.array([np.nan])
    if not np.isfinite(ends).all():
        raise ScenarioError(f"--sample {label}: {shown} gives values out of a float's range; check its parameters")
    return sampled


def count_points(design: str, axes: list[Axis], sampled: list[Sampled] | None = None, draws: int = 0) -> int:
    """How many points a design has, known before any is made (:func:`points` refuses more than
    :data:`MAX_POINTS`)."""
    crossed = math.prod(len(a.values) for a in axes)
    if design == "sample":
        return draws * crossed
    if design == "sobol":
        return draws * (len(sampled or []) + 2) * crossed
    if design == "oat":
        return 1 + sum(len(a.values) for a in axes)
    return crossed


def points(design: str, axes: list[Axis], sampled: list[Sampled] | None = None, draws: int = 0, seed: int = 0) -> list[dict[str, Any]]:
    """The overrides of every point of a design (see the module docstring); the base is ``{}``."""
    if design not in DESIGNS:
        raise ScenarioError(f"design {shorten_quoted(design)}: choose one of {', '.join(DESIGNS)}")
    empty = next((a.key for a in axes if not a.values), None)
    if empty is not None:
        raise ScenarioError(f"--vary {echo(empty)}: no values; give them as a,b,c or a range start:stop:n")
    keys = [a.key for a in axes] + [s.key for s in sampled or []]
    twice = _repeated(keys)
    if twice is not None:
        raise ScenarioError(f"{echo(twice)} is varied or sampled twice; give each input once")
    if draws > MAX_POINTS:
        raise ScenarioError(f"--draws {draws:,}: more than a sweep's {MAX_POINTS:,} points; draw fewer")
    if design in ("sample", "sobol"):
        if not sampled or draws < 1:
            raise ScenarioError(f"design {design}: give at least one --sample KEY=DIST and --draws N (N >= 1)")
        if design == "sobol" and axes:
            raise ScenarioError("design sobol: every input is sampled (--sample); a --vary list would break Saltelli's design")
        count = count_points(design, axes, sampled, draws)
        if count > MAX_POINTS:
            raise _too_many(count, f"design {design}" + (" (--draws x (inputs + 2))" if design == "sobol" else " (--draws x the varied values)" if axes else ""),
                            "draw fewer" + (" or vary fewer values" if axes else ""))
        if design == "sobol":
            u = sobol_unit_sample(len(sampled), draws, seed)
        else:
            from scipy.stats import qmc

            u = qmc.LatinHypercube(d=len(sampled), seed=seed).random(draws)
        columns = [s.quantile(u[:, k]) for k, s in enumerate(sampled)]
        out = [{s.key: float(col[i]) for s, col in zip(sampled, columns)} for i in range(len(u))]
        for axis in axes:  # varied inputs cross the sample
            out = [{**p, axis.key: v} for p in out for v in axis.values]
        return out
    if not axes:
        raise ScenarioError(f"design {design}: give at least one --vary KEY=VALUES")
    count = count_points(design, axes)
    if count > MAX_POINTS:
        raise _too_many(count, f"design {design}")
    if design == "oat":
        return [{}] + [{axis.key: v} for axis in axes for v in axis.values]
    return [dict(zip([a.key for a in axes], combo)) for combo in itertools.product(*(a.values for a in axes))]


def _problem(count: int) -> dict[str, Any]:
    """SALib's problem over the unit hypercube: each input is sampled there and mapped through its own
    distribution's quantiles, which leaves Sobol' indices unchanged (they are properties of the inputs'
    distributions, not of the scale they are drawn on)."""
    return {"num_vars": count, "names": [f"u{k}" for k in range(count)], "bounds": [[0.0, 1.0]] * count}


def sobol_unit_sample(count: int, draws: int, seed: int) -> np.ndarray:
    """Saltelli's sample for first-order and total Sobol' indices of ``count`` inputs: ``draws`` x
    (``count`` + 2) rows in the unit hypercube (SALib; ``draws`` must be a power of 2)."""
    if draws & (draws - 1):
        raise ScenarioError(f"design sobol: draws {draws} is not a power of 2 (e.g. {1 << max(draws.bit_length() - 1, 1)}); Sobol' sequences need one")
    try:
        from SALib.sample import sobol as saltelli
    except ImportError:
        raise ScenarioError('design sobol needs SALib; pip install "gigawatt[sweep]"') from None
    u = saltelli.sample(_problem(count), draws, calc_second_order=False, seed=seed)
    return np.clip(u, 1e-9, 1 - 1e-9)  # the ends of the unit interval are infinite for a normal input


def sobol_indices(result: SweepResult, keys: list[str], figure: str, seed: int = 0) -> list[dict[str, Any]]:
    """First-order and total Sobol' indices of ``figure`` for the sampled inputs ``keys`` (in the order they
    were sampled), with their 95% bootstrap half-widths; empty when a point failed (the design needs all)."""
    values = [r.get(figure) for r in result.rows]
    if not values or any(r.get("status") != "done" or not isinstance(v, int | float) for r, v in zip(result.rows, values)):
        return []
    from SALib.analyze import sobol as analyse

    found = analyse.analyze(_problem(len(keys)), np.asarray(values, dtype=float), calc_second_order=False, seed=seed)
    out = [{"input": key, "first_order": float(found["S1"][k]), "first_order_conf": float(found["S1_conf"][k]),
            "total": float(found["ST"][k]), "total_conf": float(found["ST_conf"][k])} for k, key in enumerate(keys)]
    return sorted(out, key=lambda r: -r["total"])


WEATHER_YEAR = "weather_year"  # the sweep table's column for a weather-year axis
TRAJECTORY = "trajectory"  # a build-out point's online GW by date, taken out of the table into the fan
FAN_STEP = 4  # a build-out's periods are weeks: the fan has one every four
FAN_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def series_columns() -> dict[str, tuple[str, str]]:
    """Each weather-driven technology that ERA5 files hold, with the scenario field its measured series goes in
    and the short name of its column (``solar`` for ``solar_cf``): from the catalog."""
    return {tech: (v.measured_field, v.weather_column.removesuffix("_cf"))
            for tech, v in catalog.variable_technologies().items() if v.weather_column}


def weather_series(era5: Path | str, years: tuple[int, ...], scenario: dict[str, Any], folder: Path) -> dict[int, dict[str, str]]:
    """For each weather year of an ERA5 capacity-factor file (:func:`gigawatt.power.weather_years.read_era5_cf`),
    its solar and wind series put on the plan's local hourly index, written as CSVs in ``folder``: the
    overrides that make a point of that year (``site.solar_csv``, ``site.wind_csv``)."""
    import pandas as pd

    from gigawatt.weather.synthetic import hourly_index
    from gigawatt.power.weather_years import align_to_index, read_era5_cf, standard_offset_hours

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
        for tech, (key, column) in series_columns().items():
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


def _warm(kind: str, store: str | None) -> None:
    """In each worker, once: import what a point of ``kind`` needs and open the store."""
    import gigawatt.api  # noqa: F401
    from gigawatt.store import open_store

    if kind == "plan":
        import highspy  # noqa: F401

        import gigawatt.power.plan  # noqa: F401
        import gigawatt.power.solve  # noqa: F401
        import gigawatt.weather  # noqa: F401
    kept = open_store(store)
    if kept is not None:
        kept.list(limit=1)


def _run_point(kind: str, inputs: dict[str, Any], store: str | None, solver_threads: int) -> dict[str, Any]:
    """In a worker: run one point through the API (the store returns an identical earlier run); its id,
    seconds and figures (as ``gigawatt runs show`` lists them), or its one-line reason. A plan's solver
    gets ``solver_threads`` so that the workers do not oversubscribe the cores."""
    from gigawatt import api
    from gigawatt.registry import figures

    if kind == "plan" and solver_threads:
        inputs = {**inputs, "solver": {**inputs.get("solver", {}), "threads": solver_threads}}
    try:
        result = api.run(kind, inputs, store=store)
    except GigawattError as exc:
        return {"status": "failed", "error": str(exc).splitlines()[0]}
    except Exception as exc:  # noqa: BLE001 - a crash of one point is recorded, the sweep goes on
        return {"status": "failed", "error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    row = {"status": "done", "run_id": result.run.id, "seconds": result.run.seconds, **figures(kind, result.data)}
    if kind == "buildout":  # its path, for the fan chart: capacity online every FAN_STEP-th period
        periods = result.data["periods"][::FAN_STEP] + result.data["periods"][-1:]
        row[TRAJECTORY] = [[p["date"], p["online_gw"]] for p in periods]
    return row


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


def run_sweep(kind: str, chosen: list[dict[str, Any]], inputs: list[dict[str, Any]], *, store: str | None, workers: int | None = None,
              scheduler: str | None = None, memory_limit: str | None = None,
              progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Run validated points on Dask: a LocalCluster of ``workers`` single-threaded process workers (default:
    the cores; never more than the points), or the cluster at ``scheduler``. Each point's inputs (a small
    dict) travel to its worker, which builds and solves its model there. A point whose worker dies is
    recorded as failed with the reason."""
    import dask.config

    check_cluster(workers, scheduler, memory_limit)
    # a local worker near its memory limit is not paused (its point would wait for ever) but restarted, and a point
    # whose workers all die fails; set for the cluster's whole life, for its nannies read it again at each restart
    with dask.config.set({"distributed.worker.memory.pause": False}):
        return _run_on_dask(kind, chosen, inputs, store=store, workers=workers, scheduler=scheduler, memory_limit=memory_limit,
                            progress=progress)


def _run_on_dask(kind: str, chosen: list[dict[str, Any]], inputs: list[dict[str, Any]], *, store: str | None, workers: int | None,
                 scheduler: str | None, memory_limit: str | None, progress: Callable[[int, int], None] | None) -> SweepResult:
    from dask.distributed import Client, LocalCluster, as_completed

    started = time.perf_counter()
    cluster = None
    if scheduler:
        client = connect(scheduler)
    else:
        # the scheduler's HTTP routes on a free local port: two sweeps at once do not fight over Dask's 8787 (a warning)
        cluster = LocalCluster(n_workers=max(1, min(workers or cores(), len(inputs))), threads_per_worker=1, processes=True,
                               memory_limit=memory_limit or "auto", dashboard_address=None,
                               scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
        client = Client(cluster)
    result = SweepResult(kind=kind, varied=list(dict.fromkeys(k for p in chosen for k in p)))
    try:
        where = f"the workers of --scheduler {echo(scheduler)}" if scheduler else "the local workers"
        if scheduler:
            try:
                client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
            except TimeoutError:
                raise ScenarioError(f"--scheduler {echo(scheduler)}: no worker joined it within {WORKERS_TIMEOUT_S} s; start workers "
                                    f"(dask worker {echo(scheduler)}) and run the sweep again") from None
        try:
            client.run(_warm, kind, store)  # every worker imports the model and opens the store once, before the points
        except GigawattError:
            raise
        except Exception as exc:  # noqa: BLE001 - a worker that cannot import gigawatt, open the store, or start at all
            reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:200]
            raise ScenarioError(f"{where} could not start: {reason}; they need gigawatt[sweep] installed, the store reachable "
                                f"and memory enough (--memory-limit, now {memory_limit or 'auto'})") from None
        result.startup_s = time.perf_counter() - started
        started = time.perf_counter()
        futures = {client.submit(_run_point, kind, point_inputs, store, 1, pure=False): number
                   for number, point_inputs in enumerate(inputs)}
        outcome: dict[int, dict[str, Any]] = {}
        for done, future in enumerate(as_completed(futures), start=1):
            try:
                outcome[futures[future]] = future.result()
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


def ranking(result: SweepResult, figure: str) -> list[dict[str, Any]]:
    """Which inputs matter: the Spearman rank correlation of each numeric varied input with ``figure`` over
    the points that ran, largest in size first."""
    from scipy.stats import spearmanr

    rows = [r for r in result.rows if r.get("status") == "done" and isinstance(r.get(figure), int | float)]
    out = []
    for key in (k for k in result.varied if k != WEATHER_YEAR):  # a year's number says nothing of its weather
        pairs = [(r[key], r[figure]) for r in rows if isinstance(r.get(key), int | float) and not isinstance(r.get(key), bool)]
        if len(pairs) < 3 or len({x for x, _ in pairs}) < 2 or len({y for _, y in pairs}) < 2:
            continue  # a constant input or figure has no rank correlation
        rho = spearmanr([x for x, _ in pairs], [y for _, y in pairs]).statistic
        out.append({"input": key, "spearman": float(rho) if np.isfinite(rho) else 0.0, "points": len(pairs)})
    return sorted(out, key=lambda r: -abs(r["spearman"]))


def tornado(result: SweepResult, figure: str, design: str = "oat") -> list[dict[str, Any]]:
    """The swing of ``figure`` per varied input, sorted by the swing (largest first). One at a time: its
    value at the base and at each input's lowest and highest setting. On a grid: its main effect, the
    mean over the other inputs' settings at the input's lowest and highest setting, about the mean of all."""
    rows = [r for r in result.rows if r.get("status") == "done" and isinstance(r.get(figure), int | float)]
    if design == "grid":
        if not rows:
            raise ScenarioError(f"tornado of {shorten_quoted(figure)}: no point of the grid ran with that figure")
        out = []
        for key in result.varied:
            settings = sorted({r[key] for r in rows}, key=lambda v: (isinstance(v, str), v))
            mean = {v: float(np.mean([r[figure] for r in rows if r[key] == v])) for v in (settings[0], settings[-1])}
            out.append({"input": key, "low_setting": settings[0], "high_setting": settings[-1], "base": float(np.mean([r[figure] for r in rows])),
                        "at_low": mean[settings[0]], "at_high": mean[settings[-1]], "swing": abs(mean[settings[-1]] - mean[settings[0]])})
        return sorted(out, key=lambda r: -r["swing"])
    base = next((r for r in rows if not any(k in r for k in result.varied)), None)
    if base is None or figure not in base:
        raise ScenarioError(f"tornado of {shorten_quoted(figure)}: needs a one-at-a-time sweep whose base point ran and has that figure")
    out = []
    for key in result.varied:
        along = sorted((r for r in rows if key in r and r.get(figure) is not None), key=lambda r: r[key])
        if not along:
            continue
        low, high = along[0], along[-1]
        out.append({"input": key, "low_setting": low[key], "high_setting": high[key], "base": base[figure],
                    "at_low": low[figure], "at_high": high[figure], "swing": abs(high[figure] - low[figure])})
    return sorted(out, key=lambda r: -r["swing"])


def fan(result: SweepResult) -> list[dict[str, Any]]:
    """A build-out sweep's fan: by date, the P10, P25, P50, P75 and P90 over its points of the capacity
    online (GW), from each point's path (taken out of the rows)."""
    paths = [r.pop(TRAJECTORY) for r in result.rows if TRAJECTORY in r]
    if not paths:
        return []
    dates = [d for d, _ in paths[0]]
    matrix = np.array([[gw for _, gw in path] for path in paths if len(path) == len(dates)], dtype=float)
    levels = np.quantile(matrix, FAN_QUANTILES, axis=0)
    return [{"date": d, **{f"p{round(q * 100)}_online_gw": float(levels[k, i]) for k, q in enumerate(FAN_QUANTILES)}}
            for i, d in enumerate(dates)]


class SweepOutput:
    """What :func:`sweep` computed, as ``data`` and tables (``points``, and ``fan`` for build-outs)."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data

    def to_frames(self) -> dict[str, Any]:
        return sweep_frames(self.data)


def sweep_frames(data: dict[str, Any]) -> dict[str, Any]:
    """The sweep's tables: ``points`` (one row a point) and, for build-outs, ``fan``. A column holding
    values of several types (a varied input given as text and numbers) is kept as text."""
    import pandas as pd

    points_frame = pd.DataFrame(data["points"])
    for column in points_frame.columns[points_frame.dtypes == object]:
        kinds = {type(v) for v in points_frame[column] if v is not None and v == v}
        if len(kinds) > 1:
            points_frame[column] = points_frame[column].map(lambda v: None if v is None or v != v else str(v))
    frames = {"points": points_frame}
    if data.get("fan"):
        frames["fan"] = pd.DataFrame(data["fan"])
    return frames


def check_figure(kind: str, figure: str | None) -> None:
    """Refuse, before anything runs, a figure that no point of ``kind`` can have, listing those it can."""
    from gigawatt.registry import JOBS

    if not figure or kind not in JOBS:
        return
    job = JOBS[kind]
    if figure in job.figure_labels or any(re.match(pattern, figure) for _, pattern in job.figure_patterns):
        return
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


def summarise(inputs: SweepInputs, result: SweepResult) -> tuple[dict[str, Any], list[str]]:
    """The sweep's ``data`` (its rows and what its design supports: ranking, tornado, Sobol' indices, fan,
    the figure's quantiles) and the messages a user should read."""
    figure, messages = inputs.figure, []
    paths = fan(result) if inputs.kind == "buildout" else []
    done = [r for r in result.rows if r.get("status") == "done"]
    values = np.array([r[figure] for r in done if isinstance(r.get(figure), int | float) and not isinstance(r.get(figure), bool)], dtype=float)
    if done and not len(values):
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
        "job": inputs.kind, "design": inputs.design, "figure": figure, "varied": result.varied,
        "distribution": {"min": float(values.min()), **{f"p{round(q * 100)}": float(np.quantile(values, q)) for q in (0.1, 0.5, 0.9)},
                         "max": float(values.max()), "mean": float(values.mean())} if len(values) else None,
        "ranking": ranking(result, figure) if inputs.design != "oat" else [],
        "tornado": swing, "sobol": sobol, "fan": paths,
        "startup_s": result.startup_s, "points_s": result.points_s, "points": result.rows,
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
    check_figure(kind, definition.figure)
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
    return _run(kind, base, chosen, overrides, weather, design=design, figure=definition.figure, sampled=[s.key for s in sampled],
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
    figure = figure or record.figure
    check_figure(record.kind, figure)
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
    done = run_sweep(kind, chosen, inputs, store=kept.url if kept else None, workers=workers, scheduler=scheduler,
                     memory_limit=memory_limit, progress=progress)
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
