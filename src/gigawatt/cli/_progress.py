"""How far a run has got, on stderr: the stages a job tells (:mod:`gigawatt.core.progress`) as lines a log reads
on a file or a pipe, or one live line on a terminal.

A line says the stage, ``n/N`` where it has a count, the seconds since the run started and, once a counted stage
has done a step, about how long it has left (its mean time a step so far, times the steps left), e.g.::

    0/2 weather years planned, 2 s
    building the plan LP (24 time steps), 2 s          (with -v, beside the solver's log)
    solving the plan LP with HiGHS (simplex), 2 s      (with -v)
    1/2 weather years planned, 5 s, about 3 s left
    ...
    done, 9 s

A run that fails after some stages ends with its one ``error: ...`` line after them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from gigawatt.core.progress import Stage


class StageText:
    """The text of each stage told: ``(what, done, total) -> text``, timed by ``clock`` (seconds) from its creation."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.start = clock()
        self.began: dict[str, float] = {}  # when each counted stage was told with done=0 (or first told)

    def elapsed_s(self) -> float:
        return self.clock() - self.start

    def __call__(self, what: str, done: int, total: int | None, with_elapsed: bool = True) -> str:
        now = self.clock()
        if total is None:
            parts = [what]
        else:
            if done == 0 or what not in self.began:  # a stage first told part-way began with the run
                self.began[what] = now if done == 0 else self.start
            parts = [f"{done}/{total} {what}"]
        if with_elapsed:
            parts.append(f"{now - self.start:,.0f} s")
        if total is not None and 0 < done < total:
            pace = (now - self.began[what]) / done
            parts.append(f"about {pace * (total - done):,.0f} s left")
        return ", ".join(parts)


def stage_lines(stream: Any, clock: Callable[[], float] = time.monotonic, counted_only: bool = False) -> tuple[Stage, Callable[[], None]]:
    """``(stage, finish)``: ``stage`` writes a line a call to ``stream`` (see the module docstring), with
    ``counted_only`` only for the stages with a count (``n/N``); ``finish()`` ends with ``done, N s`` where any
    line was written (a run read from the store tells no stage, and writes nothing)."""
    text = StageText(clock)
    told = False

    def stage(what: str, done: int, total: int | None) -> None:
        nonlocal told
        if counted_only and total is None:
            text(what, done, total)  # timed, not written
            return
        told = True
        stream.write(text(what, done, total) + "\n")
        stream.flush()

    def finish() -> None:
        if told:
            stream.write(f"done, {text.elapsed_s():,.0f} s\n")
            stream.flush()

    return stage, finish


@contextmanager
def job_display(label: str, quiet: bool, verbose: bool = False, steps: bool = False) -> Iterator[tuple[Any, Stage | None]]:
    """What a run reports through, on stderr: ``(progress(done, total) or None, stage or None)``.

    ``quiet``: nothing. On a file or a pipe (or with ``verbose``, whose solver log is written there too): a line a
    stage (:func:`stage_lines`). On a terminal: one live line (a spinner, the stage, the time so far, ticking, and
    the time left), gone when the run ends; with ``steps``, a bar of the job's ``progress(done, total)``."""
    if quiet:
        yield None, None
        return
    if verbose or not sys.stderr.isatty():
        # a log (a file or a pipe) gets the counted stages, which say how far and how long is left; the one-off
        # stages (building an LP, solving it) only with the solver's log (-v): a run that fails in them, on an
        # input found wrong as its LP is built, then leaves its one error line alone, as before any stage ran
        stage, finish = stage_lines(sys.stderr, counted_only=not verbose)
        yield None, stage
        finish()
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    text = StageText()
    columns = [SpinnerColumn(), TextColumn("{task.description}"), *([BarColumn(), TaskProgressColumn()] if steps else []), TimeElapsedColumn(),
               *([TimeRemainingColumn()] if steps else [])]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def stage(what: str, done: int, total: int | None) -> None:
            bar.update(task, description=text(what, done, total, with_elapsed=False))

        yield (lambda done, total: bar.update(task, completed=done, total=total)) if steps else None, stage
