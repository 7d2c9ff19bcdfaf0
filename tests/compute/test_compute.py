"""Cluster sizing: public reference figures (../shared/reference/anchors.md) and physical invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt import catalog, capital_recovery_factor, parse_scenario
from gigawatt.compute.sizing import size
from gigawatt.compute.sizing import HOURS_PER_YEAR, SECONDS_PER_DAY
from gigawatt.core.errors import ScenarioError

DEFAULT_TOLERANCE = 0.15  # anchors.md: ±15% unless the source gives a range


UNPRICED_PRICE_USD = 20_000.0  # an arbitrary price for chips the catalog cannot price (TPU, Trainium)


def sized(accelerator: str, **cluster):
    costs = dict(cluster.pop("costs", {}))
    names = catalog.accelerators().set_index("name")["unit_price_usd"]
    if accelerator in names and math.isnan(names[accelerator]):
        costs.setdefault("accelerator_price_usd", UNPRICED_PRICE_USD)
    return size(parse_scenario({"cluster": {"accelerator": accelerator, **cluster}, "costs": costs}))


def within(value: float, reference: float, tolerance: float = DEFAULT_TOLERANCE) -> bool:
    return abs(value / reference - 1.0) <= tolerance


# --- reference figures ------------------------------------------------------------------------------


def test_100k_h100_draw_about_150_mw_at_the_meter():
    # Aschenbrenner, Situational Awareness IIIa (2024), citing SemiAnalysis: 100,000 H100 ≈ 150 MW; ±15%.
    result = sized("H100", count=100_000)
    assert within(result.facility_power_mw, 150.0)


def test_h100_installed_power_per_gpu_within_epoch_range():
    # Epoch AI, Can AI Scaling Continue Through 2030? (2024): installed power per H100 incl. PUE,
    # P10 1,528 W / median 1,704 W / P90 1,846 W. The source gives a range: stay inside it.
    result = sized("H100 SXM", count=1_000)
    watts_per_gpu = result.facility_power_mw * 1e6 / result.accelerator_count
    assert 1_528 <= watts_per_gpu <= 1_846


def test_llama_405b_worked_example():
    # Epoch AI 2024 worked example: Llama 3.1 405B, 4e25 FLOP in 72 days on 16,000 H100 × 1,700 W = 27 MW.
    # Epoch's own arithmetic assumes ~40% utilisation of peak over the whole run, so this case sets
    # MFU 0.40 and goodput 1.0 (the run's wall-clock already holds the downtime); ±15%.
    result = sized("H100", training={"flop": 4e25, "days": 72}, model_flop_utilisation=0.40, utilisation=1.0)
    assert within(result.accelerator_count, 16_000)
    assert within(result.facility_power_mw, 27.0)


def test_10_gw_of_newest_nvidia_systems_hold_4_to_5_million_gpus():
    # J. Huang on the OpenAI-NVIDIA letter of intent (Sept 2025): 10 GW of NVIDIA systems ≈ "4-5 million
    # GPUs" (his shipments for a year, mostly Blackwell Ultra). The source gives a range: stay inside it.
    for name in ("GB300 NVL72", "GB300"):
        result = sized(name, power_mw=10_000)
        assert 4.0e6 <= result.accelerator_count <= 5.0e6, (name, result.accelerator_count)


def test_one_gigawatt_of_it_costs_what_epoch_estimates():
    # Epoch AI data insight (May 2026): a 1 GW (IT nameplate) AI data centre of GB200 NVL72 systems needs
    # USD 38 B of capital; ±15%.
    rack = sized("GB200 NVL72", count=1)
    racks = round(1_000 / rack.it_power_mw)
    result = sized("GB200 NVL72", count=racks)
    assert within(result.capex_usd, 38e9)


def test_one_gigawatt_at_the_meter_costs_tens_of_billions():
    # J. Huang, NVIDIA Q2 FY26 call (Aug 2025): USD 50-60 B per GW all-in; Epoch AI (Nov 2025): ~USD 29 B
    # per GW of facility power. The public estimates span 29-60 B; stay inside that span ±15%.
    result = sized("GB300 NVL72", power_mw=1_000)
    assert 29e9 * (1 - DEFAULT_TOLERANCE) <= result.capex_usd <= 60e9 * (1 + DEFAULT_TOLERANCE)


# --- invariants -------------------------------------------------------------------------------------

ACCELERATOR_NAMES = catalog.accelerators()["name"].tolist()


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(ACCELERATOR_NAMES), count=st.integers(1, 5_000_000))
def test_facility_power_is_it_power_times_pue_and_energy_balances(name, count):
    r = sized(name, count=count)
    assert math.isclose(r.facility_power_mw, r.it_power_mw * r.pue, rel_tol=1e-12)
    assert math.isclose(r.average_power_mw, r.it_power_average_mw * r.pue, rel_tol=1e-12)
    # energy in a year = average draw × hours; average never above peak
    assert math.isclose(r.annual_energy_mwh, r.average_power_mw * HOURS_PER_YEAR, rel_tol=1e-12)
    assert r.average_power_mw <= r.facility_power_mw
    assert math.isclose(r.capex_usd, sum(r.capex_breakdown_usd.values()), rel_tol=1e-12)
    assert math.isclose(r.opex_usd_per_year, sum(r.opex_breakdown_usd_per_year.values()), rel_tol=1e-12)


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(ACCELERATOR_NAMES), count=st.integers(1, 2_000_000))
def test_doubling_the_count_doubles_power_energy_and_cost(name, count):
    one, two = sized(name, count=count), sized(name, count=2 * count)
    for field in ("it_power_mw", "facility_power_mw", "annual_energy_mwh", "capex_usd", "opex_usd_per_year"):
        assert math.isclose(getattr(two, field), 2 * getattr(one, field), rel_tol=1e-9), field
    # per-hour and per-FLOP costs do not depend on scale
    assert math.isclose(two.cost_usd_per_accelerator_hour, one.cost_usd_per_accelerator_hour, rel_tol=1e-9)


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(ACCELERATOR_NAMES), count=st.integers(1, 2_000_000))
def test_power_budget_sizing_round_trips(name, count):
    by_count = sized(name, count=count)
    by_power = sized(name, power_mw=by_count.facility_power_mw * (1 + 1e-9))
    assert by_power.count == count
    assert by_power.facility_power_mw <= by_count.facility_power_mw * (1 + 1e-9)


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(ACCELERATOR_NAMES), count=st.integers(1, 1_000_000), days=st.floats(1, 365))
def test_training_sizing_round_trips(name, count, days):
    by_count = sized(name, count=count)
    flop = by_count.delivered_flop_per_year * days * SECONDS_PER_DAY / (HOURS_PER_YEAR * 3600)
    by_training = sized(name, training={"flop": flop * (1 - 1e-9), "days": days})
    assert by_training.count == count


def test_overrides_are_used_and_reported():
    r = sized("H100", count=1000, pue=1.5, costs={"electricity_price_usd_per_mwh": 100})
    assert math.isclose(r.facility_power_mw, r.it_power_mw * 1.5)
    assert r.assumptions["pue"].source == "scenario"
    assert math.isclose(r.opex_breakdown_usd_per_year["energy_usd"], r.annual_energy_mwh * 100)
    default = sized("H100", count=1000)
    assert default.assumptions["pue"].source.startswith("Epoch AI")


def test_liquid_cooling_adds_its_premium_to_capital():
    air = sized("H100", count=1000, cooling="air", pue=1.2)
    liquid = sized("H100", count=1000, cooling="liquid", pue=1.2)
    assert air.capex_breakdown_usd["cooling_usd"] == 0
    share = liquid.assumptions["liquid_cooling_premium_share"].value
    assert math.isclose(liquid.capex_breakdown_usd["cooling_usd"], share * liquid.capex_breakdown_usd["building_electrical_usd"])


def test_capital_recovery_factor():
    assert capital_recovery_factor(0.0, 20) == pytest.approx(1 / 20)
    # textbook value: 7% over 20 years → 0.0944
    assert capital_recovery_factor(0.07, 20) == pytest.approx(0.09439, abs=1e-5)
    # an annuity of CRF × P over n years has present value P
    r, n = 0.0855, 14
    pv = sum(capital_recovery_factor(r, n) / (1 + r) ** t for t in range(1, n + 1))
    assert pv == pytest.approx(1.0)


def test_cost_per_hour_and_per_flop_are_consistent():
    r = sized("H100", count=10_000)
    assert r.cost_usd_per_accelerator_hour == pytest.approx(r.total_cost_usd_per_year / (10_000 * HOURS_PER_YEAR))
    assert r.cost_usd_per_useful_accelerator_hour > r.cost_usd_per_accelerator_hour
    assert r.cost_usd_per_1e24_flop == pytest.approx(r.total_cost_usd_per_year / r.delivered_flop_per_year * 1e24)


# --- bad input --------------------------------------------------------------------------------------


def test_power_budget_smaller_than_one_unit_is_refused():
    with pytest.raises(ScenarioError, match="cluster.power_mw"):
        sized("H100", power_mw=0.0001)


def test_unpriced_accelerator_asks_for_a_price():
    with pytest.raises(ScenarioError, match=r"costs.accelerator_price_usd: TPU v7 has no public price"):
        size(parse_scenario({"cluster": {"accelerator": "Ironwood", "count": 10}}))


def test_unknown_accelerator_suggests_close_names():
    with pytest.raises(ScenarioError, match=r"unknown accelerator 'H1OO'.*did you mean 'H100 SXM'"):
        sized("H1OO", count=10)


def test_the_campus_contracts_its_peak_and_installs_it_with_its_redundancy():
    """Uptime Institute, Tier Standard: Topology (2018): N+1 adds one component to the N that carry the
    load (Tier III), 2N duplicates them (Tier IV). The grid connection is the peak at the meter either way."""
    import gigawatt
    from gigawatt.core.errors import ScenarioError

    base = {"name": "test", "cluster": {"accelerator": "H100", "count": 100_000}}
    plain = gigawatt.size(base, store=None)
    assert plain.contracted_grid_mw == pytest.approx(plain.facility_power_mw) == pytest.approx(plain.electrical_nameplate_mw)
    n_plus_1 = gigawatt.size(base, set={"cluster.redundancy": "N+1", "cluster.redundancy_blocks": 4}, store=None)
    assert n_plus_1.electrical_nameplate_mw == pytest.approx(1.25 * plain.facility_power_mw)
    two_n = gigawatt.size(base, set={"cluster.redundancy": "2N"}, store=None)
    assert two_n.electrical_nameplate_mw == pytest.approx(2 * plain.facility_power_mw) and two_n.contracted_grid_mw == plain.contracted_grid_mw
    with pytest.raises(ScenarioError, match="cluster.redundancy_blocks: N\\+1 needs"):
        gigawatt.size(base, set={"cluster.redundancy": "N+1"}, store=None)
