"""Plausibility: the magnitudes an input can take for the scenario it is in, beyond its type and range.

A schema range says what a field can hold at all; a plausibility bound says what a real market, a real
grid or a real campus has ever shown. A value outside it is almost always a unit slip (kW read as MW, USD/kWh
given as USD/MWh) or a typo, and it yields a wrong answer that still looks like one. Each bound below carries
its reasoning and whether crossing it is an error (the run stops, exit 2, naming the field and the fix) or a
message on the result (printed as a warning line). A user who means an outlier lists the field under the
scenario's ``accept_implausible``; the check then lets it through and the result says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gigawatt.core.errors import ScenarioError


@dataclass(frozen=True)
class Bound:
    """What a real input has been: ``low`` to ``high`` in ``unit``, with the reasoning behind both ends."""

    low: float
    high: float
    unit: str
    reason: str

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


# --- prices ------------------------------------------------------------------------------------------
# Hourly or 5-minute energy prices: the highest administrative caps any market has paid are the Australian
# NEM's market price cap (AUD 17,500/MWh for 2024-25, ~11,500 USD) and ERCOT's former 9,000 USD/MWh cap (5,000
# since 2022); the EU day-ahead harmonised limits are -500 to +4,000 EUR/MWh (intraday ±9,999) and the NEM floor
# is AUD -1,000. A price beyond 20,000 or below -10,000 USD/MWh has never cleared anywhere: an error.
PRICE_USD_PER_MWH = Bound(-10_000.0, 20_000.0, "USD/MWh", "beyond any market's price cap or floor (NEM AUD 17,500 cap, EU intraday ±9,999 EUR)")
# A year's average price paid by a large customer: the lowest annual figures are hydro systems' large-customer
# tariffs (Québec Rate L ~35 USD/MWh, Norway's band IG ~40) and the lowest wholesale years (~10-20 USD/MWh in
# Nordic hydro years). Below 5 USD/MWh it is almost surely USD/kWh given as USD/MWh: an error. Above 1,000
# USD/MWh as a year's average is outside anything paid: an error.
AVERAGE_PRICE_USD_PER_MWH = Bound(5.0, 1_000.0, "USD/MWh", "outside any year's average price for a large customer (lowest ~10-20 USD/MWh in Nordic hydro years); "
                                  "below 5 it is likely USD/kWh")

# --- carbon ------------------------------------------------------------------------------------------
# A grid's carbon intensity lies between zero and its dirtiest plant's: lignite units emit ~1,000-1,200
# gCO2/kWh (IPCC AR5 WGIII Annex III, coal PC median 820 life-cycle, lignite up to ~1,300 direct). No grid
# average exceeds 1,500 g/kWh; a negative figure is not physical (BECCS is not a grid average). Both: errors.
CARBON_G_PER_KWH = Bound(0.0, 1_500.0, "gCO2/kWh", "outside physical bounds (0 to above the dirtiest lignite plant, ~1,300 g/kWh)")

# --- loads and connections ---------------------------------------------------------------------------
# A load series against the facility power the cluster implies: a measured campus peaks at its facility
# power give or take cooling swings and headroom, so a peak beyond LOAD_PEAK_RATIO_ERROR times it (or below
# its inverse) is a unit slip (kW as MW is 1,000x): an error. Between LOAD_PEAK_RATIO_MESSAGE and the error
# ratio the run goes on with a message: a site may host other load, or a cluster only part of it.
LOAD_PEAK_RATIO_ERROR = 10.0
LOAD_PEAK_RATIO_MESSAGE = 1.5
# A grid connection far above the load: the largest single loads and plants are ~5-8 GW (Kashiwazaki-Kariwa
# 8.2 GW, the largest announced campuses 5 GW). A connection more than CONNECTION_RATIO_MESSAGE times the
# facility's peak does not change a plan that never exports, but it usually means a slip: a message.
CONNECTION_RATIO_MESSAGE = 10.0


def accepted(field: str, accept: Iterable[str]) -> bool:
    """Whether the scenario waived ``field``'s plausibility check (listed under ``accept_implausible``)."""
    return field in set(accept)


def check(field: str, value: float, bound: Bound, accept: Iterable[str] = (), fix: str = "", label: str | None = None) -> str | None:
    """``None`` when ``value`` lies within ``bound``; otherwise raise :class:`ScenarioError` naming ``field``,
    the value, the bound with its reason and the fix, unless the field is in ``accept``: then return the
    message the result carries. ``label`` says what the value is where it is not the field itself (e.g.
    "grid.price_csv's average")."""
    if bound.holds(value):
        return None
    what = f"{label or field} = {value:,.6g} {bound.unit} is {bound.reason} (plausible: {bound.low:,.6g} to {bound.high:,.6g} {bound.unit})"
    if accepted(field, accept):
        return f"{what}; accepted as given (accept_implausible)"
    raise ScenarioError(f"{what}; {fix + '; ' if fix else ''}if it is deliberate, add '{field}' to accept_implausible")


def refuse(field: str, what: str, fix: str, accept: Iterable[str] = ()) -> str:
    """Raise :class:`ScenarioError` for an implausible ``field`` (``what`` says why, ``fix`` what to do)
    unless it is in ``accept``: then return the message the result carries."""
    if accepted(field, accept):
        return f"{field}: {what}; accepted as given (accept_implausible)"
    raise ScenarioError(f"{field}: {what}; {fix}; if it is deliberate, add '{field}' to accept_implausible")


__all__ = ["AVERAGE_PRICE_USD_PER_MWH", "Bound", "CARBON_G_PER_KWH", "CONNECTION_RATIO_MESSAGE", "LOAD_PEAK_RATIO_ERROR",
           "LOAD_PEAK_RATIO_MESSAGE", "PRICE_USD_PER_MWH", "accepted", "check", "refuse"]
