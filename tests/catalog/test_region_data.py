"""Region data that decides where a campus goes: no two candidates of the bundled siting examples plan the
same only because catalog defaults filled their figures; gas hubs and their monthly prices; and the
scenario errors of a mistyped hub."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, shared_file

from gigawatt import catalog
from gigawatt import weather as profiles
from gigawatt.siting import allocation as siting
from gigawatt.core.errors import ScenarioError
from gigawatt.power.plan import plan_inputs
from gigawatt.power.planner import plan_power
from gigawatt.power.weather_years import era5_hour_beginning
from gigawatt.siting.scenario import SitingProgramme
from gigawatt.api import load_scenario, parse_scenario

SITING_EXAMPLES = sorted((EXAMPLES / "site").glob("*.yaml"))
# Two plans "the same": power cost within 0.01 % and the same online month. Places with the same supply
# mix differ only in their synthetic weather then (a few USD per MW-year), which no planner would act on.
SAME_COST_REL = 1e-4
# Catalog defaults the three siting examples used before the regions catalog was filled (issue 18), counting
# only figures a candidate's plan uses (a grid-only site's gas price is not one): us-10gw-2029 22,
# allied-10gw 46, clean-5gw 16. The bar is a fall of at least three quarters.
DEFAULTS_BEFORE = 84
DEFAULTS_MAX_SHARE = 0.25


def same_only_by_default(screened: list[siting.Screened]) -> list[str]:
    """Pairs of candidates in different regions whose plans come out the same while a figure of either came
    from the planner's catalog defaults: the places may differ, the inputs that would show it do not."""
    pairs = []
    for a, b in itertools.combinations(screened, 2):
        same = a.online_date == b.online_date and math.isclose(a.power_usd_per_mw_year, b.power_usd_per_mw_year, rel_tol=SAME_COST_REL)
        if a.region != b.region and same and (a.defaults or b.defaults):
            pairs.append(f"{a.name} = {b.name} (defaults {', '.join(a.defaults) or '-'} / {', '.join(b.defaults) or '-'})")
    return pairs


def programme(candidates: list[dict], **fields) -> SitingProgramme:
    return parse_scenario({"name": "test", "start": "2026-01", "target_mw": 1000, "block_mw": 1000, "candidates": candidates, **fields},
                          model=SitingProgramme)


@pytest.fixture(scope="module")
def example_screenings() -> dict[str, siting.Screening]:
    return {path.stem: siting.screen(load_scenario(path, model=SitingProgramme), workers=1) for path in SITING_EXAMPLES}


def test_the_siting_examples_have_no_candidates_made_the_same_by_defaults(example_screenings):
    assert len(example_screenings) == 4  # the three of issue 18 and queue-proxy (issue 31)
    for name, screening in example_screenings.items():
        assert same_only_by_default(screening.candidates) == [], name


def test_the_siting_examples_use_a_quarter_of_the_defaults_they_used(example_screenings):
    used = {name: sum(len(s.defaults) for s in screening.candidates) for name, screening in example_screenings.items()}
    assert sum(used.values()) <= DEFAULTS_BEFORE * DEFAULTS_MAX_SHARE, used


def test_the_check_catches_two_places_made_the_same_by_defaults():
    # West Texas and Ohio without a figure of their own: the planner's defaults make them one plan
    place = {"country": "US", "jurisdiction": "us", "max_mw": 1000}
    p = programme([{"name": "west texas", "latitude": 31.8, "longitude": -102.4, **place},
                   {"name": "ohio", "latitude": 40.1, "longitude": -82.7, **place}], technologies=["gas_recip"])
    pairs = same_only_by_default(siting.screen(p, workers=1).candidates)
    assert len(pairs) == 1 and pairs[0].startswith("west texas = ohio (defaults price_usd_per_mwh")
    # given their gas prices (Waha and Dominion South differ), they are no longer the same
    p = programme([{"name": "west texas", "latitude": 31.8, "longitude": -102.4, "gas_price_usd_per_mmbtu": 0.8, "options": "onsite", **place},
                   {"name": "ohio", "latitude": 40.1, "longitude": -82.7, "gas_price_usd_per_mmbtu": 1.9, "options": "onsite", **place}],
                  technologies=["gas_recip"])
    assert same_only_by_default(siting.screen(p, workers=1).candidates) == []


def test_defaults_count_only_figures_the_plan_uses():
    p = programme([{"region": "NO", "max_mw": 1000, "options": "grid"}, {"region": "NO", "name": "onsite", "max_mw": 1000, "options": "onsite"}],
                  technologies=["gas_recip"])
    grid_only, onsite = (siting.defaults_used(p, c, siting.candidate_figures(c)) for c in p.candidates)
    assert not {"gas_price_usd_per_mmbtu", "solar_yield_kwh_per_kwp", "wind_cf"} & set(grid_only)
    assert not {"price_usd_per_mwh", "connection_wait_months", "co2_g_per_kwh", "solar_yield_kwh_per_kwp", "wind_cf"} & set(onsite)


# --- gas hubs ---------------------------------------------------------------------------------------


def test_every_region_gas_price_is_its_hub_price():
    regions = catalog.regions()
    hubs = catalog.gas_hubs()
    assert set(regions["gas_hub"].dropna()) <= set(hubs["hub"])
    for _, row in regions.dropna(subset=["gas_hub"]).iterrows():
        hub = catalog.gas_hub(row["gas_hub"], int(row["gas_year"]))
        assert row["gas_price_usd_per_mmbtu"] == pytest.approx(hub["price_usd_per_mmbtu"]), row["region"]
        assert row["gas_hub"] in row["source"] or hub["name"] in row["source"], row["region"]


def test_monthly_hub_prices_average_to_the_annual_figure():
    hubs = catalog.gas_hubs()
    monthly = hubs.dropna(subset=list(catalog.MONTHS))
    for _, row in monthly.iterrows():
        mean = sum(row[m] for m in catalog.MONTHS) / 12
        # a published annual average weights trading days, not months: within 5 % (or 0.1 USD near zero)
        assert mean == pytest.approx(row["price_usd_per_mmbtu"], rel=0.05, abs=0.1), (row["hub"], row["year"])


def _gas_plan(limits: dict) -> dict:
    return {
        "name": "gas", "start": "2026-01", "cluster": {"accelerator": "H100 SXM", "power_mw": 100},
        "site": {"latitude": 31.8, "longitude": -102.4}, "grid": {"import_mw": 0},
        "supply": {"technologies": ["gas_recip"], "limits": {"gas_recip": limits}},
    }


def test_a_hub_with_monthly_prices_charges_each_month_its_price():
    monthly = catalog.gas_hubs().dropna(subset=list(catalog.MONTHS)).sort_values("year").groupby("hub").tail(1)
    if monthly.empty:
        pytest.skip("no hub in the catalog has monthly prices")
    hub = monthly.iloc[0]
    scenario = parse_scenario(_gas_plan({"gas_hub": hub["hub"]}))
    inputs = plan_inputs(scenario)
    cost = inputs.marginal_usd_per_mwh("gas_recip")
    heat_rate = float(catalog.technologies().set_index("technology").at["gas_recip", "heat_rate_mmbtu_per_mwh"])
    # the hourly cost moves with the month's hub price at the heat rate, and nothing else does
    by_month = cost.groupby(cost.index.month).first()
    january = by_month.iloc[0]
    for month, value in by_month.items():
        assert value - january == pytest.approx(heat_rate * (hub[f"m{month:02d}"] - hub["m01"]), abs=1e-9), month
    # the plan's fuel bill is the hourly dispatch at the hour's price
    plan = plan_power(scenario, baseline=False)
    flat = plan_power(parse_scenario(_gas_plan({"fuel_price_usd_per_mmbtu": float(hub["price_usd_per_mmbtu"])})), baseline=False)
    assert plan.energy_mwh["gas_recip"] == pytest.approx(flat.energy_mwh["gas_recip"], rel=1e-6)  # the same load served
    assert plan.annual_cost_usd != pytest.approx(flat.annual_cost_usd, rel=1e-6)


def test_a_hub_without_monthly_prices_is_its_annual_average():
    hub = catalog.gas_hub("henry_hub")
    by_hub = plan_power(parse_scenario(_gas_plan({"gas_hub": "Henry Hub"})), baseline=False)
    by_price = plan_power(parse_scenario(_gas_plan({"fuel_price_usd_per_mmbtu": float(hub["price_usd_per_mmbtu"])})), baseline=False)
    if pd.isna(hub["m01"]):
        assert by_hub.annual_cost_usd == pytest.approx(by_price.annual_cost_usd, rel=1e-9)
    else:
        assert by_hub.energy_mwh["gas_recip"] == pytest.approx(by_price.energy_mwh["gas_recip"], rel=1e-6)


@pytest.mark.parametrize(("limits", "message"), [
    ({"gas_hub": "wahaa"}, r"supply.limits.gas_recip.gas_hub: unknown gas hub 'wahaa'; did you mean 'waha'"),
    ({"gas_hub": "waha", "fuel_price_usd_per_mmbtu": 2.0}, "give fuel_price_usd_per_mmbtu or gas_hub, not both"),
])
def test_a_wrong_gas_hub_is_named(limits, message):
    with pytest.raises(ScenarioError, match=message):
        plan_inputs(parse_scenario(_gas_plan(limits)))


def test_a_gas_hub_on_a_plant_without_fuel_is_refused():
    data = _gas_plan({})
    data["supply"] = {"technologies": ["utility_pv", "gas_recip"], "limits": {"utility_pv": {"gas_hub": "waha"}}}
    with pytest.raises(ScenarioError, match="supply.limits.utility_pv.gas_hub: utility_pv burns no fuel"):
        plan_inputs(parse_scenario(data))


def test_the_cli_names_a_mistyped_hub_with_exit_2(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(_gas_plan({"gas_hub": "henryhub2"})))
    gigawatt = Path(sys.executable).with_name("gigawatt")
    for command in ("plan", "validate"):
        done = subprocess.run([str(gigawatt), command, str(path), *(["--no-store"] if command == "plan" else [])],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.strip().splitlines()[-1].startswith("error: supply.limits.gas_recip.gas_hub: unknown gas hub 'henryhub2'"), command
        assert "Traceback" not in done.stderr


def test_a_gas_year_the_hub_lacks_lists_the_years_it_has():
    with pytest.raises(ScenarioError, match=r"supply.limits.gas_recip.gas_hub: gas hub 'waha' has no 2019 prices; it has 2024, 2025"):
        plan_inputs(parse_scenario(_gas_plan({"gas_hub": "waha", "gas_year": 2019})))


# --- regional hourly profiles -----------------------------------------------------------------------


def _profile_plan(**site) -> dict:
    return {
        "name": "profile", "start": "2026-01", "cluster": {"accelerator": "H100 SXM", "power_mw": 100},
        "site": {"latitude": 31.8, "longitude": -102.4, "solar_yield_kwh_per_kwp": 1640, "wind_mean_cf": 0.39, **site},
        "grid": {"import_mw": 0}, "supply": {"technologies": ["utility_pv", "onshore_wind", "gas_recip"]},
    }


def test_a_region_profile_brings_its_hours_at_the_site_level():
    synthetic = plan_inputs(parse_scenario(_profile_plan()))
    regional = plan_inputs(parse_scenario(_profile_plan(profile="ercot_top25_merra2_2018")))
    for tech in ("utility_pv", "onshore_wind"):
        # the same annual energy as the site's figures give, on other hours
        assert regional.capacity_factor[tech].mean() == pytest.approx(synthetic.capacity_factor[tech].mean(), rel=1e-6), tech
        assert regional.capacity_factor[tech].between(0, 1).all()
        assert "ercot_top25_merra2_2018" in regional.capacity_factor[tech].attrs["source"]
    assert regional.capacity_factor["onshore_wind"].mean() == pytest.approx(0.39, rel=1e-6)
    pv = regional.capacity_factor["utility_pv"]
    # local standard time: no sun at local midnight; the mean day centres on solar noon (11:50 at 102.4 W on
    # Mountain Standard Time, so hour-beginning labels centre on 11.3), within the spread of ERCOT's cells
    assert pv[pv.index.hour == 0].max() == 0.0
    angle = 2 * math.pi * pv.index.hour / 24
    centre = (math.atan2((pv * np.sin(angle)).sum(), (pv * np.cos(angle)).sum()) / (2 * math.pi) * 24) % 24
    assert centre == pytest.approx(11.3, abs=1.0)
    # real weather: wind and sun vary day to day far more than hour-of-day means explain
    wind = regional.capacity_factor["onshore_wind"]
    assert wind.resample("D").mean().std() > 0.1


def test_the_bundled_us_profile_is_the_shared_era5_year():
    era5 = pd.read_csv(shared_file("data", "us-hourly-cf-era5", "us_top25pct_hourly_cf_2010_2020.csv"))
    year = era5[era5["year"] == 2018].reset_index(drop=True)
    with catalog.profile_file("us_conus_top25_era5_2018") as path:
        bundled = pd.read_csv(path)
    assert len(bundled) == len(year) == 8760
    for column in ("solar_cf", "wind_cf"):
        # the shared file's values are hour-ending; the bundled ones hour-beginning (the reader's one definition),
        # rounded to 4 decimals
        hour_beginning = era5_hour_beginning(year[column])
        assert np.abs(bundled[column].to_numpy() - hour_beginning).max() <= 5e-5 + 1e-12, column
    row = catalog.profile("us_conus_top25_era5_2018")
    assert row["solar_mean_cf"] == pytest.approx(year["solar_cf"].mean(), abs=5e-4)
    assert row["wind_mean_cf"] == pytest.approx(year["wind_cf"].mean(), abs=5e-4)


def test_every_profile_row_matches_its_file_and_regions():
    regions = catalog.regions().set_index("region")
    for _, row in catalog.profiles().iterrows():
        with catalog.profile_file(row["profile"]) as path:
            frame = pd.read_csv(path)
        assert set(frame["year"]) == {row["year"]} and len(frame) == 8760
        assert frame["solar_cf"].mean() == pytest.approx(row["solar_mean_cf"], abs=5e-4), row["profile"]
        assert frame["wind_cf"].mean() == pytest.approx(row["wind_mean_cf"], abs=5e-4), row["profile"]
        for region in row["regions"].split(";"):
            assert regions.at[region.strip(), "profile"] == row["profile"], region


@pytest.mark.parametrize(("site", "message"), [
    ({"profile": "ercot_2018"}, r"site.profile: unknown profile 'ercot_2018'; did you mean 'ercot_top25_merra2_2018'"),
    ({"profile": "ercot_top25_merra2_2018", "wind_csv": "w.csv"}, "give profile or wind_csv, not both"),
])
def test_a_wrong_profile_is_named(site, message):
    with pytest.raises(ScenarioError, match=message):
        plan_inputs(parse_scenario(_profile_plan(**site)))


@pytest.mark.parametrize("mean", [0.0, 0.1, 0.39, 0.7])
def test_scaling_to_a_mean_keeps_hours_in_range_and_hits_the_mean(mean):
    rng = np.random.default_rng(3)
    series = pd.Series(rng.beta(0.8, 2.0, 8760))
    scaled = profiles.scale_to_mean(series, mean)
    assert scaled.between(0, 1).all()
    assert scaled.mean() == pytest.approx(mean, abs=1e-9)


def test_siting_with_hourly_profiles_plans_on_the_region_profile():
    p = programme([{"region": "ERCOT_W", "max_mw": 1000}, {"region": "NO", "max_mw": 1000}],
                  technologies=["utility_pv", "onshore_wind", "gas_recip"], hourly_profiles=True)
    west_texas, norway = (siting.candidate_scenario(p, c, siting.candidate_figures(c)) for c in p.candidates)
    assert west_texas.site.profile == "ercot_top25_merra2_2018"
    assert norway.site.profile is None  # no bundled profile: the synthetic series, scaled to the region's figures


def test_the_catalog_hash_covers_the_hourly_profiles(tmp_path, monkeypatch):
    # a stored run is reused only for the same catalog: a changed profile must change the hash
    import shutil

    from gigawatt import store

    copy = tmp_path / "catalog"
    shutil.copytree(store.CATALOG_DIR, copy)
    monkeypatch.setattr(store, "CATALOG_DIR", copy)
    store.catalog_hash.cache_clear()  # the hash is computed once a process
    before = store.catalog_hash()
    profile = next(copy.glob("profiles/*.csv.gz"))
    profile.write_bytes(profile.read_bytes() + b"\0")
    store.catalog_hash.cache_clear()
    changed = store.catalog_hash()
    monkeypatch.undo()
    store.catalog_hash.cache_clear()
    assert changed != before
