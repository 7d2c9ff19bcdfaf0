"""The cluster a scenario sizes: accelerators and how many."""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import (
    Field,
    model_validator,
)

from gigawatt.core.inputs import Costs, _Strict


class Training(_Strict):
    """Size the cluster to finish a training run of a given compute in a given time."""

    flop: float = Field(gt=0, le=1e35, description="Training compute target, FLOP (e.g. 4e25)")
    days: float = Field(gt=0, le=3650, description="Wall-clock duration of the run, days")


class Cluster(_Strict):
    """The accelerators and how many: give exactly one of ``count``, ``power_mw`` or ``training``."""

    accelerator: str = Field(min_length=1, description="Accelerator or system name from the catalog (case-insensitive, aliases allowed)")
    count: int | None = Field(default=None, gt=0, le=10**11, description="Number of catalog units (accelerators, or racks for rack rows)")
    power_mw: float | None = Field(default=None, gt=0, le=1e6, description="Power budget at the meter (facility peak), MW: how many units fit")
    training: Training | None = Field(default=None, description="Training target: how many units to finish it in time")
    cooling: Literal["air", "liquid"] | None = Field(default=None, description="Cooling type; default: the accelerator's usual cooling in the catalog")
    pue: float | None = Field(default=None, ge=1.0, le=3.0, description="Power usage effectiveness (facility/IT), ratio; default: catalog pue_air or pue_liquid by cooling")
    average_to_tdp_ratio: float | None = Field(default=None, ge=0.1, le=1, description="Average/peak draw of accelerators and hosts, ratio (at least 0.1: an idle accelerator still draws ~15% of its TDP, catalog paused_accelerator_power_share); default: catalog average_to_tdp_ratio")
    model_flop_utilisation: float | None = Field(default=None, ge=0.01, le=1, description="Useful FLOP/s over peak dense FLOP/s while running, ratio (at least 0.01: published large runs reach 0.2-0.6); default: catalog model_flop_utilisation")
    utilisation: float | None = Field(default=None, ge=0.01, le=1, description="Share of installed accelerator-hours doing useful work, ratio (at least 0.01: below it the cost per useful hour is a hundredfold or more); default: catalog utilisation")
    precision: Literal["bf16", "fp8"] = Field(default="bf16", description="Number format whose dense peak FLOP/s is used for delivered compute")
    redundancy: Literal["N", "N+1", "2N"] = Field(default="N", description="Electrical redundancy the campus is built to (Uptime Institute: N+1 concurrently maintainable, Tier III; 2N fault tolerant, Tier IV): sets the on-site nameplate it must contract")
    redundancy_blocks: int | None = Field(default=None, ge=1, le=1000, description="With N+1: the power blocks (count) that carry the peak, one more installed")

    @model_validator(mode="after")
    def _one_way_of_sizing(self) -> Cluster:
        given = [name for name in ("count", "power_mw", "training") if getattr(self, name) is not None]
        if len(given) != 1:
            found = " and ".join(given) if given else "none of them"
            raise ValueError(f"give exactly one of count, power_mw or training (found {found})")
        return self


class Sized(Protocol):
    """What sizing reads from a scenario of any job: its cluster and its costs (a plan's Scenario has both)."""

    @property
    def cluster(self) -> Cluster: ...

    @property
    def costs(self) -> Costs: ...
