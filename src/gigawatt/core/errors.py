"""Domain errors: one type per kind of user mistake.

Every message names the field, the value and the fix, on one line, so the CLI can print it as is and
exit with status 2. :func:`check_file_size` is the check every reader of a user's file makes first;
:func:`require` imports an optional dependency (an extra of the package) or says which extra to install.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType


class GigawattError(Exception):
    """Base class of every error a user can cause and fix."""


class DataError(GigawattError):
    """A bundled or user-supplied table is malformed (names file, row and column)."""


class ScenarioError(GigawattError):
    """A scenario file or override is invalid (names the key, and the line where known)."""


class InfeasibleError(GigawattError):
    """An optimisation has no solution under the stated constraints."""


class StoreError(GigawattError):
    """The run store cannot do what was asked: locked by another process, unreachable, or a stored run
    that cannot be read (names the store or run, what is wrong and the fix)."""


class MissingExtraError(GigawattError):
    """What was asked needs an optional dependency that is not installed (names the extra that brings it)."""


def require(module: str, extra: str, needed_by: str) -> ModuleType:
    """Import ``module`` (an optional dependency, installed by the package's extra ``extra``), or raise
    :class:`MissingExtraError` in one line: ``needed_by`` (the scenario field or feature that needs it)
    and the ``pip install 'gigawatt[EXTRA]'`` that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # absent, or installed without a dependency of its own: the extra brings both
        absent = isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == module
        why = "is not installed" if absent else f"cannot be imported ({' '.join(str(exc).split())})"
        raise MissingExtraError(f"{needed_by} needs {module}, which {why}: pip install 'gigawatt[{extra}]'") from None


def check_file_size(path: Path, where: str, most_bytes: int, fix: str, error: type[GigawattError] = DataError) -> None:
    """Refuse, before reading it, a file that is missing, unreadable or larger than ``most_bytes``: one line
    naming ``where`` (the file, or the field that names it) and ``fix``."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error(f"{where}: no such file; check the path") from None
    except OSError as exc:
        raise error(f"{where}: cannot be read ({exc.__class__.__name__}); check the path") from None
    if size > most_bytes:
        raise error(f"{where}: {size:,} bytes is more than {most_bytes:,} {fix}")
