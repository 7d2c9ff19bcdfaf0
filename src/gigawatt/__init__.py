"""gigawatt: plan AI compute clusters and the electricity they need.

The public API::

    from gigawatt import load_scenario, size
    sizing = size(load_scenario("examples/h100-100k.yaml"))
    sizing.facility_power_mw
"""

from gigawatt.compute import ClusterSizing, capital_recovery_factor, size
from gigawatt.errors import DataError, GigawattError, InfeasibleError, ScenarioError
from gigawatt.scenario import Scenario, load_scenario, parse_scenario

__all__ = [
    "ClusterSizing",
    "DataError",
    "GigawattError",
    "InfeasibleError",
    "Scenario",
    "ScenarioError",
    "capital_recovery_factor",
    "load_scenario",
    "parse_scenario",
    "size",
]
__version__ = "0.1.0"
