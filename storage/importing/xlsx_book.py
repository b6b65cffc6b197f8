"""What an Excel workbook says around its sheets: which sheets, in which order; its shared
strings; which cell styles are dates or percentages.

Each part is read as a stream (`safe_xml.iter_xml`), keeping only what the import uses: the
shared strings (at most MAX_STRINGS, within the workbook's `CellBudget`) and, per cell style,
whether it shows a date, a duration or a percentage.

    >>> from reports.spreadsheet_xlsx import table_xlsx
    >>> from storage.actions import list_actions
    >>> from storage.importing.workbooks import CellBudget, open_archive
    >>> archive = open_archive(table_xlsx(list_actions(db, plan_id)), "unreadable_xlsx")
    >>> book = read_book(archive, CellBudget())
    >>> len(book.sheets), book.sheets[1]        # a summary, then one sheet per O.S.
    (7, ('OS 1', 'xl/worksheets/sheet2.xml'))
"""

import posixpath
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

from storage.importing.messages import MESSAGES
from storage.importing.model import MAX_ROWS, ImportFormatError
from storage.importing.safe_xml import iter_xml
from storage.importing.workbooks import CellBudget, archive_part

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATION = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_RELATION_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
SHEET, WORKBOOK_PROPERTIES = MAIN + "sheet", MAIN + "workbookPr"
STRING, TEXT, RUN = MAIN + "si", MAIN + "t", MAIN + "r"
NUMBER_FORMAT, CELL_FORMATS, FORMAT = MAIN + "numFmt", MAIN + "cellXfs", MAIN + "xf"

#: Different texts a workbook may share between its cells; a PST has a few thousand.
MAX_STRINGS = 10 * MAX_ROWS
#: Sheets, relationships and cell styles noted; more are left out (Excel allows 64,000 styles).
MAX_NOTED = 100_000
DATE, DURATION, PERCENT = "date", "duration", "percent"


@dataclass
class Book:
    #: (name, path in the archive) of each worksheet, in the workbook's order.
    sheets: list[tuple[str, str]] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    #: Cell style (a cell's s="3") -> DATE, DURATION or PERCENT, for those that show one.
    styles: dict[int, str] = field(default_factory=dict)
    epoch: datetime = WINDOWS_EPOCH


def read_book(archive: zipfile.ZipFile, budget: CellBudget) -> Book:
    """The workbook's sheets, shared strings and styles; a workbook without any part the
    import needs (no workbook.xml) is refused as unreadable."""
    book = Book()
    package = _relations(archive, "_rels/.rels", "", budget)
    book_path = next(
        (path for kind, path in package.values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    folder, name = posixpath.split(book_path)
    parts = _relations(archive, posixpath.join(folder, "_rels", name + ".rels"), folder, budget)
    _read_workbook(archive, book_path, parts, book, budget)
    strings = _part(parts, "/sharedStrings", folder, "sharedStrings.xml")
    _read_strings(archive, strings, book, budget)
    _read_styles(archive, _part(parts, "/styles", folder, "styles.xml"), book, budget)
    return book


def _part(parts: dict[str, tuple[str, str]], kind: str, folder: str, usual: str) -> str:
    """The path of the workbook's part of that kind; where Excel puts it when no relationship
    names it (openpyxl reads it there too)."""
    paths = (path for relation, path in parts.values() if relation.endswith(kind))
    return next(paths, posixpath.join(folder, usual))


def _relations(
    archive: zipfile.ZipFile, rels: str, folder: str, budget: CellBudget
) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, path inside the archive) of a .rels part ({} without one)."""
    targets: dict[str, tuple[str, str]] = {}
    if rels not in archive.NameToInfo:
        return targets
    with archive_part(archive, rels, "unreadable_xlsx") as stream:
        for event, element in iter_xml(stream, f"« {rels} »", allowance=budget.elements):
            if event == "end" and element.tag == _RELATION and len(targets) < MAX_NOTED:
                target = element.get("Target", "")
                path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
                kind = element.get("Type", "")
                targets[element.get("Id", "")] = (kind, posixpath.normpath(path))
    return targets


def _read_workbook(
    archive, path: str, parts: dict[str, tuple[str, str]], book: Book, budget: CellBudget
) -> None:
    if path not in archive.NameToInfo:
        detail = f"partie « {path} » absente"
        raise ImportFormatError(MESSAGES["unreadable_xlsx"].format(detail=detail))
    listed = set()
    with archive_part(archive, path, "unreadable_xlsx") as stream:
        for event, element in iter_xml(stream, f"« {path} »", allowance=budget.elements):
            if event != "end":
                continue
            if element.tag == SHEET and len(book.sheets) < MAX_NOTED:
                kind, sheet_path = parts.get(element.get(_RELATION_ID, ""), ("", ""))
                # A sheet is read once, however many times the workbook lists it.
                found = kind.endswith("/worksheet") and sheet_path in archive.NameToInfo
                if found and sheet_path not in listed:
                    listed.add(sheet_path)
                    book.sheets.append((element.get("name", ""), sheet_path))
            elif element.tag == WORKBOOK_PROPERTIES and _is_true(element.get("date1904")):
                book.epoch = MAC_EPOCH


def _read_strings(archive: zipfile.ZipFile, path: str, book: Book, budget: CellBudget) -> None:
    if path not in archive.NameToInfo:
        return
    with archive_part(archive, path, "unreadable_xlsx") as stream:
        parts = iter_xml(stream, f"« {path} »", {STRING}, allowance=budget.elements)
        for event, element in parts:
            if event == "end" and element.tag == STRING:
                if len(book.strings) >= MAX_STRINGS:
                    raise ImportFormatError(MESSAGES["too_many_strings"].format(limit=MAX_STRINGS))
                book.strings.append(budget.text(string_text(element)))


def string_text(element) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t> (not the phonetic
    reading, <rPh>), as openpyxl reads it."""
    parts = [element.findtext(TEXT) or ""]
    parts += [run.findtext(TEXT) or "" for run in element.iterfind(RUN)]
    return "".join(parts).replace("x005F_", "")


def _read_styles(archive: zipfile.ZipFile, path: str, book: Book, budget: CellBudget) -> None:
    if path not in archive.NameToInfo:
        return
    codes: dict[str, str] = {}  # custom number formats: id -> code
    kinds: dict[str, str | None] = {}  # code -> DATE, DURATION, PERCENT or None
    index, in_cell_formats = 0, False
    with archive_part(archive, path, "unreadable_xlsx") as stream:
        for event, element in iter_xml(stream, f"« {path} »", allowance=budget.elements):
            if element.tag == CELL_FORMATS:
                in_cell_formats = event == "start"
            elif event == "start":
                continue
            elif element.tag == NUMBER_FORMAT and len(codes) < MAX_NOTED:
                # Excel's format codes have at most 255 characters; a longer one is "General".
                codes[element.get("numFmtId", "")] = element.get("formatCode", "")[:255]
            elif element.tag == FORMAT and in_cell_formats and index < MAX_NOTED:
                code = _format_code(element.get("numFmtId", "0"), codes)
                if code not in kinds:
                    kinds[code] = _kind(code)
                if kinds[code]:
                    book.styles[index] = kinds[code]
                index += 1


def _kind(code: str) -> str | None:
    """What a number format shows, as openpyxl tells it: a duration ("[h]:mm") before a date."""
    if is_timedelta_format(code):
        return DURATION
    if is_date_format(code):
        return DATE
    return PERCENT if "%" in code else None


def _is_true(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")


def _format_code(format_id: str, codes: dict[str, str]) -> str:
    """The number format a style names: its own code, else Excel's built-in one."""
    if format_id in codes:
        return codes[format_id]
    if format_id.isascii() and format_id.isdigit() and len(format_id) <= 3:
        return BUILTIN_FORMATS.get(int(format_id), "")
    return ""
