"""The ``reliability:`` section of a plan scenario: how the plan's supply fails and how many years to draw.

Every figure left out takes the catalog's sourced one (``catalog/outages.csv``; ``gigawatt catalog outages``)
when the job reads the plan; a figure the catalog has no public value for must be given here, and the job
says so naming the field. The model only describes; the draws are in ``montecarlo.py``.
"""

from __future__ import annotations

from pydantic import Field

from gigawatt.core.inputs import MAX_ITEMS, Label, _Strict

MAX_DRAWS = 100_000  # years drawn: ~10 minutes on 2 cores for a campus of 50 units (benchmarks/reliability.py: 1,000 in ~6 s)
MAX_REPAIR_HOURS = 8760.0  # a repair longer than a year is not a forced outage the year-by-year draws can hold


class UnitFigures(_Strict):
    """Outage figures of one technology's units, overriding the catalog's."""

    forced_outage_rate: float | None = Field(default=None, ge=0, lt=1, description="Share of hours a unit is on forced outage, ratio in [0, 1) (EFORd where published); default: catalog")
    mean_time_to_repair_hours: float | None = Field(default=None, gt=0, le=MAX_REPAIR_HOURS, description="Mean duration of a forced outage, hours; default: catalog")
    unit_mw: float | None = Field(default=None, gt=0, le=5000, description="Size of one unit, MW: the plan's MW of this technology is split into units of about this size; default: catalog")


class GridOutages(_Strict):
    """How often the grid connection fails and for how long, overriding the catalog's (EIA-861, distribution level)."""

    outages_per_year: float | None = Field(default=None, ge=0, le=1000, description="Outages of the connection a year, count/yr (SAIFI); default: catalog")
    mean_outage_hours: float | None = Field(default=None, gt=0, le=MAX_REPAIR_HOURS, description="Mean duration of an outage, hours (SAIDI / SAIFI); default: catalog")


class FuelInterruption(_Strict):
    """A fuel-supply curtailment the draws may meet, as the user states it (e.g. a cold snap like February 2021's,
    when ERCOT averaged 34,000 MW of generation unavailable for 54 hours and fuel issues caused 31.4% of the unplanned
    unit outages: FERC-NERC, *The February 2021 Cold Weather Outages in Texas and the South Central United States*, 2021)."""

    name: Label = Field(description="A label for tables and messages")
    start: str = Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", description="Day of the year it begins, MM-DD (at midnight)")
    hours: float = Field(gt=0, le=MAX_REPAIR_HOURS, description="How long it lasts, hours")
    share: float = Field(gt=0, le=1, description="Share of the output of the carrier's units lost while it lasts, ratio")
    probability_per_year: float = Field(ge=0, le=1, description="Chance it happens in a year, ratio (e.g. 0.1: once a decade)")
    carrier: Label = Field(default="gas", description="Fuel whose units it strikes (the catalog technologies' carrier column)")


class Reliability(_Strict):
    """A sequential Monte Carlo of the plan's supply (``gigawatt reliability``): its dispatchable MW as individual
    units that fail and are repaired, the grid connection's outages, the battery's charge, and the cluster's power
    caps as the last resource before load is lost."""

    draws: int = Field(default=1000, ge=2, le=MAX_DRAWS, description="Years drawn, count (the confidence intervals narrow as 1/sqrt(draws))")
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="Seed of the draws: the same seed gives each unit and the grid the same outages")
    units: dict[Label, UnitFigures] = Field(default_factory=dict, max_length=MAX_ITEMS, description="Outage figures by technology id, overriding the catalog's (e.g. gas_recip: {forced_outage_rate: 0.03, mean_time_to_repair_hours: 31})")
    grid: GridOutages = Field(default_factory=GridOutages, description="Outages of the grid connection, overriding the catalog's")
    flexible_share: float | None = Field(default=None, ge=0, le=1, description="Share of the load the cluster can shed by capping accelerator power before load is lost, ratio; default: the deepest cap of the catalog's power-capping curve for site.workload; 0 for none")
    flexible_max_hours: float | None = Field(default=None, gt=0, le=8760, description="Longest the cluster holds a cap in one event, hours; default: as long as the event lasts")
    fuel_interruptions: list[FuelInterruption] = Field(default_factory=list, max_length=MAX_ITEMS, description="Fuel-supply curtailments each drawn year may meet; default: none")
    target_availability: float | None = Field(default=None, gt=0, lt=1, description="Share of the load's energy to serve, ratio below 1 (e.g. 0.9999): the job adds the cheapest redundancy that reaches it")

