"""The consolidated table for print and for work (issue 22, item 2): the spreadsheets grouped by
OS and OO with each title once, in full, wrapped, printed A4 landscape at 8 points or more;
the PDF with health and comment columns, whole texts and « (suite) »; the last update read
from the history that still stands."""

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime

import openpyxl
import pypdfium2
import pytest
from odf import table as odf_table
from odf import teletype
from odf.opendocument import load as load_odf

from commands.engine import Engine
from commands.types import Directory, Message
from reports import TableHeading, table_md, table_ods, table_pdf, table_xlsx
from reports.grouping import Objective
from reports.labels import NO_ACTIONS_YET, PDF_HEADERS, SHEET_HEADERS
from reports.spreadsheet import (
    FONT_SIZE,
    SMALLEST_PRINTED_SIZE,
    TITLE_COLUMN,
    actions_per_page,
    printed_font_size,
)
from storage.actions import list_actions, operational_objectives, strategic_objectives
from storage.db import open_db
from storage.importing import import_plan, load_example
from tests.conftest import LUC, NOW, REGISTRY
from tests.report_rows import report_row

HEADING = TableHeading("CPAS de Frameries", "PST 2019-2024", datetime(2026, 11, 24, 9, 30))
TIMESTAMP = SHEET_HEADERS.index("Dernière mise à jour")


def outline(db, plan_id: int) -> list[Objective]:
    """The plan's OOs in plan order, as the reports receive them."""
    return [
        Objective(os["number"], os["title"], os["volet"], oo["number"], oo["title"])
        for os in strategic_objectives(db, plan_id)
        for oo in operational_objectives(db, plan_id, os["number"])
    ]


@pytest.fixture(scope="module")
def example():
    """The bundled example after a few updates by LM, the last of them undone."""
    db = open_db(":memory:")
    import_plan(db, load_example())
    engine = Engine(db, Directory(links={"LM": {LUC}}), REGISTRY, clock=lambda: NOW)
    for text in ("!maj 52 fait", "!maj 53 en cours 30% marché lancé", "!maj 1 en cours 40%"):
        engine.handle(Message(sender=LUC, text=text, room="!room"))
    engine.handle(Message(sender=LUC, text="!annuler", room="!room"))
    return db, list_actions(db, 1, with_history=True)


@pytest.fixture(scope="module")
def workbook(example):
    return openpyxl.load_workbook(io.BytesIO(table_xlsx(example[1], HEADING)))


def ods_rows(data: bytes) -> dict[str, list[list[str]]]:
    document = load_odf(io.BytesIO(data))
    return {
        sheet.getAttribute("name"): [
            [teletype.extractText(cell) for cell in row.getElementsByType(odf_table.TableCell)]
            for row in sheet.getElementsByType(odf_table.TableRow)
        ]
        for sheet in document.spreadsheet.getElementsByType(odf_table.Table)
    }


def values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]


# ---------------------------------------------------------------- xlsx and ods


def test_xlsx_os_sheet_has_an_os_band_then_each_oo_band_above_its_actions(example, workbook):
    _, actions = example
    rows = values(workbook["OS 1"])
    first = [a for a in actions if a.os_number == 1]

    assert rows[0][:2] == ["OS 1", first[0].os_title]
    assert rows[1][:2] == ["OO 1.1", first[0].oo_title]
    assert rows[2][:2] == [first[0].printed_number, first[0].title]
    bands = [row[0] for row in rows if str(row[0]).startswith("OO ")]
    assert bands == [f"OO {n}" for n in dict.fromkeys(a.oo_number for a in first)]


def test_xlsx_writes_each_os_and_oo_title_once(example, workbook):
    _, actions = example
    cells = [
        value
        for sheet in workbook.worksheets[1:]
        for row in values(sheet)
        for value in row
        if isinstance(value, str)
    ]
    for action in actions:
        assert cells.count(action.os_title) == 1
        assert cells.count(action.oo_title) == 1


def test_xlsx_action_titles_are_whole_and_wrapped(example, workbook):
    _, actions = example
    titles = {}
    for sheet in workbook.worksheets[1:]:
        for row in sheet.iter_rows(min_row=3):
            if row[0].value and not str(row[0].value).startswith(("OS ", "OO ")):
                titles[str(row[0].value)] = row[TITLE_COLUMN]
    assert set(titles) == {a.code for a in actions}
    for action in actions:
        cell = titles[action.code]
        assert cell.value == action.title and cell.alignment.wrap_text


def test_xlsx_prints_a4_landscape_one_page_wide_with_the_header_row_repeated(workbook):
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$2"  # the title and header rows


def test_xlsx_text_prints_at_8_points_or_more(workbook):
    # A cell without a size of its own has the workbook's: Calibri 11 (FONT_SIZE).
    sizes = {
        cell.font.sz or FONT_SIZE
        for sheet in workbook.worksheets[1:]
        for row in sheet.iter_rows(min_row=2)
        for cell in row
    }
    assert sizes == {FONT_SIZE}
    assert printed_font_size() >= SMALLEST_PRINTED_SIZE


def test_a_full_printed_page_holds_20_actions_on_average(example):
    """By the row heights and the fit-to-width scale: the pages an OS fills (not the last one
    of its sheet, which holds what is left of it)."""
    _, actions = example
    per_page = actions_per_page(actions, HEADING)
    sheets = [a.os_number for a in actions]
    full = []
    position = 0
    for os_number in dict.fromkeys(sheets):
        count = sheets.count(os_number)
        held = 0
        while held < count:
            held += per_page[position]
            if held < count:
                full.append(per_page[position])
            position += 1
    assert sum(per_page) == len(actions)
    assert full and sum(full) / len(full) >= 20


def test_ods_has_the_same_band_rows_and_titles_once(example):
    _, actions = example
    sheets = ods_rows(table_ods(actions, HEADING))
    rows = sheets["OS 2"][2:]
    second = [a for a in actions if a.os_number == 2]

    assert rows[0][:2] == ["OS 2", second[0].os_title]
    assert rows[1][:2] == [f"OO {second[0].oo_number}", second[0].oo_title]
    assert rows[2][:2] == [second[0].code, second[0].title]
    cells = [
        cell for name, rows in sheets.items() if name != "Synthèse" for r in rows for cell in r
    ]
    assert cells.count(second[0].os_title) == 1


def test_an_oo_without_actions_says_aucune_action_encore_in_every_format(example):
    db, actions = example
    kept = [a for a in actions if a.oo_number != "1.2"]  # OO 1.2 left without its actions
    objectives = outline(db, 1)

    rows = values(openpyxl.load_workbook(io.BytesIO(table_xlsx(kept, HEADING, objectives)))["OS 1"])
    band = next(i for i, row in enumerate(rows) if row[0] == "OO 1.2")
    assert rows[band + 1][TITLE_COLUMN] == NO_ACTIONS_YET
    ods = ods_rows(table_ods(kept, HEADING, objectives))["OS 1"]
    assert any(row[:2] == ["", NO_ACTIONS_YET] for row in ods)
    assert NO_ACTIONS_YET in table_md(kept, objectives).decode()
    assert NO_ACTIONS_YET in pdf_text(table_pdf(kept, HEADING, objectives))


# ---------------------------------------------------------------- the last update


def test_an_undone_update_is_not_the_last_update(example, workbook):
    _, actions = example
    by_code = {
        str(row[0]): row for sheet in workbook.worksheets[1:] for row in values(sheet) if row[0]
    }
    assert by_code["1"][5] == "à démarrer"  # the undo stands: back to where it was
    assert by_code["1"][TIMESTAMP] is None  # its only update was undone: no news
    assert isinstance(by_code["52"][TIMESTAMP], datetime)  # a standing update shows its time


# ---------------------------------------------------------------- pdf


def pdf_text(data: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(data))


def test_pdf_has_health_and_comment_columns(example):
    _, actions = example
    text = pdf_text(table_pdf(actions, HEADING))

    assert "Santé" in PDF_HEADERS and "Dernier commentaire" in PDF_HEADERS
    first_page = text.split("page 2 /")[0]
    assert "Santé" in first_page and "Dernier commentaire" in first_page
    assert "marché lancé" in text  # action 53's comment


def test_pdf_prints_titles_and_deadlines_whole_never_cut(example):
    _, actions = example
    text = " ".join(pdf_text(table_pdf(actions, HEADING)).split())
    plain = " ".join(" ".join(a.title.split()) for a in actions)

    assert "…" not in text or "…" in plain
    for action in actions:
        assert " ".join(action.title.split())[-25:] in text
        assert action.deadline in text


def test_pdf_repeats_a_continued_group_heading_with_suite(example):
    _, actions = example
    pages = [
        page.get_textpage().get_text_range()
        for page in pypdfium2.PdfDocument(table_pdf(actions, HEADING))
    ]
    assert len(pages) > 1
    seen: set[str] = set()
    for page in pages:
        body = page.split("Retard", 1)[1].lstrip()  # below the column header
        if seen:
            # A page opens on an OS heading: a new OS, or the one going on, said « (suite) ».
            assert body.startswith("OS "), body[:80]
            number = body.split(" ", 2)[1]
            opening = " ".join(body.splitlines()[:3])
            assert ("(suite)" in opening) == (number in seen), opening
        seen |= {line.split(" ", 2)[1] for line in body.splitlines() if line.startswith("OS ")}
    assert any("(suite)" in page for page in pages[1:])


def test_pdf_wraps_a_long_title_instead_of_cutting_it():
    long = "Réaménagement complet du site " + "et de ses abords " * 20 + "fin"
    [page] = pdf_text(table_pdf([report_row(1, title=long)], HEADING)).split("\f") or [""]
    assert " ".join(page.split()).count("abords") == 20 and "fin" in page and "…" not in page


def test_pdf_is_a4_landscape(example):
    _, actions = example
    document = pypdfium2.PdfDocument(table_pdf(actions, HEADING))
    for page in document:
        width, height = page.get_size()
        assert round(width) == 842 and round(height) == 595


# ---------------------------------------------------------------- rendered by LibreOffice


@pytest.fixture(scope="module")
def rendered(example, tmp_path_factory):
    """The xlsx and the ods of the example printed to PDF by LibreOffice, once each."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed")
    _, actions = example
    folder = tmp_path_factory.mktemp("rendered")
    pdfs = {}
    for suffix, render in (("xlsx", table_xlsx), ("ods", table_ods)):
        source = folder / f"tableau.{suffix}"
        source.write_bytes(render(actions, HEADING))
        out = folder / suffix
        profile = (folder / "profile").as_uri()
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf"]
            + ["--outdir", str(out), str(source)],
            check=True,
            capture_output=True,
            timeout=240,
        )
        pdfs[suffix] = (out / "tableau.pdf").read_bytes()
    return pdfs


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_libreoffice_prints_every_action_on_a4_landscape_pages(example, rendered, suffix):
    _, actions = example
    document = pypdfium2.PdfDocument(rendered[suffix])
    text = " ".join(pdf_text(rendered[suffix]).split())

    for page in document:
        width, height = page.get_size()
        assert round(width) == 842 and round(height) == 595
    assert len(document) <= 14  # the summary, then the OS sheets of 127 actions
    for action in actions:
        assert " ".join(action.title.split())[:30] in text


def test_a_row_stays_as_tall_as_a_long_comment():
    row = replace(report_row(1), last_comment="attente du devis " * 12)
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx([row], HEADING)))["OS 1"]
    assert sheet.row_dimensions[5].height > sheet.row_dimensions[4].height
