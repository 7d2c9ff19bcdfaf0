"""`gigawatt finance` on a plan scenario: the campus and its supply as pro formas, checked against the plan they
come from and through the installed command, as a user meets it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from gigawatt import api, catalog
from gigawatt.core.errors import ScenarioError
from gigawatt.schemas import output_schema

from conftest import EXAMPLES, without_progress

GIGAWATT = Path(sys.executable).with_name("gigawatt")
CAMPUS = EXAMPLES / "finance" / "west-texas-campus.yaml"
OFFGRID = EXAMPLES / "west-texas-offgrid.yaml"
PHASED = EXAMPLES / "phased-campus.yaml"
QUICK = ["site.screening_segments=48"]  # 48 time segments: the plan in about a second
CLOSED_FORM_RTOL = 1e-6


def finance_run(path: Path, *overrides: str):
    return api.run("finance", path, set=[*QUICK, *overrides], store=None)


@pytest.fixture(scope="module")
def campus():
    return finance_run(CAMPUS)


def test_the_supply_lcoe_is_the_plan_s_cost_when_money_is_as_the_plan_annualises_it():
    """No tax, no debt, no inflation, the plan's discount rate as the return, 30 years over lives of 30 and 15
    (the battery bought twice): SAM's LCOE of the supply alone is the plan's annual cost over the energy served,
    since a capital C annualised by the capital recovery factor has a present value of exactly C."""
    discount = catalog.assumption("discount_rate")
    result = finance_run(OFFGRID, "supply.technologies=[utility_pv, battery_li_ion, gas_ct_aero]", "supply.limits={}",
                         f"finance={{analysis_years: 30, inflation_rate_per_year: 0, income_tax_rate: 0, target_equity_return_per_year: {discount},"
                         " battery_life_years: 15, credits: {}, degradation_per_year: {}}")
    plan = api.run("plan", OFFGRID, set=[*QUICK, "supply.technologies=[utility_pv, battery_li_ion, gas_ct_aero]", "supply.limits={}"], store=None)
    served_mwh = plan.data["load_mwh"] - plan.data["unserved_energy_mwh"]
    expected = sum(plan.data["cost_usd_per_year"].values()) / served_mwh
    supply = result.data["supply"]
    assert supply["lcoe_real_usd_per_mwh"] == pytest.approx(expected, rel=CLOSED_FORM_RTOL)
    assert supply["lcoe_nominal_usd_per_mwh"] == pytest.approx(expected, rel=CLOSED_FORM_RTOL)  # no inflation: the same
    assert supply["break_even_usd_per_unit"] == pytest.approx(expected, rel=CLOSED_FORM_RTOL)  # no tax: price = cost


def test_capital_is_the_sizing_s_and_the_built_supply_s(campus):
    sizing = api.run("size", CAMPUS, set=QUICK, store=None).data
    plan = api.run("plan", CAMPUS, set=QUICK, store=None).data
    table = catalog.technologies().set_index("technology")
    supply_usd = sum(mw * 1e3 * table.at[tech, "capex_usd_per_kw"] for tech, mw in plan["capacity_mw"].items() if tech != "battery_li_ion")
    supply_usd += plan["capacity_mw"].get("battery_li_ion", 0) * 1e3 * table.at["battery_li_ion", "capex_usd_per_kw"]
    supply_usd += plan["storage_mwh"] * 1e3 * table.at["battery_li_ion", "capex_usd_per_kwh"]
    assert sum(campus.data["capital_usd"].values()) == pytest.approx(sum(sizing["capex_breakdown_usd"].values()) + supply_usd, rel=1e-9)
    uses = campus.to_frames()["sources_and_uses"]
    assert uses[uses.side == "use"].usd.sum() == pytest.approx(uses[uses.side == "source"].usd.sum())
    assert campus.data["accelerators"] == sizing["accelerator_count"]


def test_a_longer_accelerator_life_never_raises_the_break_even_price():
    prices = [finance_run(CAMPUS, f"finance.accelerator_life_years={life}").data["campus"]["break_even_usd_per_accelerator_hour"]
              for life in (3, 5, 7)]
    assert prices[0] > prices[1] > prices[2] > 0


def test_the_output_meets_its_schema_and_the_figures_carry_units(campus):
    jsonschema.Draft202012Validator(output_schema("finance")).validate(campus.to_dict())
    from gigawatt.registry import figures

    labels = figures("finance", campus.data)
    assert labels["break-even USD/accelerator-hour"] == campus.data["campus"]["break_even_usd_per_accelerator_hour"]
    assert labels["capital USD"] == pytest.approx(sum(campus.data["capital_usd"].values()))


def test_the_command_prints_the_pro_forma_and_writes_its_plot(tmp_path):
    png = tmp_path / "finance.png"
    done = subprocess.run([str(GIGAWATT), "finance", str(CAMPUS), "--no-store", "--set", QUICK[0], "--plot", str(png), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["kind"] == "finance" and out["result"]["campus"]["break_even_usd_per_accelerator_hour"] > 0
    assert png.stat().st_size > 10_000
    table = subprocess.run([str(GIGAWATT), "finance", str(CAMPUS), "--no-store", "--set", QUICK[0]], capture_output=True, text=True, timeout=300)
    assert table.returncode == 0 and "break-even price, first year" in table.stdout and "sources and uses" in table.stdout


@pytest.mark.parametrize(("args", "says"), [
    (["finance", str(OFFGRID)], "finance: the scenario has no finance section"),
    (["finance", str(CAMPUS), "--set", "finance.debt.debt_fraction=1.5"], "debt_fraction 1.5"),
    (["finance", str(CAMPUS), "--set", "finance.accelerator_life_years=0"], "accelerator_life_years"),
    (["finance", str(CAMPUS), "--set", "finance.degradation_per_year={gas_recip: 0.5}"], "gas_recip 0.5 is outside 0..0.2"),
    (["finance", str(CAMPUS), "--set", QUICK[0], "--set", "finance.degradation_per_year={wind_onshore: 0.01}"],
     "finance.degradation_per_year.wind_onshore: not a supply technology of this plan"),
    (["finance", str(EXAMPLES / "buildout" / "10gw.yaml")], "looks like a buildout scenario"),
    (["finance", str(CAMPUS), "--set", QUICK[0], "--set", "finance.ppa={price_usd_per_mwh: 5}"], "finance.ppa.price_usd_per_mwh 5 is below"),
    (["finance", str(PHASED), "--set", "finance={analysis_years: 2}", "--set", "site.screening_segments=24"],
     "finance.analysis_years 2 ends before phases[2].date 2029-01"),
    (["finance", str(PHASED), "--set", "finance={}", "--set", "site.screening_segments=24", "--set", "phases[2].power_mw=1000"],
     "phases[2]: the campus's IT power falls"),
])
def test_bad_input_is_one_line_naming_the_field(args, says):
    done = subprocess.run([str(GIGAWATT), *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    lines = without_progress(done.stderr).strip().splitlines()  # progress before it: how far the run got
    assert len(lines) == 1 and says in lines[0] and done.stderr.rstrip().endswith(lines[0]) and "Traceback" not in done.stderr


def test_a_plan_reads_a_finance_scenario_as_its_own():
    plan = api.run("plan", CAMPUS, set=QUICK, store=None)
    assert plan.kind == "plan" and plan.inputs.finance is not None


def test_a_sweep_over_a_finance_input_runs_finance_points(tmp_path):
    """A scenario with a site and a finance section is a finance job's, so a sweep of it prices every point."""
    done = subprocess.run([str(GIGAWATT), "sweep", str(CAMPUS), "--vary", "finance.accelerator_life_years=3,6", "--set", QUICK[0],
                           "--figure", "break-even USD/accelerator-hour", "--no-store", "--workers", "1", "--json"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)["result"]
    assert out["job"] == "finance"
    short, long = (point["break_even_usd_per_accelerator_hour"] for point in out["points"])
    assert short > long > 0


def test_the_pro_forma_exports_to_a_workbook(tmp_path):
    store = str(tmp_path / "runs.sqlite")
    ident = api.run("finance", CAMPUS, set=QUICK, store=store).run.id[:12]
    book = tmp_path / "pro-forma.xlsx"
    done = subprocess.run([str(GIGAWATT), "runs", "export", ident, "--format", "xlsx", "--out", str(book), "--store", store],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    import openpyxl

    sheets = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert {"cash_flows", "sources_and_uses", "supply_cash_flows"} <= set(sheets)


OFFGRID_PV = ["finance={analysis_years: 20}"]  # the example's own supply: it builds solar beside its gas engines


@pytest.mark.parametrize(("start", "expected"), [
    ("2026-01", {"utility_pv": 0.30, "battery_li_ion": 0.30}),  # before 4 July 2026: wind and solar still qualify (P.L. 119-21)
    ("2027-01", {"battery_li_ion": 0.30}),  # solar too late; storage in full until 2033
    ("2035-03", {"battery_li_ion": 0.15}),  # storage begun in 2035: half the credit
])
def test_the_default_credit_follows_the_catalog_s_dates(start, expected):
    result = finance_run(OFFGRID, *OFFGRID_PV, f"start={start}")
    credits = result.data["finance"]["credits"]
    built = {tech for tech, mw in api.run("plan", OFFGRID, set=[*QUICK, f"start={start}"], store=None).data["capacity_mw"].items() if mw > 0}
    assert "utility_pv" in built  # else the check says nothing of solar's dates
    wanted = {tech: share for tech, share in expected.items() if tech in built}
    assert {tech: c["investment_share"] for tech, c in credits.items()} == pytest.approx(wanted)
    assert any("48E" in m for m in result.messages) == bool(wanted)
    if "utility_pv" in built and "utility_pv" not in wanted:
        assert any("must begin construction by 2026-07-04" in m for m in result.messages)


def test_no_credit_when_the_scenario_says_none():
    result = finance_run(OFFGRID, "finance={analysis_years: 20, credits: {}}")
    assert result.data["finance"]["credits"] == {} and not any("48E" in m for m in result.messages)


@pytest.fixture(scope="module")
def phased():
    """The phased campus (300 MW 2026-07, 1.2 GW 2027-07, 2 GW of a newer accelerator 2029-01) over 20 years."""
    return api.run("finance", PHASED, set=["site.screening_segments=48", "finance={analysis_years: 20, credits: {}}"], store=None)


def test_a_phased_plan_s_years_mix_its_periods_by_the_time_each_covers(phased):
    """Year t of operation covers [t-1, t) years after 2026-07: year 1 is phase 0 alone, year 2 phase 1 alone,
    year 3 half phase 1 and half phase 2 (from 2029-01), then phase 2; energy and hours follow that mix."""
    plan = api.run("plan", PHASED, set=["site.screening_segments=48"], store=None).data
    served = [row["load_mwh"] - row["unserved_energy_mwh"] for row in plan["phases"]]
    flows = phased.to_frames()["cash_flows"].set_index("year")
    assert flows.at[1, "energy_delivered_mwh"] == pytest.approx(served[0], rel=1e-9)
    assert flows.at[2, "energy_delivered_mwh"] == pytest.approx(served[1], rel=1e-9)
    assert flows.at[3, "energy_delivered_mwh"] == pytest.approx(0.5 * served[1] + 0.5 * served[2], rel=1e-9)
    assert flows.at[20, "energy_delivered_mwh"] == pytest.approx(served[2], rel=1e-9)
    hours = flows["accelerator_hours"]
    assert hours[1] < hours[2] < hours[3] < hours[4] == hours[20]  # the fleet grows phase by phase, then stands


def test_a_phased_plan_s_capital_is_spent_in_the_year_each_phase_begins(phased):
    """The supply's capital by year is the plan's builds by phase (the plan's own capital_usd per period), and the
    cluster's adds each phase's new IT power at its accelerator's cost: nothing is bought twice at a phase."""
    plan = api.run("plan", PHASED, set=["site.screening_segments=48"], store=None).data
    supply = phased.to_frames()["supply_cash_flows"].set_index("year")["capital_usd"]
    assert [supply[0], supply[2], supply[3]] == pytest.approx([row["capital_usd"] for row in plan["phases"]], rel=1e-9)
    assert supply.sum() == pytest.approx(plan["phased"]["capital_usd"], rel=1e-9)
    sizes = [api.run("size", PHASED, set=[f"cluster.power_mw={mw}", *([f"cluster.accelerator={acc}"] if acc else []), "phases=null"],
                     store=None).data for mw, acc in ((300, None), (1200, None), (2000, "Vera Rubin"))]
    cluster_usd = sum(sum(s["capex_breakdown_usd"].values()) * (s["it_power_mw"] - before) / s["it_power_mw"]
                      for s, before in zip(sizes, [0.0, sizes[0]["it_power_mw"], sizes[1]["it_power_mw"]]))
    campus = phased.to_frames()["cash_flows"]
    assert campus["capital_usd"].sum() == pytest.approx(cluster_usd + supply.sum(), rel=1e-9)
    assert sum(phased.data["capital_usd"].values()) == pytest.approx(campus["capital_usd"].sum(), rel=1e-9)
    assert any("3 periods from 2026-07" in m for m in phased.messages)


def test_a_stored_plan_is_priced_as_planned_and_as_its_scenario_would_be(tmp_path):
    """`gigawatt finance RUN_ID`: the stored plan's pro forma, without solving it again, is the one `gigawatt finance`
    computes from the same scenario (same run id, same break-even), and only finance.* may change."""
    store = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    plan = api.run("plan", OFFGRID, set=QUICK, store=store)
    section = "finance={analysis_years: 20, debt: {debt_fraction: 0.5}}"
    priced = api.from_stored_plan("finance", plan.run.id[:8], set=[section], store=store)
    assert any("read as it was planned" in m for m in priced.messages)
    direct = api.run("finance", OFFGRID, set=[*QUICK, section], store=None)
    assert priced.run.id == direct.run.id
    assert priced.data["campus"]["break_even_usd_per_accelerator_hour"] == pytest.approx(
        direct.data["campus"]["break_even_usd_per_accelerator_hour"], rel=1e-9)
    assert priced.data["supply"]["lcoe_real_usd_per_mwh"] == pytest.approx(direct.data["supply"]["lcoe_real_usd_per_mwh"], rel=1e-9)

    done = subprocess.run([str(GIGAWATT), "finance", plan.run.id[:12], "--store", store, "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["kind"] == "finance" and out["result"]["finance"]["analysis_years"] == 30  # the plan has no finance: the defaults
    assert any("no finance section" in m for m in out["messages"])
    for args, says in ((["--set", "site.year=2024"], "site.year: a stored plan is read as it was planned"),
                       (["--no-store"], "--no-store:")):
        bad = subprocess.run([str(GIGAWATT), "finance", plan.run.id[:12], "--store", store, *args], capture_output=True, text=True, timeout=300)
        lines = bad.stderr.strip().splitlines()
        assert bad.returncode == 2 and len(lines) == 1 and says in lines[0], bad.stderr
    sized = api.run("size", OFFGRID, store=store)
    with pytest.raises(ScenarioError, match="is a size run, not a plan"):
        api.from_stored_plan("finance", sized.run.id, store=store)


DEGRADING = "finance={analysis_years: 12, inflation_rate_per_year: 0, credits: {}, degradation_per_year: {utility_pv: 0.01}}"


def test_degraded_solar_output_is_made_up_by_the_plan_s_fuel_at_its_average_cost():
    """1%/yr off the PV's output: in year t the gas plant burns (1 - 0.99^(t-1)) x the PV's first-year MWh more, at
    the plan's average fuel cost per MWh of gas, and the campus still gets all its energy (no inflation: flat costs)."""
    plan = api.run("plan", OFFGRID, set=QUICK, store=None).data
    pv_mwh, gas_mwh = plan["energy_mwh"]["utility_pv"], plan["energy_mwh"]["gas_recip"]
    assert pv_mwh > 0 and gas_mwh > 0  # the check needs both
    fuel_usd_per_mwh = plan["cost_usd_per_year"]["gas_recip_energy"] / gas_mwh
    flows = finance_run(OFFGRID, DEGRADING).to_frames()["cash_flows"].set_index("year")
    for year in (1, 5, 12):
        lost_mwh = pv_mwh * (1 - 0.99 ** (year - 1))
        assert flows.at[year, "fuel_usd"] == pytest.approx(plan["cost_usd_per_year"]["gas_recip_energy"] + lost_mwh * fuel_usd_per_mwh, rel=1e-9)
    assert flows.at[12, "energy_delivered_mwh"] == pytest.approx(flows.at[1, "energy_delivered_mwh"], rel=1e-12)
    undegraded = finance_run(OFFGRID, DEGRADING.replace("{utility_pv: 0.01}", "{}")).to_frames()["cash_flows"]
    assert undegraded["fuel_usd"].iloc[1:].nunique() == 1  # no degradation: the same fuel bill every year


def test_solar_degrades_by_the_catalog_s_rate_unless_the_scenario_says_otherwise():
    result = finance_run(OFFGRID, "finance={analysis_years: 12}")
    assert result.data["finance"]["degradation_per_year"] == {"utility_pv": catalog.finance_default("pv_degradation_per_year")}
    assert any(m.startswith("degradation: utility_pv loses 0.5%") for m in result.messages)


def test_degraded_output_with_nothing_to_make_it_up_goes_unserved_with_its_compute():
    """PV and a battery alone (with unserved energy allowed): the energy degradation takes is lost, and the
    accelerator-hours it would have run with it."""
    alone = ["supply.technologies=[utility_pv, battery_li_ion]", "supply.limits={}", "constraints.reserve_margin=null",
             "constraints.value_of_lost_load_usd_per_mwh=2000"]
    result = finance_run(OFFGRID, *alone, DEGRADING)
    pv_mwh = api.run("plan", OFFGRID, set=[*QUICK, *alone], store=None).data["energy_mwh"]["utility_pv"]
    flows = result.to_frames()["cash_flows"].set_index("year")
    energy = flows["energy_delivered_mwh"]
    assert energy[1] - energy[12] == pytest.approx(pv_mwh * (1 - 0.99 ** 11), rel=1e-9)
    assert flows.at[12, "accelerator_hours"] / flows.at[1, "accelerator_hours"] == pytest.approx(energy[12] / energy[1], rel=1e-9)
    assert any("unserved in the last year" in m for m in result.messages)
