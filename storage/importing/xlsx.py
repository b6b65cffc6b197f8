"""An Excel workbook (.xlsx): its sheets with a PST table, merged cells spread.

    >>> from reports.spreadsheet import table_xlsx
    >>> from storage.actions import list_actions
    >>> data = table_xlsx(list_actions(db, plan_id))  # the bundled plan, exported as a table
    >>> pst = parse_xlsx(data)
    >>> len(pst.actions), pst.actions[0].oo_number, pst.actions[0].pilots, pst.actions[0].line
    (127, '1.1', ['LM', 'MR', 'MAC', 'DB'], 3)

Sheets are read in openpyxl's read-only mode, row by row, at most MAX_ROWS rows of MAX_COLUMNS
cells whatever size the file declares. That mode does not see merged ranges, so the sheet's XML
is scanned first for its `<mergeCell ref="A3:A9"/>` elements, as a stream.
"""

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from xml.etree import ElementTree as ET

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.utils.exceptions import InvalidFileException

from storage.importing.model import MAX_ROWS, MESSAGES, ImportFormatError, ParsedPST
from storage.importing.sheets import parse_sheets
from storage.importing.workbooks import MAX_COLUMNS, number_text, open_archive

_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"'
)
#: Merged ranges a sheet may have; a PST's table has a few hundred.
MAX_MERGED = MAX_ROWS
_RELATIONS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"
_SHEET_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def parse_xlsx(data: bytes) -> ParsedPST:
    """Parse the sheets of an Excel workbook that hold a PST table (see `parse_sheets`); line
    numbers are sheet row numbers."""
    sheets = read_xlsx(data)
    try:
        return parse_sheets(sheets)
    finally:
        sheets.close()


def read_xlsx(data: bytes) -> Iterator[tuple[str, list[tuple[int, list[str]]]]]:
    """The workbook's sheets, one at a time (each read when asked for), as (name, rows), each
    row (row number, cell texts) with merged cells spread."""
    with open_archive(data, "unreadable_xlsx") as archive:
        paths = _worksheet_paths(archive)
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
            raise ImportFormatError(MESSAGES["unreadable_xlsx"].format(detail=exc)) from exc
        try:
            for index, sheet in enumerate(workbook.worksheets):
                # Counted first: openpyxl would build every range of a sheet of millions.
                merged = _merged_ranges(archive, paths[index]) if index < len(paths) else []
                rows = _sheet_rows(sheet)
                _spread(rows, merged)
                yield sheet.title, list(enumerate(rows, start=1))
        finally:
            workbook.close()


def _sheet_rows(sheet) -> list[list[str]]:
    """At most MAX_ROWS rows of MAX_COLUMNS cells, whatever size the sheet declares."""
    sheet.reset_dimensions()  # ignore "A1:XFD1048576": read what is there
    rows = []
    for index, row in enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS), start=1):
        if index > MAX_ROWS:
            raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
        rows.append([_cell_text(cell) for cell in row])
    return rows


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return number_text(value, percent="%" in (getattr(cell, "number_format", None) or ""))
    return str(value).strip()


def _spread(rows: list[list[str]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Each merged range's value, in its first column, for every row of the range."""
    budget = len(rows) * MAX_COLUMNS  # the most cells the ranges of a valid sheet cover
    for column, first, last in ((c, r1, r2) for c, r1, _, r2 in ranges if c <= MAX_COLUMNS):
        if first > len(rows):
            continue
        top = rows[first - 1]
        value = top[column - 1] if column <= len(top) else ""
        for row in rows[first : min(last, len(rows))]:
            budget -= 1
            if budget < 0:
                message = MESSAGES["too_many_merged"].format(limit=len(rows) * MAX_COLUMNS)
                raise ImportFormatError(message)
            row.extend([""] * (column - len(row)))
            row[column - 1] = value


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """(first column, first row, last column, last row) of each merged range, 1-based; more
    than MAX_MERGED ranges is a damaged or hostile file."""
    ranges = []
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 20):
            buffer, end = tail + chunk, 0
            for match in _MERGE.finditer(buffer):
                first, last = match[1].decode(), match[3].decode()
                ranges.append(
                    (
                        column_index_from_string(first),
                        int(match[2]),
                        column_index_from_string(last),
                        int(match[4]),
                    )
                )
                end = match.end()
                if len(ranges) > MAX_MERGED:
                    raise ImportFormatError(MESSAGES["too_many_merged"].format(limit=MAX_MERGED))
            tail = buffer[max(end, len(buffer) - 200) :]  # a reference cut between chunks
    return ranges


def _worksheet_paths(archive: zipfile.ZipFile) -> list[str]:
    """The paths of the workbook's worksheets, in the order openpyxl lists them."""
    paths = []
    try:
        book = _targets(archive, "_rels/.rels", "")
        book_path = next(path for kind, path in book.values() if kind.endswith("/officeDocument"))
        folder, name = posixpath.split(book_path)
        sheets = _targets(archive, posixpath.join(folder, "_rels", name + ".rels"), folder)
        for sheet in ET.fromstring(archive.read(book_path)).iter(_SHEET):
            kind, path = sheets.get(sheet.get(_SHEET_ID), ("", ""))
            if kind.endswith("/worksheet"):  # not a chart sheet
                paths.append(path)
    except (KeyError, StopIteration, ET.ParseError):
        return []  # openpyxl reads the sheets: without merged ranges, cells stay as written
    return paths


def _targets(archive: zipfile.ZipFile, rels: str, folder: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, path inside the archive) of a .rels part."""
    targets = {}
    for relation in ET.fromstring(archive.read(rels)).iter(_RELATIONS):
        target = relation.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        targets[relation.get("Id")] = (relation.get("Type", ""), posixpath.normpath(path))
    return targets
