"""Storage last (gigawatt.power.solve._storage_last): an LP with storage is solved without the storage first, the storage priced at that optimum's duals, and the whole LP solved only where
storage pays. Whichever way it goes, the optimum is the one of the whole LP solved at once."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from test_power import HOURS, LOAD_MW, options, solar_cf

from gigawatt.power.inputs import PlanInputs
from gigawatt.power.lp import build_lp
from gigawatt.power.solve import _solve_highs, binding_constraints, solve


def inputs(share_field: str, share: float, **battery) -> PlanInputs:
    opts = options("utility_pv", "battery_li_ion", "gas_recip", battery_li_ion=battery)
    return PlanInputs(load_mw=pd.Series(LOAD_MW, index=HOURS), options=opts, capacity_factor={"utility_pv": solar_cf()},
                      **{share_field: share})


def both_ways(plan: PlanInputs):
    """The solution by the default path and the whole LP solved at once by HiGHS's simplex."""
    lp = build_lp(plan)
    solution = solve(lp, plan)
    x, dual, status, condition, objective, _ = _solve_highs(lp, {}, "simplex")
    assert (status, condition) == ("ok", "optimal")
    return lp, solution, x, dual, objective


@pytest.mark.parametrize("share_field", ["carbon_free_share", "carbon_free_share_hourly"])
def test_storage_that_does_not_pay_is_priced_out_at_the_same_optimum(share_field):
    lp, solution, x, dual, objective = both_ways(inputs(share_field, 0.3))  # midday sun alone reaches 30%
    assert solution.facts["storage_last"] == "storage priced out"
    assert solution.facts["objective"] == pytest.approx(objective, rel=1e-9)
    assert lp.values(solution.x, "e_nom(battery_li_ion)")[0] == 0.0 and lp.values(x, "e_nom(battery_li_ion)")[0] == pytest.approx(0.0, abs=1e-6)
    assert lp.values(solution.x, "balance") is not None
    plan = inputs(share_field, 0.3)
    shadow = binding_constraints(lp, solution, plan)[f"constraints.{share_field}"]["shadow_price"]
    direct = binding_constraints(lp, replace(solution, x=x, row_dual=dual), plan)[f"constraints.{share_field}"]["shadow_price"]
    assert shadow == pytest.approx(direct, rel=1e-6)


def test_storage_that_pays_is_solved_from_the_optimum_without_it():
    # the sun alone could reach 45% by day (at a cost): a battery that carries some of it into the evening pays
    lp, solution, _, _, objective = both_ways(inputs("carbon_free_share_hourly", 0.45))
    assert solution.facts["storage_last"] == "storage after"
    assert solution.facts["objective"] == pytest.approx(objective, rel=1e-9)
    assert lp.values(solution.x, "e_nom(battery_li_ion)")[0] > 100.0


def test_storage_that_must_be_built_is_solved_at_once():
    sun_only = inputs("carbon_free_share", 0.3)
    sun_only = replace(sun_only, options={k: o for k, o in sun_only.options.items() if k != "gas_recip"})  # sun and storage alone
    # a floor on storage; a share only storage reaches (80%: the nights); nothing but sun to carry the nights
    for plan in (inputs("carbon_free_share_hourly", 0.3, min_mw=10.0), inputs("carbon_free_share_hourly", 0.8), sun_only):
        _, solution, *_, objective = both_ways(plan)
        assert "storage_last" not in solution.facts
        assert solution.facts["objective"] == pytest.approx(objective, rel=1e-9)


def test_a_plan_without_a_share_prices_its_storage_too():
    plan = replace(inputs("carbon_free_share", 0.3), carbon_free_share=None)
    _, solution, *_, objective = both_ways(plan)
    assert solution.facts["storage_last"] == "storage priced out"
    assert solution.facts["objective"] == pytest.approx(objective, rel=1e-9)
