"""The recap table as an OpenDocument spreadsheet (odfpy): the sheets, title rows, print layout
and tints of reports/spreadsheet.py, as the xlsx of reports/spreadsheet_xlsx.py, written for
LibreOffice."""

import io
from collections.abc import Iterable
from datetime import datetime
from xml.sax.saxutils import escape

from reports.grouping import Objective, group_plan
from reports.labels import SHEET_HEADERS, SUMMARY_HEADERS, SUMMARY_SHEET
from reports.spreadsheet import (
    ACTION_ROW,
    EMPTY_ROW,
    FONT_SIZE,
    HEADER_ROWS,
    OO_FILL,
    OO_ROW,
    OS_FILL,
    OS_ROW,
    SUMMARY_WIDTHS,
    TIMESTAMP_COLUMN,
    SheetLine,
    band_spills,
    excel_column,
    sheet_headers,
    sheet_lines,
    sheet_name,
    sheet_widths,
    summary_lines,
)
from reports.table import STATUS_FILLS, Fields, TableHeading, field_columns
from reports.xml_text import clean
from storage.actions import Action


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
        shown = value.strftime("%d/%m/%Y")
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


def table_ods(
    actions: list[Action],
    heading: TableHeading | None = None,
    outline: Iterable[Objective] = (),
    fields: Fields | None = None,
) -> bytes:
    """The workbook as OpenDocument spreadsheet bytes; `heading`, `outline` and `fields` as
    for `table_xlsx`."""
    from odf import config as c  # heavy: loaded when this format is asked for
    from odf import number as n
    from odf import style as s
    from odf import table as t
    from odf import text as tx
    from odf.opendocument import OpenDocumentSpreadsheet

    from reports.odfraw import RawXml  # imports odfpy, so it is loaded late too

    heading = heading or TableHeading()
    columns = field_columns(actions, fields)
    headers, widths = sheet_headers(columns), sheet_widths(columns)
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
    # Calc prints a footer only when the page layout gives it a place.
    footer_layout = s.FooterStyle()
    footer_layout.addElement(s.HeaderFooterProperties(minheight="0.5cm", margintop="0.25cm"))
    layout.addElement(footer_layout)
    styles.addElement(layout)
    master = s.MasterPage(name="Tableau", pagelayoutname=layout)
    footer = s.Footer()
    centre = s.RegionCenter()
    footer_text = tx.P(text="page ")
    footer_text.addElement(tx.PageNumber(selectpage="current"))
    footer_text.addText(" / ")
    footer_text.addElement(tx.PageCount())
    centre.addElement(footer_text)
    footer.addElement(centre)
    master.addElement(footer)
    ods.masterstyles.addElement(master)
    sheet_style = s.Style(name="Feuille", family="table", masterpagename="Tableau")
    sheet_style.addElement(s.TableProperties(display="true"))
    styles.addElement(sheet_style)

    # The xlsx's font and size, so that the columns hold as much text and print as large.
    default_cell = s.DefaultStyle(family="table-cell")
    default_cell.addElement(s.TextProperties(fontfamily="Calibri", fontsize=f"{FONT_SIZE}pt"))
    ods.styles.addElement(default_cell)
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
        n.Day(style="long"),
        "/",
        n.Month(style="long"),
        "/",
        n.Year(style="long"),
    ):  # the day only: a column narrow enough for the page (the time is in the cell's value)
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

    # The band rows: bold on the band's tint, wrapped or on one line over the empty cells.
    bands = {}
    for kind, tint in ((OS_ROW, OS_FILL), (OO_ROW, OO_FILL), (EMPTY_ROW, None)):
        for wrapped in (True, False):
            name = f"Band{kind.title()}{'Wrapped' if wrapped else 'Line'}"
            band = s.Style(name=name, family="table-cell")
            properties = {"verticalalign": "top"}
            if tint:
                properties["backgroundcolor"] = f"#{tint}"
            if wrapped:
                properties["wrapoption"] = "wrap"
            band.addElement(s.TableCellProperties(**properties))
            if kind == EMPTY_ROW:
                band.addElement(s.TextProperties(fontstyle="italic"))
            else:
                band.addElement(s.TextProperties(fontweight="bold"))
            ods.styles.addElement(band)  # common, as the tints: the rows are raw XML
            bands[kind, wrapped] = name

    def line_style(line: SheetLine) -> list[str]:
        if line.kind != ACTION_ROW:
            return [bands[line.kind, not band_spills(line, widths)]] * len(headers)
        text_name, time_name = tinted[line.status]
        names = [text_name] * len(headers)
        names[TIMESTAMP_COLUMN] = time_name
        return names

    width_styles = {}

    def column_style(width: int):
        if width not in width_styles:
            style = s.Style(name=f"Width{width}", family="table-column")
            # As wide as in the xlsx: a character is a digit of Calibri 11, 7 px, plus 5 px.
            centimetres = (width * 7 + 5) * 2.54 / 96
            style.addElement(s.TableColumnProperties(columnwidth=f"{centimetres:.2f}cm"))
            styles.addElement(style)
            width_styles[width] = style
        return width_styles[width]

    def add_sheet(name, names, sizes, lines, line_styles=None):
        sheet = t.Table(name=name, stylename=sheet_style)
        for index, width in enumerate(sizes):
            dated = names[: len(SHEET_HEADERS)] == SHEET_HEADERS and index == TIMESTAMP_COLUMN
            default = timestamp_style if dated else wrap_style
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
        for title in names:
            header_cell = t.TableCell(valuetype="string", stylename=header_style)
            header_cell.addElement(tx.P(text=title))
            header_row.addElement(header_cell)
        header_rows.addElement(header_row)
        sheet.addElement(header_rows)
        sheet.appendChild(RawXml(_ods_rows(lines, line_styles)))  # see odfraw.py
        ods.spreadsheet.addElement(sheet)

    summary = summary_lines(actions, outline)
    sheets = [(SUMMARY_SHEET, SUMMARY_HEADERS, SUMMARY_WIDTHS, summary, None)]
    for os_group in group_plan(actions, outline):
        rows = list(sheet_lines(os_group, heading, fields, columns))
        lines = [line.values for line in rows]
        line_styles = [line_style(line) for line in rows]
        name = sheet_name(os_group.number)
        sheets.append((name, headers, widths, lines, line_styles))
    for sheet in sheets:
        add_sheet(*sheet)

    # Autofilter on every OS sheet: LibreOffice keeps one anonymous database range per sheet.
    ranges = t.DatabaseRanges()
    for index, (name, names, _, lines, _) in enumerate(sheets[1:], start=1):
        last = f"{excel_column(len(names) - 1)}{len(lines) + HEADER_ROWS}"
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
