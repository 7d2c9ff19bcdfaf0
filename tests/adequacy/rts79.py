"""The IEEE Reliability Test System of 1979 (RTS-79) as test data: its 32-unit, 3,405 MW generating system and
its hourly load model (8,736 hours at a 2,850 MW annual peak), with the published adequacy figures for the
generating system alone (HL-I).

Primary source: IEEE Committee Report (Reliability Test System Task Force of the Application of Probability
Methods Subcommittee), "IEEE Reliability Test System", IEEE Transactions on Power Apparatus and Systems,
vol. PAS-98, no. 6, pp. 2047-2054, Nov./Dec. 1979 (title page and abstract read on scribd.com/doc/31105356:
"The generating system contains 32 units, ranging from 12 to 400 MW"; "The load model gives hourly loads for
one year on a per unit basis"). The tables were not readable there; they are transcribed below from public
repositories that copy them, each cross-checked against at least two others (named beside each table), and
checked at import by the paper's own aggregates: annual peak 2,850 MW and 32 units of 3,405 MW in all.

Conventions of the hourly model (the same in every transcription read): 52 weeks x 7 days x 24 hours = 8,736
hours, no 8760 rescaling; week 1 is the first week of January and every week starts on a Monday (Table 2 is
ordered Monday..Sunday, Saturday and Sunday are the weekend); winter is weeks 1-8 and 44-52, summer 18-30,
spring/fall 9-17 and 31-43 (the paper's notes under Table 3); hour 0 is midnight to 1 am.
"""

from __future__ import annotations

import numpy as np

ANNUAL_PEAK_MW = 2850.0  # RTS-79 load model: "The annual peak load for the test system is 2850 MW"
HOURS = 52 * 7 * 24  # 8,736

# Table 1: weekly peak load, % of the annual peak, weeks 1..52 (week 1 = first week of January).
# Transcribed identically in simontindemans/gen_adequacy (gen_adequacy/ieee_rts.py), its Julia port
# (ieeerts module, `weekly_load_factors`) and the Washington test-case archive copy quoted in two other
# repositories (find_string "86.2, 90.0, 87.8, 83.4, 88.0", 2026). One repository (a pylon-style `get_weekly`)
# has weeks 13-20 and 32-34 in another order; it is the odd one out and is not used.
WEEKLY_PEAK_PCT = (
    86.2, 90.0, 87.8, 83.4, 88.0, 84.1, 83.2, 80.6, 74.0, 73.7, 71.5, 72.7, 70.4,
    75.0, 72.1, 80.0, 75.4, 83.7, 87.0, 88.0, 85.6, 81.1, 90.0, 88.7, 89.6, 86.1,
    75.5, 81.6, 80.1, 88.0, 72.2, 77.6, 80.0, 72.9, 72.6, 70.5, 78.0, 69.5, 72.4,
    72.4, 74.3, 74.4, 80.0, 88.1, 88.5, 90.9, 94.0, 89.0, 94.2, 97.0, 100.0, 95.2,
)

# Table 2: daily peak load, % of the weekly peak, Monday..Sunday (same sources as Table 1, all identical).
DAILY_PEAK_PCT = (93.0, 100.0, 98.0, 96.0, 94.0, 77.0, 75.0)

# Table 3: hourly load, % of the daily peak, hour 0 = 12-1 am; (season, weekend) -> 24 values. Same sources as
# Table 1 (three transcriptions, cell for cell identical).
HOURLY_PCT = {
    ("winter", False): (67, 63, 60, 59, 59, 60, 74, 86, 95, 96, 96, 95, 95, 95, 93, 94, 99, 100, 100, 96, 91, 83, 73, 63),
    ("winter", True): (78, 72, 68, 66, 64, 65, 66, 70, 80, 88, 90, 91, 90, 88, 87, 87, 91, 100, 99, 97, 94, 92, 87, 81),
    ("summer", False): (64, 60, 58, 56, 56, 58, 64, 76, 87, 95, 99, 100, 99, 100, 100, 97, 96, 96, 93, 92, 92, 93, 87, 72),
    ("summer", True): (74, 70, 66, 65, 64, 62, 62, 66, 81, 86, 91, 93, 93, 92, 91, 91, 92, 94, 95, 95, 100, 93, 88, 80),
    ("spring_fall", False): (63, 62, 60, 58, 59, 65, 72, 85, 95, 99, 100, 99, 93, 92, 90, 88, 90, 92, 96, 98, 96, 90, 80, 70),
    ("spring_fall", True): (75, 73, 69, 66, 65, 65, 68, 74, 83, 89, 92, 94, 91, 90, 90, 86, 85, 88, 92, 100, 97, 95, 90, 85),
}


def season(week: int) -> str:
    """The season of a 1-based week: winter 1-8 and 44-52, summer 18-30, spring/fall 9-17 and 31-43."""
    if week <= 8 or week >= 44:
        return "winter"
    if 18 <= week <= 30:
        return "summer"
    return "spring_fall"


def hourly_load_mw(annual_peak_mw: float = ANNUAL_PEAK_MW) -> np.ndarray:
    """The 8,736 chronological hours of the RTS-79 load (MW): peak x weekly x daily x hourly percentages, week 1's
    Monday midnight first."""
    out = np.empty(HOURS)
    for week in range(1, 53):
        for day in range(7):  # 0 = Monday
            start = ((week - 1) * 7 + day) * 24
            shape = np.asarray(HOURLY_PCT[(season(week), day >= 5)], dtype=float)
            out[start:start + 24] = annual_peak_mw * WEEKLY_PEAK_PCT[week - 1] / 100 * DAILY_PEAK_PCT[day] / 100 * shape / 100
    return out


# Table 5 (generating unit reliability data): unit MW -> (units, forced-outage rate, MTTF h, MTTR h). The FOR,
# MTTF and MTTR are those of the RTS-79 table as transcribed in JosifFP/CompositeSystems.jl
# (test/data/RTS_79_A/Base/R_RTS.m: failure and repair rates per year, e.g. 12 MW: 2.98/yr and 146/yr =
# MTTF 2,940 h, MTTR 60 h) and in a second repository's `RTS_UNITS` table (MTTF, MTTR by size; identical), and
# in simontindemans/gen_adequacy's Julia port (availability 1 - FOR and MTBF = MTTF + MTTR; identical). In every
# row FOR = MTTR / (MTTF + MTTR) exactly. Unit counts from the same files (5+4+6+4+3+4+3+1+2 = 32 units).
UNITS = {
    12: (5, 0.02, 2940, 60),    # oil/steam
    20: (4, 0.10, 450, 50),     # oil/combustion turbine
    50: (6, 0.01, 1980, 20),    # hydro
    76: (4, 0.02, 1960, 40),    # coal/steam
    100: (3, 0.04, 1200, 50),   # oil/steam
    155: (4, 0.04, 960, 40),    # coal/steam
    197: (3, 0.05, 950, 50),    # oil/steam
    350: (1, 0.08, 1150, 100),  # coal/steam
    400: (2, 0.12, 1100, 150),  # nuclear
}
TECHNOLOGY = {12: "oil_steam", 20: "oil_ct", 50: "hydro", 76: "coal_steam", 100: "oil_steam", 155: "coal_steam",
              197: "oil_steam", 350: "coal_steam", 400: "nuclear"}

# Published HL-I indices of the generating system against this hourly load model (analytical: capacity outage
# probability table convolved with the 8,736 hourly loads): LOLE 9.39418 h/yr and LOEE (EENS) 1,176 MWh/yr. Read
# as `RTS79_REF = dict(LOLE_h=9.39418, EENS_MWh=1176.0)`, "Published HL-I indices of RTS-79 with the hourly load
# model", in a repository's data_sources.py, and as "LOLE ~= 9.39 h/yr ... commonly written ... as 9.394 h/yr.
# Companion energy index: LOEE/EUE ~= 1176 MWh/yr" in another's RTS-79 module, which names Billinton & Allan,
# "Reliability Evaluation of Power Systems" (2nd ed., Plenum 1996) and Billinton & Li, "Reliability Assessment of
# Electric Power Systems Using Monte Carlo Methods" (Plenum 1994) as where it is printed. The books themselves
# were not reachable from here: these are secondary citations, and the test checks them independently with an
# exact analytical calculation (``analytical_indices``) before comparing the Monte Carlo with them.
PUBLISHED_LOLE_HOURS = 9.39418
PUBLISHED_EUE_MWH = 1176.0


def capacity_outage_table() -> np.ndarray:
    """P(exactly k MW on forced outage), k = 0..3405, for the 32 independent two-state units (unit sizes are whole MW)."""
    total = sum(mw * n for mw, (n, *_rest) in UNITS.items())
    p = np.zeros(total + 1)
    p[0] = 1.0
    for mw, (count, q, _mttf, _mttr) in UNITS.items():
        for _ in range(count):
            p = np.concatenate([p[:mw] * (1 - q), p[mw:] * (1 - q) + p[:-mw] * q])
    return p


def analytical_indices(load_mw: np.ndarray) -> tuple[float, float]:
    """Exact LOLE (hours with available capacity below the load) and EUE (MWh) over the hours of ``load_mw``."""
    p = capacity_outage_table()
    outage = np.arange(p.size, dtype=float)
    # P(outage > k) and E[outage; outage > k] for k = 0..installed: a shortfall when the outage exceeds the margin
    tail_p = np.concatenate([np.cumsum(p[::-1])[::-1][1:], [0.0]])
    tail_mw = np.concatenate([np.cumsum((outage * p)[::-1])[::-1][1:], [0.0]])
    margin = (p.size - 1) - np.asarray(load_mw, dtype=float)  # MW of outage each hour can take
    k = np.clip(np.floor(margin), -1, p.size - 1).astype(int)  # short when the outage exceeds floor(margin)
    below = k < 0  # load above installed capacity: short in every state
    k = np.maximum(k, 0)
    lole = np.where(below, 1.0, tail_p[k])
    eue = np.where(below, outage @ p - margin, tail_mw[k] - margin * tail_p[k])
    return float(lole.sum()), float(eue.sum())


assert len(WEEKLY_PEAK_PCT) == 52 and len(DAILY_PEAK_PCT) == 7 and all(len(v) == 24 for v in HOURLY_PCT.values())
assert sum(n for n, *_ in UNITS.values()) == 32 and sum(mw * n for mw, (n, *_r) in UNITS.items()) == 3405
assert all(abs(q - mttr / (mttf + mttr)) < 1e-12 for q, mttf, mttr in (v[1:] for v in UNITS.values()))
