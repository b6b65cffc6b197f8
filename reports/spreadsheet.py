"""The recap table as a workbook: a "Synthèse" sheet, then one sheet per OS ("OS 1", ...).

Each sheet opens with a title row (organisation, plan, date) above its header row; the OS
sheets carry the CSV columns plus "En retard", rows tinted by status, a frozen header, an
autofilter, fixed column widths and wrapped text. Printed, each sheet is A4 landscape, one page
wide, with the title and header rows repeated on every page and "page X / Y" at the foot. The
same sheets are written as xlsx (openpyxl) and ods (odfpy).
"""

import io
import math
from datetime import datetime
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.worksheet.properties import PageSetupProperties

from reports.labels import SHEET_HEADERS, SUMMARY_HEADERS, SUMMARY_SHEET, TOTAL
from reports.plan import clean, group_plan, status_summary
from reports.table import STATUS_FILLS, TableHeading, late_mark, table_values

#: Column widths in characters, in SHEET_HEADERS order: 230 characters, printed one page wide
#: at about 60 % on A4 landscape (the titles of OS and OO wrap, the action's title is widest).
COLUMN_WIDTHS = (4, 20, 6, 24, 7, 40, 22, 10, 12, 11, 10, 8, 32, 16, 8)
SUMMARY_WIDTHS = (5, 45, 10, 10, 10, 11, 12, 8, 11, 12)
_TIMESTAMP_COLUMN = 13
_STATUS_COLUMN = 9
#: Rows above the data: the title, then the header (repeated on every printed page).
HEADER_ROWS = 2


def sheet_name(os_number) -> str:
    return f"OS {os_number}"


def sheet_values(row: dict, heading: TableHeading) -> tuple:
    """The 15 cells of an action's line on an OS sheet: the table's, then "En retard"."""
    return (*table_values(row), late_mark(row, heading.today))


def _summary_lines(rows: list[dict]) -> list[tuple]:
    summary = status_summary(rows)
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


def _excel_column(index: int) -> str:
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


def table_xlsx(rows: list[dict], heading: TableHeading | None = None) -> bytes:
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
            sheet.column_dimensions[_excel_column(index)].width = width
        sheet.freeze_panes = f"A{HEADER_ROWS + 1}"
        _lay_out_for_print(sheet)
        # The title is not wrapped: it runs over the empty cells to its right.
        sheet.row_dimensions[1].height = TITLE_HEIGHT
        rows_written[name] = 1
        sheet.append([cell(sheet, heading.text, "Titre")])
        append(sheet, headers, [header] * len(headers), widths)
        return sheet

    summary = start_sheet(SUMMARY_SHEET, SUMMARY_HEADERS, SUMMARY_WIDTHS)
    for line in _summary_lines(rows):
        styles = ["Texte"] * 8 + ["Pourcentage"] * 2
        append(summary, line, styles, SUMMARY_WIDTHS)

    styles = ["Texte"] * len(SHEET_HEADERS)
    styles[_TIMESTAMP_COLUMN] = "Horodatage"
    last_column = _excel_column(len(SHEET_HEADERS) - 1)
    for os_group in group_plan(rows):
        sheet = start_sheet(sheet_name(os_group.number), SHEET_HEADERS, COLUMN_WIDTHS)
        actions = os_group.actions
        sheet.auto_filter.ref = f"A{HEADER_ROWS}:{last_column}{len(actions) + HEADER_ROWS}"
        for row in actions:
            append(sheet, sheet_values(row, heading), styles, COLUMN_WIDTHS, fills[row["status"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_printed_pages(rows: list[dict], heading: TableHeading | None = None) -> int:
    """Landscape pages the xlsx prints on (every sheet), by the fit-to-width arithmetic."""
    heading = heading or TableHeading()
    summary = [TITLE_HEIGHT, row_height(SUMMARY_HEADERS, SUMMARY_WIDTHS)]
    summary += [row_height(line, SUMMARY_WIDTHS) for line in _summary_lines(rows)]
    pages = printed_pages(summary, SUMMARY_WIDTHS)
    for os_group in group_plan(rows):
        heights = [TITLE_HEIGHT, row_height(SHEET_HEADERS, COLUMN_WIDTHS)]
        heights += [row_height(sheet_values(r, heading), COLUMN_WIDTHS) for r in os_group.actions]
        pages += printed_pages(heights, COLUMN_WIDTHS)
    return pages


# ---------------------------------------------------------------- ods (odfpy)


def _ods_cell(value, style: str = "") -> str:
    """One <table:table-cell> as XML text; `style` names an automatic cell style."""
    styled = f' table:style-name="{style}"' if style else ""
    if value is None or value == "":
        return f"<table:table-cell{styled}/>"
    if isinstance(value, bool) or not isinstance(value, int | float | datetime):
        paragraphs = "".join(
            f"<text:p>{escape(line)}</text:p>" for line in clean(value).split("\n")
        )
        return (
            f'<table:table-cell{styled} office:value-type="string">{paragraphs}</table:table-cell>'
        )
    if isinstance(value, datetime):
        shown = value.strftime("%Y-%m-%d %H:%M")
        return (
            f'<table:table-cell{styled} office:value-type="date" '
            f'office:date-value="{value.isoformat(timespec="seconds")}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell{styled} office:value-type="float" office:value="{value}">'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def _ods_rows(lines, line_styles=None) -> str:
    """Rows of cells; `line_styles[i]` gives the style of each cell of line i (or None)."""
    line_styles = line_styles or [None] * len(lines)
    return "".join(
        "<table:table-row>"
        + "".join(_ods_cell(v, st) for v, st in zip(line, styles or [""] * len(line), strict=True))
        + "</table:table-row>"
        for line, styles in zip(lines, line_styles, strict=True)
    )


#: The printed page of every sheet (ODF lengths).
PAGE_WIDTH, PAGE_HEIGHT, PAGE_MARGIN = "29.7cm", "21cm", "1cm"


def table_ods(rows: list[dict], heading: TableHeading | None = None) -> bytes:
    """The workbook as OpenDocument spreadsheet bytes; `heading` as for `table_xlsx`."""
    from odf import config as c  # heavy: loaded when this format is asked for
    from odf import number as n
    from odf import style as s
    from odf import table as t
    from odf import text as tx
    from odf.opendocument import OpenDocumentSpreadsheet

    from reports.odfraw import RawXml  # imports odfpy, so it is loaded late too

    heading = heading or TableHeading()
    ods = OpenDocumentSpreadsheet()
    styles = ods.automaticstyles

    # A4 landscape, one page wide (LibreOffice's scale-to-X/Y), "page X / Y" at the foot.
    layout = s.PageLayout(name="Paysage")
    layout.addElement(
        s.PageLayoutProperties(
            printorientation="landscape",
            pagewidth=PAGE_WIDTH,
            pageheight=PAGE_HEIGHT,
            margintop=PAGE_MARGIN,
            marginbottom=PAGE_MARGIN,
            marginleft=PAGE_MARGIN,
            marginright=PAGE_MARGIN,
            scaletox="1",
            scaletoy="0",
        )
    )
    styles.addElement(layout)
    master = s.MasterPage(name="Tableau", pagelayoutname=layout)
    footer = s.Footer()
    footer_text = tx.P(text="page ")
    footer_text.addElement(tx.PageNumber(selectpage="current"))
    footer_text.addText(" / ")
    footer_text.addElement(tx.PageCount())
    footer.addElement(footer_text)
    master.addElement(footer)
    ods.masterstyles.addElement(master)
    sheet_style = s.Style(name="Feuille", family="table", masterpagename="Tableau")
    sheet_style.addElement(s.TableProperties(display="true"))
    styles.addElement(sheet_style)

    title_style = s.Style(name="Title", family="table-cell")
    title_style.addElement(s.TextProperties(fontweight="bold", fontsize="14pt"))
    header_style = s.Style(name="Header", family="table-cell")
    header_style.addElement(
        s.TableCellProperties(backgroundcolor="#e8eef7", wrapoption="wrap", verticalalign="top")
    )
    header_style.addElement(s.TextProperties(fontweight="bold"))
    wrap_style = s.Style(name="Wrapped", family="table-cell")
    wrap_style.addElement(s.TableCellProperties(wrapoption="wrap", verticalalign="top"))
    date_format = n.DateStyle(name="Timestamp_format")
    for part in (
        n.Year(style="long"),
        "-",
        n.Month(style="long"),
        "-",
        n.Day(style="long"),
        " ",
        n.Hours(style="long"),
        ":",
        n.Minutes(style="long"),
    ):
        date_format.addElement(n.Text(text=part) if isinstance(part, str) else part)
    timestamp_style = s.Style(name="Timestamp", family="table-cell", datastylename=date_format)
    timestamp_style.addElement(s.TableCellProperties(verticalalign="top"))
    ods.styles.addElement(date_format)  # common: the tinted common styles below use it too
    for style in (title_style, header_style, wrap_style, timestamp_style):
        styles.addElement(style)

    # Per status, a tinted text cell and a tinted timestamp cell (index = REPORT order).
    tinted: dict[str, tuple[str, str]] = {}
    for index, (status, tint) in enumerate(STATUS_FILLS.items()):
        text_name, time_name = f"Status{index}", f"StatusTime{index}"
        text_tint = s.Style(name=text_name, family="table-cell")
        text_tint.addElement(
            s.TableCellProperties(
                backgroundcolor=f"#{tint}", wrapoption="wrap", verticalalign="top"
            )
        )
        time_tint = s.Style(name=time_name, family="table-cell", datastylename=date_format)
        time_tint.addElement(s.TableCellProperties(backgroundcolor=f"#{tint}", verticalalign="top"))
        # Common styles: odfpy writes only the automatic styles it sees used, and the rows
        # that use these are raw XML (odfraw.py).
        ods.styles.addElement(text_tint)
        ods.styles.addElement(time_tint)
        tinted[status] = (text_name, time_name)

    def line_style(row: dict) -> list[str]:
        text_name, time_name = tinted[row["status"]]
        names = [text_name] * len(SHEET_HEADERS)
        names[_TIMESTAMP_COLUMN] = time_name
        return names

    width_styles = {}

    def column_style(width: int):
        if width not in width_styles:
            style = s.Style(name=f"Width{width}", family="table-column")
            # A character of the default 10 pt font is about 0.22 cm wide.
            style.addElement(s.TableColumnProperties(columnwidth=f"{width * 0.22:.2f}cm"))
            styles.addElement(style)
            width_styles[width] = style
        return width_styles[width]

    def add_sheet(name, headers, widths, lines, line_styles=None):
        sheet = t.Table(name=name, stylename=sheet_style)
        for index, width in enumerate(widths):
            default = timestamp_style if index == _TIMESTAMP_COLUMN else wrap_style
            sheet.addElement(
                t.TableColumn(stylename=column_style(width), defaultcellstylename=default)
            )
        # Header rows are repeated at the top of every printed page: the title and the header.
        header_rows = t.TableHeaderRows()
        title_row = t.TableRow()
        title_cell = t.TableCell(valuetype="string", stylename=title_style)
        title_cell.addElement(tx.P(text=heading.text))
        title_row.addElement(title_cell)
        header_rows.addElement(title_row)
        header_row = t.TableRow()
        for title in headers:
            header_cell = t.TableCell(valuetype="string", stylename=header_style)
            header_cell.addElement(tx.P(text=title))
            header_row.addElement(header_cell)
        header_rows.addElement(header_row)
        sheet.addElement(header_rows)
        sheet.appendChild(RawXml(_ods_rows(lines, line_styles)))  # see odfraw.py
        ods.spreadsheet.addElement(sheet)

    sheets = [(SUMMARY_SHEET, SUMMARY_HEADERS, SUMMARY_WIDTHS, _summary_lines(rows), None)]
    for os_group in group_plan(rows):
        lines = [sheet_values(row, heading) for row in os_group.actions]
        line_styles = [line_style(row) for row in os_group.actions]
        name = sheet_name(os_group.number)
        sheets.append((name, SHEET_HEADERS, COLUMN_WIDTHS, lines, line_styles))
    for sheet in sheets:
        add_sheet(*sheet)

    # Autofilter on every OS sheet: LibreOffice keeps one anonymous database range per sheet.
    ranges = t.DatabaseRanges()
    for index, (name, headers, _, lines, _) in enumerate(sheets[1:], start=1):
        last = f"{_excel_column(len(headers) - 1)}{len(lines) + HEADER_ROWS}"
        ranges.addElement(
            t.DatabaseRange(
                name=f"__Anonymous_Sheet_DB__{index}",
                targetrangeaddress=f"'{name}'.A{HEADER_ROWS}:'{name}'.{last}",
                displayfilterbuttons="true",
            )
        )
    ods.spreadsheet.addElement(ranges)

    # Frozen header row: a view setting per sheet, as LibreOffice writes it.
    def item(name, kind, value):
        element = c.ConfigItem(name=name, type=kind)
        element.addText(str(value))
        return element

    view_settings = c.ConfigItemSet(name="ooo:view-settings")
    views = c.ConfigItemMapIndexed(name="Views")
    view = c.ConfigItemMapEntry()
    view.addElement(item("ViewId", "string", "view1"))
    tables = c.ConfigItemMapNamed(name="Tables")
    for name, *_ in sheets:
        entry = c.ConfigItemMapEntry(name=name)
        for setting in (
            ("VerticalSplitMode", "short", 2),
            ("VerticalSplitPosition", "int", HEADER_ROWS),
            ("ActiveSplitRange", "short", 2),
            ("PositionTop", "int", 0),
            ("PositionBottom", "int", HEADER_ROWS),
        ):
            entry.addElement(item(*setting))
        tables.addElement(entry)
    view.addElement(tables)
    views.addElement(view)
    view_settings.addElement(views)
    ods.settings.addElement(view_settings)

    buffer = io.BytesIO()
    ods.write(buffer)
    return buffer.getvalue()
