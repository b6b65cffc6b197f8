"""An OpenDocument spreadsheet (.ods, LibreOffice's own format): its tables with a PST.

    >>> from reports.spreadsheet_ods import table_ods
    >>> from storage.actions import list_actions
    >>> data = table_ods(list_actions(db, plan_id))   # the bundled plan, exported as a table
    >>> pst = parse_ods(data)
    >>> len(pst.actions), pst.actions[0].oo_number, pst.actions[0].pilots, pst.actions[0].line
    (127, '1.1', ['LM', 'MR', 'MAC', 'DB'], 5)

`content.xml` is read as a stream (`safe_xml.iter_xml`), one row at a time and each row let
go once read, within the bounds of an XLSX: at most MAX_ROWS rows holding something, of at most
MAX_COLUMNS cells, within a `CellBudget`. LibreOffice writes a run of identical rows or cells
once, with a count (table:number-rows-repeated, table:number-columns-repeated; every sheet it
saves ends with about a million repeated empty rows): an empty run is counted, never expanded.
The cells a spanning cell covers (table:covered-table-cell) take its value in its first column,
as merged cells of an XLSX do (`workbooks.py`).
"""

from collections.abc import Iterator
from xml.etree import ElementTree as ET

from storage.importing.messages import MESSAGES
from storage.importing.model import MAX_ROWS, ImportFormatError, ParsedPST
from storage.importing.safe_xml import iter_xml
from storage.importing.sheets import parse_sheets
from storage.importing.workbooks import (
    MAX_COLUMNS,
    CellBudget,
    archive_part,
    number_text,
    open_archive,
)

_TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE_NS = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE, TABLE_NAME, ROW = (_TABLE_NS + n for n in ("table", "name", "table-row"))
CELL, COVERED = _TABLE_NS + "table-cell", _TABLE_NS + "covered-table-cell"
ROWS_REPEATED = _TABLE_NS + "number-rows-repeated"
COLUMNS_REPEATED = _TABLE_NS + "number-columns-repeated"
ROWS_SPANNED = _TABLE_NS + "number-rows-spanned"
VALUE_TYPE, VALUE, DATE_VALUE = (_OFFICE_NS + n for n in ("value-type", "value", "date-value"))
PARAGRAPHS = (_TEXT_NS + "p", _TEXT_NS + "h")
SPACES, TAB, LINE_BREAK = (_TEXT_NS + n for n in ("s", "tab", "line-break"))


def parse_ods(data: bytes) -> ParsedPST:
    """Parse the tables of an .ods file that hold a PST (see `parse_sheets`); line numbers are
    the sheet's row numbers."""
    tables = read_ods(data)
    try:
        return parse_sheets(tables)
    finally:
        tables.close()


def read_ods(data: bytes) -> Iterator[tuple[str, list[tuple[int, list[str]]]]]:
    """The tables, one at a time (each read when asked for), as (name, rows that hold
    something), each row (row number, cell texts)."""
    with open_archive(data, "unreadable_ods") as archive:
        if "content.xml" not in archive.NameToInfo:
            detail = "partie « content.xml » absente"
            raise ImportFormatError(MESSAGES["unreadable_ods"].format(detail=detail))
        with archive_part(archive, "content.xml", "unreadable_ods") as stream:
            yield from _read_tables(stream, CellBudget())


def _read_tables(stream, budget: CellBudget) -> Iterator[tuple[str, list[tuple[int, list[str]]]]]:
    depth = 0  # tables open: 1 inside a sheet, 2 inside a table nested in a cell
    reader = _TableReader(budget)
    # A cell keeps its paragraphs until its end; every other element is let go at its end.
    parts = iter_xml(stream, "« content.xml »", {CELL, COVERED}, allowance=budget.elements)
    for event, element in parts:
        if event == "start":
            if element.tag == TABLE:
                depth += 1
        elif element.tag == TABLE:
            depth -= 1
            if depth == 0:
                yield element.get(TABLE_NAME, ""), reader.rows
                reader = _TableReader(budget)
        elif depth == 1 and element.tag in (CELL, COVERED):
            reader.cell(element)
        elif depth == 1 and element.tag == ROW:
            reader.row(element)


class _TableReader:
    """One table's rows, read a cell and a row at a time."""

    def __init__(self, budget: CellBudget) -> None:
        self.budget = budget
        self.rows: list[tuple[int, list[str]]] = []
        self.line = 0  # rows of the sheet passed so far, repeated ones counted
        self.row_elements = 0
        self.cells: list[str | None] = []  # the row being read; None for a covered cell
        self.starting: list[tuple[int, str, int]] = []  # (column, value, rows) spanning down
        self.spans: dict[int, tuple[str, int]] = {}  # column -> (value, last line covered)

    def cell(self, element: ET.Element) -> None:
        self.budget.cell()
        column = len(self.cells)
        count = min(_count(element.get(COLUMNS_REPEATED)), MAX_COLUMNS - column)
        if count <= 0:
            return
        if element.tag == COVERED:
            self.cells += [None] * count
            return
        value = self.budget.text(_cell_value(element), self.line + 1, times=count)
        self.cells += [value] * count
        if (rows := _count(element.get(ROWS_SPANNED))) > 1 and value:
            self.starting += [(column + i, value, rows) for i in range(count)]

    def row(self, element: ET.Element) -> None:
        self.row_elements += 1
        if self.row_elements > 2 * MAX_ROWS:
            raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
        first = self.line + 1
        for column, value, rows in self.starting:
            self.spans[column] = (value, first + rows - 1)
        own = any(self.cells)  # covered cells (None) hold nothing of their own
        repeat = _count(element.get(ROWS_REPEATED))
        for line in range(first, first + repeat):
            cells = [self._covered(i, line) if c is None else c for i, c in enumerate(self.cells)]
            if any(cells):
                if len(self.rows) >= MAX_ROWS:
                    raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
                if line > first:  # a repeated row: its texts count again
                    self.budget.charge(sum(map(len, cells)))
                self.rows.append((line, cells))
            elif not own:
                break  # spans only end as lines go on: the rest of the run is empty too
        self.line += repeat
        self.cells, self.starting = [], []

    def _covered(self, column: int, line: int) -> str:
        value, last = self.spans.get(column, ("", 0))
        return value if line <= last else ""


def _count(text: str | None) -> int:
    """A repeat or span count; anything but a positive number (of at most nine digits) is 1."""
    if text and text.isascii() and text.isdigit() and len(text) <= 9:
        return max(int(text), 1)
    return 1


def _cell_value(cell: ET.Element) -> str:
    kind = cell.get(VALUE_TYPE)
    if kind in ("float", "percentage", "currency"):
        try:
            return number_text(float(cell.get(VALUE, "")), percent=kind == "percentage")
        except ValueError:
            pass  # no usable value: read the text shown
    elif kind == "date" and cell.get(DATE_VALUE):
        return cell.get(DATE_VALUE)[:10]  # "2025-06-15T00:00:00" -> "2025-06-15"
    paragraphs = [_text(child) for child in cell if child.tag in PARAGRAPHS]
    return "\n".join(paragraphs).strip()


def _text(element: ET.Element, depth: int = 0) -> str:
    """The text of a paragraph: spans followed, <text:s/>, tabs and line breaks written out."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == SPACES:
            parts.append(" " * min(_count(child.get(_TEXT_NS + "c")), 100))
        elif child.tag == TAB:
            parts.append("\t")
        elif child.tag == LINE_BREAK:
            parts.append("\n")
        elif depth < 20:
            parts.append(_text(child, depth + 1))
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)
