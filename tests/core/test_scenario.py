"""Scenario files: strict validation, errors that name key and line, overrides, no tracebacks."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gigawatt import GigawattError, ScenarioError, load_scenario, parse_scenario
from gigawatt.compute.sizing import size
from gigawatt.power.scenario import Scenario
from gigawatt.core.inputs import apply_overrides

from conftest import EXAMPLES


def write(tmp_path, text: str):
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return path


def test_examples_are_valid():
    for path in sorted(EXAMPLES.glob("*.yaml")):
        assert isinstance(load_scenario(path), Scenario), path


def test_unknown_key_names_line_and_suggests(tmp_path):
    path = write(tmp_path, "name: x\ncluster:\n  accelerator: H100\n  cout: 10\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert "line 4" in message and "cluster.cout" in message and "did you mean 'count'" in message
    assert "\n" not in message


def test_bad_value_names_key_and_line(tmp_path):
    path = write(tmp_path, "cluster:\n  accelerator: H100\n  count: 10\n  pue: 0.9\n")
    with pytest.raises(ScenarioError, match=r"line 4: 'cluster.pue': .*greater than or equal to 1"):
        load_scenario(path)


@pytest.mark.parametrize(
    ("cluster", "key"),
    [
        ({"accelerator": "H100", "count": 0}, "cluster.count"),
        ({"accelerator": "H100", "count": -5}, "cluster.count"),
        ({"accelerator": "H100", "count": 10, "model_flop_utilisation": 1.2}, "cluster.model_flop_utilisation"),
        ({"accelerator": "H100", "training": {"flop": 1e25, "days": 0}}, "cluster.training.days"),
        ({"accelerator": "H100", "count": 10, "power_mw": 5}, "exactly one of count, power_mw or training"),
        ({"accelerator": "H100"}, "exactly one of count, power_mw or training"),
        ({"count": 10}, "cluster.accelerator"),
    ],
)
def test_bad_cluster_is_one_line_naming_the_field(cluster, key):
    with pytest.raises(ScenarioError, match=key.replace(".", r"\.")) as err:
        parse_scenario({"cluster": cluster})
    assert "\n" not in str(err.value)


def test_not_yaml_and_not_a_mapping(tmp_path):
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(write(tmp_path, "cluster: [unclosed\n"))
    with pytest.raises(ScenarioError, match="must be a mapping"):
        load_scenario(write(tmp_path, "- just\n- a list\n"))
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "missing.yaml")


def test_overrides_by_dotted_key(tmp_path):
    path = write(tmp_path, "cluster:\n  accelerator: H100\n  power_mw: 100\n")
    scenario = load_scenario(path, ["cluster.count=200000", "costs.discount_rate=0.07"])
    assert scenario.cluster.count == 200_000 and scenario.cluster.power_mw is None
    assert scenario.costs.discount_rate == 0.07
    with pytest.raises(ScenarioError, match="dotted.key=value"):
        load_scenario(path, ["cluster.count"])
    with pytest.raises(ScenarioError, match="unknown key 'cluster.colour'"):
        load_scenario(path, ["cluster.colour=red"])


def test_models_are_frozen():
    scenario = parse_scenario({"cluster": {"accelerator": "H100", "count": 1}})
    with pytest.raises(Exception):
        scenario.cluster.count = 5  # type: ignore[misc]


def test_overrides_do_not_touch_the_input():
    data = {"cluster": {"accelerator": "H100", "count": 1}}
    apply_overrides(data, ["cluster.count=2"])
    assert data["cluster"]["count"] == 1


# --- property tests: no input produces a traceback ----------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
keys = st.sampled_from(["accelerator", "count", "power_mw", "training", "pue", "cooling", "flop", "days", "precision", "utilisation", "costs", "cluster", "name", "discount_rate", "bogus"])
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=4)), max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(values, st.dictionaries(keys, values, max_size=5)))
def test_any_mapping_validates_or_raises_scenario_error(data):
    try:
        scenario = parse_scenario(data)
    except ScenarioError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    try:
        size(scenario)
    except GigawattError:
        pass


@settings(max_examples=200, deadline=None)
@given(
    cluster=st.fixed_dictionaries(
        {"accelerator": st.sampled_from(["H100", "h100 sxm", "nope", ""])},
        optional={
            "count": st.one_of(st.integers(-5, 10**12), st.floats()),
            "power_mw": st.one_of(st.floats(), st.integers(-5, 10**7)),
            "pue": st.floats(),
            "average_to_tdp_ratio": st.floats(),
            "precision": st.sampled_from(["bf16", "fp8", "fp4"]),
            "cooling": st.sampled_from(["air", "liquid", "oil"]),
        },
    )
)
def test_any_cluster_sizes_or_raises_a_user_error(cluster):
    try:
        size(parse_scenario({"cluster": cluster}))
    except GigawattError as exc:
        assert "\n" not in str(exc)


def test_yaml_text_fuzz_never_tracebacks(tmp_path):
    # a handful of malformed files a user could write
    for text in ["", "cluster:", "cluster: 5", ":\n:", "cluster:\n  accelerator: [1, 2]\n  count: 3", "\t bad"]:
        path = write(tmp_path, text)
        with pytest.raises(ScenarioError):
            load_scenario(path)


UNIT_WORDS = ("MW", "GW", "USD", "km2", "kWh", "ratio", "FLOP", "days", "months", "years", "per year", "units", "degrees", "hours",
              "tCO2", "gCO2", "MMBtu", "Calendar year", "Calendar months", "Seed", "draws", "count", "seconds", "minutes", "kW", "people", "Gbit/s", "%", "tokens")


KINDS_OF = {"Scenario": "plan", "BuildoutScenario": "buildout", "SitingProgramme": "site", "ScheduleScenario": "schedule"}


@pytest.mark.parametrize("model", list(KINDS_OF))
def test_every_numeric_key_states_its_unit_and_default(model):
    import gigawatt.api
    from gigawatt.core.inputs import describe_fields

    rows = describe_fields(gigawatt.api.MODELS[KINDS_OF[model]])
    assert rows
    for row in rows:
        assert row["description"], row["key"]
        if {"float", "int"} & set(row["type"].split(" | ")):
            assert any(word in row["description"] for word in UNIT_WORDS), row
            assert row["default"] in ("required", "-") or row["default"][0].isdigit(), row
