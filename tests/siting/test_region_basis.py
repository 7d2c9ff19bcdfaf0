"""Like-for-like region figures for siting (issue 31, item 4): every price has its basis and only all-in prices are
ranked; connection_wait_months holds large-load waits only, the generation-queue durations are a separate proxy
that siting uses only when asked."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import gigawatt_cli, one_line_error

from gigawatt import catalog
from gigawatt.core.inputs import parse_scenario
from gigawatt.siting import allocation as siting
from gigawatt.siting.scenario import SitingProgramme

# the citations of interconnection-queue studies: never the source of a large-load wait
QUEUE_SOURCES = ("Enverus", "ISO interconnection durations", "Queued Up", "MISO VP", "Platts")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return catalog.regions()


def _citation(source: str, field: str) -> str:
    """The citation of ``field`` in a row's source column (``field, field: citation; ...``), or ''."""
    for part in source.split("; "):
        head, _, citation = part.partition(": ")
        if field in [f.strip() for f in head.split(",")]:
            return citation
    return ""


def _wait_clause(notes: str) -> str:
    found = re.search(r"Connection wait[^:]*\)?: (.*?)(?= Generation queue| Gas:| No public|$)", notes)
    return found.group(1) if found else ""


def programme(candidates: list[dict], **fields) -> SitingProgramme:
    return parse_scenario({"name": "basis", "start": "2026-01", "target_mw": 1000, "block_mw": 1000, "technologies": [],
                           "candidates": candidates, **fields}, model=SitingProgramme)


def test_every_region_has_a_price_basis_from_its_source(table):
    assert table["price_basis"].isin(catalog.PRICE_BASES).all()
    for _, row in table.iterrows():
        priced = pd.notna(row["price_usd_per_mwh"])
        assert (row["price_basis"] == "none") == (not priced), row["region"]
        if priced:  # the basis is cited with the price it describes
            assert _citation(row["source"], "price_basis") == _citation(row["source"], "price_usd_per_mwh") != "", row["region"]
        energy_only = "energy only" in row["notes"].lower()
        assert energy_only == (row["price_basis"] == "wholesale_energy_only"), row["region"]
    by_id = table.set_index("region")["price_basis"]
    assert by_id["SG"] == by_id["AU"] == "wholesale_energy_only"
    assert (by_id[table[table["country"] == "US"]["region"]] == "all_in_industrial").all()  # EIA average revenue, delivery included


def test_no_generation_queue_figure_in_connection_wait(table):
    for _, row in table.iterrows():
        wait, queue = row["connection_wait_months"], row["generation_queue_months"]
        cited, clause = _citation(row["source"], "connection_wait_months"), _wait_clause(row["notes"])
        if pd.notna(wait):
            assert not any(s in cited for s in QUEUE_SOURCES), (row["region"], cited)
            assert not clause.startswith("generation") and "generation queue processing" not in clause, (row["region"], clause)
            assert row["connection_wait_basis"] in catalog.CONNECTION_WAIT_BASES, row["region"]
        else:
            assert pd.isna(row["connection_wait_basis"]), row["region"]
        if pd.notna(queue):  # a labelled proxy: its own clause in the notes and its own citation
            assert "Generation queue (" in row["notes"] and _citation(row["source"], "generation_queue_months"), row["region"]
        else:
            assert "Generation queue (" not in row["notes"] and not _citation(row["source"], "generation_queue_months"), row["region"]
    by_id = table.set_index("region")
    # the queue durations the issue named moved out of the large-load field
    assert by_id.at["NYISO", "generation_queue_months"] == 78 and by_id.at["ERCOT", "generation_queue_months"] == 54
    assert by_id.at["NYISO", "connection_wait_months"] == by_id.at["ERCOT", "connection_wait_months"] == by_id.at["US", "connection_wait_months"]
    assert by_id.at["SE", "connection_wait_basis"] == "statutory_maximum"


def test_sg_and_au_are_not_ranked_on_a_wholesale_price():
    p = programme([{"region": "SG", "max_mw": 1000, "options": "grid"}, {"region": "AU", "max_mw": 1000, "options": "grid"},
                   {"region": "SE", "max_mw": 1000, "options": "grid"},
                   {"region": "AU", "name": "au own", "max_mw": 1000, "options": "grid", "price_usd_per_mwh": 150}])
    checked = siting.check_references(p)
    prices = [siting.candidate_scenario(p, c, f).grid.price_usd_per_mwh for c, f in zip(p.candidates, checked)]
    wholesale = catalog.regions().set_index("region")["price_usd_per_mwh"]
    # SG and AU plan on the planner's default (all-in) price, not their wholesale figure; SE on its own all-in
    # price; a candidate's own price is always used
    assert prices == [None, None, wholesale["SE"], 150]
    notes = [siting.basis_notes(i, f) for i, f in enumerate(checked)]
    for i, region in enumerate(("SG", "AU")):
        said = [n for n in notes[i] if "price" in n]
        assert len(said) == 1 and said[0].startswith(f"{region}: the catalog price {wholesale[region]:g} USD/MWh") and "wholesale energy only" in said[0]
        assert f"candidates[{i}].price_usd_per_mwh" in said[0]
        assert "price_usd_per_mwh" not in siting.defaults_used(p, p.candidates[i], checked[i])  # said once, not twice
    assert not [n for n in notes[2] + notes[3] if "price" in n]


def test_the_proxy_is_used_only_when_asked():
    candidates = [{"region": "ERCOT", "max_mw": 1000, "options": "grid"}, {"region": "PJM", "max_mw": 1000, "options": "grid"},
                  {"region": "NYISO", "name": "own wait", "max_mw": 1000, "options": "grid", "connection_wait_months": 30}]
    regions = catalog.regions().set_index("region")
    for proxy in (False, True):
        p = programme(candidates, use_generation_queue_proxy=proxy)
        checked = siting.check_references(p)
        waits = [f["connection_wait_months"] for f in checked]
        ercot = regions.at["ERCOT", "generation_queue_months"] if proxy else regions.at["ERCOT", "connection_wait_months"]
        assert waits == [ercot, regions.at["PJM", "connection_wait_months"], 30]  # PJM has no queue figure; a given wait stays
        said = [n for f in checked for n in f["notes"] if "use_generation_queue_proxy" in n]
        assert said == ([f"ERCOT: connection wait {ercot:g} months is the generation-queue duration (use_generation_queue_proxy), a proxy "
                         f"in place of the large-load wait of {regions.at['ERCOT', 'connection_wait_months']:g} months"] if proxy else [])


def test_a_wrong_proxy_switch_is_one_line_naming_the_field(tmp_path):
    scenario = tmp_path / "proxy.yaml"
    scenario.write_text("name: p\ntarget_mw: 1000\ntechnologies: []\nuse_generation_queue_proxy: sometimes\n"
                        "candidates:\n  - {region: ERCOT, max_mw: 1000, options: grid}\n")
    one_line_error(gigawatt_cli("site", str(scenario), cwd=tmp_path), "use_generation_queue_proxy")
