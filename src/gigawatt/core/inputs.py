"""What every job's scenario model is built on, and how scenario files are read: the strict, frozen base model
(``_Strict``, ``_Job`` with ``accept_implausible``), the types several jobs share (``Costs``, ``Solver``, ``Label``,
months), YAML reading with line numbers, dotted overrides, and one-line errors. Each job's own models live in its
package's ``scenario.py`` (``power.scenario.Scenario``, ``build_out.scenario.BuildoutScenario``, ...).

A scenario says what to plan. Every field carries its unit in its name or description, and a default; a
default of ``None`` means "take the figure from the bundled catalog" (``gigawatt catalog assumptions``),
so the output can say where each number came from. Mistakes raise :class:`ScenarioError` with the dotted
key, the line in the file and the fix, e.g.::

    scenario.yaml line 3: unknown key 'cluster.cout'; did you mean 'count'?
"""

from __future__ import annotations

import copy
import difflib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from gigawatt.core.errors import ScenarioError
from gigawatt.core.input_files import located
from gigawatt.core.units import ECHO_CHARS, shorten

PATH_ECHO_CHARS = 300  # a file name echoed in an error: longer ones, or ones holding a line break, are shortened to one line
MESSAGE_CHARS = 300  # and the reason a validator gives (which may quote a long list) to this many
MAX_SCENARIO_BYTES = 1_000_000  # 1 MB: the largest example is ~3 kB and a programme of 1,000 candidates ~200 kB;
# a larger file is a mistake (a data file given as the scenario) and would take minutes to validate
MAX_YAML_NODES = 200_000  # values in a scenario counted with anchors expanded: aliases can multiply a small file


def _number_types(annotation: Any) -> set[type]:
    """The scalar types an annotation accepts (``float | None`` -> {float, NoneType})."""
    args = getattr(annotation, "__args__", None)
    if args is None or getattr(annotation, "__origin__", None) is Literal:
        return {annotation} if isinstance(annotation, type) else set()
    if getattr(annotation, "__origin__", None) in (list, tuple, dict):
        return set()
    return {t for a in args for t in _number_types(a)}


def _yes_no_in_number(annotation: Any, value: Any) -> bool:
    """Whether ``value`` puts a YAML yes/no (a bool) where ``annotation`` expects a number."""
    origin = getattr(annotation, "__origin__", None)
    args = getattr(annotation, "__args__", ()) or ()
    if isinstance(value, bool):
        types = _number_types(annotation)
        return bool(types & {int, float}) and bool not in types
    if origin in (list, tuple) and isinstance(value, list | tuple):
        inner = [a for a in args if a is not Ellipsis]
        return any(isinstance(v, bool) and any(_yes_no_in_number(a, v) for a in inner) for v in value)
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        return any(_yes_no_in_number(args[1], v) for v in value.values())
    if args and origin is not Literal and not isinstance(value, dict):  # a union: look into its list or dict members
        return any(_yes_no_in_number(a, value) for a in args if getattr(a, "__origin__", None) in (list, tuple, dict))
    return False


class _Strict(BaseModel):
    """Base of every scenario model: unknown keys are refused, instances are immutable, numbers are finite
    (no ``.nan`` or ``.inf``) and a yes/no is never read as a number (``count: true`` is not 1)."""

    # defer_build: a model's validator is built when first used, so a run pays only for the models it reads
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False, defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_no_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and _yes_no_in_number(field.annotation, value):
            raise ValueError("a yes/no value is not a number; give a number")
        return value



class Costs(_Strict):
    """Prices and financial figures; each ``None`` takes the catalog default (with its source)."""

    electricity_price_usd_per_mwh: float | None = Field(default=None, ge=0, le=2000, description="Price of electricity at the meter, USD/MWh; default: catalog grid_import energy price")
    accelerator_price_usd: float | None = Field(default=None, gt=0, le=1e8, description="Price of one catalog unit, USD; default: the accelerator's unit_price_usd")
    discount_rate: float | None = Field(default=None, ge=0, le=0.5, description="Discount rate for annualising capital, per year; default: catalog discount_rate")
    it_lifetime_years: float | None = Field(default=None, ge=1, le=30, description="Economic life of IT hardware, years (at least 1: capital is annualised over whole years); default: catalog it_lifetime_years")
    facility_lifetime_years: float | None = Field(default=None, ge=1, le=60, description="Economic life of the facility, years (at least 1: capital is annualised over whole years); default: catalog facility_lifetime_years")
    building_electrical_usd_per_mw_it: float | None = Field(default=None, ge=0, le=1e8, description="Building and electrical cost per MW of IT, USD/MW; default: catalog")
    liquid_cooling_premium_share: float | None = Field(default=None, ge=0, le=1, description="Liquid-cooling cost as a share of building cost, ratio; default: catalog")
    maintenance_and_staff_usd_per_mw_it_year: float | None = Field(default=None, ge=0, le=1e7, description="Non-energy operating cost per MW of IT and year, USD/MW-yr; default: catalog")


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"  # YYYY-MM
# The months of a programme (siting, build-out, security) and of a plan (start, phases, grid.available,
# constraints.online_by) lie in this century: the catalog's accelerators
# ship from 2017 and its prices, carbon and connection waits are 2020s figures, while its national
# projections and pvlib's solar-position data (behind every candidate's plan) end in 2100. A month outside
# is a typo (1900 for 2026, 9999), which would otherwise run, or overflow the calendar past year 9999.
FIRST_MONTH, LAST_MONTH = "2000-01", "2100-12"


def _this_century(month: str) -> str:
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise ValueError(f"{month} is outside {FIRST_MONTH}..{LAST_MONTH} (the catalog's accelerators, prices and projections are "
                         "of this century); check the year")
    return month


ProgrammeMonth = Annotated[str, AfterValidator(_this_century)]


def _one_line(text: str) -> str:
    """A label is printed in tables and quoted in one-line errors: no line breaks or other control characters."""
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValueError("a label holds a line break or another control character; write it on one line")
    return text


Label = Annotated[str, AfterValidator(_one_line)]  # a name printed in tables and quoted in errors


def _floor(least: float, unit: str, reason: str) -> AfterValidator:
    """A field's meaningful smallest value, refused with its reason (the schema's bound only says "above 0")."""

    def check(value: float | None) -> float | None:
        if value is not None and value < least:
            raise ValueError(f"{value:g} is below {least:g}{unit}: {reason}")
        return value

    return AfterValidator(check)
# Longest lists a scenario may give: far above any real use, low enough that a mistake cannot run for hours
MAX_ITEMS = 100  # technologies, price periods, supply routes, roadmap generations, limits (the catalog has ~20 technologies)
MAX_POINTS = 1_000  # target points (monthly over the 15-year maximum is 180)
MAX_CANDIDATES = 1_000  # siting candidates, regions and systems: each candidate is a plan to solve (seconds each)
MIN_BLOCK_MW = 1.0  # a siting block: the catalog's largest rack-scale unit (GB300 NVL72) draws ~0.19 MW at the meter
MAX_FILES = 1_000  # demand files of a headroom study (EIA-930 ships two a year per release)
MAX_DRAWS = 100_000  # Monte Carlo draws: each keeps 783 weekly float32 values (15 years), 313 MB at the cap; 1e6 would be 3 GB


class _Job(_Strict):
    """Base of a job's whole scenario: what every kind of scenario shares."""

    accept_implausible: list[str] = Field(
        default_factory=list, max_length=MAX_ITEMS,
        description="Fields whose plausibility checks you waive (e.g. grid.price_usd_per_mwh): a value outside what any market, grid or "
        "campus has shown is refused naming its field, unless the field is listed here; the result then says it was accepted",
    )


class Solver(_Strict):
    """Which solver runs the optimisation and its settings (any solver linopy supports, where installed)."""

    name: str = Field(default="highs", min_length=1, description="Solver name as linopy knows it: highs (default, bundled), gurobi, cplex, xpress, cbc, glpk, ...")
    threads: int | None = Field(default=None, ge=1, le=1024, description="Solver threads, a count; default: the solver's own choice")
    time_limit_s: float | None = Field(default=None, gt=0, le=1e6, description="Stop the solver after this long, seconds; default: no limit")
    mip_gap: float | None = Field(default=None, ge=0, le=1, description="Relative optimality gap at which a mixed-integer solve stops, ratio; default: the solver's")
    method: Literal["simplex", "dual-devex", "ipm", "race"] = Field(
        default="simplex",
        description="How HiGHS solves a site plan: simplex (its default dual simplex), dual-devex (dual simplex with devex "
        "pricing), ipm (interior point with crossover), or race (simplex and dual-devex at once on two threads, the first "
        "optimum kept); other solvers use their own defaults",
    )


def _type_name(annotation: Any) -> str:
    """A readable type: ``float | None``, ``air | liquid``, ``Training``."""
    args = getattr(annotation, "__args__", None)
    origin = getattr(annotation, "__origin__", None)
    if origin is Literal:
        return " | ".join(str(a) for a in args)
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_type_name(a) for a in args)}]"
    if args:
        return " | ".join(_type_name(a) for a in args)
    return "None" if annotation is type(None) else getattr(annotation, "__name__", str(annotation))


def describe_fields(model: type[BaseModel], prefix: str = "") -> list[dict[str, str]]:
    """Every scenario key as ``{key, type, default, description}``, generated from the models."""
    rows: list[dict[str, str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = field.annotation
        nested = [m for m in _nested_models(annotation) if not getattr(m, "one_row", False)]  # a number or a distribution: one row
        if field.is_required():
            default = "required"
        elif field.default_factory is not None or field.default is None:
            default = "-"
        else:
            default = str(field.default)
        rows.append({"key": key, "type": _type_name(annotation), "default": default, "description": field.description or ""})
        if nested:
            origin = getattr(annotation, "__origin__", None)  # e.g. supply.limits.<technology>.max_mw, roadmap[].accelerator
            rows.extend(describe_fields(nested[0], f"{key}.<id>." if origin is dict else f"{key}[]." if origin is list else f"{key}."))
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


def _model_at(path: tuple[str | int, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    """The model under ``root`` that holds the last key of ``path`` (for "did you mean")."""
    model: type[BaseModel] = root
    for key in path[:-1]:
        if isinstance(key, int):  # an item of a list: stay on the list's item model
            continue
        field = model.model_fields.get(str(key))
        if field is None:
            return None
        candidates = _nested_models(field.annotation)
        if not candidates:
            return None
        model = candidates[0]
    return model


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    """The models inside an annotation such as ``Rate | None`` or ``list[TargetPoint]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in getattr(annotation, "__args__", ()) for m in _nested_models(a)]


def _override_path(item: str) -> tuple[str, ...]:
    """The key path an override ``dotted.key=value`` sets (``candidates[0].x`` as ``candidates.0.x``)."""
    key = re.sub(r"\[(\d+)\]", r".\1", item.partition("=")[0].strip())
    return tuple(key.split("."))


def _blamed_override(loc: tuple[Any, ...], overrides: list[str]) -> str | None:
    """The last override whose key is ``loc`` or a section holding it: what set the value an error is about."""
    where = tuple(str(part) for part in loc)
    found = [item for item in overrides if where[: len(_override_path(item))] == _override_path(item)]
    return found[-1] if found else None


def _explain(error: ValidationError, lines: dict[tuple[str, ...], int], origin: str, root: type[BaseModel],
             overrides: list[str] | None = None) -> ScenarioError:
    """Turn pydantic's first error into one line naming the key, its line and the fix (user values shortened).
    An error in a value an override set (``set=``, ``--set``) names that override, not the file's line."""
    first = error.errors()[0]
    loc = tuple(first["loc"])
    key = " ".join((".".join(str(p) for p in loc) or "(top level)").split())
    key = key if len(key) <= ECHO_CHARS else key[: ECHO_CHARS - 1] + "…"
    line = None
    for depth in range(len(loc), 0, -1):
        line = lines.get(tuple(str(p) for p in loc[:depth]))
        if line is not None:
            break
    where = f"{origin} line {line}" if line else origin
    blamed = _blamed_override(loc, overrides or []) if loc else None
    if blamed is not None:
        where = f"set {shorten(blamed)}"
    if first["type"] == "extra_forbidden":
        model = _model_at(loc, root)
        known = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1])[:200], known, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys here: {', '.join(known)}"
        message = f"{where}: unknown key '{key}'; {hint}"
    elif first["type"] == "missing":
        message = f"{where}: '{key}' is required; add it to the scenario"
    else:
        reason = " ".join(first["msg"].removeprefix("Value error, ").split())
        if first["type"] == "string_pattern_mismatch" and first.get("ctx", {}).get("pattern") == MONTH_PATTERN:
            reason = "not a month; write YYYY-MM, e.g. 2027-06"
        reason = reason if len(reason) <= MESSAGE_CHARS else reason[: MESSAGE_CHARS - 1] + "…"
        value = first.get("input")
        shown = "" if isinstance(value, dict) or value is None else f" (got {shorten(value)})"
        message = f"{where}: '{key}': {reason}{shown}" if loc else f"{where}: {reason}{shown}"  # a rule across keys
    return ScenarioError(" ".join(message.splitlines()))


def parse_scenario(
    data: Any, *, origin: str = "scenario", lines: dict[tuple[str, ...], int] | None = None, model: type[BaseModel],
    overrides: list[str] | None = None,
) -> Any:
    """Validate a mapping (as read from YAML) into ``model`` (a job's scenario model), or raise :class:`ScenarioError`.
    ``overrides``: the ``dotted.key=value`` items applied to ``data``; an error in a value one of them set names it."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        keys = ", ".join(f"{k}:" for k in list(model.model_fields)[:3])
        raise ScenarioError(f"{origin}: a scenario must be a mapping of keys ({keys} ...), got {kind}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, lines or {}, origin, model, overrides) from None


def _parse_override(item: str) -> tuple[list[str], Any]:
    key, sep, raw = item.partition("=")
    key = re.sub(r"\[(\d+)\]", r".\1", key.strip())  # candidates[0].max_mw, as `gigawatt runs diff` writes keys, is candidates.0.max_mw
    if not sep or not key or any(not part for part in key.split(".")):
        raise ScenarioError(f"override {shorten(item)}: write it as dotted.key=value, e.g. cluster.count=200000")
    try:
        value = yaml.load(raw, Loader=_Loader) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:  # as in read_yaml_text
        raise ScenarioError(f"override {shorten(item)}: a value YAML cannot read ({_first_line(exc)}); quote it as text or fix it") from None
    return key.split("."), value


def _item(node: list[Any], part: str, path: list[str], depth: int, item: str) -> int:
    """The index ``part`` names in the list ``node`` (at ``path[:depth]``), or a :class:`ScenarioError`."""
    where = shorten(".".join(path[:depth]))
    if not part.isdecimal():
        example = ".".join([*path[:depth], "0", *path[depth + 1:]])
        raise ScenarioError(f"override {shorten(item)}: {where} is a list; name an item by its index, e.g. {shorten(example)}")
    index = int(part)
    if index >= len(node):
        held = f"indexes 0 to {len(node) - 1}" if len(node) > 1 else "index 0" if node else "the list is empty"
        raise ScenarioError(f"override {shorten(item)}: {where} has {len(node)} item{'' if len(node) == 1 else 's'} ({held}), so no item {index}; "
                            "give an index in range, or set the whole list")
    return index


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Return a copy of ``data`` with ``dotted.key=value`` overrides set (values parsed as YAML scalars).

    A list's item is named by its index: ``candidates.0.limit_mw=2000`` (or ``candidates[0].limit_mw``) sets
    a field of the first candidate, ``technologies.1=gas_cc`` replaces the second technology. Setting one way
    of sizing (``cluster.count``, ``cluster.power_mw``, ``cluster.training``) drops the others, so the
    override ``cluster.count=200000`` works on a scenario sized by power.
    """
    out = copy.deepcopy(data)
    for item in overrides:
        path, value = _parse_override(item)
        node: Any = out
        for depth, part in enumerate(path[:-1]):
            if isinstance(node, list):
                child = node[_item(node, part, path, depth, item)]
            else:
                child = node.get(part)
                if child is None:
                    child = node[part] = {}
            if not isinstance(child, dict | list):
                raise ScenarioError(f"override {shorten(item)}: {shorten(part)} is not a section, so it has no key {shorten(path[-1])}")
            node = child
        if isinstance(node, list):
            node[_item(node, path[-1], path, len(path) - 1, item)] = value
            continue
        if path[:1] == ["cluster"] and len(path) == 2 and path[1] in _SIZING_KEYS:
            for other in _SIZING_KEYS - {path[1]}:
                node.pop(other, None)
        node[path[-1]] = value
    return out


_SIZING_KEYS = {"count", "power_mw", "training"}


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A key given twice in one mapping (YAML would keep the last silently)."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses a key given twice in one mapping (merge keys ``<<`` may still be overridden)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base constructor reports it
                continue
            if first is not None:
                raise _DuplicateKey(None, None, f"key {shorten(key)} is given twice (first on line {first}); keep one of them",
                                    key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


class _Recursive(Exception):
    """An anchor used inside itself (``a: &a {x: *a}``): the tree would be infinite."""


def _expanded_size(node: yaml.Node | None) -> int:
    """How many values a YAML tree holds with its aliases expanded (a shared node counts once per use).

    Raises :class:`_Recursive` for an anchor used inside itself."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def count(n: yaml.Node) -> int:
        if id(n) in open_nodes:
            raise _Recursive
        if id(n) not in sizes:
            open_nodes.add(id(n))
            if isinstance(n, yaml.MappingNode):
                total = 1 + sum(count(k) + count(v) for k, v in n.value)
            elif isinstance(n, yaml.SequenceNode):
                total = 1 + sum(count(v) for v in n.value)
            else:
                total = 1
            open_nodes.discard(id(n))
            sizes[id(n)] = min(total, MAX_YAML_NODES + 1)
        return sizes[id(n)]

    return 0 if node is None else count(node)


def read_yaml(path: Path | str) -> tuple[Any, dict[tuple[str, ...], int]]:
    """Read a YAML file; return its data and the line of every key. Raises :class:`ScenarioError`. A file
    it names by a relative path not in the current folder is given where it is found (:func:`located`).

    Refused: files over :data:`MAX_SCENARIO_BYTES`, keys given twice in one mapping, and trees of more than
    :data:`MAX_YAML_NODES` values once anchors are expanded.
    """
    path = Path(path)
    named = str(path)
    shown = named if len(named) <= PATH_ECHO_CHARS and not any(c in named for c in "\r\n") else shorten(named, PATH_ECHO_CHARS)
    try:
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(f"{shown}: {size:,} bytes is more than a scenario's {MAX_SCENARIO_BYTES:,}; "
                                "give the scenario file (hourly data goes in CSV files it names)")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{shown}: no such file; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{shown}: cannot be read ({exc.__class__.__name__}); give a UTF-8 YAML file") from None
    data, lines = read_yaml_text(text, str(path))
    return located(data, path), lines  # relative file names: from here, else beside the file (core.input_files)


def read_yaml_text(text: str, origin: str = "scenario") -> tuple[Any, dict[tuple[str, ...], int]]:
    """Read YAML text (``origin`` names it in errors); return its data and the line of every key, with the
    limits of :func:`read_yaml`. Raises :class:`ScenarioError`."""
    path = origin
    if len(text.encode("utf-8", errors="replace")) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{origin}: more than a scenario's {MAX_SCENARIO_BYTES:,} bytes; hourly data goes in CSV files it names")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):  # a lone surrogate: not text any file can hold
        raise ScenarioError(f"{origin}: holds a character that is not valid Unicode (a lone surrogate); remove it")
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # an unprintable character, found as the reader starts
        raise ScenarioError(f"{path}: not valid YAML ({' '.join(str(getattr(exc, 'problem', None) or exc).split())[:MESSAGE_CHARS]}); "
                            "remove control characters") from None
    try:
        root = loader.get_single_node()
        try:
            if _expanded_size(root) > MAX_YAML_NODES:
                raise ScenarioError(f"{path}: more than {MAX_YAML_NODES:,} values once its anchors (&, *) are expanded; "
                                    "write a smaller scenario")
        except _Recursive:
            raise ScenarioError(f"{path}: an anchor (&) is used inside itself, so the scenario never ends; "
                                "refer to it only from outside") from None
        data = loader.construct_document(root) if root is not None else None
    except _DuplicateKey as exc:
        mark = exc.problem_mark
        raise ScenarioError(f"{path} line {mark.line + 1}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = " ".join(str(getattr(exc, "problem", None) or "invalid syntax").split())[:MESSAGE_CHARS]
        raise ScenarioError(f"{path}{where}: not valid YAML ({problem}); fix the syntax there") from None
    except RecursionError:
        raise ScenarioError(f"{path}: nested too deeply to read; write a flatter scenario") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # a tagged or dated value YAML's own constructors cannot make (2026-02-30, !!int abc, !!set [1])
        raise ScenarioError(f"{path}: a value YAML cannot read ({_first_line(exc)}); quote it as text or fix it") from None
    finally:
        loader.dispose()
    return data, _line_map(text)


def _first_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return (text or type(exc).__name__)[:MESSAGE_CHARS]


def load_scenario(path: Path | str, overrides: list[str] | None = None, *, model: type[BaseModel]) -> Any:
    """Load and validate a YAML scenario file into ``model``, applying ``dotted.key=value`` overrides first."""
    data, lines = read_yaml(path)
    if overrides:
        if not isinstance(data, dict):
            data = {}
        data = apply_overrides(data, overrides)
    return parse_scenario(data, origin=str(path), lines=lines, model=model, overrides=overrides)
