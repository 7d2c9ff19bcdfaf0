"""The package's layers, read from its imports (module level, inside functions and under TYPE_CHECKING alike).

The rule (docs/architecture.md): imports run one way, downward,

    core ← catalog ← weather ← compute, security, finance ← power ← buildout, grid, siting, operations, reliability
         ← registry ← schemas ← store ← api ← report ← web, sweep ← cli ← the package root

A module may import its own package and any lower layer; never a higher layer, never a package beside it
on the same layer (a helper two jobs share moves down), and no set of modules may import each other in a
circle, however the imports are hidden. A rank is given to a module by the longest prefix below that
matches its dotted name.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import gigawatt

PACKAGE = Path(gigawatt.__file__).parent
LAYERS: tuple[tuple[str, ...], ...] = (
    ("gigawatt.core",),
    ("gigawatt.catalog",),
    ("gigawatt.weather",),
    ("gigawatt.compute", "gigawatt.security", "gigawatt.project_finance", "gigawatt.adequacy"),
    ("gigawatt.power",),
    ("gigawatt.build_out", "gigawatt.grid", "gigawatt.siting", "gigawatt.operations", "gigawatt.adequacy.job", "gigawatt.adequacy.campus", "gigawatt.sweep.scenario", "gigawatt.sweep.job",
     "gigawatt.sweep.design", "gigawatt.sweep.analysis", "gigawatt.sweep.weather",
     "gigawatt.compute.job", "gigawatt.project_finance.campus", "gigawatt.project_finance.job"),  # a job's spec may name another job's scenario model (a size reads a plan's file)
    ("gigawatt.registry",),
    ("gigawatt.schemas",),
    ("gigawatt.store",),
    ("gigawatt.api",),
    ("gigawatt.report",),
    ("gigawatt.web", "gigawatt.sweep"),
    ("gigawatt.cli",),
    ("gigawatt",),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def place(module: str) -> tuple[int, str]:
    """(layer index, the prefix that placed it) of a module: the longest matching prefix wins."""
    best = max(((i, prefix) for i, layer in enumerate(LAYERS) for prefix in layer
                if module == prefix or module.startswith(prefix + ".")), key=lambda found: len(found[1]))
    return best


def package(prefix: str) -> str:
    """The top-level package a prefix belongs to (``gigawatt.sweep.job`` -> ``gigawatt.sweep``)."""
    return ".".join(prefix.split(".")[:2])


def imported(module: str, path: Path) -> set[tuple[str, int]]:
    """The gigawatt modules ``module`` imports anywhere in its file, with the line of each import."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            targets = [f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in MODULES else prefix for alias in node.names]
        for target in targets:
            while target not in MODULES and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in MODULES and target != module:
                found.add((target, node.lineno))
    return found


GRAPH = {module: imported(module, path) for module, path in MODULES.items()}


def test_every_module_has_a_layer():
    assert all(place(module) for module in MODULES)


def test_no_import_goes_up_or_sideways():
    wrong = []
    for module, targets in GRAPH.items():
        (rank, prefix) = place(module)
        for target, line in sorted(targets):
            (their_rank, their_prefix) = place(target)
            if their_rank > rank:
                wrong.append(f"{module} line {line} imports {target}, a higher layer ({their_prefix} above {prefix})")
            elif their_rank == rank and package(their_prefix) != package(prefix):
                wrong.append(f"{module} line {line} imports {target}, a package beside it ({their_prefix}): move the shared part down")
    assert not wrong, "\n".join(wrong)


def test_no_import_circle():
    edges = defaultdict(set)
    for module, targets in GRAPH.items():
        for target, _ in targets:
            if not (module.startswith(target + ".")):  # a module's own package (its __init__) runs first anyway
                edges[module].add(target)
    # Tarjan's strongly connected components: any component of more than one module is a circle
    index, low, stack, on_stack, circles, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    assert not circles, "\n".join(" <-> ".join(c) for c in circles)


def test_the_rule_catches_an_upward_import(tmp_path):
    """The checks themselves can fail: a model importing the API is found."""
    fake = tmp_path / "gigawatt" / "power" / "bad.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("def f():\n    from gigawatt import api\n")
    targets = imported("gigawatt.power.bad", fake)
    assert ("gigawatt.api", 2) in targets
    assert place("gigawatt.api")[0] > place("gigawatt.power.bad")[0]


def test_the_architecture_document_names_every_package_and_layer():
    """docs/architecture.md shows the tree: every package of the code is in it, and every layer of the rule."""
    text = (Path(__file__).parent.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    missing = sorted(name for name in packages | modules if f"{name}/" not in text and f"{name}.py" not in text)
    assert not missing, f"docs/architecture.md does not name {missing}"
    for layer in LAYERS:
        for prefix in layer:
            assert prefix == "gigawatt" or prefix.split(".")[1] in text, prefix


def test_every_job_function_stays_callable_with_every_module_imported():
    """No package is named as a job of the API: once imported it would replace ``gigawatt.KIND`` on the package."""
    import importlib

    from gigawatt.registry import KINDS

    for module in MODULES:
        if not module.endswith("__main__"):
            importlib.import_module(module)
    assert all(callable(getattr(gigawatt, kind)) for kind in KINDS)


def modules_naming(names: set[str]) -> list[str]:
    """Python modules of the package outside ``gigawatt.catalog`` whose text names any of ``names`` as a word."""
    import re

    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names))) + r")\b")
    return [f"{path.relative_to(PACKAGE.parent)}: {match.group(0)}" for path in sorted(PACKAGE.rglob("*.py"))
            if path.relative_to(PACKAGE).parts[0] != "catalog" and (match := pattern.search(path.read_text(encoding="utf-8")))]


def test_no_code_outside_the_catalog_names_a_weather_driven_technology():
    """A new variable renewable technology is a catalog row plus a profile: the code finds them all through
    ``catalog.variable_technologies()``, so none of their ids is written into a module outside the catalog."""
    from gigawatt import catalog

    names = set(catalog.variable_technologies())
    assert names, "the catalog has no weather-driven technology"
    assert modules_naming(names) == []


def test_the_naming_check_can_fail():
    assert modules_naming({"plan_power"}), "a name the code does use is found"


def test_the_tests_mirror_the_package():
    """tests/ has a folder per package it tests (tests/power/ for gigawatt/power/), and every job package has one."""
    tests = Path(__file__).parent
    folders = {p.name for p in tests.iterdir() if p.is_dir() and any(p.glob("test_*.py"))}
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and any(p.glob("*.py"))}
    assert folders <= packages | {"store"}, folders - packages  # store.py is a module: its tests have a folder
    from gigawatt.registry import STORED

    jobs = {spec.table.__module__.split(".")[1] for spec in STORED.values()}
    assert jobs <= folders, jobs - folders
