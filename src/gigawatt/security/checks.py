"""Weight security as a planning constraint: the level a site can reach (RAND's SL1-SL5, `gigawatt catalog
security_levels`), what it requires that a planner decides (`gigawatt catalog security_controls`), how long
it takes and what it costs.

:func:`posture` checks a site against a level, requirement by requirement: each is met, fails, or cannot
be judged from the inputs (the reason says which input would decide it). A requirement applies at a level
when a control of that level or a lower one names it in the catalog's ``check`` column:

- ``jurisdiction``: the site's jurisdiction is among the level's (``jurisdictions`` column);
- ``tenancy``: a dedicated facility (no colocation, no shared tenancy);
- ``cleared_staff``: vetted staff can be hired or posted at the site;
- ``tee``: the accelerator supports confidential computing (accelerators catalog);
- ``outbound_bandwidth``: the workload's outbound bandwidth fits the enclave's limit; geo-distributed
  training does not fit an enclave whose weights may leave only on physical media;
- ``security_staff``: the team is at least the level's staffing rule;
- ``time_to_reach``: the level is reached (start + months to reach) by the date the site is needed.

Costs have no public figure: they count where the scenario gives them (staff cost, capital, running
cost), and the staff count defaults to the level's published rule where there is one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError
from gigawatt.security.scenario import Security
from gigawatt.core.units import add_months

LEVELS = ("SL1", "SL2", "SL3", "SL4", "SL5")
CHECKS = ("jurisdiction", "tenancy", "cleared_staff", "tee", "outbound_bandwidth", "security_staff", "time_to_reach")
MEETS, FAILS, UNKNOWN = "meets", "fails", "cannot judge"


@dataclass(frozen=True)
class Check:
    """One requirement of a level at a site: its status (meets, fails, cannot judge), why, and its source."""

    requirement: str
    status: str
    why: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class SiteFacts:
    """What a site's checks read: where it is, the facility, the staff, the hardware and the workload."""

    name: str
    jurisdiction: str | None
    accelerator: str | None
    security: Security
    start: str  # YYYY-MM the security programme starts (default: the scenario's start)
    needed_by: str | None = None  # YYYY-MM the site must hold frontier weights (its online date)
    tenancy: str | None = None  # the candidate's own facts override the security section's
    cleared_staff: bool | None = None


def level_row(level: str) -> pd.Series:
    """The catalog row of a level."""
    table = catalog.security_levels().set_index("level")
    if level not in table.index:
        raise ScenarioError(f"security.level '{level}': choose one of {', '.join(LEVELS)}")
    return table.loc[level]


def rank(level: str) -> int:
    return LEVELS.index(level) + 1


def controls(level: str, check: str | None = None) -> pd.DataFrame:
    """The catalog's controls a level requires (its own and lower levels'), optionally only those a check reads."""
    table = catalog.security_controls()
    rows = table[table["level"].map(rank) <= rank(level)]
    return rows[rows["check"] == check] if check else rows


def months_to_reach(level: str, security: Security) -> float:
    """Months from the programme's start to the level: the scenario's, else the catalog's upper estimate."""
    if security.months_to_reach is not None:
        return security.months_to_reach
    row = level_row(level)
    for column in ("months_to_reach_high", "months_to_reach_low"):
        if pd.notna(row[column]):
            return float(row[column])
    return 0.0  # no published time (SL1-SL2): none assumed


def reached(level: str, security: Security, start: str) -> str:
    """The month the level is reached, YYYY-MM."""
    return add_months(security.start or start, int(round(months_to_reach(level, security))))


def staff_needed(level: str, security: Security) -> int | None:
    """The level's staffing rule (the larger of a floor and a share of headcount), people; None if no rule."""
    row = level_row(level)
    floor, share = row["security_staff_min"], row["security_staff_share"]
    if pd.isna(floor) and pd.isna(share):
        # a rule stated for a lower level is a floor for the higher ones
        lower = [lv for lv in LEVELS[: rank(level) - 1] if pd.notna(level_row(lv)["security_staff_min"])]
        if not lower:
            return None
        return staff_needed(lower[-1], security)
    by_share = (share * security.headcount) if pd.notna(share) and security.headcount else 0.0
    return int(max(floor if pd.notna(floor) else 0.0, by_share) + 0.999999)


def _source(level: str, check: str) -> str:
    if check == "jurisdiction":
        return str(level_row(level)["jurisdictions_source"])
    rows = controls(level, check)
    return "; ".join(dict.fromkeys(rows["source"].tolist()))[:400] if len(rows) else ""


def posture(facts: SiteFacts) -> list[Check]:
    """Every requirement of the level at the site, with its status and why (see the module doc)."""
    level = facts.security.level
    out: list[Check] = []
    everywhere = {"us", "ally", "partner", "restricted"}
    for check in CHECKS:
        narrower = check == "jurisdiction" and set(str(level_row(level)["jurisdictions"]).split(";")) != everywhere
        if not len(controls(level, check)) and not narrower:
            continue
        status, why = _judge(check, level, facts)
        source = _source(level, check)
        if check == "tee" and facts.accelerator is not None:  # the accelerator's own fact, with its source
            source = f"{catalog.accelerator(facts.accelerator)['confidential_computing_source']}; {source}"
        out.append(Check(check, status, why, source))
    return out


def _judge(check: str, level: str, facts: SiteFacts) -> tuple[str, str]:
    s = facts.security
    row = level_row(level)
    if check == "jurisdiction":
        allowed = [j.strip() for j in str(row["jurisdictions"]).split(";")]
        if facts.jurisdiction is None:
            return UNKNOWN, f"the site's jurisdiction is not known; give it (allowed at {level}: {', '.join(allowed)})"
        ok = facts.jurisdiction in allowed
        return (MEETS if ok else FAILS), f"jurisdiction {facts.jurisdiction} {'is' if ok else 'is not'} among {', '.join(allowed)}"
    if check == "tenancy":
        tenancy = facts.tenancy or s.tenancy
        if tenancy is None:
            return UNKNOWN, "the facility's tenancy is not given (tenancy: dedicated, colocation or multi_tenant)"
        return (MEETS, "a dedicated facility") if tenancy == "dedicated" else (FAILS, f"a {tenancy.replace('_', '-')} facility shares the building or hosts")
    if check == "cleared_staff":
        cleared = facts.cleared_staff if facts.cleared_staff is not None else s.cleared_staff
        if cleared is None:
            return UNKNOWN, "whether vetted staff can be hired or posted at the site is not given (cleared_staff)"
        return (MEETS, "vetted staff available") if cleared else (FAILS, "no vetted staff can be hired or posted there")
    if check == "tee":
        if facts.accelerator is None:
            return UNKNOWN, "no accelerator named"
        unit = catalog.accelerator(facts.accelerator)
        support = str(unit.get("confidential_computing", "unknown"))
        if support == "yes":
            return MEETS, f"{unit['name']} supports confidential computing"
        if support == "no":
            return FAILS, f"{unit['name']} has no confidential computing on the accelerator"
        return UNKNOWN, f"no public statement found on confidential computing for {unit['name']}"
    if check == "outbound_bandwidth":
        if s.geo_distributed:
            return FAILS, "geo-distributed training sends weights or gradients out of the enclave, beyond an outbound-limited enclave"
        if s.outbound_gbps is None or s.enclave_outbound_limit_gbps is None:
            return UNKNOWN, "the workload's outbound bandwidth or the enclave's limit is not given (outbound_gbps, enclave_outbound_limit_gbps; no public limit)"
        ok = s.outbound_gbps <= s.enclave_outbound_limit_gbps
        return (MEETS if ok else FAILS), f"{s.outbound_gbps:g} Gbit/s needed against a {s.enclave_outbound_limit_gbps:g} Gbit/s limit"
    if check == "security_staff":
        needed = staff_needed(level, s)
        if needed is None:
            return UNKNOWN, "no published staffing rule for this level"
        if s.staff is None:
            return UNKNOWN, f"the rule asks for at least {needed} people; give security.staff to check it"
        return (MEETS if s.staff >= needed else FAILS), f"{s.staff} security staff against at least {needed}"
    if check == "time_to_reach":
        when = reached(level, s, facts.start)
        if facts.needed_by is None:
            return UNKNOWN, f"{level} reached by {when}; no date the site is needed by"
        ok = when <= facts.needed_by
        return (MEETS if ok else FAILS), f"{level} reached by {when} ({months_to_reach(level, s):g} months from {s.start or facts.start}), needed by {facts.needed_by}"
    raise ValueError(check)


def first_failure(checks: list[Check], ignore: tuple[str, ...] = ()) -> Check | None:
    """The first requirement that fails (in the order of :data:`CHECKS`), leaving out ``ignore``."""
    return next((c for c in checks if c.status == FAILS and c.requirement not in ignore), None)


def require(facts: SiteFacts, where: str = "security.level", ignore: tuple[str, ...] = ()) -> list[Check]:
    """The posture, raising :class:`ScenarioError` naming the first requirement that fails when the level is
    required (``security.required``)."""
    checks = posture(facts)
    failed = first_failure(checks, ignore)
    if failed is not None and facts.security.required:
        raise ScenarioError(f"{where} {facts.security.level} cannot be met at {facts.name}: {failed.requirement} fails ({failed.why}); "
                            "change the site or the level, or set security.required: false")
    return checks


def annual_cost_usd(security: Security, crf: float) -> tuple[float, list[str]]:
    """The level's cost a year, USD: staff x their cost, capital x ``crf``, running cost; each only where the
    scenario gives it (no public figure), with a message for what is left out."""
    level = security.level
    staff = security.staff if security.staff is not None else staff_needed(level, security)
    cost, missing = 0.0, []
    if staff and security.staff_cost_usd_per_person_year is not None:
        cost += staff * security.staff_cost_usd_per_person_year
    elif staff:
        missing.append(f"the cost of {staff} security staff (security.staff_cost_usd_per_person_year)")
    if security.capex_usd is not None:
        cost += security.capex_usd * crf
    else:
        missing.append("capital (security.capex_usd)")
    if security.opex_usd_per_year is not None:
        cost += security.opex_usd_per_year
    else:
        missing.append("running cost (security.opex_usd_per_year)")
    notes = [f"{level} costs left out, no public figure: {', '.join(missing)}"] if missing else []
    return cost, notes


def summary(facts: SiteFacts, checks: list[Check], crf: float, online: str | None) -> dict[str, Any]:
    """A plan's security block: the level, its checks, when it is reached, when the site is usable for
    frontier weights (the later of online and reached) and the level's cost a year."""
    s = facts.security
    when = reached(s.level, s, facts.start)
    cost, left_out = annual_cost_usd(s, crf)
    return {"costs_left_out": left_out, "level": s.level, "reached": when, "usable_from": max(online, when) if online else when,
            "months_to_reach": months_to_reach(s.level, s), "staff": s.staff if s.staff is not None else staff_needed(s.level, s),
            "annual_cost_usd": cost, "checks": [c.to_dict() for c in checks]}


def plan_facts(scenario: Any) -> SiteFacts:
    """The facts of a plan's site (a :class:`~gigawatt.power.scenario.Scenario` with a security section)."""
    s = scenario.security
    return SiteFacts(name=scenario.name, jurisdiction=s.jurisdiction, accelerator=scenario.cluster.accelerator, security=s,
                     start=scenario.start, needed_by=scenario.constraints.online_by)


def candidate_facts(programme: Any, level: str, candidate: Any, figures: dict[str, Any], needed_by: str | None) -> SiteFacts:
    """The facts of a siting candidate (its region's ``figures`` from :func:`gigawatt.siting.candidate_figures`)
    against ``level``, with the programme's security section (costs, staff, start) where it has one."""
    settings = programme.security.model_copy(update={"level": level}) if programme.security is not None else Security(level=level)
    return SiteFacts(name=figures["name"], jurisdiction=figures["jurisdiction"], accelerator=programme.accelerator, security=settings,
                     start=programme.start, needed_by=needed_by, tenancy=candidate.tenancy, cleared_staff=candidate.cleared_staff)
