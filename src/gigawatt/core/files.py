"""Writing a user's output files: checked before any work, written whole or not at all.

Every file goes through a temporary file in the target's own folder and an ``os.replace`` onto the target
(atomic on POSIX and Windows), so a failed, refused or killed write leaves an existing file as it was and
no half-written file behind. A folder of files (a CSV or Parquet export) is written into a temporary
folder first and moved into place only once every file in it is complete. Paths that cannot be written
(a missing folder, a file where a folder should be, a folder no one can create files in, such as /proc)
are refused in one line naming the path, by :func:`check_output`, before a job runs.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from gigawatt.core.errors import ScenarioError

# what a figure can be written as: matplotlib's Agg backend reads the format from the name's suffix
FIGURE_SUFFIXES = (".png", ".svg", ".pdf", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".eps", ".ps")


def file_above(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` that is a file (so ``path`` cannot be made), or None."""
    for folder in path.parents:
        if folder.exists():
            return None if folder.is_dir() else folder
    return None


def cannot_create_in(folder: Path) -> str | None:
    """Why no file can be created in ``folder`` (found by creating and removing one), or None.

    ``os.access`` is not enough: it says yes to root everywhere, /proc included."""
    probe = folder / f".gigawatt-probe-{secrets.token_hex(4)}"
    try:
        with open(probe, "xb"):
            pass
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    try:
        probe.unlink()
    except OSError:
        pass
    return None


def check_output(path: Path | str | None, what: str = "output", suffixes: tuple[str, ...] = ()) -> None:
    """Refuse, before any work, an output path that is a folder, lies under a file or a missing folder, or
    whose folder no file can be created in, or (given ``suffixes``) whose suffix is not one of them; ``what``
    names it in the message (an option, a field)."""
    if path is None:
        return
    path = Path(path)
    if path.is_dir():
        raise ScenarioError(f"{what} {path}: is a folder; give a file name")
    if suffixes and path.suffix.lower() not in suffixes:
        raise ScenarioError(f"{what} {path}: end the name in {', '.join(suffixes[:-1])} or {suffixes[-1]}, the format it is written in")
    folder = path.parent if str(path.parent) else Path(".")
    blocker = file_above(path)
    if blocker is not None:
        raise ScenarioError(f"{what} {path}: {blocker} is a file, not a folder; choose another path")
    if not folder.is_dir():
        raise ScenarioError(f"{what} {path}: folder {folder} does not exist; create it or choose another path")
    why = cannot_create_in(folder)
    if why is not None:
        raise ScenarioError(f"{what} {path}: cannot write in {folder} ({why}); choose another path")
    if path.exists() and not os.access(path, os.W_OK):
        raise ScenarioError(f"{what} {path}: the file is read-only; choose another path")


def _temporary(path: Path) -> Path:
    """A new name beside ``path``, hidden, with its suffix and no other (writers such as matplotlib and
    pandas' Excel writer read the format from it)."""
    return path.with_name(f".{path.stem}-{secrets.token_hex(4)}-tmp{path.suffix}")


def write_atomically(path: Path | str, write: Callable[[Path], Any], what: str = "output") -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then replace ``path`` with it; an existing
    ``path`` keeps its permissions, and is untouched when the check or the write fails. Returns ``path``."""
    path = Path(path)
    check_output(path, what)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path  # a link keeps pointing at the new file
    tmp = _temporary(target)
    try:
        write(tmp)
        if target.exists():
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise ScenarioError(f"{what} {path}: could not be written ({exc.strerror or type(exc).__name__}); choose another path") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_folder(path: Path | str, files: Mapping[str, Callable[[Path], Any]], what: str = "output") -> Path:
    """A folder holding ``files`` (name → ``write(tmp)``), written in a temporary folder and moved into place
    once every file is complete: into a new folder at ``path`` by one rename, or, when ``path`` is a folder
    already, file by file (its other files are left alone). A failure before that changes nothing at ``path``."""
    path = Path(path)
    blocker = file_above(path)
    if blocker is not None:
        raise ScenarioError(f"{what} {path}: {blocker} is a file, not a folder; choose another path")
    if path.exists() and not path.is_dir():
        raise ScenarioError(f"{what} {path}: a file of that name exists, and this writes a folder of tables; give another path")
    existing = path.is_dir()
    for name in files:
        target = path / name
        if target.is_dir():
            raise ScenarioError(f"{what} {path}: {target} is a folder; remove it or choose another path")
        if target.exists() and not os.access(target, os.W_OK):
            raise ScenarioError(f"{what} {path}: {target} is read-only; choose another path")
    stage = (path if existing else path.parent) / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        if not existing:
            path.parent.mkdir(parents=True, exist_ok=True)
        stage.mkdir()
        for name, write in files.items():
            write(stage / name)
        if existing:
            for name in files:
                os.replace(stage / name, path / name)
        else:
            os.replace(stage, path)
    except OSError as exc:
        raise ScenarioError(f"{what} {path}: could not be written ({exc.strerror or type(exc).__name__}); choose another path") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return path


__all__ = ["FIGURE_SUFFIXES", "cannot_create_in", "check_output", "file_above", "write_atomically", "write_folder"]
