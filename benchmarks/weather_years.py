"""Plan one site on each ERA5 weather year 2010–2020 and print cost and firm capacity per year. Asserts nothing.

    python benchmarks/weather_years.py [CF.csv] [--scenario S.yaml] [--technologies "[a, b]"] [--set key=value ...]

CF.csv defaults to ../shared/data/us-hourly-cf-era5/us_top25pct_hourly_cf_2010_2020.csv beside the repo
(US-average hourly capacity factors of the best 25% of ERA5 cells, UTC; see its SOURCE.md). The default
case is the off-grid West Texas campus with solar, wind, batteries and aeroderivative gas turbines, 70%
carbon-free energy, every hour served (as ``gigawatt plan`` requires): the gas capacity built is then the
firm supply the weather year needs (no reserve-margin rule).
Hours are shifted from UTC to the site's standard time (round(longitude / 15) hours).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from gigawatt import load_scenario
from gigawatt.power.plan import plan_inputs
from gigawatt.power.weather_years import read_era5_cf, standard_offset_hours, summary, weather_year_plans

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "us-hourly-cf-era5" / "us_top25pct_hourly_cf_2010_2020.csv"
DEFAULT_SCENARIO = ROOT / "examples" / "west-texas-offgrid.yaml"
DEFAULT_TECHNOLOGIES = "[utility_pv, onshore_wind, battery_li_ion, gas_ct_aero]"
DEFAULT_SETTINGS = ["constraints.carbon_free_share=0.7", "constraints.reserve_margin=null"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", default=str(DEFAULT_CSV), help="hourly CF CSV: year, hour_of_year_utc, solar_cf, wind_cf")
    parser.add_argument("--scenario", default=str(DEFAULT_SCENARIO))
    parser.add_argument("--technologies", default=DEFAULT_TECHNOLOGIES)
    parser.add_argument("--set", dest="overrides", action="append", default=[], help="extra dotted.key=value overrides")
    parser.add_argument("--years", default=None, help="comma-separated subset, e.g. 2011,2015")
    args = parser.parse_args()

    years_cf = read_era5_cf(args.csv)
    if args.years:
        years_cf = {int(y): years_cf[int(y)] for y in args.years.split(",")}
    scenario = load_scenario(args.scenario, [f"supply.technologies={args.technologies}", *DEFAULT_SETTINGS, *args.overrides])
    inputs = replace(plan_inputs(scenario), value_of_lost_load_usd_per_mwh=None)  # serve every hour
    offset = standard_offset_hours(scenario.site.longitude)
    start = time.perf_counter()
    frame = weather_year_plans(inputs, years_cf, utc_offset_hours=offset)
    elapsed = time.perf_counter() - start

    print(f"{scenario.name}: {args.technologies}; {' '.join(DEFAULT_SETTINGS + args.overrides)}")
    print(f"peak load {inputs.load_mw.max():,.0f} MW, mean {inputs.load_mw.mean():,.0f} MW; UTC{offset:+d}; {len(frame)} years in {elapsed:.0f} s "
          f"({elapsed / len(frame):.1f} s a year)\n")
    capacity = [c for c in frame.columns if c.endswith("_mw") and c not in ("firm_mw", "firm_derated_mw", "peak_load_mw")]
    table = pd.DataFrame({
        "LCOE $/MWh": frame["lcoe_usd_per_mwh"].round(1),
        "cost M$/yr": (frame["annual_cost_usd"] / 1e6).round(1),
        **{c.removesuffix("_mw") + " MW": frame[c].round(0).astype(int) for c in capacity},
        "storage MWh": frame["storage_mwh"].round(0).astype(int),
        "firm MW": frame["firm_mw"].round(0).astype(int),
        "unserved MWh": frame["unserved_energy_mwh"].round(1),
        **{c.removesuffix("_mean_cf") + " CF": frame[c].round(3) for c in frame.columns if c.endswith("_mean_cf")},
        "worst week from": frame["worst_week_start"].dt.strftime("%m-%d %H:00"),
        "worst/avg week": frame["worst_week_ratio"].round(2),
    })
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(table.to_string())
        print()
        print(summary(frame).to_string(float_format=lambda v: f"{v:,.4g}"))


if __name__ == "__main__":
    main()
