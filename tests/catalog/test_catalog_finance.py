"""The finance defaults (catalog/finance.csv): every row sourced with a year, MACRS tables as published and as
their method gives them, credit rates consistent with the statute, one-line errors, the installed CLI, and one
public back-of-envelope reproduced."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from gigawatt import catalog
from gigawatt.catalog import FINANCE_SCHEMA, MACRS_CLASSES, MACRS_SUM_TOLERANCE, read_table
from gigawatt.core.errors import DataError

FINANCE_CSV = Path(catalog.__file__).with_name("finance.csv")
GIGAWATT = shutil.which("gigawatt", path=str(Path(sys.executable).parent)) or shutil.which("gigawatt")

# Published percentages are rounded to 0.01 % (0.001 % for 20-year property) and nudged so each table sums to
# 100 %: a share may differ from the one its method gives by at most 0.01 % of basis.
MACRS_METHOD_TOLERANCE = 1e-4


def test_every_row_has_a_source_with_its_year():
    table = catalog.finance_defaults()
    assert len(table) > 60
    for row in table.itertuples(index=False):
        assert len(row.source) > 20, row.key
        assert 1900 <= row.source_year <= date.today().year, row.key
        # the year cited in the source text is the row's year, or the source names a later edition of it
        years = [int(y) for y in re.findall(r"\b(19[89]\d|20[0-3]\d)\b", row.source)]
        assert years and min(years) <= row.source_year <= max(years), (row.key, row.source_year, row.source)


def test_rows_hold_a_value_or_a_date_never_both():
    table = catalog.finance_defaults()
    for row in table.itertuples(index=False):
        dated = isinstance(row.date, str) and row.date != ""
        assert dated != (not math.isnan(row.value)), row.key
        assert (row.unit == "date") == dated, row.key


def _sidecar_patterns(text: str) -> list[re.Pattern]:
    """The row names the sidecar's table gives in backticks: `*` any run of characters, `NN` two digits, `{a,b}` either."""
    patterns = []
    for name in re.findall(r"`([a-zN0-9_*{},]+)`", text):
        regex = re.escape(name).replace(r"\*", ".*").replace("NN", r"\d{2}")
        regex = re.sub(r"\\\{([^}]*)\\\}", lambda m: "(" + m.group(1).replace(",", "|") + ")", regex)
        patterns.append(re.compile(regex + "$"))
    return patterns


def test_every_row_is_described_in_the_sidecar():
    patterns = _sidecar_patterns(FINANCE_CSV.with_name("finance.sources.md").read_text(encoding="utf-8"))
    for key in catalog.finance_defaults()["key"]:
        assert any(p.match(key) for p in patterns), f"{key} has no line in finance.sources.md"


@pytest.mark.parametrize("years", MACRS_CLASSES)
def test_macrs_tables_have_n_plus_one_years_and_sum_to_one(years):
    shares = catalog.macrs_table(years)
    assert len(shares) == years + 1
    assert math.isclose(sum(shares), 1.0, abs_tol=MACRS_SUM_TOLERANCE)
    assert all(0 < s < 0.5 for s in shares)


def _macrs_by_method(years: int) -> list[float]:
    """Shares of basis by MACRS's rule (IRC 168(b)): declining balance at 200 % (3- to 10-year) or 150 % (15-, 20-year)
    of the straight-line rate, switching to straight line over the remaining period when that gives more, with a
    half year in the first and last year."""
    rate = (2.0 if years <= 10 else 1.5) / years
    remaining, left, shares = 1.0, float(years), []
    for year in range(years + 1):
        portion = 0.5 if year == 0 else 1.0
        declining = remaining * rate * portion
        straight = remaining / left * portion if left > 0 else remaining
        share = remaining if year == years else max(declining, straight)
        shares.append(share)
        remaining -= share
        left -= portion
    return shares


@pytest.mark.parametrize("years", MACRS_CLASSES)
def test_macrs_tables_match_their_method(years):
    for published, computed in zip(catalog.macrs_table(years), _macrs_by_method(years), strict=True):
        assert published == pytest.approx(computed, abs=MACRS_METHOD_TOLERANCE)


def test_pub_946_cells_as_printed():
    assert catalog.macrs_table(5) == (0.20, 0.32, 0.192, 0.1152, 0.1152, 0.0576)
    assert catalog.macrs_table(15)[0] == 0.05 and catalog.macrs_table(20)[-1] == pytest.approx(0.02231)


def test_a_broken_macrs_table_is_refused(tmp_path, monkeypatch):
    text = FINANCE_CSV.read_text(encoding="utf-8").replace("macrs_hy_5_year_02,0.32,", "macrs_hy_5_year_02,0.33,")
    bad = tmp_path / "finance.csv"
    bad.write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalog, "load_table", lambda name: read_table(bad, FINANCE_SCHEMA, "key"))
    catalog._finance.cache_clear()
    try:
        with pytest.raises(DataError, match=r"MACRS 5-year shares sum to 1\.010000"):
            catalog.finance_defaults()
    finally:
        catalog._finance.cache_clear()


def test_unknown_macrs_class_is_one_line():
    with pytest.raises(DataError) as error:
        catalog.macrs_table(6)
    assert "\n" not in str(error.value) and "3, 5, 7, 10, 15, 20" in str(error.value)


def test_recovery_classes():
    assert catalog.finance_default("recovery_years_it_equipment") == 5
    assert catalog.finance_default("recovery_years_clean_energy_property") == 5
    assert catalog.finance_default("recovery_years_combustion_turbine_plant") == 15
    assert catalog.finance_default("recovery_years_steam_and_combined_cycle_plant") == 20
    assert catalog.finance_default("recovery_years_transmission_plant") == 20
    assert catalog.finance_default("recovery_years_nonresidential_real_property") == 39
    # 39-year straight line: 1/39 of basis in each full year, as Table A-7a prints it (2.564 %)
    assert catalog.finance_default("sl_39_year_full_year_share") == pytest.approx(1 / 39, abs=5e-6)


# 48(a)(9)(A)(i) and 45Y/48E(a)(2): the credit where prevailing wage and apprenticeship are met is the base times 5
PWA_MULTIPLIER = 5


def test_credit_rates_are_consistent():
    f = catalog.finance_default
    assert f("itc_48e_base_rate") * PWA_MULTIPLIER == pytest.approx(f("itc_48e_full_rate"))
    assert f("ptc_45y_base_usd_per_kwh") * PWA_MULTIPLIER == pytest.approx(f("ptc_45y_full_usd_per_kwh"))
    assert f("ptc_45y_base_2025_usd_per_kwh") * PWA_MULTIPLIER == pytest.approx(f("ptc_45y_full_2025_usd_per_kwh"))
    # adders: 2 points at the base rate, 10 at the full rate (the same factor of 5)
    assert f("itc_energy_community_adder_base") * PWA_MULTIPLIER == pytest.approx(f("itc_energy_community_adder"))
    assert f("itc_domestic_content_adder_base") * PWA_MULTIPLIER == pytest.approx(f("itc_domestic_content_adder"))


def test_2025_ptc_is_the_statutory_amount_times_the_published_factor():
    """45Y(c): the 0.3 and 1.5 cent amounts times the year's factor, rounded to the nearest 0.05 cent."""
    factor = catalog.finance_default("ptc_45y_inflation_factor_2025")
    for base, adjusted in (("ptc_45y_base_usd_per_kwh", "ptc_45y_base_2025_usd_per_kwh"),
                           ("ptc_45y_full_usd_per_kwh", "ptc_45y_full_2025_usd_per_kwh")):
        cents = catalog.finance_default(base) * 100 * factor
        assert round(cents / 0.05) * 0.05 / 100 == pytest.approx(catalog.finance_default(adjusted))


def test_2025_law_dates_and_phase_out():
    d = catalog.finance_date
    assert d("bonus_depreciation_acquired_after") == date(2025, 1, 19)
    assert d("wind_solar_begin_construction_by") == date(2026, 7, 4)  # 12 months after enactment on 2025-07-04
    assert d("wind_solar_placed_in_service_by") == date(2027, 12, 31)
    assert d("credit_full_if_construction_begins_by") == date(2033, 12, 31)
    shares = [catalog.finance_default(f"credit_phaseout_share_construction_{y}") for y in (2034, 2035, 2036)]
    assert shares == sorted(shares, reverse=True) == [0.75, 0.5, 0.0]
    assert catalog.finance_default("bonus_depreciation_share") == 1.0


def test_accounting_lives():
    f = catalog.finance_default
    assert f("server_life_microsoft_years") == f("server_life_alphabet_years") == 6
    assert f("server_life_meta_years") == 5.5 and f("server_life_amazon_subset_years") == 5
    assert f("accelerator_economic_life_critics_low_years") < f("accelerator_economic_life_critics_high_years") < 5


@pytest.mark.parametrize(("key", "expected"), [("itc_48e_ful_rate", "itc_48e_full_rate"),
                                                 ("federal_tax_rate", "federal_corporate_tax_rate")])
def test_a_typo_key_is_one_line_with_did_you_mean(key, expected):
    with pytest.raises(DataError) as error:
        catalog.finance_default(key)
    message = str(error.value)
    assert "\n" not in message and f"did you mean '{expected}'" in message and key in message


def test_a_date_row_asked_for_a_number_says_which_function():
    with pytest.raises(DataError, match=r"finance_date\('wind_solar_placed_in_service_by'\)"):
        catalog.finance_default("wind_solar_placed_in_service_by")
    with pytest.raises(DataError, match=r"finance_default\('itc_48e_base_rate'\)"):
        catalog.finance_date("itc_48e_base_rate")


# --- the installed command ----------------------------------------------------------------------------


def _gigawatt(*args: str) -> subprocess.CompletedProcess:
    if GIGAWATT is None:
        pytest.skip("the gigawatt entry point is not installed (pip install -e .)")
    return subprocess.run([GIGAWATT, *args], capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})


def test_cli_prints_the_finance_table():
    import json

    done = _gigawatt("catalog", "finance", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert len(rows) == len(catalog.finance_defaults())
    assert all(row["source"] and row["source_year"] for row in rows)
    shown = _gigawatt("catalog", "finance")
    assert shown.returncode == 0, shown.stderr
    assert "itc_48e_full_rate" in shown.stdout and "2027-12-31" in shown.stdout


def test_cli_unknown_table_lists_finance():
    done = _gigawatt("catalog", "financ")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "finance" in done.stderr


# --- one public back-of-envelope, reproduced ------------------------------------------------------------


def test_kupperman_depreciation_back_of_envelope():
    """H. Kupperman (Praetorian Capital, Kuppy's Korner, 'The Depreciation Problem', August 2025; quoted by
    Marcellus 'Global Crossing is reborn' and Tower Bridge Advisors 2025-10-16): about 400 bn USD of AI data-centre
    capex in 2025 at a blended 10-year life is 40 bn USD a year of depreciation; at a 25 % gross margin that needs
    160 bn USD of revenue to cover depreciation alone, and 480 bn USD to also earn a 20 % return on the capital.
    Straight line; the figures are round, so the tolerance is exact arithmetic (1e-9 relative)."""
    capex_bn, life_years, gross_margin, target_return = 400.0, 10.0, 0.25, 0.20
    depreciation = capex_bn / life_years
    assert depreciation == pytest.approx(40.0, rel=1e-9)
    assert depreciation / gross_margin == pytest.approx(160.0, rel=1e-9)
    assert (depreciation + target_return * capex_bn) / gross_margin == pytest.approx(480.0, rel=1e-9)


def test_a_year_of_alphabet_capex_at_catalog_lives():
    """Alphabet's 2024 capital expenditure, 52.535 bn USD (Form 10-K for 2024, cash-flow statement 'purchases of
    property and equipment', filed 2025-02-05; quoted as 52.53 bn by Monexa 2025-08-21), depreciated straight line
    over the 6-year server life Alphabet reports and over the 5-year MACRS class: 8.76 and 10.51 bn USD a year;
    the critics' 3-year life doubles the 6-year figure. Tolerance 0.01 bn USD (the rounding of the quoted figures)."""
    capex_bn = 52.535
    six = capex_bn / catalog.finance_default("server_life_alphabet_years")
    five = capex_bn / catalog.finance_default("recovery_years_it_equipment")
    three = capex_bn / catalog.finance_default("accelerator_economic_life_critics_high_years")
    assert six == pytest.approx(8.76, abs=0.01)
    assert five == pytest.approx(10.51, abs=0.01)
    assert three == pytest.approx(2 * six, rel=1e-12)
    # and the first tax year under MACRS 5-year, half-year convention: 20 % of basis
    assert capex_bn * catalog.macrs_table(5)[0] == pytest.approx(10.51, abs=0.01)
