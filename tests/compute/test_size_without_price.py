"""`gigawatt size` of a chip without a price (GH200, TPUs, Trainium ...): power, energy and the grid connection do
not depend on the price, so they are given; the capital figures, and the totals and unit costs built on them, are
absent (None in the API and the JSON, not shown in the table: never 0), with one message saying why and how to give
the price (costs.accelerator_price_usd). Every face of the result copes: the CLI table and --json (valid against its
published schema), the API, the notebook repr, the report page, the workbook, the web page and a sweep's row.
Jobs that need the capital (plan, finance) still refuse without a price, as before."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import gigawatt_cli

import gigawatt
from gigawatt.api import parse_scenario
from gigawatt.compute.sizing import size
from gigawatt.core.errors import ScenarioError
from gigawatt.schemas import output_schema

CAPITAL = ("capex_usd", "annualised_capex_usd_per_year", "total_cost_usd_per_year", "cost_usd_per_accelerator_hour",
           "cost_usd_per_useful_accelerator_hour", "cost_usd_per_1e24_flop")
POWER = ("it_power_mw", "facility_power_mw", "average_power_mw", "annual_energy_mwh", "contracted_grid_mw", "electrical_nameplate_mw")
GH200 = {"name": "gh200", "cluster": {"accelerator": "GH200", "count": 1000}}


@pytest.fixture(scope="module")
def unpriced():
    return gigawatt.size(GH200, store=None)


@pytest.fixture(scope="module")
def priced():
    return gigawatt.size(GH200, set={"costs.accelerator_price_usd": 30000}, store=None)


def test_the_api_gives_power_and_leaves_capital_out_with_one_message(unpriced, priced):
    d = unpriced.data
    for key in POWER:  # the same power as with a price: the price does not enter it
        assert d[key] == pytest.approx(priced.data[key]) and d[key] > 0, key
    for key in CAPITAL:
        assert d[key] is None, key
        assert priced.data[key] > 0, key
    # the parts of the capital that do not depend on the chip's price stay; the chip, server and network parts are absent
    assert set(d["capex_breakdown_usd"]) == {"building_electrical_usd", "cooling_usd"}
    assert d["capex_breakdown_usd"]["building_electrical_usd"] == pytest.approx(priced.data["capex_breakdown_usd"]["building_electrical_usd"])
    assert "unit_price_usd" not in d["assumptions"] and "server_usd" not in d["assumptions"]
    about_price = [m for m in unpriced.messages if "accelerator_price_usd" in m]
    assert len(about_price) == 1 and "GH200 has no public price" in about_price[0], unpriced.messages
    assert d["capital_note"] == about_price[0]
    assert priced.data["capital_note"] is None and not any("accelerator_price_usd" in m for m in priced.messages)
    assert unpriced.facility_power_mw == pytest.approx(d["facility_power_mw"])  # attribute access of the API's Result


def test_a_training_target_without_a_price_gives_its_energy_not_its_cost():
    r = gigawatt.size({"name": "t", "cluster": {"accelerator": "TPU v7", "training": {"flop": 1e25, "days": 30}}}, store=None)
    assert r.data["training"]["energy_mwh"] > 0 and r.data["training"]["cost_usd"] is None


def test_the_sizing_itself_still_refuses_where_the_capital_is_needed():
    # plan, finance and build-out size with require_price (their costs need it): the same one-line reason as before
    scenario = parse_scenario(GH200)
    with pytest.raises(ScenarioError, match=r"costs.accelerator_price_usd: GH200 has no public price"):
        size(scenario)
    assert size(scenario, require_price=False).capex_usd is None


def test_the_cli_table_and_json_through_the_installed_command(tmp_path, unpriced):
    plain, as_json = (gigawatt_cli("size", "--accelerator", "GH200", "--count", "1000", "--no-store", *extra, cwd=tmp_path)
                      for extra in ((), ("--json",)))
    assert plain.returncode == 0, plain.stderr
    text = " ".join(plain.stdout.split())
    assert "facility power at the meter, peak" in text and f"{unpriced.data['facility_power_mw']:,.1f} MW" in text
    assert "grid connection to contract" in text and "annual energy" in text
    rows = text.split(" note: ")[0]  # the tables, before the messages
    for absent in ("capital cost", "capital, annualised", "cost per accelerator-hour", "cost per 1e24 FLOP"):
        assert absent not in rows, absent
    assert text.count("no public price") == 1 and "costs.accelerator_price_usd" in text
    assert as_json.returncode == 0, as_json.stderr
    document = json.loads(as_json.stdout)
    jsonschema.Draft202012Validator(output_schema("size")).validate(document)  # capital figures null, as the schema allows
    assert all(document["result"][key] is None for key in CAPITAL)
    assert document["result"]["facility_power_mw"] == pytest.approx(unpriced.data["facility_power_mw"])
    assert sum("no public price" in m for m in document["messages"]) == 1


def test_every_renderer_shows_the_power_and_the_message(unpriced, tmp_path):
    from gigawatt.core.results import Result
    from gigawatt.report import page
    from gigawatt.report.workbook import write_workbook
    from gigawatt.sweep.runner import _row

    assert "no public price" in unpriced._repr_html_() and "facility power" in repr(unpriced)
    html = page.render(unpriced)
    assert "no public price" in html and "nan" not in html.lower().split()
    write_workbook(unpriced, tmp_path / "size.xlsx")
    from openpyxl import load_workbook

    cells = [c for sheet in load_workbook(tmp_path / "size.xlsx") for row in sheet.iter_rows(values_only=True) for c in row]
    assert 0 not in [c for c, label in zip(cells[1:], cells) if label == "capital USD"]  # absent, not 0
    row = _row("size", unpriced)
    assert row["facility power MW"] == pytest.approx(unpriced.data["facility_power_mw"]) and row["capital USD"] is None
    assert isinstance(unpriced, Result)


def test_the_web_page_of_the_run(unpriced, tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from gigawatt.store import open_store
    from gigawatt.web.app import create_app

    path = str(tmp_path / "runs.sqlite")
    open_store(path).save(unpriced)
    with TestClient(create_app(store=path, uploads=tmp_path / "uploads")) as client:
        shown = client.get(f"/runs/{unpriced.run.id}")
    assert shown.status_code == 200
    assert "no public price" in shown.text and "facility power" in shown.text
