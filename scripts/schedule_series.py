"""Write the hourly series the ERCOT schedule examples read, with their .sources.md sidecars. No randomness.

    python scripts/schedule_series.py [--data /work/shared/data] [--out src/gigawatt/examples/schedule]

Both series are PROXIES built from public data, not measured prices or intensities:

- ``ercot-summer-week-prices.csv``: ERCOT's hourly demand that week (EIA-930, cleaned by Ruggles et al.,
  the sum of the ERCO-* sub-regions) mapped through a stated supply curve
  ``price = a + b * exp(c * load / peak)``, with c a chosen steepness and a, b set so that the week's
  lowest-load hour is at the floor price and its highest-load hour at the ERCOT system-wide offer cap.
- ``texas-week-carbon.csv``: the grid's carbon intensity moved about its annual average by the hour's wind
  and solar output (US hourly capacity factors from ERA5, Carnegie/Caldeira): an hour with more wind and
  solar than the year's average displaces fossil generation at the fossil fleet's average intensity.

Timestamps are local standard time (Central Standard Time, UTC-6, all year: no daylight saving), the start
of each hour. The data is read here only; the product reads the CSVs written next to its examples.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from gigawatt.power.weather_years import era5_hour_beginning

REPO = Path(__file__).resolve().parents[1]
UTC_OFFSET_HOURS = -6  # Central Standard Time
DEMAND_FILE = "eia930-cleaned/cleaned_demand_2020_2024_by_ba_subregion.csv"
CF_FILE = "us-hourly-cf-era5/us_top25pct_hourly_cf_2010_2020.csv"
PRICES = "ercot-summer-week-prices.csv"
CARBON = "texas-week-carbon.csv"

# the carbon proxy's constants (see carbon_source)
MEAN_INTENSITY = 377.0  # g/kWh: ERCOT 2024 lifecycle average, Electricity Maps via co2.js (catalog regions.csv)
CARBON_FREE_SHARE = 0.43  # ERCOT 2024 carbon-free share of consumption, same source (catalog regions.csv)
WIND_SHARE = 0.24  # assumed annual shares of generation: about 30% wind and solar together, as in ERCOT 2023
SOLAR_SHARE = 0.06


def local_hours(start: str, days: int) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(start), periods=24 * days, freq="h")


def ercot_demand(data: Path, hours: pd.DatetimeIndex) -> tuple[pd.Series, list[str]]:
    """ERCOT's demand, MW, on the local hours (each the hour that starts then); and the columns summed.

    EIA-930 stamps each value with the END of its hour, in UTC: the hour starting at local L ends at
    L + 1 h - UTC_OFFSET_HOURS in UTC."""
    table = pd.read_csv(data / DEMAND_FILE, usecols=lambda c: c == "datetime_utc" or c.startswith("ERCO-"), parse_dates=["datetime_utc"])
    columns = sorted(c for c in table.columns if c.startswith("ERCO-"))
    total = table.set_index("datetime_utc")[columns].sum(axis=1)
    ends_utc = hours + pd.Timedelta(hours=1 - UTC_OFFSET_HOURS)
    missing = ends_utc.difference(total.index)
    if len(missing):
        raise SystemExit(f"{DEMAND_FILE}: no demand for {len(missing)} hour(s), the first ending {missing[0]} UTC")
    return pd.Series(total.reindex(ends_utc).to_numpy(dtype=float), index=hours), columns


def supply_curve(load: pd.Series, floor: float, cap: float, steepness: float) -> tuple[pd.Series, dict[str, float]]:
    """price = a + b exp(c x), x = load / the week's peak, through (x_min, floor) and (1, cap)."""
    x = load / load.max()
    low = float(x.min())
    b = (cap - floor) / (np.exp(steepness) - np.exp(steepness * low))
    a = floor - b * np.exp(steepness * low)
    return a + b * np.exp(steepness * x), {"a": float(a), "b": float(b), "c": steepness, "x_min": low, "peak_mw": float(load.max())}


def capacity_factors(data: Path, hours: pd.DatetimeIndex, year: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """Solar and wind capacity factors on the local hours, read from the same calendar hours of ``year``
    (the file's rows are hour-ending; after :func:`era5_hour_beginning` UTC hour of year h is the hour starting
    h hours after 1 January 00:00 UTC); and the year's means."""
    table = pd.read_csv(data / CF_FILE)
    table = table[table["year"] == year]
    if table.empty:
        raise SystemExit(f"{CF_FILE}: no year {year} (it holds 2010-2020)")
    stamps = pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(table["hour_of_year_utc"], unit="h")
    # the file is hour-ending: the one shared definition moves its rows onto the hours they begin
    series = pd.DataFrame({c: era5_hour_beginning(table[c]) for c in ("solar_cf", "wind_cf")}, index=stamps)
    utc = pd.DatetimeIndex([t.replace(year=year) for t in hours]) - pd.Timedelta(hours=UTC_OFFSET_HOURS)
    missing = utc.difference(series.index)
    if len(missing):
        raise SystemExit(f"{CF_FILE}: no capacity factors for {len(missing)} hour(s), the first {missing[0]} UTC")
    week = series.reindex(utc)
    week.index = hours
    return week, {"solar": float(series["solar_cf"].mean()), "wind": float(series["wind_cf"].mean())}


def carbon_proxy(cf: pd.DataFrame, means: dict[str, float], floor: float) -> tuple[pd.Series, pd.Series, float]:
    """Intensity = MEAN x (1 - k (share - mean share)), k = 1 / (1 - carbon-free share); the share, and k."""
    share = WIND_SHARE * cf["wind_cf"] / means["wind"] + SOLAR_SHARE * cf["solar_cf"] / means["solar"]
    k = 1.0 / (1.0 - CARBON_FREE_SHARE)
    intensity = MEAN_INTENSITY * (1.0 - k * (share - (WIND_SHARE + SOLAR_SHARE)))
    return intensity.clip(lower=floor), share, k


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def price_source(args: argparse.Namespace, load: pd.Series, price: pd.Series, curve: dict[str, float], columns: list[str]) -> str:
    hours = load.index
    top = price.nlargest(3)
    return f"""# {PRICES}: an ERCOT summer week's hourly energy price, a LOAD-DRIVEN PROXY

**This is not a settled ERCOT price.** No ERCOT settlement point price file was available offline, so this
series is ERCOT's own hourly demand of the week mapped through a stated, simple supply curve. It keeps the
shape that matters to a schedule (cheap nights, expensive late afternoons, scarcity spikes at the highest
loads) but not the level of any real hour. To replace it, give ERCOT hub settlement point prices (e.g. the
real-time HB_HUBAVG, from ERCOT's public reports) in the same format: `timestamp,price_usd_per_mwh`, one
row an hour (or every 5 or 15 minutes), local time, each row held until the next.

Written by `python scripts/schedule_series.py` (this repository); rerun it to rebuild the file exactly.

## Columns

- `timestamp`: start of the hour, local standard time (Central Standard Time, UTC-6, no daylight saving),
  {hours[0]:%Y-%m-%d %H:%M} to {hours[-1]:%Y-%m-%d %H:%M} ({len(hours)} hours).
- `price_usd_per_mwh`: the proxy price, USD/MWh, rounded to 0.01.

## From what

ERCOT hourly demand: EIA Form EIA-930 as cleaned by Ruggles, Farnham, Tong & Caldeira (2020, Scientific
Data 7, 155; GitHub `truggles/EIA_Cleaned_Hourly_Electricity_Demand_Data` commit b80145df, release
`release_2025_Jan_include_subregions`; CC BY 4.0), file `{DEMAND_FILE}`: the sum of the
{len(columns)} ERCOT sub-region columns ({", ".join(columns)}). EIA stamps each value with the end of its hour in
UTC, so the local hour starting at L is the row stamped L + 7 h.

Week's demand: {load.min():,.0f} MW at its lowest ({load.idxmin():%a %d %b %H:00}), {load.max():,.0f} MW at its
peak ({load.idxmax():%a %d %b %H:00} CST), mean {load.mean():,.0f} MW.

## The supply curve

    price = a + b * exp(c * load / peak)

with `peak` the week's highest hourly load ({curve["peak_mw"]:,.0f} MW) and

- c = {curve["c"]:g}, chosen steepness (an assumption): the part above `a` doubles for each
  {100 * np.log(2) / curve["c"]:.2f}% of the peak load, so prices stay low for most hours and spike only near the
  day's peak, as ERCOT's energy-only market does when reserves run short;
- a = {curve["a"]:.4f} USD/MWh and b = {curve["b"]:.6g} USD/MWh, solved so that the week's lowest-load hour
  (load / peak = {curve["x_min"]:.4f}) prices at {args.floor_price:g} USD/MWh and its highest-load hour at
  {args.offer_cap:,.0f} USD/MWh, the ERCOT system-wide offer cap (high system-wide offer cap, PUCT rule 16 TAC
  § 25.505).

Result: mean {price.mean():,.2f} USD/MWh, median {price.median():,.2f}; {int((price > 1000).sum())} hours above
1,000 USD/MWh; the three highest: {", ".join(f"{t:%a %d %H:00} {v:,.0f}" for t, v in top.items())}.
"""


def carbon_source(args: argparse.Namespace, cf: pd.DataFrame, means: dict[str, float], share: pd.Series, k: float, intensity: pd.Series, clipped: int) -> str:
    hours = intensity.index
    daily = intensity.groupby(hours.hour).mean()
    sun = cf["solar_cf"].groupby(hours.hour).mean()
    lit = [int(h) for h in sun.index[sun > 0.01]]
    centre = float((sun * (sun.index + 0.5)).sum() / sun.sum())
    return f"""# {CARBON}: the Texas (ERCOT) grid's hourly carbon intensity over a summer week, a PROXY

**This is not a measured or published hourly intensity.** It is ERCOT's annual average lifecycle intensity
moved up and down hour by hour by how much wind and solar the weather of the hour gives, from modelled
capacity factors. Give measured hourly intensities (e.g. Electricity Maps' ERCOT zone, or intensities
computed from ERCOT's fuel mix) in the same format to replace it: `timestamp,carbon_g_per_kwh`, local time,
each row held until the next.

Written by `python scripts/schedule_series.py` (this repository); rerun it to rebuild the file exactly.

## Columns

- `timestamp`: start of the hour, local standard time (Central Standard Time, UTC-6, no daylight saving),
  {hours[0]:%Y-%m-%d %H:%M} to {hours[-1]:%Y-%m-%d %H:%M} ({len(hours)} hours), the week of
  `{PRICES}`.
- `carbon_g_per_kwh`: the proxy intensity, gCO2e/kWh consumed (lifecycle basis), rounded to 0.1.

## From what

Hourly solar and wind capacity factors: `{CF_FILE}` (Carnegie Institution / Caldeira lab,
GitHub `carnegie/Create_Wind_and_Solar_Resource_Files`, MIT; from ERA5 reanalysis, Copernicus C3S): the
average over the 25% of contiguous-US grid cells with the highest mean capacity factor, hours in UTC.
The data end in 2020, so the weather is that of **{args.cf_year}**, the same calendar days and hours
(local hour L read at UTC hour L + 6 h of {args.cf_year}): an hour's weather, not that week's in
{hours[0]:%Y}. It is a US-wide average of the best sites, not Texas's own fleet: it gives the daily solar cycle
and the passing of wind fronts, not ERCOT's exact output. Row h of a year is taken as the hour that ends
h hours after 1 January 00:00 UTC (the source says only that hours are UTC, 0-based; its mean solar day
centres 0.9 h after solar noon when read as hour-beginning, see gigawatt.power.weather_years.era5_hour_beginning,
the one definition the product's ERA5 reader uses too); the best solar sites
lie mostly in the Southwest, so solar output here runs from about {lit[0]:02d}:00 to {lit[-1] + 1:02d}:00 CST (hour-of-day
means above 0.01), centred near {int(centre):02d}:{round(centre % 1 * 60):02d} CST, later than over Texas itself (solar noon there is about 12:30 CST). Both shifts are small beside the proxy's other errors.

## The method

    share_t     = W * wind_cf_t / mean(wind_cf) + S * solar_cf_t / mean(solar_cf)      (means over {args.cf_year})
    intensity_t = I * (1 - k * (share_t - (W + S))),  clipped below at {args.carbon_floor:g} g/kWh

- I = {MEAN_INTENSITY:g} g/kWh: ERCOT's 2024 average lifecycle intensity of consumption (Electricity Maps 2024
  zone average via Green Web Foundation co2.js `yearly_2024.json`, zone ERCOT; the catalog's regions.csv).
- W = {WIND_SHARE:g}, S = {SOLAR_SHARE:g}: assumed annual shares of generation of wind and solar, about 30%
  together, near ERCOT's 2023 mix (wind about a quarter, solar about 6-7%). share_t averages W + S = {WIND_SHARE + SOLAR_SHARE:g}
  over the year by construction.
- k = 1 / (1 - F) = {k:.4f}, with F = {CARBON_FREE_SHARE:g} ERCOT's 2024 carbon-free share of consumption (Electricity
  Maps via co2.js, zone US-TEX-ERCO; the catalog's regions.csv). The fossil part of the mix then averages
  I / (1 - F) = {MEAN_INTENSITY / (1 - CARBON_FREE_SHARE):.0f} g/kWh, and each point of wind and solar share above the year's
  average displaces a point of fossil generation at that intensity (a simple average-displacement model;
  the marginal unit, mostly gas, may differ).
- Floor {args.carbon_floor:g} g/kWh (an assumption: below it the linear model is not trusted); it binds in
  {clipped} of the {len(hours)} hours.

Capacity factors that week ({args.cf_year} weather): wind mean {cf["wind_cf"].mean():.3f} (year {means["wind"]:.3f}),
solar mean {cf["solar_cf"].mean():.3f} (year {means["solar"]:.3f}); share {share.min():.3f} to {share.max():.3f}.

Result: {intensity.min():.1f} to {intensity.max():.1f} g/kWh, mean {intensity.mean():.1f} (above the annual {MEAN_INTENSITY:g}: the
week's wind is below the year's average); averaged by hour of day, lowest at {daily.idxmin():02d}:00 ({daily.min():.0f} g/kWh) and
highest at {daily.idxmax():02d}:00 ({daily.max():.0f} g/kWh) local standard time.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"), help="the shared data folder")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "gigawatt" / "examples" / "schedule", help="where to write")
    parser.add_argument("--start", default="2023-08-14", help="first local day (a Monday)")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--floor-price", type=float, default=20.0, help="USD/MWh at the week's lowest load")
    parser.add_argument("--offer-cap", type=float, default=5000.0, help="USD/MWh at the week's peak (ERCOT system-wide offer cap)")
    parser.add_argument("--steepness", type=float, default=40.0, help="c in a + b exp(c load/peak)")
    parser.add_argument("--cf-year", type=int, default=2020, help="weather year of the capacity factors (2010-2020)")
    parser.add_argument("--carbon-floor", type=float, default=100.0, help="g/kWh")
    args = parser.parse_args()

    hours = local_hours(args.start, args.days)
    stamps = hours.strftime("%Y-%m-%d %H:%M")
    args.out.mkdir(parents=True, exist_ok=True)

    load, columns = ercot_demand(args.data, hours)
    price, curve = supply_curve(load, args.floor_price, args.offer_cap, args.steepness)
    write_csv(args.out / PRICES, pd.DataFrame({"timestamp": stamps, "price_usd_per_mwh": price.round(2).to_numpy()}))
    (args.out / PRICES.replace(".csv", ".sources.md")).write_text(price_source(args, load, price, curve, columns), encoding="utf-8")
    print(f"wrote {args.out / PRICES}: {len(hours)} hours from {stamps[0]}, ERCOT load {load.min():,.0f}-{load.max():,.0f} MW")
    print(f"  supply curve price = a + b exp(c load/peak): a = {curve['a']:.4f}, b = {curve['b']:.6g}, c = {curve['c']:g}, peak {curve['peak_mw']:,.0f} MW")
    print(f"  price {price.min():,.2f} to {price.max():,.2f} USD/MWh, mean {price.mean():,.2f}, {int((price > 1000).sum())} hours above 1,000")

    cf, means = capacity_factors(args.data, hours, args.cf_year)
    raw, share, k = carbon_proxy(cf, means, -np.inf)
    intensity = raw.clip(lower=args.carbon_floor)
    clipped = int((raw < args.carbon_floor).sum())
    write_csv(args.out / CARBON, pd.DataFrame({"timestamp": stamps, "carbon_g_per_kwh": intensity.round(1).to_numpy()}))
    (args.out / CARBON.replace(".csv", ".sources.md")).write_text(carbon_source(args, cf, means, share, k, intensity, clipped), encoding="utf-8")
    print(f"wrote {args.out / CARBON}: weather of {args.cf_year}, wind/solar share {share.min():.3f}-{share.max():.3f} (year mean {WIND_SHARE + SOLAR_SHARE:g})")
    print(f"  intensity = {MEAN_INTENSITY:g} x (1 - {k:.4f} (share - {WIND_SHARE + SOLAR_SHARE:g})), floor {args.carbon_floor:g} (binds {clipped} h): "
          f"{intensity.min():.1f} to {intensity.max():.1f} g/kWh, mean {intensity.mean():.1f}")


if __name__ == "__main__":
    main()
