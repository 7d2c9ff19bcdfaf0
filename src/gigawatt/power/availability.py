"""Options that exist only from a date: a plan builds an option only from its ``available_from`` month.

The catalog dates the options whose first commercial plant or delivery is still ahead (technologies.csv column
``available_from``: enhanced geothermal, iron-air storage, gas with capture, fusion contracts); a scenario moves
the date with ``supply.limits.<id>.available_from``. A single-period plan is a plan for the month it must serve
its load from, ``constraints.online_by``, else ``start``: an option dated later is left out of it, and the plan's
messages say so in one line each. A phased plan builds it only in phases from that date
(:func:`gigawatt.power.plan.available_month`, read by :mod:`gigawatt.power.phases`).
"""

from __future__ import annotations

from dataclasses import replace

from gigawatt.core.errors import ScenarioError
from gigawatt.power.inputs import PlanInputs, SupplyOption
from gigawatt.power.scenario import Scenario

__all__ = ["later_options", "plan_month", "restrict"]


def plan_month(scenario: Scenario, online_by: str | None = None) -> tuple[str, str]:
    """The month a single-period plan is for and the field that sets it: ``online_by`` (argument or
    ``constraints.online_by``), else ``start``."""
    online_by = online_by if online_by is not None else scenario.constraints.online_by
    return (online_by, "constraints.online_by") if online_by is not None else (scenario.start, "start")


def later_options(options: dict[str, SupplyOption], month: str) -> dict[str, str]:
    """The options whose ``available_from`` is after ``month`` (YYYY-MM), with that date."""
    return {name: o.available_from for name, o in options.items() if o.available_from is not None and o.available_from > month}


def _where(scenario: Scenario, name: str) -> str:
    limits = scenario.supply.limits.get(name)
    return f"supply.limits.{name}.available_from" if limits is not None and limits.available_from is not None else "catalog available_from"


def restrict(scenario: Scenario, inputs: PlanInputs, online_by: str | None = None) -> PlanInputs:
    """``inputs`` without the options not yet available in the plan's month (:func:`plan_month`), each left
    out with one line in the inputs' notes. Nothing left to serve the load is a :class:`ScenarioError`."""
    month, field = plan_month(scenario, online_by)
    later = later_options(inputs.options, month)
    if not later:
        return inputs
    options = {name: o for name, o in inputs.options.items() if name not in later}
    if not options:
        first = min(later, key=later.get)
        raise ScenarioError(f"{field}: {month} is before any supply option is available (earliest: {first} from {later[first]}); "
                            f"choose a later {field} or allow an option available now")
    notes = [f"supply.technologies: {name} is available from {date} ({_where(scenario, name)}), after the plan's {field} {month}: "
             f"not built; move {field} or {name}'s available_from to plan with it" for name, date in later.items()]
    return replace(inputs, options=options, capacity_factor={k: v for k, v in inputs.capacity_factor.items() if k not in later},
                   fuel_marginal_usd_per_mwh={k: v for k, v in inputs.fuel_marginal_usd_per_mwh.items() if k not in later},
                   notes=(*inputs.notes, *notes))
