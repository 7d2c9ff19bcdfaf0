"""Grid-responsive operations (`gigawatt schedule`): physical balances, tiers and deadlines, events met or
their shortfall explained, the rule-based policies never better than the optimum, and the Phoenix SRP
event of 3 May 2025 replayed against its measured trace."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, SHARED

import gigawatt
from gigawatt.operations import flat_run, schedule
from gigawatt.operations.inputs import schedule_inputs
from gigawatt.operations.optimise import optimise
from gigawatt.operations.policies import POLICIES, rule
from gigawatt.operations.scenario import ScheduleScenario

GIGAWATT = Path(sys.executable).with_name("gigawatt")
PHOENIX = EXAMPLES / "schedule" / "phoenix-srp-event.yaml"
DEMO = SHARED / "data" / "emerald-phoenix-demo"


def campus(**signals) -> dict:
    """A small campus over one day of 15-minute intervals: training, fine-tuning, inference and a batch job
    with a deadline, on H100s (power and value from the catalog), PUE 1.2."""
    return {
        "name": "test campus", "start": "2025-07-01 00:00", "hours": 24, "interval_minutes": 15, "accelerator": "H100 SXM", "pue": 1.2,
        "other_load_kw": 500,
        "jobs": [
            {"name": "pretrain", "kind": "pre_training", "accelerators": 4096, "flex": 3},
            {"name": "finetune", "kind": "fine_tuning", "accelerators": 1024, "flex": 2},
            {"name": "chat", "kind": "online_inference", "accelerators": 1024, "flex": 0},
            {"name": "batch", "kind": "batch_inference", "accelerators": 512, "flex": 2},
            {"name": "eval", "kind": "batch_inference", "accelerators": 256, "work_hours": 6, "deadline": "2025-07-01 20:00"},
        ],
        "signals": {"price_usd_per_mwh": 40, **signals},
    }


EVENT = {"start": "2025-07-01 16:00", "duration_minutes": 180, "reduce_pct": 20, "notice_minutes": 30}


def decisions(data: dict):
    scenario = ScheduleScenario.model_validate(data)
    inputs = schedule_inputs(scenario)
    return inputs, {"optimised": optimise(inputs, scenario.solver), **{p: rule(inputs, p) for p in POLICIES}, "flat": flat_run(inputs)}


def test_energy_balances_in_every_interval_and_every_job_keeps_its_tier_and_deadline():
    inputs, made = decisions(campus(events=[EVENT], site_cap=[{"start": "2025-07-01 08:00", "end": "2025-07-01 09:00", "mw": 7.0}]))
    for name, d in made.items():
        # the site's draw is PUE x (the jobs' accelerator power + the load that does not bend), interval by interval
        np.testing.assert_allclose(d.site_mw, inputs.pue * (d.job_power_mw.sum(axis=0) + inputs.other_mw), rtol=1e-9, atol=1e-9, err_msg=name)
        for j, job in enumerate(inputs.jobs):
            assert (d.job_power_mw[j] <= job.power_mw + 1e-9).all() and (d.job_throughput[j] <= 1 + 1e-9).all()
            assert (d.job_power_mw[j][~job.active] == 0).all()  # nothing before its start or after its deadline
    result, _ = schedule(ScheduleScenario.model_validate(campus(events=[EVENT])))
    assert all(j["within_tier"] for j in result.jobs)
    chat = next(j for j in result.jobs if j["name"] == "chat")
    assert chat["throughput_retained"] == pytest.approx(1.0)  # Flex 0: never slowed
    evaluation = next(j for j in result.jobs if j["name"] == "eval")
    assert evaluation["deadline_met"] and pd.Timestamp(evaluation["completion"]) <= pd.Timestamp("2025-07-01 20:00")
    # its work is done, no more and no less: 6 full-speed hours
    assert result.job_throughput["eval"].sum() * 0.25 == pytest.approx(6.0, abs=1e-6)


def test_events_are_met_and_the_rules_never_beat_the_optimisation():
    for signals in ({"events": [EVENT]}, {"events": [EVENT, {**EVENT, "start": "2025-07-01 06:00", "reduce_mw": 1.5, "reduce_pct": None}]},
                    {"events": [{**EVENT, "reduce_pct": 35}], "carbon_g_per_kwh": 400, "carbon_price_usd_per_t": 150}):
        result, _ = schedule(ScheduleScenario.model_validate(campus(**signals)))
        assert all(e["met"] for e in result.events) and result.shortfall_mwh == 0
        for policy, b in result.baselines.items():
            assert result.total_cost_usd <= b["total_cost_usd"] * (1 + 1e-6) + 1e-6, policy


def test_a_tighter_event_never_costs_less():
    costs = [schedule(ScheduleScenario.model_validate(campus(events=[{**EVENT, "reduce_pct": pct}])))[0].total_cost_usd for pct in (5, 15, 25, 35)]
    assert all(a <= b * (1 + 1e-9) for a, b in zip(costs, costs[1:])), costs
    assert costs[-1] > costs[0]


def test_an_event_that_cannot_be_met_says_by_how_much_and_which_jobs_bind():
    data = campus(events=[{**EVENT, "reduce_pct": 70}])
    result, messages = schedule(ScheduleScenario.model_validate(data))
    event = result.events[0]
    assert not event["met"] and event["shortfall_mwh"] > 0 and event["largest_shortfall_mw"] > 0
    assert "chat" in event["binding_jobs"]  # Flex 0 cannot bend
    assert any(m.startswith("event at 2025-07-01 16:00:00: missed by up to") for m in messages)
    assert all(j["within_tier"] for j in result.jobs)  # tiers hold even so: the event gives way, not the jobs


def test_a_price_spike_is_met_by_capping_in_its_hour_only():
    prices = campus()
    prices["jobs"] = prices["jobs"][:4]  # a job with a deadline may run at any time before it: left out here
    inputs, made = decisions(prices)
    flat = made["flat"].site_mw
    assert np.allclose(made["optimised"].site_mw, flat)  # at 40 USD/MWh nothing pays for lost work
    path = Path(__file__).parents[1] / "artifacts"
    path.mkdir(exist_ok=True)
    spike = pd.DataFrame({"timestamp": pd.date_range("2025-07-01", periods=24, freq="h").strftime("%Y-%m-%d %H:%M"), "price_usd_per_mwh": 40.0})
    spike.loc[18, "price_usd_per_mwh"] = 5000.0  # ERCOT's offer cap, 18:00-19:00
    spike.to_csv(path / "spike-prices.csv", index=False)
    inputs, made = decisions({**prices, "signals": {"price_csv": str(path / "spike-prices.csv")}})
    hour = np.asarray(inputs.index.hour == 18)
    best = made["optimised"].site_mw
    assert (best[hour] < flat[hour] - 0.1).all() and np.allclose(best[~hour], flat[~hour])


def test_the_cli_schedules_and_refuses_bad_input_in_one_line(tmp_path):
    done = subprocess.run([str(GIGAWATT), "schedule", str(PHOENIX), "--plot", str(tmp_path / "trace.png"), "--csv", str(tmp_path / "trace.csv"),
                           "--no-store"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "caps-pauses-fair" in done.stdout and (tmp_path / "trace.png").stat().st_size > 20_000
    assert len(pd.read_csv(tmp_path / "trace.csv")) == 390
    for args, expected in (
        (["--set", "jobs[0].flex=5"], "jobs"),
        (["--set", "signals.events=[{start: '2025-05-03 16:30', duration_minutes: 60}]"], "reduce_pct or reduce_mw"),
        (["--set", "signals.price_csv=/nonexistent/prices.csv"], "signals.price_csv"),
    ):
        bad = subprocess.run([str(GIGAWATT), "schedule", str(PHOENIX), "--no-store", *args], capture_output=True, text=True, timeout=120)
        assert bad.returncode == 2 and expected in bad.stderr and "Traceback" not in bad.stderr, bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    late = campus()
    late["jobs"][4]["deadline"] = "2025-07-01 03:00"
    (tmp_path / "late.yaml").write_text(__import__("yaml").safe_dump(late))
    bad = subprocess.run([str(GIGAWATT), "schedule", str(tmp_path / "late.yaml"), "--no-store"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "jobs[eval].deadline" in bad.stderr and "even at full speed" in bad.stderr


# --- the Phoenix demonstration, replayed -------------------------------------------------------------


@pytest.fixture(scope="module")
def measured() -> pd.Series:
    path = DEMO / "SRP_total_power.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    table = pd.read_csv(path)
    return pd.Series(table["total"].to_numpy() / 1000.0, index=pd.to_datetime(table["timestamp"].str[:16]))  # kW, local time


def test_the_measured_anchor_is_read_as_published(measured):
    """operations-security-facts.md A1: baseline ~93.5 kW (first hour), lowest 3-h mean 63.8 kW = -31.7%."""
    baseline = measured.iloc[:60].mean()
    lowest = measured.rolling(180).mean().min()
    assert baseline == pytest.approx(93.5, abs=0.3)
    assert 1 - lowest / baseline == pytest.approx(0.317, abs=0.002)


def test_the_srp_event_replayed(measured):
    """The demonstration's jobs and tiers against its event. Tolerances and where the model differs:

    - flat draw: the jobs' measured draws at the uncapped 400 W limit (dvfs_sweep.csv) sum to 94.85 kW
      against the measured 93.5 kW baseline: within 2%;
    - depth: the optimum cuts exactly the 25% asked (the cheapest schedule delivers no more); the
      demonstration went to 31.7% over its lowest three hours, more than asked;
    - asked for the measured 31.7%, its accelerator-weighted performance is within 0.03 of the measured
      weighted performance 0.910 (the model keeps more: it chooses the cheapest caps per job, where the
      demonstration's fair rules slowed the pre-training jobs most; the demonstration's weighting is not
      documented, and its per-job figures weighted by GPUs give 0.877);
    - ramp: the model has no control latency, so it reaches the target within one 1-minute interval where
      the cluster took 4-8 minutes; given the ramp the cluster showed (about 4 kW a minute) as
      signals.ramp_mw_per_min, it takes 6 minutes, inside the measured 4-8.
    """
    result = gigawatt.schedule(PHOENIX, store=None)
    event = result.events[0]
    baseline = measured.iloc[:60].mean()
    assert result.flat_mw * 1000 == pytest.approx(baseline, rel=0.02)
    assert event["met"] and event["depth_pct"] == pytest.approx(25.0, abs=0.01)
    assert event["minutes_to_target"] == 1.0
    assert all(j["within_tier"] for j in result.jobs)
    deeper = gigawatt.schedule(PHOENIX, set={"signals.events": [{"start": "2025-05-03 16:30", "duration_minutes": 180, "reduce_pct": 31.7,
                                                                 "notice_minutes": 30}]}, store=None)
    assert deeper.events[0]["met"] and deeper.weighted_performance == pytest.approx(0.910, abs=0.03)
    ramped = gigawatt.schedule(PHOENIX, set={"signals.ramp_mw_per_min": 0.004}, store=None)
    assert 4 <= ramped.events[0]["minutes_to_target"] <= 8
    for name, b in result.baselines.items():  # the demonstration's rules meet the event too, at a higher cost
        assert b["events_met"] == 1 and b["total_cost_usd"] >= result.total_cost_usd * (1 - 1e-9), name


def test_with_a_ramp_limit_the_response_starts_at_the_notice_not_before():
    """A 20% cut of a ~6.4 MW site is ~1.3 MW: at 0.05 MW/min that takes ~26 minutes of ramp. With an hour's
    notice the event is met; with none the ramp can only begin at its start, and the shortfall is reported."""
    ramped = {"ramp_mw_per_min": 0.05}
    early, _ = schedule(ScheduleScenario.model_validate(campus(events=[{**EVENT, "notice_minutes": 60}], **ramped)))
    late, messages = schedule(ScheduleScenario.model_validate(campus(events=[{**EVENT, "notice_minutes": 0}], **ramped)))
    assert early.events[0]["met"] and not late.events[0]["met"]
    assert late.events[0]["shortfall_mwh"] > 0 and any("missed by up to" in m for m in messages)
    trace = late.trace.set_index("timestamp")["site_mw"]  # a Schedule (the model's own result) has its tables
    flat = late.trace.set_index("timestamp")["flat_mw"]
    assert (trace.loc[:"2025-07-01 15:45"] >= flat.loc[:"2025-07-01 15:45"] - 0.3).all()  # no ramp down before (only the batch job moves)
    assert early.max_ramp_mw_per_min <= 0.05 + 1e-9 and late.max_ramp_mw_per_min <= 0.05 + 1e-9


def test_the_ercot_campus_meets_both_events_and_bends_to_price_spikes():
    result = gigawatt.schedule(EXAMPLES / "schedule" / "ercot-training-campus.yaml", store=None)
    assert len(result.events) == 2 and all(e["met"] for e in result.events)
    trace = result.to_frames()["trace"]
    spikes = trace["price_usd_per_mwh"] >= 3000  # the proxy's priciest hours
    assert (trace.loc[spikes, "site_mw"] < trace.loc[spikes, "flat_mw"] - 1).all()
    assert result.total_cost_usd < result.flat_total_cost_usd and all(j["within_tier"] for j in result.jobs)


def test_the_carbon_aware_week_draws_less_co2_than_running_flat():
    result = gigawatt.schedule(EXAMPLES / "schedule" / "carbon-aware-week.yaml", store=None)
    assert result.co2_t < 0.97 * result.flat_co2_t
    assert all(j["deadline_met"] for j in result.jobs if j["deadline_met"] is not None)
    assert not result.flexibility["plan"]  # no event: nothing proven in the form gigawatt plan takes


def test_a_headroom_campus_schedule_caps_the_site(tmp_path):
    """`gigawatt headroom` writes a campus's hourly curtailment (local_time, available_mw); as
    signals.site_cap_csv it caps the draw in the hours it curtails, and the jobs bend to meet it."""
    hours = pd.date_range("2025-07-01", periods=24, freq="h")
    available = np.full(24, 50.0)
    available[17:20] = 5.5  # curtailed 17:00-20:00 to 5.5 MW of the site's ~6.4
    pd.DataFrame({"datetime_utc": (hours + pd.Timedelta(hours=6)).strftime("%Y-%m-%d %H:%M:%S"), "local_time": hours.strftime("%Y-%m-%d %H:%M"),
                  "curtailed_mw": 50.0 - available, "available_mw": available}).to_csv(tmp_path / "campus.csv", index=False)
    data = campus(site_cap_csv=str(tmp_path / "campus.csv"))
    inputs, made = decisions(data)
    best = made["optimised"].site_mw
    curtailed = np.asarray((inputs.index.hour >= 17) & (inputs.index.hour < 20))
    assert (best[curtailed] <= 5.5 + 1e-6).all() and (inputs.cap_mw[~curtailed] == 50.0).all()
