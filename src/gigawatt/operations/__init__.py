"""Grid-responsive operations (``gigawatt schedule``): a campus's jobs power-capped, paused and resumed
against prices, carbon, curtailment events and site caps, at least cost and within each job's tier.

:func:`schedule` goes from a validated scenario to a :class:`~gigawatt.operations.results.Schedule`: the
optimum (:mod:`gigawatt.operations.optimise`) beside the rule-based baselines
(:mod:`gigawatt.operations.policies`) and the flat run, on the intervals :mod:`gigawatt.operations.inputs` makes.
"""

from __future__ import annotations

import numpy as np

from gigawatt.operations.scenario import ScheduleScenario
from gigawatt.operations.inputs import ScheduleInputs, schedule_inputs
from gigawatt.operations.optimise import Decision, optimise
from gigawatt.operations.policies import POLICIES, rule
from gigawatt.operations.results import Schedule, cap_misses, schedule_result

CAP_MESSAGES = 3  # spans of a missed site cap told one by one; the rest counted


def flat_run(inputs: ScheduleInputs) -> Decision:
    """Every job uncapped while it runs (a deadline job at full speed until done): the reference."""
    power = np.array([job.flat_power_mw for job in inputs.jobs])
    throughput = np.array([np.where(job.active, 1.0, 0.0) if job.work_hours is None else job.flat_power_mw / job.power_mw for job in inputs.jobs])
    return Decision(job_power_mw=power, job_throughput=throughput, pauses=np.zeros(len(inputs.jobs)),
                    site_mw=inputs.site_mw(power.sum(axis=0)), facts={"policy": "flat"})


def schedule(scenario: ScheduleScenario) -> tuple[Schedule, list[str]]:
    """The optimised schedule with its baselines, and the messages a user should read."""
    inputs = schedule_inputs(scenario)
    best = optimise(inputs, scenario.solver)
    result = schedule_result(inputs, best, {policy: rule(inputs, policy) for policy in POLICIES}, flat_run(inputs))
    messages = list(inputs.messages)
    for event in result.events:
        if not event["met"]:
            messages.append(f"event at {event['start']}: missed by up to {event['largest_shortfall_mw']:,.3f} MW ({event['shortfall_mwh']:,.3f} MWh) "
                            f"of {event['source']}; bound by {'; '.join(event['bound_by'])}")
    misses = cap_misses(inputs, best, result.jobs)
    for miss in misses[:CAP_MESSAGES]:
        messages.append(f"site cap from {miss['start']} to {miss['end']} ({miss['source']}): exceeded by up to {miss['largest_excess_mw']:,.3f} MW "
                        f"({miss['excess_mwh']:,.3f} MWh, priced at signals.shortfall_penalty_usd_per_mwh); bound by {'; '.join(miss['bound_by'])}")
    if len(misses) > CAP_MESSAGES:
        messages.append(f"... and the site cap exceeded in {len(misses) - CAP_MESSAGES} more spans (the trace's shortfall_mw says where)")
    if result.solver.get("integers"):
        messages.append(f"pauses are yes/no for jobs with a restart cost: a mixed-integer solve, gap {result.solver['mip_gap']:.2%}")
    if result.solver.get("condition") == "time_limit_reached":
        limit = (f"its default time limit ({result.solver['time_limit_s']:g} s)" if result.solver.get("default_time_limit")
                 else f"solver.time_limit_s ({result.solver['time_limit_s']:g} s)")
        messages.append(f"the solve stopped at {limit} with the best schedule found, within {result.solver['mip_gap']:.2%} of the least cost; "
                        "give solver.time_limit_s more seconds to search on, or solver.mip_gap to accept a gap")
    return result, messages


__all__ = ["Schedule", "schedule"]
