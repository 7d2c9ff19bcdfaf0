"""The weight-security level a site must reach and the facts its checks read."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from gigawatt.core.inputs import MONTH_PATTERN, ProgrammeMonth, _Strict

SecurityLevel = Literal["SL1", "SL2", "SL3", "SL4", "SL5"]
Tenancy = Literal["dedicated", "colocation", "multi_tenant"]


class Security(_Strict):
    """The weight-security level a site must reach (RAND's SL1-SL5, `gigawatt catalog security_levels`) and
    the facts its checks read. Costs have no public figure: they count only where given."""

    level: SecurityLevel = Field(description="Security level the site must reach: SL1 (amateurs) ... SL5 (top nation-state operations)")
    required: bool = Field(default=True, description="A level that cannot be met is an error (else a warning in the posture)")
    start: ProgrammeMonth | None = Field(default=None, pattern=MONTH_PATTERN, description="Month the security programme starts, YYYY-MM; default: the scenario's start")
    months_to_reach: float | None = Field(default=None, gt=0, le=240, description="Time to reach the level from start, months; default: the catalog's published estimate (its upper end)")
    jurisdiction: Literal["us", "ally", "partner", "restricted"] | None = Field(default=None, description="Where the site is (export-control category), for a plan; siting candidates take their region's")
    tenancy: Tenancy | None = Field(default=None, description="The facility: dedicated, colocation (a cage in a shared building) or multi_tenant (shared halls or hosts)")
    cleared_staff: bool | None = Field(default=None, description="Whether vetted (cleared) staff can be hired or posted at the site")
    staff: int | None = Field(default=None, ge=0, le=100_000, description="Security team planned, people; default: the level's staffing rule where one is published")
    headcount: int | None = Field(default=None, ge=1, le=10_000_000, description="The organisation's headcount, people (for staffing rules stated as a share of it)")
    geo_distributed: bool = Field(default=False, description="Training spans sites, so weights or gradients leave the site's enclave")
    outbound_gbps: float | None = Field(default=None, ge=0, le=1e6, description="Outbound bandwidth the workload needs from the weight enclave, Gbit/s")
    enclave_outbound_limit_gbps: float | None = Field(default=None, ge=0, le=1e6, description="The enclave's outbound limit, Gbit/s (no public figure: yours)")
    staff_cost_usd_per_person_year: float | None = Field(default=None, ge=0, le=1e7, description="Cost of one security staff member a year, USD (no public default)")
    capex_usd: float | None = Field(default=None, ge=0, le=1e12, description="Capital for the level (construction, shielding, hardware), USD (no public default)")
    opex_usd_per_year: float | None = Field(default=None, ge=0, le=1e11, description="Other running cost of the level a year, USD (no public default)")


