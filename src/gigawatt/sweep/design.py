"""A sweep's design, pure: its definition (the YAML ``sweep:`` block or the CLI's flags), the values varied or
sampled (``--vary``, ``--sample``) and the points of each design (grid, one at a time, Latin hypercube, Saltelli's
Sobol' design)."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gigawatt.core.errors import ScenarioError

DESIGNS = ("grid", "oat", "sample", "sobol")


DISTRIBUTIONS = {"uniform": 2, "triangular": 3, "normal": 2, "lognormal": 2}  # and their parameter counts


MAX_POINTS = 100_000  # a sweep larger than this is a typo, not a plan (every design, and --draws, is held to it)


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
