"""What a kind of job is to every face: the spec each job package declares (its ``job.py`` ``SPEC``) and the
registry (:mod:`gigawatt.registry`) collects, and the settings a run carries apart from its inputs.

The CLI, the web workbench, sweeps, the run store, reports and the JSON Schemas read a job only through its
spec, so adding a job is writing one package and listing its spec in the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.core.progress import Stage

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console

    from gigawatt.core.results import Result

Progress = Callable[[int, int], None]


@dataclass
class RunSettings:
    """How a run is carried out, apart from what it computes (never part of its id): a progress callback
    ``(done, total)`` for jobs that advance in steps, ``stage(what, done, total)`` for jobs that say which stage
    they are in and how far (:mod:`gigawatt.core.progress`), the solver's log on stderr, and where every LP solved
    is written (``save_lp``: ``STEM.ROLE.lp`` beside it; ``lp_files`` lists those written, in order). ``map(function,
    pieces) -> results`` maps a function over independent pieces of work, e.g. on a Dask cluster (the reliability
    draws); None: in this process. Never part of the run's id."""

    progress: Progress | None = None
    stage: Stage | None = None
    show_solver_log: bool = False
    save_lp: Path | None = None
    lp_files: list[Path] = field(default_factory=list)
    map: Callable[[Callable[[Any], Any], list[Any]], list[Any]] | None = None


@dataclass(frozen=True)
class JobSpec:
    """One kind of job, as every face sees it.

    - ``kind``: its name on the CLI (``gigawatt KIND``), in the API (``gigawatt.KIND()``), the store and the web;
    - ``summary``: one line, what it answers;
    - ``inputs``: its validated scenario model; ``mark``: a top-level key only its scenarios have, or keys they
      have together (to tell a file of another kind); ``accepts``: other kinds whose scenarios it also takes (a plan sizes its cluster);
    - ``run(model, settings) -> (output, messages, solver facts)``: the model's output has ``to_dict()`` and
      ``to_frames()``; ``None`` for a kind that is only stored (a sweep, run by its own face);
    - ``check(model)``: what the scenario names, resolved as a run would (catalog names, files), before any run;
    - ``figures(data) -> {label with unit: value}``: what tells two runs apart (``runs diff``, ``runs list``,
      sweeps' ``--figure``); ``figure_labels`` every fixed label it can give and ``figure_patterns`` (shown,
      regular expression) those named by the scenario (a technology, a limit), so a sweep refuses a mistyped
      figure before it runs; ``headline``: the labels a run list shows (``*`` at the end matches a prefix);
    - ``table(result, console)``, ``plot(result, path)`` (``--plot``), ``charts(result)`` (the workbench's
      Plotly specifications by name): renderers of the JSON form and frames only, so a stored run shows as a
      fresh one;
    - ``result_schema() -> (schema of "result", definitions)``: the JSON Schema of its output's result part;
    - ``from_plan(model, plan data, settings) -> output``: for a job that reads a solved plan, its output from a stored plan.
    """

    kind: str
    summary: str
    inputs: type[BaseModel]
    figures: Callable[[dict[str, Any]], dict[str, Any]]
    headline: tuple[str, ...]
    table: Callable[[Result, Console], None]
    result_schema: Callable[[], tuple[dict[str, Any], dict[str, Any]]]
    figure_labels: tuple[str, ...] = ()
    figure_patterns: tuple[tuple[str, str], ...] = ()
    run: Callable[[Any, RunSettings], tuple[Any, list[str], dict[str, Any] | None]] | None = None
    check: Callable[[Any], Any] | None = None
    plot: Callable[[Result, Path], Path] | None = None
    charts: Callable[[Result], dict[str, dict[str, Any]]] | None = None
    mark: str | tuple[str, ...] | None = None
    accepts: tuple[str, ...] = ()
    # a job that reads a solved plan: its output from a stored plan's JSON form and the scenario, whose section named
    # as the kind (``finance:``, ``reliability:``) is the only part that may differ (``gigawatt KIND RUN_ID``)
    from_plan: Callable[[Any, dict[str, Any], RunSettings], Any] | None = None
    # the figures a decision rests on, first on a run's page (labels of ``figures``, ``*`` at the end a prefix); () the headline
    decision: tuple[str, ...] = ()
    # what a decision figure means where its label alone may mislead: ``(data) -> {label: one line}``
    decision_notes: Callable[[dict[str, Any]], dict[str, str]] | None = None
    # a kind whose result is a PyPSA network (a plan): ``result.network`` of a stored run, rebuilt from its inputs and results
    network: Callable[[Result], Any] | None = None

    def headline_figures(self, data: dict[str, Any]) -> dict[str, Any]:
        """The few figures that sum a run up in a list (``gigawatt runs list``, the workbench's home page)."""
        return self._picked(data, self.headline)

    def decision_figures(self, data: dict[str, Any]) -> dict[str, Any]:
        """The figures a decision rests on (cost, LCOE, CO2, online date, saving against the baseline, ...): the
        first screen of a run's page. Figures the run lacks are left out."""
        return {label: value for label, value in self._picked(data, self.decision or self.headline).items() if value is not None}

    def _picked(self, data: dict[str, Any], labels: tuple[str, ...]) -> dict[str, Any]:
        every = self.figures(data)
        out: dict[str, Any] = {}
        for wanted in labels:
            if wanted.endswith("*"):
                out |= {label: value for label, value in every.items() if label.startswith(wanted[:-1])}
            else:
                out[wanted] = every.get(wanted)
        return out
