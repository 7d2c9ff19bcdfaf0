"""The files a scenario names (hourly CSV series, demand files) and where a relative name is found.

A relative path is read from the current folder, as a shell user expects. Where it is not there, it is read
beside the scenario file that names it, and a path starting ``examples/`` from the examples shipped inside
the package, so the bundled examples run from any folder and from an installed package alike.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FILE_FIELDS = ("files",)  # besides every field whose name ends in _csv
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # gigawatt/, which holds examples/


def referenced_fields(data: Any, key: str = "", where: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every file path the inputs name, with where it lies (its keys and list positions from the top, e.g.
    ``("site", "capacity_factor_csv", TECHNOLOGY)``): values of fields ending in ``_csv``, the values of a
    mapping under such a field (a file by technology), and ``files``."""
    if isinstance(data, dict):
        for k, v in data.items():  # under a *_csv field, a mapping's keys name what each file is for, not a field
            yield from referenced_fields(v, key if key.endswith("_csv") else str(k), (*where, str(k)))
    elif isinstance(data, list):
        for number, item in enumerate(data):
            yield from referenced_fields(item, key, (*where, str(number)))
    elif isinstance(data, str) and (key.endswith("_csv") or key in FILE_FIELDS):
        yield where, data


def located(data: Any, scenario_file: Path) -> Any:
    """``data`` (a scenario file's contents) with each relative file name that is not in the current folder
    made the path where it is found (see the module doc); a name found nowhere is left as written, for the
    job to report."""
    found_at: list[tuple[tuple[str, ...], str]] = []
    for where, value in referenced_fields(data):
        name = Path(value)
        if not value or name.is_absolute() or name.exists():
            continue
        places = [scenario_file.parent / name]
        if name.parts[0] == "examples":
            places.append(PACKAGE_DIR / name)
        place = next((p for p in places if p.is_file()), None)
        if place is not None:
            found_at.append((where, str(place.resolve())))
    return with_paths(data, found_at) if found_at else data


def with_paths(data: Any, paths: list[tuple[tuple[str, ...], str]]) -> Any:
    """A copy of ``data`` with each file field at ``where`` (as :func:`referenced_fields` gives it) set to its path."""
    data = copy.deepcopy(data)
    for where, path in paths:
        node = data
        for step in where[:-1]:
            node = node[int(step)] if isinstance(node, list) else node[step]
        node[int(where[-1]) if isinstance(node, list) else where[-1]] = path
    return data
