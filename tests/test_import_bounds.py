"""Imports are bounded: a huge, declared-huge or piled-up file is refused with a clear message,
never read into memory whole (the memory each attack takes is measured in
tests/test_import_attacks.py)."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from storage.importing import ImportFormatError, parse_csv, parse_file, parse_recap, parse_xlsx
from storage.importing.model import MAX_ROWS

HEADER = "os;oo;action;title;indicators;pilots;deadline"


def small_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append([1, "1.1", 1, "Achat", "", "LM", "2021"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewritten(data: bytes, change) -> bytes:
    """The workbook with `change(name, bytes) -> bytes` applied to each member, plus extras."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, change(item.filename, source.read(item)))
    return out.getvalue()


def test_a_sheet_declaring_a_million_rows_is_read_as_the_rows_it_has():
    def declare_huge(name, content):
        if name.startswith("xl/worksheets/"):
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', content)
        return content

    parsed = parse_xlsx(rewritten(small_workbook(), declare_huge))
    assert [action.code for action in parsed.actions] == ["1"]


def test_a_merged_range_declared_down_to_the_last_row_spreads_over_the_rows_there_are():
    def merge_to_the_end(name, content):
        if name.startswith("xl/worksheets/"):
            merged = b'<mergeCells count="1"><mergeCell ref="A2:A1048576"/></mergeCells>'
            return content.replace(b"</sheetData>", b"</sheetData>" + merged)
        return content

    parsed = parse_xlsx(rewritten(small_workbook(), merge_to_the_end))
    assert [action.code for action in parsed.actions] == ["1"]


def test_a_sheet_of_a_hundred_thousand_merged_ranges_is_refused():
    def merge_everything(name, content):
        if name.startswith("xl/worksheets/"):
            ranges = b"".join(b'<mergeCell ref="A1:A%d"/>' % n for n in range(2, 100_000))
            return content.replace(
                b"</sheetData>", b"</sheetData><mergeCells>" + ranges + b"</mergeCells>"
            )
        return content

    data = rewritten(small_workbook(), merge_everything)
    with pytest.raises(ImportFormatError, match="plus de 20000 cellules fusionnées"):
        parse_xlsx(data)


def test_a_workbook_that_would_unzip_to_hundreds_of_megabytes_is_refused():
    out = io.BytesIO(small_workbook())
    with (
        zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/padding.bin", "w") as padding,
    ):
        for _ in range(210):
            padding.write(bytes(1024 * 1024))
    with pytest.raises(ImportFormatError, match="décompressé il ferait plus de 200 Mo"):
        parse_xlsx(out.getvalue())


def test_a_sheet_of_more_than_the_row_limit_is_refused():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER.split(";"))
    for number in range(1, MAX_ROWS + 1):
        sheet.append([1, "1.1", number, f"Action {number}", "", "LM", "2021"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ImportFormatError, match=f"plus de {MAX_ROWS} lignes"):
        parse_xlsx(out.getvalue())


def test_a_csv_or_recap_of_more_than_the_row_limit_is_refused():
    rows = "\n".join(f"1;1.1;{n};Action {n};;LM;2021" for n in range(1, MAX_ROWS + 1))
    with pytest.raises(ImportFormatError, match="lignes"):
        parse_csv(HEADER + "\n" + rows)
    with pytest.raises(ImportFormatError, match="lignes"):
        parse_recap("\n" * (MAX_ROWS + 1))


def test_a_file_over_20_megabytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "pst.csv"
    with path.open("wb") as big:
        big.truncate(21 * 1024 * 1024)
    with pytest.raises(ImportFormatError, match="Fichier trop gros"):
        parse_file(path)


def test_an_action_number_of_thousands_of_digits_is_a_clear_refusal():
    with pytest.raises(ImportFormatError, match="numéro d'action"):
        parse_csv(HEADER + "\n1;1.1;" + "9" * 4400 + ";Achat;;LM;2021")
