"""The cluster as a decision: power capping and pausing traded against supply (issue 3, item 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import EXAMPLES, shared_file
from gigawatt import catalog, load_scenario
from gigawatt.power.inputs import PlanInputs, SupplyOption
from gigawatt.power.flexibility import PAUSE, capping_segments, flexibility
from gigawatt.power.plan import plan_inputs
from gigawatt.power.solve import optimise

HOURS = 48
LOAD_MW = 100.0
GRID_PRICE_USD_PER_MWH = 50.0


def test_bundled_capping_curve_is_the_median_of_the_measured_sweep():
    """Each catalog point = median over the workload type's jobs in the Emerald AI sweep (A100, 2025)."""
    sweep = pd.read_csv(shared_file("data", "emerald-phoenix-demo", "dvfs_sweep.csv")).drop_duplicates(["Workload", "GPU power cap"])
    sweep["workload"] = sweep["Workload"].str.split("_").str[0].map({"pt": "training", "infer": "inference", "ft": "fine_tuning"})
    uncapped = sweep[sweep["GPU power cap"] == sweep["GPU power cap"].max()].set_index("Workload")["power per GPU"]
    sweep["power_share"] = sweep["power per GPU"] / sweep["Workload"].map(uncapped)
    medians = sweep.groupby(["workload", "GPU power cap"])[["power_share", "normalized throughput"]].median()
    table = catalog.power_capping()
    assert len(table) == len(medians)
    for _, row in table.iterrows():
        measured = medians.loc[(row["workload"], round(row["power_cap_share"] * 400))]
        assert row["power_share"] == pytest.approx(measured["power_share"], abs=1e-3)
        assert row["throughput_share"] == pytest.approx(measured["normalized throughput"], abs=1e-3)


def test_anchor_pretraining_keeps_about_0_63_of_throughput_at_half_power():
    # anchors.md (Emerald AI, May 2025): pre-training is the most sensitive, ~0.63 at a 50% cap
    table = catalog.power_capping().set_index("id")
    assert table.at["training_200w", "throughput_share"] == pytest.approx(0.63, abs=0.01)
    assert table.at["training_200w", "throughput_share"] < table.at["inference_200w", "throughput_share"]


def test_capping_segments_are_concave_and_cheaper_than_pausing():
    power = np.array([1.0, 0.9, 0.8, 0.7, 0.5])
    throughput = np.array([1.0, 0.97, 0.92, 0.85, 0.45])  # last piece: slope 2, worse than pausing
    segments = capping_segments(power, throughput)
    slopes = [s.slope for s in segments]
    assert slopes == sorted(slopes) and all(s < 1 for s in slopes)
    assert sum(s.width for s in segments) == pytest.approx(0.3)
    assert slopes[0] == pytest.approx(0.3)
    # a dip below the envelope is bridged: (0.9, 0.90) lies under the chord from (1, 1) to (0.8, 0.92)
    bridged = capping_segments(np.array([1.0, 0.9, 0.8]), np.array([1.0, 0.90, 0.92]))
    assert len(bridged) == 1 and bridged[0].slope == pytest.approx(0.4)


def _inputs(import_mw: float, share: float | None, *, capping: bool = True, value: float = 2.0) -> PlanInputs:
    index = pd.date_range("2025-01-01", periods=HOURS, freq="h")
    load = pd.Series(LOAD_MW, index=index)
    grid = SupplyOption("grid_import", "grid", capital_usd_per_mw_year=0.0, marginal_usd_per_mwh=GRID_PRICE_USD_PER_MWH,
                        co2_t_per_mwh=0.4, max_mw=import_mw)
    flex = None
    if share is not None:
        flex = flexibility(max_share=share, value_usd_per_accelerator_hour=value, accelerator_count=50_000,
                           average_load_mw=LOAD_MW, accelerator_share=0.6, workload="training",
                           power_capping=capping, paused_load_share=0.3)
    return PlanInputs(load_mw=load, options={"grid_import": grid}, flexibility=flex)


def _plan(inputs: PlanInputs):
    return optimise(inputs)


def test_a_flexible_cluster_fits_under_a_smaller_grid_connection():
    rigid = _plan(_inputs(90.0, None))
    assert rigid.unserved_energy_mwh == pytest.approx(10.0 * HOURS, rel=1e-6)
    flexible = _plan(_inputs(90.0, 0.15))
    assert flexible.unserved_energy_mwh == pytest.approx(0.0, abs=1e-6)
    assert flexible.curtailed_energy_mwh == pytest.approx(10.0 * HOURS, rel=1e-6)
    dispatch = flexible.dispatch
    supplied = dispatch["grid_import_mw"] + dispatch.filter(regex="^flex_").sum(axis=1)
    assert np.allclose(supplied, dispatch["load_mw"])  # energy in = energy out, every hour
    assert flexible.lcoe_usd_per_mwh == pytest.approx(GRID_PRICE_USD_PER_MWH)


def test_capping_loses_less_compute_than_pausing_for_the_same_energy():
    capped = _plan(_inputs(90.0, 0.15))
    paused = _plan(_inputs(90.0, 0.15, capping=False))
    assert capped.curtailed_energy_mwh == pytest.approx(paused.curtailed_energy_mwh, rel=1e-6)
    assert set(paused.dispatch.filter(regex="^flex_").columns) == {f"{PAUSE}_mw"}
    assert 0 < capped.curtailed_compute_share < paused.curtailed_compute_share
    # pausing 10% of the energy, at a 30% idle draw, loses 10/70 of the compute
    assert paused.curtailed_compute_share == pytest.approx(0.10 / 0.70, rel=1e-6)


def test_flexibility_is_limited_to_its_share_and_used_only_when_it_pays():
    short = _plan(_inputs(80.0, 0.05))  # needs 20% of the energy, may give up 5%
    assert short.curtailed_energy_mwh == pytest.approx(0.05 * LOAD_MW * HOURS, rel=1e-6)
    assert short.unserved_energy_mwh == pytest.approx(0.15 * LOAD_MW * HOURS, rel=1e-6)
    valuable = _plan(_inputs(1_000.0, 0.2, value=2.0))  # compute worth far more than 50 USD/MWh power
    assert valuable.curtailed_energy_mwh == pytest.approx(0.0, abs=1e-6)
    cheap = _plan(_inputs(1_000.0, 0.2, value=0.01))  # compute worth less than the power it draws
    assert cheap.curtailed_energy_mwh == pytest.approx(0.2 * LOAD_MW * HOURS, rel=1e-6)


def test_plan_reports_cost_per_delivered_accelerator_hour():
    from gigawatt.power.planner import plan_power

    overrides = ["supply.technologies=[]", "grid.import_mw=850", "grid.availability_csv=null", "constraints.flexible_share=0.12"]  # a firm connection
    plan = plan_power(load_scenario(EXAMPLES / "west-texas-grid-gas.yaml", overrides))
    assert plan.unserved_energy_mwh < 1.0 and plan.curtailed_energy_mwh > 0
    assert 0 < plan.curtailed_compute_share < 0.12
    # fewer delivered hours make each one dearer than the power-only share suggests
    assert plan.cost_usd_per_delivered_accelerator_hour > plan.power_cost_usd_per_accelerator_hour
    # the grid-only baseline buys all it needs from an unlimited connection and gives up no compute
    assert plan.baseline.unserved_energy_mwh < 1.0
    assert plan.baseline.cost_usd_per_delivered_accelerator_hour < plan.cost_usd_per_delivered_accelerator_hour


def test_flexibility_defaults_to_the_clusters_cost_per_accelerator_hour():
    scenario = load_scenario(EXAMPLES / "west-texas-grid-gas.yaml", ["constraints.flexible_share=0.1"])
    from gigawatt.compute.sizing import size

    flex = plan_inputs(scenario).flexibility
    sizing = size(scenario)
    non_energy_usd = sizing.total_cost_usd_per_year - sizing.opex_breakdown_usd_per_year["energy_usd"]
    # a paused hour saves its electricity and wastes the rest of what the hour costs
    assert flex is not None and flex.value_usd_per_accelerator_hour == pytest.approx(non_energy_usd / (sizing.accelerator_count * 8760))
    assert flex.value_usd_per_accelerator_hour < sizing.cost_usd_per_accelerator_hour
    assert 0.3 < flex.accelerator_share < 1.0 and flex.segments
