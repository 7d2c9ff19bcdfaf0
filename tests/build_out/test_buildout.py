"""The build-out simulation: invariants (limits lifted, tightening, energy, capital, chips), Monte Carlo,
and bad input."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.build_out.simulation import WEEKS_PER_YEAR, draw, simulate
from gigawatt.compute.sizing import HOURS_PER_YEAR
from gigawatt.core.errors import ScenarioError
from gigawatt.build_out.scenario import BuildoutScenario, Uncertain
from gigawatt.api import parse_scenario

ROADMAP = [{"accelerator": "GB200 NVL72", "available": "2025-02"}, {"accelerator": "GB300 NVL72", "available": "2026-01"}]

# every limit active, each binding somewhere in 2026-2032 (checked below)
LIMITED = {
    "name": "limited",
    "start": "2026-01",
    "end": "2032-12",
    "programme": {
        "target": [{"date": "2027-06", "online_gw": 2}, {"date": "2031-01", "online_gw": 20}],
        "permits_months": 3,
        "construction_months": 12,
    },
    "roadmap": [
        {"accelerator": "GB300 NVL72", "available": "2025-08", "units_per_quarter": {"value": 1500, "growth_per_year": 0.3}},
        {"accelerator": "Vera Rubin", "available": "2027-01", "units_per_quarter": {"value": 150_000, "growth_per_year": 0.3}},
    ],
    "limits": {
        "factory_gw_per_week": {"value": 0.08, "growth_per_year": 0.2},
        "construction_gw": 4,
        "capital_usd_per_year": {"value": 8e10, "growth_per_year": 0.2},
        "transformers": {"name": "transformers", "gw_per_year": 6, "lead_months": 24, "secured_gw": 4},
        "power": [
            {"name": "grid", "gw_per_year": 3, "lead_months": 36, "secured_gw": 2},
            {"name": "gas", "gw_per_year": 4, "lead_months": 12},
        ],
    },
}


def scenario(data: dict, **changes) -> BuildoutScenario:
    data = copy.deepcopy(data)
    data.update(changes)
    return parse_scenario(data, model=BuildoutScenario)


def unlimited(construction_months: float = 12, permits_months: float = 3) -> BuildoutScenario:
    return scenario({
        "start": "2026-01", "end": "2030-12", "roadmap": ROADMAP,
        "programme": {
            "target": [{"date": "2027-06", "online_gw": 0}, {"date": "2028-01", "online_gw": 4}, {"date": "2030-06", "online_gw": 12}],
            "construction_months": construction_months, "permits_months": permits_months,
        },
    })


def test_with_every_limit_lifted_capacity_follows_the_programme_exactly():
    # the target rises from 2027-06, after permits + construction (15 months) from the start
    periods = simulate(unlimited()).periods
    np.testing.assert_allclose(periods["online_gw"], periods["target_gw"], rtol=0, atol=1e-9)
    assert periods["online_gw"].iloc[-1] == pytest.approx(12.0)
    assert set(periods["binding_limit"]) == {"on plan"}


def test_a_target_sooner_than_the_lead_time_is_held_back_by_the_lead_time():
    periods = simulate(unlimited(construction_months=24)).periods
    late = periods[periods["online_gw"] < periods["target_gw"] - 1e-9]
    assert not late.empty and set(late["binding_limit"]) == {"lead time"}
    # the first capacity arrives permits + construction after the start: 27 months ≈ 117 weeks
    first = periods.index[periods["online_gw"] > 0][0]
    assert first == pytest.approx(27 * WEEKS_PER_YEAR / 12, abs=1.5)


# one limit at a time on an otherwise unlimited programme, each set so that it binds
ONE_LIMIT = {
    "factory throughput": ("limits", "factory_gw_per_week", {"value": 0.05}),
    "construction labour": ("limits", "construction_gw", {"value": 3}),
    "capital": ("limits", "capital_usd_per_year", {"value": 6e10}),
    "transformers": ("limits", "transformers", {"name": "t", "gw_per_year": {"value": 3}, "lead_months": 24, "secured_gw": 2}),
    "power supply": ("limits", "power", [{"name": "grid", "gw_per_year": {"value": 2}, "lead_months": 36, "secured_gw": 2},
                                         {"name": "gas", "gw_per_year": {"value": 1}, "lead_months": 12}]),
    "accelerators": (None, "roadmap", [{"accelerator": "GB300 NVL72", "available": "2025-08", "units_per_quarter": {"value": 1000}},
                                       {"accelerator": "Vera Rubin", "available": "2027-01", "units_per_quarter": {"value": 100_000}}]),
}


def one_limit(name: str, factor: float = 1.0) -> BuildoutScenario:
    data = _normalised_free()
    section, key, value = ONE_LIMIT[name]
    value = copy.deepcopy(value)
    for item in value if isinstance(value, list) else [value]:
        rate = item.get("gw_per_year") or item.get("units_per_quarter") or item
        rate["value"] *= factor
    (data.setdefault(section, {}) if section else data)[key] = value
    return scenario(data)


def _normalised_free() -> dict:
    data = copy.deepcopy(LIMITED)
    data["limits"] = {}
    data["roadmap"] = [{"accelerator": "GB300 NVL72", "available": "2025-08"}, {"accelerator": "Vera Rubin", "available": "2027-01"}]
    return data


@pytest.mark.parametrize("name", sorted(ONE_LIMIT))
def test_each_limit_binds_and_tightening_it_delays_capacity(name):
    loose = simulate(one_limit(name))
    assert loose.binding_weeks[name] > 0
    tight = simulate(one_limit(name, 0.7)).periods["online_gw"].to_numpy()
    assert np.all(tight <= loose.periods["online_gw"].to_numpy() + 1e-9)
    assert np.any(tight < loose.periods["online_gw"].to_numpy() - 1e-3)


TIGHTENINGS = {
    "factory": ("limits", "factory_gw_per_week", "value"),
    "labour": ("limits", "construction_gw", "value"),
    "capital": ("limits", "capital_usd_per_year", "value"),
    "transformers": ("limits", "transformers", "gw_per_year", "value"),
    "grid": ("limits", "power", 0, "gw_per_year", "value"),
    "gas": ("limits", "power", 1, "gw_per_year", "value"),
    "chips": ("roadmap", 1, "units_per_quarter", "value"),
}


def _set(data: dict, path: tuple, factor: float) -> dict:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = node[path[-1]] * factor
    return data


def _normalised(data: dict) -> dict:
    """Write every bare rate as {value: x} so a path ending in 'value' finds it."""
    data = copy.deepcopy(data)
    for key in ("factory_gw_per_week", "construction_gw", "capital_usd_per_year"):
        if not isinstance(data["limits"][key], dict):
            data["limits"][key] = {"value": data["limits"][key]}
    for route in [data["limits"]["transformers"], *data["limits"]["power"]]:
        if not isinstance(route["gw_per_year"], dict):
            route["gw_per_year"] = {"value": route["gw_per_year"]}
    return data


@settings(max_examples=30, deadline=None)
@given(limit=st.sampled_from(sorted(TIGHTENINGS)), factor=st.floats(0.3, 0.95))
def test_tightening_any_one_limit_among_all_never_brings_capacity_online_sooner(limit, factor):
    base = _normalised(LIMITED)
    loose = simulate(scenario(base)).periods["online_gw"].to_numpy()
    tight = simulate(scenario(_set(base, TIGHTENINGS[limit], factor))).periods["online_gw"].to_numpy()
    assert np.all(tight <= loose + 1e-9), f"tightening {limit} by {factor:.2f} brought capacity online sooner"


@pytest.mark.parametrize("path, longer", [(("limits", "transformers", "lead_months"), 12), (("programme", "construction_months"), 6)])
def test_longer_lead_times_never_bring_capacity_online_sooner(path, longer):
    base = _normalised(LIMITED)
    slow = copy.deepcopy(base)
    node = slow
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] += longer
    assert np.all(simulate(scenario(slow)).periods["online_gw"].to_numpy() <= simulate(scenario(base)).periods["online_gw"].to_numpy() + 1e-9)


def test_energy_is_power_times_hours_times_load_factor():
    periods = simulate(scenario(LIMITED)).periods
    np.testing.assert_allclose(periods["energy_twh_per_year"], periods["online_gw"] * HOURS_PER_YEAR / 1e3 * periods["load_factor"])
    # the load factor is the catalog's average over peak draw of the installed racks (0.75-0.80)
    assert periods["load_factor"].iloc[-1] == pytest.approx(0.78, abs=0.03)
    fixed = simulate(scenario(LIMITED, load_factor=0.6)).periods
    np.testing.assert_allclose(fixed["energy_twh_per_year"], fixed["online_gw"] * 8.76 * 0.6)


def test_capacity_online_is_the_installed_racks_at_their_facility_power():
    result = simulate(scenario(LIMITED))
    last = result.periods.iloc[-1]
    kw = result.generations.set_index("accelerator")["facility_kw_per_unit"]
    per_unit = result.generations.set_index("accelerator")["accelerators_per_unit"]
    racks_gw = sum(last[f"accelerators:{name}"] / per_unit[name] * kw[name] / 1e6 for name in ("GB300 NVL72", "Vera Rubin"))
    assert racks_gw == pytest.approx(last["online_gw"], rel=1e-9)


def test_capital_spent_never_exceeds_capital_available():
    periods = simulate(scenario(LIMITED)).periods
    years = np.arange(len(periods)) + 1
    available = 1.2e11 / WEEKS_PER_YEAR * ((1.2 ** (np.arange(len(periods)) / WEEKS_PER_YEAR)).cumsum())
    assert np.all(periods["capex_cumulative_usd"].to_numpy() <= available * (1 + 1e-9))
    assert len(years) == len(periods)


def test_chips_installed_never_exceed_chips_delivered_and_newer_ones_hold_more_compute():
    periods = simulate(scenario(LIMITED)).periods
    weeks = np.arange(len(periods))
    rubin_from = int(np.ceil((np.datetime64("2027-01-01") - np.datetime64("2026-01-01")).astype(int) / 7))
    delivered = 150_000 / (WEEKS_PER_YEAR / 4) * np.cumsum(np.where(weeks >= rubin_from, 1.3 ** ((weeks - rubin_from) / WEEKS_PER_YEAR), 0))
    assert np.all(periods["accelerators:Vera Rubin"].to_numpy() <= delivered * (1 + 1e-9))
    # Vera Rubin holds ~2.2x the H100-equivalents per GW of GB300 NVL72
    data = _normalised_free()
    data["roadmap"][1]["available"] = "2029-01"
    late = simulate(scenario(data)).periods.set_index("date")
    per_gw = late["h100_equivalents"] / late["online_gw"]
    assert per_gw["2028-12-28"] == pytest.approx(182.0 / 0.17027 * 1e3, rel=1e-3)  # GB300 NVL72 only
    assert per_gw.iloc[-1] > 1.5 * per_gw["2028-12-28"]


def test_draws_repeat_with_a_seed_and_bracket_the_median_inputs():
    data = copy.deepcopy(LIMITED)
    data["limits"]["construction_gw"] = {"value": {"dist": "triangular", "low": 2, "mode": 4, "high": 8}}
    data["limits"]["capital_usd_per_year"] = {"value": {"dist": "lognormal", "p10": 6e10, "p90": 2e11}}
    one = simulate(scenario(data), draws=300, seed=7).periods
    two = simulate(scenario(data), draws=300, seed=7).periods
    other = simulate(scenario(data), draws=300, seed=8).periods
    np.testing.assert_array_equal(one["p50_online_gw"], two["p50_online_gw"])
    assert not np.array_equal(one["p90_online_gw"], other["p90_online_gw"])
    assert np.all(one["p10_online_gw"] <= one["p50_online_gw"] + 1e-6)
    assert np.all(one["p50_online_gw"] <= one["p90_online_gw"] + 1e-6)
    assert (one["p90_online_gw"] - one["p10_online_gw"]).max() > 0.5  # the uncertainty shows


def test_draws_of_fixed_figures_all_equal_the_median_run():
    result = simulate(scenario(LIMITED), draws=50, seed=1)
    np.testing.assert_allclose(result.periods["p10_online_gw"], result.periods["online_gw"], atol=1e-4)
    np.testing.assert_allclose(result.periods["p90_online_gw"], result.periods["online_gw"], atol=1e-4)


@pytest.mark.parametrize("figure", [
    {"dist": "lognormal", "p10": 2.0, "p90": 8.0},
    {"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 6.0},
    {"dist": "uniform", "low": 3.0, "high": 5.0},
])
def test_samples_have_the_stated_percentiles_and_median(figure):
    u = Uncertain.model_validate(figure)
    samples = draw(u, np.random.default_rng(0), 200_000)
    assert np.median(samples) == pytest.approx(u.median, rel=0.01)
    if u.dist == "lognormal":
        assert np.percentile(samples, [10, 90]) == pytest.approx([2.0, 8.0], rel=0.02)
    assert samples.min() >= 0


def test_check_states_the_probability_and_when_no_draw_reaches_it():
    data = copy.deepcopy(LIMITED)
    data["check"] = {"online_gw": 500, "by": "2030-01"}
    check = simulate(scenario(data), draws=20).check
    assert check["probability"] == 0.0
    assert check["statement"].startswith("no draw reaches 500 GW by 2030-01")
    data["check"] = {"online_gw": 1, "by": "2032-01"}
    assert simulate(scenario(data), draws=20).check["probability"] == 1.0


@pytest.mark.parametrize("change, message", [
    ({"programme": {"target": [{"date": "2028-01", "online_gw": 2}, {"date": "2027-01", "online_gw": 3}]}}, "target dates out of order: 2027-01 follows 2028-01"),
    ({"limits": {"factory_gw_per_week": -1}}, "'limits.factory_gw_per_week.value.value': Input should be greater than or equal to 0"),
    ({"limits": {"capital_usd_per_year": {"dist": "lognormal", "p10": 5, "p90": 2}}}, "p10 5 is above p90 2; swap them"),
    ({"limits": {"construction_gw": {"dist": "triangular", "low": 5, "mode": 2, "high": 9}}}, "triangular needs low <= mode <= high"),
    ({"end": "2025-06"}, "end 2025-06 is not after start 2026-01"),
    ({"end": "2042-01"}, "more than 15 years"),
    ({"limits": {"factory_gw_per_wek": 1}}, "did you mean 'factory_gw_per_week'"),
    ({"programme": {"target": [{"date": "2028-01"}]}}, "give exactly one of online_gw or accelerators"),
])
def test_bad_input_gets_one_line_naming_the_field(change, message):
    data = copy.deepcopy(LIMITED)
    data.update(change)
    with pytest.raises(ScenarioError) as error:
        parse_scenario(data, model=BuildoutScenario)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_unpriced_and_unknown_accelerators_name_the_roadmap_entry():
    data = copy.deepcopy(LIMITED)
    data["roadmap"] = [{"accelerator": "TPU v7", "available": "2025-06"}]
    with pytest.raises(ScenarioError, match=r"roadmap\[TPU v7\].accelerator_price_usd"):
        simulate(scenario(data))
    data["roadmap"] = [{"accelerator": "Rubbin", "available": "2025-06"}]
    with pytest.raises(ScenarioError, match="unknown accelerator 'Rubbin'; did you mean 'Vera Rubin'"):
        simulate(scenario(data))


def test_an_accelerator_target_converts_with_the_generation_of_its_month():
    data = {"start": "2026-01", "end": "2030-12", "roadmap": ROADMAP,
            "programme": {"target": [{"date": "2029-01", "accelerators": 1e6}], "construction_months": 6}}
    last = simulate(scenario(data)).periods.iloc[-1]
    assert last["accelerators"] == pytest.approx(1e6, rel=1e-9)
    assert last["online_gw"] == pytest.approx(1e6 / 72 * 170.27e-6, rel=1e-3)  # GB300 NVL72 at 170.27 kW a rack


# --- the command line -------------------------------------------------------------------------------

from conftest import EXAMPLES  # noqa: E402

TEN_GW = str(EXAMPLES / "buildout" / "10gw.yaml")


def test_cli_json_has_the_stable_keys_and_writes_plot_and_csv(cli, tmp_path):
    plot, table = tmp_path / "b.png", tmp_path / "b.csv"
    result = cli("buildout", TEN_GW, "--draws", "200", "--seed", "3", "--json", "--plot", str(plot), "--csv", str(table))
    assert result.code == 0, result.err
    data = result.result()
    period = data["periods"][-1]
    for key in ("date", "online_gw", "under_construction_gw", "accelerators", "h100_equivalents", "energy_twh_per_year",
                "capex_cumulative_usd", "binding_limit", "p10_online_gw", "p50_online_gw", "p90_online_gw"):
        assert key in period
    assert data["draws"] == 200 and data["seed"] == 3
    assert set(data["national"]["share_of_generation"]) >= {"2025", "2031"}
    assert 0 <= data["check"]["probability"] <= 1
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert table.read_text().splitlines()[0].startswith("date,target_gw,online_gw")
    again = cli("buildout", TEN_GW, "--draws", "200", "--seed", "3", "--json").result()
    assert again["periods"] == data["periods"]


def test_cli_table_names_what_holds_capacity_back(cli):
    result = cli("buildout", TEN_GW, "--draws", "0")
    assert result.code == 0, result.err
    assert "held back by" in result.out and "transformers" in result.out
    assert "national view: USA" in result.out


@pytest.mark.parametrize("args, message", [
    (["--set", "country=Atlantis"], "country: unknown 'Atlantis'"),
    (["--set", "limits.construction_gw.value=-2"], "greater than or equal to 0"),
    (["--set", "end=2024-06"], "end 2024-06 is not after start 2025-01"),
    (["--draws", "-5"], "draws"),
])
def test_cli_bad_input_exits_2_with_one_line(cli, args, message):
    result = cli("buildout", TEN_GW, *args)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1


def test_cli_keeps_an_existing_output_when_the_run_fails(cli, tmp_path):
    table = tmp_path / "keep.csv"
    table.write_text("old\n")
    assert cli("buildout", TEN_GW, "--set", "country=Atlantis", "--csv", str(table)).code == 2
    assert table.read_text() == "old\n"


def test_binding_shares_by_year_sum_to_one_and_count_every_draw():
    result = simulate(scenario(LIMITED), draws=40, seed=2)
    shares = result.binding_by_year
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert list(shares.index) == list(range(2026, 2033))
    # fixed figures: every draw binds like the median run, week for week
    median = simulate(scenario(LIMITED)).binding_by_year
    pd.testing.assert_frame_equal(shares, median)
