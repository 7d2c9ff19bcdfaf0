"""The accelerator catalog against Epoch AI's hardware database (../shared/data/epoch-ai/ml_hardware.csv)
and the specs in ../shared/reference/anchors.md."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from conftest import shared_file
from gigawatt import catalog

EPOCH_TOLERANCE = 0.10  # issue 2: agree with Epoch within 10% or explain the difference in the notes
REQUIRED = {
    "H100 SXM", "H200 SXM", "B200", "GB200", "GB200 NVL72", "B300", "GB300", "GB300 NVL72", "Vera Rubin",
    "MI300X", "MI325X", "MI355X", "TPU v5p", "TPU v6e", "TPU v7", "Trainium2", "Gaudi 3",
}
TABLE = catalog.accelerators()


def test_coverage():
    assert REQUIRED <= set(TABLE["name"])
    assert TABLE["vendor"].nunique() >= 4 and len(TABLE) >= 14


def epoch_pairs():
    epoch = pd.read_csv(shared_file("data", "epoch-ai", "ml_hardware.csv")).set_index("Hardware name")
    for _, row in TABLE[TABLE["epoch_name"].notna()].iterrows():
        yield row, epoch.loc[row["epoch_name"]]


@pytest.mark.parametrize(
    ("ours", "theirs", "scale"),
    [
        ("tdp_w", "TDP (W)", 1.0),
        ("bf16_dense_tflops", "Tensor-FP16/BF16 performance (FLOP/s)", 1e12),
        ("fp8_dense_tflops", "FP8 performance (FLOP/s)", 1e12),
        ("hbm_gb", "Memory (bytes)", 1e9),
        ("hbm_bandwidth_tbps", "Memory bandwidth (byte/s)", 1e12),
    ],
)
def test_agrees_with_epoch_hardware_database(ours, theirs, scale):
    # Epoch AI, Data on Machine Learning Hardware (epoch.ai/data, CC BY 4.0), SI units; ±10%.
    compared = 0
    for row, epoch in epoch_pairs():
        mine, reference = row[ours], epoch[theirs]
        if mine is None or (isinstance(mine, float) and math.isnan(mine)) or math.isnan(reference):
            continue
        per_accelerator = mine * scale / row["accelerators_per_unit"]
        if abs(per_accelerator / reference - 1) > EPOCH_TOLERANCE:
            assert "differs from Epoch" in (row["notes"] or ""), f"{row['name']} {ours}: {per_accelerator:g} vs Epoch {reference:g}"
        compared += 1
    assert compared >= 8


@pytest.mark.parametrize(("rack", "gpu"), [("GB200 NVL72", "GB200"), ("GB300 NVL72", "GB300")])
def test_racks_are_72_of_their_gpu_rows(rack, gpu):
    r, g = catalog.accelerator(rack), catalog.accelerator(gpu)
    assert r["accelerators_per_unit"] == 72
    for column in ("tdp_w", "bf16_dense_tflops", "fp8_dense_tflops", "host_power_w", "network_power_w", "storage_power_w"):
        assert r[column] == pytest.approx(72 * g[column], rel=0.01), column
    assert r["unit_price_usd"] == pytest.approx(72 * (g["unit_price_usd"] + g["server_usd"]), rel=0.01)


@pytest.mark.parametrize(("rack", "low_kw", "high_kw"), [("GB200 NVL72", 120, 132), ("GB300 NVL72", 132, 140)])
def test_rack_power_within_published_range(rack, low_kw, high_kw):
    # anchors.md: GB200 NVL72 ~120-132 kW, GB300 NVL72 ~132-140 kW per rack (sec)
    r = catalog.accelerator(rack)
    rack_kw = (r["tdp_w"] + r["host_power_w"]) / 1e3
    assert low_kw <= rack_kw <= high_kw


def test_anchor_specs():
    # anchors.md accelerator specs (dense, no sparsity): TDP and BF16 TFLOP/s
    for name, tdp, bf16 in [("H100", 700, 989), ("H200", 700, 989), ("B200", 1000, 2250), ("MI300X", 750, 1307), ("MI355X", 1400, 2400), ("TPU v5p", None, 459), ("TPU v6e", None, 918)]:
        row = catalog.accelerator(name)
        if tdp:
            assert row["tdp_w"] == pytest.approx(tdp, rel=0.05), name
        assert row["bf16_dense_tflops"] == pytest.approx(bf16, rel=0.05), name
    assert catalog.accelerator("TPU v7")["fp8_dense_tflops"] == pytest.approx(4614, rel=0.01)
    assert catalog.accelerator("GB300")["tdp_w"] <= 1400
