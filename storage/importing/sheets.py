"""A CSV or XLSX sheet, one action per row.

Headers are case- and accent-insensitive; French names are accepted too:

    os, oo, action, title, indicators, pilots, deadline      required
    status, progress, comment, os_title, oo_title, volet     optional

e.g. ``1;1.1;1;Acquisition d'un bâtiment;Réalisation des travaux;LM/MR;2021-2024``.

    >>> pst = parse_csv("os;oo;action;title;indicators;pilots;deadline\\n1;1.1;1;Achat;;LM;2021")
    >>> pst.actions[0].oo_number, pst.actions[0].end_date
    ('1.1', datetime.date(2021, 12, 31))
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from storage.importing.model import (
    MAX_ROWS,
    MESSAGES,
    ImportFormatError,
    ParsedPST,
    PlanBuilder,
    read_volet,
)
from storage.vocabulary import fold

# Canonical column name -> accepted headers, already folded (lowercase, no accents, "_").
COLUMNS = {
    "os": ("os", "o_s", "objectif_strategique"),
    "oo": ("oo", "o_o", "objectif_operationnel"),
    "action": ("action", "numero", "numero_action"),
    "title": ("title", "intitule", "titre"),
    "indicators": ("indicators", "indicateurs", "indicateur"),
    "pilots": ("pilots", "pilotes", "pilote", "pil_adm"),
    "deadline": ("deadline", "echeance"),
    "status": ("status", "statut", "etat"),
    "progress": ("progress", "avancement", "progression"),
    "comment": ("comment", "commentaire", "commentaires"),
    "volet": ("volet",),
    "os_title": ("os_title", "intitule_os", "titre_os"),
    "oo_title": ("oo_title", "intitule_oo", "titre_oo"),
}
REQUIRED_COLUMNS = ("os", "oo", "action", "title", "indicators", "pilots", "deadline")

_OS_NUMBER = re.compile(r"^(?:O\.?\s*S\.?)?\s*(\d{1,6})$", re.IGNORECASE)
_ACTION_CODE = re.compile(
    r"^(?:Action)?\s*n?°?\s*([0-9A-Za-z]{1,6}(?:\.[0-9A-Za-z]{1,6}){0,4})$", re.IGNORECASE
)
_OO_NUMBER = re.compile(r"^(?:O\.?\s*O\.?)?\s*(?:(\d{1,6})\s*\.\s*)?(\d{1,6})$", re.IGNORECASE)
_PROGRESS = re.compile(r"^(\d{1,6}(?:[.,]\d{1,6})?)\s*%?$")


def parse_csv(text: str) -> ParsedPST:
    """Parse a CSV export: UTF-8, "," or ";" as delimiter, a header row first."""
    text = text.lstrip("\ufeff")
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 1
    for cells in reader:
        if len(rows) >= MAX_ROWS:
            raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
        rows.append((line, cells))
        line = reader.line_num + 1  # a quoted cell may span several lines
    return _parse_sheet(rows)


#: What an XLSX may weigh once unzipped (a PST's is well under 5 MB).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: Columns read per row; a PST table has about fifteen.
MAX_COLUMNS = 60


def parse_xlsx(data: bytes) -> ParsedPST:
    """Parse the first sheet of an Excel workbook; line numbers are sheet row numbers.

    The sheet is read row by row, at most MAX_ROWS rows of MAX_COLUMNS cells, whatever size
    the file declares; a file that would unzip to more than MAX_UNZIPPED_BYTES is refused.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(item.file_size for item in archive.infolist())
        if unzipped > MAX_UNZIPPED_BYTES:
            limit = MAX_UNZIPPED_BYTES // (1024 * 1024)
            raise ImportFormatError(MESSAGES["zip_bomb"].format(limit=limit))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ImportFormatError(MESSAGES["unreadable_xlsx"].format(detail=exc)) from exc
    try:
        sheet = workbook.worksheets[0]
        # Ignore the size the file declares ("A1:XFD1048576"): read what is there.
        sheet.reset_dimensions()
        rows = []
        for index, row in enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS), start=1):
            if index > MAX_ROWS:
                raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
            rows.append((index, [_cell_text(cell) for cell in row]))
    finally:
        workbook.close()
    return _parse_sheet(rows)


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if "%" in (getattr(cell, "number_format", None) or ""):
            value *= 100  # a "40 %" cell holds 0.4
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def _parse_sheet(rows: Iterable[tuple[int, list[str]]]) -> ParsedPST:
    rows = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise ImportFormatError(MESSAGES["empty_file"])
    header_line, header = rows[0]
    columns, unknown = _columns(header, header_line)
    builder = PlanBuilder()
    builder.warnings += [MESSAGES["unknown_column"].format(column=c) for c in unknown]
    for line, cells in rows[1:]:
        record = {name: _get(cells, index) for name, index in columns.items()}
        os_number = _os_number(record["os"], line)
        oo_os, oo_index = _oo_number(record["oo"], os_number, line)
        oo_label = f"O.O.{oo_os}.{oo_index}"
        if oo_os != os_number:
            raise ImportFormatError(
                MESSAGES["oo_wrong_os"].format(label=oo_label, os_number=os_number), line
            )
        builder.add_sheet_objectives(
            os_number, record.get("os_title"), oo_index, record.get("oo_title"), line
        )
        if volet := read_volet(record.get("volet", ""), line, builder.warnings):
            builder.current_os.volet = volet
        code = _action_code(record["action"], line)
        if not record["title"]:
            label = f"Action {code}"
            raise ImportFormatError(MESSAGES["no_title"].format(label=label), line)
        builder.add_action(
            code=code,
            title=record["title"],
            indicators=record["indicators"],
            pilots=record["pilots"],
            deadline=record["deadline"],
            line=line,
            label=f"Action {code}",
            status=record.get("status") or None,
            progress=_progress(record.get("progress", ""), line),
            comment=record.get("comment") or None,
        )
    return builder.result()


def _columns(header: list[str], line: int) -> tuple[dict[str, int], list[str]]:
    alias_to_name = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    columns: dict[str, int] = {}
    unknown = []
    for index, cell in enumerate(header):
        name = alias_to_name.get(re.sub(r"[^a-z0-9]+", "_", fold(cell)).strip("_"))
        if name and name not in columns:
            columns[name] = index
        elif cell.strip():
            unknown.append(cell.strip())
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            aliases = ", ".join(COLUMNS[name])
            raise ImportFormatError(
                MESSAGES["missing_column"].format(column=name, aliases=aliases), line
            )
    return columns, unknown


def _get(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _os_number(value: str, line: int) -> int:
    match = _OS_NUMBER.match(value)
    if not match:
        raise ImportFormatError(MESSAGES["bad_os"].format(value=value), line)
    return int(match[1])


def _oo_number(value: str, os_number: int, line: int) -> tuple[int, int]:
    """ "1.2", "O.O.1.2" -> (1, 2); a bare "2" is read as O.O. 2 of the row's O.S."""
    match = _OO_NUMBER.match(value)
    if not match:
        raise ImportFormatError(MESSAGES["bad_oo"].format(value=value), line)
    oo_os = int(match[1]) if match[1] else os_number
    return oo_os, int(match[2])


def _action_code(value: str, line: int) -> str:
    """The action's code as printed: "29", "Action 29", "1.1.1", "A.2.3"."""
    match = _ACTION_CODE.match(value)
    if not match:
        raise ImportFormatError(MESSAGES["bad_action"].format(value=value), line)
    return match[1]


def _progress(value: str, line: int) -> int | None:
    if not value:
        return None
    match = _PROGRESS.match(value)
    progress = round(float(match[1].replace(",", "."))) if match else -1
    if not 0 <= progress <= 100:
        raise ImportFormatError(MESSAGES["bad_progress"].format(value=value), line)
    return progress
