"""Reliability of a fixed supply: forced outages of units and of the grid connection drawn as random
processes (``outages``) and a sequential Monte Carlo of an hourly load against them (``montecarlo``).

Pure computation on numpy arrays: it reads ``gigawatt.core`` (errors) and ``gigawatt.catalog`` (outage
figures) and nothing above them.
"""

from gigawatt.adequacy.montecarlo import (
    Battery,
    Estimate,
    GridConnection,
    ReliabilityInputs,
    ReliabilityResult,
    UnitGroup,
    simulate,
)
from gigawatt.adequacy.outages import (
    grid_available_share,
    mean_time_to_failure_hours,
    units_down,
)

__all__ = [
    "Battery",
    "Estimate",
    "GridConnection",
    "ReliabilityInputs",
    "ReliabilityResult",
    "UnitGroup",
    "grid_available_share",
    "mean_time_to_failure_hours",
    "simulate",
    "units_down",
]
