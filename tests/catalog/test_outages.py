"""catalog/outages.csv: one sourced row per dispatchable technology a plan can build, consistent with the
technologies and unit-commitment tables."""

import math

import pandas as pd

from gigawatt import catalog
from gigawatt.adequacy.outages import HOURS_PER_YEAR

MINUTES_PER_HOUR = 60
ROUNDING = 0.05  # the catalog rounds derived figures to two significant digits or so


def test_every_dispatchable_technology_has_a_row():
    techs = catalog.technologies()
    dispatchable = set(techs.loc[techs["kind"].isin(["generator", "storage", "grid"]) & techs["profile_model"].isna(), "technology"])
    assert dispatchable <= set(catalog.outages()["technology"])
    assert set(catalog.outages()["technology"]) <= set(techs["technology"])


def test_unit_sizes_are_those_of_the_unit_commitment_table():
    merged = catalog.outages().merge(catalog.unit_commitment(), on="technology", suffixes=("", "_uc"))
    assert not merged.empty
    assert (merged["unit_mw"] == merged["unit_mw_uc"]).all()


def test_every_figure_has_a_source_and_every_gap_is_explained():
    table = catalog.outages()
    for row in table.itertuples():
        assert row.source and 1979 <= row.source_year <= 2035
        if any(pd.isna(v) for v in (row.unit_mw, row.forced_outage_rate, row.mean_time_to_repair_hours)):
            assert isinstance(row.notes, str) and ("empty" in row.notes or "not sourced" in row.notes), row.technology


def test_grid_row_is_consistent_with_its_saidi_and_saifi():
    grid = catalog.outages().set_index("technology").loc["grid_import"]
    saidi_minutes, saifi = 470, 1.4  # EIA Today in Energy, 30 Nov 2018 (2017, with major events), as the row says
    assert grid["outages_per_year"] == saifi
    assert math.isclose(grid["mean_time_to_repair_hours"], saidi_minutes / saifi / MINUTES_PER_HOUR, rel_tol=ROUNDING)
    assert math.isclose(grid["forced_outage_rate"], saidi_minutes / MINUTES_PER_HOUR / HOURS_PER_YEAR, rel_tol=ROUNDING)
    assert "DISTRIBUTION" in grid["notes"]


def test_no_shared_outage_data_to_check_against():
    """../shared/data and ../shared/reference hold no outage statistics (checked when this table was made): the
    table is checked against its own sources' arithmetic above instead."""
