"""!export reads the plan as the table shows it: every OO, those without an action yet too, and
« Dernière mise à jour » from the changes still standing (an undone update is no update)."""

import io

from openpyxl import load_workbook

from reports.labels import NO_ACTIONS_YET
from tests.conftest import ADMIN, LUC, OO_WITHOUT_ACTION, add_empty_oo


def exported(say, fmt: str) -> bytes:
    reply = say(ADMIN, f"!export {fmt}")
    assert not reply.refused, reply.text
    (attachment,) = reply.attachments
    return attachment.data


def test_an_oo_without_action_is_in_the_exported_table(say, db):
    add_empty_oo(db)
    for fmt in ("md", "html"):
        text = exported(say, fmt).decode("utf-8")
        assert OO_WITHOUT_ACTION in text and NO_ACTIONS_YET in text, fmt


def test_the_exported_xlsx_names_the_empty_oo_and_says_so(say, db):
    add_empty_oo(db)
    book = load_workbook(io.BytesIO(exported(say, "xlsx")))
    cells = [
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell
    ]
    assert any(OO_WITHOUT_ACTION in c for c in cells)
    assert NO_ACTIONS_YET in cells


def last_update_of_52(say) -> str:
    """The « Dernière mise à jour » cell (the last column) of action 52 in the MD export."""
    lines = exported(say, "md").decode("utf-8").splitlines()
    row = next(line for line in lines if line.startswith("| 52 "))
    return row.split("|")[-2].strip()


def test_an_undone_update_is_not_the_last_update_in_the_export(say, db):
    say(LUC, "!maj 52 en cours")
    assert last_update_of_52(say).startswith("2025-03-14")
    say(LUC, "!annuler")
    assert last_update_of_52(say) == ""
