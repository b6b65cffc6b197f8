"""A PST table saved as delimited text: CSV, or a spreadsheet's « Texte Unicode » (.txt).

    >>> pst = parse_csv("os;oo;action;title;indicators;pilots;deadline\\n1;1.1;1;Achat;;LM;2021")
    >>> pst.actions[0].oo_number, pst.actions[0].end_date
    ('1.1', datetime.date(2021, 12, 31))

The separator (";", ",", tab or "|") is the one on most of the first lines; the encoding is
guessed from the bytes (`decode`). The rows then go to `sheets.parse_rows`.
"""

import csv
import io

from storage.importing.messages import MESSAGES
from storage.importing.model import MAX_ROWS, ImportFormatError, MissingHeader, ParsedPST
from storage.importing.sheets import parse_rows

#: Column separators, as users call them: the one on most lines of the file's start is taken.
DELIMITERS = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}


def detect_delimiter(text: str) -> str:
    """The separator that reads the first rows as a table (most cells in rows of one same
    width, quoted cells kept whole: a cell of several lines holding « 0,01 » says nothing),
    then the one on most of the first lines, then the most frequent one.

    >>> detect_delimiter("N°|Intitulé, court|Pilote\\n1|École|LM"), detect_delimiter("a;b")
    ('|', ';')
    """
    sample = [line for line in text.splitlines()[:30] if line.strip()]
    start = "\n".join(text.splitlines()[:200])
    return max(
        DELIMITERS,
        key=lambda d: (
            _table_cells(start, d),
            sum(d in line for line in sample),
            sum(line.count(d) for line in sample),
        ),
    )


def _table_cells(text: str, delimiter: str) -> int:
    """The most cells that rows of one same width (two cells or more) hold, among the first
    30 rows read with `delimiter`."""
    widths: dict[int, int] = {}
    try:
        for index, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
            if index == 30:
                break
            if len(cells) > 1:
                widths[len(cells)] = widths.get(len(cells), 0) + 1
    except csv.Error:
        return 0
    return max((width * count for width, count in widths.items()), default=0)


def parse_csv(text: str, delimiter: str | None = None) -> ParsedPST:
    """Parse a CSV export: ";", ",", tab or "|" as delimiter (`detect_delimiter` unless given),
    a header row (a title block above it is skipped). A refusal for want of a header names the
    separator read, the usual cause of a table read as one column."""
    text = text.lstrip("\ufeff")
    if delimiter is None:
        delimiter = detect_delimiter(text)
    try:
        return _parse_csv(text, delimiter)
    except MissingHeader as error:
        shown = DELIMITERS.get(delimiter, delimiter)
        text = MESSAGES["csv_separator"].format(text=error.message, name=shown)
        raise MissingHeader(text, error.line) from error


def _parse_csv(text: str, delimiter: str) -> ParsedPST:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 1
    try:
        for cells in reader:
            if len(rows) >= MAX_ROWS:
                raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
            rows.append((line, cells))
            line = reader.line_num + 1  # a quoted cell may span several lines
    except csv.Error as error:  # a cell past csv's limit: a quote opened and never closed
        limit = csv.field_size_limit()
        raise ImportFormatError(MESSAGES["csv_cell_too_long"].format(limit=limit), line) from error
    return parse_rows(rows)


def read_csv(data: bytes) -> ParsedPST:
    """A CSV file's bytes: UTF-8 with or without BOM, UTF-16, or Windows-1252 (`decode`)."""
    text, guessed = decode(data)
    parsed = parse_csv(text)
    if guessed:
        parsed.warnings.append(MESSAGES["csv_not_utf8"])
    return parsed


def decode(data: bytes) -> tuple[str, bool]:
    """The text of a file saved by a spreadsheet or an editor, and whether its encoding was
    guessed: UTF-16 with its BOM (Excel's « Texte Unicode ») or without (mostly zero bytes),
    UTF-8 with or without BOM, else Windows-1252 (what Excel on Windows saves as "CSV").

    >>> decode("N°\\tIntitulé".encode("utf-16")), decode("Échéance".encode("cp1252"))
    (('N°\\tIntitulé', False), ('Échéance', True))
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), False
    head = data[:4000]
    if head.count(0) > len(head) // 4:  # UTF-16 without its BOM: every other byte is zero
        little = head[1::2].count(0) >= head[0::2].count(0)
        return data.decode("utf-16-le" if little else "utf-16-be", errors="replace"), False
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), True
