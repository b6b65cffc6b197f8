"""The recap table in every format, each opened with an independent reader."""

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser

import openpyxl
import pytest
from odf import config as odf_config
from odf import table as odf_table
from odf import teletype
from odf.opendocument import load as load_odf

from reports import table_csv, table_html, table_md, table_ods, table_xlsx
from reports.labels import SHEET_HEADERS, SUMMARY_HEADERS, TABLE_HEADERS
from reports.sample import synthetic_plan
from reports.spreadsheet import LINE_HEIGHT
from storage.progress import status_summary
from tests.report_rows import report_row


def action(number, status="en cours", **fields):
    defaults = {
        "title": f"Action numéro {number}",
        "health": "risque",
        "updated_at": datetime(2024, 7, 1, 10, 0, tzinfo=UTC),
    }
    return report_row(number, status, **(defaults | fields))


@pytest.fixture(scope="module")
def plan():
    return synthetic_plan(127)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


# ---------------------------------------------------------------- status_summary


def test_status_summary_counts_every_status_overall_and_per_os(plan):
    summary = status_summary(plan)

    assert summary["total"] == 127
    assert list(summary["by_status"]) == ["fait", "en cours", "à démarrer", "suspendu", "abandonné"]
    assert sum(summary["by_status"].values()) == 127
    assert [os["os_number"] for os in summary["by_os"]] == [1, 2, 3, 4, 5, 6]
    assert sum(os["total"] for os in summary["by_os"]) == 127
    for status in summary["by_status"]:
        assert (
            sum(os["by_status"][status] for os in summary["by_os"])
            == (summary["by_status"][status])
        )


def test_status_summary_done_percent_and_progress_leave_abandoned_out():
    rows = [
        action(1, "fait", progress=None),
        action(2, "en cours", progress=50),
        action(3, "à démarrer", progress=None),
        action(4, "abandonné", progress=None),
    ]
    summary = status_summary(rows)

    assert summary["done_percent"] == 33.3  # 1 done of the 3 not abandoned
    assert summary["progress_percent"] == 50.0  # (100 + 50 + 0) / 3


def test_status_summary_of_an_empty_plan_is_all_zero():
    assert status_summary([]) == {
        "total": 0,
        "by_status": dict.fromkeys(["fait", "en cours", "à démarrer", "suspendu", "abandonné"], 0),
        "done_percent": 0.0,
        "progress_percent": 0.0,
        "by_os": [],
    }


def test_status_summary_refuses_an_unknown_status_naming_the_action():
    with pytest.raises(ValueError, match="action 7"):
        status_summary([action(7, "peut-être")])


# ---------------------------------------------------------------- CSV


def test_csv_has_bom_semicolons_french_headers_and_one_line_per_action(plan):
    lines = read_csv(table_csv(plan))

    assert lines[0] == list(TABLE_HEADERS)
    assert len(lines) == 128
    assert all(len(line) == 14 for line in lines)


def test_csv_writes_pilots_joined_and_last_update_in_brussels_time():
    (header, line) = read_csv(table_csv([action(1)]))
    cells = dict(zip(header, line, strict=True))

    assert cells["Pilotes"] == "LM/MR"
    assert cells["Dernière mise à jour"] == "2024-07-01 12:00"  # 10:00 UTC, summer time
    assert cells["Santé"] == "à risque"
    assert cells["Avancement (%)"] == "40"


def test_csv_keeps_separators_quotes_and_newlines_inside_cells():
    title = 'Budget ; recettes "et" dépenses\nseconde ligne'
    (_, line) = read_csv(table_csv([action(1, title=title)]))

    assert line[5] == title


def test_csv_neutralises_text_a_spreadsheet_would_run_as_a_formula():
    (_, line) = read_csv(table_csv([action(1, title='=HYPERLINK("http://x")')]))

    assert line[5] == '\'=HYPERLINK("http://x")'


def test_csv_leaves_empty_cells_for_missing_values():
    row = action(1, progress=None, health=None, last_comment=None, updated_at=None, pilots=())
    (_, line) = read_csv(table_csv([row]))

    assert line[7] == line[10] == line[11] == line[12] == line[13] == ""


# ---------------------------------------------------------------- xlsx


def test_xlsx_has_the_summary_sheet_first_then_one_sheet_per_os(plan):
    workbook = openpyxl.load_workbook(io.BytesIO(table_xlsx(plan)))

    assert workbook.sheetnames == ["Synthèse", "OS 1", "OS 2", "OS 3", "OS 4", "OS 5", "OS 6"]


def test_xlsx_os_sheets_have_frozen_header_autofilter_widths_and_wrapped_text(plan):
    workbook = openpyxl.load_workbook(io.BytesIO(table_xlsx(plan)))
    sheet = workbook["OS 2"]
    n_actions = sum(1 for a in plan if a.os_number == 2)
    n_bands = 1 + len({a.oo_number for a in plan if a.os_number == 2})

    assert [c.value for c in sheet[2]] == [*TABLE_HEADERS[4:], "En retard"]  # under the title
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:K{n_actions + n_bands + 2}"
    assert sheet.max_row == n_actions + n_bands + 2
    assert sheet.column_dimensions["B"].width >= 60  # Intitulé
    assert sheet["B5"].alignment.wrap_text  # the first action, under the OS and OO bands
    assert sheet["J5"].number_format == "dd/mm/yyyy"  # the day: fits its narrow column


def test_xlsx_summary_sheet_counts_match_status_summary(plan):
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(plan)))["Synthèse"]
    summary = status_summary(plan)
    lines = [[c.value for c in row] for row in sheet.iter_rows()]

    assert lines[1] == list(SUMMARY_HEADERS)  # under the title
    assert sheet.freeze_panes == "A3"
    assert lines[2][:8] == [
        1,
        summary["by_os"][0]["os_title"],
        *summary["by_os"][0]["by_status"].values(),
        summary["by_os"][0]["total"],
    ]
    assert lines[-1][0] == "Total"
    assert lines[-1][7] == 127
    assert lines[-1][8] == summary["done_percent"]


def test_xlsx_keeps_values_typed_and_formula_like_text_as_text():
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx([action(1, title="=1+1")])))["OS 1"]

    assert sheet["B5"].value == "=1+1"
    assert sheet["B5"].data_type == "s"
    assert sheet["G5"].value == 40
    assert sheet["J5"].value == datetime(2024, 7, 1, 12, 0)


def test_xlsx_drops_control_characters_that_excel_refuses():
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx([action(1, title="A\x01B")])))["OS 1"]

    assert sheet["B5"].value == "AB"


# ---------------------------------------------------------------- ods


def ods_sheets(data: bytes) -> dict[str, list[list[str]]]:
    document = load_odf(io.BytesIO(data))
    sheets = {}
    for sheet in document.spreadsheet.getElementsByType(odf_table.Table):
        rows = []
        for row in sheet.getElementsByType(odf_table.TableRow):
            cells = row.getElementsByType(odf_table.TableCell)
            rows.append([teletype.extractText(cell) for cell in cells])
        sheets[sheet.getAttribute("name")] = rows
    return sheets


def test_ods_has_the_same_sheets_headers_and_rows_as_xlsx(plan):
    sheets = ods_sheets(table_ods(plan))

    assert list(sheets) == ["Synthèse", "OS 1", "OS 2", "OS 3", "OS 4", "OS 5", "OS 6"]
    assert sheets["Synthèse"][1] == list(SUMMARY_HEADERS)  # under the title
    assert sheets["Synthèse"][-1][0] == "Total"
    action_rows = [
        row
        for name, rows in sheets.items()
        if name != "Synthèse"
        for row in rows[2:]
        if not row[0].startswith(("OS ", "OO "))
    ]
    assert len(action_rows) == 127
    assert sheets["OS 1"][1] == list(SHEET_HEADERS)


def test_ods_cells_carry_text_numbers_and_escaped_markup():
    row = action(1, title="<b>gras</b> & « guillemets »\nseconde ligne")
    document = load_odf(io.BytesIO(table_ods([row])))
    sheet = document.spreadsheet.getElementsByType(odf_table.Table)[1]
    cells = sheet.getElementsByType(odf_table.TableRow)[4].getElementsByType(odf_table.TableCell)

    assert teletype.extractText(cells[1]) == "<b>gras</b> & « guillemets »seconde ligne"
    assert cells[6].getAttribute("valuetype") == "float"
    assert cells[6].getAttribute("value") == "40"
    assert cells[9].getAttribute("datevalue") == "2024-07-01T12:00:00"


def test_ods_freezes_the_header_row_and_filters_each_os_sheet(plan):
    document = load_odf(io.BytesIO(table_ods(plan)))
    items = {}
    for entry in document.settings.getElementsByType(odf_config.ConfigItemMapEntry):
        if entry.getAttribute("name"):
            items[entry.getAttribute("name")] = {
                item.getAttribute("name"): teletype.extractText(item)
                for item in entry.getElementsByType(odf_config.ConfigItem)
            }
    ranges = document.spreadsheet.getElementsByType(odf_table.DatabaseRange)

    assert items["OS 1"]["VerticalSplitMode"] == "2"
    assert items["OS 1"]["VerticalSplitPosition"] == "2"  # title and header
    assert len(ranges) == 6
    assert all(r.getAttribute("displayfilterbuttons") == "true" for r in ranges)
    assert ranges[0].getAttribute("targetrangeaddress").startswith("'OS 1'.A2:'OS 1'.K")


# ---------------------------------------------------------------- Markdown and HTML


def test_md_groups_actions_under_os_and_oo_headings():
    rows = [action(1), action(2, oo_number="1.2", oo_title="Second OO"), action(3, os_number=2)]
    text = table_md(rows).decode()

    assert text.index("## OS 1 – ") < text.index("### OO 1.1 – ") < text.index("| 1 | Action")
    assert text.index("### OO 1.2 – Second OO") < text.index("| 2 | Action") < text.index("## OS 2")
    assert text.count("| Action | Intitulé |") == 3


def test_md_escapes_pipes_markup_and_newlines_inside_cells():
    text = table_md([action(1, title="a | b <i>c</i>\nd")]).decode()
    line = next(line for line in text.splitlines() if line.startswith("| 1 |"))

    assert r"a \| b \<i\>c\</i\> d" in line
    assert line.count(" | ") == 9  # ten cells, no extra column


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_a_standalone_page_with_css_and_escaped_text():
    data = table_html([action(1, title="<script>alert(1)</script> & co")])
    parser = _TextCollector()
    parser.feed(data.decode("utf-8"))

    assert data.startswith(b"<!DOCTYPE html>")
    assert b'<meta charset="utf-8">' in data
    assert "style" in parser.tags and "table" in parser.tags
    assert "script" not in parser.tags
    assert "<script>alert(1)</script> & co" in "".join(parser.text)


@pytest.mark.parametrize(
    "export", [table_csv, table_xlsx, table_ods, table_md, table_html], ids=lambda f: f.__name__
)
def test_every_table_format_accepts_an_empty_plan(export):
    assert export([])


def test_xlsx_rows_are_tall_enough_for_their_wrapped_text():
    rows = synthetic_plan(3)
    rows[0] = replace(rows[0], title="Un intitulé très long " * 20)
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(rows)))["OS 1"]
    assert sheet["A5"].value == rows[0].printed_number  # below the OS and OO bands
    assert sheet.row_dimensions[5].height > 3 * LINE_HEIGHT
    assert sheet.row_dimensions[6].height < sheet.row_dimensions[5].height
