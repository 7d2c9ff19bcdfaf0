"""The catalog loader: validation names file, row and column; bundled tables load clean."""

from __future__ import annotations

import pytest

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
    from gigawatt.catalog import _key, _names

    keys = [k for _, row in catalog.accelerators().iterrows() for k in {_key(n) for n in _names(row)}]
    assert len(keys) == len(set(keys))
    assert catalog.accelerator("tpu-v5p")["name"] == "TPU v5p"
