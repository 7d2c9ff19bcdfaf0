"""The national view: bundled generation agrees with its source; shares match published reference figures."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import shared_file
from gigawatt import DataError, ScenarioError, catalog
from gigawatt.catalog import NATIONAL_GENERATION_SCHEMA, read_table
from gigawatt.build_out.national import country_code, generation_twh, share_of_generation

OWID_CITATION = "via Our World in Data (electricity-prod-source-stacked)"
SOURCE_TOLERANCE = 0.005  # bundled figures are the OWID totals rounded to 0.1 TWh

ENTITY = {
    "USA": "United States", "CHN": "China", "EU27": "European Union (27)", "IND": "India", "JPN": "Japan",
    "SAU": "Saudi Arabia", "ARE": "United Arab Emirates", "GBR": "United Kingdom", "WORLD": "World",
}
EU_MEMBERS = [
    "Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "Czechia", "Denmark", "Estonia", "Finland", "France",
    "Germany", "Greece", "Hungary", "Ireland", "Italy", "Latvia", "Lithuania", "Luxembourg", "Malta", "Netherlands",
    "Poland", "Portugal", "Romania", "Slovakia", "Slovenia", "Spain", "Sweden",
]
GULF_BUT_UAE = ["Saudi Arabia", "Qatar", "Kuwait", "Oman", "Bahrain"]


@pytest.fixture(scope="module")
def owid() -> pd.DataFrame:
    """Total generation (sum of the 9 sources, TWh) by year (rows) and entity (columns)."""
    frame = pd.read_csv(shared_file("data", "owid-electricity", "electricity-prod-source-stacked.csv"))
    frame["total"] = frame.iloc[:, 3:12].sum(axis=1)
    return frame.pivot_table(index="Year", columns="Entity", values="total", aggfunc="sum")


def _owid_total(owid: pd.DataFrame, entities: list[str], year: int) -> float | None:
    if year not in owid.index or owid.loc[year, entities].isna().any():
        return None
    return float(owid.loc[year, entities].sum())


def test_every_bundled_figure_agrees_with_the_owid_file(owid):
    """Each row is within 0.5% of the OWID total it cites; rows the file cannot give cite another source."""
    table = catalog.national_generation()
    bundled = table.set_index(["country", "year"])["generation_twh"]
    checked = 0
    for row in table.itertuples(index=False):
        if row.country == "GCC":
            expected = _owid_total(owid, [*GULF_BUT_UAE, "United Arab Emirates"], row.year)
            if expected is None:  # the 2024 export has no UAE after 2000: check the other five members
                expected = _owid_total(owid, GULF_BUT_UAE, row.year) + bundled[("ARE", row.year)]
        else:
            expected = _owid_total(owid, [ENTITY[row.country]], row.year)
            if expected is None and row.country == "EU27":
                expected = _owid_total(owid, EU_MEMBERS, row.year)
                assert "27 member states" in row.source
        if expected is None:
            assert OWID_CITATION not in row.source and "Statistical Review of World Energy (2022)" in row.source
            continue
        assert OWID_CITATION in row.source
        assert row.generation_twh == pytest.approx(expected, rel=SOURCE_TOLERANCE), (row.country, row.year)
        checked += 1
    assert checked >= 200


def test_history_is_contiguous_and_every_country_has_a_growth_rate():
    table = catalog.national_generation()
    growth = catalog.national_growth()
    assert set(table["country"]) == set(growth["country"])
    for code, rows in table.groupby("country"):
        years = sorted(rows["year"])
        assert years[0] == 2000 and years == list(range(years[0], years[-1] + 1)), code
        assert years[-1] >= 2021, code
    assert (growth["from_year"] <= growth["to_year"]).all()
    assert growth["source"].str.len().min() > 30 and growth["basis"].str.len().min() > 30


def test_a_duplicate_country_and_year_is_refused(tmp_path):
    path = tmp_path / "national_generation.csv"
    path.write_text("country,name,year,generation_twh,source\nUSA,US,2023,4249,s\nusa,US,2023,4250,s\nUSA,US,2022,4000,s\n")
    with pytest.raises(DataError, match=r"row 3, column 'country\+year': duplicate 'usa-2023'"):
        read_table(path, NATIONAL_GENERATION_SCHEMA, ("country", "year"))


# --- reference checks: published shares of national electricity --------------------------------


def test_lbnl_2024_us_data_centres_2023():
    """Shehabi et al., 2024 United States Data Center Energy Usage Report (LBNL): 176 TWh in 2023 = 4.4%."""
    share = share_of_generation(pd.Series({2023: 176.0}), "USA")["share_of_generation"].iloc[0]
    assert share == pytest.approx(0.044, rel=0.15)


def test_iea_energy_and_ai_world_data_centres_2024():
    """IEA, Energy and AI (2025): data centres used about 415 TWh in 2024, around 1.5% of world electricity."""
    share = share_of_generation(pd.Series({2024: 415.0}), "world")["share_of_generation"].iloc[0]
    assert share == pytest.approx(0.015, rel=0.15)


def test_lbnl_2028_range_against_projected_us_generation():
    """LBNL (2024): 325-580 TWh in 2028 = 6.7-12% of US electricity; ±15% on each end."""
    low, high = (share_of_generation(pd.Series({2028: twh}), "USA")["share_of_generation"].iloc[0] for twh in (325.0, 580.0))
    assert low == pytest.approx(0.067, rel=0.15)
    assert high == pytest.approx(0.12, rel=0.15)


def test_aschenbrenner_100_gw_for_a_year_is_over_a_fifth_of_us_production():
    """Aschenbrenner, Situational Awareness (2024): 100 GW ≈ 876 TWh/yr, >20% of ~4,250 TWh US production."""
    us_2023_twh = generation_twh("USA", [2023])[2023]
    assert us_2023_twh == pytest.approx(4250, rel=0.05)
    demand_twh = 100 * 8760 / 1000  # 100 GW for 8,760 h, GWh → TWh
    frame = share_of_generation(pd.Series({2023: demand_twh}), "USA")
    assert frame["share_of_generation"].iloc[0] > 0.20
    assert frame["share_of_base_year"].iloc[0] == pytest.approx(876.0 / us_2023_twh)
    assert frame["beyond_projected_growth_twh"].iloc[0] == pytest.approx(876.0)  # the base year itself


# --- projection ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(set(catalog.national_growth()["country"])))
def test_projection_equals_history_then_grows_at_the_published_rate(code):
    history = catalog.national_generation().query("country == @code").set_index("year")["generation_twh"]
    rate = catalog.national_growth().set_index("country").loc[code, "growth_per_year"]
    last = int(history.index.max())
    series = generation_twh(code, range(2000, 2041))
    pd.testing.assert_series_equal(series.loc[:last], history.rename_axis("year"), check_names=False)
    steps = series.loc[last:].diff().iloc[1:]
    assert (steps > 0).all() if rate > 0 else (steps <= 0).all()
    assert series[last + 7] == pytest.approx(history[last] * (1 + rate) ** 7, rel=1e-12)


def test_share_columns_and_base_year():
    frame = share_of_generation(pd.Series({2030: 100.0, 2035: 200.0}), "India")
    assert list(frame.columns) == [
        "year", "demand_twh", "generation_twh", "share_of_generation", "generation_base_year_twh",
        "share_of_base_year", "beyond_projected_growth_twh",
    ]
    base = generation_twh("IND", [2023])[2023]
    assert (frame["generation_base_year_twh"] == base).all()
    assert frame["share_of_generation"].iloc[1] < frame["share_of_base_year"].iloc[1]  # generation grows meanwhile
    growth_2035 = generation_twh("IND", [2035])[2035] - base
    assert frame["beyond_projected_growth_twh"].iloc[1] == pytest.approx(200.0 - growth_2035)


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [("usa", "USA"), ("United States", "USA"), ("EU", "EU27"), ("European Union", "EU27"), ("gulf", "GCC"),
     ("world", "WORLD"), ("UAE", "ARE"), ("saudi arabia", "SAU"), ("U.K.", "GBR"), ("china", "CHN")],
)
def test_country_names_and_codes(name, code):
    assert country_code(name) == code


def test_unknown_country_names_the_closest():
    with pytest.raises(ScenarioError) as err:
        country_code("Untied States")
    message = str(err.value)
    assert "\n" not in message and "'Untied States'" in message
    assert "did you mean USA (United States)" in message and "gigawatt catalog national_generation" in message


def test_year_before_history_is_refused():
    with pytest.raises(ScenarioError, match="years: 1999 is before the first bundled year 2000 for USA"):
        generation_twh("USA", [1999, 2023])


@pytest.mark.parametrize("demand", [pd.Series({2030: -1.0}), pd.Series({2030: float("nan")}), pd.Series({"soon": 1.0})])
def test_bad_demand_is_refused(demand):
    with pytest.raises(ScenarioError, match="demand_twh"):
        share_of_generation(demand, "USA")
