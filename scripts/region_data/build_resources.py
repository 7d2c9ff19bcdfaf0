"""Assemble resources.csv from resources_detail.csv (output of resources_method.py) and the Solargis copy."""
import json, os, sys
import numpy as np, pandas as pd
IN = sys.argv[1]
OUT = os.path.dirname(os.path.abspath(__file__))
det = pd.read_csv(f"{OUT}/resources_detail.csv").set_index("region")
fit = json.load(open(f"{OUT}/calibration_fit.json"))
reg = pd.read_csv(f"{OUT}/regions_list.csv")
sg = pd.read_csv(f"{IN}/solargis.csv").set_index("ISO_A3")
ISO3 = {"AE": "ARE", "SA": "SAU", "QA": "QAT", "JP": "JPN", "KR": "KOR", "TW": "TWN", "SG": "SGP", "MY": "MYS",
        "IN": "IND", "CN": "CHN", "AU": "AUS", "GB": "GBR", "IE": "IRL", "DE": "DEU", "FR": "FRA", "NL": "NLD",
        "ES": "ESP", "NO": "NOR", "SE": "SWE", "FI": "FIN", "CA": "CAN", "BR": "BRA", "CL": "CHL", "US": "USA"}

CARNEGIE = ("Carnegie Create_Wind_and_Solar_Resource_Files ERA5 gridded annual CF 2009-2020; "
            "carnegie/Create_Wind_and_Solar_Resource_Files@9da39557f31d95b665a41e1c408f5324632cbcbe:"
            "example_ERA5/data/solar_wind_annual_data_ERA5/backup_old_data_used/Annual_ERA5_{2009..2020}_12.nc")
SOLARGIS = ("World Bank ESMAP / Solargis, Global Photovoltaic Power Potential by Country, 2020, country table "
            "(Average practical potential PVOUT Level 1, kWh/kWp/day x 365); zoegarm/Proyecto-Generacion-de-energia-en-Mexico"
            "@2c0d16e364ad68529f1504f55d9ae49832fb8d3e:DATA/solargis_pvpot_countryrank_2020.csv")
STATES = "state polygons PublicaMundi/MappingAPI@86ac7bcffa2da7924757ccb2f048aa1412154ad2:data/geojson/us-states.json"
NE = "country polygons Natural Earth 1:110m (naturalearth_lowres, public domain, as shipped in pyogrio 0.13.0 test fixtures)"
OWID = ("IRENA Renewable Capacity Statistics 2024 (total wind GW, year-end) and Ember / Energy Institute Statistical Review 2024 "
        "(wind TWh), via Our World in Data grapher exports; wang34/Progetto-Visualizzazione-Scientifica"
        "@b7921bf33299aeddf20632aadec3fb9085304fad:csv/fonti-rinnovabili/{cumulative-installed-wind-energy-capacity-gigawatts,"
        "wind-generation}/*.csv")
SPP_SRC = ("S&P Global Market Intelligence, 'Visualizing wind capacity, performance across the US', 2022-03-29 "
           "(SPP 2020 ISO average 42 %); spglobal.com/marketintelligence/en/news-insights/research/"
           "visualizing-wind-capacity-performance-across-the-us (already in regions.sources.md)")

PROFILE = {}
for r in ("ERCOT", "Dallas", "ERCOT_W", "US-TX"): PROFILE[r] = "ercot_top25_merra2_2018.csv"
for r in ("CAISO", "US-CA"): PROFILE[r] = "ciso_top25_merra2_2018.csv"
for r in ("ISONE", "US-MA"): PROFILE[r] = "isne_top25_merra2_2018.csv"
for r in ("MISO", "US-WI", "US-IA", "US-LA", "US-MS", "US-IN", "US-IL"): PROFILE[r] = "miso_top25_merra2_2018.csv"
PROFILE["US"] = "us_conus_top25_era5_2018.csv"

TERRAIN = {"CAISO", "US-CA", "SRP", "AZPS", "Phoenix", "US-AZ", "BPA", "US-OR", "US-WA", "Portland_EOregon"}
OFFSHORE_HEAVY = {"GB", "NL", "TW"}
OFFSHORE_SOME = {"DE", "CN", "FR", "JP", "KR", "IE", "SE", "FI", "NO", "ES", "AU", "BR", "CL", "CA", "IN"}

rows = []
for _, r in reg.iterrows():
    d = det.loc[r.region]
    row = dict(region=r.region)
    tags = []
    # ------------------------------------------------------------- PV
    if r.country != "US" or r.region == "US":
        iso = ISO3[r.region]
        if iso in sg.index:
            v = sg.loc[iso, "Average_practical_potential_PVOUT_Level1_kWh_kWdayLongterm"] * 365
            row.update(pv_yield_kwh_per_kwp=int(round(v)),
                       pv_method="Solargis PVOUT country long-term average, practical fixed-tilt AC (data copy)",
                       pv_source=SOLARGIS); tags.append("R")
        else:   # TW, FI: not in the Solargis country table
            v = d.pv_est
            row.update(pv_yield_kwh_per_kwp=int(round(v, -1)),
                       pv_method=(f"ESTIMATE, not Solargis (country absent from the Solargis table): ERA5 single-axis-tracking "
                                  f"CF mean over all land cells of the country ({d.area_scf_mean:.3f}, {int(d.area_n)} cells) -> "
                                  f"PVOUT-equivalent by linear fit to Solargis country PVOUT "
                                  f"(PVOUT = {fit['a']:.0f} + {fit['b']:.0f} x CF; n={fit['n']}, R2={fit['r2']:.2f}, "
                                  f"RMSE {fit['rmse']:.0f} kWh/kWp); rounded to 10"
                                  + ("; Finland lies mostly north of 60 N, outside the fit's 45 S-60 N range" if r.region == "FI" else
                                     "; only 10 grid cells" if r.region == "TW" else "")),
                       pv_source=f"{CARNEGIE}; {SOLARGIS}; {NE}"); tags.append("R")
    else:
        row.update(pv_yield_kwh_per_kwp=int(round(d.pv_est, -1)),
                   pv_method=(f"computed: ERA5 single-axis-tracking CF 2009-2020, area-weighted mean over {d.area_used} "
                              f"({d.area_scf_mean:.3f}, {int(d.area_n)} cells) -> PVOUT-equivalent by linear fit to Solargis "
                              f"country PVOUT (PVOUT = {fit['a']:.0f} + {fit['b']:.0f} x CF; n={fit['n']}, R2={fit['r2']:.2f}, "
                              f"RMSE {fit['rmse']:.0f}) + US anchor offset {fit['us_offset']:+.0f} (Solargis USA 1591 minus fit); "
                              f"rounded to 10; AC fixed-tilt equivalent"),
                   pv_source=f"{CARNEGIE}; {SOLARGIS}; {STATES}; {NE}"); tags.append("R")
    # ------------------------------------------------------------- wind
    if r.region == "SPP":
        row.update(wind_cf=0.42, wind_method=(f"observed fleet: SPP 2020 ISO average capacity factor (kept from catalog); "
                                              f"cross-check computed ERA5 top-25 % SPP-states footprint = {d.wind_est_us:.2f}"),
                   wind_source=SPP_SRC); tags.append("R2")
    elif r.country == "US" and r.region != "US":
        flag = ("; LOW CONFIDENCE: wind sites in this area sit in passes/gorges/ridges that the 0.5 deg grid does not resolve, "
                "so this is probably an underestimate" if r.region in TERRAIN else "")
        row.update(wind_cf=round(float(d.wind_est_us), 2),
                   wind_method=(f"computed: ERA5 100 m idealised-power-curve CF 2009-2020, area-weighted mean of the top 25 % "
                                f"of grid cells of {d.area_used} ({d.area_wcf_top25:.3f}), x {fit['wind_scale']:.3f} so that the "
                                f"CONUS top-25 % mean ({fit['conus_top25']:.3f}) equals the US fleet CF 2021-2023 "
                                f"({fit['us_fleet_2021_2023']:.3f}){flag}"),
                   wind_source=f"{CARNEGIE}; {STATES}; {OWID}"); tags.append("R")
    else:
        cf3 = d.get("fleet_cf_2021_2023", np.nan); cf23 = d.get("fleet_cf_2023", np.nan)
        if r.region == "US":
            cf3 = fit["us_fleet_2021_2023"]
        note = ""
        if r.region in OFFSHORE_HEAVY: note = "; fleet includes a large offshore share, so it overstates onshore CF"
        elif r.region in OFFSHORE_SOME: note = "; fleet total (any offshore capacity included; IRENA onshore split not in the copy)"
        if r.region == "SA":
            row.update(wind_cf=round(float(cf23), 2),
                       wind_method=("computed fleet CF 2023 only = generation / (mean of 2022 and 2023 year-end capacity x 8760); "
                                    "2021-2022 values inconsistent (commissioning), one ~0.4 GW fleet: LOW CONFIDENCE"),
                       wind_source=OWID); tags.append("R")
        elif r.region in ("AE", "QA", "MY", "SG") or not np.isfinite(cf3):
            why = {"AE": f"first ~0.1 GW commissioned in 2023 (computed 2023 value {cf23:.2f} is a part-year artefact)",
                   "QA": "no wind capacity in IRENA statistics", "MY": "no wind capacity in IRENA statistics",
                   "SG": "about 0.0001 GW of wind capacity, no generation"}.get(r.region, "")
            row.update(wind_cf="", wind_method=f"no public figure found ({why})", wind_source=OWID)
        else:
            row.update(wind_cf=round(float(cf3), 2),
                       wind_method=(f"computed fleet CF, mean of 2021-2023 annual values; each = wind generation / (mean of "
                                    f"that and the previous year-end capacity x 8760) (2023 alone: {cf23:.3f}){note}"),
                       wind_source=OWID); tags.append("R")
    row["profile"] = PROFILE.get(r.region, "")
    row["tag"] = "/".join(sorted(set(tags), key=lambda t: ["R", "R2"].index(t)))
    rows.append(row)
cols = "region,pv_yield_kwh_per_kwp,pv_method,pv_source,wind_cf,wind_method,wind_source,profile,tag".split(",")
df = pd.DataFrame(rows)[cols]
df.to_csv(f"{OUT}/resources.csv", index=False)
print(df[["region", "pv_yield_kwh_per_kwp", "wind_cf", "profile", "tag"]].to_string())
