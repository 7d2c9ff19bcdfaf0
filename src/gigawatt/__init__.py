"""gigawatt: plan AI compute clusters and the electricity they need.

The public API (one function per job, each returning a :class:`~gigawatt.core.results.Result`)::

    import gigawatt
    p = gigawatt.plan("examples/west-texas-grid-gas.yaml", set={"grid.import_mw": 850})
    p.lcoe_usd_per_mwh, p.to_frames()["dispatch"]

``size``, ``plan``, ``buildout``, ``headroom``, ``site`` and ``schedule`` take a YAML path, a dict or a validated model;
``run(kind, inputs)`` is the entry every edge (CLI, web, sweeps) calls. The models themselves stay
importable (``gigawatt.compute.size``, ``gigawatt.power.planner.plan_power``...); heavy libraries load lazily.
"""

from gigawatt.core import __version__  # noqa: E402, F401 - the package's version, as gigawatt.__version__
from gigawatt.core.errors import DataError, GigawattError, InfeasibleError, ScenarioError  # noqa: E402

# the rest loads on first use (PEP 562), so `import gigawatt.cli` and `gigawatt --help` stay quick
_LAZY = {
    "buildout": "gigawatt.api", "finance": "gigawatt.api", "headroom": "gigawatt.api", "load_inputs": "gigawatt.api", "plan": "gigawatt.api",
    "reliability": "gigawatt.api", "run": "gigawatt.api", "schedule": "gigawatt.api", "site": "gigawatt.api", "size": "gigawatt.api", "Result": "gigawatt.core.results",
    "Scenario": "gigawatt.power.scenario", "capital_recovery_factor": "gigawatt.core.finance", "ClusterSizing": "gigawatt.compute.sizing", "load_scenario": "gigawatt.api", "parse_scenario": "gigawatt.api",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'gigawatt' has no attribute {name!r}")


__all__ = [
    "DataError",
    "GigawattError",
    "InfeasibleError",
    "Result",
    "Scenario",
    "ScenarioError",
    "buildout",
    "finance",
    "headroom",
    "load_inputs",
    "load_scenario",
    "parse_scenario",
    "plan",
    "reliability",
    "schedule",
    "run",
    "site",
    "size",
]
