"""The recap table as an Excel workbook (openpyxl): the sheets, title rows, print layout and
tints of reports/spreadsheet.py, written for Excel (reports/spreadsheet_ods.py writes the same
for LibreOffice)."""

import io
from collections.abc import Iterable
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.worksheet.properties import PageSetupProperties

from reports.grouping import Objective, group_plan
from reports.labels import SUMMARY_HEADERS, SUMMARY_SHEET
from reports.spreadsheet import (
    ACTION_ROW,
    EMPTY_ROW,
    FONT_SIZE,
    HEADER_ROWS,
    MARGIN_INCHES,
    OO_FILL,
    OO_ROW,
    OS_FILL,
    OS_ROW,
    SUMMARY_WIDTHS,
    TIMESTAMP_COLUMN,
    TITLE_HEIGHT,
    band_spills,
    excel_column,
    line_height,
    row_height,
    sheet_headers,
    sheet_lines,
    sheet_name,
    sheet_widths,
    summary_lines,
)
from reports.table import STATUS_FILLS, Fields, TableHeading, field_columns
from reports.xml_text import clean
from storage.actions import Action


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


#: Dates print as days: the column is as wide as « 06/12/2021 ».
DAY_FORMAT = "dd/mm/yyyy"


def calibri(size=FONT_SIZE, **style) -> Font:
    """The font of every cell, named: a style without a font name prints in LibreOffice's
    default serif, wider than the columns were measured for."""
    return Font(name="Calibri", size=size, **style)


def table_xlsx(
    actions: list[Action],
    heading: TableHeading | None = None,
    outline: Iterable[Objective] = (),
    fields: Fields | None = None,
) -> bytes:
    """The workbook as xlsx bytes; `heading` names the organisation, plan and moment;
    `outline` (the plan's OOs) adds the OOs that have no action yet; `fields` the actions'
    indicators, budget… (a column for each field some action has)."""
    heading = heading or TableHeading()
    columns = field_columns(actions, fields)
    headers, widths = sheet_headers(columns), sheet_widths(columns)
    # Write-only mode streams the rows: 10,000 actions in a fraction of the memory.
    workbook = Workbook(write_only=True)
    top = Alignment(wrap_text=True, vertical="top")
    named = {
        "Titre": NamedStyle("Titre", font=calibri(bold=True, size=14)),
        "En-tête": NamedStyle(
            "En-tête",
            font=calibri(bold=True),
            fill=PatternFill("solid", fgColor="E8EEF7"),
            alignment=top,
        ),
        "Texte": NamedStyle("Texte", font=calibri(), alignment=top),
        "Horodatage": NamedStyle(
            "Horodatage", font=calibri(), number_format=DAY_FORMAT, alignment=top
        ),
        "Pourcentage": NamedStyle(
            "Pourcentage", font=calibri(), number_format="0.0", alignment=top
        ),
        "Bande OS": NamedStyle(
            "Bande OS",
            font=calibri(bold=True),
            fill=PatternFill("solid", fgColor=OS_FILL),
            alignment=top,
        ),
        "Bande OO": NamedStyle(
            "Bande OO",
            font=calibri(bold=True),
            fill=PatternFill("solid", fgColor=OO_FILL),
            alignment=top,
        ),
        "Bande OS sur une ligne": NamedStyle(
            "Bande OS sur une ligne",
            font=calibri(bold=True),
            fill=PatternFill("solid", fgColor=OS_FILL),
            alignment=Alignment(vertical="top"),
        ),
        "Bande OO sur une ligne": NamedStyle(
            "Bande OO sur une ligne",
            font=calibri(bold=True),
            fill=PatternFill("solid", fgColor=OO_FILL),
            alignment=Alignment(vertical="top"),
        ),
        "Sans action": NamedStyle("Sans action", font=calibri(italic=True), alignment=top),
    }
    for style in named.values():
        workbook.add_named_style(style)
    fills = {status: PatternFill("solid", fgColor=tint) for status, tint in STATUS_FILLS.items()}

    def cell(sheet, value, style, fill=None):
        result = WriteOnlyCell(sheet, clean(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            result.data_type = "s"  # never a formula, even when the text starts with "="
        result.style = style
        if isinstance(value, date):
            # openpyxl gives a datetime its own "yyyy-mm-dd h:mm:ss", too wide: « ### ».
            result.number_format = DAY_FORMAT
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
        append(sheet, headers, ["En-tête"] * len(headers), widths)
        return sheet

    summary = start_sheet(SUMMARY_SHEET, SUMMARY_HEADERS, SUMMARY_WIDTHS)
    for line in summary_lines(actions, outline):
        styles = ["Texte"] * 8 + ["Pourcentage"] * 2
        append(summary, line, styles, SUMMARY_WIDTHS)

    action_styles = ["Texte"] * len(headers)
    action_styles[TIMESTAMP_COLUMN] = "Horodatage"
    last_column = excel_column(len(headers) - 1)
    for os_group in group_plan(actions, outline):
        sheet = start_sheet(sheet_name(os_group.number), headers, widths)
        lines = list(sheet_lines(os_group, heading, fields, columns))
        sheet.auto_filter.ref = f"A{HEADER_ROWS}:{last_column}{len(lines) + HEADER_ROWS}"
        for line in lines:
            height = line_height(line, widths)
            if line.kind == ACTION_ROW:
                append(sheet, line.values, action_styles, widths, fills[line.status])
                continue
            style = {OS_ROW: "Bande OS", OO_ROW: "Bande OO", EMPTY_ROW: "Sans action"}[line.kind]
            if band_spills(line, widths):
                style += " sur une ligne"
            append(sheet, line.values, [style] * len(line.values), widths, None, height)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
