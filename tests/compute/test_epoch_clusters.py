"""Every single-chip cluster in Epoch AI's GPU-cluster data with a reported power capacity can be sized.

Source: Epoch AI, "Data on GPU Clusters" (epoch.ai/data, CC BY 4.0), mirrored in
../shared/data/epoch-ai/gpu_clusters.csv (see its SOURCE.md). A cluster qualifies when it names one chip type
(``Chip type (primary)`` given, ``Chip type (secondary)`` empty), a chip count (``Chip quantity (primary)``) and a
``Reported Power Capacity (MW)``: 93 rows of the December 2025 export. Epoch's own ``Calculated Power Capacity``
(TDP x 1.82 x PUE) is not used: the comparison is with what the operators or press reported.

Each is sized with :func:`gigawatt.compute.size` from a :class:`~gigawatt.scenario.Scenario` of that chip and
count, and the sized facility power (peak IT x the catalog PUE) is compared with the reported power.

Figures with the December 2025 export and the catalog as shipped: 82 clusters sized, 11 on chips the catalog
deliberately leaves out (see ``NOT_CATALOGUED``); sized / reported power median 1.07, interquartile range
0.89-1.21, 10th-90th percentile 0.78-1.31, and 75 of 82 (91%) within a factor of 1.4 either way.

Tolerance: a factor of 1.4 either way (0.71 <= sized / reported <= 1.4) for at least 80% of the clusters,
with the median ratio between 0.9 and 1.2. The reasons for the width:

- PUE: the catalog uses one PUE per cooling type (1.2 air, 1.14 liquid); real sites span about 1.05-1.5
  (Epoch's parameter range for H100 clusters is 1.1-1.3; older HPC centres run higher), i.e. about +-20%.
- host share: the catalog's share comes from one reference system per chip (DGX A100, DGX-1, ...); HPC nodes
  with one CPU per four GPUs draw less per GPU, two-socket nodes with four GPUs more: about +-15%.
- what "reported" means varies: planned campuses give round grid-connection figures, TOP500 systems give a
  figure Epoch derives from the measured HPL power, and some include CPU partitions or later phases.

Together (in quadrature) these give a spread of about 25%, which is what the data show (log standard deviation
of the ratio 0.28); a factor of 1.4 is about 1.2 standard deviations, so most, not all, clusters must fall inside.
The 80% floor and the median band catch a catalog row that drifts (a wrong TDP or host share moves a whole chip's
clusters) while leaving room for the clusters listed in ``FAR_OFF``.

A tighter measure is also kept (issue 31): the share within +-25% (0.75 <= sized / reported <= 1.25) and the median,
printed (``pytest -s``) and in the assertion message, with a floor at the share before the issue's catalog revision.
Before (catalog at issue 31): median 1.071, 64 of 82 (78.0%) within +-25%. After the GH200 row was re-cited (module
maximum 1,000 W as the chip, CPU and memory inside it, a 200 Gb/s network share): median 1.071, 65 of 82 (79.3%).
What the outlier chips' remaining gaps come from, by source (not fitted):

- GH200 (Jupiter 1.77, CEA EXA1-HE 1.28): Jupiter's 18 MW for 23,536 superchips is 765 W each, below the 1,000 W
  module maximum alone, so it is an operating (power-capped or HPL) figure, not a peak; KAUST Shaheen-III's 5.3 MW
  (0.72) is a planned figure that includes the system's CPU partition.
- MI300A (El Capitan 1.36 against Tuolumne 0.87 and El Dorado 0.87, the same HPE Cray EX255a node): Epoch's reported
  figures disagree with each other by 1.56x per APU (786 W against 1,221-1,229 W). TOP500 (November 2024) gives El
  Capitan 1.742 EFlop/s at 58.89 GFlop/s/W, i.e. 29.6 MW measured during HPL for the 43,808 APUs of the run
  (11,039,616 cores / 252 per APU): 675 W per APU at the IT level, below the APU's own 760 W peak. The 35 MW is an
  operating figure, not the peak the catalog sizes; no catalog figure is wrong by it.
- V100 (0.80 median): the host share comes from DGX-1 (two CPUs per eight GPUs, 3.5 kW). It is kept: Summit (IBM
  AC922, two POWER9 and six V100 per node) reports 13 MW for 27,648 V100s (OLCF), 470 W per GPU all-in, against the
  catalog's 482.5 W peak IT per GPU (ratio 1.23, inside). The V100s far below are TOP500-derived figures (below):
  Petrobras Fênix and Atlas and G42 Artemis imply an HPL draw (reported / (1.5 x Epoch's PUE)) of 496-539 W per
  V100, above the catalog's peak IT, so their nodes draw more per GPU than a DGX-1 (their node types were not
  found); Epoch's fields carry no node type, so no other catalog row could be chosen for them from the data.
- GH200 at Jupiter: JSC's configuration page gives 'TDP: 680 W (for full GH200 superchip)' for JUPITER's compute
  nodes, so its modules are set well below the 1,000 W maximum the catalog sizes (sizing has no per-site power cap).

What Epoch's "Reported Power Capacity" is (Epoch AI data insight 'Power requirements of leading AI supercomputers
have doubled every 13 months', June 2025, epoch.ai/data-insights/ai-supercomputers-power-trend): the owner's figure
where one is published (for planned campuses the grid connection or facility size, for HPC centres the machine or
machine-room figure); otherwise, where TOP500 lists the system, Epoch takes the TOP500 power (the IT draw averaged
over the HPL run) times 1.5 "to approximate peak power", times its PUE for that year (Shehabi et al. 2024 minus
0.29: 1.26 in 2018 down to 1.10 in 2025, readable from the ``Calculated Power Capacity`` column as calculated / (TDP
x chips x 1.82)). Both are facility-level, so comparing them with the sized facility power (peak IT x the catalog
PUE: 1.2 air, 1.14 liquid) is like with like. ``test_top500_derived_figures_follow_epochs_rule`` checks the rule on
two systems whose TOP500 power is known. The 1.5 is Epoch's assumption, not a measurement, and 10 of the 17 clusters
outside +-25% have TOP500-derived figures: with the catalog of issue 31, owner-reported figures are within +-25% for
51 of 58 clusters (median 1.10), TOP500-derived ones for 14 of 24 (median 0.93; Epoch marks them with "Calculated
from Top500" or a top500.org first source). Frontier's 40 MW is the computer room's supply (OLCF 2021: more than 40
MW to the room and 8 MW to its cooling plant); no measured annual PUE of Frontier, El Capitan or Alps was found, so
liquid-cooled centres keep the catalog's 1.14 (Epoch's 2022-25 values are 1.17-1.10).
"""

from __future__ import annotations

import math
import statistics

import pandas as pd
import pytest
from conftest import shared_file

from gigawatt import catalog
from gigawatt.compute.sizing import size
from gigawatt.core.errors import DataError
from gigawatt.compute.scenario import Cluster
from gigawatt.core.inputs import Costs
from gigawatt.power.scenario import Scenario

CHIP, SECOND_CHIP, COUNT, REPORTED = (
    "Chip type (primary)", "Chip type (secondary)", "Chip quantity (primary)", "Reported Power Capacity (MW)",
)
WITHIN_25 = (0.75, 1.25)  # the tighter band: sized / reported within +-25%
SHARE_WITHIN_25 = 0.79  # the share within +-25% after issue 31's catalog revision (65 of 82; 64 before); it must not fall below
OWNER_SHARE_WITHIN_25 = 0.87  # the same for figures the owners published (51 of 58 after issue 31)
TOP500_FACTOR = 1.5  # Epoch: TOP500 average HPL power x 1.5 approximates peak power (then x its PUE of the year)
EPOCH_SYSTEM_OVERHEAD = 1.82  # Epoch: facility W = chip TDP x chips x 1.82 x PUE (DGX H100 system / GPU TDP)
FACTOR = 1.4  # sized / reported within [1 / FACTOR, FACTOR] for most clusters (see the module docstring)
SHARE_WITHIN = 0.80  # "most": at least this share of the sized clusters
MEDIAN_BAND = (0.9, 1.2)
UNPRICED_PRICE_USD = 20_000.0  # any price for chips without one (TPU, Trainium, GH200 ...): power does not depend on it

# Chips of qualifying clusters that the catalog does not hold, with the reason. The catalog keeps accelerators
# still in service in large clusters; these are retired generations or single small systems.
NOT_CATALOGUED = {
    "NVIDIA Tesla K20X": "Kepler (2012): before the catalog's year range (2015 on); Titan and TSUBAME 2.5 are retired",
    "NVIDIA Tesla K40c": "Kepler (2013): before the catalog's year range (2015 on)",
    "NVIDIA P100": "Pascal (2016): no tensor cores or BF16; its clusters (Eni HPC4, Meta 2017) are retired",
    "NVIDIA Tesla P100 PCIe 16GB": "Pascal (2016): no tensor cores or BF16; Piz Daint's P100 partition is retired",
    "NVIDIA Tesla P100 SXM2": "Pascal (2016): no tensor cores or BF16; TSUBAME 3.0 is retired",
    "PEZY-SC2": "no 16-bit matrix rate or HBM to catalog; the Gyoukou system was dismantled in 2018",
    "AMD Instinct MI210": "PCIe card in one 880-GPU university system; not in Epoch's hardware database",
}

# Clusters outside the factor with the catalog as shipped (sized / reported in brackets) and the likely reason.
# Per-GPU figures are the reported power divided by the chip count.
FAR_OFF = {
    "MIT LLSC TX-GAIA": "(0.20) 2.9 kW reported per V100: the figure likely covers the whole system (two-socket nodes "
                        "with two GPUs each, CPU-only nodes), not only the 896 GPUs sized here",
    "Petrobras Fênix Phase 1": "(0.64) TOP500-derived figure, 907 W per V100: likely fewer GPUs per two-socket node "
                               "than the DGX-1 the catalog's host share comes from",
    "Petrobras Fênix Phase 2": "(0.60) as Phase 1 (970 W per V100)",
    "Petrobras Atlas": "(0.64) as Fênix (900 W per V100, TOP500-derived)",
    "G42 Artemis": "(0.61) as Fênix (946 W per V100)",
    '"Jupiter, Jülich"': "(1.77) 765 W per GH200 reported, below the 1,000 W module maximum the catalog sizes for: "
                         "JSC sets JUPITER's modules to a 680 W TDP (JUPITER configuration page), and the figure is "
                         "TOP500-derived",
    "University of Oxford Jade2": "(1.44) 402 W per V100 reported, barely above the GPU's own 300 W: the TOP500 run "
                                  "was likely power-limited or partial",
}


def top500_derived(cluster: pd.Series) -> bool:
    """Whether Epoch derived the reported power from TOP500 (its quote says so, or TOP500 is its first source)."""
    return "top500" in str(cluster["Quote"]).lower() or "top500.org" in str(cluster["Source 1"]).lower()


def ratio_band(ratio: float) -> bool:
    return 1.0 / FACTOR <= ratio <= FACTOR


@pytest.fixture(scope="module")
def clusters() -> pd.DataFrame:
    """Epoch's clusters on one chip type with a chip count and a reported power capacity."""
    frame = pd.read_csv(shared_file("data", "epoch-ai", "gpu_clusters.csv"))
    single = frame[frame[CHIP].notna() & frame[SECOND_CHIP].isna() & frame[COUNT].notna() & frame[REPORTED].notna()]
    return single.reset_index(drop=True)


def resolves(chip: str) -> bool:
    try:
        catalog.accelerator(chip)
    except DataError:
        return False
    return True


def sized_ratio(cluster: pd.Series) -> float:
    """Sized facility power over the reported power capacity, for one cluster."""
    unit = catalog.accelerator(cluster[CHIP])
    costs = Costs(accelerator_price_usd=UNPRICED_PRICE_USD) if math.isnan(unit["unit_price_usd"]) else Costs()
    scenario = Scenario(name=str(cluster["Name"]), cluster=Cluster(accelerator=cluster[CHIP], count=int(cluster[COUNT])), costs=costs)
    result = size(scenario)
    assert result.accelerator_count == int(cluster[COUNT])  # every chip row is per accelerator, as Epoch counts
    return result.facility_power_mw / float(cluster[REPORTED])


@pytest.fixture(scope="module")
def ratios(clusters) -> pd.Series:
    sizeable = clusters[clusters[CHIP].map(resolves)]
    return pd.Series([sized_ratio(row) for _, row in sizeable.iterrows()], index=sizeable["Name"].tolist())


def test_filter_finds_the_clusters(clusters):
    # guard against passing on an empty selection (renamed columns, a different export)
    assert len(clusters) >= 80, len(clusters)
    assert (clusters[COUNT] > 0).all() and (clusters[REPORTED] > 0).all()


def test_every_qualifying_chip_resolves_or_is_listed(clusters):
    unknown = sorted({chip for chip in clusters[CHIP] if not resolves(chip) and chip not in NOT_CATALOGUED})
    assert not unknown, f"chips of single-chip clusters the catalog cannot size: {unknown}; add rows or aliases"
    # the list stays true: a chip given a row (or an alias) since must leave NOT_CATALOGUED
    catalogued = sorted(chip for chip in NOT_CATALOGUED if resolves(chip))
    assert not catalogued, f"now in the catalog, remove from NOT_CATALOGUED: {catalogued}"


def test_the_named_chips_resolve():
    # the spellings, as the cluster data writes them
    for spelling, name in [
        ("NVIDIA A100", "A100 SXM"), ("NVIDIA A100 SXM4 40 GB", "A100 SXM"), ("NVIDIA A100 SXM4 80 GB", "A100 SXM"),
        ("NVIDIA V100", "V100 SXM2"), ("NVIDIA Tesla V100 SXM2", "V100 SXM2"), ("NVIDIA GH200", "GH200"),
        ("AMD Radeon Instinct MI250X", "MI250X"), ("AMD Instinct MI300A", "MI300A"), ("Amazon Trainium2", "Trainium2"),
        ("NVIDIA GB300 (Blackwell Ultra)", "GB300"), ("NVIDIA H100 SXM5 80GB", "H100 SXM"), ("Google TPU v4", "TPU v4"),
        ("Intel Data Center GPU Max 1550", "Max 1550"),
    ]:
        assert catalog.accelerator(spelling)["name"] == name, spelling


def test_most_clusters_size_near_their_reported_power(clusters, ratios):
    assert len(ratios) >= 75, len(ratios)  # 82 with the December 2025 export
    assert ratios.map(math.isfinite).all() and (ratios > 0).all()
    inside = ratios.map(ratio_band)
    outside = {name: round(r, 2) for name, r in ratios[~inside].sort_values().items()}
    unexplained = {name: r for name, r in outside.items() if name not in FAR_OFF}
    assert inside.mean() >= SHARE_WITHIN, (
        f"{inside.mean():.0%} of {len(ratios)} clusters within a factor {FACTOR} (need {SHARE_WITHIN:.0%}); "
        f"outside: {outside}; not in FAR_OFF: {unexplained}"
    )
    median = statistics.median(ratios)
    assert MEDIAN_BAND[0] <= median <= MEDIAN_BAND[1], f"median sized / reported {median:.2f}; outside: {outside}"


def test_far_off_list_names_real_clusters(clusters):
    # FAR_OFF documents the outliers; its names must stay those of the data
    missing = sorted(set(FAR_OFF) - set(clusters["Name"]))
    assert not missing, missing


def test_share_within_25_percent_and_median_are_reported_and_hold(clusters, ratios):
    """Issue 31: the share of Epoch's single-chip clusters within +-25% of their reported power, and the median,
    printed for ``pytest -s`` and given in the message; the share must not fall below the level before the revision."""
    low, high = WITHIN_25
    inside = ratios[(ratios >= low) & (ratios <= high)]
    share, median = len(inside) / len(ratios), statistics.median(ratios)
    chips = [catalog.accelerator(c)["name"] for c in clusters[CHIP] if resolves(c)]  # in the order of ratios
    by_chip = {chip: f"{((group >= low) & (group <= high)).sum()} of {len(group)} within, median {statistics.median(group):.2f}"
               for chip, group in ratios.groupby(chips)}
    by_source = {}
    for label, group in ratios.groupby([("TOP500-derived" if top500_derived(row) else "owner-reported")
                                        for _, row in clusters[clusters[CHIP].map(resolves)].iterrows()]):
        within = ((group >= low) & (group <= high)).sum()
        by_source[label] = (within / len(group), f"{within} of {len(group)} within, median {statistics.median(group):.2f}")
    report = (f"Epoch single-chip clusters: {len(ratios)} sized, median sized / reported {median:.3f}, "
              f"{len(inside)} of {len(ratios)} ({share:.1%}) within +-25%; "
              f"by source: { {label: text for label, (_, text) in by_source.items()} }; by chip: {by_chip}")
    print(report)
    assert share >= SHARE_WITHIN_25, f"{report}; the share fell below {SHARE_WITHIN_25:.0%}"
    assert by_source["owner-reported"][0] >= OWNER_SHARE_WITHIN_25, f"{report}; owner-reported share below {OWNER_SHARE_WITHIN_25:.0%}"
    assert MEDIAN_BAND[0] <= median <= MEDIAN_BAND[1], report


# TOP500 power (kW, the average over the HPL run) of two systems Epoch lists with a TOP500-derived figure:
# TOP500 list of June 2021 (https://top500.org/lists/top500/list/2021/06/), read as tabulated in public course slides
# that cite it (Summit 10,096 kW; Sierra 7,438 kW; JUWELS Booster Module 1,764 kW; PANGEA III 1,367 kW).
TOP500_POWER_KW = {"TotalEnergies Pangea III": 1367.0, "JUWELS-Booster": 1764.0}


def test_top500_derived_figures_follow_epochs_rule(clusters):
    """Epoch's reported figure for a TOP500 system is the TOP500 HPL power x 1.5 x Epoch's PUE of the year, i.e. a
    facility-level estimate of the peak, not the measured IT draw; Epoch's PUE is read back from its own calculated
    column (calculated / (TDP x chips x 1.82))."""
    hardware = pd.read_csv(shared_file("data", "epoch-ai", "ml_hardware.csv")).set_index("Hardware name")
    for name, hpl_kw in TOP500_POWER_KW.items():
        row = clusters.set_index("Name").loc[name]
        tdp_w = float(hardware.loc[row[CHIP], "TDP (W)"])
        pue = row["Calculated Power Capacity (MW)"] * 1e6 / (tdp_w * row[COUNT] * EPOCH_SYSTEM_OVERHEAD)
        assert 1.05 <= pue <= 1.35, (name, pue)
        rebuilt_mw = hpl_kw / 1e3 * TOP500_FACTOR * pue
        assert rebuilt_mw == pytest.approx(row[REPORTED], rel=0.01), (name, rebuilt_mw, row[REPORTED])
        # and it is well above the measured IT draw: the reported figure is not an IT power
        assert row[REPORTED] > 1.7 * hpl_kw / 1e3
