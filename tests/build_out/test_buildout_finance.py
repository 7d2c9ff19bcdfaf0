"""The build-out's finance section: the capital charge in closed form, the lives compared, the coverage
probability, the capital balance with the simulation, bad input through the installed entry point, and the
bundled example on the command line."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gigawatt.api import parse_scenario
from gigawatt.build_out import finance
from gigawatt.build_out.scenario import BuildoutScenario
from gigawatt.build_out.simulation import simulate

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "gigawatt" / "examples" / "buildout" / "10gw-finance.yaml"
GIGAWATT = Path(sys.executable).with_name("gigawatt")  # the installed entry point of this environment
REL = 1e-9  # relative tolerance of sums of a few floating-point terms

# one campus of 1 GW committed in 2026 (construction from January), no uncertainty, power capital on
BASE = {
    "name": "finance test",
    "start": "2026-01",
    "end": "2030-12",
    "roadmap": [{"accelerator": "GB300 NVL72", "available": "2025-08"}],
    "programme": {"target": [{"date": "2027-01", "online_gw": 1}], "construction_months": 12},
    "power_capex_usd_per_kw": 1500,
    "finance": {"target_return_per_year": 0.1, "accelerator_life_years": 4, "facility_life_years": 14,
                "revenue": {"usd_per_year": [{"year": 2026, "usd": 1e10}, {"year": 2030, "usd": 5e10}]}},
}


def scenario(**finance_changes) -> BuildoutScenario:
    data = copy.deepcopy(BASE)
    data["finance"].update(finance_changes)
    return parse_scenario(data, model=BuildoutScenario)


def test_one_vintage_closed_form():
    """One vintage K committed in its first year, straight-line over life L, return r on the undepreciated balance at
    the start of the year: required revenue in year 1 = K_it (r + 1/L_it) + K_facility (r + 1/L_facility) + K_power (r + 1/L_power),
    and in year a (0-based, before any replacement) K (r (1 - a/L) + 1/L) for each class."""
    result = simulate(scenario())
    years = result.finance_years
    first = years.iloc[0]
    assert first["capex_usd"] > 0 and years["capex_usd"].iloc[1:].sum() == pytest.approx(0.0, abs=1.0)  # one vintage
    r = 0.1
    k_it, k_fac, k_pow = first["capex_it_usd"], first["capex_facility_usd"], first["capex_power_usd"]
    assert k_pow == pytest.approx(1e6 * 1500 * 1.0, rel=REL)  # 1 GW x 1,500 USD/kW
    year1 = k_it * (r + 1 / 4) + k_fac * (r + 1 / 14) + k_pow * (r + 1 / 14)
    assert first["required_revenue_usd"] == pytest.approx(year1, rel=REL)
    for a in range(4):  # the IT vintage is bought again at age 4, outside this loop
        row = years.iloc[a]
        expected = k_it * (r * (1 - a / 4) + 1 / 4) + (k_fac + k_pow) * (r * (1 - a / 14) + 1 / 14)
        assert row["required_revenue_usd"] == pytest.approx(expected, rel=REL)
        assert row["depreciation_usd"] == pytest.approx(k_it / 4 + (k_fac + k_pow) / 14, rel=REL)
    assert years.iloc[4]["capex_replacement_usd"] == pytest.approx(k_it, rel=REL)  # IT re-bought at its 4-year life
    # the level annuity of the same capital: K x CRF(r, L), the one place capital is annualised
    from gigawatt.core.finance import capital_recovery_factor
    assert first["required_revenue_annuity_usd"] == pytest.approx(
        k_it * capital_recovery_factor(r, 4) + (k_fac + k_pow) * capital_recovery_factor(r, 14), rel=REL)


def test_charge_shares_match_formula():
    depreciation, balance, charge = finance.charge_shares(np.array([3.0, 6.0]), 0.08, 7)
    assert charge[:, 0] == pytest.approx([0.08 + 1 / 3, 0.08 + 1 / 6])
    assert balance[0].tolist() == pytest.approx([1, 2 / 3, 1 / 3, 1, 2 / 3, 1 / 3, 1])  # re-bought at age 3 and 6
    assert depreciation[1] == pytest.approx(np.full(7, 1 / 6))


@pytest.mark.parametrize("short, long", [(3, 6), (2, 2.5), (5, 12)])
def test_longer_life_never_raises_year_one_charge(short, long):
    first = lambda life: simulate(scenario(accelerator_life_years=life)).finance_years.iloc[0]["required_revenue_usd"]  # noqa: E731
    assert first(long) <= first(short)
    assert first(long) < first(short)  # IT capital is in year 1, so strictly lower


def test_capital_balance_with_the_simulation():
    """Sum of the vintages' capital (by class) = the simulation's committed capital, median run and every draw."""
    s = parse_scenario({**copy.deepcopy(BASE), "draws": 200, "programme": {
        "target": [{"date": "2027-01", "online_gw": 1}, {"date": "2030-01", "online_gw": 6}],
        "construction_months": {"dist": "triangular", "low": 8, "mode": 12, "high": 20}}}, model=BuildoutScenario)
    result = simulate(s)
    years, periods = result.finance_years, result.periods
    assert years["capex_usd"].sum() == pytest.approx(periods["capex_cumulative_usd"].iloc[-1], rel=REL)
    assert (years["capex_it_usd"] + years["capex_facility_usd"] + years["capex_power_usd"]).to_numpy() == pytest.approx(years["capex_usd"].to_numpy(), rel=REL)
    by_year = periods.groupby(periods["date"].str[:4].astype(int))["capex_usd"].sum()
    assert years["capex_usd"].to_numpy() == pytest.approx(by_year.to_numpy(), rel=1e-6, abs=1.0)
    for column in ("coverage_probability", "coverage_probability_short_life", "coverage_probability_long_life"):
        assert years[column].between(0, 1).all()


def test_coverage_monotone_in_revenue_level():
    """Scaling the revenue path up never lowers the probability of coverage in any year."""
    probabilities = []
    for scale in (0.25, 0.5, 1, 2, 4, 8):
        s = parse_scenario({**copy.deepcopy(BASE), "draws": 300, "finance": {
            **BASE["finance"], "accelerator_life_years": {"dist": "uniform", "low": 3, "high": 6},
            "revenue": {**BASE["finance"]["revenue"], "scale": scale, "growth_per_year": {"dist": "uniform", "low": 0, "high": 0.5}}}},
            model=BuildoutScenario)
        probabilities.append(simulate(s).finance_years["coverage_probability"].to_numpy())
    table = np.array(probabilities)
    assert ((table >= 0) & (table <= 1)).all()
    assert (np.diff(table, axis=0) >= 0).all()
    assert table[0].sum() < table[-1].sum()  # the level matters: the test can fail


def test_short_life_never_covers_more_often_in_year_one():
    s = parse_scenario({**copy.deepcopy(BASE), "draws": 100}, model=BuildoutScenario)
    first = simulate(s).finance_years.iloc[0]
    assert first["coverage_probability_short_life"] <= first["coverage_probability_long_life"]


def test_price_per_gw_year_and_stranded_capacity():
    """Revenue per GW-year = the year's mean new GW online x the price; a price below the charge strands capacity."""
    s = scenario(revenue={"usd_per_gw_year": 1e9})
    years = simulate(s).finance_years
    assert years["revenue_usd"].to_numpy() == pytest.approx((years["online_new_gw"] * 1e9).to_numpy(), rel=REL)
    last = years.iloc[-1]
    share = 1 - last["revenue_usd"] / last["required_revenue_usd"]
    assert last["stranded_gw"] == pytest.approx(last["online_new_gw"] * share, rel=REL) and 0 < last["stranded_gw"] <= 1


def test_price_per_accelerator_hour():
    s = scenario(revenue={"usd_per_accelerator_hour": 2.0, "utilisation": 0.5})
    years = simulate(s).finance_years
    assert years["revenue_usd"].to_numpy() == pytest.approx((years["accelerators_new"] * 8760 * 2.0 * 0.5).to_numpy(), rel=REL)


def test_without_finance_the_result_has_none():
    data = copy.deepcopy(BASE)
    data.pop("finance")
    result = simulate(parse_scenario(data, model=BuildoutScenario))
    assert result.to_dict()["finance"] is None and "finance" not in result.to_frames()


def test_finance_leaves_capacity_draws_unchanged():
    data = {**copy.deepcopy(BASE), "draws": 50, "programme": {"target": [{"date": "2028-01", "online_gw": 3}],
                                                                "construction_months": {"dist": "uniform", "low": 6, "high": 18}}}
    with_finance = simulate(parse_scenario(data, model=BuildoutScenario)).periods
    data.pop("finance")
    without = simulate(parse_scenario(data, model=BuildoutScenario)).periods
    assert with_finance["p50_online_gw"].equals(without["p50_online_gw"])


BAD = [
    ("accelerator_life_years: 0", "finance.accelerator_life_years", "at least 1"),
    ("target_return_per_year: 0.9", "finance.target_return_per_year", "0.5"),
    ("compare_accelerator_lives_years: [6, 3]", "finance", "shorter first"),
    ("revenue: {usd_per_year: [{year: 2028, usd: 1.0e+10}]}", "finance.revenue.usd_per_year", "give a point for 2026"),
    ("revenue: {usd_per_gw_year: 1.0e+10, usd_per_year: [{year: 2026, usd: 1}]}", "finance.revenue", "exactly one"),
    ("revenue: {usd_per_accelerator_hour: 2000}", "finance.revenue", "USD per accelerator-hour"),
    ("revenue: {usd_per_year: [{year: 2026, usd: -5}]}", "finance.revenue.usd_per_year", "0"),
]


@pytest.mark.parametrize("line, field, fix", BAD)
def test_bad_inputs_one_line_exit_2(tmp_path, line, field, fix):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "start: 2026-01\nend: 2030-12\nprogramme: {target: [{date: 2027-01, online_gw: 1}]}\n"
        "finance:\n  revenue: {usd_per_year: [{year: 2026, usd: 1.0e+10}]}\n".replace(
            "  revenue: {usd_per_year: [{year: 2026, usd: 1.0e+10}]}\n",
            (f"  {line}\n" if line.startswith("revenue") else f"  {line}\n  revenue: {{usd_per_year: [{{year: 2026, usd: 1.0e+10}}]}}\n")))
    done = subprocess.run([str(GIGAWATT), "buildout", str(path), "--no-store"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    err = done.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert field in err and fix in err, err


def test_example_on_the_command_line():
    done = subprocess.run([str(GIGAWATT), "buildout", str(EXAMPLE), "--no-store", "--set", "draws=200"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "revenue against the cost of capital" in done.stdout
    assert "P(revenue covers cost of capital) in 2031 = " in done.stdout
    assert "ILLUSTRATIVE" in EXAMPLE.read_text()  # the example's revenue path is labelled as not sourced


def test_chart_plot_and_frames_read_the_result(tmp_path):
    """The web chart and the --plot panel draw from the stored shape (Result.data and its frames)."""
    from gigawatt.api import run
    from gigawatt.build_out import job

    data = {**copy.deepcopy(BASE), "draws": 50}
    result = run("buildout", data, store=None)
    chart = job.charts(result)["finance"]
    names = [trace["name"] for trace in chart["data"]]
    assert "P(revenue covers cost of capital)" in names and "required revenue P10–P90" in names
    assert chart["layout"]["yaxis2"]["range"] == [0, 100]
    assert list(result.to_frames()["finance"]["year"]) == [2026, 2027, 2028, 2029, 2030]
    png = job.plot(result, tmp_path / "buildout.png")
    assert png.stat().st_size > 10_000
