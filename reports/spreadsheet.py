"""The recap table as a workbook: a "Synthèse" sheet, then one sheet per OS ("OS 1", ...).

Each OS sheet has the CSV columns, a frozen header row, an autofilter, fixed column widths and
wrapped text. The same sheets are written as xlsx (openpyxl) and ods (odfpy).
"""

import io
from datetime import datetime
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

from reports.labels import SUMMARY_HEADERS, SUMMARY_SHEET, TABLE_HEADERS, TOTAL
from reports.plan import clean, group_plan, status_summary
from reports.table import table_values

#: Column widths in characters, in TABLE_HEADERS order.
COLUMN_WIDTHS = (5, 30, 7, 30, 7, 45, 25, 14, 14, 11, 11, 9, 45, 17)
SUMMARY_WIDTHS = (5, 45, 10, 10, 10, 11, 12, 8, 11, 12)
_TIMESTAMP_COLUMN = 13


def sheet_name(os_number) -> str:
    return f"OS {os_number}"


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


# ---------------------------------------------------------------- xlsx (openpyxl)


#: Points per line of 11-point text, and Excel's ceiling for a row.
LINE_HEIGHT, MAX_ROW_HEIGHT = 15, 409


def row_height(values, widths) -> float:
    """Height in points that shows every wrapped line of the row's cells.

    >>> row_height(["court", "x" * 50], [10, 20])
    45
    """
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            per_line = max(1, int(width))
            count = sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))
            lines = max(lines, count)
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def table_xlsx(rows: list[dict]) -> bytes:
    """The workbook as xlsx bytes."""
    # Write-only mode streams the rows: 10,000 actions in a fraction of the memory.
    workbook = Workbook(write_only=True)
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
    for style in (header, wrapped, timestamp, percent):
        workbook.add_named_style(style)

    def cell(sheet, value, style):
        result = WriteOnlyCell(sheet, clean(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            result.data_type = "s"  # never a formula, even when the text starts with "="
        result.style = style
        return result

    rows_written: dict[str, int] = {}

    def append(sheet, values, styles, widths):
        # Spreadsheet programs do not grow a row for wrapped text on their own: say how tall.
        rows_written[sheet.title] = number = rows_written.get(sheet.title, 0) + 1
        sheet.row_dimensions[number].height = row_height(values, widths)
        sheet.append([cell(sheet, v, s) for v, s in zip(values, styles, strict=True)])

    def start_sheet(title, headers, widths):
        sheet = workbook.create_sheet(title)
        for index, width in enumerate(widths):
            sheet.column_dimensions[_excel_column(index)].width = width
        sheet.freeze_panes = "A2"
        append(sheet, headers, [header] * len(headers), widths)
        return sheet

    summary = start_sheet(SUMMARY_SHEET, SUMMARY_HEADERS, SUMMARY_WIDTHS)
    for line in _summary_lines(rows):
        styles = ["Texte"] * 8 + ["Pourcentage"] * 2
        append(summary, line, styles, SUMMARY_WIDTHS)

    styles = ["Texte"] * len(TABLE_HEADERS)
    styles[_TIMESTAMP_COLUMN] = "Horodatage"
    for os_group in group_plan(rows):
        sheet = start_sheet(sheet_name(os_group.number), TABLE_HEADERS, COLUMN_WIDTHS)
        actions = os_group.actions
        last_column = _excel_column(len(TABLE_HEADERS) - 1)
        sheet.auto_filter.ref = f"A1:{last_column}{len(actions) + 1}"
        for row in actions:
            append(sheet, table_values(row), styles, COLUMN_WIDTHS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- ods (odfpy)


def _ods_cell(value) -> str:
    """One <table:table-cell> as XML text."""
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool) or not isinstance(value, int | float | datetime):
        paragraphs = "".join(
            f"<text:p>{escape(line)}</text:p>" for line in clean(value).split("\n")
        )
        return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'
    if isinstance(value, datetime):
        shown = value.strftime("%Y-%m-%d %H:%M")
        return (
            f'<table:table-cell office:value-type="date" '
            f'office:date-value="{value.isoformat(timespec="seconds")}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}">'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def _ods_rows(lines) -> str:
    return "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in line) + "</table:table-row>"
        for line in lines
    )


def table_ods(rows: list[dict]) -> bytes:
    """The workbook as OpenDocument spreadsheet bytes."""
    from odf import config as c  # heavy: loaded when this format is asked for
    from odf import number as n
    from odf import style as s
    from odf import table as t
    from odf import text as tx
    from odf.opendocument import OpenDocumentSpreadsheet

    from reports.odfraw import RawXml  # imports odfpy, so it is loaded late too

    ods = OpenDocumentSpreadsheet()
    styles = ods.automaticstyles

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
    for style in (header_style, wrap_style, date_format, timestamp_style):
        styles.addElement(style)

    width_styles = {}

    def column_style(width: int):
        if width not in width_styles:
            style = s.Style(name=f"Width{width}", family="table-column")
            # A character of the default 10 pt font is about 0.22 cm wide.
            style.addElement(s.TableColumnProperties(columnwidth=f"{width * 0.22:.2f}cm"))
            styles.addElement(style)
            width_styles[width] = style
        return width_styles[width]

    def add_sheet(name, headers, widths, lines):
        sheet = t.Table(name=name)
        for index, width in enumerate(widths):
            default = timestamp_style if index == _TIMESTAMP_COLUMN else wrap_style
            sheet.addElement(
                t.TableColumn(stylename=column_style(width), defaultcellstylename=default)
            )
        header_rows = t.TableHeaderRows()
        header_row = t.TableRow()
        for title in headers:
            header_cell = t.TableCell(valuetype="string", stylename=header_style)
            header_cell.addElement(tx.P(text=title))
            header_row.addElement(header_cell)
        header_rows.addElement(header_row)
        sheet.addElement(header_rows)
        sheet.appendChild(RawXml(_ods_rows(lines)))  # see odfraw.py
        ods.spreadsheet.addElement(sheet)

    sheets = [(SUMMARY_SHEET, SUMMARY_HEADERS, SUMMARY_WIDTHS, _summary_lines(rows))]
    for os_group in group_plan(rows):
        lines = [table_values(row) for row in os_group.actions]
        sheets.append((sheet_name(os_group.number), TABLE_HEADERS, COLUMN_WIDTHS, lines))
    for sheet in sheets:
        add_sheet(*sheet)

    # Autofilter on every OS sheet: LibreOffice keeps one anonymous database range per sheet.
    ranges = t.DatabaseRanges()
    for index, (name, headers, _, lines) in enumerate(sheets[1:], start=1):
        last = f"{_excel_column(len(headers) - 1)}{len(lines) + 1}"
        ranges.addElement(
            t.DatabaseRange(
                name=f"__Anonymous_Sheet_DB__{index}",
                targetrangeaddress=f"'{name}'.A1:'{name}'.{last}",
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
            ("VerticalSplitPosition", "int", 1),
            ("ActiveSplitRange", "short", 2),
            ("PositionTop", "int", 0),
            ("PositionBottom", "int", 1),
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
