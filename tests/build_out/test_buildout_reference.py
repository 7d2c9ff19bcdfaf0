"""The build-out model against public figures: the trillion-dollar-cluster trend, the share of US
electricity it implies, and the real clusters and construction times in Epoch AI's data."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import EXAMPLES, shared_file

from gigawatt.build_out.simulation import simulate
from gigawatt.build_out.scenario import BuildoutScenario
from gigawatt.api import load_scenario

TREND = EXAMPLES / "buildout" / "trend.yaml"
TOLERANCE = 0.25  # the tolerance for the trend's power and H100-equivalents


def trend(*overrides: str):
    return simulate(load_scenario(TREND, list(overrides), model=BuildoutScenario))


def at(periods: pd.DataFrame, month: str) -> pd.Series:
    """The first weekly state on or after the first day of ``month``."""
    return periods[periods["date"] >= f"{month}-01"].iloc[0]


# Aschenbrenner, Situational Awareness IIIa (2024), table of the largest training cluster by year
ASCHENBRENNER = {"2026": (1.0, 1e6), "2028": (10.0, 1e7), "2030": (100.0, 1e8)}


@pytest.mark.parametrize("year", sorted(ASCHENBRENNER))
def test_trend_power_and_h100_equivalents_within_25_percent(year):
    gw, h100e = ASCHENBRENNER[year]
    row = at(trend().periods, f"{year}-01")
    assert row["online_gw"] == pytest.approx(gw, rel=TOLERANCE)
    assert row["h100_equivalents"] == pytest.approx(h100e, rel=TOLERANCE)


@pytest.mark.xfail(strict=True, reason=(
    "his 2024 row puts ~100k H100-equivalents at ~100 MW (1 kW each); H100s draw ~1.7 kW each at the meter "
    "(Epoch median 1,704 W; the same report cites ~150 MW for 100k H100), so 100 MW holds ~59k (-41%)"
))
def test_trend_2024_h100_equivalents_within_25_percent():
    row = at(trend().periods, "2024-01")
    assert row["online_gw"] == pytest.approx(0.1, rel=TOLERANCE)
    assert row["h100_equivalents"] == pytest.approx(1e5, rel=TOLERANCE)


# his cost column is an order of magnitude: "billions", "10s of billions", "100s of billions", "1T+"
COST_BANDS_USD = {"2024": (1e9, 1e10), "2026": (1e10, 1e11), "2028": (1e11, 1e12), "2030": (1e12, 1e13)}


@pytest.mark.parametrize("year", sorted(COST_BANDS_USD))
def test_trend_cluster_cost_in_the_projection_band(year):
    low, high = COST_BANDS_USD[year]
    assert low <= at(trend().periods, f"{year}-01")["capex_online_usd"] < high


def test_trend_2030_share_of_us_electricity():
    # Aschenbrenner (2024): 100 GW for a year = 876 TWh against ~4,250 TWh of US production, "> 20%".
    # His figure counts every hour at full power, so the load factor is set to 1 here.
    result = trend("load_factor=1")
    year = result.national.set_index("year").loc[2030]
    assert year["demand_twh"] == pytest.approx(876.0, rel=0.01)
    assert 0.20 < year["share_of_base_year"] == pytest.approx(876.0 / 4250.0, rel=0.05)
    # against the generation projected for 2030 (EIA AEO2025 growth) the share is lower but still large
    assert 0.15 < year["share_of_generation"] < year["share_of_base_year"]
    # at the catalog's average draw (~78% of peak) the same cluster uses ~680 TWh
    own = trend().national.set_index("year").loc[2030]
    assert own["demand_twh"] == pytest.approx(876.0 * 0.776, rel=0.02)


def test_default_construction_time_matches_epoch_timelines():
    # catalog buildout_construction_months = 20: Epoch data-centre timelines, first construction
    # milestone (zero power) to first power, median over campuses; tolerance 10%
    t = pd.read_csv(shared_file("data", "epoch-ai", "data_center_timelines.csv"), parse_dates=["Date"])
    months = []
    for _, g in t.sort_values("Date").groupby("Data center"):
        power = g["Power (MW)"].fillna(0)
        if (power == 0).any() and (power > 0).any() and g["Date"][power > 0].iloc[0] > g["Date"][power == 0].iloc[0]:
            months.append((g["Date"][power > 0].iloc[0] - g["Date"][power == 0].iloc[0]).days / 30.44)
    assert len(months) >= 10
    assert pd.Series(months).median() == pytest.approx(20.0, rel=0.10)


def largest_real_cluster_gw(year: int) -> tuple[float, float]:
    """The largest AI cluster operating by the end of ``year`` in Epoch AI's data, GW: the largest single
    training cluster (gpu_clusters.csv, existing) and the largest frontier campus by its dated milestones
    (data_center_timelines.csv, which carries Epoch's projections beyond the present)."""
    clusters = pd.read_csv(shared_file("data", "epoch-ai", "gpu_clusters.csv"))
    first = pd.to_datetime(clusters["First Operational Date"], errors="coerce")
    single = clusters[(clusters["Status"] == "Existing") & (clusters["Single cluster?"] == "Yes") & (first.dt.year <= year)]
    timelines = pd.read_csv(shared_file("data", "epoch-ai", "data_center_timelines.csv"), parse_dates=["Date"])
    campus = timelines[timelines["Date"].dt.year <= year]["Power (MW)"].max()
    return single["Power Capacity (MW)"].max() / 1e3, campus / 1e3


def test_trend_against_the_largest_real_cluster_by_year(capsys):
    # the trend preset should stay within a factor of 3 of the largest real campus while data exist
    periods = trend().periods
    rows = [(year, at(periods, f"{year + 1}-01")["online_gw"], *largest_real_cluster_gw(year)) for year in range(2024, 2029)]
    with capsys.disabled():
        print("\nend of  trend GW  largest single cluster GW  largest campus GW (Epoch)  trend / campus")
        for year, model, single, campus in rows:
            print(f"{year}    {model:8.2f}  {single:25.2f}  {campus:26.2f}  {model / campus:14.2f}")
    for year, model, _, campus in rows[:3]:  # 2024-2026: built, or under construction in Epoch's data
        assert 1 / 3 <= model / campus <= 3, year
