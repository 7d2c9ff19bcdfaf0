"""Scenario files: strict, frozen pydantic models of every input, loaded from YAML.

A scenario says what to plan. Every field carries its unit in its name or description, and a default; a
default of ``None`` means "take the figure from the bundled catalog" (``gigawatt catalog assumptions``),
so the output can say where each number came from. Mistakes raise :class:`ScenarioError` with the dotted
key, the line in the file and the fix, e.g.::

    scenario.yaml line 3: unknown key 'cluster.cout'; did you mean 'count'?
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gigawatt.errors import ScenarioError


class _Strict(BaseModel):
    """Base of every scenario model: unknown keys are refused, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)



class Training(_Strict):
    """Size the cluster to finish a training run of a given compute in a given time."""

    flop: float = Field(gt=0, le=1e35, description="Training compute target, FLOP (e.g. 4e25)")
    days: float = Field(gt=0, le=3650, description="Wall-clock duration of the run, days")


class Cluster(_Strict):
    """The accelerators and how many: give exactly one of ``count``, ``power_mw`` or ``training``."""

    accelerator: str = Field(min_length=1, description="Accelerator or system name from the catalog (case-insensitive, aliases allowed)")
    count: int | None = Field(default=None, gt=0, le=10**11, description="Number of catalog units (accelerators, or racks for rack rows)")
    power_mw: float | None = Field(default=None, gt=0, le=1e6, description="Power budget at the meter (facility peak), MW: how many units fit")
    training: Training | None = Field(default=None, description="Training target: how many units to finish it in time")
    cooling: Literal["air", "liquid"] | None = Field(default=None, description="Cooling type; default: the accelerator's usual cooling in the catalog")
    pue: float | None = Field(default=None, ge=1.0, le=3.0, description="Power usage effectiveness (facility/IT), ratio; default: catalog pue_air or pue_liquid by cooling")
    average_to_tdp_ratio: float | None = Field(default=None, gt=0, le=1, description="Average/peak draw of accelerators and hosts, ratio; default: catalog average_to_tdp_ratio")
    model_flop_utilisation: float | None = Field(default=None, gt=0, le=1, description="Useful FLOP/s over peak dense FLOP/s while running, ratio; default: catalog model_flop_utilisation")
    utilisation: float | None = Field(default=None, gt=0, le=1, description="Share of installed accelerator-hours doing useful work, ratio; default: catalog utilisation")
    precision: Literal["bf16", "fp8"] = Field(default="bf16", description="Number format whose dense peak FLOP/s is used for delivered compute")

    @model_validator(mode="after")
    def _one_way_of_sizing(self) -> Cluster:
        given = [name for name in ("count", "power_mw", "training") if getattr(self, name) is not None]
        if len(given) != 1:
            found = " and ".join(given) if given else "none of them"
            raise ValueError(f"give exactly one of count, power_mw or training (found {found})")
        return self


class Costs(_Strict):
    """Prices and financial figures; each ``None`` takes the catalog default (with its source)."""

    electricity_price_usd_per_mwh: float | None = Field(default=None, ge=0, le=2000, description="Price of electricity at the meter, USD/MWh; default: catalog grid_import energy price")
    accelerator_price_usd: float | None = Field(default=None, gt=0, le=1e8, description="Price of one catalog unit, USD; default: the accelerator's unit_price_usd")
    discount_rate: float | None = Field(default=None, ge=0, le=0.5, description="Discount rate for annualising capital, per year; default: catalog discount_rate")
    it_lifetime_years: float | None = Field(default=None, gt=0, le=30, description="Economic life of IT hardware, years; default: catalog it_lifetime_years")
    facility_lifetime_years: float | None = Field(default=None, gt=0, le=60, description="Economic life of the facility, years; default: catalog facility_lifetime_years")
    building_electrical_usd_per_mw_it: float | None = Field(default=None, ge=0, le=1e8, description="Building and electrical cost per MW of IT, USD/MW; default: catalog")
    liquid_cooling_premium_share: float | None = Field(default=None, ge=0, le=1, description="Liquid-cooling cost as a share of building cost, ratio; default: catalog")
    maintenance_and_staff_usd_per_mw_it_year: float | None = Field(default=None, ge=0, le=1e7, description="Non-energy operating cost per MW of IT and year, USD/MW-yr; default: catalog")


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"  # YYYY-MM


class Site(_Strict):
    """Where the campus is, and the weather and load series to plan on."""

    latitude: float = Field(ge=-90, le=90, description="Latitude, degrees north (-90..90)")
    longitude: float = Field(ge=-180, le=180, description="Longitude, degrees east (-180..180)")
    year: int = Field(default=2025, ge=1980, le=2100, description="Calendar year of the hourly series (8760 or 8784 hours)")
    tracking: Literal["single_axis", "fixed"] = Field(default="single_axis", description="PV mounting: single-axis tracker or fixed tilt at the latitude")
    mean_clearness: float = Field(default=0.6, gt=0, lt=1, description="Mean daylight clearness index of the synthetic sky, ratio (e.g. 0.7 desert, 0.5 cloudy)")
    land_km2: float | None = Field(default=None, gt=0, le=1e5, description="Land available for on-site supply, km2 (catalog land use per kW); default: unlimited")
    wind_mean_cf: float = Field(default=0.35, gt=0, lt=1, description="Mean capacity factor of the synthetic wind series, ratio")
    workload: Literal["training", "inference", "mixed"] = Field(default="training", description="Shape of the hourly load")
    seed: int = Field(default=0, ge=0, description="Seed of the synthetic series (same seed, same series)")
    load_csv: str | None = Field(default=None, description="Hourly facility load, MW (timestamp,value CSV); replaces the synthetic load")
    pue_csv: str | None = Field(default=None, description="Hourly PUE, ratio 1..3 (CSV, e.g. from a cooling model driven by outdoor temperature); scales the synthetic IT load hour by hour instead of the annual PUE")
    irradiance_csv: str | None = Field(default=None, description="Hourly measured sky: ghi, optional dni, dhi in W/m2 and temp_air in degrees C (CSV: NSRDB, PVGIS, renewables.ninja); replaces the synthetic sky")
    solar_csv: str | None = Field(default=None, description="Hourly PV output per MW AC, ratio 0..1 (CSV); replaces the pvlib series")
    wind_csv: str | None = Field(default=None, description="Hourly wind output per MW, ratio 0..1 (CSV); replaces the synthetic series")


class TimeOfUse(_Strict):
    """One time-of-use period of the grid price; the first period covering an hour sets its price."""

    price_usd_per_mwh: float = Field(ge=0, le=20_000, description="Energy price in the period, USD/MWh")
    months: list[int] = Field(default_factory=list, description="Calendar months it applies (1..12), list of month numbers; empty: every month")
    hours: tuple[int, int] | None = Field(default=None, description="Local hours [start, end) of the day, 0..24 hours; start > end wraps past midnight; default: all day")
    weekdays_only: bool = Field(default=False, description="Monday to Friday only")

    @model_validator(mode="after")
    def _valid(self) -> TimeOfUse:
        if any(not 1 <= m <= 12 for m in self.months):
            raise ValueError(f"months {self.months}: give months 1..12")
        if self.hours is not None:
            start, end = self.hours
            if not (0 <= start <= 24 and 0 <= end <= 24) or start == end:
                raise ValueError(f"hours {list(self.hours)}: give [start, end) with 0 <= hours <= 24 and start != end")
        return self


class Grid(_Strict):
    """The utility connection."""

    import_mw: float | None = Field(default=None, ge=0, le=1e6, description="Import limit, MW; 0 = off-grid; default: no limit")
    price_usd_per_mwh: float | None = Field(default=None, ge=0, le=2000, description="Energy price, USD/MWh; default: catalog grid_import")
    price_csv: str | None = Field(default=None, description="Hourly energy price, USD/MWh (CSV); replaces price_usd_per_mwh")
    time_of_use: list[TimeOfUse] = Field(default_factory=list, description="Time-of-use prices, USD/MWh, over price_usd_per_mwh in the hours they cover")
    co2_csv: str | None = Field(default=None, description="Hourly carbon intensity of imports, tCO2/MWh (CSV); replaces co2_t_per_mwh")
    demand_charge_usd_per_kw_month: float = Field(default=0.0, ge=0, le=200, description="Charge on the year's peak import, USD/kW-month")
    co2_t_per_mwh: float | None = Field(default=None, ge=0, le=2, description="Carbon intensity of imports, tCO2/MWh; default: catalog grid_import")
    available: str | None = Field(default=None, pattern=MONTH_PATTERN, description="Month the connection is energised, YYYY-MM; default: start + catalog lead time")

    @model_validator(mode="after")
    def _one_price_series(self) -> Grid:
        if self.price_csv and self.time_of_use:
            raise ValueError("give price_csv or time_of_use, not both")
        return self


class OptionLimits(_Strict):
    """Bounds and cost overrides for one supply option."""

    min_mw: float | None = Field(default=None, ge=0, le=1e6, description="Build at least this much, MW")
    max_mw: float | None = Field(default=None, ge=0, le=1e6, description="Build at most this much, MW")
    capex_usd_per_kw: float | None = Field(default=None, ge=0, le=50_000, description="Overnight capital cost, USD/kW; default: catalog")
    capex_usd_per_kwh: float | None = Field(default=None, ge=0, le=5_000, description="Storage energy capital cost, USD/kWh; default: catalog")
    fuel_price_usd_per_mmbtu: float | None = Field(default=None, ge=0, le=100, description="Fuel price, USD/MMBtu; default: catalog")
    max_hours_per_year: float | None = Field(default=None, ge=0, le=8784, description="Run at most this many full-load hours a year, hours")
    lifetime_years: float | None = Field(default=None, gt=0, le=80, description="Capital recovery period, years (e.g. a 20-year contract); default: catalog lifetime")


class Supply(_Strict):
    """Which on-site options the optimiser may build, with their limits."""

    technologies: list[str] = Field(
        default_factory=lambda: ["utility_pv", "onshore_wind", "battery_li_ion", "gas_cc", "gas_ct_aero", "gas_recip"],
        description="Catalog technology ids the plan may build (see `gigawatt catalog technologies`); grid import is set under grid",
    )
    limits: dict[str, OptionLimits] = Field(default_factory=dict, description="Per technology id: min_mw, max_mw and cost overrides")


class Constraints(_Strict):
    """Reliability and carbon requirements."""

    co2_cap_t_per_year: float | None = Field(default=None, ge=0, description="Annual CO2 cap, tCO2/yr")
    carbon_free_share: float | None = Field(default=None, ge=0, le=1, description="Minimum annual carbon-free share of load, ratio")
    carbon_free_share_hourly: float | None = Field(default=None, ge=0, le=1, description="Minimum 24/7 carbon-free share, clean energy matched hour by hour to the load, ratio")
    capex_budget_usd: float | None = Field(default=None, gt=0, description="Most overnight capital to spend on supply, USD")
    reserve_margin: float | None = Field(default=None, ge=0, le=2, description="Firm capacity (fuelled, contracts, grid, derated by forced outages) above peak load, ratio (e.g. 0.25)")
    flexible_share: float | None = Field(default=None, ge=0, le=1, description="Share of the cluster's annual energy it may give up by power capping or pausing, ratio; default: none (serve all load)")
    value_of_compute_usd_per_accelerator_hour: float | None = Field(default=None, ge=0, le=1000, description="Value of one full-speed accelerator-hour lost to capping or pausing, USD; default: the cluster's cost per accelerator-hour other than electricity")
    power_capping: bool = Field(default=True, description="With flexible_share: cap accelerator power along the catalog's measured curve before pausing")
    value_of_lost_load_usd_per_mwh: float = Field(default=10_000.0, gt=0, le=1e6, description="Penalty on unserved load when a plan cannot serve every hour, used to say where and by how much, USD/MWh")


class Scenario(_Strict):
    """Everything a plan needs: the cluster, its costs, and for `gigawatt plan` the site and supply."""

    name: str = Field(default="scenario", description="A label for reports")
    description: str | None = Field(default=None, description="Free text for people")
    start: str = Field(default="2026-01", pattern=MONTH_PATTERN, description="Month the project starts (orders placed), YYYY-MM")
    cluster: Cluster = Field(description="The accelerators and how to size them")
    costs: Costs = Field(default_factory=Costs, description="Prices and financial figures (defaults from the catalog)")
    site: Site | None = Field(default=None, description="Location and hourly series; required by `gigawatt plan`")
    grid: Grid = Field(default_factory=Grid, description="The utility connection")
    supply: Supply = Field(default_factory=Supply, description="On-site supply options the plan may build")
    constraints: Constraints = Field(default_factory=Constraints, description="Reliability and carbon requirements")


def _type_name(annotation: Any) -> str:
    """A readable type: ``float | None``, ``air | liquid``, ``Training``."""
    args = getattr(annotation, "__args__", None)
    if getattr(annotation, "__origin__", None) is Literal:
        return " | ".join(str(a) for a in args)
    if args:
        return " | ".join(_type_name(a) for a in args)
    return "None" if annotation is type(None) else getattr(annotation, "__name__", str(annotation))


def describe_fields(model: type[BaseModel] = Scenario, prefix: str = "") -> list[dict[str, str]]:
    """Every scenario key as ``{key, type, default, description}``, generated from the models."""
    rows: list[dict[str, str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = field.annotation
        nested = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        if field.is_required():
            default = "required"
        elif field.default_factory is not None or field.default is None:
            default = "-"
        else:
            default = str(field.default)
        rows.append({"key": key, "type": _type_name(annotation), "default": default, "description": field.description or ""})
        if nested:
            keyed = getattr(annotation, "__origin__", None) is dict  # e.g. supply.limits.<technology>.max_mw
            rows.extend(describe_fields(nested[0], f"{key}.<id>." if keyed else f"{key}."))
    return rows


# --- loading ----------------------------------------------------------------------------------------


def _line_map(text: str) -> dict[tuple[str, ...], int]:
    """Map each key path in a YAML mapping tree to its 1-based line number."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, str(key.value))
                lines[sub] = key.start_mark.line + 1
                walk(value, sub)

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


def _model_at(path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The scenario model that holds the last key of ``path`` (for "did you mean")."""
    model: type[BaseModel] = Scenario
    for key in path[:-1]:
        field = model.model_fields.get(str(key))
        if field is None:
            return None
        inner = field.annotation
        candidates = [a for a in getattr(inner, "__args__", (inner,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not candidates:
            return None
        model = candidates[0]
    return model


def _explain(error: ValidationError, lines: dict[tuple[str, ...], int], origin: str) -> ScenarioError:
    """Turn pydantic's first error into one line naming the key, its line and the fix."""
    first = error.errors()[0]
    loc = tuple(first["loc"])
    key = ".".join(str(p) for p in loc) or "(top level)"
    line = None
    for depth in range(len(loc), 0, -1):
        line = lines.get(tuple(str(p) for p in loc[:depth]))
        if line is not None:
            break
    where = f"{origin} line {line}" if line else origin
    if first["type"] == "extra_forbidden":
        model = _model_at(loc)
        known = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys here: {', '.join(known)}"
        return ScenarioError(f"{where}: unknown key '{key}'; {hint}")
    if first["type"] == "missing":
        return ScenarioError(f"{where}: '{key}' is required; add it to the scenario")
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    shown = "" if isinstance(value, dict) or value is None else f" (got {value!r})"
    return ScenarioError(f"{where}: '{key}': {message}{shown}")


def parse_scenario(data: Any, *, origin: str = "scenario", lines: dict[tuple[str, ...], int] | None = None) -> Scenario:
    """Validate a mapping (as read from YAML) into a :class:`Scenario`, or raise :class:`ScenarioError`."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError(f"{origin}: a scenario must be a mapping of keys (cluster:, costs:, ...), got {kind}")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, lines or {}, origin) from None


def _parse_override(item: str) -> tuple[list[str], Any]:
    key, sep, raw = item.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ScenarioError(f"--set '{item}': write it as dotted.key=value, e.g. --set cluster.count=200000")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    return key.split("."), value


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Return a copy of ``data`` with ``dotted.key=value`` overrides set (values parsed as YAML scalars).

    Setting one way of sizing (``cluster.count``, ``cluster.power_mw``, ``cluster.training``) drops the
    others, so ``--set cluster.count=200000`` works on a scenario sized by power.
    """
    out = copy.deepcopy(data)
    for item in overrides:
        path, value = _parse_override(item)
        node = out
        for part in path[:-1]:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                raise ScenarioError(f"--set '{item}': '{part}' is not a section, so it has no key '{path[-1]}'")
            node = child
        if path[:1] == ["cluster"] and len(path) == 2 and path[1] in _SIZING_KEYS:
            for other in _SIZING_KEYS - {path[1]}:
                node.pop(other, None)
        node[path[-1]] = value
    return out


_SIZING_KEYS = {"count", "power_mw", "training"}


def read_yaml(path: Path | str) -> tuple[Any, dict[tuple[str, ...], int]]:
    """Read a YAML file; return its data and the line of every key. Raises :class:`ScenarioError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.__class__.__name__}); give a UTF-8 YAML file") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid syntax"
        raise ScenarioError(f"{path}{where}: not valid YAML ({problem}); fix the syntax there") from None
    return data, _line_map(text)


def load_scenario(path: Path | str, overrides: list[str] | None = None) -> Scenario:
    """Load and validate a YAML scenario file, applying ``dotted.key=value`` overrides first."""
    data, lines = read_yaml(path)
    if overrides:
        if not isinstance(data, dict):
            data = {}
        data = apply_overrides(data, overrides)
    return parse_scenario(data, origin=str(path), lines=lines)
