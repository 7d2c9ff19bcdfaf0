"""Progress as a log reads it (issue 30): on a file or a pipe, one line a step with n of N, the time so far and the
time left; on a terminal, one line written over itself."""

from __future__ import annotations

import io

from gigawatt.cli._common import counted_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def clock_at(*seconds: float):
    """A clock that reads ``seconds`` in turn: the start, then one reading a step."""
    readings = iter(seconds)
    return lambda: next(readings)


def test_a_file_gets_a_line_a_step_with_the_time_left():
    log = io.StringIO()
    progress = counted_progress("points", log, clock_at(0.0, 10.0, 20.0, 80.0))
    for done in (1, 2, 8):
        progress(done, 8)
    assert log.getvalue().splitlines() == [
        "1/8 points, 10 s, about 70 s left",  # 10 s a point so far, 7 points left
        "2/8 points, 20 s, about 60 s left",
        "8/8 points, 80 s",
    ]


def test_a_terminal_gets_one_line_written_over_itself_and_ended_when_done():
    screen = Terminal()
    progress = counted_progress("points", screen, clock_at(0.0, 5.0, 9.0))
    progress(1, 2)
    progress(2, 2)
    assert screen.getvalue() == "\r1/2 points, 5 s, about 5 s left\033[K\r2/2 points, 9 s\033[K\n"
