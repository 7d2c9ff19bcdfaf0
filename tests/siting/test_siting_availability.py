"""A siting programme dates its technologies (``available_from``, over the catalog's): each candidate's plan gets
the date as ``supply.limits.<id>.available_from`` and the first firm month waits for it (issue 31, item 8)."""

from __future__ import annotations

import pytest

from gigawatt.api import parse_scenario
from gigawatt.core.errors import ScenarioError
from gigawatt.siting import allocation as siting
from gigawatt.siting.scenario import SitingProgramme

ONSITE = {"name": "utah", "latitude": 38.5, "longitude": -112.9, "country": "US", "jurisdiction": "us", "max_mw": 2000, "options": "onsite"}


def programme(**fields) -> SitingProgramme:
    return parse_scenario({"name": "test", "start": "2027-01", "target_mw": 1000, "block_mw": 1000, "candidates": [ONSITE],
                           "technologies": ["utility_pv", "geothermal_egs", "gas_recip"], **fields}, model=SitingProgramme)


def test_a_programme_date_reaches_the_candidate_plan_and_its_first_firm_month():
    dated = programme(available_from={"geothermal_egs": "2031-01"})
    figures = siting.candidate_figures(dated.candidates[0])
    scenario = siting.candidate_scenario(dated, dated.candidates[0], figures)
    assert scenario.supply.limits["geothermal_egs"].available_from == "2031-01"
    # gas engines (15-month lead time) are the first firm option either way; alone, EGS would wait for its date
    assert siting.earliest_month(scenario) == "2028-04"
    only_egs = scenario.model_copy(update={"supply": scenario.supply.model_copy(update={"technologies": ["geothermal_egs"]})})
    assert siting.earliest_month(only_egs) == "2031-01"
    plain = siting.candidate_scenario(programme(), programme().candidates[0], figures)
    assert "geothermal_egs" not in plain.supply.limits
    only_catalog = plain.model_copy(update={"supply": plain.supply.model_copy(update={"technologies": ["geothermal_egs"]})})
    assert siting.earliest_month(only_catalog) == "2030-01"  # start + 36-month lead time, after the catalog's 2026-12


def test_a_date_for_a_technology_not_listed_names_the_field():
    with pytest.raises(ScenarioError, match=r"available_from\.'iron_air_100h': not one of technologies"):
        siting.check_references(programme(available_from={"iron_air_100h": "2030-01"}))


def test_a_date_that_is_not_a_month_is_refused():
    with pytest.raises(ScenarioError, match="available_from"):
        programme(available_from={"geothermal_egs": "2030"})
