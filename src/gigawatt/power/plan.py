"""From a scenario to a :class:`PowerPlan`: hourly inputs → the site LP → HiGHS → results.

``plan_power(scenario)`` runs the whole chain and a grid-only baseline beside it (as REopt does).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from gigawatt import catalog
from gigawatt.core import plausibility as plausibility
from gigawatt import weather as profiles
from gigawatt.compute.sizing import ClusterSizing, size
from gigawatt.core.spec import RunSettings
from gigawatt.core.errors import DataError, InfeasibleError, ScenarioError
from gigawatt.core.finance import capital_recovery_factor
from gigawatt.power.aggregate import aggregate
from gigawatt.power.availability import restrict
from gigawatt.power.inputs import PlanInputs, SupplyOption, supply_option
from gigawatt.power.flexibility import Flexibility, flexibility
from gigawatt.power.results import PowerPlan, shortfall
from gigawatt.power.solve import SolverFailed, optimise
from gigawatt.core.inputs import MONTH_PATTERN
from gigawatt.power.scenario import Scenario, Site
from gigawatt.core.units import HOURS_PER_YEAR, MONTHS_PER_YEAR, add_months
from gigawatt.weather.timezones import site_time_zone, standard_offset_hours, zone_info, zoned_index

GRID = "grid_import"
DIESEL = "diesel_backup"
M2_PER_KM2 = 1e6
BINDS_SHARE = 0.999  # a plan using this share of its capital budget or land, or more, is held back by that limit
BINDS_SLACK = 1.0  # ... or within 1 USD or 1 m2 of it (a budget or plot too small for anything: nothing used binds it)
# Committable units of one option a plan may need to carry its peak load: the largest fleet of one kind on a site
# is ~33,000 fuel-cell modules of 0.3 MW (catalog unit_commitment) for a 10 GW campus. More units than this is a
# unit_mw in the wrong unit (kW given as MW), and it stretches the commitment rows' coefficients (unit_mw against
# MW of load) over more than five orders of magnitude, where the solver's tolerances (~1e-7) no longer hold.
MAX_UNITS = 100_000
PRICE_FIX = "give prices in USD/MWh (a USD/kWh figure times 1,000)"
CARBON_FIX = "give tCO2/MWh (g/kWh divided by 1,000)"
G_PER_KWH_PER_T_PER_MWH = 1_000.0

__all__ = ["first_model", "plan_inputs"]


def _technology_rows(scenario: Scenario) -> pd.DataFrame:
    table = catalog.technologies().set_index("technology", drop=False)
    known = [t for t in table.index if t != GRID]
    for tech in [*scenario.supply.technologies, *scenario.supply.limits]:
        if tech == GRID and tech in scenario.supply.limits:
            if scenario.supply.limits[GRID].max_mw is not None:
                raise ScenarioError("supply.limits.grid_import.max_mw: the connection's size is grid.import_mw; set that instead")
            continue
        if tech not in known:
            close = difflib.get_close_matches(tech, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"choose from {', '.join(known)}"
            raise ScenarioError(f"supply.technologies: unknown technology '{tech}'; {hint}")
    return table


def _options(scenario: Scenario, discount_rate: float, table: pd.DataFrame) -> dict[str, SupplyOption]:
    options: dict[str, SupplyOption] = {}
    for tech in scenario.supply.technologies:
        limits = scenario.supply.limits.get(tech)
        override = limits.model_dump(exclude_none=True) if limits else {}
        if "gas_hub" in override:
            if pd.isna(table.at[tech, "heat_rate_mmbtu_per_mwh"]):
                raise ScenarioError(f"supply.limits.{tech}.gas_hub: {tech} burns no fuel; give gas_hub to a gas technology")
            hub = _gas_hub(tech, override.pop("gas_hub"), override.pop("gas_year", None))
            override["fuel_price_usd_per_mmbtu"] = float(hub["price_usd_per_mmbtu"])
        if tech == DIESEL:
            override.setdefault("max_hours_per_year", catalog.assumption("diesel_max_hours_per_year"))
        if table.at[tech, "kind"] == "contract" and pd.isna(table.at[tech, "energy_price_usd_per_mwh"]) and "energy_price_usd_per_mwh" not in override:
            raise ScenarioError(f"supply.limits.{tech}.energy_price_usd_per_mwh: {tech} has no public price (catalog technologies: the contracts "
                                "announced did not disclose their terms); set the price you assume, USD/MWh, or leave it out of supply.technologies")
        options[tech] = supply_option(table.loc[tech], discount_rate, **override)
    if scenario.grid.import_mw != 0:
        options[GRID] = _grid_option(scenario, discount_rate, table, max_mw=scenario.grid.import_mw)
    if not options:
        raise ScenarioError("supply.technologies is empty and grid.import_mw is 0: nothing can serve the load; allow a technology or a grid connection")
    return options


def _gas_hub(tech: str, hub: str, year: int | None) -> pd.Series:
    """The catalog row of a supply option's gas hub; an unknown one names the scenario field."""
    try:
        return catalog.gas_hub(hub, year)
    except DataError as exc:
        raise ScenarioError(f"supply.limits.{tech}.gas_hub: {exc}") from None


def fuel_marginal_usd_per_mwh(scenario: Scenario, options: dict[str, SupplyOption], discount_rate: float, table: pd.DataFrame,
                              index: pd.DatetimeIndex) -> dict[str, pd.Series]:
    """Hourly marginal cost (USD/MWh) of the options whose gas hub has monthly prices: each hour pays its
    month's hub price; start and no-load costs of committed units stay on the annual average."""
    series: dict[str, pd.Series] = {}
    for tech, option in options.items():
        limits = scenario.supply.limits.get(tech)
        if limits is None or limits.gas_hub is None:
            continue
        hub = _gas_hub(tech, limits.gas_hub, limits.gas_year)
        monthly = [hub[m] for m in catalog.MONTHS]
        if any(pd.isna(v) for v in monthly):
            continue  # an annual figure only: the option's flat marginal cost already carries it
        override = limits.model_dump(exclude_none=True, exclude={"gas_hub", "gas_year"})
        by_month = np.array([supply_option(table.loc[tech], discount_rate, **override, fuel_price_usd_per_mmbtu=float(v)).marginal_usd_per_mwh
                             for v in monthly])
        series[tech] = pd.Series(by_month[index.month - 1], index=index, name=f"{tech} marginal")
        series[tech].attrs = {"source": f"fuel at {hub['name']} ({hub['hub']}), each month of {hub['year']} at its price, USD/MWh"}
    return series


def _profile(site: Site) -> pd.Series:
    """The catalog row of the site's bundled profile; an unknown one names the scenario field."""
    try:
        return catalog.profile(str(site.profile))
    except DataError as exc:
        raise ScenarioError(f"site.profile: {exc}") from None


def check_references(scenario: Scenario, sizing: ClusterSizing | None = None) -> list[str]:
    """What a plan scenario can be checked for before any hourly series is read, as ``gigawatt validate`` does
    and :func:`plan_inputs` does again: the catalog names it gives besides its accelerator (technologies, gas
    hubs and their years, committable units, the site's profile), its units' sizes against the cluster's peak
    and the plausibility of its prices. A wrong one is a :class:`ScenarioError` naming its field; returns the
    messages of the checks the scenario waived (``accept_implausible``)."""
    sizing = sizing or size(scenario)
    options = _options(scenario, float(sizing.assumptions["discount_rate"].value), _technology_rows(scenario))
    if scenario.site is not None and scenario.site.profile:
        _profile(scenario.site)
    check_measured_series(scenario)
    check_unit_sizes(options, sizing.facility_power_mw)
    return _plausible_figures(scenario)


def check_unit_sizes(options: dict[str, SupplyOption], peak_mw: float) -> None:
    """Refuse committable units so small that the peak needs more than :data:`MAX_UNITS` of them, naming
    ``supply.limits.<id>.unit_mw``, before any model is built."""
    for name, option in options.items():
        c = option.commitment
        if c is not None and peak_mw / c.unit_mw > MAX_UNITS:
            raise ScenarioError(f"supply.limits.{name}.unit_mw: {c.unit_mw:g} MW units would take {peak_mw / c.unit_mw:,.0f} of them to carry "
                                f"the {peak_mw:,.6g} MW peak, more than {MAX_UNITS:,} (the largest fleets of one kind, fuel-cell modules of "
                                "a 10 GW campus, are ~33,000); give the size of one unit in MW, or leave unit_mw out for the catalog's")


def _plausible_figures(scenario: Scenario) -> list[str]:
    """The grid's flat and time-of-use prices and its carbon intensity against what markets and grids have
    shown (:mod:`gigawatt.core.plausibility`): a USD/kWh figure given as USD/MWh is refused naming its field unless
    the scenario accepts it."""
    grid, accept = scenario.grid, scenario.accept_implausible
    notes = []
    if grid.co2_t_per_mwh is not None:
        notes.append(plausibility.check("grid.co2_t_per_mwh", grid.co2_t_per_mwh * G_PER_KWH_PER_T_PER_MWH, plausibility.CARBON_G_PER_KWH,
                                        accept, CARBON_FIX, label=f"grid.co2_t_per_mwh {grid.co2_t_per_mwh:g} tCO2/MWh"))
    if grid.price_usd_per_mwh is not None:
        notes.append(plausibility.check("grid.price_usd_per_mwh", grid.price_usd_per_mwh, plausibility.AVERAGE_PRICE_USD_PER_MWH, accept, PRICE_FIX))
    low = plausibility.AVERAGE_PRICE_USD_PER_MWH.low
    for i, period in enumerate(grid.time_of_use):
        label = f"grid.time_of_use[{i}].price_usd_per_mwh"
        notes.append(plausibility.check("grid.time_of_use", period.price_usd_per_mwh, plausibility.PRICE_USD_PER_MWH, accept, PRICE_FIX, label))
        if 0 < period.price_usd_per_mwh < low:  # a period's tariff, not a clearing price: as the year's average, below 5 it is USD/kWh
            notes.append(plausibility.refuse("grid.time_of_use", f"{label} {period.price_usd_per_mwh:g} USD/MWh is below any large customer's "
                                             f"tariff ({low:g}; 0 for free hours): likely USD/kWh", PRICE_FIX, accept))
    return [note for note in notes if note]


def _plausible_series(scenario: Scenario, sizing: ClusterSizing, load: pd.Series, price: pd.Series | None,
                      co2: pd.Series | None) -> list[str]:
    """The hourly series a plan reads against the cluster and what markets have paid: a load whose peak is
    far from the cluster's facility power (kW read as MW), a price series beyond any market's cap or whose
    average is not a year's price, a carbon intensity above the dirtiest plant's, and a grid connection far
    above the peak. Errors name the field unless the scenario accepts it; returns the messages the result carries."""
    site, grid, accept = scenario.site, scenario.grid, scenario.accept_implausible
    notes: list[str | None] = []
    peak, facility = float(load.max()), sizing.facility_power_mw
    if site is not None and site.load_csv:
        ratio = peak / facility
        what = (f"its peak, {peak:,.6g} MW, is {ratio:,.3g} times the {facility:,.6g} MW the cluster draws at the meter "
                f"({sizing.count:,} {sizing.accelerator})")
        if not 1 / plausibility.LOAD_PEAK_RATIO_ERROR <= ratio <= plausibility.LOAD_PEAK_RATIO_ERROR:
            notes.append(plausibility.refuse("site.load_csv", f"{what}: beyond {plausibility.LOAD_PEAK_RATIO_ERROR:g}x either way it is a unit "
                                             "slip (kW read as MW is 1,000x)", "give the load in MW, or name its unit in the value column's "
                                             "header, e.g. 'load (kW)'; or size the cluster to the site (cluster.power_mw)", accept))
        elif ratio > plausibility.LOAD_PEAK_RATIO_MESSAGE:
            notes.append(f"site.load_csv: {what}; the plan serves the file's load, while the costs per accelerator-hour are the cluster's "
                         "(a site with other load, or a cluster on part of it?)")
    if price is not None and grid.price_csv:
        bound = plausibility.PRICE_USD_PER_MWH
        outside = np.flatnonzero(~((price >= bound.low) & (price <= bound.high)).to_numpy())
        if outside.size:
            i = int(outside[0])
            notes.append(plausibility.check("grid.price_csv", float(price.iloc[i]), bound, accept, PRICE_FIX,
                                            label=f"grid.price_csv at {price.index[i]}"))
        notes.append(plausibility.check("grid.price_csv", float(price.mean()), plausibility.AVERAGE_PRICE_USD_PER_MWH, accept, PRICE_FIX,
                                        label="grid.price_csv's average"))
    elif price is not None and grid.time_of_use:
        notes.append(plausibility.check("grid.time_of_use", float(price.mean()), plausibility.AVERAGE_PRICE_USD_PER_MWH, accept, PRICE_FIX,
                                        label="grid.time_of_use's average over the year"))
    if co2 is not None:
        highest = float(co2.max())
        notes.append(plausibility.check("grid.co2_csv", highest * G_PER_KWH_PER_T_PER_MWH, plausibility.CARBON_G_PER_KWH, accept, CARBON_FIX,
                                        label=f"grid.co2_csv at {co2.idxmax()} ({highest:g} tCO2/MWh)"))
    ratio = (grid.import_mw or 0.0) / peak if peak > 0 else 0.0
    if ratio > plausibility.CONNECTION_RATIO_MESSAGE:
        # a message, not an error: a plan that never exports draws at most its peak, so the answer is that of an
        # unlimited connection, which is right for what was asked; the figure is still likely a slip (kW as MW)
        waived = "; accepted as given (accept_implausible)" if plausibility.accepted("grid.import_mw", accept) else (
            "; if it was meant in kW, divide it by 1,000")
        notes.append(f"grid.import_mw: {grid.import_mw:,.6g} MW is {ratio:,.3g} times the load's {peak:,.6g} MW peak, larger than any "
                     f"single load or plant (~8 GW): the plan is that of an unlimited connection{waived}")
    return [note for note in notes if note]


def _region_profile(site: Site, index: pd.DatetimeIndex, modelled: dict[str, pd.Series], offset: float) -> dict[str, pd.Series]:
    """The hours of the site's bundled regional profile, each series scaled to the annual energy of the
    modelled one it replaces (the site's published yield or mean wind): the region's weather, the site's level."""
    from gigawatt.power.weather_years import align_to_index, read_era5_cf

    row = _profile(site)
    with catalog.profile_file(row["profile"]) as path:
        weather = read_era5_cf(path)[int(row["year"])]
    out = {}
    for tech, series in modelled.items():
        if tech in weather:
            shape = align_to_index(weather[tech], index, int(round(offset)))  # the zone's standard time, whole hours
            scaled = profiles.scale_to_mean(shape, float(series.mean()))
            scaled.attrs = {"source": f"{row['name']} ({row['dataset']} {row['year']}, catalog profile {row['profile']}), "
                                      f"scaled to a mean capacity factor of {series.mean():.3f}"}
            out[tech] = scaled.rename(series.name)
    return out


def _measured_csv(site: Site, variable: catalog.VariableTechnology) -> str | None:
    """The path of the site's measured hourly series for a variable technology, or None."""
    field = variable.measured_field.removeprefix("site.")
    if field.startswith("capacity_factor_csv."):
        return site.capacity_factor_csv.get(variable.technology)
    return getattr(site, field)


def _variable_series(site: Site, variable: catalog.VariableTechnology, index: pd.DatetimeIndex, clock: dict[str, Any]) -> pd.Series:
    """A variable technology's hourly output per MW: the site's measured series where it gives one, else the
    catalog row's profile model (``pv``: pvlib under the site's sky, scaled to ``site.solar_yield_kwh_per_kwp``
    when given; ``wind``: synthetic winds at the mean capacity factor of the row's calibration field or mean_cf)."""
    measured = _measured_csv(site, variable)
    calibration = getattr(site, variable.calibration_field) if variable.calibration_field else None
    if variable.profile_model == "pv":
        series = (
            profiles.read_series_csv(measured, index, name=variable.measured_field, lower=0.0, upper=1.0, longitude=site.longitude, unit="ratio",
                                    **clock)
            if measured
            else profiles.solar_cf(
                index, site.latitude, site.longitude, tracking=site.tracking, mean_clearness=site.mean_clearness, seed=site.seed,
                utc_offset_hours=clock["utc_offset_hours"],
                irradiance=profiles.read_irradiance_csv(site.irradiance_csv, index, name="site.irradiance_csv", longitude=site.longitude,
                                                        utc_offset_hours=clock["utc_offset_hours"])
                if site.irradiance_csv else None,
            )
        )
        if calibration is not None:
            fixed = profiles.solar_cf(index, site.latitude, site.longitude, tracking="fixed", mean_clearness=site.mean_clearness,
                                      seed=site.seed, dc_ac_ratio=1.0, utc_offset_hours=clock["utc_offset_hours"])  # per kWp: the basis of published yields
            series = profiles.calibrate_to_yield(series, float(fixed.sum()), calibration)
        return series
    if measured:
        return profiles.read_series_csv(measured, index, name=variable.measured_field, lower=0.0, upper=1.0, longitude=site.longitude, unit="ratio",
                                    **clock)
    mean_cf = calibration if calibration is not None else variable.mean_cf
    return profiles.wind_cf(index, mean_cf, seed=site.seed, stream=variable.stream)


def check_measured_series(scenario: Scenario) -> None:
    """``site.capacity_factor_csv`` names variable technologies of ``supply.technologies`` that have no site
    field of their own; anything else is a :class:`ScenarioError` naming the key and the fix."""
    site = scenario.site
    if site is None or not site.capacity_factor_csv:
        return
    variable = catalog.variable_technologies()
    for tech in site.capacity_factor_csv:
        field = f"site.capacity_factor_csv.{tech}"
        if tech not in variable:
            close = difflib.get_close_matches(tech, list(variable), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"the weather-driven technologies are {', '.join(variable)}"
            raise ScenarioError(f"{field}: {tech!r} is not a weather-driven technology of the catalog; {hint}")
        if variable[tech].measured_field != field:
            raise ScenarioError(f"{field}: give {tech}'s measured series in {variable[tech].measured_field} instead")
        if tech not in scenario.supply.technologies:
            raise ScenarioError(f"{field}: {tech} is not in supply.technologies; add it there or leave its series out")


def _grid_option(scenario: Scenario, discount_rate: float, table: pd.DataFrame, max_mw: float | None) -> SupplyOption:
    """The grid connection: the scenario's price, carbon and demand charge over the catalog's grid_import."""
    grid, limits = scenario.grid, scenario.supply.limits.get(GRID)
    override = {
        "energy_price_usd_per_mwh": grid.price_usd_per_mwh,
        "co2_t_per_mwh": grid.co2_t_per_mwh,
        # the demand charge is paid on the year's peak import: a cost per MW of grid capacity
        "fom_usd_per_kw_year": grid.demand_charge_usd_per_kw_month * MONTHS_PER_YEAR,
        **(limits.model_dump(exclude_none=True) if limits else {}),
        "max_mw": max_mw,  # grid.import_mw is the connection's size
    }
    return supply_option(table.loc[GRID], discount_rate, **override)


def site_clock(scenario: Scenario) -> tuple[int, str, float]:
    """The plan's year (``site.year``, else the year of ``start``), the site's IANA time zone (``site.time_zone``,
    else found from its coordinates) and that zone's standard offset from UTC in hours: the hourly index is
    that year in that standard time (:mod:`gigawatt.weather.timezones`)."""
    site = scenario.site
    if site is None:
        raise ScenarioError("site: `gigawatt plan` needs a site; add site.latitude and site.longitude to the scenario")
    year = site.year if site.year is not None else int(scenario.start[:4])
    zone = site.time_zone if site.time_zone is not None else site_time_zone(site.latitude, site.longitude)
    zone_info(zone)  # an unknown name: one line naming site.time_zone
    return year, zone, standard_offset_hours(zone, year)


def plan_inputs(scenario: Scenario, sizing: ClusterSizing | None = None) -> PlanInputs:
    """The hourly load, weather and price series and supply options of a scenario, on the hours of the plan's
    year in the site's local standard time (:func:`site_clock`)."""
    site = scenario.site
    if site is None:
        raise ScenarioError("site: `gigawatt plan` needs a site; add site.latitude and site.longitude to the scenario")
    sizing = sizing or size(scenario)
    year, zone, offset = site_clock(scenario)
    index = profiles.hourly_index(year)
    clock = {"utc_offset_hours": offset, "time_zone": zone, "clock": site.clock}  # how the CSVs' times are read
    if site.load_csv:
        load = profiles.read_series_csv(site.load_csv, index, name="site.load_csv", lower=0.0, unit="MW", **clock)
    else:
        load = profiles.load_profile(index, sizing.facility_power_mw, sizing.average_power_mw, site.workload, seed=site.seed)
        if site.pue_csv:
            # the IT load times the hour's PUE (cooling works harder in hot hours) instead of the annual PUE
            pue = profiles.read_series_csv(site.pue_csv, index, name="site.pue_csv", lower=1.0, upper=3.0, **clock)
            load = (load / sizing.pue * pue).rename(load.name)
    table = _technology_rows(scenario)
    discount_rate = float(sizing.assumptions["discount_rate"].value)
    options = _options(scenario, discount_rate, table)
    check_unit_sizes(options, float(load.max()))
    check_measured_series(scenario)
    capacity_factor = {tech: _variable_series(site, variable, index, clock)
                       for tech, variable in catalog.variable_technologies().items() if tech in options}
    if site.profile:
        capacity_factor.update(_region_profile(site, index, capacity_factor, offset))
    price = co2 = None
    grid = scenario.grid
    if GRID in options and grid.availability_csv:
        # a curtailable connection delivers this share of its size each hour: it is no longer firm
        capacity_factor[GRID] = profiles.read_series_csv(grid.availability_csv, index, name="grid.availability_csv", lower=0.0, upper=1.0,
                                                         unit="ratio", **clock)
    if GRID in options:
        if grid.price_csv:
            lower, upper = profiles.price_bounds_usd_per_mwh()  # real market series go negative
            price = profiles.read_series_csv(grid.price_csv, index, name="grid.price_csv", lower=lower, upper=upper, unit="USD/MWh",
                                             **clock)
        elif grid.time_of_use:
            periods = [{**p.model_dump(), "value": p.price_usd_per_mwh} for p in grid.time_of_use]
            wall = zoned_index(index, zone, offset) if site.clock == "local" else None  # the tariff's hours on the wall clock
            price = profiles.time_of_use(index, periods, options[GRID].marginal_usd_per_mwh, name="grid.time_of_use", clock=wall)
        if grid.co2_csv:
            co2 = profiles.read_series_csv(grid.co2_csv, index, name="grid.co2_csv", lower=0.0, upper=2.0, unit="tCO2/MWh", **clock)
    return PlanInputs(
        load_mw=load,
        options=options,
        capacity_factor=capacity_factor,
        fuel_marginal_usd_per_mwh=fuel_marginal_usd_per_mwh(scenario, options, discount_rate, table, index),
        grid_price_usd_per_mwh=price,
        grid_co2_t_per_mwh=co2,
        value_of_lost_load_usd_per_mwh=scenario.constraints.value_of_lost_load_usd_per_mwh,
        co2_cap_t_per_year=scenario.constraints.co2_cap_t_per_year,
        carbon_free_share=scenario.constraints.carbon_free_share,
        carbon_free_share_hourly=scenario.constraints.carbon_free_share_hourly,
        capex_budget_usd=scenario.constraints.capex_budget_usd,
        land_m2=site.land_km2 * M2_PER_KM2 if site.land_km2 is not None else None,
        reserve_margin=scenario.constraints.reserve_margin,
        flexibility=_flexibility(scenario, sizing),
        notes=(*_plausible_figures(scenario), *_plausible_series(scenario, sizing, load, price, co2),
               *_resampled(load, price, co2, *capacity_factor.values())),
    )


def _resampled(*series: pd.Series | None) -> list[str]:
    """What was resampled to hourly, and from what: one message line per series read at a finer step."""
    return [s.attrs["resampled"] for s in series if s is not None and s.attrs.get("resampled")]


def _flexibility(scenario: Scenario, sizing: ClusterSizing) -> Flexibility | None:
    constraints = scenario.constraints
    if constraints.flexible_share is None:
        return None
    value = constraints.value_of_compute_usd_per_accelerator_hour
    accelerators_w = sizing.count * float(sizing.assumptions["tdp_w"].value)  # tdp_w is per catalog unit
    ratio = float(sizing.assumptions["average_to_tdp_ratio"].value)
    return flexibility(
        max_share=constraints.flexible_share,
        value_usd_per_accelerator_hour=cluster_cost_usd_per_accelerator_hour(sizing) if value is None else value,
        accelerator_count=sizing.accelerator_count,
        average_load_mw=sizing.average_power_mw,
        # accelerators' share of the running facility draw: their average power, with cooling (PUE), over the facility's
        accelerator_share=accelerators_w * ratio * sizing.pue / 1e6 / sizing.average_power_mw,
        workload=scenario.site.workload if scenario.site else "training",
        power_capping=constraints.power_capping,
        paused_load_share=catalog.assumption("paused_load_share"),
    )


def available_month(scenario: Scenario, tech: str, option: SupplyOption) -> str:
    """The month an option can be energised: the grid's stated date, else start + catalog lead time, and never
    before the option's ``available_from`` (its first commercial plant or delivery)."""
    if tech == GRID and scenario.grid.available:
        return scenario.grid.available
    month = add_months(scenario.start, option.lead_time_months)
    return max(month, option.available_from) if option.available_from else month


def online_date(scenario: Scenario, plan: PowerPlan, inputs: PlanInputs) -> tuple[str, str]:
    """The month the plan is fully energised and the option that sets it (the longest lead time)."""
    dates = {tech: available_month(scenario, tech, inputs.options[tech]) for tech, mw in plan.capacity_mw.items() if mw > 0}
    if not dates:
        return scenario.start, "nothing to build"
    tech = max(dates, key=lambda t: dates[t])
    return dates[tech], tech


def _solve_plan(scenario: Scenario, inputs: PlanInputs, role: str = "plan", run: RunSettings | None = None) -> PowerPlan:
    """Serve every hour; if that is infeasible, solve again with a penalised slack to show where it fails.
    ``role`` names the LP (plan, baseline, bridge) where :data:`gigawatt.power.solve.save_lp_stem` keeps them."""
    hard = replace(inputs, value_of_lost_load_usd_per_mwh=None)
    try:
        plan = optimise(hard, scenario.solver, role=role, run=run)
    except SolverFailed:  # the solver, not the constraints: a model with slack would fail the same way
        raise
    except InfeasibleError:
        plan = optimise(inputs, scenario.solver, role=f"{role}-with-slack", run=run)
    date, set_by = online_date(scenario, plan, inputs)
    return replace(plan, online_date=date, online_date_set_by=set_by)


def _security(scenario: Scenario) -> tuple[Any, list, float, float] | None:
    """With scenario.security: the site's facts, its posture (raising on a required level that a site fact
    rules out; time to reach moves the date the site is usable instead), the level's cost a year and the
    capital recovery factor it was annualised with."""
    if scenario.security is None:
        return None
    from gigawatt.security import checks as security

    rate = scenario.costs.discount_rate if scenario.costs.discount_rate is not None else catalog.assumption("discount_rate")
    crf = capital_recovery_factor(rate, scenario.costs.facility_lifetime_years or catalog.assumption("facility_lifetime_years"))
    facts = security.plan_facts(scenario)
    checks = security.require(facts, ignore=("time_to_reach",))
    cost, _ = security.annual_cost_usd(scenario.security, crf)
    return facts, checks, cost, crf


def _security_block(guarded: tuple | None, online: str | None) -> dict[str, Any] | None:
    if guarded is None:
        return None
    from gigawatt.security import checks as security

    facts, checks, _, crf = guarded
    return security.summary(facts, checks, crf, online)


def baseline_inputs(scenario: Scenario, inputs: PlanInputs, discount_rate: float) -> PlanInputs:
    """The plan's inputs for its baseline: everything bought from a firm grid, without the connection limit,
    curtailment or the plan's constraints (REopt's business as usual)."""
    table = catalog.technologies().set_index("technology", drop=False)
    return replace(
        inputs, options={GRID: _grid_option(scenario, discount_rate, table, max_mw=None)}, co2_cap_t_per_year=None,
        carbon_free_share=None, carbon_free_share_hourly=None, reserve_margin=None, flexibility=None, capex_budget_usd=None,
        land_m2=None, capacity_factor={k: v for k, v in inputs.capacity_factor.items() if k != GRID},
    )


def first_model(scenario: Scenario) -> PlanInputs:
    """The inputs of the first LP :func:`plan_power` solves for the long-run plan: every hour served (no
    unserved-energy slack) and the screening segments applied (what ``--build-only`` writes)."""
    inputs = restrict(scenario, plan_inputs(scenario)) if not scenario.phases else plan_inputs(scenario)
    if scenario.site is not None and scenario.site.screening_segments is not None:
        inputs = aggregate(inputs, scenario.site.screening_segments)
    return replace(inputs, value_of_lost_load_usd_per_mwh=None)


def _series_sources(inputs: PlanInputs) -> dict[str, str]:
    """Where each hourly series came from, labelled synthetic or data."""
    named = {"load": inputs.load_mw, **inputs.capacity_factor, **{f"{k}_cost": v for k, v in inputs.fuel_marginal_usd_per_mwh.items()}}
    if inputs.grid_price_usd_per_mwh is not None:
        named["grid_price"] = inputs.grid_price_usd_per_mwh
    if inputs.grid_co2_t_per_mwh is not None:
        named["grid_co2"] = inputs.grid_co2_t_per_mwh
    return {
        name: f"{'synthetic' if s.attrs.get('synthetic', False) else 'data'}: {s.attrs.get('source', 'given')}"
        for name, s in named.items()
    }


def _served_plan(scenario: Scenario, inputs: PlanInputs, why: str = "supply", role: str = "plan", run: RunSettings | None = None) -> PowerPlan:
    """The cheapest plan, or :class:`InfeasibleError` saying where it cannot serve the load."""
    plan = _solve_plan(scenario, inputs, role, run)
    missing = shortfall(plan)
    if missing:
        raise InfeasibleError(f"{why}: {missing}; {_remedy(plan, inputs)}")
    return plan


def _remedy(plan: PowerPlan, inputs: PlanInputs) -> str:
    """What to relax when load goes unserved: the capital budget or land when it binds, else supply limits."""
    options = inputs.options
    if inputs.capex_budget_usd is not None:
        spent = sum(options[t].capex_usd_per_mw * mw for t, mw in plan.capacity_mw.items() if t in options)
        spent += sum(o.capex_usd_per_mwh for o in options.values() if o.kind == "storage") * plan.storage_mwh
        if spent + BINDS_SLACK >= BINDS_SHARE * inputs.capex_budget_usd:
            return f"constraints.capex_budget_usd binds ({spent / 1e6:,.0f} M USD of {inputs.capex_budget_usd / 1e6:,.0f} M spent); raise it"
    if inputs.land_m2 is not None:
        used = sum(options[t].land_m2_per_mw * mw for t, mw in plan.capacity_mw.items() if t in options)
        if used + BINDS_SLACK >= BINDS_SHARE * inputs.land_m2:
            return f"site.land_km2 binds ({used / M2_PER_KM2:,.1f} km2 used); raise it"
    return "raise grid.import_mw or supply.limits.<id>.max_mw, allow more technologies or a later constraints.online_by"


def _bridged_plan(scenario: Scenario, inputs: PlanInputs, online_by: str, run: RunSettings | None = None) -> PowerPlan:
    """Serve the load from ``online_by``: a bridge plan from the options available by then, and the long-run
    plan that keeps what the bridge built (its capacity is a floor: sunk, and still paid for) and adds what
    arrives later. Solved in that order (myopic, like a staged build), not as one joint optimisation."""
    if not re.fullmatch(MONTH_PATTERN, online_by):
        raise ScenarioError(f"constraints.online_by: '{online_by}' is not a month; write YYYY-MM, e.g. 2027-06")
    months = {t: available_month(scenario, t, o) for t, o in inputs.options.items()}
    early = {t: o for t, o in inputs.options.items() if months[t] <= online_by}
    if not early:
        earliest = min(months, key=months.get) if months else "none"
        raise InfeasibleError(f"constraints.online_by {online_by}: no supply option can be energised by then (earliest: {earliest} in {months.get(earliest)}); choose a later month")
    bridge = _served_plan(scenario, replace(inputs, options=early), why=f"constraints.online_by {online_by}: the options available by then", role="bridge", run=run)
    if len(early) == len(inputs.options):
        return bridge
    kept = {t: replace(o, min_mw=max(o.min_mw, bridge.capacity_mw.get(t, 0.0))) if t in early else o for t, o in inputs.options.items()}
    plan = _served_plan(scenario, replace(inputs, options=kept), run=run)
    late = {t: months[t] for t, mw in plan.capacity_mw.items() if mw > 0 and t not in early}
    if not late:
        return replace(plan, online_date=bridge.online_date, online_date_set_by=bridge.online_date_set_by)
    until = max(late, key=late.get)
    return replace(
        plan, online_date=bridge.online_date, online_date_set_by=bridge.online_date_set_by,
        bridge=bridge, bridge_until=late[until], bridge_until_set_by=until,
    )


def cluster_cost_usd_per_accelerator_hour(sizing: ClusterSizing) -> float:
    """What an installed accelerator-hour costs apart from its electricity (capital, maintenance, staff), USD:
    what an hour of lost compute wastes, and what the supply plan adds its power cost to."""
    non_energy_usd = sizing.total_cost_usd_per_year - sizing.opex_breakdown_usd_per_year["energy_usd"]
    return non_energy_usd / (sizing.accelerator_count * HOURS_PER_YEAR)


def _with_cluster_costs(plan: PowerPlan, sizing: ClusterSizing, security_usd_per_year: float = 0.0) -> PowerPlan:
    """Add the supply cost per accelerator-hour and the all-in cost per full-speed accelerator-hour delivered
    (cluster, supply and the security level's cost where the scenario gives it)."""
    # costs cover the modelled hours (capital prorated), so divide by those hours
    hours = len(plan.dispatch)
    accelerator_hours = sizing.accelerator_count * hours
    cluster_usd = cluster_cost_usd_per_accelerator_hour(sizing) * accelerator_hours + security_usd_per_year * hours / HOURS_PER_YEAR
    return replace(
        plan,
        power_cost_usd_per_accelerator_hour=plan.annual_cost_usd / accelerator_hours,
        cost_usd_per_delivered_accelerator_hour=(cluster_usd + plan.annual_cost_usd) / (accelerator_hours * (1.0 - plan.curtailed_compute_share)),
    )
