"""An Excel workbook (.xlsx): its sheets with a PST table, merged cells spread.

    >>> from reports.spreadsheet_xlsx import table_xlsx
    >>> from storage.actions import list_actions
    >>> data = table_xlsx(list_actions(db, plan_id))  # the bundled plan, exported as a table
    >>> pst = parse_xlsx(data)
    >>> len(pst.actions), pst.actions[0].oo_number, pst.actions[0].pilots, pst.actions[0].line
    (127, '1.1', ['LM', 'MR', 'MAC', 'DB'], 5)

Each sheet's XML is read as a stream, a cell at a time (`safe_xml.iter_xml`), whatever size
the file declares ("A1:XFD1048576", a row numbered a million): only the rows holding something
are kept, at most MAX_ROWS of them, of at most MAX_COLUMNS cells, within the workbook's
`CellBudget`. Values are read as openpyxl reads them with data_only (a formula's last value,
dates and percentages by the cell's number format), and its merged ranges
(`<mergeCell ref="A3:A9"/>`) in the same pass.
"""

import re
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import xlrd
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

from storage.importing.delimited import read_csv
from storage.importing.messages import MESSAGES
from storage.importing.model import MAX_ROWS, ImportFormatError, ParsedPST
from storage.importing.safe_xml import iter_xml
from storage.importing.sheets import parse_sheets
from storage.importing.workbooks import (
    MAX_COLUMNS,
    OLE_MAGIC,
    CellBudget,
    archive_part,
    number_text,
    open_archive,
)
from storage.importing.xlsx_book import DATE, DURATION, MAIN, PERCENT, Book, read_book, string_text

#: Merged ranges a sheet may have; a PST's table has a few hundred.
MAX_MERGED = MAX_ROWS
ROW, CELL, VALUE, INLINE, MERGED, FORMULA = (
    MAIN + n for n in ("row", "c", "v", "is", "mergeCell", "f")
)
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_RANGE = re.compile(r"([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})")

Rows = list[tuple[int, list[str]]]


def parse_xlsx(data: bytes) -> ParsedPST:
    """Parse the sheets of an Excel workbook that hold a PST table (see `parse_sheets`); line
    numbers are sheet row numbers.

    A workbook written by a program that computes nothing (a script, an export) may hold
    formulas without the value Excel would have saved: such cells would read as empty, so the
    file is refused, the refusal saying so and how to fix it (`formulas_without_values`)."""
    formulas: list[tuple[str, str, int]] = []  # (sheet, cell, row) of formulas without values
    sheets = read_xlsx(data, formulas)
    try:
        parsed = parse_sheets(sheets)
    except ImportFormatError as error:
        if not formulas:
            raise
        raise _without_values(formulas) from error
    finally:
        sheets.close()
    if formulas:  # read as empty cells: a code, a pilot, a deadline would be lost
        raise _without_values(formulas)
    return parsed


def _without_values(formulas: list[tuple[str, str, int]]) -> ImportFormatError:
    sheet, cell, line = formulas[0]
    message = MESSAGES["formulas_without_values"].format(
        count=len(formulas), cell=cell, sheet=sheet
    )
    return ImportFormatError(message, line)


def read_xlsx(
    data: bytes, formulas: list[tuple[str, str, int]] | None = None
) -> Iterator[tuple[str, Rows]]:
    """The workbook's sheets, one at a time (each read when asked for), as (name, rows), each
    row (row number, cell texts) with merged cells spread; rows that hold nothing are left out.
    Formulas without a saved value are listed in `formulas` as (sheet, cell, row)."""
    formulas = [] if formulas is None else formulas
    budget = CellBudget()
    with open_archive(data, "unreadable_xlsx") as archive:
        book = read_book(archive, budget)
        if not book.sheets:
            detail = "aucune feuille de calcul"
            raise ImportFormatError(MESSAGES["unreadable_xlsx"].format(detail=detail))
        for name, path in book.sheets:
            found: list[tuple[str, int]] = []
            rows = _read_sheet(archive, path, book, budget, found)
            formulas.extend((name, cell, line) for cell, line in found)
            yield name, rows


def _read_sheet(
    archive: zipfile.ZipFile, path: str, book: Book, budget: CellBudget, formulas: list
) -> Rows:
    rows: Rows = []
    merged: list[tuple[int, int, int]] = []  # (column, first row, last row)
    cells: list[str] = []
    line = column = row_elements = 0
    with archive_part(archive, path, "unreadable_xlsx") as stream:
        for event, element in iter_xml(stream, f"« {path} »", {CELL}, allowance=budget.elements):
            tag = element.tag
            if event == "start":
                if tag == ROW:
                    row_elements += 1
                    if row_elements > 2 * MAX_ROWS:
                        raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
                    line = _count(element.get("r"), line + 1)
                    cells, column = [], 0
            elif tag == CELL:
                budget.cell()
                column = _column(element.get("r"), column + 1)
                if element.find(FORMULA) is not None and not element.findtext(VALUE):
                    formulas.append((element.get("r") or f"ligne {line}", line))
                if column <= MAX_COLUMNS and (text := budget.text(_value(element, book), line)):
                    cells.extend([""] * (column - len(cells)))
                    cells[column - 1] = text
            elif tag == ROW and cells:
                if len(rows) >= MAX_ROWS:
                    raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
                rows.append((line, cells))
            elif tag == MERGED and (found := _RANGE.fullmatch(element.get("ref", ""))):
                if len(merged) >= MAX_MERGED:
                    raise ImportFormatError(MESSAGES["too_many_merged"].format(limit=MAX_MERGED))
                merged.append((column_index_from_string(found[1]), int(found[2]), int(found[4])))
    rows.sort(key=lambda row: row[0])  # as Excel writes them; a file made by hand may not
    _spread(rows, merged)
    return rows


def _count(text: str | None, default: int) -> int:
    """A row number as written (r="12"), else the one after the last."""
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 8 else default


def _column(reference: str | None, default: int) -> int:
    """The column of a cell reference ("C12" -> 3), else the one after the last."""
    found = _REFERENCE.fullmatch(reference or "")
    return column_index_from_string(found[1]) if found else default


def _value(cell, book: Book) -> str:
    """A cell's value as text, as openpyxl would give it then `_text` writes it."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(INLINE)
        return "" if inline is None else string_text(inline).strip()
    value = cell.findtext(VALUE) or ""
    if not value:
        return ""
    if kind == "s":
        index = _count(value, -1)
        return book.strings[index].strip() if 0 <= index < len(book.strings) else ""
    if kind == "b":
        return str(value.strip() not in ("0", "false"))
    if kind == "d":
        return _text(_iso(value))
    if kind != "n":
        return value.strip()  # "str" (a formula's text), "e" (an error such as #N/A)
    return _number(value.strip(), book.styles.get(_count(cell.get("s"), 0)), book)


def _number(value: str, style: str | None, book: Book) -> str:
    try:
        number: int | float = float(value) if any(c in value for c in ".eE") else int(value)
    except ValueError:
        return value  # not a number after all: the text written
    if style in (DATE, DURATION):
        try:
            return _text(from_excel(number, book.epoch, timedelta=style == DURATION))
        except (OverflowError, ValueError):
            return value  # openpyxl reads "#VALUE!"; the number says more
    if isinstance(number, int):
        return str(number * 100 if style == PERCENT else number)
    return number_text(number, percent=style == PERCENT)


def _iso(value: str) -> datetime | date | time | timedelta | str:
    try:
        return from_ISO8601(value.strip())
    except (ValueError, TypeError):
        return value.strip()


def _text(value: datetime | date | time | timedelta | str) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else str(value)


def _spread(rows: Rows, ranges: list[tuple[int, int, int]]) -> None:
    """Each merged range's value, in its first column, for every row of the range that holds
    something; `rows` in sheet order."""
    numbers = [line for line, _ in rows]
    budget = len(rows) * MAX_COLUMNS  # the most cells the ranges of a valid sheet cover
    for column, first, last in ranges:
        start = bisect_left(numbers, first)
        if column > MAX_COLUMNS or start == len(rows) or numbers[start] != first:
            continue
        top = rows[start][1]
        value = top[column - 1] if column <= len(top) else ""
        for _, cells in rows[start + 1 : bisect_right(numbers, last)]:
            budget -= 1
            if budget < 0:
                message = MESSAGES["too_many_merged"].format(limit=len(rows) * MAX_COLUMNS)
                raise ImportFormatError(message)
            cells.extend([""] * (column - len(cells)))
            cells[column - 1] = value


def parse_xls(data: bytes) -> ParsedPST:
    """A file named .xls: an old Excel workbook (Excel 97-2003), read with `xlrd`; a workbook or a
    text table that web applications name .xls is read as what it is (.xlsx, CSV)."""
    if data.startswith(b"PK"):
        return parse_xlsx(data)
    if data.lstrip()[:1] == b"<":  # an HTML table named .xls: Excel opens it, we do not
        raise ImportFormatError(MESSAGES["xls_is_html"])
    if not data.startswith(OLE_MAGIC):
        return read_csv(data)
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as exc:  # xlrd raises its own XLRDError, struct.error, ...
        raise ImportFormatError(MESSAGES["unreadable_xls"].format(detail=exc)) from exc
    budget = CellBudget()

    def sheets() -> Iterator[tuple[str, Rows]]:
        for index in range(book.nsheets):
            sheet = book.get_sheet(index)
            rows: Rows = []
            for number in range(min(sheet.nrows, MAX_ROWS)):
                cells = []
                for cell in sheet.row(number)[:MAX_COLUMNS]:
                    budget.cell()
                    cells.append(budget.text(_xls_text(cell, book.datemode), number + 1))
                if any(cells):
                    rows.append((number + 1, cells))
            yield sheet.name, rows

    return parse_sheets(sheets())


def _xls_text(cell, datemode: int) -> str:
    if cell.ctype == xlrd.XL_CELL_DATE:
        return _text(xlrd.xldate.xldate_as_datetime(cell.value, datemode))
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return number_text(cell.value)
    if cell.ctype in (xlrd.XL_CELL_TEXT,):
        return str(cell.value).strip()
    return "" if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) else str(cell.value)
