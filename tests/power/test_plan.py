"""`gigawatt plan` end to end on the bundled examples: stable JSON, a dispatch that balances, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import EXAMPLES

PLAN_KEYS = {
    "lcoe_usd_per_mwh", "capacity_mw", "storage_mwh", "annual_cost_usd", "co2_t_per_year", "carbon_free_share",
    "unserved_energy_mwh", "online_date", "online_date_set_by",
}


@pytest.fixture(scope="module")
def offgrid(tmp_path_factory):
    from gigawatt.cli import main

    out = tmp_path_factory.mktemp("plan") / "dispatch.csv"
    import contextlib
    import io
    import json

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--json", "--dispatch", str(out)])
    return json.loads(buffer.getvalue())["result"], pd.read_csv(out, index_col=0)


def test_plan_json_has_the_stable_keys_and_a_baseline(offgrid):
    data, _ = offgrid
    assert PLAN_KEYS <= set(data)
    assert PLAN_KEYS <= set(data["baseline"])
    assert data["unserved_energy_mwh"] == pytest.approx(0.0, abs=1.0)
    assert "grid_import" not in data["capacity_mw"]  # off-grid
    assert data["capacity_mw"]["gas_recip"] + data["capacity_mw"]["gas_ct_aero"] > 0


def test_dispatch_csv_balances_every_hour(offgrid):
    data, dispatch = offgrid
    assert len(dispatch) in (8760, 8784)
    sources = dispatch[[c for c in dispatch.columns if c.endswith("_mw") and c != "load_mw" and not c.endswith("_charge_mw")]].sum(axis=1)
    uses = dispatch["load_mw"] + dispatch.filter(like="_charge_mw").sum(axis=1)
    assert np.allclose(sources, uses, atol=1e-3)
    assert dispatch["load_mw"].sum() == pytest.approx(data["load_mwh"], rel=1e-6)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--set", "supply.technologies=[utilty_pv]"], "unknown technology 'utilty_pv'; did you mean 'utility_pv'"),
        (["--set", "site.latitude=95"], "site.latitude"),
        (["--set", "grid.import_mw=-5"], "grid.import_mw"),
        (["--set", "supply.limits.grid_import.max_mw=100"], "set that instead"),
    ],
)
def test_plan_mistakes_exit_2(cli, args, fragment):
    result = cli("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), *args)
    assert result.code == 2 and fragment in result.err, result.err


def test_a_plan_that_cannot_serve_the_load_is_explained(cli):
    result = cli("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--set", "supply.technologies=[utility_pv, battery_li_ion]",
                 "--set", "supply.limits.battery_li_ion.max_mw=10", "--set", "constraints.reserve_margin=null")
    assert result.code == 2
    assert "cannot be served" in result.err and "MW short" in result.err


def test_plan_needs_a_site(cli):
    result = cli("plan", str(EXAMPLES / "h100-100k.yaml"))
    assert result.code == 2 and "site" in result.err


def test_build_only_writes_the_lp(cli, tmp_path):
    lp = tmp_path / "model.lp"
    result = cli("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--build-only", "--save-lp", str(lp))
    assert result.code == 0, result.err
    text = lp.read_text()
    assert "\nmin\n obj:" in text and "\nst\n" in text and "\nend\n" in text and lp.stat().st_size > 10_000


def test_dispatch_as_parquet_matches_the_csv_layout(cli, tmp_path):
    path = tmp_path / "dispatch.parquet"
    result = cli("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--screening", "365", "--dispatch", str(path))
    assert result.code == 0, result.err
    frame = pd.read_parquet(path)
    assert len(frame) == 8760 and "load_mw" in frame and (frame >= 0).all().all()
    assert not list(tmp_path.glob(".*tmp*"))  # the temporary file was renamed, not left behind


def test_on_site_gas_bridges_until_the_grid_connection_arrives():
    from gigawatt import load_scenario
    from gigawatt.power.planner import plan_power

    # cheap grid power that only arrives in 2031 (the catalog's 60-month interconnection lead time): worth more than
    # running the bridge's sunk gas engines
    scenario = load_scenario(EXAMPLES / "west-texas-grid-gas.yaml", ["grid.price_usd_per_mwh=20", "grid.available=null"])
    plan = plan_power(scenario, online_by="2027-06", segments=730)
    bridge = plan.bridge
    assert bridge is not None and plan.bridge_until == "2031-01" and plan.bridge_until_set_by == "grid_import"
    assert plan.online_date <= "2027-06" and bridge.online_date == plan.online_date
    assert plan.capacity_mw["grid_import"] > 0
    for tech, mw in bridge.capacity_mw.items():  # what the bridge built stays in the long-run plan
        assert plan.capacity_mw[tech] >= mw - 1e-3
    assert sum(bridge.capacity_mw.values()) >= float(plan.dispatch["load_mw"].max()) - 1e-3  # it serves the peak alone
    unbridged = plan_power(scenario, segments=730)
    assert unbridged.bridge is None and unbridged.online_date == "2031-01"


@pytest.mark.parametrize(
    ("month", "fragment"),
    [("2027-13", "not a month"), ("2026-02", "no supply option can be energised by then")],
)
def test_online_by_mistakes_exit_2(cli, month, fragment):
    result = cli("plan", str(EXAMPLES / "west-texas-grid-gas.yaml"), "--set", "grid.available=null", "--online-by", month)
    assert result.code == 2 and fragment in result.err, result.err


def test_an_hourly_pue_scales_the_it_load_hour_by_hour(tmp_path):
    from gigawatt import load_scenario
    from gigawatt.compute.sizing import size
    from gigawatt.power.plan import plan_inputs

    scenario = load_scenario(EXAMPLES / "west-texas-offgrid.yaml")
    flat = plan_inputs(scenario).load_mw
    index = flat.index
    pue = np.where(index.month.isin([6, 7, 8]), 1.35, 1.10)  # hot summers cost more cooling
    path = tmp_path / "pue.csv"
    pd.DataFrame({"timestamp": index, "pue": pue}).to_csv(path, index=False)
    hourly = plan_inputs(load_scenario(EXAMPLES / "west-texas-offgrid.yaml", [f"site.pue_csv={path}"])).load_mw
    it_mw = flat / size(scenario).pue
    assert np.allclose(hourly.to_numpy(), it_mw.to_numpy() * pue)
    assert hourly[index.month == 7].mean() > flat[index.month == 7].mean()
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"timestamp": index, "pue": np.where(index.hour == 3, 0.9, 1.2)}).to_csv(bad, index=False)
    from gigawatt.core.errors import ScenarioError

    with pytest.raises(ScenarioError, match="site.pue_csv"):
        plan_inputs(load_scenario(EXAMPLES / "west-texas-offgrid.yaml", [f"site.pue_csv={bad}"]))


def test_plot_writes_a_png(cli, tmp_path):
    path = tmp_path / "plan.png"
    result = cli("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--screening", "365", "--plot", str(path))
    assert result.code == 0, result.err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000


def test_a_measured_sky_from_csv_replaces_the_synthetic_one(tmp_path):
    from gigawatt import load_scenario
    from gigawatt.core.errors import ScenarioError
    from gigawatt.power.plan import plan_inputs
    from gigawatt.weather.synthetic import hourly_index, solar_cf

    index = hourly_index(2026)  # the example's plan year: its start's
    hour = index.hour.to_numpy()
    sky = pd.DataFrame({"ghi": np.clip(900 * np.sin((hour - 6) / 12 * np.pi), 0, None), "temp_air": 25.0}, index=index)
    path = tmp_path / "sky.csv"
    sky.rename_axis("timestamp").to_csv(path)
    scenario = load_scenario(EXAMPLES / "west-texas-offgrid.yaml", [f"site.irradiance_csv={path}"])
    measured = plan_inputs(scenario).capacity_factor["utility_pv"]
    expected = solar_cf(index, scenario.site.latitude, scenario.site.longitude, irradiance=sky)
    assert np.allclose(measured.to_numpy(), expected.to_numpy())
    synthetic = plan_inputs(load_scenario(EXAMPLES / "west-texas-offgrid.yaml")).capacity_factor["utility_pv"]
    assert not np.allclose(measured.to_numpy(), synthetic.to_numpy())
    sky.rename(columns={"ghi": "GHI_kw"}).rename_axis("timestamp").to_csv(path)
    with pytest.raises(ScenarioError, match="site.irradiance_csv"):
        plan_inputs(load_scenario(EXAMPLES / "west-texas-offgrid.yaml", [f"site.irradiance_csv={path}"]))


def test_plan_says_which_series_are_synthetic(offgrid):
    data, _ = offgrid
    assert data["series"]["load"].startswith("synthetic")
    assert data["series"]["utility_pv"].startswith("synthetic") and "pvlib" in data["series"]["utility_pv"]


def test_a_plan_with_nothing_to_build_is_refused(cli):
    result = cli("plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--set", "supply.technologies=[]")
    assert result.code == 2 and "nothing can serve the load" in result.err and result.err.count("\n") == 1


def test_json_with_saved_lp_files_is_only_json_on_stdout(tmp_path):
    """Issue 30: with --save-lp, HiGHS's banner (printed when its first instance is made) went to stdout, so
    ``--json`` output was not JSON. Through the installed command, as a pipe reads it."""
    import json
    import subprocess

    from web_server import gigawatt_command

    done = subprocess.run([gigawatt_command(), "plan", str(EXAMPLES / "west-texas-offgrid.yaml"), "--screening", "48", "--save-lp",
                           str(tmp_path / "model.lp"), "--json", "--store", str(tmp_path / "runs.sqlite")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["kind"] == "plan"  # the whole of stdout is the document
    assert list(tmp_path.glob("model*.lp"))
