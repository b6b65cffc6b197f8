"""Files built to harm the server, and files saved the wrong way, get a French answer: refused
(saying why) or read, never a traceback, and never more than 200 MB of memory however much the
file declares. Each hostile file is built here, in the test that throws it at the import.

The memory bounds are measured in a child process (its peak RSS, `resource.getrusage`), which
parses the file and nothing else."""

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from storage.actions import list_actions
from storage.db import open_db
from storage.importing import (
    EcomptesError,
    ImportFormatError,
    UnsafeFile,
    import_plan,
    parse_csv,
    parse_ecomptes,
    parse_file,
    parse_ods,
    parse_xlsx,
)
from storage.importing.model import MAX_FILE_BYTES
from storage.plans import only_plan

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
#: The most a child process may take to read any file below (the issue's bound).
MEMORY_BOUND_MB = 200
HEADER = ["OS", "OO", "N°", "Intitulé", "Indicateurs", "Pilotes", "Échéance", "Commentaire"]
ROW = ["1", "1.1", "1", "Achat", "Travaux", "LM", "2021", "Devis reçus"]

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>"
)
EXTERNAL_ENTITY = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://attacker.example/x.dtd">'
DTDS = {
    "billion laughs": BILLION_LAUGHS,
    "external entity": EXTERNAL_ENTITY,
    "external DTD": EXTERNAL_DTD,
}


# --- Building files ------------------------------------------------------------------------


def xlsx(rows=(HEADER, ROW)) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewritten(data: bytes, change=lambda name, content: content, big: dict | None = None) -> bytes:
    """The archive with `change(name, bytes)` applied to each part; `big` parts (name ->
    (head, chunk, count, tail)) are written in place of theirs, `chunk` repeated `count` times,
    compressed as they are written (never held whole)."""
    big = big or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename not in big:
                target.writestr(item.filename, change(item.filename, source.read(item)))
        for name, (head, chunk, count, tail) in big.items():
            with target.open(name, "w", force_zip64=True) as part:
                part.write(head)
                for _ in range(count):
                    part.write(chunk)
                part.write(tail)
    return out.getvalue()


def with_dtd(dtd: bytes):
    def change(name, content):
        if not name.endswith((".xml", ".rels")):
            return content
        if content.startswith(b"<?xml"):
            content = content.split(b"?>", 1)[1]
        return dtd + content

    return change


def sheet_with(
    chunk: bytes, count: int = 1, before: bytes = b"", after: bytes = b""
) -> tuple[bytes, bytes, int, bytes]:
    """A worksheet (as `rewritten`'s big part) declaring every cell of Excel, holding the header
    row and the action, then `before`, `chunk` repeated `count` times and `after`."""
    head = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + b"".join(
            b'<row r="%d">' % line
            + b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % c.encode() for c in cells)
            + b"</row>"
            for line, cells in ((1, HEADER), (2, ROW))
        )
    )
    return head + before, chunk, count, after + b"</sheetData></worksheet>"


SHEET = "xl/worksheets/sheet1.xml"
ODS_HEAD = (
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
    b'<office:body><office:spreadsheet><table:table table:name="PST">'
)
ODS_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"


def ods_row(cells) -> bytes:
    return (
        b"<table:table-row>"
        + b"".join(
            b'<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>'
            % cell.encode()
            for cell in cells
        )
        + b"</table:table-row>"
    )


def ods(rows=(HEADER, ROW), head=b"", chunk=b"", count=0, tail=b"") -> bytes:
    """An .ods of `rows`, then `head`, `chunk` repeated `count` times and `tail`, streamed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        with archive.open("content.xml", "w", force_zip64=True) as content:
            content.write(ODS_HEAD + b"".join(ods_row(row) for row in rows) + head)
            for _ in range(count):
                content.write(chunk)
            content.write(tail + ODS_TAIL)
    return out.getvalue()


def ecomptes(libelle: str = "Achat") -> bytes:
    """An eComptes file of one action, titled `libelle` (as written in the XML)."""
    return (
        "<dataroot><PST><Volets><Volet ElementId='VOLET-interne'><Libelle>Volet interne</Libelle>"
        "<ObjectifStrategiques><ObjectifStrategique ElementId='OS-1'><Libelle>Solidarité</Libelle>"
        "<ObjectifsOperationnels><ObjectifOperationnel ElementId='OO-1.1'><Libelle>Logement"
        f"</Libelle><Actions><Action ElementId='ACT-1'><Libelle>{libelle}</Libelle>"
        "<Statut>EN_COURS</Statut><Departement>LM</Departement><RemarqueStatut><Valeur>Devis"
        "</Valeur></RemarqueStatut></Action></Actions></ObjectifOperationnel>"
        "</ObjectifsOperationnels></ObjectifStrategique></ObjectifStrategiques></Volet></Volets>"
        "</PST></dataroot>"
    ).encode()


# --- XML entities ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtd", DTDS.values(), ids=DTDS.keys())
@pytest.mark.parametrize(
    "part", ["xl/workbook.xml", SHEET, "xl/styles.xml", "_rels/.rels", "[Content_Types].xml"]
)
def test_an_xlsx_declaring_xml_entities_is_refused_as_unsafe(part, dtd):
    data = rewritten(
        xlsx(), lambda name, content: with_dtd(dtd)(name, content) if name == part else content
    )
    with pytest.raises(UnsafeFile) as refusal:
        parse_xlsx(data)
    assert f"« {part} » déclare une DTD ou des entités XML" in str(refusal.value)
    assert str(refusal.value).startswith("Ce fichier est refusé par sécurité")


@pytest.mark.parametrize("dtd", DTDS.values(), ids=DTDS.keys())
def test_an_ods_declaring_xml_entities_is_refused_as_unsafe(dtd):
    data = rewritten(ods(), with_dtd(dtd))
    with pytest.raises(UnsafeFile, match="« content.xml » déclare une DTD"):
        parse_ods(data)


@pytest.mark.parametrize("dtd", DTDS.values(), ids=DTDS.keys())
def test_an_ecomptes_file_declaring_xml_entities_is_refused_as_unsafe(dtd):
    with pytest.raises(UnsafeFile, match="son XML déclare une DTD ou des entités XML"):
        parse_ecomptes(dtd + ecomptes("&xxe;"))


def test_an_external_entity_never_reads_a_file_of_the_server(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("mot-de-passe-du-serveur")
    dtd = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "%s">]>' % secret.as_uri().encode()
    path = tmp_path / "pst.xml"
    path.write_bytes(dtd + ecomptes("&xxe;"))
    with pytest.raises(UnsafeFile, match="déclare une DTD") as refusal:
        parse_file(path)
    assert "mot-de-passe" not in str(refusal.value)


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".xml"])
def test_the_refusal_of_an_unsafe_file_names_the_file(tmp_path, suffix):
    built = {
        ".xlsx": lambda: rewritten(xlsx(), with_dtd(BILLION_LAUGHS)),
        ".ods": lambda: rewritten(ods(), with_dtd(BILLION_LAUGHS)),
        ".xml": lambda: BILLION_LAUGHS + ecomptes("&lol9;"),
    }
    path = tmp_path / f"plan du CPAS{suffix}"
    path.write_bytes(built[suffix]())
    with pytest.raises(ImportFormatError) as refusal:
        parse_file(path)
    assert str(refusal.value).startswith(
        f"Le fichier « plan du CPAS{suffix} » est refusé par sécurité"
    )


# --- Sizes ------------------------------------------------------------------------------------


def test_an_ecomptes_file_over_20_megabytes_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "pst.xml"
    with path.open("wb") as big:
        big.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ImportFormatError, match="Fichier trop gros"):
        parse_file(path)


def test_ecomptes_bytes_over_20_megabytes_are_refused_whoever_read_them():
    with pytest.raises(ValueError, match="Fichier trop gros"):
        parse_ecomptes(ecomptes() + b" " * MAX_FILE_BYTES)


def test_an_old_xls_or_a_password_protected_workbook_is_named_as_such():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    with pytest.raises(
        ImportFormatError, match="Excel ancien \\(.xls\\) ou protégé par un mot de passe"
    ):
        parse_xlsx(ole)


def stored(data: bytes) -> bytes:
    """The workbook with its parts stored uncompressed, as some tools write them."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item), zipfile.ZIP_STORED)
    return out.getvalue()


DAMAGES = {
    "archive cut short": (lambda data: data[: len(data) // 2], "Fichier Excel illisible"),
    "a part's bytes changed": (
        lambda data: stored(data).replace(b"Achat", b"Ach\xff\xfe"),
        "Fichier Excel illisible : partie « xl/worksheets/sheet1.xml » abîmée",
    ),
    "sheet XML cut": (
        lambda data: rewritten(data, lambda name, c: c[:-20] if name == SHEET else c),
        "Fichier Excel illisible : XML mal formé dans « xl/worksheets/sheet1.xml »",
    ),
    "no workbook part": (
        lambda data: rewritten(data, big={"xl/workbook.xml": (b"", b"", 0, b"")}),
        "Fichier Excel illisible : XML mal formé dans « xl/workbook.xml »",
    ),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_workbook_is_refused_in_french_naming_the_damage(damage):
    spoil, refusal = DAMAGES[damage]
    with pytest.raises(ImportFormatError) as error:
        parse_xlsx(spoil(xlsx()))
    assert str(error.value).startswith(refusal)


SPOILED = {
    "xlsx": (lambda: stored(xlsx()), parse_xlsx),
    "ods": (lambda: stored(ods()), parse_ods),
    "xml": (lambda: ecomptes(), parse_ecomptes),
}
changes = st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.binary(max_size=12), st.integers(0, 12)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(SPOILED)), spoils=changes)
def test_a_file_with_bytes_changed_anywhere_is_read_or_refused_in_french(kind, spoils):
    build, parse = SPOILED[kind]
    data = bytearray(build())
    for where, new, length in spoils:
        start = int(where * len(data))
        data[start : start + length] = new
    try:
        parse(bytes(data))
    except (ImportFormatError, EcomptesError) as refusal:
        assert str(refusal) and "Traceback" not in str(refusal)


def test_an_ods_whose_content_is_empty_is_refused_in_french():
    data = rewritten(ods(), big={"content.xml": (b"", b"", 0, b"")})
    with pytest.raises(ImportFormatError, match="Fichier OpenDocument .* XML mal formé"):
        parse_ods(data)


def test_cell_references_out_of_excels_range_are_read_in_order():
    data = rewritten(xlsx(), lambda name, c: c.replace(b'r="D2"', b'r="D2222222222"'))
    assert parse_xlsx(data).actions[0].title == "Achat"


# --- Memory, whatever the file declares --------------------------------------------------------

CHILD = """
import json, resource, sys
from storage.importing import ImportFormatError, parse_file
try:
    outcome = {"read": len(parse_file(sys.argv[1]).actions)}
except ImportFormatError as refusal:
    outcome = {"refused": str(refusal)}
outcome["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(outcome))
"""


def read_in_a_child(path: Path) -> dict:
    """What a fresh process makes of `path`: {"read": n actions} or {"refused": message}, and
    its peak memory in MB."""
    # Through sh, which forks the child: Linux keeps ru_maxrss across exec, so a child that
    # pytest started itself would report pytest's own peak.
    command = ["/bin/sh", "-c", '"$0" "$@"; exit $?', sys.executable, "-c", CHILD, str(path)]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hang, not a measure
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    return json.loads(done.stdout)


CELL_TEXT = (b'<row r="3"><c r="A3" t="inlineStr"><is><t>', b"</t></is></c></row>")
XLSX_BOMBS = {
    # The file: 198 KB declaring 190 MB in one cell's text (took 2.2 GB and 18 s).
    "one cell of a 190 MB text": (sheet_with(b"a" * MB, 190, *CELL_TEXT), "un seul tenant"),
    "a comment of 190 MB": (sheet_with(b"x" * MB, 190, b"<!--", b"-->"), "un seul tenant"),
    "one row of a million cells": (
        sheet_with(b"<c><v>1</v></c>" * 10_000, 100, b'<row r="3">', b"</row>"),
        "plus de 300000 cellules",
    ),
    "thousands of rows of hundreds of cells": (
        sheet_with(b"<row>" + b"<c><v>1</v></c>" * 400 + b"</row>", 30_000),
        "plus de 300000 cellules",
    ),
    "elements nested a million deep": (sheet_with(b"<a>" * 10_000, 100), "imbrique plus de 100"),
    "millions of shared strings": (
        (
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            b"<si><t>ab</t></si>" * 1000,
            10_000,
            b"</sst>",
        ),
        "plus de 200000 textes différents",
    ),
    "a styles part of millions of elements": (
        (
            b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            b"<ext/>" * 10_000,
            3_000,
            b"</styleSheet>",
        ),
        "plus de 1500000 éléments XML",
    ),
}
#: The part each attack replaces; the sheet when not named here.
PARTS = {
    "millions of shared strings": "xl/sharedStrings.xml",
    "a styles part of millions of elements": "xl/styles.xml",
}


@pytest.mark.parametrize("attack", XLSX_BOMBS)
def test_an_xlsx_bomb_is_refused_within_200_megabytes(tmp_path, attack):
    part, reason = XLSX_BOMBS[attack]
    path = tmp_path / "pst.xlsx"
    path.write_bytes(rewritten(xlsx(), big={PARTS.get(attack, SHEET): part}))
    assert path.stat().st_size < 2 * MB  # small on disk: what it declares is the attack
    outcome = read_in_a_child(path)
    assert reason in outcome.get("refused", ""), outcome
    assert outcome["peak_mb"] < MEMORY_BOUND_MB


def test_an_archive_of_hundreds_of_thousands_of_parts_is_refused_within_200_megabytes(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(200_000):
            archive.writestr(str(number), b"")
    path = tmp_path / "pst.xlsx"
    path.write_bytes(out.getvalue())
    outcome = read_in_a_child(path)
    assert "plus de 10000 parties" in outcome.get("refused", ""), outcome
    assert outcome["peak_mb"] < MEMORY_BOUND_MB


def test_a_sheet_listed_a_thousand_times_is_read_once():
    def list_again(name, content):
        if name != "xl/workbook.xml":
            return content
        sheet = re.search(rb"<sheet [^>]*/>", content)[0]
        return content.replace(sheet, sheet * 1000)

    parsed = parse_xlsx(rewritten(xlsx(), list_again))
    assert [action.code for action in parsed.actions] == ["1"]


def test_an_xlsx_declaring_every_row_and_column_is_read_as_the_rows_it_has(tmp_path):
    last_row = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = tmp_path / "pst.xlsx"
    path.write_bytes(rewritten(xlsx(), big={SHEET: sheet_with(last_row)}))
    outcome = read_in_a_child(path)
    assert outcome.get("read") == 1, outcome
    assert outcome["peak_mb"] < MEMORY_BOUND_MB


ODS_CELL = (b"<table:table-row><table:table-cell>", b"</table:table-cell></table:table-row>")
ODS_BOMBS = {
    "one cell of a 190 MB text": (
        (ODS_CELL[0] + b"<text:p>", b"a" * MB, 190, b"</text:p>" + ODS_CELL[1]),
        "un seul tenant",
    ),
    "one cell of millions of paragraphs": (
        (ODS_CELL[0], b"<text:p/>" * 1000, 20_000, ODS_CELL[1]),
        "plus de 10000 éléments XML",
    ),
    "a million cells": (
        (
            b"",
            b"<table:table-row>" + b"<table:table-cell/>" * 1000 + b"</table:table-row>",
            1000,
            b"",
        ),
        "plus de 300000 cellules",
    ),
    "millions of columns declared": (
        (b"", b"<table:table-column/>" * 1000, 9_000, b""),
        "plus de 1500000 éléments XML",
    ),
}


@pytest.mark.parametrize("attack", ODS_BOMBS)
def test_an_ods_bomb_is_refused_within_200_megabytes(tmp_path, attack):
    (head, chunk, count, tail), reason = ODS_BOMBS[attack]
    path = tmp_path / "pst.ods"
    path.write_bytes(ods(head=head, chunk=chunk, count=count, tail=tail))
    outcome = read_in_a_child(path)
    assert reason in outcome.get("refused", ""), outcome
    assert outcome["peak_mb"] < MEMORY_BOUND_MB


ECOMPTES_BOMBS = {
    "19 MB of elements": (b"<x/>" * (19 * MB // 4), "plus de 200000 éléments XML"),
    "a 19 MB text": (b"<x>" + b"a" * (19 * MB) + b"</x>", "un seul tenant"),
    "elements nested a million deep": (b"<x>" * 1_000_000, "imbrique plus de 100"),
}


@pytest.mark.parametrize("attack", ECOMPTES_BOMBS)
def test_an_ecomptes_bomb_is_refused_within_200_megabytes(tmp_path, attack):
    filling, reason = ECOMPTES_BOMBS[attack]
    path = tmp_path / "pst.xml"
    path.write_bytes(ecomptes().replace(b"<PST>", b"<PST>" + filling, 1))
    outcome = read_in_a_child(path)
    assert reason in outcome.get("refused", ""), outcome
    assert outcome["peak_mb"] < MEMORY_BOUND_MB


def test_a_cell_longer_than_excel_allows_is_refused_naming_its_row():
    data = rewritten(xlsx(), big={SHEET: sheet_with(b"a" * 40_000, 1, *CELL_TEXT)})
    with pytest.raises(
        ImportFormatError, match="Ligne 3 : une cellule de plus de 32767 caractères"
    ):
        parse_xlsx(data)


# --- Text files as spreadsheets save them -------------------------------------------------------


def table_text(rows=(HEADER, ROW)) -> str:
    return "\r\n".join("\t".join(row) for row in rows) + "\r\n"


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-8", "cp1252"]
)
def test_a_table_saved_as_unicode_text_by_excel_imports(tmp_path, encoding):
    """Excel's « Texte Unicode » is UTF-16 with its BOM, tab-separated, in a .txt; the others
    are what other tools save as text."""
    path = tmp_path / "pst.txt"
    path.write_bytes(table_text([HEADER, [*ROW[:3], "Bâtiment rénové", *ROW[4:]]]).encode(encoding))
    parsed = parse_file(path)
    assert [(a.code, a.title, a.pilots) for a in parsed.actions] == [
        ("1", "Bâtiment rénové", ["LM"])
    ]
    assert bool(parsed.warnings) == (encoding == "cp1252")


def test_a_utf16_text_cut_in_the_middle_of_a_character_is_read_without_a_traceback(tmp_path):
    path = tmp_path / "pst.txt"
    path.write_bytes(table_text().encode("utf-16") + b"\x00")
    assert parse_file(path).actions[0].title == "Achat"


def test_a_recap_saved_as_unicode_text_imports(tmp_path):
    path = tmp_path / "pst.txt"
    lines = [
        "O.S.1\tSolidarité\tVOLET EXTERNE",
        "O.O.1.1\tLogement",
        "Action 1\tAchat\tTravaux\tLM\t2021",
    ]
    path.write_bytes("\n".join(lines).encode("utf-16"))
    assert parse_file(path).actions[0].pilots == ["LM"]


def test_a_text_file_that_is_no_table_is_refused_in_french(tmp_path):
    path = tmp_path / "pst.txt"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(ImportFormatError, match="Ligne d'en-têtes introuvable"):
        parse_file(path)


def test_a_csv_quote_never_closed_is_refused_naming_its_line():
    text = ";".join(HEADER) + "\n" + ";".join(ROW) + '\n1;1.1;2;"Achat' + "x" * 200_000
    with pytest.raises(ImportFormatError, match="Ligne 3 : .*guillemet"):
        parse_csv(text)


# --- Bidirectional controls -----------------------------------------------------------------------

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
BIDI_ROW = [
    "1",
    "1.1",
    "1",
    f"Achat {RLO}tiaf{PDF}",
    f"Tra{LRI}vaux{PDI}",
    f"L{RLO}M",
    "2021",
    f"{RLO}Devis",
]
CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]


def stored_texts(parsed) -> list[str]:
    db = open_db(":memory:")
    import_plan(db, parsed)
    texts = []
    for action in list_actions(db, only_plan(db).id):
        texts += [action.title, action.os_title, action.oo_title, action.indicators]
        texts += [*action.pilots, action.last_comment or "", action.deadline]
    return texts


def bidi_files() -> dict:
    rows = [HEADER, BIDI_ROW]
    return {
        "csv": lambda path: path.write_text("\n".join(";".join(r) for r in rows), "utf-8"),
        "txt": lambda path: path.write_bytes(table_text(rows).encode("utf-16")),
        "xlsx": lambda path: path.write_bytes(xlsx(rows)),
        "ods": lambda path: path.write_bytes(ods(rows)),
        "xml": lambda path: path.write_bytes(
            ecomptes(f"Achat {RLO}tiaf{PDF}").replace(b"LM", f"L{RLO}M".encode())
        ),
    }


@pytest.mark.parametrize("suffix", ["csv", "txt", "xlsx", "ods", "xml"])
def test_bidi_controls_are_removed_from_every_text_an_import_stores(tmp_path, suffix):
    path = tmp_path / f"pst.{suffix}"
    bidi_files()[suffix](path)
    texts = stored_texts(parse_file(path))
    assert {"Achat tiaf", "LM", "Devis"} <= set(texts)
    assert not [text for text in texts if any(control in text for control in CONTROLS)]


def test_a_recap_line_holding_bidi_controls_is_stored_without_them(tmp_path):
    path = tmp_path / "pst.md"
    lines = [
        f"O.S.1\tSolidarit{LRI}é",
        "O.O.1.1\tLogement",
        f"Action 1\tAchat {RLO}tiaf\tTravaux\tLM\t2021",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    texts = stored_texts(parse_file(path))
    assert "Achat tiaf" in texts and "Solidarité" in texts
