"""Site planning against the solver it calls and against a hand-written PyPSA model. Prints a table; asserts nothing.

    python benchmarks/plan_suite.py [--cases offgrid-battery,grid-gas,...] [--shared ../shared]

Each case is planned end to end as a user runs it (a fresh `python` process: `gigawatt.plan(...)`, no run
store), and planned again with every LP it solves written as solved (``save_lp``). Then each of those LP
files is solved by HiGHS alone (highspy, the same default settings), and the table gives, per case: end-to-end wall seconds,
the child's peak memory, the LPs solved with their rows / columns / non-zeros, raw HiGHS seconds on them,
and the ratio end-to-end over raw HiGHS. The peer is the off-grid battery case written by hand in PyPSA
(the same hourly series and costs, a 4-hour battery as a StorageUnit, no reserve margin), run the same
way beside gigawatt's own plan of that model (``offgrid-battery-peer-model``). The interpreter's start-up
and the import of the planner are printed first: the floor of any end-to-end time. With
``--methods simplex,dual-devex,ipm`` HiGHS alone is also timed on each LP with each ``solver.method``.

Cases: off-grid with battery; grid plus gas; a nuclear contract; an hourly-matched (24/7) carbon-free
share; a flexible cluster; time-of-use prices with a battery; a flexible (curtailable) grid connection
from the Duke-method schedule of ERCOT's EIA-930 demand; a weather year of real ERA5 solar and wind.
The last two read ``../shared/data`` and are left out, saying so, where it is absent.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import highspy
import pandas as pd

from gigawatt.power.solve import METHODS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
HOURS = 8760
METHOD_LIMIT_S = 120.0  # a method slower than this on an LP is not a contender

CHILD = textwrap.dedent("""
    import json, sys, time
    start = time.perf_counter()
    def peak_mib():  # this process's own peak (ru_maxrss would carry the parent's over the fork)
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
    import gigawatt
    path, overrides, lp = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3] or None
    result = gigawatt.plan(path, set=overrides, store=None, save_lp=lp)
    print(json.dumps({"seconds": time.perf_counter() - start, "objective": result.run.solver["objective"],
                      "annual_cost_usd": result.annual_cost_usd, "peak_mib": peak_mib(),
                      "lps": [m.split(": ", 1)[1] for m in result.messages if m.startswith("LP files as solved")]}))
""")

PEER = textwrap.dedent("""
    import json, sys, time
    start = time.perf_counter()
    def peak_mib():  # this process's own peak (ru_maxrss would carry the parent's over the fork)
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
    import pandas as pd, pypsa
    pypsa.options.api.legacy_string_dtype = True
    series = pd.read_csv(sys.argv[1], index_col=0, parse_dates=True)
    costs = json.loads(sys.argv[2])
    n = pypsa.Network()
    n.set_snapshots(series.index)
    n.add("Bus", "site")
    n.add("Load", "cluster", bus="site", p_set=series["load_mw"])
    n.add("Generator", "utility_pv", bus="site", p_nom_extendable=True, p_max_pu=series["utility_pv"],
          capital_cost=costs["utility_pv"]["capital"], marginal_cost=costs["utility_pv"]["marginal"])
    for gas in ("gas_recip", "gas_ct_aero"):
        n.add("Generator", gas, bus="site", p_nom_extendable=True, capital_cost=costs[gas]["capital"], marginal_cost=costs[gas]["marginal"])
    b = costs["battery_li_ion"]
    n.add("StorageUnit", "battery", bus="site", p_nom_extendable=True, max_hours=4, cyclic_state_of_charge=True,
          efficiency_store=b["efficiency"] ** 0.5, efficiency_dispatch=b["efficiency"] ** 0.5,
          capital_cost=b["capital"] + 4 * b["energy_capital"])
    status, condition = n.optimize(solver_name="highs", progress=False, output_flag=False, log_to_console=False)
    print(json.dumps({"seconds": time.perf_counter() - start, "objective": float(n.objective), "status": status,
                      "peak_mib": peak_mib()}))
""")


def cases(shared: Path, folder: Path) -> dict[str, tuple[Path, dict]]:
    """Each case: a scenario file and its overrides (extra series written into ``folder``)."""
    gas = EXAMPLES / "west-texas-grid-gas.yaml"
    out = {
        "offgrid-battery": (EXAMPLES / "west-texas-offgrid.yaml", {}),
        "offgrid-battery-peer-model": (EXAMPLES / "west-texas-offgrid.yaml", {"constraints.reserve_margin": None}),
        "grid-gas": (gas, {}),
        "nuclear-contract": (EXAMPLES / "pennsylvania-nuclear.yaml", {}),
        "hourly-carbon-free": (gas, {"supply.technologies": ["utility_pv", "onshore_wind", "battery_li_ion", "gas_recip"],
                                     "constraints.carbon_free_share_hourly": 0.6}),
        "flexible-cluster": (gas, {"grid.import_mw": 850, "supply.technologies": [], "constraints.flexible_share": 0.1}),
        # a cheap grid with dear summer afternoons, so that the battery shifts imports
        "time-of-use": (gas, {"supply.technologies": ["battery_li_ion", "gas_recip"], "grid.price_usd_per_mwh": 40,
                              "grid.demand_charge_usd_per_kw_month": 0,
                              "grid.time_of_use": [{"price_usd_per_mwh": 300, "months": [6, 7, 8, 9], "hours": [16, 20]}]}),
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
        from gigawatt.weather.synthetic import hourly_index
        from gigawatt.power.weather_years import align_to_index, read_era5_cf, standard_offset_hours

        year = read_era5_cf(era5)[2019]
        index = hourly_index(2025)
        for tech, column in (("utility_pv", "solar"), ("onshore_wind", "wind")):
            aligned = align_to_index(year[tech], index, standard_offset_hours(-106.4))
            pd.DataFrame({"timestamp": index, column: aligned.to_numpy()}).to_csv(folder / f"era5-2019-{column}.csv", index=False)
        out["era5-weather-year"] = (gas, {"supply.technologies": ["utility_pv", "onshore_wind", "battery_li_ion", "gas_recip"],
                                          "constraints.carbon_free_share": 0.5,  # so that the measured sun and wind decide the plan
                                          "site.solar_csv": str(folder / "era5-2019-solar.csv"),
                                          "site.wind_csv": str(folder / "era5-2019-wind.csv")})
    else:
        print(f"era5-weather-year: left out, {era5} is absent")
    return out


def highs_alone(path: str, options: dict | None = None) -> dict:
    """Raw HiGHS on an LP file (default settings, or ``options``): seconds to solve (reading excluded),
    sizes and objective."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(path)
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    start = time.perf_counter()
    h.run()
    return {"seconds": time.perf_counter() - start, "rows": h.getNumRow(), "cols": h.getNumCol(), "nnz": h.getNumNz(),
            "objective": h.getInfo().objective_function_value}


def run_child(code: str, *args: str) -> dict:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"case failed:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - start
    return figures


def peer_inputs(folder: Path) -> tuple[Path, str]:
    """The off-grid case's hourly series and annualised costs, as the hand-written model reads them."""
    from gigawatt import load_scenario
    from gigawatt.power.plan import plan_inputs

    inputs = plan_inputs(load_scenario(EXAMPLES / "west-texas-offgrid.yaml"))
    series = pd.DataFrame({"load_mw": inputs.load_mw, "utility_pv": inputs.capacity_factor["utility_pv"]})
    path = folder / "offgrid-series.csv"
    series.to_csv(path)
    costs = {name: {"capital": o.capital_usd_per_mw_year, "marginal": o.marginal_usd_per_mwh, "efficiency": o.efficiency,
                    "energy_capital": o.energy_capital_usd_per_mwh_year} for name, o in inputs.options.items()}
    return path, json.dumps(costs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--methods", help="also time HiGHS alone on each LP with each of these solver.method values "
                        f"(comma-separated from {', '.join(METHODS)}), {METHOD_LIMIT_S:.0f} s at most each")
    args = parser.parse_args()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    interpreter = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import gigawatt.power.plan, gigawatt.power.solve, pvlib, highspy"], check=True)
    stack = time.perf_counter() - start
    print(f"floor: python start-up {interpreter:.2f} s; importing the planner and its solver (pandas, pvlib, highspy) {stack:.2f} s")
    rows = []
    by_method: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        chosen = cases(Path(args.shared), folder)
        if args.cases:
            chosen = {k: v for k, v in chosen.items() if k in args.cases.split(",")}
        for name, (path, overrides) in chosen.items():
            # timed as a user runs it; then again writing its LPs (which takes time of its own) for HiGHS alone
            child = run_child(CHILD, str(path), json.dumps(overrides), "")
            child["lps"] = run_child(CHILD, str(path), json.dumps(overrides), str(folder / f"{name}.lp"))["lps"]
            solved = [highs_alone(lp) for lp in child["lps"]]
            for method in args.methods.split(",") if args.methods else []:
                timed = [highs_alone(lp, {**METHODS[method], "time_limit": METHOD_LIMIT_S}) for lp in child["lps"]]
                by_method.setdefault(name, {})[method] = sum(t["seconds"] for t in timed)
            highs_s = sum(s["seconds"] for s in solved)
            rows.append({
                "case": name, "end-to-end s": child["wall"], "peak MiB": child["peak_mib"], "LPs": len(solved),
                "rows": "+".join(str(s["rows"]) for s in solved), "cols": "+".join(str(s["cols"]) for s in solved),
                "HiGHS alone s": highs_s, "ratio": child["wall"] / highs_s if highs_s else float("nan"),
                "ratio less floor": (child["wall"] - stack) / highs_s if highs_s else float("nan"),
                "objective": child["objective"], "HiGHS objective": solved[0]["objective"] if solved else float("nan"),
            })
            print(f"{name}: {child['wall']:.1f} s end to end, HiGHS alone {highs_s:.1f} s on {len(solved)} LP(s)", flush=True)
        if not args.cases or "peer" in args.cases:
            series, costs = peer_inputs(folder)
            peer = run_child(PEER, str(series), costs)
            rows.append({"case": "hand-written PyPSA peer (off-grid battery)", "end-to-end s": peer["wall"], "peak MiB": peer["peak_mib"],
                         "LPs": 1, "objective": peer["objective"]})
    table = pd.DataFrame(rows).set_index("case")
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:,.2f}".format):
        print(table)
    if by_method:
        print(f"HiGHS alone by solver.method, s (stopped at {METHOD_LIMIT_S:.0f} s):")
        print(pd.DataFrame(by_method).T.round(2))
    ours = table["end-to-end s"].get("offgrid-battery-peer-model")
    peer_s = table["end-to-end s"].get("hand-written PyPSA peer (off-grid battery)")
    if ours is not None and peer_s is not None:
        print(f"off-grid battery model: gigawatt {ours:.1f} s end to end against the hand-written PyPSA peer {peer_s:.1f} s "
              f"(ratio {ours / peer_s:.2f}; target <= 0.5)")


if __name__ == "__main__":
    main()
