"""The actions' fields in the evaluation (issue 23 item 1): indicators against their target,
decisions (linked where the format has links), mandataires, ODD, the budget per OS and OO, and
the « Bilan des synergies » listing the actions marked as synergies with their partner. A plan
without these fields reads as before.

The plan is the bundled example (CPAS de Frameries); a commune plan beside it holds the
partner action. A decision said in chat and undone is not shown (storage.plan_fields reads
only what stands)."""

import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest

from reports import evaluation_report
from reports.action_facts import NO_SYNERGY
from reports.plan_fields_report import evaluation_fields
from storage.actions import list_actions
from storage.history import record_undo, record_update
from storage.importing import import_plan
from storage.importing.model import plan_from_rows
from storage.plan_fields import (
    ActionFields,
    BudgetLine,
    Decision,
    Indicator,
    Measure,
    Synergy,
    store_imported,
)
from storage.transactions import transaction
from tests.test_conseil_evaluation import text_of

FORMATS = ["html", "md", "odt", "docx", "pdf"]
DAY = date(2027, 4, 1)
URL = "https://deliberations.frameries.be/2027/conseil-12"
FIELDS = ActionFields(
    indicators=(
        Indicator("dossiers traités", "dossiers", 12, (Measure(date(2027, 2, 1), 4),)),
        Indicator("réunions tenues", target=6),
    ),
    budget=(
        BudgetLine(2026, 15000, "ordinaire", "SPW"),
        BudgetLine(2027, 2500, "extraordinaire"),
    ),
    odd=(3, 11),
    mandataries=("Échevin Dupont", "Mme Martin"),
    decisions=(Decision("conseil", date(2027, 3, 24), "12", URL),),
    synergies=(Synergy("commune", "5.1.4"),),
)
PARTNER = {
    "os_number": 5,
    "os_title": "Une commune solidaire",
    "oo_number": "5.1",
    "oo_title": "Emploi",
    "number": "5.1.4",
    "title": "Maison de l'emploi partagée",
}


def actions_of(db):
    return list_actions(db, 1, with_history=True)


@pytest.fixture
def marked(db):
    """The example plan, action 1 with every field, action 3 a synergy with no plan named,
    a commune plan holding the partner action 5.1.4."""
    import_plan(db, plan_from_rows([PARTNER]), "commune")
    number = {a.code: a.number for a in actions_of(db)}
    with transaction(db):
        store_imported(db, number["1"], FIELDS)
        store_imported(db, number["3"], ActionFields(synergies=(Synergy(""),)))
    return db


def evaluation_text(db, fmt: str, with_fields: bool = True) -> str:
    """What a reader sees: a Markdown link as its words."""
    text = text_of(evaluation_data(db, fmt, with_fields), fmt)
    return re.sub(r"\[([^\]]*)\]\(https?://[^)]*\)", r"\1", text) if fmt == "md" else text


def evaluation_data(db, fmt: str, with_fields: bool = True) -> bytes:
    actions = actions_of(db)
    shown = evaluation_fields(db, actions) if with_fields else None
    return evaluation_report(actions, fmt, generated_on=DAY, fields=shown)


def detail(text: str) -> str:
    """From the summary's last part (past the contents page) to the synergies."""
    return text[text.rindex("Ce qui a bougé") : text.rindex("Bilan des synergies")]


def synergies(text: str) -> str:
    return text[text.rindex("Bilan des synergies") : text.rindex("Conclusion")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_field_shows_under_its_action(marked, fmt):
    text = detail(evaluation_text(marked, fmt))
    action = text[text.index("Action 1 –") : text.index("Action 2 –")]

    assert "dossiers traités : 4 / 12 dossiers (33 %)" in action
    assert "réunions tenues : objectif 6" in action
    assert "Décision : Conseil du 24/03/2027, point 12" in action
    assert "Mandataires : Échevin Dupont, Mme Martin." in action
    assert "ODD 3, 11." in action


@pytest.mark.parametrize(
    "fmt, printed",
    [("odt", f"({URL})"), ("pdf", "(https://")],  # a PDF line may break inside the address
)
def test_formats_without_links_print_the_deliberations_address(marked, fmt, printed):
    text = evaluation_text(marked, fmt)

    assert f"Conseil du 24/03/2027, point 12 {printed}" in text


def test_html_markdown_and_docx_link_the_decision_to_its_deliberation(marked):
    html = evaluation_data(marked, "html").decode()
    md = evaluation_data(marked, "md").decode()
    with zipfile.ZipFile(io.BytesIO(evaluation_data(marked, "docx"))) as package:
        body = package.read("word/document.xml").decode()
        relations = package.read("word/_rels/document.xml.rels").decode()

    assert f'<a href="{URL}">Conseil du 24/03/2027, point 12</a>' in html
    assert f"[Conseil du 24/03/2027, point 12]({URL})" in md
    assert "<w:hyperlink" in body and URL in relations and 'TargetMode="External"' in relations
    assert f"point 12 ({URL})" not in html + md + body  # the link says it, not the address


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_budget_totals_show_under_the_os_and_the_oo(marked, fmt):
    text = detail(evaluation_text(marked, fmt))
    start = text.index("Objectif stratégique 1 :")
    os_1 = text[start : text.index("Commentaire du CODIR", start)]
    start = text.index("Objectif opérationnel 1.1 :")
    oo_1 = text[start : text.index("Action 1 –", start)]

    budget = "Budget : 17 500 € (ordinaire 15 000 €, extraordinaire 2 500 €)."
    assert budget in os_1 and budget in oo_1
    assert text.count("Budget :") == 2  # the other OS and OO have no budget lines


@pytest.mark.parametrize("fmt", ["md", "docx", "odt"])
def test_synergy_section_lists_the_marked_actions_with_their_partner_by_os(marked, fmt):
    section = synergies(evaluation_text(marked, fmt))

    assert NO_SYNERGY not in section
    assert "2 actions sont marquées comme synergie entre la commune et le CPAS" in section
    assert section.index("Objectif stratégique 1 :") < section.index("Action 1 –")
    assert "Avec : plan commune, action 5.1.4 – Maison de l'emploi partagée." in section
    assert "Action 3 –" in section and "Avec : l'autre institution (plan non précisé)." in section
    assert "Action 2 –" not in section


def test_synergy_section_keeps_its_sentence_when_none_is_marked(db):
    section = synergies(evaluation_text(db, "md"))

    assert NO_SYNERGY in section


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_an_undone_decision_and_synergy_do_not_show(marked, fmt):
    action = actions_of(marked)[1]
    at = datetime(2027, 3, 1, 10, tzinfo=UTC)
    entry = record_update(marked, action.number, "@marie:example.org", comment="décision", at=at)
    with transaction(marked):
        marked["decisions"].insert(
            {
                "action_number": action.number,
                "body": "college",
                "day": "2027-02-15",
                "point": "7",
                "update_id": entry["id"],
            }
        )
        marked["synergies"].insert(
            {"action_number": action.number, "partner_plan": "commune", "update_id": entry["id"]}
        )
    shown_before = evaluation_text(marked, fmt)
    record_undo(marked, [entry], "@marie:example.org", at=at, comments={entry["id"]: "annulé"})

    text = evaluation_text(marked, fmt)

    assert "Collège du 15/02/2027, point 7" in shown_before  # shown while it stood
    assert "Collège du 15/02/2027" not in text
    assert f"Action {action.code} –" not in synergies(text)


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_a_plan_without_fields_reads_as_before(db, fmt):
    with_fields = evaluation_data(db, fmt)
    without = evaluation_data(db, fmt, with_fields=False)

    if fmt == "docx":  # a zip holds the time it was written
        assert text_of(with_fields, fmt) == text_of(without, fmt)
    else:
        assert with_fields == without
    assert "Budget :" not in text_of(with_fields, fmt)
