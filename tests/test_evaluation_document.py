"""The evaluation as the Conseil's document (issue 22, item 1), read back from its files: the
cover, the contents page, A4 pages numbered in their footers, the CODIR's texts written once in
chat and kept, lateness where it informs, the optional annex, the synergies.

The plan is the bundled example (CPAS de Frameries, imported without a title: its plan is
« PST pst »), after a scripted month of updates in chat.
"""

import io
import re
import zipfile
from datetime import date

import docx
import pypdfium2
import pytest
from docx.oxml.ns import qn

from commands.files import evaluation_file
from reports import evaluation_report
from reports.action_facts import NO_SYNERGY
from reports.evaluation import TO_COMPLETE
from reports.sample import synthetic_plan
from storage import evaluation_texts
from storage.actions import list_actions
from storage.db import open_db
from storage.importing import import_plan, load_example
from storage.migrations import STEPS, schema_version, upgrade
from storage.plans import all_plans, create_plan
from tests.conftest import ADMIN, NOW, snapshot
from tests.test_conseil_evaluation import pdf_pages, text_of

FORMATS = ["html", "md", "odt", "docx", "pdf"]
PAGED = ["odt", "docx", "pdf"]
CODIR = "@codir:example.org"
#: A scripted month: actions started (some late), done, suspended.
MONTH = [
    "!maj 1 en cours 40% marché attribué",
    "!maj 2 en cours 20%",
    "!maj 3 fait",
    "!maj 5 suspendu attente du budget",
    "!maj 60 en cours 10%",
    "!maj 120 en cours 50%",
]


def evaluation(say, words: str = "md"):
    """The evaluation `!evaluation <words>` hands out, as (its bytes, the text a reader sees)."""
    reply = say(ADMIN, f"!evaluation {words}")
    assert not reply.refused, reply.text
    (attachment,) = reply.attachments
    fmt = attachment.filename.rsplit(".", 1)[1]
    return attachment.data, text_of(attachment.data, fmt)


@pytest.fixture
def month(say):
    for line in MONTH:
        assert not say(ADMIN, line).refused, line
    return say


def _odt_part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name).decode("utf-8")


# ---------------------------------------------------------------- the cover


@pytest.mark.parametrize("fmt", FORMATS)
def test_cover_never_shows_the_plan_code(month, fmt):
    _, text = evaluation(month, fmt)

    assert "PST pst" not in text
    assert "Programme stratégique transversal 2019-2024" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_cover_gives_the_plan_period_the_period_evaluated_and_the_conseil(month, fmt):
    _, text = evaluation(month, f"{fmt} conseil 2027-03-24")
    cover = text[: text.index("Table des matières")]

    assert "Période du plan : 2019-2024" in cover  # read from the actions' years
    assert "Période évaluée : du 01/01/2019 au 14/03/2025" in cover
    assert "Présentée au Conseil du 24/03/2027" in cover
    assert "Situation au 14/03/2025" in cover


def test_period_is_read_from_the_plan_title_when_the_plan_has_none():
    db = open_db(":memory:")
    plan = create_plan(db, "cpas", title="PST du CPAS 2025 - 2030")
    import_plan(db, load_example(), plan="cpas")
    data = evaluation_file(db, plan, "md", date(2026, 6, 30)).data
    text = text_of(data, "md")

    assert "PST du CPAS 2025 - 2030" in text
    assert "Période du plan : 2025-2030" in text


def test_a_conseil_day_that_is_no_day_is_refused_in_french(say, db):
    before = snapshot(db)
    reply = say(ADMIN, "!evaluation odt conseil 2027-02-30")

    assert reply.refused and not reply.attachments
    assert "Date du Conseil « 2027-02-30 » illisible" in reply.text
    assert "AAAA-MM-JJ" in reply.text
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "words", ["conseil 24/03/2027", "conseil du 24/03/2027", "conseil 2027-03-24"]
)
def test_a_conseil_day_written_the_belgian_way_is_read(say, words):
    _, text = evaluation(say, f"md {words} annexe")

    assert "Présentée au Conseil du 24/03/2027" in text
    assert "Annexe : actions en retard" in text  # the words around it are read too


def test_the_command_line_refuses_a_conseil_day_in_french(capsys):
    from bot.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["evaluation", "--conseil", "24 mars"])

    assert "date « 24 mars » illisible" in capsys.readouterr().err


# ---------------------------------------------------------------- pages: A4, numbers, contents


def test_docx_is_a4_with_margins(month):
    data, _ = evaluation(month, "docx")
    section = docx.Document(io.BytesIO(data)).sections[0]

    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == round(section.right_margin.cm, 1) == 2.0


def test_odt_page_layout_is_a4(month):
    data, _ = evaluation(month, "odt")
    styles = _odt_part(data, "styles.xml")
    layout = re.search(r"<style:page-layout-properties[^>]*>", styles).group(0)

    assert 'fo:page-width="21.0cm"' in layout and 'fo:page-height="29.7cm"' in layout
    assert 'style:print-orientation="portrait"' in layout


def test_pdf_pages_are_a4(month):
    data, _ = evaluation(month, "pdf")
    pdf = pypdfium2.PdfDocument(data)

    assert len(pdf) > 3
    for page in pdf:
        assert (round(page.get_width()), round(page.get_height())) == (595, 842)  # points


def test_docx_footer_holds_page_and_page_count_fields(month):
    data, _ = evaluation(month, "docx")
    footer = docx.Document(io.BytesIO(data)).sections[0].footer._element
    fields = [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]

    assert fields == ["PAGE", "NUMPAGES"]
    assert "page " in "".join(t.text for t in footer.iter(qn("w:t")))


def test_odt_footer_holds_page_number_and_page_count_fields(month):
    data, _ = evaluation(month, "odt")
    styles = _odt_part(data, "styles.xml")
    footer = re.search(r"<style:footer>.*?</style:footer>", styles).group(0)

    assert '<text:page-number text:select-page="current"' in footer
    assert "<text:page-count" in footer
    # The master page of the body is the one with this footer.
    assert re.search(r'<style:master-page style:name="Standard"[^>]*>\s*<style:footer>', styles)


def test_every_pdf_page_shows_its_number(month):
    data, _ = evaluation(month, "pdf")
    pages = pdf_pages(data)

    for number, page in enumerate(pages, 1):
        assert f"page {number} / {len(pages)}" in page


@pytest.mark.parametrize("fmt", FORMATS)
def test_contents_lists_the_sections_after_the_cover(month, fmt):
    _, text = evaluation(month, fmt)
    contents = text[text.index("Table des matières") : text.index(TO_COMPLETE)]

    for section in ("Introduction", "Synthèse", "Volet externe", "Bilan des synergies"):
        assert section in contents, section
    assert "Objectif stratégique 3 :" in contents
    assert "Objectif opérationnel" not in contents  # two levels only


def test_pdf_contents_give_the_page_each_section_starts_on(month):
    data, _ = evaluation(month, "pdf")
    pages = [" ".join(page.split()) for page in pdf_pages(data)]
    contents = pages[1]

    assert "Table des matières" in contents
    for name in ("Bilan des synergies", "Conclusion"):
        page = int(re.search(rf"{name} (\d+)", contents).group(1))
        assert name in pages[page - 1] and name not in " ".join(pages[2 : page - 1])


def test_docx_contents_give_each_section_a_page_reference_to_its_heading(month):
    data, _ = evaluation(month, "docx")
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    references = re.findall(r"PAGEREF (\S+)", "".join(t.text for t in body.iter(qn("w:instrText"))))
    marks = {m.get(qn("w:name")): m.getparent() for m in body.iter(qn("w:bookmarkStart"))}

    assert len(references) == len(set(references)) >= 10
    for name in references:
        heading = marks[name]  # the bookmark sits in a heading paragraph
        assert heading.find(qn("w:pPr")).find(qn("w:pStyle")).get(qn("w:val")).startswith("Heading")
    assert document.settings.element.find(qn("w:updateFields")) is not None


def test_odt_contents_give_each_section_a_page_reference_to_its_heading(month):
    data, _ = evaluation(month, "odt")
    content = _odt_part(data, "content.xml")
    references = re.findall(r'text:reference-format="page" text:ref-name="([^"]+)"', content)

    assert "<text:table-of-content " in content
    assert len(references) == len(set(references)) >= 10
    for name in references:
        assert re.search(rf'<text:h [^>]*><text:bookmark text:name="{name}"/>', content)


# ---------------------------------------------------------------- the CODIR's texts


@pytest.mark.parametrize("fmt", FORMATS)
def test_introduction_and_each_os_comment_are_marked_places_to_complete(month, db, fmt):
    _, text = evaluation(month, fmt)
    os_count = len({a.os_number for a in list_actions(db, all_plans(db)[0].id)})

    assert text.count(TO_COMPLETE) == 1 + os_count  # the introduction, then each OS


def test_os_comment_written_in_chat_replaces_its_mark_and_is_kept_by_the_next_evaluation(
    month,
):
    comment = "Objectif tenu malgré la crise sanitaire ; deux actions reportées."
    reply = month(ADMIN, f"!evaluation texte OS 2 {comment}")
    assert not reply.refused, reply.text

    for fmt in ("md", "pdf"):  # the next evaluation, and the one after
        _, text = evaluation(month, fmt)
        start = text.rindex("Objectif stratégique 2 :")
        os2 = text[start : text.index("Objectif stratégique", start + 1)]
        assert comment in os2
        assert TO_COMPLETE not in os2
        assert text.count(TO_COMPLETE) == 6  # the introduction and OS 1, 3, 4, 5, 6


def test_introduction_written_in_chat_opens_the_evaluation(month):
    month(ADMIN, "!evaluation texte intro Le présent rapport évalue le PST à mi-législature.")
    _, text = evaluation(month, "docx")
    body = text[text.rindex("Introduction") :]

    assert body.startswith("Introduction Le présent rapport évalue le PST à mi-législature.")


def test_evaluation_texte_alone_lists_what_is_filled_and_what_is_missing(month):
    month(ADMIN, "!evaluation texte OS 2 Objectif tenu.")
    reply = month(ADMIN, "!evaluation texte")

    assert "1 remplis, 6 à compléter" in reply.text
    assert re.search(r"OS 2 – .* : rempli le 14/03/2025", reply.text)
    assert re.search(r"Introduction : à compléter", reply.text)
    assert "!evaluation texte OS 2 …" in reply.text


def test_an_os_comment_can_be_shown_and_cleared(month):
    month(ADMIN, "!evaluation texte OS 2 Objectif tenu.")

    assert "Objectif tenu." in month(ADMIN, "!evaluation texte OS 2").text
    assert "effacé" in month(ADMIN, "!evaluation texte OS 2 effacer").text
    assert "pas encore de texte" in month(ADMIN, "!evaluation texte OS 2").text


def test_a_text_for_an_os_the_plan_does_not_have_is_refused(say, db):
    before = snapshot(db)
    reply = say(ADMIN, "!evaluation texte OS 9 Rien.")

    assert reply.refused and "Le plan n'a pas d'OS 9" in reply.text
    assert snapshot(db) == before


@pytest.mark.parametrize("who", [CODIR, "@sylvie:example.org"])
def test_evaluation_texts_are_refused_to_non_admins_in_french(say, db, who):
    before = snapshot(db)
    reply = say(who, "!evaluation texte OS 2 Objectif tenu.")

    assert reply.refused
    assert "réservée aux rôles : administrateur" in reply.text
    assert snapshot(db) == before


def test_texts_are_kept_per_plan_in_the_database(db):
    (plan,) = all_plans(db)
    evaluation_texts.set_text(db, plan.id, "os:1", "Premier.", who=ADMIN, at=NOW)
    evaluation_texts.set_text(db, plan.id, "os:1", "Second.", who=ADMIN, at=NOW)
    other = create_plan(db, "commune")

    assert evaluation_texts.texts_of(db, plan.id) == {"os:1": "Second."}
    assert evaluation_texts.texts_of(db, other.id) == {}


def test_evaluation_texts_step_adds_the_table_and_keeps_the_plan():
    [(version, step)] = [(v, s) for v, s in STEPS if s.__name__ == "evaluation_texts"]
    db = open_db(":memory:")
    import_plan(db, load_example())
    db.execute("drop table evaluation_texts")
    db.execute(f"PRAGMA user_version = {version - 1}")

    upgrade(db, to=version)

    assert schema_version(db) == version == 11
    assert set(db["evaluation_texts"].columns_dict) == {"plan_id", "key", "text", "who", "at"}
    assert db["evaluation_texts"].pks == ["plan_id", "key"]
    assert len(list_actions(db, all_plans(db)[0].id)) == 127


# ---------------------------------------------------------------- lateness, annex, synergies


@pytest.mark.parametrize("fmt", ["md", "pdf"])
def test_lateness_is_said_under_started_actions_and_summed_up_for_the_not_started(month, db, fmt):
    _, text = evaluation(month, fmt)
    today = NOW.date()
    actions = list_actions(db, all_plans(db)[0].id)
    late_started = [a for a in actions if a.status in ("en cours", "suspendu") and a.is_late(today)]
    late_waiting = [a for a in actions if a.status == "à démarrer" and a.is_late(today)]
    summaries = re.findall(r"(\d+) actions? à démarrer, échéances? dépassées? depuis (\d{4})", text)

    assert len(late_waiting) > 90  # the example: most actions are past their deadline
    assert text.count("En retard de") == len(late_started) <= 5
    assert sum(int(count) for count, _ in summaries) == len(late_waiting)
    assert len(summaries) <= 25  # at most one line per OO


def test_the_annex_comes_only_when_asked(month):
    _, without = evaluation(month, "md")
    _, with_annex = evaluation(month, "md annexe")

    assert "Annexe : actions en retard" not in without
    assert "listées en annexe" not in without
    assert with_annex.rindex("Annexe : actions en retard et sans nouvelles") > with_annex.index(
        "Conclusion"
    )


def test_the_command_line_annex_comes_with_annexe():
    from bot.cli import build_parser

    parser = build_parser()

    assert parser.parse_args(["evaluation", "--annexe"]).annexe is True
    assert parser.parse_args(["evaluation"]).annexe is False


def test_the_annex_is_one_table_listing_each_action_once(month, db):
    data, _ = evaluation(month, "md annexe")
    annex = data.decode()[data.decode().rindex("## Annexe") :]
    codes = re.findall(r"^\| (\d+) \|", annex, flags=re.MULTILINE)

    assert annex.count("| Action |") == 1  # one table, one header
    assert len(codes) == len(set(codes)) > 90


def test_annex_initials_are_never_broken_inside_a_name(month):
    data, _ = evaluation(month, "pdf annexe")
    annex = " ".join(" ".join(pdf_pages(data)).split())
    annex = annex[annex.rindex("Annexe : actions en retard") :]

    assert "D B" not in annex
    assert re.search(r"LM/MR/ ?MAC/ ?DB", annex)  # action 1, broken only after a "/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_synergies_section_says_none_is_marked_yet(month, fmt):
    _, text = evaluation(month, fmt)
    section = text[text.rindex("Bilan des synergies") : text.rindex("Conclusion")]

    assert NO_SYNERGY in section


def test_synergies_section_lists_the_actions_a_synergies_table_marks_with_their_partner(db):
    (plan,) = all_plans(db)
    db["synergies"].insert_all(
        [
            {"action_number": 1, "partner_plan": "commune"},
            {"action_number": 2, "partner_plan": "commune", "partner_code": "5.1.4"},
        ]
    )
    text = text_of(evaluation_file(db, plan, "md", date(2025, 3, 14)).data, "md")
    section = text[text.rindex("Bilan des synergies") : text.rindex("Conclusion")]

    assert "2 actions sont marquées comme synergie entre la commune et le CPAS" in section
    assert "Action 1 –" in section and "Action 2 –" in section and "Action 3 –" not in section
    # The commune's plan is not in this database: its code names the partner, no title.
    assert "Avec : plan commune." in section
    assert "Avec : plan commune, action 5.1.4." in section
    assert NO_SYNERGY not in section


def test_a_synthetic_plan_renders_in_every_format_with_contents_and_annex():
    for fmt in FORMATS:
        data = evaluation_report(
            synthetic_plan(40), fmt, generated_on=date(2024, 6, 30), annex=True
        )
        assert "Table des matières" in text_of(data, fmt)
