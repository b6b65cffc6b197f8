"""A PST table read from a sheet's rows (CSV and text in `delimited.py`; XLSX and ODS give
their sheets to `parse_sheets`).

    >>> pst = parse_rows([(1, ["os", "oo", "action", "title", "pilots", "deadline"]),
    ...                   (2, ["1", "1.1", "1", "Achat", "LM", "2021"])])
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
  what the row is, "O.S.1", "O.O.1.1" or an action code ("Action 29", "1.1.1"); labels
  numbered by depth from a bare "1" are read as "1" an O.S., "1.1" an O.O., "1.1.1" an
  action, "1.1.1.1" a sub-action (an action of O.O.1.1);
- in both, an action code may carry its title ("A.7 - titre", under « Action » or « A. Titre »)
  and be a path ("OS1/OO1.1/A2": the O.S. and O.O. said by the path); a sheet per O.S. gives
  it once, in its name or a title row above its header ("O.S.2 - titre");
- any other row with text in one cell only (a note under the table, a section heading) is
  skipped with a warning; any other row is refused, its line named.

Statuses are passed through as written: `import_plan` (merge.py) maps them or keeps them as a
comment. Column names and their French synonyms are in `headers.py`.
"""

import re
from collections.abc import Iterable, Sequence

from storage.importing.fields_row import fields_given, read_fields
from storage.importing.headers import HEADER_SEARCH_ROWS, Header, find_header, is_own_summary
from storage.importing.labels import (
    is_no_actions_note,
    is_total,
    read_action_code,
    read_oo,
    read_os,
    read_path,
    split_code_title,
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
_NUMBERED = re.compile(r"^\d{1,6}(?:\.\d{1,6})*$")


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
            header = find_header(rows, _sheet_os(name, rows))
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
    builder.fields_given.update(fields_given(header.columns))
    first_warning = len(builder.warnings)
    body = [(line, cells) for line, cells in rows if line > header.line]
    try:
        if header.given and not header.flat and not _has_os_rows(body, header):
            number = int(header.given["os"])  # a sheet per O.S., its O.O. rows below
            builder.add_sheet_objective(number, header.given.get("os_title"), header.line)
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


def _sheet_os(name: str, rows: Rows) -> dict[str, str]:
    """The O.S. a sheet is given to, as its name or a title row above its table says
    ("OS 1 - Logement", "O.S.2"): {"os": number, "os_title": title}, or {} for neither."""
    found = read_os(name, prefixed=True) if name else None
    for _, cells in rows[:HEADER_SEARCH_ROWS]:
        filled = [cell.strip() for cell in cells if cell.strip()]
        if (found and found[1]) or len(filled) > 2:
            break  # the table starts: its O.S. rows are the table's
        above = read_os(filled[0], prefixed=True) if filled else None
        if above and not above[1] and len(filled) == 2:
            above = (above[0], filled[1])
        if above and (not found or found[0] == above[0]):
            found = above
    if not found:
        return {}
    return {"os": str(found[0]), **({"os_title": found[1]} if found[1] else {})}


def _has_os_rows(rows: Rows, header: Header) -> bool:
    return any(read_os(header.record(cells)["label"], prefixed=True) for _, cells in rows)


def _code_and_title(record: dict[str, str], column: str) -> None:
    """An action cell holding its title too ("A.7 - titre"), as iA.PST writes it, split into
    `column` and "title" when the row has no title of its own."""
    code, title = record.get(column, ""), record.get("title", "")
    if code and title and code != title:
        return
    if split := split_code_title(code or title):
        record[column], record["title"] = split


# --- Flat layout: an O.S. and an O.O. column ---------------------------------------------


def read_flat(rows: Rows, header: Header, builder: PlanBuilder) -> None:
    for line, cells in rows:
        if is_total(cells) or is_no_actions_note(cells):
            continue
        record = header.record(cells)
        _code_and_title(record, "action")
        code_cell, title = record.get("action", ""), record.get("title", "")
        if path := read_path(code_cell):
            os_number, index, code = path
            builder.add_sheet_objective(os_number, record.get("os_title") or None, line)
            builder.add_sheet_operational(index, record.get("oo_title") or None, line)
            _add_action(builder, code, record, line)
            continue
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
    by_depth = _numbered_by_depth(rows, header)
    for line, cells in rows:
        if not strict and (is_total(cells) or is_no_actions_note(cells)):
            continue
        record = header.record(cells)
        if header.columns.get("title") == header.columns["label"]:
            record["title"] = ""  # one column holds label and title: "O.S.1 - titre"
        _code_and_title(record, "label")
        label, title = record["label"], record.get("title", "")
        if by_depth and _NUMBERED.match(label):
            _add_numbered(builder, label, record, line)
        elif path := read_path(label):
            os_number, index, code = path
            builder.add_sheet_objective(os_number, None, line)
            builder.add_sheet_operational(index, None, line)
            _add_action(builder, code, record, line)
        elif objective := read_os(label, prefixed=True):
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


def _numbered_by_depth(rows: Rows, header: Header) -> bool:
    """Labels numbered by depth, "1" an O.S., "1.1" an O.O., "1.1.1" an action, "1.1.1.1" a
    sub-action: the first label read is a bare "1", before any "O.S." or "O.O." label."""
    for _, cells in rows:
        label = header.record(cells)["label"]
        if read_os(label, prefixed=True) or read_oo(label, prefixed=True):
            return False
        if _NUMBERED.match(label):
            return "." not in label
    return False


def _add_numbered(builder: PlanBuilder, label: str, record: dict[str, str], line: int) -> None:
    """One row of a plan numbered by depth; a sub-action (1.1.1.1) is an action of its O.O.,
    its code saying whose action it details."""
    parts = [int(part) for part in label.split(".")]
    title = record.get("title", "")
    if len(parts) == 1:
        if not title:
            raise ImportFormatError(MESSAGES["no_title"].format(label=f"O.S.{label}"), line)
        builder.add_objective(parts[0], title, None, line)
    elif len(parts) == 2:
        if not title:
            raise ImportFormatError(MESSAGES["no_title"].format(label=f"O.O.{label}"), line)
        builder.add_operational(parts[0], parts[1], title, f"O.O.{label}", line)
    else:
        oo = f"{parts[0]}.{parts[1]}"
        if oo not in builder.operational:
            raise ImportFormatError(MESSAGES["oo_out_of_os"].format(code=label, oo=oo), line)
        builder.current_os = builder.objectives[parts[0]]
        builder.current_oo = builder.operational[oo]
        _add_action(builder, label, record, line)


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
        fields=read_fields(record, line, builder.warnings),
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
