"""A PST table read from a sheet (CSV here; XLSX and ODS give their sheets to `parse_sheets`).

    >>> pst = parse_csv("os;oo;action;title;indicators;pilots;deadline\\n1;1.1;1;Achat;;LM;2021")
    >>> pst.actions[0].oo_number, pst.actions[0].end_date
    ('1.1', datetime.date(2021, 12, 31))

A workbook's sheets go to `parse_sheets`: each sheet with a header row is read (one sheet per
O.S. is common), the others (a cover page, a summary) are skipped with a warning.

The grammar, row by row below the header row (`headers.py` finds it under any title block):

- empty rows and total rows ("Total", "Totaux", "Sous-total") are skipped;
- flat layout (an O.S. and an O.O. column): a row names its O.S. and O.O. ("1", "O.S.1 title",
  "OO 1.2 – title"); an empty O.S. or O.O. cell continues the one above, as in tables laid
  out for print. A row with an action code is an action; a row with neither code nor title
  only names objectives (a plan at the start of a term has no actions yet);
- outline layout (one column of labels, as in a PST document's recap table): the label says
  what the row is, "O.S.1", "O.O.1.1" or an action code ("Action 29", "1.1.1");
- any other row with text in one cell only (a note under the table, a section heading) is
  skipped with a warning; any other row is refused, its line named.

Statuses are passed through as written: `import_plan` (merge.py) maps them or keeps them as a
comment. Column names and their French synonyms are in `headers.py`.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence

from storage.importing.headers import Header, find_header, is_own_summary
from storage.importing.labels import (
    is_no_actions_note,
    is_total,
    read_action_code,
    read_oo,
    read_os,
)
from storage.importing.messages import MESSAGES
from storage.importing.model import (
    MAX_ROWS,
    ImportFormatError,
    ParsedPST,
    PlanBuilder,
    read_volet,
    without_bidi,
)

Rows = Sequence[tuple[int, Sequence[str]]]

#: Sheets of a workbook read; a PST has one table, or one per O.S.
MAX_SHEETS = 30

_PROGRESS = re.compile(r"^(\d{1,6}(?:[.,]\d{1,6})?)\s*%?$")
_DELIMITERS = (";", ",", "\t")


def parse_csv(text: str, delimiter: str | None = None) -> ParsedPST:
    """Parse a CSV export: ";", "," or tab as delimiter (the most frequent one unless given), a
    header row (a title block above it is skipped)."""
    text = text.lstrip("\ufeff")
    if delimiter is None:
        sample = text.splitlines()[:30]
        delimiter = max(_DELIMITERS, key=lambda d: sum(line.count(d) for line in sample))
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


def parse_rows(rows: Rows) -> ParsedPST:
    """Parse one sheet given as (line, cells) rows, line numbers as the user sees them."""
    return parse_sheets([("", rows)])


def parse_sheets(sheets: Iterable[tuple[str, Rows]]) -> ParsedPST:
    """Parse a workbook's sheets, e.g. one per O.S., as one plan. A sheet without a header row
    (a cover page, a summary) is skipped; with no header anywhere, the first sheet's refusal
    says what is missing. From the second sheet on, messages name the sheet."""
    builder = PlanBuilder()
    read, skipped, first_error, total = 0, [], None, 0
    for index, (name, rows) in enumerate(sheets):
        if index == MAX_SHEETS:
            builder.warnings.append(MESSAGES["sheets_left"].format(limit=MAX_SHEETS))
            break
        rows = [(line, [without_bidi(cell) for cell in cells]) for line, cells in rows]
        rows = [(line, cells) for line, cells in rows if _filled(cells)]
        if not rows:
            continue  # Excel's empty "Feuil2", "Feuil3": nothing to say about them
        total += len(rows)
        if total > MAX_ROWS:
            raise ImportFormatError(MESSAGES["too_many_rows"].format(limit=MAX_ROWS))
        try:
            header = find_header(rows)
        except ImportFormatError as error:
            first_error = first_error or error
            if not is_own_summary(rows):  # the bot's own « Synthèse »: nothing to say
                skipped.append(f"« {name} »")
            continue
        read_sheet(name if index else "", rows, header, builder)
        read += 1
    if not read:
        raise first_error or ImportFormatError(MESSAGES["empty_file"])
    if skipped:
        builder.warnings.insert(0, MESSAGES["skipped_sheets"].format(names=", ".join(skipped)))
    return builder.result()


def read_sheet(name: str, rows: Rows, header: Header, builder: PlanBuilder) -> None:
    """Read one sheet's rows below `header` into `builder` (its unknown columns warned about)."""
    for column in header.unknown:
        if (warning := MESSAGES["unknown_column"].format(column=column)) not in builder.warnings:
            builder.warnings.append(warning)
    builder.current_os = builder.current_oo = None  # a sheet continues nothing from the last
    first_warning = len(builder.warnings)
    body = [(line, cells) for line, cells in rows if line > header.line]
    try:
        (read_flat if header.flat else read_outline)(body, header, builder)
    except ImportFormatError as error:
        if not name:
            raise
        raise ImportFormatError(MESSAGES["in_sheet"].format(name=name, text=error)) from error
    if name:
        builder.warnings[first_warning:] = [
            MESSAGES["in_sheet"].format(name=name, text=warning)
            for warning in builder.warnings[first_warning:]
        ]


# --- Flat layout: an O.S. and an O.O. column ---------------------------------------------


def read_flat(rows: Rows, header: Header, builder: PlanBuilder) -> None:
    for line, cells in rows:
        if is_total(cells) or is_no_actions_note(cells):
            continue
        record = header.record(cells)
        code_cell, title = record.get("action", ""), record.get("title", "")
        if not code_cell and not title:
            if not _objectives_only(record, builder, line):
                _skip(line, cells, builder)
            continue
        code = read_action_code(code_cell)
        if code is None:
            if _filled(cells) == 1:
                _skip(line, cells, builder)
                continue
            if not code_cell:
                raise ImportFormatError(MESSAGES["no_code"].format(title=_shown(title)), line)
            raise ImportFormatError(MESSAGES["bad_action"].format(value=_shown(code_cell)), line)
        _objectives(record, builder, line)
        _add_action(builder, code, record, line)


def _objectives(record: dict[str, str], builder: PlanBuilder, line: int) -> None:
    """Take the row's O.S. and O.O.; an empty cell continues the one above."""
    os_cell, oo_cell = record["os"], record["oo"]
    objective = None
    if os_cell:
        objective = read_os(os_cell)
        if objective is None:
            raise ImportFormatError(MESSAGES["bad_os"].format(value=_shown(os_cell)), line)
    operational = None
    if oo_cell:
        operational = read_oo(oo_cell)
        if operational is None:
            raise ImportFormatError(MESSAGES["bad_oo"].format(value=_shown(oo_cell)), line)
    if objective:
        os_number, os_title = objective
    elif operational and operational[0] is not None:
        os_number, os_title = operational[0], ""  # "1.2" says which O.S. it is in
    elif builder.current_os:
        os_number, os_title = builder.current_os.number, ""
    else:
        return  # an action row then says "before any O.O."
    builder.add_sheet_objective(os_number, record.get("os_title") or os_title or None, line)
    if volet := read_volet(record.get("volet", ""), line, builder.warnings):
        builder.current_os.volet = volet
    if operational:
        oo_os, index, oo_title = operational
        if oo_os is not None and oo_os != os_number:
            label = f"O.O.{oo_os}.{index}"
            message = MESSAGES["oo_wrong_os"].format(label=label, os_number=os_number)
            raise ImportFormatError(message, line)
        builder.add_sheet_operational(index, record.get("oo_title") or oo_title or None, line)


def _objectives_only(record: dict[str, str], builder: PlanBuilder, line: int) -> bool:
    """A row naming an O.S. and/or an O.O. and no action; False when it names neither."""
    os_cell, oo_cell = record["os"], record["oo"]
    if not (os_cell or oo_cell):
        return False
    if (os_cell and read_os(os_cell) is None) or (oo_cell and read_oo(oo_cell) is None):
        return False
    _objectives(record, builder, line)
    return True


# --- Outline layout: a column of labels, as in a PST document's recap table --------------


def read_outline(rows: Rows, header: Header, builder: PlanBuilder, strict: bool = False) -> None:
    """Rows labelled "O.S.n", "O.O.n.m" or with an action code. `strict` (the recap text)
    refuses total rows and one-cell notes instead of skipping them."""
    for line, cells in rows:
        if not strict and (is_total(cells) or is_no_actions_note(cells)):
            continue
        record = header.record(cells)
        label, title = record["label"], record.get("title", "")
        if objective := read_os(label, prefixed=True):
            number, label_title = objective
            title = title or label_title
            if not title:
                raise ImportFormatError(MESSAGES["no_title"].format(label=f"O.S.{number}"), line)
            volet_cell = record.get("volet") or record.get("indicators", "")
            volet = read_volet(volet_cell, line, builder.warnings)
            builder.add_objective(number, title, volet, line)
        elif operational := read_oo(label, prefixed=True):
            os_number, index, label_title = operational
            if os_number is None and builder.current_os:
                os_number = builder.current_os.number  # "O.O.2" of the O.S. above
            name = f"O.O.{os_number}.{index}" if os_number else f"O.O.{index}"
            title = title or label_title
            if not title:
                raise ImportFormatError(MESSAGES["no_title"].format(label=name), line)
            builder.add_operational(os_number or 0, index, title, name, line)
        elif code := read_action_code(label):
            _add_action(builder, code, record, line)
        elif not strict and (_filled(cells) == 1 or not (label or title)):
            _skip(line, cells, builder)
        else:
            shown = _shown(" ".join(cell.strip() for cell in cells if cell.strip()), 60)
            raise ImportFormatError(MESSAGES["unknown_row"].format(text=shown), line)


# --- Both layouts --------------------------------------------------------------------------


def _add_action(builder: PlanBuilder, code: str, record: dict[str, str], line: int) -> None:
    label = f"Action {code}"
    if not record.get("title"):
        raise ImportFormatError(MESSAGES["no_title"].format(label=label), line)
    status = record.get("status") or None
    progress, progress_text = _progress(record.get("progress", ""), line)
    if progress_text and not status:
        status = progress_text  # "Avancement : en cours" is a status written in words
    elif progress_text:
        raise ImportFormatError(MESSAGES["bad_progress"].format(value=_shown(progress_text)), line)
    builder.add_action(
        code=code,
        title=record["title"],
        indicators=record.get("indicators", ""),
        pilots=record.get("pilots", ""),
        deadline=record.get("deadline", ""),
        line=line,
        label=label,
        status=status,
        progress=progress,
        comment=record.get("comment") or None,
    )


def _progress(value: str, line: int) -> tuple[int | None, str]:
    """(percentage, "") for a number, (None, text) for words; "-" is no progress."""
    if not value or value in ("-", "–", "/"):
        return None, ""
    match = _PROGRESS.match(value)
    if not match and any(c.isalpha() for c in value):
        return None, value
    progress = round(float(match[1].replace(",", "."))) if match else -1
    if not 0 <= progress <= 100:
        raise ImportFormatError(MESSAGES["bad_progress"].format(value=_shown(value)), line)
    return progress, ""


def _skip(line: int, cells: Sequence[str], builder: PlanBuilder) -> None:
    text = " ".join(cell.strip() for cell in cells if cell.strip())
    if text:
        builder.warnings.append(MESSAGES["skipped_row"].format(line=line, text=_shown(text)))


def _filled(cells: Sequence[str]) -> int:
    return sum(1 for cell in cells if cell.strip())


def _shown(value: str, width: int = 80) -> str:
    """A cell as quoted back to the user: never thousands of characters."""
    return value if len(value) <= width else value[: width - 1] + "…"
