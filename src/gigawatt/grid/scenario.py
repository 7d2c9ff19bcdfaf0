"""A flexible-load headroom study (``gigawatt headroom``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from gigawatt.core.inputs import (
    MAX_CANDIDATES,
    MAX_FILES,
    MAX_ITEMS,
    Label,
    _floor,
    _Job,
    _Strict,
)
from gigawatt.core.units import shorten

MIN_LIMIT_PCT = 0.01
# EIA-930 and the other demand files give whole MW: a campus below 1 MW is under the data's resolution.
MIN_CAMPUS_MW = 1.0


class Campus(_Strict):
    """A campus joining one system as flexible load: its hourly curtailment and grid availability."""

    mw: Annotated[float, _floor(MIN_CAMPUS_MW, " MW", "demand files give whole MW, so a smaller campus is below their resolution")] = Field(
        gt=0, le=1e6, description=f"Campus size, MW (at least {MIN_CAMPUS_MW:g})")
    limit_pct: Annotated[float, _floor(MIN_LIMIT_PCT, "%", "less than an hour a year of the campus's energy, finer than hourly demand resolves")] = Field(
        default=1.0, gt=0, lt=100, description=f"The system's curtailment limit the campus takes part in, % of energy (at least {MIN_LIMIT_PCT:g})")
    availability_year: int | None = Field(default=None, ge=1980, le=2100, description="The year of the availability series for `gigawatt plan` (grid.availability_csv); default: the last whole year")


class HeadroomStudy(_Job):
    """How much flexible load grids can take: which demand files, which systems, which limits."""

    name: Label = Field(default="headroom", description="A label for reports")
    description: str | None = Field(default=None, description="Free text for people")
    files: list[str] = Field(min_length=1, max_length=MAX_FILES, description="Hourly demand CSV files (EIA-930 or timestamp + MW columns)")
    systems: list[str] | Literal["duke22", "all"] = Field(max_length=MAX_CANDIDATES, description="Systems to study (a column, or the prefix of sub-zone columns: PJM sums PJM-*), or duke22 (the Duke study's 22), or all")
    limits_pct: list[float] = Field(default_factory=lambda: [0.25, 0.5, 1.0, 5.0], min_length=1, max_length=MAX_ITEMS, description="Curtailment limits, % of the new load's energy")
    years: list[int] | None = Field(default=None, max_length=MAX_ITEMS, description="Years to use, e.g. [2016, 2017, 2018]; default: every whole year in the files")
    threshold_mw: float | None = Field(default=None, gt=0, le=1e7, description="A flat threshold, MW, instead of the seasonal (Duke) one")
    threshold_csv: str | None = Field(default=None, description="An hourly threshold, MW (timestamp, MW CSV), instead of the seasonal one")
    campus: Campus | None = Field(default=None, description="A campus in the (single) system: its curtailment schedule and availability")

    @field_validator("systems")
    @classmethod
    def _systems(cls, systems: list[str] | str) -> list[str] | str:
        if isinstance(systems, list):
            if not systems or not all(name.strip() for name in systems):
                raise ValueError("name at least one system (e.g. [PJM, ERCO]), or duke22 or all")
            twice = [name for name in systems if systems.count(name) > 1]
            if twice:  # the total would count the system twice
                raise ValueError(f"{shorten(twice[0])} is listed twice; list each system once")
        return systems

    @model_validator(mode="after")
    def _one_threshold(self) -> HeadroomStudy:
        if self.threshold_mw is not None and self.threshold_csv:
            raise ValueError("give threshold_mw or threshold_csv, not both")
        if self.campus is not None and (not isinstance(self.systems, list) or len(self.systems) != 1):
            raise ValueError("campus: name one system under systems, e.g. systems: [PJM]")
        return self


# --- grid-responsive operations (`gigawatt schedule`) -------------------------------------------------

