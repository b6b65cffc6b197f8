"""The recap table as a workbook: a "Synthèse" sheet, then one sheet per OS ("OS 1", ...).

Each sheet opens with a title row (organisation, plan, date) above its header row; the OS
sheets carry the CSV columns plus "En retard", rows tinted by status, a frozen header, an
autofilter, fixed column widths and wrapped text. Printed, each sheet is A4 landscape, one page
wide, with the title and header rows repeated on every page and "page X / Y" at the foot. The
same sheets are written as xlsx (openpyxl, here) and ods (odfpy, reports/spreadsheet_ods.py).
"""

import io
import math

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.worksheet.properties import PageSetupProperties

from reports.grouping import group_plan
from reports.labels import SHEET_HEADERS, SUMMARY_HEADERS, SUMMARY_SHEET, TOTAL
from reports.table import STATUS_FILLS, TableHeading, late_mark, table_values
from reports.xml_text import clean
from storage.actions import Action
from storage.progress import status_summary

#: Column widths in characters, in SHEET_HEADERS order: 230 characters, printed one page wide
#: at about 60 % on A4 landscape (the titles of OS and OO wrap, the action's title is widest).
COLUMN_WIDTHS = (4, 20, 6, 24, 7, 40, 22, 10, 12, 11, 10, 8, 32, 16, 8)
SUMMARY_WIDTHS = (5, 45, 10, 10, 10, 11, 12, 8, 11, 12)
TIMESTAMP_COLUMN = 13
_STATUS_COLUMN = 9
#: Rows above the data: the title, then the header (repeated on every printed page).
HEADER_ROWS = 2


def sheet_name(os_number) -> str:
    return f"OS {os_number}"


def sheet_values(action: Action, heading: TableHeading) -> tuple:
    """The 15 cells of an action's line on an OS sheet: the table's, then "En retard"."""
    return (*table_values(action), late_mark(action, heading.today))


def summary_lines(actions: list[Action]) -> list[tuple]:
    summary = status_summary(actions)
    lines = [
        (
            os["os_number"],
            os["os_title"],
            *os["by_status"].values(),
            os["total"],
            os["done_percent"],
            os["progress_percent"],
        )
        for os in summary["by_os"]
    ]
    lines.append(
        (
            TOTAL,
            "",
            *summary["by_status"].values(),
            summary["total"],
            summary["done_percent"],
            summary["progress_percent"],
        )
    )
    return lines


def excel_column(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


# ---------------------------------------------------------------- print layout

#: A4 landscape less 1 cm margins, in points; 1 character of Calibri 11 is about 7 px = 5.25 pt.
PRINTABLE_WIDTH, PRINTABLE_HEIGHT = 785, 510
POINTS_PER_CHARACTER = 5.25
MARGIN_INCHES = 0.4


def print_scale(widths) -> float:
    """The zoom that "fit to one page wide" gives these columns (at most 100 %)."""
    return min(1.0, PRINTABLE_WIDTH / (sum(widths) * POINTS_PER_CHARACTER))


def printed_pages(heights: list[float], widths) -> int:
    """Landscape pages a sheet prints on, one page wide, with its HEADER_ROWS on each page.

    `heights` are the row heights in points, header rows first.
    """
    scale = print_scale(widths)
    repeated = sum(heights[:HEADER_ROWS]) * scale
    room = PRINTABLE_HEIGHT - repeated
    pages, used = 1, 0.0
    for height in heights[HEADER_ROWS:]:
        if used and used + height * scale > room:
            pages, used = pages + 1, 0.0
        used += height * scale
    return pages


# ---------------------------------------------------------------- xlsx (openpyxl)


#: Points per line of 11-point text, and Excel's ceiling for a row.
LINE_HEIGHT, MAX_ROW_HEIGHT = 15, 409
TITLE_HEIGHT = 24


def row_height(values, widths) -> float:
    """Height in points that shows every wrapped line of the row's cells.

    >>> row_height(["court", "x" * 50], [10, 20])
    45
    """
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            per_line = max(1, int(width))
            count = sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))
            lines = max(lines, count)
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def _lay_out_for_print(sheet) -> None:
    """A4 landscape, one page wide and as many tall as needed, title and header repeated."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"1:{HEADER_ROWS}"
    sheet.print_options.horizontalCentered = True
    for side in ("left", "right", "top", "bottom"):
        setattr(sheet.page_margins, side, MARGIN_INCHES)
    sheet.oddFooter.center.text = "page &P / &N"
    sheet.oddFooter.center.size = 9


def table_xlsx(actions: list[Action], heading: TableHeading | None = None) -> bytes:
    """The workbook as xlsx bytes; `heading` names the organisation, plan and moment."""
    heading = heading or TableHeading()
    # Write-only mode streams the rows: 10,000 actions in a fraction of the memory.
    workbook = Workbook(write_only=True)
    title = NamedStyle("Titre", font=Font(bold=True, size=14))
    header = NamedStyle(
        "En-tête",
        font=Font(bold=True),
        fill=PatternFill("solid", fgColor="E8EEF7"),
        alignment=Alignment(wrap_text=True, vertical="top"),
    )
    wrapped = NamedStyle("Texte", alignment=Alignment(wrap_text=True, vertical="top"))
    timestamp = NamedStyle(
        "Horodatage", number_format="yyyy-mm-dd hh:mm", alignment=Alignment(vertical="top")
    )
    percent = NamedStyle("Pourcentage", number_format="0.0", alignment=Alignment(vertical="top"))
    for style in (title, header, wrapped, timestamp, percent):
        workbook.add_named_style(style)
    fills = {status: PatternFill("solid", fgColor=tint) for status, tint in STATUS_FILLS.items()}

    def cell(sheet, value, style, fill=None):
        result = WriteOnlyCell(sheet, clean(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            result.data_type = "s"  # never a formula, even when the text starts with "="
        result.style = style
        if fill is not None:
            result.fill = fill
        return result

    rows_written: dict[str, int] = {}

    def append(sheet, values, styles, widths, fill=None, height=None):
        # Spreadsheet programs do not grow a row for wrapped text on their own: say how tall.
        rows_written[sheet.title] = number = rows_written.get(sheet.title, 0) + 1
        sheet.row_dimensions[number].height = height or row_height(values, widths)
        sheet.append([cell(sheet, v, s, fill) for v, s in zip(values, styles, strict=True)])

    def start_sheet(name, headers, widths):
        sheet = workbook.create_sheet(name)
        for index, width in enumerate(widths):
            sheet.column_dimensions[excel_column(index)].width = width
        sheet.freeze_panes = f"A{HEADER_ROWS + 1}"
        _lay_out_for_print(sheet)
        # The title is not wrapped: it runs over the empty cells to its right.
        sheet.row_dimensions[1].height = TITLE_HEIGHT
        rows_written[name] = 1
        sheet.append([cell(sheet, heading.text, "Titre")])
        append(sheet, headers, [header] * len(headers), widths)
        return sheet

    summary = start_sheet(SUMMARY_SHEET, SUMMARY_HEADERS, SUMMARY_WIDTHS)
    for line in summary_lines(actions):
        styles = ["Texte"] * 8 + ["Pourcentage"] * 2
        append(summary, line, styles, SUMMARY_WIDTHS)

    styles = ["Texte"] * len(SHEET_HEADERS)
    styles[TIMESTAMP_COLUMN] = "Horodatage"
    last_column = excel_column(len(SHEET_HEADERS) - 1)
    for os_group in group_plan(actions):
        sheet = start_sheet(sheet_name(os_group.number), SHEET_HEADERS, COLUMN_WIDTHS)
        members = os_group.actions
        sheet.auto_filter.ref = f"A{HEADER_ROWS}:{last_column}{len(members) + HEADER_ROWS}"
        for action in members:
            values = sheet_values(action, heading)
            append(sheet, values, styles, COLUMN_WIDTHS, fills[action.status])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_printed_pages(actions: list[Action], heading: TableHeading | None = None) -> int:
    """Landscape pages the xlsx prints on (every sheet), by the fit-to-width arithmetic."""
    heading = heading or TableHeading()
    summary = [TITLE_HEIGHT, row_height(SUMMARY_HEADERS, SUMMARY_WIDTHS)]
    summary += [row_height(line, SUMMARY_WIDTHS) for line in summary_lines(actions)]
    pages = printed_pages(summary, SUMMARY_WIDTHS)
    for os_group in group_plan(actions):
        heights = [TITLE_HEIGHT, row_height(SHEET_HEADERS, COLUMN_WIDTHS)]
        heights += [row_height(sheet_values(a, heading), COLUMN_WIDTHS) for a in os_group.actions]
        pages += printed_pages(heights, COLUMN_WIDTHS)
    return pages
