"""The ``gigawatt`` command line: a thin layer over :mod:`gigawatt.api`, a module per command.

Each command parses its options into scenario fields, calls the API and renders the result through
:mod:`gigawatt.report`. User mistakes print one line naming the field (and the option that sets it) and
exit with status 2; usage errors print the usage line and one error line, also with status 2; ``--debug``
shows the traceback instead. Heavy libraries load only when a command needs them, so ``--help`` is quick.
"""

from __future__ import annotations

import re
import sys

from gigawatt.cli._common import app, state

# isort: off
from gigawatt.cli import catalog, size, plan, plan_readers, buildout, headroom, site, schedule, security, runs, sweep, serve  # noqa: F401  (registers the commands, in this order)
# isort: on
from gigawatt.core.errors import GigawattError


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning user errors into one line and exit status 2."""
    state.update(debug=False, flags={})
    try:
        app(args=argv, prog_name="gigawatt", standalone_mode=True)
    except SystemExit as exc:
        if exc.code not in (0, None):  # success returns, so main() can be called in-process
            raise
    except GigawattError as exc:
        if state["debug"]:
            raise
        sys.stderr.write(f"error: {_one_line(str(exc), state['flags'])}\n")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:  # a bug, not a user mistake: still one line, and how to see more
        if state["debug"]:
            raise
        sys.stderr.write(f"error: internal error ({type(exc).__name__}: {_one_line(str(exc), {})}); "
                         "run again with gigawatt --debug for the traceback and report it\n")
        sys.exit(1)


MAX_ERROR_CHARS = 400  # a one-line error stays readable whatever value it echoes


def _one_line(message: str, flags: dict[str, str]) -> str:
    """The error on one line, with the command-line option that sets each field it names."""
    line = " ".join(message.split())
    for field, flag in flags.items():  # the field as a key, not inside another (years in availability_years)
        if re.search(rf"(?<![\w.]){re.escape(field)}(?![\w])", line) and flag not in line:
            line += f" (option {flag} sets {field})"
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"


__all__ = ["app", "main"]
