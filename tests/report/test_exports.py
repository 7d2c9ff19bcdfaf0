"""Report-ready exports (issue 30, item 4): the XLSX workbook of every kind read back with openpyxl (sheets,
headers with units, number formats, frozen header, tables, values equal to the run's own figures and tables),
and the PDF report, its pages rendered to PNG under tests/artifacts and its text and figure read back."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import gigawatt_cli, one_line_error
from runs_fixtures import runs  # noqa: F401  (fixture)

import gigawatt
from gigawatt.core.errors import ScenarioError
from gigawatt.core.present import figure_text, split_label
from gigawatt.registry import KINDS, spec
from gigawatt.registry import figures as result_figures
from gigawatt.report import columns
from gigawatt.report.export import export
from gigawatt.report.tables import flatten
from gigawatt.report.workbook import sheet_names

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ROUNDED = 1e-4  # tables are written with hourly flows rounded to 0.1 kW (4 decimals of MW)


def _rows(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _section(sheet, title: str) -> dict[str, list]:
    """The rows under a Summary section's header row (figure, value, unit, as shown, ...), by figure name."""
    rows = _rows(sheet)
    start = next(i for i, r in enumerate(rows) if r[0] == title) + 2
    out = {}
    for row in rows[start:]:
        if row[0] is None:
            break
        out[row[0]] = row
    return out


def _formats(sheet, title: str) -> dict[str, str]:
    """The number format of each figure's value in a Summary section, by figure name."""
    start = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == title) + 2
    out = {}
    for r in range(start, sheet.max_row + 1):
        if sheet.cell(r, 1).value is None:
            break
        out[sheet.cell(r, 1).value] = sheet.cell(r, 2).number_format
    return out


@pytest.fixture(scope="module")
def books(runs, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("xlsx")
    return {kind: openpyxl.load_workbook(export(result, "xlsx", folder / f"{kind}.xlsx")) for kind, result in runs.items()}


def test_the_workbook_opens_on_a_summary_then_inputs_then_every_table(runs, books):  # noqa: F811
    for kind in KINDS:
        frames = runs[kind].to_frames()
        assert books[kind].sheetnames == ["Summary", "Inputs", *sheet_names(list(frames)).values()], kind


def test_summary_carries_the_run_its_decision_figures_as_the_cli_prints_them_and_its_notes(runs, books):  # noqa: F811
    for kind in KINDS:
        result, sheet = runs[kind], books[kind]["Summary"]
        rows = _rows(sheet)
        facts = {r[0]: r[1] for r in rows[:12] if r[0]}
        assert facts["run id"] == result.run.id and facts["kind"] == kind and facts["gigawatt version (run)"] == result.run.gigawatt_version
        decision = spec(kind, stored=True).decision_figures(result.data)
        shown = _section(sheet, "decision figures")
        assert len(shown) == len(decision), kind
        for label, value in decision.items():
            name, unit = split_label(label)
            row = shown[name]
            assert row[3] == figure_text(label, value) and (row[2] or "") == unit, (kind, label)
            if isinstance(value, float):
                assert row[1] == pytest.approx(value), (kind, label)
        every = _section(sheet, "every figure")
        assert len(every) == len({split_label(k)[0] for k in result_figures(kind, result.data)}), kind
        text = "\n".join(str(r[0]) for r in rows if r[0])
        for message in result.messages:
            assert message in text, (kind, message)


def test_summary_figures_have_number_formats_by_unit(runs, books):  # noqa: F811
    plan = _section(books["plan"]["Summary"], "decision figures")
    formats = _formats(books["plan"]["Summary"], "decision figures")
    assert formats["carbon-free share"] == columns.PERCENT and formats["annual cost"] == columns.WHOLE and formats["LCOE"] == columns.TWO
    assert plan["annual cost"][1] == pytest.approx(runs["plan"].annual_cost_usd)


def test_inputs_list_every_input_with_units_and_sources(runs, books):  # noqa: F811
    for kind in KINDS:
        result, sheet = runs[kind], books[kind]["Inputs"]
        rows = _rows(sheet)
        assert rows[0] == ["input", "value", "unit", "description", "source"] and sheet.freeze_panes == "A2"
        keys = list(flatten(result.to_dict()["inputs"]))
        assert [r[0] for r in rows[1:1 + len(keys)]] == keys, kind
        assert all(r[4] for r in rows[1:1 + len(keys)]), f"{kind}: an input without its source"
    size = {r[0]: r for r in _rows(books["size"]["Inputs"])}
    pue = runs["size"].data["assumptions"]["pue"]
    assert size["cluster.pue"][1] == pue["value"] and size["cluster.pue"][4].startswith("catalog: Epoch AI")  # the catalog's figure, sourced
    assert size["costs.electricity_price_usd_per_mwh"][2] == "USD/MWh"
    plan = {r[0]: r for r in _rows(books["plan"]["Inputs"])}
    assert plan["site.latitude"][2] == "degrees north" and plan["site.year"][1] == runs["plan"].inputs.site.year
    assert plan["cluster.power_mw"][2] == "MW"
    listed = "\n".join(str(r[3] or "") for r in plan.values())  # assumptions and sources: every technology's catalog source
    for tech in runs["plan"].data["capacity_mw"]:
        assert f"({tech}) costs" in "\n".join(str(r[0]) for r in plan.values()), tech
    assert "NREL ATB" in listed


def test_every_table_has_units_in_headers_formats_a_frozen_header_and_a_table(runs, books):  # noqa: F811
    for kind in KINDS:
        frames = runs[kind].to_frames()
        for name, title in sheet_names(list(frames)).items():
            frame = frames[name].reset_index() if frames[name].index.name else frames[name]
            sheet = books[kind][title]
            header = [c.value for c in sheet[1]]
            assert [h.rstrip() for h in header] == [columns.header(str(c)) for c in frame.columns], (kind, name)  # distinct: padded
            assert sheet.freeze_panes == "A2" and sheet.max_row == len(frame) + 1, (kind, name)
            if len(frame) and len(frame.columns):
                (table,) = sheet.tables.values()
                assert table.ref.endswith(str(len(frame) + 1)), (kind, name)
            for j, column in enumerate(frame.columns, start=1):
                values = frame[column]
                if values.dtype.kind in "fi" and len(values) and values.notna().any():
                    got = [c.value for (c,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j)]
                    want = values.fillna(0).sum()
                    assert sum(v or 0 for v in got) == pytest.approx(want, rel=1e-6, abs=ROUNDED * len(values)), (kind, name, column)
                    assert sheet.cell(2, j).number_format != "General", (kind, name, column)


def test_plan_tables_read_as_a_person_reads_them(runs, books):  # noqa: F811
    dispatch = books["plan"]["dispatch"]
    header = [c.value for c in dispatch[1]]
    assert header[0] == "timestamp" and "load (MW)" in header
    assert dispatch["A2"].number_format == columns.DATETIME and dispatch["A2"].value == runs["plan"].to_frames()["dispatch"].index[0].to_pydatetime().replace(tzinfo=None)
    load = header.index("load (MW)") + 1
    assert sum(c.value for (c,) in dispatch.iter_rows(min_row=2, min_col=load, max_col=load)) == pytest.approx(runs["plan"].load_mwh, rel=1e-6)
    assert "#,##0" in dispatch.cell(2, load).number_format
    finance = books["finance"]["cash_flows"]
    assert finance["A1"].value == "year" and finance["A2"].number_format == columns.YEAR  # 2027, not 2,027
    costs = books["plan"]["capacity"]
    assert [c.value for c in costs[1]][:4] == ["option", "capacity (MW)", "energy (MWh)", "cost (USD/yr)"]
    formats = _formats(books["reliability"]["Summary"], "every figure")
    availability = next(v for k, v in result_figures("reliability", runs["reliability"].data).items() if split_label(k)[0] == "availability")
    assert formats["availability"] == (columns.FINE_PERCENT if availability > 0.99 else columns.PERCENT)  # near 100% the nines shown


@pytest.mark.parametrize(("name", "header", "number_format"), [
    ("load_mw", "load (MW)", columns.ONE), ("lcoe_usd_per_mwh", "lcoe (USD/MWh)", columns.TWO), ("capex_usd", "capex (USD)", columns.WHOLE),
    ("lole_hours_per_year", "lole (h/yr)", columns.ONE), ("carbon_free_share", "carbon_free_share", columns.PERCENT),
    ("co2_g_per_kwh", "co2 (g/kWh)", columns.ONE), ("stranded_gw_last_year", "stranded last year (GW)", columns.ONE),
    ("interest_rate_per_year", "interest rate (/yr)", columns.PERCENT), ("year", "year", columns.YEAR), ("ft_llama_8b_p3", "ft_llama_8b_p3", columns.ONE),
])
def test_column_names_give_their_units_and_formats(name, header, number_format):
    assert columns.header(name) == header
    assert columns.number_format(name, [12.5, 40.0, 55.0]) == number_format


def test_a_table_named_like_a_summary_sheet_keeps_a_sheet_of_its_own():
    assert sheet_names(["summary", "assumptions", "inputs", "x" * 40]) == {"summary": "summary table", "assumptions": "assumptions",
                                                                        "inputs": "inputs table", "x" * 40: "x" * 31}


# --- the PDF report ---------------------------------------------------------------------------------


def _pdf_ready() -> str | None:
    """Why a PDF cannot be made here (WeasyPrint or its Pango libraries missing), or None."""
    from gigawatt.report.page import pdf_engine

    try:
        pdf_engine()
    except ScenarioError as exc:
        return str(exc)
    return None


def _read_pdf(path: Path, stem: str) -> tuple[str, int, int]:
    """(text, pages, images) of a PDF; each page saved as tests/artifacts/STEM-pN.png to look at."""
    pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 (dev extra) renders the PDF's pages")
    document = pdfium.PdfDocument(str(path))
    ARTIFACTS.mkdir(exist_ok=True)
    text, images = [], 0
    for i, page in enumerate(document):
        text.append(page.get_textpage().get_text_range())
        images += sum(1 for obj in page.get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
        page.render(scale=1.5).to_pil().save(ARTIFACTS / f"{stem}-p{i + 1}.png")
    pages = len(document)
    document.close()
    return "\n".join(text), pages, images


def test_runs_export_pdf_through_the_cli_has_the_headline_the_figure_the_inputs_and_the_sources(tmp_path):
    why = _pdf_ready()
    if why:
        pytest.skip(why)
    url = str(tmp_path / "runs.sqlite")
    from conftest import EXAMPLES

    plan = gigawatt.run("plan", EXAMPLES / "west-texas-offgrid.yaml", set={"site.screening_segments": 240}, store=url)
    done = gigawatt_cli("runs", "export", plan.run.id[:12], "--format", "pdf", "--out", "report.pdf", "--store", url, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "wrote report.pdf", done.stderr
    path = tmp_path / "report.pdf"
    assert path.read_bytes()[:5] == b"%PDF-"
    text, pages, images = _read_pdf(path, "report-plan")
    flat = " ".join(text.split())
    assert pages >= 2 and images >= 1  # the plan's figure, as an image
    for label, value in spec("plan").decision_figures(plan.data).items():
        assert figure_text(label, value) in flat, label
    assert plan.run.id[:12] in flat and "Inputs" in flat and "Assumptions and sources" in flat
    assert "cluster.power_mw" in flat and "NREL ATB" in flat


def test_a_pdf_of_a_kind_without_a_figure_still_reports_its_assumptions(runs, tmp_path):  # noqa: F811
    why = _pdf_ready()
    if why:
        pytest.skip(why)
    path = export(runs["size"], "pdf", tmp_path / "size.pdf")
    text, pages, images = _read_pdf(path, "report-size")
    flat = " ".join(text.split())
    assert images == 0 and "Epoch AI" in flat and "cluster.accelerator" in flat
    assert figure_text("facility power MW", runs["size"].data["facility_power_mw"]) in flat


def test_without_weasyprint_a_pdf_is_one_line_naming_the_fix(runs, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    with pytest.raises(ScenarioError, match=r'gigawatt\[pdf\]') as caught:
        export(runs["size"], "pdf", tmp_path / "x.pdf")
    assert "\n" not in str(caught.value) and not (tmp_path / "x.pdf").exists()


def test_bad_pdf_and_xlsx_paths_are_one_line(tmp_path):
    url = str(tmp_path / "runs.sqlite")
    ident = gigawatt.size({"cluster": {"accelerator": "H100", "count": 10}}, store=url).run.id[:12]
    (tmp_path / "afile").write_text("not a folder\n")
    for fmt in ("pdf", "xlsx"):
        one_line_error(gigawatt_cli("runs", "export", ident, "--format", fmt, "--out", f"afile/x.{fmt}", "--store", url, cwd=tmp_path),
                       f"--out afile/x.{fmt}", "afile is a file, not a folder")
    done = gigawatt_cli("runs", "export", ident, "--format", "xlsx", "--store", url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / f"size-{ident}.xlsx")
    assert book.sheetnames[:2] == ["Summary", "Inputs"] and book["Summary"]["B4"].value.startswith(ident)
