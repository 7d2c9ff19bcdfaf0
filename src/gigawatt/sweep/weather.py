"""A weather-year sweep's series: each year of an ERA5 capacity-factor file written as the CSVs a point's plan reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gigawatt import catalog
from gigawatt.core.errors import ScenarioError


def series_columns() -> dict[str, tuple[str, str]]:
    """Each weather-driven technology that ERA5 files hold, with the scenario field its measured series goes in
    and the short name of its column (``solar`` for ``solar_cf``): from the catalog."""
    return {tech: (v.measured_field, v.weather_column.removesuffix("_cf"))
            for tech, v in catalog.variable_technologies().items() if v.weather_column}


def weather_series(era5: Path | str, years: tuple[int, ...], scenario: dict[str, Any], folder: Path) -> dict[int, dict[str, str]]:
    """For each weather year of an ERA5 capacity-factor file (:func:`gigawatt.power.weather_years.read_era5_cf`),
    its solar and wind series put on the plan's local hourly index, written as CSVs in ``folder``: the
    overrides that make a point of that year (``site.solar_csv``, ``site.wind_csv``)."""
    import pandas as pd

    from gigawatt.power.weather_years import (
        align_to_index,
        read_era5_cf,
    )
    from gigawatt.weather.synthetic import hourly_index
    from gigawatt.power.scenario import Scenario
    from gigawatt.weather.timezones import site_time_zone, standard_offset_hours

    site = scenario.get("site") or {}
    if "latitude" not in site or "longitude" not in site:
        raise ScenarioError("--weather-years: weather years change a plan's solar and wind; give a plan scenario with a site")
    table = read_era5_cf(era5)
    missing = [y for y in years if y not in table]
    if missing:
        raise ScenarioError(f"--weather-years: {missing[0]} is not in {era5} (it has {min(table)}-{max(table)})")
    year = int(site.get("year") or str(scenario.get("start") or Scenario.model_fields["start"].default)[:4])  # the plan's own year (site.year, else start's)
    index = hourly_index(year)
    zone = site.get("time_zone") or site_time_zone(float(site["latitude"]), float(site["longitude"]))
    offset = int(round(standard_offset_hours(zone, year)))  # the site zone's standard time, as the plan reads it
    out: dict[int, dict[str, str]] = {}
    for year in years:
        out[year] = {}
        for tech, (key, column) in series_columns().items():
            path = folder / f"era5-{year}-{column}.csv"
            aligned = align_to_index(table[year][tech], index, offset)
            pd.DataFrame({"timestamp": index, column: aligned.to_numpy()}).to_csv(path, index=False)
            out[year][key] = str(path)
    return out
