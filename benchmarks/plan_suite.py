"""Site planning end to end with each HiGHS method and against the same model written by hand in PyPSA.
Prints a table; asserts nothing.

    python benchmarks/plan_suite.py [--cases grid-gas,no-storage,...] [--methods simplex,dual-devex,ipm,race]
                                    [--no-peer] [--raw] [--shared ../shared]

Each case is planned end to end as a user runs it (a fresh ``python`` process: ``gigawatt.plan(...)``, no run
store): once with the default ``solver.method`` and once with each method named (``--methods``, all by
default; a method stopped at its time limit is shown as ``>limit``). The table gives per case the seconds of
each, the fastest method, the default's time over the fastest (target <= 1.2), the child's peak memory and
the spread of the objectives.

The peer is the same model written by hand in PyPSA (``pypsa.Network`` with generators, a battery as a store
with a charging and a discharging link sharing one inverter, the unserved-load slack, and the reserve margin
and annual carbon-free share as extra constraints), from the very inputs gigawatt plans on, solved by PyPSA
through linopy and HiGHS with its default settings, in a fresh process too. Cases PyPSA cannot express without
more than that (unit commitment, a flexible cluster, hourly carbon-free matching, time segments) say so. The
peer's objective must equal gigawatt's: the table prints their relative difference beside the time ratio
(target: gigawatt >= 2x faster). With ``--raw`` each LP is also written as solved and timed in HiGHS alone,
for the overhead around the solver.

Cases with their optimum's character: off-grid with battery; grid plus gas; a nuclear contract; an hourly
(24/7) carbon-free share; a flexible cluster; time-of-use prices with a battery; a flexible (curtailable) grid
connection from ERCOT's EIA-930 demand; a weather year of ERA5 solar and wind; a flat 1,000 MW off-grid load
with profiles from CSV where the optimum builds gas only though a battery is offered; the grid-gas site with
no storage offered; renewables and storage only (off-grid, no fuel); and everything offered at once with an
annual carbon-free share. The ERCOT and ERA5 cases read ``../shared/data`` and are left out, saying so, where
it is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import highspy
import numpy as np
import pandas as pd

from gigawatt.core.inputs import Solver
from gigawatt.power.solve import METHODS, RACE

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
LIMIT_S = 180.0  # a method slower than this on a case is not a contender
ALL_METHODS = [*METHODS, "race"]

CHILD = textwrap.dedent("""
    import json, sys, time
    start = time.perf_counter()
    def peak_mib():  # this process's own peak (ru_maxrss would carry the parent's over the fork)
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
    import gigawatt
    from gigawatt.core.errors import InfeasibleError
    path, overrides, lp = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3] or None
    try:
        result = gigawatt.plan(path, set=overrides, store=None, save_lp=lp)
    except InfeasibleError as error:  # a method stopped at solver.time_limit_s
        print(json.dumps({"seconds": None, "error": str(error)}))
        raise SystemExit(0)
    print(json.dumps({"seconds": time.perf_counter() - start, "objective": result.run.solver["objective"],
                      "method": result.run.solver.get("method"), "peak_mib": peak_mib(),
                      "lps": [m.split(": ", 1)[1] for m in result.messages if m.startswith("LP files as solved")]}))
""")

PEER = textwrap.dedent("""
    import json, sys, time
    start = time.perf_counter()
    def peak_mib():
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
    import numpy as np, pandas as pd, pypsa
    pypsa.options.api.legacy_string_dtype = True
    series = pd.read_csv(sys.argv[1], index_col=0, parse_dates=True)
    model = json.load(open(sys.argv[2]))
    n = pypsa.Network()
    n.set_snapshots(series.index)
    n.add("Bus", "site")
    n.add("Load", "cluster", bus="site", p_set=series["load_mw"])
    for name, o in model["generators"].items():
        n.add("Generator", name, bus="site", p_nom_extendable=True, p_nom_min=o["min_mw"], p_nom_max=o["max_mw"],
              p_max_pu=series[f"{name} per unit"] if f"{name} per unit" in series else o["per_unit"],
              marginal_cost=series[f"{name} marginal"] if f"{name} marginal" in series else o["marginal"],
              capital_cost=o["capital"])
    for name, s in model["storage"].items():  # the store, and its one inverter as a charging and a discharging link
        n.add("Bus", f"{name} store")
        n.add("Store", name, bus=f"{name} store", e_nom_extendable=True, e_cyclic=True, capital_cost=s["energy_capital"])
        n.add("Link", f"{name} charge", bus0="site", bus1=f"{name} store", efficiency=s["root_efficiency"], p_nom_extendable=True,
              p_nom_min=s["min_mw"], p_nom_max=s["max_mw"], capital_cost=s["capital"])
        n.add("Link", f"{name} discharge", bus0=f"{name} store", bus1="site", efficiency=s["root_efficiency"], p_nom_extendable=True)
    if model["voll"] is not None:
        n.add("Generator", "unserved", bus="site", p_nom=float(series["load_mw"].max()), marginal_cost=model["voll"])

    def extra(n, snapshots):
        m = n.model
        p, p_nom = m["Generator-p"], m["Generator-p_nom"]
        for name in model["storage"]:
            link, link_nom = m["Link-p"], m["Link-p_nom"]
            m.add_constraints(link.sel(name=f"{name} charge") + link.sel(name=f"{name} discharge") - link_nom.sel(name=f"{name} charge") <= 0,
                              name=f"inverter {name}")
        if model["firm"]:
            m.add_constraints(sum(share * p_nom.sel(name=g) for g, share in model["firm"].items()) >= model["firm_mw"], name="firm")
        if model["clean"]:
            m.add_constraints(p.sel(name=model["clean"]).sum() >= model["clean_mwh"], name="carbon free share")

    status, condition = n.optimize(solver_name="highs", extra_functionality=extra, include_objective_constant=False, progress=False,
                                   output_flag=False, log_to_console=False)
    print(json.dumps({"seconds": time.perf_counter() - start, "objective": float(n.objective), "status": status,
                      "peak_mib": peak_mib()}))
""")


def cases(shared: Path, folder: Path) -> dict[str, tuple[Path, dict]]:
    """Each case: a scenario file and its overrides (extra series written into ``folder``)."""
    gas = EXAMPLES / "west-texas-grid-gas.yaml"
    offgrid = EXAMPLES / "west-texas-offgrid.yaml"
    renewables = ["utility_pv", "onshore_wind", "battery_li_ion"]
    out = {
        "offgrid-battery": (offgrid, {}),
        "offgrid-battery-peer-model": (offgrid, {"constraints.reserve_margin": None}),
        "grid-gas": (gas, {}),
        "nuclear-contract": (EXAMPLES / "pennsylvania-nuclear.yaml", {}),
        "hourly-carbon-free": (gas, {"supply.technologies": [*renewables, "gas_recip"], "constraints.carbon_free_share_hourly": 0.6}),
        "flexible-cluster": (gas, {"grid.import_mw": 850, "supply.technologies": [], "constraints.flexible_share": 0.1}),
        # a cheap grid with dear summer afternoons, so that the battery shifts imports
        "time-of-use": (gas, {"supply.technologies": ["battery_li_ion", "gas_recip"], "grid.price_usd_per_mwh": 40,
                              "grid.demand_charge_usd_per_kw_month": 0,
                              "grid.time_of_use": [{"price_usd_per_mwh": 300, "months": [6, 7, 8, 9], "hours": [16, 20]}]}),
        "flat-gas-only": (offgrid, flat_load_case(folder)),
        "no-storage": (gas, {"supply.technologies": ["utility_pv", "onshore_wind", "gas_recip", "gas_ct_aero"]}),
        "renewables-storage-only": (offgrid, {"supply.technologies": renewables, "constraints.reserve_margin": None}),
        "mix-all": (gas, {"supply.technologies": [*renewables, "gas_recip", "gas_ct_aero", "fuel_cell"], "grid.import_mw": 400,
                          "constraints.carbon_free_share": 0.5}),
    }
    demand = shared / "data" / "eia930-cleaned" / "cleaned_demand_2020_2024_by_ba_subregion.csv"
    if demand.exists():
        import gigawatt

        study = gigawatt.headroom({"files": [str(demand)], "systems": ["ERCO"], "limits_pct": [0.5],
                                   "campus": {"mw": 1200, "limit_pct": 0.5, "availability_year": 2023}}, store=None)
        availability = folder / "ercot-2023-availability.csv"
        frame = study.to_frames()["availability"].copy()
        frame["timestamp"] = frame["timestamp"].str.replace("2023", "2025", n=1)  # 2023's availability, hour for hour, on the site's 2025
        frame.to_csv(availability, index=False)
        # a grid cheap enough to be used, delivering only its share in the hours ERCOT curtails flexible load
        out["flexible-connection"] = (gas, {"grid.availability_csv": str(availability), "grid.import_mw": 1500, "grid.price_usd_per_mwh": 40,
                                            "grid.demand_charge_usd_per_kw_month": 0})
    else:
        print(f"flexible-connection: left out, {demand} is absent")
    era5 = shared / "data" / "us-hourly-cf-era5" / "us_top25pct_hourly_cf_2010_2020.csv"
    if era5.exists():
        from gigawatt.power.weather_years import (
            align_to_index,
            read_era5_cf,
            standard_offset_hours,
        )
        from gigawatt.weather.synthetic import hourly_index

        year = read_era5_cf(era5)[2019]
        index = hourly_index(2025)
        for tech, column in (("utility_pv", "solar"), ("onshore_wind", "wind")):
            aligned = align_to_index(year[tech], index, standard_offset_hours(-106.4))
            pd.DataFrame({"timestamp": index, column: aligned.to_numpy()}).to_csv(folder / f"era5-2019-{column}.csv", index=False)
        out["era5-weather-year"] = (gas, {"supply.technologies": [*renewables, "gas_recip"],
                                          "constraints.carbon_free_share": 0.5,  # so that the measured sun and wind decide the plan
                                          "site.solar_csv": str(folder / "era5-2019-solar.csv"),
                                          "site.wind_csv": str(folder / "era5-2019-wind.csv")})
    else:
        print(f"era5-weather-year: left out, {era5} is absent")
    return out


def flat_load_case(folder: Path) -> dict:
    """Off-grid, a flat 1,000 MW load and the site's solar and wind written as CSV profiles, a gas turbine and a
    battery: the optimum builds gas only (the case where HiGHS's default dual simplex was slow)."""
    from gigawatt import load_scenario
    from gigawatt.power.plan import plan_inputs

    inputs = plan_inputs(load_scenario(EXAMPLES / "west-texas-grid-gas.yaml", ["supply.technologies=[utility_pv, onshore_wind]"]))
    index = inputs.load_mw.index
    files = {"load": pd.Series(1000.0, index=index), "solar": inputs.capacity_factor["utility_pv"], "wind": inputs.capacity_factor["onshore_wind"]}
    for name, values in files.items():
        pd.DataFrame({"timestamp": index, name: values.to_numpy()}).to_csv(folder / f"flat-{name}.csv", index=False)
    return {"site.load_csv": str(folder / "flat-load.csv"), "site.solar_csv": str(folder / "flat-solar.csv"),
            "site.wind_csv": str(folder / "flat-wind.csv"), "cluster.power_mw": 1000, "constraints.reserve_margin": None,
            "supply.technologies": ["utility_pv", "onshore_wind", "gas_ct_aero", "battery_li_ion"]}


def peer_model(path: Path, overrides: dict, folder: Path, name: str) -> tuple[Path, Path] | str:
    """The case's inputs as the hand-written PyPSA model reads them (a CSV of series and a JSON of figures),
    or the reason PyPSA's components cannot express it without more than a few extra constraints."""
    from gigawatt import load_scenario
    from gigawatt.core.units import HOURS_PER_YEAR
    from gigawatt.power.plan import first_model

    # the LP the plan solves: every hour served (no unserved-energy slack), as gigawatt's first solve
    inputs = first_model(load_scenario(path, [f"{key}={json.dumps(value)}" for key, value in overrides.items()]))
    beyond = {"unit commitment": any(o.commitment for o in inputs.options.values()), "a flexible cluster": inputs.flexibility is not None,
              "hourly carbon-free matching": inputs.carbon_free_share_hourly is not None, "time segments": inputs.snapshot_weightings_h is not None,
              "a CO2 cap, capital budget, land or hours cap": any(v is not None for v in (inputs.co2_cap_t_per_year, inputs.capex_budget_usd, inputs.land_m2))
              or any(o.max_hours_per_year for o in inputs.options.values())}
    if any(beyond.values()):
        return "not written: " + ", ".join(k for k, v in beyond.items() if v)
    year_share = inputs.modelled_hours / HOURS_PER_YEAR
    series = pd.DataFrame({"load_mw": inputs.load_mw})
    model: dict = {"generators": {}, "storage": {}, "voll": inputs.value_of_lost_load_usd_per_mwh, "firm": {}, "clean": []}
    for key, o in inputs.options.items():
        bounds = {"min_mw": o.min_mw, "max_mw": o.max_mw if np.isfinite(o.max_mw) else None}
        if o.kind == "storage":
            model["storage"][key] = {**bounds, "capital": year_share * o.capital_usd_per_mw_year, "root_efficiency": float(np.sqrt(o.efficiency)),
                                     "energy_capital": year_share * o.energy_capital_usd_per_mwh_year}
            continue
        marginal = inputs.marginal_usd_per_mwh(key)
        if isinstance(marginal, pd.Series):
            series[f"{key} marginal"] = marginal.to_numpy()
        if key in inputs.capacity_factor:
            series[f"{key} per unit"] = inputs.capacity_factor[key].to_numpy()
        model["generators"][key] = {**bounds, "capital": year_share * o.capital_usd_per_mw_year, "marginal": float(np.mean(marginal)),
                                    "per_unit": o.availability if o.kind == "contract" else 1.0}
        if o.carbon_free:
            model["clean"].append(key)
    for generator in model["generators"].values():
        generator["max_mw"] = generator["max_mw"] if generator["max_mw"] is not None else float("inf")
    for s in model["storage"].values():
        s["max_mw"] = s["max_mw"] if s["max_mw"] is not None else float("inf")
    if inputs.reserve_margin is not None:
        model["firm"] = {key: o.availability for key, o in inputs.firm_options().items()}
        model["firm_mw"] = (1.0 + inputs.reserve_margin) * float(inputs.load_mw.max())
    if inputs.carbon_free_share is not None:
        model["clean_mwh"] = inputs.carbon_free_share * float(inputs.load_mw.sum())
    else:
        model["clean"] = []
    csv, figures = folder / f"{name}.peer.csv", folder / f"{name}.peer.json"
    series.to_csv(csv)
    figures.write_text(json.dumps(model))
    return csv, figures


def highs_alone(path: str) -> dict:
    """Raw HiGHS on an LP file (default settings): seconds to solve (reading excluded), sizes and objective."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(path)
    start = time.perf_counter()
    h.run()
    return {"seconds": time.perf_counter() - start, "rows": h.getNumRow(), "cols": h.getNumCol(), "objective": h.getInfo().objective_function_value}


def run_child(code: str, *args: str) -> dict:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"case failed:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - start if figures.get("seconds") is not None else None
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--methods", default=",".join(ALL_METHODS), help=f"solver.method values to time end to end (from {', '.join(ALL_METHODS)})")
    parser.add_argument("--no-peer", action="store_true", help="leave out the hand-written PyPSA peer")
    parser.add_argument("--raw", action="store_true", help="also write each LP as solved and time HiGHS alone on it")
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = parser.parse_args()
    default = Solver().method
    methods = [m for m in args.methods.split(",") if m]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import gigawatt.power.plan, gigawatt.power.solve, pvlib, highspy"], check=True)
    print(f"floor: python start-up and importing the planner and its solver {time.perf_counter() - start:.2f} s; "
          f"{os.cpu_count()} cores; default solver.method {default}; the race runs {' and '.join(RACE)}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        chosen = cases(Path(args.shared), folder)
        if args.cases:
            chosen = {k: v for k, v in chosen.items() if k in args.cases.split(",")}
        for name, (path, overrides) in chosen.items():
            row: dict = {"case": name}
            first = run_child(CHILD, str(path), json.dumps(overrides), "")
            row["default s"], row["peak MiB"], objectives = first["wall"], first["peak_mib"], [first["objective"]]
            won = f" (won by {first['method']})" if default == "race" else ""
            for method in methods:
                if method == default:
                    row[method] = first["wall"]
                    continue
                timed = run_child(CHILD, str(path), json.dumps({**overrides, "solver.method": method, "solver.time_limit_s": LIMIT_S}), "")
                row[method] = timed["wall"] if timed["wall"] is not None else np.inf
                if timed["wall"] is not None:
                    objectives.append(timed["objective"])
            fastest = min(methods, key=lambda m: row[m]) if methods else default
            row["fastest"], row["default / fastest"] = fastest, row["default s"] / row[fastest] if methods else 1.0
            row["objective spread"] = (max(objectives) - min(objectives)) / abs(first["objective"])
            peer = None if args.no_peer else peer_model(path, overrides, folder, name)
            if isinstance(peer, tuple):
                result = run_child(PEER, *map(str, peer))
                row["peer s"], row["peer / default"] = result["wall"], result["wall"] / row["default s"]
                row["peer objective diff"] = (result["objective"] - first["objective"]) / abs(first["objective"])
            if args.raw:
                lps = run_child(CHILD, str(path), json.dumps(overrides), str(folder / f"{name}.lp"))["lps"]
                solved = [highs_alone(lp) for lp in lps]
                row["rows"] = "+".join(str(s["rows"]) for s in solved)
                row["cols"] = "+".join(str(s["cols"]) for s in solved)
                row["HiGHS alone s"] = sum(s["seconds"] for s in solved)
            rows.append(row)
            times = ", ".join(f"{m} {row[m]:.1f}" for m in methods)
            peer_text = f"; PyPSA peer {row['peer s']:.1f} s" if "peer s" in row else f"; peer {peer}" if isinstance(peer, str) else ""
            print(f"{name}: default {row['default s']:.1f} s{won}; {times}{peer_text}", flush=True)
    table = pd.DataFrame(rows).set_index("case")
    with pd.option_context("display.width", 250, "display.max_columns", 30, "display.float_format", "{:,.3g}".format):
        print(table)
    slow = table.index[table["default / fastest"] > 1.2].tolist()
    print(f"default within 1.2x of the fastest method: {len(table) - len(slow)} of {len(table)} cases" + (f" (not: {', '.join(slow)})" if slow else ""))
    if "peer / default" in table:
        peer = table["peer / default"].dropna()
        short = peer.index[peer < 2].tolist()
        print(f"at least 2x faster than the PyPSA peer: {len(peer) - len(short)} of {len(peer)} cases" + (f" (not: {', '.join(short)})" if short else ""))


if __name__ == "__main__":
    main()
