"""Hourly series: synthetic load, solar and wind from seeded models and pvlib physics (:mod:`.synthetic`), and
readers of measured files, NSRDB, PVGIS, EPW, TMY3, renewables.ninja and any timestamp + value CSV (:mod:`.files`)."""

from gigawatt.weather.files import header_unit, read_irradiance_csv, read_series_csv
from gigawatt.weather.synthetic import (
    calibrate_to_yield,
    hourly_index,
    load_profile,
    max_series_magnitude,
    price_bounds_usd_per_mwh,
    scale_to_mean,
    solar_cf,
    time_of_use,
    wind_cf,
)

__all__ = ["calibrate_to_yield", "header_unit", "hourly_index", "load_profile", "max_series_magnitude", "price_bounds_usd_per_mwh",
           "read_irradiance_csv", "read_series_csv", "scale_to_mean", "solar_cf", "time_of_use", "wind_cf"]
