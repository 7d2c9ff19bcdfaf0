"""One result shape for every job: what was run, on what, by which version, and what came out.

A :class:`Result` wraps what a model returned (``output``: a ``ClusterSizing``, ``PowerPlan``,
``Buildout``, ``Headroom`` or ``SitingResult``) with the facts that make it reproducible and comparable:

- ``kind`` (size, plan, buildout, headroom, site) and ``inputs``, the validated scenario model
  (:meth:`Result.inputs_yaml` writes it back as YAML that reproduces the run);
- ``run``: the content-hash id, creation time, gigawatt version, catalog hash, solver facts and seconds;
- ``messages``: what the user should know (catalog defaults used, synthetic series, a constraint that bound);
- ``data``: the model's figures as JSON-safe values (no NaN, no numpy types) — what ``--json`` prints under
  ``result``, what tables and the run store read;
- :meth:`Result.to_frames`: named pandas tables (capacity, dispatch, periods, candidates...).

A result read back from the run store has the same ``data``, ``messages`` and frames (read lazily from
Parquet), but no ``output`` object: every renderer reads ``data`` and frames only, so a stored run prints
exactly as the run that made it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

SCHEMA_VERSION = 1  # of the JSON form; raise it when a field changes meaning or is removed

# every kind's spec (:class:`~gigawatt.core.spec.JobSpec`) by name, as the registry lists them: what a result reads
# for its notebook display and a stored plan's network (the registry hands them down: this layer imports no job)
KINDS: dict[str, Any] = {}


def know_kinds(specs: dict[str, Any]) -> None:
    """Take the registry's specs (:data:`gigawatt.registry.STORED`): called once by the registry as it loads."""
    KINDS.update(specs)


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON types: NaN and infinities become None, numpy scalars Python numbers, tuples
    lists, dataclasses and pydantic models dicts, tables lists of records, timestamps ISO text."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json_safe({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    if hasattr(value, "model_dump"):
        return json_safe(value.model_dump(mode="json"))
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # a DataFrame
        return json_safe(value.to_dict(orient="records"))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # a numpy scalar
        return json_safe(value.item())
    if hasattr(value, "tolist"):  # a numpy array
        return json_safe(value.tolist())
    return str(value)


@dataclass
class RunInfo:
    """How a run was made: its id (content hash of its inputs), when, by which version, on which catalog,
    with which solver, in how many seconds; ``stored`` says whether it came back from the run store."""

    id: str
    created: str
    gigawatt_version: str
    catalog_hash: str
    seconds: float
    solver: dict[str, Any] | None = None  # name, version, status, condition, seconds (where a solver ran)
    stored: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "stored"}


@dataclass
class Result:
    """A run's result (see the module doc): ``kind``, ``inputs``, ``run`` facts, ``messages``, ``data``,
    :meth:`to_frames`, :meth:`to_dict`. Figures in ``data`` read as attributes too: ``plan.lcoe_usd_per_mwh``."""

    kind: str
    inputs: BaseModel
    data: dict[str, Any]
    run: RunInfo
    messages: list[str] = field(default_factory=list)
    output: Any = field(default=None, repr=False)  # the model's own result object (fresh runs only)
    frames_loader: Callable[[], dict[str, pd.DataFrame]] | None = field(default=None, repr=False)
    _frames: dict[str, pd.DataFrame] | None = field(default=None, repr=False)

    def __getattr__(self, name: str) -> Any:
        data = self.__dict__.get("data") or {}
        if name in data:
            return data[name]
        raise AttributeError(f"{type(self).__name__} of kind {self.__dict__.get('kind')!r} has no attribute {name!r}")

    @property
    def name(self) -> str:
        """The scenario's label."""
        return str(getattr(self.inputs, "name", self.kind))

    @property
    def network(self) -> Any:
        """The plan as a solved PyPSA network: a fresh plan's from its LP, a stored plan's rebuilt from its inputs and
        results (not solved again). A kind with no network, or a stored run whose network cannot be rebuilt, raises
        a ScenarioError saying why and how to get one."""
        from gigawatt.core.errors import ScenarioError

        job = KINDS.get(self.kind)
        rebuild = getattr(job, "network", None)
        if rebuild is None:
            having = ", ".join(kind for kind, spec in KINDS.items() if getattr(spec, "network", None) is not None) or "plan"
            raise ScenarioError(f"result.network: a {self.kind} result has no PyPSA network (results that have one: {having})")
        if self.output is not None:
            network = getattr(self.output, "network", None)
            if network is None:
                raise ScenarioError(f"result.network: run {self.run.id[:12]} was solved in closed form, not as an LP, so it has no network")
            return network
        return rebuild(self)

    def _spec(self) -> Any:
        return KINDS.get(self.kind)

    def __repr__(self) -> str:
        from gigawatt.core.notebook import text

        job = self._spec()
        try:
            figures = job.headline_figures(self.data) if job is not None else {}
        except (KeyError, TypeError, ValueError):  # a repr never fails: data of an unexpected shape shows no figures
            figures = {}
        return text(self.kind, self.name, self.run.id, self.run.stored, figures, len(self.messages))

    def _repr_html_(self) -> str:
        """Jupyter's rich display: the figures a decision rests on, the messages and the kind's chart (inline SVG)."""
        from gigawatt.core.notebook import chart, page

        job = self._spec()
        figures = job.decision_figures(self.data) if job is not None else {}
        notes = job.decision_notes(self.data) if job is not None and job.decision_notes is not None else {}
        draw = getattr(job, "plot", None)
        drawn = chart(lambda path: draw(self, path)) if draw is not None else ""
        facts = f"gigawatt {self.run.gigawatt_version}, {self.run.created}"
        return page(self.kind, self.name, self.run.id, self.run.stored, facts, figures, notes, self.messages, drawn)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Named pandas tables of the result (read from the store's Parquet on first use for a stored run)."""
        if self._frames is None:
            if self.output is not None:
                self._frames = dict(self.output.to_frames())
            elif self.frames_loader is not None:
                self._frames = self.frames_loader()
            else:
                self._frames = {}
        return self._frames

    def to_dict(self) -> dict[str, Any]:
        """The stable, JSON-safe form (``--json``; schema: ``gigawatt schema --output KIND``)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "name": self.name,
            "run": self.run.to_dict(),
            "messages": list(self.messages),
            "inputs": inputs_dict(self.inputs),
            "result": self.data,
        }

    def inputs_yaml(self) -> str:
        """The validated inputs as YAML: run it again with ``gigawatt KIND FILE`` to reproduce this run."""
        import yaml

        return yaml.safe_dump(inputs_dict(self.inputs), sort_keys=False, allow_unicode=True)


def inputs_dict(inputs: BaseModel) -> dict[str, Any]:
    """The inputs as plain data, every field explicit (defaults included), so the file stands alone."""
    return inputs.model_dump(mode="json")


# --- the figures that compare runs ------------------------------------------------------------------
