"""Why a plan's grid-only baseline is not a like-for-like comparison, said when the plan costs more than it.

The baseline (:func:`gigawatt.power.plan.baseline_inputs`, REopt's business as usual) buys every hour from one
firm grid connection of unlimited size, without the scenario's constraints. A plan that costs more than its
baseline has not lost money against an option the site has: the scenario ruled that option out. This module
names what the scenario ruled out, from its inputs, so the result says so in one message line.
"""

from __future__ import annotations

from gigawatt.power.scenario import Scenario

__all__ = ["baseline_not_comparable"]


def _grid_limits(scenario: Scenario, baseline_peak_mw: float) -> list[str]:
    """What the scenario allows of the grid that the baseline does not respect, each naming its field."""
    grid, out = scenario.grid, []
    if grid.import_mw == 0:
        out.append("the site is off-grid (grid.import_mw 0)")
    elif grid.import_mw is not None and grid.import_mw < baseline_peak_mw:
        out.append(f"the connection is limited to {grid.import_mw:,.0f} MW (grid.import_mw) against the baseline's {baseline_peak_mw:,.0f} MW")
    if grid.import_mw != 0 and grid.availability_csv:
        out.append("the connection is curtailed in the hours of grid.availability_csv, where the baseline's is firm")
    return out


def _constraints(scenario: Scenario) -> list[str]:
    """The plan's constraints that the baseline is not held to, by field."""
    c = scenario.constraints
    given = {
        "constraints.reserve_margin": c.reserve_margin,
        "constraints.carbon_free_share": c.carbon_free_share,
        "constraints.carbon_free_share_hourly": c.carbon_free_share_hourly,
        "constraints.co2_cap_t_per_year": c.co2_cap_t_per_year,
        "constraints.capex_budget_usd": c.capex_budget_usd,
        "constraints.online_by": c.online_by,
    }
    return [field for field, value in given.items() if value is not None]


def baseline_not_comparable(scenario: Scenario, plan_cost_usd: float, baseline_cost_usd: float, baseline_peak_mw: float) -> str | None:
    """One message line when the plan's all-in annual cost (supply and compute given up, USD/yr) is above its baseline's, saying why the baseline
    is not comparable: it buys everything from an unlimited, firm grid connection and is held to none of
    the scenario's constraints. ``baseline_peak_mw`` is the baseline's connection (its peak import, MW).
    None when the plan costs no more than its baseline."""
    if plan_cost_usd <= baseline_cost_usd:
        return None
    excess = plan_cost_usd - baseline_cost_usd
    reasons = _grid_limits(scenario, baseline_peak_mw)
    held = _constraints(scenario)
    if held:
        reasons.append(f"the baseline is not held to {', '.join(held)}")
    why = "; ".join(reasons) if reasons else "the plan's options and constraints are the scenario's, the baseline's are not"
    return (f"the plan costs {excess / 1e6:,.1f} M USD/yr more all-in than its grid-only baseline, which is not a like-for-like "
            f"comparison: the baseline buys every hour from one firm grid connection of unlimited size; "
            f"{why}")
