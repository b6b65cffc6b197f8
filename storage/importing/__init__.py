"""Reading a PST from a file, and loading it into the database.

Every format gives the same plain rows (`ParsedPST`, see `model.py`), which `import_plan`
loads without ever erasing a status or the history:

- the recap table of a PST document, tab-separated, as in the bundled example (`recap.py`);
- a sheet saved as CSV (`sheets.py`), XLSX (`xlsx.py`) or ODS (`ods.py`), laid out as DGs lay
  their tables out: a title block, French headers, merged cells, totals (`sheets.py` says how);
- an eComptes XML file, read into table rows (`ecomptes.py`), then `plan_from_rows`.

    >>> pst = parse_file(EXAMPLE_PATH)     # the bundled example, a PST document's recap (.md)
    >>> len(pst.actions), pst.unparsed_deadlines
    (127, [])
    >>> from storage.db import open_db
    >>> import_plan(open_db(":memory:"), pst).created
    127
    >>> report = import_plan(db, pst)      # `db` holds the plan already: nothing to create
    >>> report.created, report.changed
    (0, 0)

Every problem a user can fix is raised as `ImportFormatError` (`EcomptesError` for eComptes),
whose text names the line.
"""

from pathlib import Path

from storage.importing.ecomptes import EcomptesError, parse_ecomptes
from storage.importing.merge import ImportReport, WrongPlan, import_plan
from storage.importing.model import (
    MAX_FILE_BYTES,
    MESSAGES,
    ImportFormatError,
    ParsedPST,
    plan_from_rows,
)
from storage.importing.ods import parse_ods
from storage.importing.recap import EXAMPLE_PATH, load_example, parse_recap
from storage.importing.sheets import parse_csv, parse_rows, read_csv
from storage.importing.xlsx import parse_xlsx

__all__ = [
    "EXAMPLE_PATH",
    "EcomptesError",
    "ImportFormatError",
    "ImportReport",
    "WrongPlan",
    "ParsedPST",
    "import_plan",
    "load_example",
    "parse_csv",
    "parse_ecomptes",
    "parse_file",
    "parse_ods",
    "parse_recap",
    "parse_rows",
    "parse_xlsx",
    "plan_from_rows",
]


def parse_file(path: str | Path) -> ParsedPST:
    """Parse a .csv, .xlsx, .ods, .md or .txt file, chosen by its extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFormatError(
            MESSAGES["file_too_large"].format(
                size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024)
            )
        )
    if suffix == ".xlsx":
        return parse_xlsx(path.read_bytes())
    if suffix == ".ods":
        return parse_ods(path.read_bytes())
    if suffix == ".csv":
        return read_csv(path.read_bytes())
    if suffix in (".md", ".txt"):
        return parse_recap(path.read_text(encoding="utf-8-sig"))
    raise ImportFormatError(MESSAGES["unknown_format"].format(suffix=suffix or path.name))
