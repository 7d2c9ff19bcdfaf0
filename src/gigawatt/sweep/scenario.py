"""A sweep's input as the run store keeps it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SweepInputs(BaseModel):
    """A sweep as the run store keeps it (its ``inputs``): the kind of its points, its design, the figure its
    charts show, the validated base scenario and every point's overrides (a weather year's series files in
    ``weather``). Its id is their content hash, so a sweep run again replaces its record."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: str
    design: str
    figure: str
    base: dict[str, Any]
    points: list[dict[str, Any]]
    sampled: list[str] = Field(default_factory=list, description="The sampled inputs, in the order they were drawn")
    seed: int = 0
    weather: dict[int, dict[str, str]] = Field(default_factory=dict)
