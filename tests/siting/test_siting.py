"""Fleet siting: the allocation against exhaustive enumeration, monotone constraints, filters, screening
with its cache, and bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import without_progress

from gigawatt.siting import allocation as siting
from gigawatt.core.errors import InfeasibleError, ScenarioError
from gigawatt.siting.scenario import SitingProgramme
from gigawatt.api import parse_scenario

JURISDICTIONS = ("us", "ally", "partner")


def explicit(name: str, **figures) -> dict:
    """A candidate with its own figures (no catalog region)."""
    return {"name": name, "latitude": 35.0, "longitude": -100.0, "country": "US", "jurisdiction": "us", "max_mw": 3000, **figures}


def programme(candidates: list[dict], **fields) -> SitingProgramme:
    return parse_scenario({"name": "test", "start": "2026-01", "target_mw": 4000, "block_mw": 1000, "candidates": candidates, **fields},
                          model=SitingProgramme)


def screened(rng: np.random.Generator, k: int) -> list[siting.Screened]:
    """``k`` made-up candidates in two regions, with costs, emissions and clean shares drawn at random."""
    return [siting.Screened(
        name=f"c{i}", region=f"r{i % 2}", country="US", jurisdiction=JURISDICTIONS[i % 3], max_blocks=int(rng.integers(1, 4)),
        options="both", lcoe_usd_per_mwh=50.0, power_usd_per_mw_year=float(rng.uniform(3e5, 6e5)),
        delay_usd_per_mw_year=float(rng.uniform(0, 1e5)), co2_t_per_mw_year=float(rng.uniform(0, 3000)),
        energy_mwh_per_mw_year=7000.0, carbon_free_share=float(rng.uniform(0, 1)), online_date="2028-01", online_date_set_by="grid_import",
    ) for i in range(k)]


def matching_programme(cands: list[siting.Screened], **constraints) -> SitingProgramme:
    return programme([explicit(c.name, max_mw=c.max_blocks * 1000, jurisdiction=c.jurisdiction) for c in cands], constraints=constraints)


def brute_force(p: SitingProgramme, cands: list[siting.Screened]) -> float | None:
    """The cheapest allocation by enumerating every combination of blocks (None if none is feasible)."""
    c, need = p.constraints, 4
    best = None
    for blocks in itertools.product(*(range(s.max_blocks + 1) for s in cands)):
        if sum(blocks) != need:
            continue
        if c.jurisdictions is not None and any(b and s.jurisdiction not in c.jurisdictions for b, s in zip(blocks, cands)):
            continue
        if c.co2_cap_t_per_year is not None and sum(b * s.co2_t_per_mw_year * 1000 for b, s in zip(blocks, cands)) > c.co2_cap_t_per_year + 1e-6:
            continue
        if c.carbon_free_share is not None and sum(b * (s.carbon_free_share - c.carbon_free_share) for b, s in zip(blocks, cands)) < -1e-9:
            continue
        if c.max_region_share is not None and any(
            sum(b for b, s in zip(blocks, cands) if s.region == r) > np.floor(c.max_region_share * need + 1e-9) for r in ("r0", "r1")
        ):
            continue
        if c.min_sites is not None and sum(b > 0 for b in blocks) < c.min_sites:
            continue
        cost = sum(b * s.score_usd_per_mw_year * 1000 for b, s in zip(blocks, cands))
        best = cost if best is None or cost < best else best
    return best


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000), k=st.integers(3, 5),
    jurisdictions=st.sampled_from([None, ["us"], ["us", "ally"]]),
    co2_cap=st.sampled_from([None, 4e6, 8e6]), clean=st.sampled_from([None, 0.5]),
    share=st.sampled_from([None, 0.5, 0.75]), min_sites=st.sampled_from([None, 2, 3]),
)
def test_allocation_matches_exhaustive_enumeration(seed, k, jurisdictions, co2_cap, clean, share, min_sites):
    cands = screened(np.random.default_rng(seed), k)
    p = matching_programme(cands, jurisdictions=jurisdictions, co2_cap_t_per_year=co2_cap, carbon_free_share=clean,
                           max_region_share=share, min_sites=min_sites)
    expected = brute_force(p, cands)
    if expected is None:
        with pytest.raises(InfeasibleError):
            siting.allocate(p, cands)
    else:
        assert siting.allocate(p, cands).annual_cost_usd == pytest.approx(expected, rel=1e-9)


TIGHTER = {
    "jurisdictions": ({"jurisdictions": ["us", "ally", "partner"]}, {"jurisdictions": ["us", "ally"]}),
    "co2_cap": ({"co2_cap_t_per_year": 9e6}, {"co2_cap_t_per_year": 6e6}),
    "carbon_free_share": ({"carbon_free_share": 0.3}, {"carbon_free_share": 0.5}),
    "max_region_share": ({"max_region_share": 1.0}, {"max_region_share": 0.5}),
    "min_sites": ({"min_sites": 1}, {"min_sites": 3}),
}


@pytest.mark.parametrize("name", sorted(TIGHTER))
@pytest.mark.parametrize("seed", range(8))
def test_tightening_a_constraint_never_lowers_the_cost(name, seed):
    cands = screened(np.random.default_rng(seed), 5)
    loose, tight = TIGHTER[name]
    try:
        tight_cost = siting.allocate(matching_programme(cands, **tight), cands).annual_cost_usd
    except InfeasibleError:
        return  # infinitely costly: never lower
    assert tight_cost >= siting.allocate(matching_programme(cands, **loose), cands).annual_cost_usd - 1e-6


@pytest.mark.parametrize("seed", range(10))
def test_a_jurisdiction_filter_never_places_capacity_outside_it(seed):
    cands = screened(np.random.default_rng(seed), 5)
    try:
        result = siting.allocate(matching_programme(cands, jurisdictions=["us", "ally"]), cands)
    except InfeasibleError:
        return
    assert all(b == 0 or s.jurisdiction in ("us", "ally") for b, s in zip(result.blocks, cands))


def test_a_programme_larger_than_the_candidates_says_by_how_much():
    cands = screened(np.random.default_rng(1), 3)
    with pytest.raises(InfeasibleError, match=r"target_mw 4,000 MW is [\d,]+ MW more than the allowed candidates hold"):
        siting.allocate(matching_programme(cands, jurisdictions=["partner"]), cands)


def test_a_co2_cap_no_mix_meets_is_explained():
    cands = screened(np.random.default_rng(2), 5)
    with pytest.raises(InfeasibleError, match="co2_cap_t_per_year 1 t/yr cannot be met: the cleanest allowed candidate alone emits"):
        siting.allocate(matching_programme(cands, co2_cap_t_per_year=1.0), cands)


def test_contradictory_filters_are_named():
    cands = screened(np.random.default_rng(3), 4)
    cands = [c.__class__(**{**c.__dict__, "max_blocks": 4}) for c in cands]
    with pytest.raises(InfeasibleError, match="constraints.min_sites 5: only 4 candidates are allowed"):
        siting.allocate(matching_programme(cands, min_sites=5), cands)
    with pytest.raises(InfeasibleError, match="constraints.max_region_share cannot be met with the others; relax it"):
        siting.allocate(matching_programme(cands, max_region_share=0.25), cands)
    with pytest.raises(InfeasibleError, match="several of them"):
        siting.allocate(matching_programme(cands, max_region_share=0.25, min_sites=5), cands)
    with pytest.raises(InfeasibleError, match="carbon_free_share 100% cannot be met"):
        siting.allocate(matching_programme(cands, carbon_free_share=1.0), cands)


# --- screening with the site planner ----------------------------------------------------------------


@pytest.fixture(scope="module")
def small_result():
    p = programme([
        explicit("texas", latitude=31.8, longitude=-102.0, price_usd_per_mwh=55, co2_g_per_kwh=380, gas_price_usd_per_mmbtu=2.5, connection_wait_months=36),
        explicit("texas copy", latitude=31.8, longitude=-102.0, price_usd_per_mwh=55, co2_g_per_kwh=380, gas_price_usd_per_mmbtu=2.5, connection_wait_months=36),
        explicit("nordic", latitude=60.0, longitude=10.0, country="NO", jurisdiction="ally", options="grid",
                 price_usd_per_mwh=45, co2_g_per_kwh=30, grid_carbon_free_share=0.98, connection_wait_months=30),
    ], technologies=["gas_recip", "gas_cc", "utility_pv", "battery_li_ion"], value_of_delay_usd_per_mw_month=50_000,
        constraints={"co2_cap_t_per_year": 1.2e7, "jurisdictions": ["us", "ally"]})
    return siting.site(p)


def test_identical_candidates_are_planned_once(small_result):
    s = small_result.screening
    assert (s["plans_solved"], s["cache_hits"]) == (2, 1) and s["cache_hit_rate"] == pytest.approx(1 / 3)
    texas = [c for c in small_result.candidates if c["site"].startswith("texas")]
    assert texas[0]["score_usd_per_mw_year"] == texas[1]["score_usd_per_mw_year"]


def test_site_result_totals_and_constraint_costs(small_result):
    r = small_result
    assert r.total_capacity_mw == 4000.0 == sum(a["capacity_mw"] for a in r.allocations)
    assert r.annual_cost_usd == pytest.approx(r.annual_power_cost_usd + r.annualised_delay_cost_usd)
    assert all(cost >= -1e-6 for cost in r.constraint_costs.values())
    assert set(r.constraint_costs) == {"co2_cap", "jurisdictions"}
    per_mwh = {c["site"]: c for c in r.candidates}
    assert per_mwh["nordic"]["co2_g_per_kwh"] == pytest.approx(30.0, rel=1e-6)  # a grid-only site emits the grid's intensity
    assert per_mwh["nordic"]["online_date"] == "2028-07"  # start + 30 months of connection wait
    assert per_mwh["nordic"]["carbon_free_share"] == pytest.approx(0.98)  # the grid's own mix, all of its energy
    emitted = sum(a["capacity_mw"] / 1000 * per_mwh[a["site"]]["co2_g_per_kwh"] for a in r.allocations)
    assert r.fleet_co2_g_per_kwh <= max(c["co2_g_per_kwh"] for c in r.candidates) and emitted > 0


def test_a_candidate_without_a_place_is_refused():
    p = programme([{"name": "nowhere", "max_mw": 1000}], target_mw=1000)
    with pytest.raises(ScenarioError, match=r"candidates\[nowhere\]: no latitude, longitude, country, jurisdiction; give a catalog region"):
        siting.screen(p)


def test_target_must_be_whole_blocks():
    with pytest.raises(ScenarioError, match="target_mw 4500 is not a whole number of 1000 MW blocks"):
        programme([explicit("a")], target_mw=4500)


def test_cli_site_json_plot_and_csv(cli, tmp_path):
    path = tmp_path / "programme.yaml"
    path.write_text(
        "name: two sites\nstart: 2026-01\ntarget_mw: 2000\nblock_mw: 1000\ntechnologies: [gas_recip]\n"
        "candidates:\n"
        "  - {name: a, latitude: 32, longitude: -102, country: US, jurisdiction: us, max_mw: 1000, price_usd_per_mwh: 50, connection_wait_months: 12}\n"
        "  - {name: b, latitude: 40, longitude: -80, country: US, jurisdiction: us, max_mw: 2000, options: grid, price_usd_per_mwh: 70, connection_wait_months: 24}\n"
        "constraints: {min_sites: 2}\n"
    )
    plot, table = tmp_path / "s.png", tmp_path / "s.csv"
    result = cli("site", str(path), "--json", "--plot", str(plot), "--csv", str(table))
    assert result.code == 0, result.err
    data = result.result()
    for key in ("allocations", "candidates", "total_capacity_mw", "annual_cost_usd", "fleet_co2_g_per_kwh", "constraint_costs"):
        assert key in data
    assert {a["site"] for a in data["allocations"]} == {"a", "b"}
    for key in ("site", "region", "capacity_mw", "lcoe_usd_per_mwh", "co2_g_per_kwh", "online_date", "jurisdiction"):
        assert key in data["allocations"][0]
    assert plot.read_bytes()[:4] == b"\x89PNG" and table.read_text().startswith("rank,site,region")
    bad = cli("site", str(path), "--set", "target_mw=9000")
    error = without_progress(bad.err)  # the screening's progress before it: how far the run got
    assert bad.code == 2 and "more than the allowed candidates hold" in error and error.count("\n") == 1 and bad.err.endswith(error)


def test_norway_unquoted_in_yaml_gets_a_hint(tmp_path):
    from gigawatt.core.inputs import load_scenario

    path = tmp_path / "p.yaml"
    path.write_text("target_mw: 1000\ncandidates:\n  - {region: NO, max_mw: 1000}\n")
    with pytest.raises(ScenarioError, match='write the region in quotes, e.g. region: "NO"'):
        load_scenario(path, model=SitingProgramme)


def test_region_limits_cap_the_mw_placed_in_a_region():
    cands = screened(np.random.default_rng(5), 5)
    cheapest_region = min(cands, key=lambda s: s.score_usd_per_mw_year).region
    free = siting.allocate(matching_programme(cands), cands)
    capped = siting.allocate(matching_programme(cands, region_limits_mw={cheapest_region: 1000}), cands)
    assert capped.mw_by_region.get(cheapest_region, 0.0) <= 1000.0
    assert capped.annual_cost_usd >= free.annual_cost_usd - 1e-6


def test_an_unknown_region_suggests_the_closest(cli, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("target_mw: 1000\ncandidates:\n  - {region: ERCTO, max_mw: 1000}\n")
    result = cli("site", str(path))
    assert result.code == 2 and "unknown region 'ERCTO'; did you mean 'ERCOT'" in result.err


def test_full_year_screening_agrees_with_typical_periods():
    p = programme([explicit("texas", latitude=31.8, longitude=-102.0, price_usd_per_mwh=55, co2_g_per_kwh=380,
                            gas_price_usd_per_mmbtu=2.5, connection_wait_months=36)],
                  target_mw=1000, technologies=["gas_recip", "gas_cc"])
    typical = siting.screen(p, workers=1).candidates[0]
    full = siting.screen(p, full_year=True, workers=1).candidates[0]
    assert full.online_date == typical.online_date
    assert full.lcoe_usd_per_mwh == pytest.approx(typical.lcoe_usd_per_mwh, rel=0.02)  # typical periods: within 2%


def test_an_onsite_candidate_without_technologies_is_refused():
    p = programme([explicit("bare", options="onsite")], target_mw=1000, technologies=[])
    with pytest.raises(ScenarioError, match=r"candidates\[bare\]: options onsite but technologies is empty"):
        siting.screen(p, workers=1)
