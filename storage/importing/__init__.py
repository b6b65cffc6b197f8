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
whose text names the line. A file refused because reading it could harm the server (XML
entities, a bomb) raises `UnsafeFile`, an `ImportFormatError` naming the file; every format is
read within bounds, whatever the file declares (`safe_xml.py`, `workbooks.py`).
"""

import os
from pathlib import Path, PurePath

from storage.importing import ecomptes
from storage.importing.delimited import parse_csv, read_csv
from storage.importing.ecomptes import EcomptesError, parse_ecomptes
from storage.importing.merge import ImportReport, WrongPlan, import_plan
from storage.importing.messages import MESSAGES
from storage.importing.model import (
    MAX_FILE_BYTES,
    ImportFormatError,
    ParsedPST,
    UnsafeFile,
    plan_from_rows,
)
from storage.importing.ods import parse_ods
from storage.importing.recap import EXAMPLE_PATH, load_example, parse_recap, read_text
from storage.importing.sheets import parse_rows
from storage.importing.xlsx import parse_xls, parse_xlsx

__all__ = [
    "EXAMPLE_PATH",
    "EcomptesError",
    "ImportFormatError",
    "ImportReport",
    "WrongPlan",
    "ParsedPST",
    "UnsafeFile",
    "import_plan",
    "load_example",
    "parse_csv",
    "parse_ecomptes",
    "parse_bytes",
    "parse_file",
    "parse_ods",
    "parse_recap",
    "parse_rows",
    "parse_xlsx",
    "plan_from_rows",
    "read_ecomptes",
]


def read_ecomptes(data: bytes) -> ParsedPST:
    """An eComptes file's bytes as a plan, the actions' fields too (`ecomptes.read_plan`)."""
    return ecomptes.read_plan(data)


#: Extension -> the reader of a file's bytes.
READERS = {
    ".xlsx": parse_xlsx,
    ".xls": parse_xls,  # read with xlrd when installed, else refused with how to convert
    ".ods": parse_ods,
    ".csv": read_csv,
    ".md": read_text,
    ".txt": read_text,
    ".xml": read_ecomptes,
}


def parse_file(path: str | Path) -> ParsedPST:
    """Parse a .csv, .xlsx, .xls, .ods, .md, .txt or eComptes .xml file, chosen by its extension;
    a file over MAX_FILE_BYTES is refused before it is read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise ImportFormatError(MESSAGES["unknown_format"].format(suffix=suffix or path.name))
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        # Never more than the bound, even from a file whose size is not known (a pipe).
        data = file.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
    return parse_bytes(path.name, data, size)


def parse_bytes(file_name: str, data: bytes, size: int | None = None) -> ParsedPST:
    """The plan in a file's bytes (a file dropped in chat, or read by `parse_file`; `size` its
    size on disk when known), read by the reader its name's extension chooses;
    `ImportFormatError` (in French) for anything that cannot be imported."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in READERS:
        raise ImportFormatError(MESSAGES["unknown_format"].format(suffix=suffix or file_name))
    size = max(size or 0, len(data))
    if size > MAX_FILE_BYTES:
        size, limit = size // (1024 * 1024), MAX_FILE_BYTES // (1024 * 1024)
        raise ImportFormatError(MESSAGES["file_too_large"].format(size=size, limit=limit))
    try:
        return READERS[suffix](data)
    except UnsafeFile as error:
        raise error.named(file_name) from None
    except EcomptesError as error:
        raise ImportFormatError(str(error)) from error
