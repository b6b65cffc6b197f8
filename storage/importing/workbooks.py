"""What XLSX and ODS files share: a zip archive read within bounds, into rows of cell text.

A merged cell (XLSX) or a spanning cell (ODS) holds its value for every row it covers, in its
first column: an O.S. merged down the rows of its actions is read on each row, and a title
merged across four columns is read once, not as its own indicators, pilots and deadline.
"""

import io
import zipfile

from storage.importing.model import MESSAGES, ImportFormatError

#: What a workbook may weigh once unzipped (a PST's is well under 5 MB).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: Columns read per row; a PST table has about fifteen.
MAX_COLUMNS = 60


def open_archive(data: bytes, unreadable: str) -> zipfile.ZipFile:
    """The workbook's zip archive, refused when it would unzip to more than the bound.

    `unreadable` names the message for a file that is not a zip (e.g. "unreadable_xlsx").
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFormatError(MESSAGES[unreadable].format(detail=exc)) from exc
    if sum(item.file_size for item in archive.infolist()) > MAX_UNZIPPED_BYTES:
        archive.close()
        limit = MAX_UNZIPPED_BYTES // (1024 * 1024)
        raise ImportFormatError(MESSAGES["zip_bomb"].format(limit=limit))
    return archive


def number_text(value: float, percent: bool = False) -> str:
    """A number cell as the import reads it: 0.4 formatted as a percentage is "40", 2.0 is "2"."""
    if percent:
        value *= 100
    if float(value).is_integer():
        return str(int(value))
    return str(round(value, 10))
