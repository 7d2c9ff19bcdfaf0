"""The catalog loader: validation names file, row and column; bundled tables load clean."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import shared_file

from gigawatt import DataError, catalog
from gigawatt.catalog import ASSUMPTIONS_SCHEMA, read_table

HEADER = "name,value,unit,description,source\n"


def write(tmp_path, body: str):
    path = tmp_path / "assumptions.csv"
    path.write_text(HEADER + body)
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("pue,abc,ratio,d,s\n", "assumptions.csv: row 2, column 'value': 'abc' is not a number"),
        ("pue,1.2,ratio,d,\n", "assumptions.csv: row 2, column 'source': value is required but empty"),
        ("pue,1.2,ratio,d,s\nPUE,1.3,ratio,d,s\n", "assumptions.csv: row 3, column 'name': duplicate 'PUE'"),
        ("pue,1.2,ratio,d,s\nx,1,2,3,4,5\n", "row 3 has 6 fields but the header has 5"),
        ("pue,inf,ratio,d,s\n", "not a finite number"),
    ],
)
def test_bad_rows_are_named(tmp_path, body, message):
    with pytest.raises(DataError) as err:
        read_table(write(tmp_path, body), ASSUMPTIONS_SCHEMA, "name")
    assert message in str(err.value)


def test_bounds_and_missing_columns(tmp_path):
    schema = catalog.ACCELERATORS_SCHEMA
    path = tmp_path / "accelerators.csv"
    path.write_text("name,vendor\nX,Y\n")
    with pytest.raises(DataError, match="missing column"):
        read_table(path, schema, "name")
    table = catalog.accelerators()
    table.loc[0, "tdp_w"] = -1
    table.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"row 2, column 'tdp_w': -1 is below the minimum"):
        read_table(path, schema, "name")


def test_bundled_tables_load_with_sources():
    for frame in (catalog.accelerators(), catalog.technologies(), catalog.assumptions()):
        assert len(frame) > 0 and frame["source"].str.len().min() > 10


def test_accelerator_lookup_is_case_and_alias_insensitive():
    assert catalog.accelerator("h100")["name"] == "H100 SXM"
    assert catalog.accelerator("  H100   SXM ")["name"] == "H100 SXM"
    with pytest.raises(DataError, match="did you mean"):
        catalog.accelerator("H10")


def test_names_and_aliases_are_unambiguous():
    from gigawatt.catalog import _names
    from gigawatt.core.units import name_key as _key

    keys = [k for _, row in catalog.accelerators().iterrows() for k in {_key(n) for n in _names(row)}]
    assert len(keys) == len(set(keys))
    assert catalog.accelerator("tpu-v5p")["name"] == "TPU v5p"


def test_roadmap_rows_are_catalog_accelerators_in_order():
    roadmap = catalog.roadmap()
    months = roadmap["available"].tolist()
    assert all(len(m) == 7 and m[4] == "-" and 1 <= int(m[5:]) <= 12 for m in months)
    assert months == sorted(months)
    for name in roadmap["accelerator"]:
        assert catalog.accelerator(name)["name"] == name


def test_roadmap_volume_months_follow_epoch_release_dates():
    # Epoch AI ml_hardware release dates: first volume month no earlier than a month before the
    # release and within a year after it (H100 was announced 2022-09, in volume 2023-03)
    hardware = pd.read_csv(shared_file("data", "epoch-ai", "ml_hardware.csv")).set_index("Hardware name")
    checked = 0
    for _, row in catalog.roadmap().iterrows():
        released = hardware["Release date"].get(catalog.accelerator(row["accelerator"])["epoch_name"])
        if isinstance(released, str):
            gap_days = (pd.Timestamp(f"{row['available']}-01") - pd.Timestamp(released)).days
            assert -31 <= gap_days <= 366, row["accelerator"]
            checked += 1
    assert checked >= 3
