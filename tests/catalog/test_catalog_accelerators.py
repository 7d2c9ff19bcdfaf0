"""The bundled accelerator catalog, cross-checked against Epoch AI's hardware database
(../shared/data/epoch-ai/ml_hardware.csv) and the public figures in ../shared/reference/anchors.md.

Every figure in the catalog is per unit: one accelerator package, or a whole rack for rack-scale systems
(``accelerators_per_unit`` = 72). Per-accelerator comparisons divide by ``accelerators_per_unit``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from gigawatt import catalog

EPOCH_CSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "epoch-ai" / "ml_hardware.csv"
EPOCH_TOLERANCE = 0.10  # agree with Epoch within 10%, or say "differs from Epoch" and name Epoch's value
EXPLAINED = "differs from Epoch"

REQUIRED = {
    "H100 SXM", "H200 SXM", "B200", "GB200", "GB200 NVL72", "B300", "GB300", "GB300 NVL72", "Vera Rubin",
    "MI300X", "MI325X", "MI355X", "TPU v5p", "TPU v6e", "TPU v7", "Trainium2", "Gaudi 3",
}

# catalog column, Epoch column, catalog unit in Epoch's SI unit (W, FLOP/s, bytes, byte/s)
COMPARED = [
    ("tdp_w", "TDP (W)", 1.0),
    ("bf16_dense_tflops", "Tensor-FP16/BF16 performance (FLOP/s)", 1e12),
    ("fp8_dense_tflops", "FP8 performance (FLOP/s)", 1e12),
    ("hbm_gb", "Memory (bytes)", 1e9),
    ("hbm_bandwidth_tbps", "Memory bandwidth (byte/s)", 1e12),
]

# anchors.md, "Accelerator specs" and "NVL72 racks": rack IT power inside the rack (GPUs + host share), kW
RACKS = [("GB200 NVL72", "GB200", 120.0, 132.0), ("GB300 NVL72", "GB300", 132.0, 140.0)]

TABLE = catalog.accelerators()


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text`` ("1,400", "4.6", "2307"), thousands separators removed."""
    return [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def epoch_disagreements(row: pd.Series, epoch: pd.Series) -> list[str]:
    """Problems between one catalog row and its Epoch row; empty when they agree or the notes explain.

    A per-accelerator figure more than 10% away from Epoch's is accepted only when the row's notes say
    "differs from Epoch" and name Epoch's value in the catalog's unit (W, TFLOP/s, GB, TB/s), within 1%.
    """
    notes = row["notes"] if isinstance(row["notes"], str) else ""
    problems = []
    for ours, theirs, scale in COMPARED:
        mine, reference = row[ours], epoch[theirs]
        if missing(mine) or missing(reference):
            continue  # compared only where both have a figure
        per_accelerator = float(mine) * scale / row["accelerators_per_unit"]
        if abs(per_accelerator / reference - 1.0) <= EPOCH_TOLERANCE:
            continue
        epoch_in_catalog_unit = reference / scale
        named = any(math.isclose(n, epoch_in_catalog_unit, rel_tol=0.01) for n in numbers_in(notes))
        if EXPLAINED not in notes or not named:
            problems.append(
                f"{row['name']} {ours}: {per_accelerator / scale:g} per accelerator vs Epoch {epoch_in_catalog_unit:g} "
                f"(>{EPOCH_TOLERANCE:.0%} apart; the notes must say '{EXPLAINED}' and name {epoch_in_catalog_unit:g})"
            )
    return problems


@pytest.fixture(scope="module")
def epoch() -> pd.DataFrame:
    if not EPOCH_CSV.exists():
        pytest.skip(f"Epoch AI hardware database not found at {EPOCH_CSV} (the shared data sits beside the repo)")
    return pd.read_csv(EPOCH_CSV).set_index("Hardware name")


# --- coverage and names ------------------------------------------------------------------------------


def test_coverage():
    assert REQUIRED <= set(TABLE["name"]), sorted(REQUIRED - set(TABLE["name"]))
    assert len(TABLE) >= 14
    assert TABLE["vendor"].nunique() >= 4, sorted(TABLE["vendor"].unique())


def test_aliases_are_unique_across_rows():
    # compared as catalog.accelerator() matches them: case, spaces and punctuation ignored
    def key(name: str) -> str:
        return "".join(ch for ch in name.casefold() if ch.isalnum())

    owner: dict[str, str] = {}
    for _, row in TABLE.iterrows():
        aliases = [a.strip() for a in (row["aliases"] or "").split(";") if a.strip()]
        keys = {key(row["name"])} | {key(a) for a in aliases}
        for k in keys:
            assert k not in owner, f"'{k}' names both {owner[k]} and {row['name']}"
            owner[k] = row["name"]


def test_common_names_find_their_rows():
    for typed, name in [("H100", "H100 SXM"), ("h200", "H200 SXM"), ("Ironwood", "TPU v7"), ("Trillium", "TPU v6e"),
                        ("Trn2", "Trainium2"), ("VR200", "Vera Rubin"), ("mi355x", "MI355X")]:
        assert catalog.accelerator(typed)["name"] == name, typed


# --- against Epoch AI's hardware database ------------------------------------------------------------


def test_epoch_names_exist(epoch):
    named = TABLE[TABLE["epoch_name"].notna()]
    unknown = sorted(set(named["epoch_name"]) - set(epoch.index))
    assert not unknown, f"epoch_name not in ml_hardware.csv: {unknown}"
    assert len(named) >= 14


@pytest.mark.parametrize("name", TABLE.loc[TABLE["epoch_name"].notna(), "name"].tolist())
def test_agrees_with_epoch_hardware_database(epoch, name):
    # Epoch AI, "Data on Machine Learning Hardware" (epoch.ai/data, CC BY 4.0), SI units; ±10% per accelerator.
    row = catalog.accelerator(name)
    assert epoch_disagreements(row, epoch.loc[row["epoch_name"]]) == []


def test_enough_figures_are_compared_with_epoch(epoch):
    # guard against the comparison passing because nothing was compared (a renamed column, empty cells)
    counts = dict.fromkeys([c for c, _, _ in COMPARED], 0)
    for _, row in TABLE[TABLE["epoch_name"].notna()].iterrows():
        for ours, theirs, _ in COMPARED:
            if not missing(row[ours]) and not missing(epoch.loc[row["epoch_name"], theirs]):
                counts[ours] += 1
    assert counts["tdp_w"] >= 12 and counts["bf16_dense_tflops"] >= 12 and counts["hbm_gb"] >= 12, counts
    assert counts["fp8_dense_tflops"] >= 8, counts


def test_epoch_check_rejects_unexplained_and_unnamed_differences():
    # the checker itself: a 20% TDP gap fails unless the notes flag it and name Epoch's 1,000 W
    epoch_row = pd.Series({theirs: math.nan for _, theirs, _ in COMPARED} | {"TDP (W)": 1000.0})

    def row(notes: str, per: int = 1, tdp_w: float = 1200.0) -> pd.Series:
        figures = {c: math.nan for c, _, _ in COMPARED}
        return pd.Series(figures | {"name": "X", "accelerators_per_unit": per, "tdp_w": tdp_w, "notes": notes})

    assert epoch_disagreements(row(""), epoch_row)
    assert epoch_disagreements(row("TDP differs from Epoch."), epoch_row)
    assert epoch_disagreements(row("TDP differs from Epoch (1,200 W here)."), epoch_row)
    assert epoch_disagreements(row("TDP differs from Epoch (1,000 W)."), epoch_row) == []
    # a rack row is compared per accelerator: 72 x 1,000 W agrees, 72 x 1,200 W does not
    assert epoch_disagreements(row("", per=72, tdp_w=72_000.0), epoch_row) == []
    assert epoch_disagreements(row("", per=72, tdp_w=86_400.0), epoch_row)


# --- anchors.md specs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tdp_w", "bf16", "hbm_gb"),
    [
        # anchors.md "Accelerator specs (dense, no sparsity)"; ±5% (range midpoints where a range is given)
        ("H100", 700, 989, 80),
        ("H200", 700, 989, 141),
        ("B200", 1000, 2250, 180),
        ("GB200", None, 2500, 186),
        ("GB300", None, None, 279),
        ("MI300X", 750, 1307, 192),
        ("MI355X", 1400, 2400, 288),
        ("TPU v5p", None, 459, 95),
        ("TPU v6e", None, 918, 32),
        ("TPU v7", None, None, 192),
    ],
)
def test_anchor_specs(name, tdp_w, bf16, hbm_gb):
    row = catalog.accelerator(name)
    if tdp_w:
        assert row["tdp_w"] == pytest.approx(tdp_w, rel=0.05)
    if bf16:
        assert row["bf16_dense_tflops"] == pytest.approx(bf16, rel=0.05)
    assert row["hbm_gb"] == pytest.approx(hbm_gb, rel=0.05)


def test_anchor_limits():
    assert catalog.accelerator("TPU v7")["fp8_dense_tflops"] == pytest.approx(4614, rel=0.01)
    assert catalog.accelerator("GB300")["tdp_w"] <= 1400  # "up to 1,400 W"
    assert 4600 <= catalog.accelerator("MI355X")["fp8_dense_tflops"] <= 5000 * 1.01  # 4,600-5,000 dense


# --- rack-scale rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("rack", "gpu", "low_kw", "high_kw"), RACKS)
def test_racks_are_72_of_their_gpu_rows(rack, gpu, low_kw, high_kw):
    r, g = catalog.accelerator(rack), catalog.accelerator(gpu)
    assert r["accelerators_per_unit"] == 72 and g["accelerators_per_unit"] == 1
    for column in ("tdp_w", "bf16_dense_tflops", "fp8_dense_tflops", "hbm_gb", "hbm_bandwidth_tbps",
                   "host_power_w", "network_power_w", "storage_power_w", "network_usd"):
        assert r[column] == pytest.approx(72 * g[column], rel=0.01), column
    # the rack price includes compute trays and NVLink switches: it is 72 x (GPU + server share)
    assert r["server_usd"] == 0
    assert r["unit_price_usd"] == pytest.approx(72 * (g["unit_price_usd"] + g["server_usd"]), rel=0.01)
    assert r["family"] == g["family"] and r["cooling"] == g["cooling"] == "liquid"


@pytest.mark.parametrize(("rack", "gpu", "low_kw", "high_kw"), RACKS)
def test_rack_power_within_published_range(rack, gpu, low_kw, high_kw):
    # anchors.md: GB200 NVL72 ~120-132 kW, GB300 NVL72 ~132-140 kW per rack (sec). That is the rack itself
    # (GPUs, CPUs, NVLink switches, fans, power shelves); scale-out switches and storage sit in other racks.
    r, g = catalog.accelerator(rack), catalog.accelerator(gpu)
    in_rack_kw = (r["tdp_w"] + r["host_power_w"]) / 1e3
    assert low_kw <= in_rack_kw <= high_kw
    # per GPU: peak IT = rack kW / 72 plus a small scale-out share (under 10% of the in-rack figure)
    gpu_in_rack_w = g["tdp_w"] + g["host_power_w"]
    assert gpu_in_rack_w * 72 / 1e3 == pytest.approx(in_rack_kw, rel=0.01)
    scale_out_w = g["network_power_w"] + g["storage_power_w"]
    assert 0 < scale_out_w < 0.10 * gpu_in_rack_w


# --- every row ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TABLE["name"].tolist())
def test_row_is_self_consistent(name):
    row = catalog.accelerator(name)
    per = row["accelerators_per_unit"]
    assert per in (1, 72)
    # peak IT per accelerator: TDP plus host, network and storage shares; between 1.2x and 2.2x the TDP, or from
    # 1.1x where the chip's figure already holds its CPU and memory (a superchip module, an APU: tdp_kind says so)
    peak_it = row["tdp_w"] + row["host_power_w"] + row["network_power_w"] + row["storage_power_w"]
    floor = 1.1 if "CPU" in row["tdp_kind"] else 1.2
    assert floor * row["tdp_w"] <= peak_it <= 2.2 * row["tdp_w"], peak_it / row["tdp_w"]
    # every chip figure says what it is and where it is read (a page, or why there is none yet), and the host share's derivation
    assert len(row["tdp_kind"]) >= 8 and len(row["host_power_source"]) >= 30
    assert (isinstance(row["tdp_source_url"], str) and row["tdp_source_url"].startswith("https://")) or "no vendor figure" in row["tdp_kind"]
    # a dense FP8 rate is 1-2x the dense BF16 rate
    if not missing(row["fp8_dense_tflops"]):
        assert row["bf16_dense_tflops"] <= row["fp8_dense_tflops"] <= 2.01 * row["bf16_dense_tflops"]
    # a price comes with its year and its server and network shares; an empty one says so in the notes
    if missing(row["unit_price_usd"]):
        assert "estimate" in row["notes"].casefold() and "accelerator_price_usd" in row["notes"]
    else:
        assert not missing(row["price_year"]) and not missing(row["server_usd"]) and not missing(row["network_usd"])
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", row["family"]), row["family"]
    assert len(row["source"]) >= 40 and len(row["notes"] or "") >= 40
