"""How a job says how far it has got, apart from any face: a :data:`Stage` callback a face passes in (the CLI
writes it to stderr, see :mod:`gigawatt.cli._progress`), which models call through :func:`tell`.

``stage(what, done, total)``: ``what`` names the stage in words ("sites screened", "solving the plan LP with
HiGHS (simplex)"); a counted stage (``total`` a count) is told once with ``done=0`` as it starts, then after
each step with the steps done so far, up to ``total``; a stage with no count (``total`` None, ``done`` 0) is
told once as it starts. Calls come from the process that runs the job, in order."""

from __future__ import annotations

from collections.abc import Callable

Stage = Callable[[str, int, "int | None"], None]


def tell(stage: Stage | None, what: str, done: int = 0, total: int | None = None) -> None:
    """Tell ``stage`` (where there is one) that ``what`` has reached ``done`` of ``total`` steps (None: no count)."""
    if stage is not None:
        stage(what, done, total)
