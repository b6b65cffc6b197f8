"""What XLSX and ODS files share: a zip archive read within bounds, into rows of cell text.

A merged cell (XLSX) or a spanning cell (ODS) holds its value for every row it covers, in its
first column: an O.S. merged down the rows of its actions is read on each row, and a title
merged across four columns is read once, not as its own indicators, pilots and deadline.

Whatever a workbook declares (its size, its dimensions, its repeats), what is read is bounded:
the archive holds at most MAX_PARTS parts and unzips to at most MAX_UNZIPPED_BYTES (each
part's size is checked before it is read, and zipfile never gives more than the size
declared); its XML goes through `safe_xml.iter_xml`; at most MAX_CELLS cells are read, each
of at most MAX_CELL_CHARS characters, MAX_TEXT_CHARS in all (`CellBudget`).
"""

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO
from xml.etree import ElementTree as ET

from storage.importing.messages import MESSAGES
from storage.importing.model import ImportFormatError
from storage.importing.safe_xml import Allowance, check_prolog

#: What a workbook may weigh once unzipped (a PST's is well under 5 MB).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: Columns read per row; a PST table has about fifteen.
MAX_COLUMNS = 60
#: Cells read in a workbook, empty ones and those right of MAX_COLUMNS included: a table of
#: 20,000 rows of fifteen columns. A PST has a few thousand.
MAX_CELLS = 300_000
#: Characters of one cell: Excel's own limit.
MAX_CELL_CHARS = 32_767
#: Characters of all the cells read, each time a cell is read; a PST has a few hundred thousand.
MAX_TEXT_CHARS = 10_000_000

#: Parts of a workbook: a PST's has about ten, one with many pictures a few hundred.
MAX_PARTS = 10_000
#: How each part starts in the archive's directory (zipfile reads no entry without it).
_DIRECTORY_ENTRY = b"PK\x01\x02"
#: What zipfile raises for a damaged archive: a bad header, offset, CRC, compression, version.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError)
#: How a file that is an OLE container starts: an old .xls, or an encrypted .xlsx.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_archive(data: bytes, unreadable: str) -> zipfile.ZipFile:
    """The workbook's zip archive, refused when it would unzip to more than the bound, or when
    one of its parts starts with a DTD (`safe_xml.check_prolog`).

    `unreadable` names the message for a file that is not a zip (e.g. "unreadable_xlsx").
    """
    if data.startswith(OLE_MAGIC):
        raise ImportFormatError(MESSAGES["encrypted_or_xls"])
    # Counted before zipfile reads the directory: each entry it reads costs memory.
    if data.count(_DIRECTORY_ENTRY) > MAX_PARTS:
        raise ImportFormatError(MESSAGES["too_many_parts"].format(limit=MAX_PARTS))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGED as exc:
        raise ImportFormatError(MESSAGES[unreadable].format(detail=exc)) from exc
    if sum(item.file_size for item in archive.infolist()) > MAX_UNZIPPED_BYTES:
        archive.close()
        limit = MAX_UNZIPPED_BYTES // (1024 * 1024)
        raise ImportFormatError(MESSAGES["zip_bomb"].format(limit=limit))
    try:
        for info in archive.infolist():
            if not info.is_dir() and not info.flag_bits & 0x1:  # encrypted: refused when read
                with archive_part(archive, info.filename, unreadable) as stream:
                    check_prolog(stream, f"« {info.filename} »")
    except ImportFormatError:
        archive.close()
        raise
    return archive


@contextmanager
def archive_part(archive: zipfile.ZipFile, path: str, unreadable: str) -> Iterator[BinaryIO]:
    """One part of the archive as a stream; a damaged part or a malformed XML in it is a
    refusal naming the part (KeyError when there is no such part)."""
    info = archive.getinfo(path)
    if info.flag_bits & 0x1:
        raise ImportFormatError(MESSAGES["encrypted_member"])
    try:
        with archive.open(info) as stream:
            yield stream
    except ET.ParseError as exc:
        detail = f"XML mal formé dans « {path} » ({exc})"
        raise ImportFormatError(MESSAGES[unreadable].format(detail=detail)) from exc
    except _DAMAGED as exc:
        detail = f"partie « {path} » abîmée ({exc})"
        raise ImportFormatError(MESSAGES[unreadable].format(detail=detail)) from exc


class CellBudget:
    """The cells and characters a workbook may still be read for (bounds above), and the XML
    elements its parts may still hold (`safe_xml.Allowance`)."""

    def __init__(self) -> None:
        self.cells = MAX_CELLS
        self.chars = MAX_TEXT_CHARS
        self.elements = Allowance()

    def cell(self, count: int = 1) -> None:
        """Count `count` cells read; refuses past MAX_CELLS."""
        self.cells -= count
        if self.cells < 0:
            raise ImportFormatError(MESSAGES["too_many_cells"].format(limit=MAX_CELLS))

    def text(self, text: str, line: int | None = None, times: int = 1) -> str:
        """`text`, the value of a cell read `times` times (a repeated cell), once counted."""
        if len(text) > MAX_CELL_CHARS:
            raise ImportFormatError(MESSAGES["cell_too_long"].format(limit=MAX_CELL_CHARS), line)
        self.charge(len(text) * times)
        return text

    def charge(self, chars: int) -> None:
        """Count `chars` characters read; refuses past MAX_TEXT_CHARS."""
        self.chars -= chars
        if self.chars < 0:
            limit = MAX_TEXT_CHARS // 1_000_000
            raise ImportFormatError(MESSAGES["too_much_text"].format(limit=limit))


def number_text(value: float, percent: bool = False) -> str:
    """A number cell as the import reads it: 0.4 formatted as a percentage is "40", 2.0 is "2"."""
    if percent:
        value *= 100
    if float(value).is_integer():
        return str(int(value))
    return str(round(value, 10))
