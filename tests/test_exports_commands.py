"""!export, !evaluation, !ecomptes, !graphique in chat, and the same files from the command line."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from reports import validate_ecomptes
from storage.actions import get_action
from storage.db import open_db
from tests.conftest import ADMIN, SYLVIE, snapshot
from tests.test_shell import pst_bot

CODIR_MEMBER = "@codir:example.org"


def test_export_xlsx_for_admin_opens_with_a_summary_and_one_sheet_per_os(say):
    reply = say(ADMIN, "!export xlsx")
    [attachment] = reply.attachments
    assert attachment.filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(attachment.data))
    assert workbook.sheetnames == ["Synthèse", "OS 1", "OS 2", "OS 3", "OS 4", "OS 5", "OS 6"]


@pytest.mark.parametrize("fmt", ["ods", "csv", "md", "html"])
def test_export_other_formats_for_codir(say, fmt):
    [attachment] = say(CODIR_MEMBER, f"!exporter {fmt}").attachments
    assert attachment.filename.endswith(f".{fmt}") and len(attachment.data) > 1000


def test_export_refused_for_a_pilot_without_writing(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "!export xlsx")
    assert reply.refused and "administrateur" in reply.text and not reply.attachments
    assert snapshot(db) == before


def test_export_unknown_format_lists_the_formats(say):
    reply = say(ADMIN, "!export pptx")
    assert reply.refused
    assert "Format « pptx » inconnu" in reply.text and "xlsx, ods, pdf, csv, md, html" in reply.text


def test_evaluation_odt_is_an_opendocument_text(say):
    say(SYLVIE, "!maj 23 fait tronc commun adopté")
    [attachment] = say(ADMIN, "!evaluation odt").attachments
    archive = zipfile.ZipFile(io.BytesIO(attachment.data))
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    content = archive.read("content.xml").decode()
    assert "Actions réalisées" in content and "Tronc commun adopté." in content  # a sentence


def test_evaluation_since_a_date_states_the_period(say):
    reply = say(ADMIN, "!rapport md depuis 2024-01-01")
    assert "depuis le 01/01/2024" in reply.text
    assert reply.attachments[0].filename.endswith(".md")


def test_evaluation_with_unreadable_date_is_refused(say):
    reply = say(ADMIN, "!evaluation odt depuis hier soir")
    assert reply.refused and "illisible" in reply.text


def test_ecomptes_file_validates_against_the_schema(say):
    [attachment] = say(ADMIN, "!ecomptes forcer").attachments  # the tests keep INS 00000
    validate_ecomptes(attachment.data)
    assert (
        attachment.data.startswith(b"<?xml") and b"<Statut>NON_COMMENCE</Statut>" in attachment.data
    )


def test_chart_is_a_png_image_for_everyone(say):
    [attachment] = say(SYLVIE, "!graphique").attachments
    assert attachment.mimetype == "image/png" and attachment.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_exports_ecomptes_and_evaluation(tmp_path):
    db_path = tmp_path / "pst.db"
    example = "storage/data/pst-cpas-frameries-2019-2024.md"
    assert pst_bot("import", example, "--db", str(db_path)).returncode == 0
    xml = tmp_path / "pst.xml"
    result = pst_bot(
        "export", "--format", "ecomptes", "--force", "--db", str(db_path), "-o", str(xml)
    )
    assert result.returncode == 0, result.stderr
    validate_ecomptes(xml.read_bytes())
    docx = tmp_path / "eval.docx"
    result = pst_bot("evaluation", "--format", "docx", "--db", str(db_path), "-o", str(docx))
    assert result.returncode == 0, result.stderr
    assert zipfile.ZipFile(docx).read("word/document.xml").count(b"Action ") >= 127


def test_cli_export_of_an_empty_database_is_refused(tmp_path):
    result = pst_bot("export", "--format", "xlsx", "--db", str(tmp_path / "empty.db"))
    assert result.returncode != 0 and "aucun PST" in result.stderr


def test_ecomptes_file_imports_back_with_statuses_and_changes_nothing_on_reimport(tmp_path, say):
    say(SYLVIE, "!maj 23 fait")
    say(SYLVIE, "!maj 32 en cours 40% audit lancé")
    xml = tmp_path / "pst.xml"
    xml.write_bytes(say(ADMIN, "!ecomptes forcer").attachments[0].data)
    db_path = tmp_path / "copy.db"
    first = pst_bot("import", str(xml), "--db", str(db_path))
    assert first.returncode == 0, first.stderr
    assert "127 actions importés (127 nouvelles" in first.stdout
    assert "2 statuts repris du fichier" in first.stdout
    again = pst_bot("import", str(xml), "--db", str(db_path))
    assert "(0 nouvelles, 0 modifiées, 0 statuts" in again.stdout
    copy = get_action(open_db(db_path), 32)
    assert (copy.status, copy.progress, copy.last_comment) == (
        "en cours",
        40,
        "audit lancé",
    )


def test_import_of_a_non_ecomptes_xml_is_refused(tmp_path):
    bad = tmp_path / "other.xml"
    bad.write_text("<racine/>")
    result = pst_bot("import", str(bad), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "pas un PST eComptes" in result.stderr
