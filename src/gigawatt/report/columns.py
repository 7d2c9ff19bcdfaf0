"""How a column or a figure reads in a report: its name with the unit its identifier carries, and the spreadsheet
number format that shows its values (thousands separators, decimals fitted to the unit, ratios as percentages,
years without separators, timestamps as dates).

Names in this project carry their units (``load_mw``, ``lcoe_usd_per_mwh``, ``lole_hours_per_year``), so the unit
is read from the name: ``lcoe_usd_per_mwh`` → ``('lcoe', 'USD/MWh')``, shown as ``lcoe (USD/MWh)``. A figure's
label carries its unit after the name (``annual cost USD``, :func:`gigawatt.core.present.split_label`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from gigawatt.core.present import SHARE_WORDS, split_label

# identifier words that are units, as a person writes them
UNIT_WORDS = {"mw": "MW", "mwh": "MWh", "gw": "GW", "gwh": "GWh", "twh": "TWh", "kw": "kW", "kwh": "kWh", "w": "W",
              "usd": "USD", "t": "t", "g": "g", "kt": "kt", "mt": "Mt", "h": "h", "hours": "h", "hour": "h", "mmbtu": "MMBtu",
              "m2": "m²", "km": "km", "km2": "km²", "kwp": "kWp", "pct": "%", "days": "days", "gbps": "Gbps"}
PER_WORDS = {"year": "yr", "yr": "yr", "mw": "MW", "mwh": "MWh", "kw": "kW", "kwh": "kWh", "mmbtu": "MMBtu",
             "t": "t", "hour": "h", "h": "h", "gw": "GW", "unit": "unit", "kwp": "kWp"}  # after "per", with what follows kept as words
RATIO_WORDS = ("share", "probability", "availability", "fraction", "coverage")  # ratios of 1, shown as percentages
RATE_WORDS = ("rate", "growth", "degradation", "escalation", "return")  # ``*_per_year`` ratios of 1 a year
YEAR_WORDS = ("year", "dollar_year", "price_year", "from_year", "to_year", "weather_year", "source_year", "gas_year",
              "payback_year", "first_year", "last_year", "online_year")
MONEY_UNITS = ("USD", "USD/yr")

# number formats (Excel's codes): grouped thousands, decimals by unit, ratios as percentages, dates as dates
WHOLE = "#,##0"
ONE = "#,##0.0"
TWO = "#,##0.00"
THREE = "#,##0.000"
PERCENT = "0.0%"
FINE_PERCENT = "0.00%"  # near 100% the nines matter (availability 99.95%)
YEAR = "0"
DATETIME = "yyyy-mm-dd hh:mm"
DATE = "yyyy-mm-dd"
TEXT = "@"
GENERAL = "General"


def _words(name: str, keep_case: bool = False) -> list[str]:
    text = str(name).replace(" ", "_")
    return [w for w in (text if keep_case else text.lower()).split("_") if w]


def name_and_unit(name: str) -> tuple[str, str]:
    """A column identifier as (name in words, unit): ``lcoe_usd_per_mwh`` → ``('lcoe', 'USD/MWh')``,
    ``stranded_gw_last_year`` → ``('stranded last year', 'GW')``, ``interest_rate_per_year`` → ``('interest rate', '/yr')``,
    ``carbon_free_share`` → ``('carbon free share', '')`` (a ratio of 1: its format says percent); no unit → ``(words, '')``."""
    words, written = _words(name), _words(name, keep_case=True)
    for start, word in enumerate(words):
        if word in UNIT_WORDS or (word == "per" and start > 0 and start + 1 < len(words)):
            break
    else:
        return " ".join(words) or str(name), ""
    unit, i = "", start
    while i < len(words):
        word = words[i]
        if word == "per" and i + 1 < len(words):
            after = words[i + 1]
            if after in PER_WORDS:
                unit, i = f"{unit}/{PER_WORDS[after]}", i + 2
                continue
            # per million tokens, per accelerator hour: the words after "per" up to a unit word or the end
            rest = []
            i += 1
            while i < len(words) and words[i] not in ("per",):
                rest.append(UNIT_WORDS.get(words[i], words[i]) if words[i] in ("hour", "hours", "h") else words[i])
                i += 1
            unit = f"{unit}/{' '.join(rest)}" if unit else f"/{' '.join(rest)}"
            continue
        if word in UNIT_WORDS and not unit:
            unit, i = UNIT_WORDS[word], i + 1
            continue
        break
    name_words = written[:start] + written[i:]
    return " ".join(name_words) or unit, unit


def header(name: str) -> str:
    """A column's header in a report: its name in words with the unit in parentheses (``load (MW)``); a name
    without a unit as it is."""
    words, unit = name_and_unit(name)
    if not unit:
        return str(name)  # no unit in it: as the table names it (a job, a technology, a ratio shown as a percentage)
    return f"{words} ({unit})" if words != unit else unit


def _is_ratio(name: str, unit: str) -> bool:
    words = _words(name)
    if unit in ("", "/yr") and any(w in words for w in RATIO_WORDS):
        return True
    return unit == "/yr" and any(w in words for w in RATE_WORDS)


def is_year(name: str) -> bool:
    """Whether a column holds calendar years (shown without a thousands separator)."""
    words = _words(name)
    return "_".join(words) in YEAR_WORDS or words[-1:] == ["year"] and not name_and_unit(name)[1]


def _decimals_for(values: Iterable[Any]) -> str:
    """Decimals that show a column's typical (median) figure to three or four significant digits, thousands grouped."""
    numbers = [abs(float(v)) for v in values if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v)) and v != 0]
    if not numbers:
        return ONE
    typical = sorted(numbers)[len(numbers) // 2]
    if typical >= 1000:
        return WHOLE
    if typical >= 10:
        return ONE
    if typical >= 1:
        return TWO
    return THREE


def number_format(name: str, values: Iterable[Any] = (), kind: str = "float") -> str:
    """The number format of a column named ``name`` holding ``values`` (``kind``: 'int', 'float', 'datetime',
    'date', 'bool' or 'text'): money in whole USD (prices per MWh with cents), ratios as percentages, years as
    written, other figures to about four significant digits."""
    if kind == "datetime":
        return DATETIME
    if kind == "date":
        return DATE
    if kind in ("text", "bool"):
        return GENERAL
    unit = name_and_unit(name)[1]
    if is_year(name):
        return YEAR
    if _is_ratio(name, unit):
        values = list(values)
        near_one = any(isinstance(v, int | float) and 0.99 < abs(v) < 1 for v in values)
        return FINE_PERCENT if near_one else PERCENT
    if kind == "int":
        return WHOLE
    if unit in MONEY_UNITS:
        return WHOLE
    if unit.startswith("USD/"):  # a price: to the cent
        return TWO
    return _decimals_for(values)


def figure_format(label: str, value: Any) -> str:
    """The number format of a headline figure by its label (``annual cost USD``, ``carbon-free share``), as
    :func:`gigawatt.core.present.figure_text` reads it: money whole, ratios as percentages, others by size."""
    name, unit = split_label(label)
    if not unit and any(word in name for word in SHARE_WORDS):
        return FINE_PERCENT if isinstance(value, int | float) and abs(100.0 - 100.0 * value) < 1 else PERCENT
    if unit.startswith("USD") and not unit.startswith(("USD/MWh", "USD/kWh", "USD per", "USD/accelerator", "USD/GPU", "USD/million")):
        return WHOLE  # sums of money (USD, USD/yr) whole; prices to the cent
    if unit.startswith("USD"):
        return TWO
    if isinstance(value, int) and not isinstance(value, bool):
        return WHOLE
    return _decimals_for([value])


__all__ = ["header", "is_year", "name_and_unit", "number_format", "figure_format"]
