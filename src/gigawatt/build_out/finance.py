"""Does a build-out's revenue cover its cost of capital? Yearly capital, depreciation and the capital charge,
against a revenue path, over the Monte Carlo draws (``finance:`` in a build-out programme).

Conventions (every array is over draws, by calendar year of the simulation):

* **Vintages.** The capital a year commits (the simulation commits a campus's whole capital, building, power
  and accelerators, when its construction starts) is that year's vintage, split into IT (accelerators, servers,
  network), facility (building, cooling, electrical) and power supply.
* **Replacement at the economic life.** The capacity stays online for the rest of the run, so each asset is
  bought again (at the same nominal cost) when its economic life ends: a shorter accelerator life means more
  capital, not less. ``capex_replacement_usd`` is that re-bought capital (median inputs).
* **Straight-line depreciation, full-year convention.** A vintage ``K`` of life ``L`` years loses ``K / L`` a year
  from the year it is committed, and (replaced) every year after. Its undepreciated balance at the start of its
  ``a``-th year (``a = 0, 1, ...``) is ``K * (1 - (a mod L) / L)``.
* **Capital charge** (the revenue the installed base must earn that year): the target return on each vintage's
  undepreciated balance at the start of the year, plus its depreciation:
  ``charge(a) = K * (r * (1 - (a mod L) / L) + 1 / L)``; in the first year ``K (r + 1/L)``.
  Capital under construction earns no revenue yet but its return is owed all the same.
* **Covered** in a year when revenue >= the charge. The probability is the share of draws covered.
* **Stranded capacity**: the new GW online (yearly mean) times the share of the charge revenue leaves uncovered,
  ``online * max(1 - revenue / charge, 0)``: the capacity whose capital charge the revenue does not pay.

Operating costs (energy, staff) are outside the charge: compare it with revenue net of them, or read the weekly
table's ``revenue_needed_usd_per_year`` for the full cost. The installed base at the start is sunk: neither its
capital nor (with a price per GW-year or accelerator-hour) its revenue is counted.

Units: nominal USD, USD per year, years, GW at the meter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.build_out.scenario import BuildoutScenario, Finance, Uncertain, draw
from gigawatt.core.finance import capital_recovery_factor
from gigawatt.core.units import HOURS_PER_YEAR

# Finance draws come from their own random stream (seed, FINANCE_STREAM): adding a finance section to a
# programme leaves its capacity draws unchanged.
FINANCE_STREAM = 1
COVERED_TOLERANCE = 1e-9  # relative: revenue within this of the charge covers it (rounding in the vintage sums)


# --- the simulation's weeks as years --------------------------------------------------------------------


@dataclass
class YearlyCapital:
    """What the simulation put in place, by draw and calendar year: capital committed (nominal USD) by asset
    class, and the mean new capacity online (GW at the meter) and new accelerators online (count)."""

    years: np.ndarray  # (Y,) calendar years
    it_usd: np.ndarray  # (n, Y)
    facility_usd: np.ndarray  # (n, Y)
    power_usd: np.ndarray  # (n, Y)
    online_gw: np.ndarray  # (n, Y) mean over the year's weeks
    accelerators: np.ndarray  # (n, Y) mean over the year's weeks

    @property
    def capex_usd(self) -> np.ndarray:
        return self.it_usd + self.facility_usd + self.power_usd

    @staticmethod
    def empty(years: np.ndarray, n: int) -> YearlyCapital:
        z = lambda: np.zeros((n, len(years)))  # noqa: E731
        return YearlyCapital(years, z(), z(), z(), z(), z())

    def put(self, rows: slice, part: YearlyCapital) -> None:
        for name in ("it_usd", "facility_usd", "power_usd", "online_gw", "accelerators"):
            getattr(self, name)[rows] = getattr(part, name)


def yearly(out: dict[str, np.ndarray], year_of_week: np.ndarray, accelerators_per_unit: np.ndarray,
           power_capex_usd_per_gw: float) -> YearlyCapital:
    """A chunk of the weekly simulation (``out``: arrays (draws, weeks)) summed into calendar years.

    ``year_of_week`` (weeks,) is each week's calendar year; ``accelerators_per_unit`` (G,) the chips in one
    catalog unit of each roadmap generation (the installed base's column of ``units`` is left out).
    """
    years, first = np.unique(year_of_week, return_index=True)
    last = np.r_[first[1:], len(year_of_week)] - 1
    weeks_in = np.diff(np.r_[first, len(year_of_week)])

    def committed(cumulative: np.ndarray) -> np.ndarray:
        return np.diff(cumulative[:, last], axis=1, prepend=0.0)

    started_gw = out["under_construction_gw"] + out["built_gw"] + out["online_new_gw"]
    total, it = committed(out["capex_cumulative_usd"]), committed(out["capex_it_cumulative_usd"])
    power = committed(started_gw) * power_capex_usd_per_gw
    mean = lambda weekly: np.add.reduceat(weekly, first, axis=1) / weeks_in  # noqa: E731
    chips = out["units"][:, :, : len(accelerators_per_unit)] @ accelerators_per_unit
    return YearlyCapital(years, it, np.maximum(total - it - power, 0.0), power, mean(out["online_new_gw"]), mean(chips))


# --- the capital charge ---------------------------------------------------------------------------------


def charge_shares(life_years: np.ndarray, rate_per_year: float, ages: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit of a vintage's capital, by age ``a = 0 .. ages-1`` and draw (``life_years`` (n,)), the asset replaced
    at its life: depreciation ``1/L``, the undepreciated balance at the start of the year ``1 - (a mod L)/L``, and
    the capital charge ``r * balance + depreciation``."""
    a = np.arange(ages, dtype=float)[None, :]
    life = np.asarray(life_years, dtype=float)[:, None]
    depreciation = np.broadcast_to(1.0 / life, (life.shape[0], ages))
    balance = 1.0 - np.mod(a, life) / life
    return depreciation, balance, rate_per_year * balance + depreciation


def replacement_shares(life_years: float, ages: int) -> np.ndarray:
    """1 in the years a vintage of life ``L`` is bought again (its age passes a multiple of ``L``), else 0 (1, ages)."""
    a = np.arange(1, ages, dtype=float)
    return np.r_[0.0, (np.floor(a / life_years) > np.floor((a - 1) / life_years)).astype(float)][None, :]


def by_vintage(capex_usd: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Sum over vintages: year ``y`` gets ``capex[v] * shares[y - v]`` for every vintage ``v <= y`` ((n, Y) each)."""
    total = np.zeros_like(capex_usd)
    years = capex_usd.shape[1]
    for v in range(years):
        total[:, v:] += capex_usd[:, v:v + 1] * shares[:, : years - v]
    return total


def capital_charge(cap: YearlyCapital, rate: float, it_life: np.ndarray, facility_life: float, power_life: float) -> dict[str, np.ndarray]:
    """Depreciation, undepreciated capital (end of year), return on capital and the charge, nominal USD/yr (n, Y)."""
    n, years = cap.it_usd.shape
    parts = {"depreciation_usd": 0.0, "balance_usd": 0.0, "charge_usd": 0.0}
    for capex, life in ((cap.it_usd, it_life), (cap.facility_usd, np.full(n, facility_life)), (cap.power_usd, np.full(n, power_life))):
        depreciation, balance, charge = charge_shares(np.broadcast_to(life, (n,)), rate, years)
        parts["depreciation_usd"] = parts["depreciation_usd"] + by_vintage(capex, depreciation)
        parts["balance_usd"] = parts["balance_usd"] + by_vintage(capex, balance)  # at the start of each year
        parts["charge_usd"] = parts["charge_usd"] + by_vintage(capex, charge)
    parts["return_usd"] = parts["charge_usd"] - parts["depreciation_usd"]
    parts["undepreciated_usd"] = parts["balance_usd"] - parts["depreciation_usd"]  # at the end of each year
    return parts


def annuity_charge(cap: YearlyCapital, rate: float, lives: tuple[float, float, float]) -> np.ndarray:
    """The level alternative to straight-line: each vintage (replaced at its life) pays ``K * CRF(r, L)`` a year."""
    total = np.zeros_like(cap.it_usd)
    for capex, life in zip((cap.it_usd, cap.facility_usd, cap.power_usd), lives):
        total += capital_recovery_factor(rate, life) * np.cumsum(capex, axis=1)
    return total


# --- revenue --------------------------------------------------------------------------------------------


@dataclass
class RevenueDraws:
    """The revenue inputs as arrays over draws (each (n,))."""

    growth: np.ndarray
    scale: np.ndarray
    usd_per_accelerator_hour: np.ndarray | None
    utilisation: np.ndarray
    usd_per_gw_year: np.ndarray | None


def revenue_draws(finance: Finance, rng: np.random.Generator | None, n: int) -> RevenueDraws:
    r = finance.revenue
    return RevenueDraws(
        growth=draw(r.growth_per_year, rng, n), scale=draw(r.scale, rng, n),
        usd_per_accelerator_hour=draw(r.usd_per_accelerator_hour, rng, n) if r.usd_per_accelerator_hour else None,
        utilisation=draw(r.utilisation, rng, n), usd_per_gw_year=draw(r.usd_per_gw_year, rng, n) if r.usd_per_gw_year else None,
    )


def revenue_usd(finance: Finance, draws: RevenueDraws, cap: YearlyCapital) -> np.ndarray:
    """Revenue the installed base earns, nominal USD/yr (n, Y)."""
    r = finance.revenue
    if draws.usd_per_gw_year is not None:
        return cap.online_gw * draws.usd_per_gw_year[:, None]
    if draws.usd_per_accelerator_hour is not None:
        return cap.accelerators * HOURS_PER_YEAR * (draws.usd_per_accelerator_hour * draws.utilisation)[:, None]
    point_years = np.array([p.year for p in r.usd_per_year], dtype=float)
    point_usd = np.array([p.usd for p in r.usd_per_year])
    years = cap.years.astype(float)
    path = np.interp(years, point_years, point_usd)[None, :]
    beyond = np.maximum(years - point_years[-1], 0.0)[None, :]
    return draws.scale[:, None] * path * (1.0 + draws.growth[:, None]) ** beyond


def basis(finance: Finance) -> str:
    """The revenue path in words."""
    r = finance.revenue
    if r.usd_per_gw_year is not None:
        return "USD per GW-year of new capacity online x its yearly mean GW"
    if r.usd_per_accelerator_hour is not None:
        return "USD per accelerator-hour x utilisation x 8,760 h x new accelerators online (yearly mean)"
    last = r.usd_per_year[-1]
    return (f"the scenario's path ({len(r.usd_per_year)} points, {r.usd_per_year[0].year}-{last.year}, linear between them, "
            f"growing {r.growth_per_year.median:.0%}/yr (median) after {last.year}) x scale (median {r.scale.median:.3g})")


# --- the whole evaluation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The finance figures a run uses, defaults resolved (rate per year, lives in years)."""

    rate: float
    it_life: Uncertain
    short_life: float
    long_life: float
    facility_life: float
    power_life: float


def settings(scenario: BuildoutScenario) -> Settings:
    """Resolve ``scenario.finance``'s defaults: from ``costs`` where the scenario gives it, else the catalog."""
    f, costs = scenario.finance, scenario.costs
    assert f is not None
    rate = next(v for v in (f.target_return_per_year, costs.discount_rate, catalog.assumption("discount_rate")) if v is not None)
    it_life = f.accelerator_life_years or Uncertain(value=costs.it_lifetime_years or catalog.assumption("it_lifetime_years"))
    short, long = f.compare_accelerator_lives_years or (catalog.assumption("accelerator_life_short_years"), catalog.assumption("accelerator_life_long_years"))
    facility = f.facility_life_years or costs.facility_lifetime_years or catalog.assumption("facility_lifetime_years")
    return Settings(rate, it_life, short, long, facility, f.power_life_years or facility)


def _covered(revenue: np.ndarray, charge: np.ndarray) -> np.ndarray:
    return revenue >= charge * (1 - COVERED_TOLERANCE)


def _stranded(cap: YearlyCapital, revenue: np.ndarray, charge: np.ndarray) -> np.ndarray:
    short = np.where(charge > 0, 1.0 - revenue / np.where(charge > 0, charge, 1.0), 0.0)
    return cap.online_gw * np.clip(short, 0.0, 1.0)


def evaluate(scenario: BuildoutScenario, nominal: YearlyCapital, draws: YearlyCapital | None, seed: int) -> tuple[dict[str, Any], pd.DataFrame]:
    """The finance block of a build-out result and its yearly table.

    ``nominal``: the median-input run (one row); ``draws``: the Monte Carlo draws, or None without draws (the
    probabilities are then 0 or 1, from the median run).
    """
    f = scenario.finance
    assert f is not None
    s = settings(scenario)
    median_rev = revenue_draws(f, None, 1)
    median_life = draw(s.it_life, None, 1)
    med = capital_charge(nominal, s.rate, median_life, s.facility_life, s.power_life)
    med_revenue = revenue_usd(f, median_rev, nominal)
    frame = pd.DataFrame({
        "year": nominal.years.astype(int),
        "capex_usd": nominal.capex_usd[0], "capex_it_usd": nominal.it_usd[0],
        "capex_facility_usd": nominal.facility_usd[0], "capex_power_usd": nominal.power_usd[0],
        "capex_replacement_usd": sum(by_vintage(capex, replacement_shares(life, len(nominal.years)))[0] for capex, life in
                                     ((nominal.it_usd, float(median_life[0])), (nominal.facility_usd, s.facility_life), (nominal.power_usd, s.power_life))),
        "online_new_gw": nominal.online_gw[0], "accelerators_new": nominal.accelerators[0],
        "depreciation_usd": med["depreciation_usd"][0], "return_on_capital_usd": med["return_usd"][0],
        "undepreciated_capital_usd": med["undepreciated_usd"][0],
        "required_revenue_usd": med["charge_usd"][0],
        "required_revenue_annuity_usd": annuity_charge(nominal, s.rate, (float(median_life[0]), s.facility_life, s.power_life))[0],
        "revenue_usd": med_revenue[0],
        "shortfall_usd": np.maximum(med["charge_usd"] - med_revenue, 0.0)[0],
        "stranded_gw": _stranded(nominal, med_revenue, med["charge_usd"])[0],
    })
    sample, n = (draws, draws.it_usd.shape[0]) if draws is not None else (nominal, 1)
    rng = np.random.default_rng([seed, FINANCE_STREAM]) if draws is not None else None
    life = draw(s.it_life, rng, n)
    rev_draws = revenue_draws(f, rng, n)
    revenue = revenue_usd(f, rev_draws, sample)
    charge = capital_charge(sample, s.rate, life, s.facility_life, s.power_life)["charge_usd"]
    frame["coverage_probability"] = _covered(revenue, charge).mean(axis=0)
    for name, years in (("short", s.short_life), ("long", s.long_life)):
        at = capital_charge(sample, s.rate, np.full(n, years), s.facility_life, s.power_life)["charge_usd"]
        frame[f"coverage_probability_{name}_life"] = _covered(revenue, at).mean(axis=0)
    if draws is not None:
        stranded = _stranded(sample, revenue, charge)
        for q in (10, 50, 90):
            frame[f"p{q}_required_revenue_usd"] = np.percentile(charge, q, axis=0)
            frame[f"p{q}_revenue_usd"] = np.percentile(revenue, q, axis=0)
        frame["p50_stranded_gw"] = np.percentile(stranded, 50, axis=0)
        frame["p90_stranded_gw"] = np.percentile(stranded, 90, axis=0)
    last = frame.iloc[-1]
    short_fall = frame.loc[frame["required_revenue_usd"] > frame["revenue_usd"], "year"]
    summary = {
        "target_return_per_year": s.rate,
        "accelerator_life_years": float(median_life[0]),
        "accelerator_life": s.it_life.model_dump(exclude_none=True),
        "lives_compared_years": [s.short_life, s.long_life],
        "facility_life_years": s.facility_life, "power_life_years": s.power_life,
        "revenue_basis": basis(f),
        "draws": 0 if draws is None else n,
        "last_year": int(last["year"]),
        "coverage_probability_last_year": float(last["coverage_probability"]),
        "coverage_probability_last_year_short_life": float(last["coverage_probability_short_life"]),
        "coverage_probability_last_year_long_life": float(last["coverage_probability_long_life"]),
        "required_revenue_usd_last_year": float(last["required_revenue_usd"]),
        "revenue_usd_last_year": float(last["revenue_usd"]),
        "stranded_gw_last_year": float(last["stranded_gw"]),
        "years_short_median": [int(y) for y in short_fall],
        "convention": "straight-line by vintage from the year capital is committed, each asset bought again at its life; charge = "
                      "target return x undepreciated balance at the start of the year + depreciation; operating costs not included",
        "years": frame.to_dict(orient="records"),
    }
    return summary, frame
