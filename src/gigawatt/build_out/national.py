"""The national view: a programme's electricity demand as a share of a country's yearly generation.

Generation is in TWh per year (``generation_twh``); growth rates are ratios per year (0.02 = 2 %/yr).
History comes from ``catalog/national_generation.csv`` and the projection rate from
``catalog/national_growth.csv``; every row there carries its source.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

import pandas as pd

from gigawatt import catalog
from gigawatt.core.errors import DataError, ScenarioError
from gigawatt.core.units import name_key

# Other names people use, matched with case, spaces and punctuation ignored; codes and the table's
# own names are always accepted too.
_ALIASES = {
    "us": "USA", "unitedstatesofamerica": "USA", "america": "USA",
    "prc": "CHN",
    "eu": "EU27", "europeanunion": "EU27",
    "gulf": "GCC", "gulfstates": "GCC", "persiangulf": "GCC",
    "ksa": "SAU", "saudi": "SAU",
    "uae": "ARE", "emirates": "ARE",
    "uk": "GBR", "britain": "GBR", "greatbritain": "GBR",
    "global": "WORLD",
}

_HINT = "see `gigawatt catalog national_generation`"


def _known() -> dict[str, str]:
    """Every accepted spelling (as matched by :func:`_key`) → country code."""
    table = catalog.load_table("national_generation.csv")
    known = {name_key(alias): code for alias, code in _ALIASES.items()}
    for code, name in table[["country", "name"]].drop_duplicates().itertuples(index=False):
        known[name_key(code)] = code
        known[name_key(name)] = code
    return known


def country_code(name: str) -> str:
    """The bundled country code for a code or name, ignoring case and punctuation.

    ``"usa"``, ``"United States"`` → ``"USA"``; ``"EU"``, ``"European Union"`` → ``"EU27"``;
    ``"gulf"``, ``"GCC"`` → ``"GCC"``; ``"world"`` → ``"WORLD"``. An unknown name raises
    :class:`ScenarioError` naming the closest known countries.
    """
    known = _known()
    wanted = name_key(str(name))
    if wanted in known:
        return known[wanted]
    names = dict(catalog.load_table("national_generation.csv")[["country", "name"]].drop_duplicates().values)
    close = difflib.get_close_matches(wanted, list(known), n=5, cutoff=0.5)
    codes = list(dict.fromkeys(known[c] for c in close))[:3]
    if codes:
        hint = "did you mean " + ", ".join(f"{c} ({names[c]})" for c in codes) + f"? {_HINT}"
    else:
        hint = f"choose one of {', '.join(names)}; {_HINT}"
    raise ScenarioError(f"country: unknown '{name}'; {hint}")


def _history(code: str) -> pd.Series:
    """Bundled generation of one country (TWh per year), indexed by year."""
    table = catalog.load_table("national_generation.csv")
    rows = table[table["country"] == code]
    return rows.set_index("year")["generation_twh"].sort_index()


def _growth_per_year(code: str) -> float:
    table = catalog.load_table("national_growth.csv")
    rows = table[table["country"] == code]
    if rows.empty:
        raise DataError(f"national_growth.csv: no row for country '{code}'; add its growth_per_year with a source")
    return float(rows["growth_per_year"].iloc[0])


def generation_twh(country: str, years: Iterable[int]) -> pd.Series:
    """Electricity generation of ``country`` in each of ``years`` (TWh per year), indexed by year.

    Years up to the last bundled year give the bundled history. Later years grow the last historical
    figure at the country's ``growth_per_year`` from ``national_growth.csv``, compounded yearly:
    ``G(y) = G(last) * (1 + g) ** (y - last)``. The same rate is used for years between the last
    historical year and the rate's ``from_year``, and it is kept after the rate's ``to_year`` (the
    published forecasts end in 2027-2050), so far years are an extrapolation, not a forecast.

    A year before the first bundled year raises :class:`ScenarioError`.
    """
    code = country_code(country)
    history = _history(code)
    first, last = int(history.index.min()), int(history.index.max())
    wanted = [int(y) for y in years]
    early = [y for y in wanted if y < first]
    if early:
        raise ScenarioError(
            f"years: {min(early)} is before the first bundled year {first} for {code}; choose years from {first} on"
        )
    growth = _growth_per_year(code)
    values = [
        float(history[y]) if y <= last else float(history[last]) * (1.0 + growth) ** (y - last) for y in wanted
    ]
    return pd.Series(values, index=pd.Index(wanted, name="year"), name="generation_twh", dtype=float)


def share_of_generation(demand_twh: pd.Series, country: str) -> pd.DataFrame:
    """A yearly demand (TWh per year, indexed by year) set against ``country``'s generation.

    Columns, one row per year of ``demand_twh``:

    - ``demand_twh``: the demand as given (TWh per year);
    - ``generation_twh``: the country's generation that year, history or projection (see
      :func:`generation_twh`) (TWh per year);
    - ``share_of_generation``: demand / generation that year (ratio);
    - ``generation_base_year_twh``: generation in the last historical year (TWh per year);
    - ``share_of_base_year``: demand / base-year generation (ratio);
    - ``beyond_projected_growth_twh``: generation needed that year beyond what the projection adds
      after the base year, ``demand - (generation - base)`` (TWh per year; negative when the projected
      growth alone would cover the demand).
    """
    if not isinstance(demand_twh, pd.Series):
        raise ScenarioError("demand_twh: expected a pandas Series of TWh per year indexed by year")
    try:
        years = [int(y) for y in demand_twh.index]
    except (TypeError, ValueError):
        raise ScenarioError("demand_twh: the index must be years (integers such as 2030)") from None
    if any(y != raw for y, raw in zip(years, demand_twh.index)):
        raise ScenarioError("demand_twh: the index must be whole years (integers such as 2030)")
    demand = [float(v) for v in demand_twh.to_numpy()]
    bad = [(y, v) for y, v in zip(years, demand) if math.isnan(v) or math.isinf(v) or v < 0]
    if bad:
        year, value = bad[0]
        raise ScenarioError(f"demand_twh: {value:g} TWh in {year} is not a finite number >= 0; give TWh per year")
    code = country_code(country)
    generation = generation_twh(code, years).to_numpy()
    base_twh = float(_history(code).iloc[-1])
    frame = pd.DataFrame({"year": years, "demand_twh": demand, "generation_twh": generation})
    frame["share_of_generation"] = frame["demand_twh"] / frame["generation_twh"]
    frame["generation_base_year_twh"] = base_twh
    frame["share_of_base_year"] = frame["demand_twh"] / base_twh
    frame["beyond_projected_growth_twh"] = frame["demand_twh"] - (frame["generation_twh"] - base_twh)
    return frame
