"""The command line: stable JSON, one-line errors with exit status 2, tables for people."""

from __future__ import annotations

import pytest
import yaml

from conftest import EXAMPLES

SIZE_KEYS = {
    "accelerator", "count", "it_power_mw", "facility_power_mw", "annual_energy_mwh", "capex_usd",
    "opex_usd_per_year", "cost_usd_per_accelerator_hour", "assumptions",
}


def test_size_by_count_json(cli):
    result = cli("size", "--accelerator", "H100", "--count", "1000", "--json")
    assert result.code == 0, result.err
    data = result.result()
    assert SIZE_KEYS <= set(data)
    assert data["accelerator"] == "H100 SXM" and data["count"] == 1000
    for name, figure in data["assumptions"].items():
        assert figure["source"], name


def test_size_by_power_json_fits_under_the_budget(cli):
    data = cli("size", "-a", "h100", "--power-mw", "50", "--json").result()
    assert data["sizing_mode"] == "power" and data["facility_power_mw"] <= 50


def test_size_scenario_file_with_override(cli):
    data = cli("size", str(EXAMPLES / "h100-100k.yaml"), "--set", "cluster.count=200000", "--json").result()
    assert data["count"] == 200_000


def test_size_table_for_people(cli):
    result = cli("size", str(EXAMPLES / "h100-100k.yaml"))
    assert result.code == 0
    assert "facility power at the meter" in result.out and "assumptions" in result.out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["size", "-a", "H1000", "-n", "10"], "did you mean"),
        (["size", "-a", "H100", "-n", "0"], "cluster.count"),
        (["size", "-a", "H100", "-n", "-3"], "cluster.count"),
        (["size", "-a", "H100", "-n", "10", "--set", "cluster.pue=0.8"], "cluster.pue"),
        (["size", "-a", "H100", "-n", "10", "--set", "cluster.model_flop_utilisation=1.5"], "cluster.model_flop_utilisation"),
        (["size", "-a", "H100", "-n", "10", "--power-mw", "5"], "not several"),
        (["size", "-a", "H100"], "--count"),
        (["size", "-a", "H100", "--training-flop", "1e25"], "--days"),
        (["size", "missing.yaml"], "no such file"),
        (["catalog", "chips"], "TABLE: 'chips' is not one of 'accelerators', 'technologies', 'assumptions'"),
    ],
)
def test_user_mistakes_exit_2_with_one_line(cli, args, fragment):
    result = cli(*args)
    assert result.code == 2
    assert fragment in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_scenario_with_two_sizings_is_refused(cli, tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text("cluster:\n  accelerator: H100\n  count: 10\n  power_mw: 5\n")
    result = cli("validate", str(path))
    assert result.code == 2 and "exactly one of count, power_mw or training" in result.err


def test_file_that_is_not_yaml(cli, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("cluster: {accelerator: H100, count: 1\n")
    result = cli("size", str(path))
    assert result.code == 2 and "not valid YAML" in result.err


def test_debug_shows_the_traceback(cli):
    with pytest.raises(Exception, match="unknown accelerator"):
        cli("--debug", "size", "-a", "nope", "-n", "1")


def test_validate_points_at_key_and_line(cli, tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("name: x\ncluster:\n  accelerator: H100\n  count: 10\n  pue: 1.2\n  coolin: air\n")
    result = cli("validate", str(path))
    assert result.code == 2
    assert "line 6" in result.err and "did you mean 'cooling'" in result.err
    ok = cli("validate", str(EXAMPLES / "h100-100k.yaml"), "--json")
    assert ok.code == 0 and ok.json()["valid"] is True


@pytest.mark.parametrize("table", ["accelerators", "technologies", "assumptions"])
def test_catalog_json_rows_carry_sources(cli, table):
    result = cli("catalog", table, "--json")
    assert result.code == 0, result.err
    document = result.json()
    assert document["kind"] == "catalog" and document["table"] == table
    rows = document["rows"]
    assert rows and all(row["source"] for row in rows)
    assert cli("catalog", table).code == 0


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_sizes(cli, path):
    result = cli("size", str(path), "--json")
    assert result.code == 0, result.err
    data = result.result()
    assert data["facility_power_mw"] > 0 and data["capex_usd"] > 0
    if data["sizing_mode"] == "power":
        budget = yaml.safe_load(path.read_text())["cluster"]["power_mw"]
        assert budget * 0.99 <= data["facility_power_mw"] <= budget
