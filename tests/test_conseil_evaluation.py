"""The evaluation the DG hands to the Conseil, read back from each of its five formats.

The plan below is a small Bernissart: two volets, pilots who write in chat shorthand, late and
silent actions. Every test reads the file the way a reader (or LibreOffice, Word, a PDF viewer)
would, not the document model.
"""

import io
import re
from datetime import UTC, date, datetime

import docx
import numpy
import pypdfium2
import pytest
from docx.oxml.ns import qn
from fpdf import FPDF
from odf import teletype
from odf.namespaces import TEXTNS
from odf.opendocument import load as load_odf

from reports import evaluation_report
from reports.action_facts import NO_SYNERGY
from reports.document_pdf import MARGIN_MM, _font_files
from reports.labels import EVALUATION_OS_HEADERS
from reports.narrative import narrative, sentence
from reports.sample import synthetic_plan
from tests.report_rows import report_row

FORMATS = ["html", "md", "odt", "docx", "pdf"]
TODAY = date(2024, 6, 30)
ORGANISATION = "CPAS de Bernissart"
PLAN_TITLE = "Programme stratégique transversal 2019-2024"

OS_TITLES = {
    1: ("interne", "Être un C.P.A.S. qui met en avant la communication et les relations humaines"),
    2: ("interne", "Être un C.P.A.S. qui se conforme à la réglementation sur les données"),
    3: ("externe", "Être un CPAS qui lutte contre le surendettement"),
}


def at(year, month, day):
    return datetime(year, month, day, 9, 30, tzinfo=UTC)


def change(when, old, new, comment=None, progress=None):
    return {
        "at": when,
        "who": "@sylvie:example.org",
        "kind": "status",
        "old_status": old,
        "new_status": new,
        "progress": progress,
        "comment": comment,
    }


def note(when, comment):
    return change(when, None, None, comment) | {"kind": "note"}


def act(code, os, oo, status, title, history=(), **fields):
    history = list(history)
    return report_row(
        code,
        status,
        os_number=os,
        os_title=OS_TITLES[os][1],
        volet=OS_TITLES[os][0],
        oo_number=oo,
        oo_title=f"Objectif opérationnel {oo} du plan",
        title=title,
        history=history,
        last_comment=history[-1]["comment"] if history else None,
        updated_at=history[-1]["at"] if history else None,
        **fields,
    )


@pytest.fixture(scope="module")
def plan():
    return [
        act(
            1,
            1,
            "1.1",
            "fait",
            "Enquête sur la charge psycho-sociale",
            [
                change(at(2021, 3, 1), "à démarrer", "en cours", "– 35 %", 35),
                change(at(2022, 5, 2), "en cours", "fait", "✔ rapport rapport remis au CPAS !"),
            ],
        ),
        act(
            2,
            1,
            "1.1",
            "en cours",
            "Renforcer le rôle de la personne de confiance",
            [
                change(at(2023, 9, 1), "à démarrer", "en cours", "1/3", 30),
                note(at(2024, 6, 1), "👍 ok merci"),
                note(at(2024, 6, 10), "désignation désignation prévue au conseil de septembre !!"),
            ],
            progress=30,
            health="risque",
            indicator_value="1 personne formée",
        ),
        act(
            3,
            1,
            "1.2",
            "à démarrer",
            "Revoir la communication inter-service",
            end=date(2023, 12, 31),
        ),
        act(
            4,
            1,
            "1.2",
            "suspendu",
            "Plan de formation 2019-2021",
            [
                change(at(2020, 4, 1), "en cours", "suspendu", "covid – formations reportées"),
            ],
        ),
        act(
            5,
            2,
            "2.1",
            "fait",
            "Désigner un délégué à la protection des données",
            [
                change(at(2019, 11, 4), "à démarrer", "fait", "DPO recruté en synergie ✔"),
            ],
        ),
        act(
            6,
            2,
            "2.1",
            "en cours",
            "Revoir les tâches du délégué",
            [
                change(at(2024, 6, 20), "à démarrer", "en cours", "réunion faite le 20/06"),
            ],
            end=date(2024, 3, 31),
            progress=50,
        ),
        act(
            7,
            3,
            "3.1",
            "abandonné",
            "Synergie avec un professionnel de la santé mentale",
            [
                change(at(2022, 1, 10), "à démarrer", "abandonné", "pas de partenaire disponible"),
            ],
        ),
        act(
            8,
            3,
            "3.1",
            "en cours",
            "Médiation de dettes : accompagnement renforcé",
            [
                change(at(2022, 2, 1), "à démarrer", "en cours", "suivi de 4 ménages sur 10"),
            ],
            end=date(2023, 6, 30),
            progress=40,
        ),
        act(
            9,
            3,
            "3.2",
            "fait",
            "Animations de prévention avec le CRENO",
            [
                change(at(2023, 10, 5), "en cours", "fait", "3 animations en écoles 🎉"),
            ],
        ),
    ]


@pytest.fixture(scope="module")
def files(plan):
    return {
        fmt: evaluation_report(
            plan,
            fmt,
            since=date(2022, 1, 1),
            generated_on=TODAY,
            organisation=ORGANISATION,
            plan_title=PLAN_TITLE,
            period="2019-2024",
            annex=True,
        )
        for fmt in FORMATS
    }


# ---------------------------------------------------------------- readers, one per format


def pdf_pages(data: bytes) -> list[str]:
    pdf = pypdfium2.PdfDocument(data)
    return [page.get_textpage().get_text_range() for page in pdf]


def text_of(data: bytes, fmt: str) -> str:
    """All the text a reader sees, whitespace collapsed (a wrapped line reads as one)."""
    if fmt in ("html", "md"):
        raw = data.decode("utf-8")
        raw = re.sub(r"<[^>]+>", " ", raw) if fmt == "html" else re.sub(r"\\(.)", r"\1", raw)
        raw = raw.replace("&amp;", "&").replace("&#x27;", "'").replace("**", "")
    elif fmt == "odt":
        raw = "\n".join(_odt_texts(load_odf(io.BytesIO(data)).text))
    elif fmt == "docx":
        body = docx.Document(io.BytesIO(data)).element.body
        # Paragraphs and table cells in document order.
        raw = "\n".join(
            "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))
        )
    else:
        raw = "\n".join(pdf_pages(data))
    return " ".join(raw.replace("\u00a0", " ").split())


def _odt_texts(element) -> list[str]:
    """Text of every heading and paragraph under `element`, in document order."""
    if element.qname in ((TEXTNS, "h"), (TEXTNS, "p")):
        return [teletype.extractText(element)]
    return [text for child in element.childNodes for text in _odt_texts(child)]


# ---------------------------------------------------------------- cover, parts, annex


@pytest.mark.parametrize("fmt", FORMATS)
def test_cover_names_the_organisation_the_plan_its_period_and_the_date(files, fmt):
    text = text_of(files[fmt], fmt)

    for line in (
        "Évaluation à mi-législature du PST",
        f"« {ORGANISATION} »",
        PLAN_TITLE,
        "Période du plan : 2019-2024",
        "Période évaluée : du 01/01/2022 au 30/06/2024",
        "Situation au 30/06/2024",
    ):
        assert line in text, line


def test_pdf_cover_stands_alone_on_the_first_page(files):
    first = " ".join(pdf_pages(files["pdf"])[0].split())

    assert ORGANISATION in first and "Situation au 30/06/2024" in first
    assert "Synthèse" not in first


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_part_of_a_mid_term_evaluation_is_there_in_order(files, fmt):
    text = text_of(files[fmt], fmt)
    parts = [
        "Introduction",
        "Synthèse",
        "Avancement par objectif stratégique",
        "Ce qui a bougé",
        "Volet interne",
        "Volet externe",
        "Bilan des synergies",
        "Conclusion",
        "Annexe : actions en retard et sans nouvelles",
    ]
    body = text[text.index("[À compléter par le CODIR]") :]  # after the contents page
    positions = [body.find(part) for part in parts[1:]]
    parts = parts[1:]

    assert -1 not in positions, dict(zip(parts, positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_os_title_and_every_action_appear(files, plan, fmt):
    text = text_of(files[fmt], fmt)

    for _volet, title in OS_TITLES.values():
        assert title in text
    for action in plan:
        assert f"Action {action.code} – {action.title}" in text


def test_same_action_codes_and_headings_in_all_five_formats(files):
    codes = {
        fmt: sorted(set(re.findall(r"Action (\d+) –", text_of(files[fmt], fmt)))) for fmt in FORMATS
    }
    status = "réalisées|en cours|à démarrer|suspendues|abandonnées"
    headings = re.compile(rf"Objectif (?:stratégique|opérationnel) [\d.]+ :|Actions (?:{status})")
    found = {fmt: headings.findall(text_of(files[fmt], fmt)) for fmt in FORMATS}

    assert all(codes[fmt] == codes["html"] for fmt in FORMATS), codes
    assert all(found[fmt] == found["html"] for fmt in FORMATS)
    assert len(codes["html"]) == 9


@pytest.mark.parametrize("fmt", FORMATS)
def test_annex_lists_late_and_silent_actions(files, fmt):
    text = text_of(files[fmt], fmt)
    annex = text[text.rindex("Annexe : actions en retard") :]

    # One table, each action once: late (open and past their end: 3, 6, 8) or silent (open,
    # no update for six weeks: 3 never had one, 4 and 8 long ago); 2 spoke, 1 and 7 are closed.
    for title in (
        "Revoir la communication inter-service",
        "Revoir les tâches",
        "Médiation de dettes",
        "Plan de formation 2019-2021",
    ):
        assert annex.count(title) == 1, title
    assert "Enquête sur la charge" not in annex and "santé mentale" not in annex
    assert "personne de confiance" not in annex


@pytest.mark.parametrize("fmt", FORMATS)
def test_action_shows_lateness_progress_health_and_indicator(files, fmt):
    text = text_of(files[fmt], fmt)

    assert "En retard de 12 mois (fin prévue le 30/06/2023)." in text
    assert "Santé : à risque. Indicateur : Fait/pas fait ; valeur : 1 personne formée." in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_done_percent_leaves_abandoned_actions_out_and_says_so(files, fmt):
    text = text_of(files[fmt], fmt)

    # 3 done out of 9 actions, 1 abandoned: 3 / 8.
    assert "37,5 % des actions sont faites" in text
    assert "abandonnée non comptée" in text


# ---------------------------------------------------------------- chat noise


@pytest.mark.parametrize("fmt", FORMATS)
def test_chat_noise_is_never_quoted(files, fmt):
    # The synergies section names the command to come (« !synergie »): the report's words.
    text = text_of(files[fmt], fmt).replace(NO_SYNERGY, "")

    for noise in ("✔", "– 35", "1/3", "👍", "🎉", "ok merci", "!", "«  »", "rapport rapport"):
        assert noise not in text, noise
    assert "Rapport remis au CPAS." in text
    assert "Désignation prévue au conseil de septembre." in text


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("✔ rapport rapport remis au CPAS !", "Rapport remis au CPAS."),
        ("– 35 %", None),
        ("1/3", None),
        ("👍 ok merci", None),
        ("fait !", None),
        ("3 animations en écoles 🎉", "3 animations en écoles."),
        ("covid – formations reportées", "Covid, formations reportées."),
        ("le le marché est attribué!!", "Le marché est attribué."),
        ("@sylvie:example.org relance envoyée", "Relance envoyée."),
        ("Devis reçu. Commande passée", "Devis reçu. Commande passée."),
    ],
)
def test_a_comment_becomes_a_sentence_or_nothing(comment, expected):
    assert sentence(comment) == expected


def test_story_gives_milestones_and_comments_once_oldest_first(plan):
    history = [
        *plan[0].history,
        note(at(2022, 6, 1), "Rapport remis au CPAS"),
    ]

    assert (
        narrative(history) == "Démarrée en mars 2021. Réalisée en mai 2022. Rapport remis au CPAS."
    )


# ---------------------------------------------------------------- column widths


def test_docx_per_os_table_headers_are_never_cut_inside_a_word(files):
    document = docx.Document(io.BytesIO(files["docx"]))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "OS")
    pdf = FPDF(unit="mm")
    pdf.add_font("DejaVu", "B", str(_font_files()["B"]))  # wider than Word's Calibri
    pdf.set_font("DejaVu", "B", 9)
    cell_margins_mm = 2 * 1.9

    assert [cell.text for cell in table.rows[0].cells] == list(EVALUATION_OS_HEADERS)
    assert table._tbl.tblPr.xpath("./w:tblLayout/@w:type") == ["fixed"]
    for column, cell in zip(table.columns, table.rows[0].cells, strict=True):
        width_mm = column.width.mm
        for word in cell.text.split():
            assert pdf.get_string_width(word) + cell_margins_mm <= width_mm, (word, width_mm)


def test_docx_and_odt_tables_repeat_their_header_row_on_each_page(files):
    document = docx.Document(io.BytesIO(files["docx"]))
    for table in document.tables:
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    odt = files["odt"].decode("latin-1")
    assert odt.count("table-header-rows") or b"table-header-rows" in _odt_content(files["odt"])


def _odt_content(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("content.xml")


# ---------------------------------------------------------------- the PDF as pages


def test_pdf_is_a4_portrait_numbered_with_the_annex_at_the_end(files):
    pdf = pypdfium2.PdfDocument(files["pdf"])
    pages = pdf_pages(files["pdf"])

    assert all(round(pdf[i].get_width()) == 595 for i in range(len(pdf)))
    assert all(round(pdf[i].get_height()) == 842 for i in range(len(pdf)))
    assert all(f"page {n} / {len(pages)}" in page for n, page in enumerate(pages, 1))
    assert "Médiation de dettes" in " ".join(pages[-1].split())  # the annex closes it


def test_pdf_repeats_table_headers_across_pages(plan):
    many = [act(100 + n, 3, "3.3", "à démarrer", f"Action silencieuse {n}") for n in range(90)]
    pages = pdf_pages(evaluation_report(plan + many, "pdf", generated_on=TODAY, annex=True))
    silent_pages = [p for p in pages if "Action silencieuse" in p and "Dernière" in p]

    assert len(silent_pages) >= 2  # the annex table spans pages, its header on each


@pytest.mark.parametrize("rows", ["bernissart", "synthetic"])
def test_pdf_pages_are_never_blank_and_nothing_crosses_the_right_margin(files, rows):
    data = (
        files["pdf"]
        if rows == "bernissart"
        else evaluation_report(
            synthetic_plan(60), "pdf", since=date(2022, 1, 1), generated_on=TODAY
        )
    )
    pdf = pypdfium2.PdfDocument(data)
    scale = 0.5
    for index in range(len(pdf)):
        image = numpy.asarray(pdf[index].render(scale=scale, grayscale=True).to_pil())
        ink = image < 200
        width = image.shape[1]
        assert ink.sum() > 50, f"page {index + 1} is blank"
        columns = numpy.flatnonzero(ink.any(axis=0))
        right_edge = width - MARGIN_MM / 25.4 * 72 * scale
        assert columns.max() <= right_edge + 1, (index + 1, columns.max(), right_edge)
