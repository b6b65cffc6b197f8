"""The documents the DG hands to the Conseil, looked at as printed pages: the bundled example
after its scripted month (tests/test_digest_example.py), its evaluation (odt, docx, pdf) and its
table (xlsx, ods, pdf), the office files printed to PDF by LibreOffice, every page rendered
(tests/rendering.py). Each page is A4 (the evaluation portrait, the table landscape), keeps
5 mm of white at its edges, has no word past its edge and shows its number (the evaluation's
cover left out).

Each document is made and printed once per session (about a minute in all); the pages stay in
pytest's temporary folder (`--basetemp` to keep them). scripts/render_examples.py renders the
same documents into docs/examples/.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest

from commands.files import chart_file, evaluation_file, table_file
from commands.types import Organisation
from storage import plans
from tests.rendering import (
    Page,
    margins_mm,
    page_format,
    pdf_pages,
    shows_its_number,
    to_pdf,
    words_past_the_edge,
)
from tests.test_digest_example import LAST_PASS, RHYTHM, scripted_month

ORGANISATION = Organisation(name="CPAS de Frameries", admin_type="CPAS", ins="53028")
EVALUATION = ("odt", "docx", "pdf")
TABLE = ("xlsx", "ods", "pdf")
DOCUMENTS = [f"evaluation.{suffix}" for suffix in EVALUATION] + [
    f"tableau.{suffix}" for suffix in TABLE
]
MARGIN_MM = 5.0


@dataclass
class Printed:
    name: str
    pdf: Path
    pages: list[Page]


def example_documents(folder: Path) -> dict[str, Path]:
    """The bundled example after its scripted month, as the DG asks for it on 06/12/2021: the
    evaluation for the Conseil of 24/01/2022 and the table, each in its three formats, and the
    chart, written under `folder` as evaluation.odt, tableau.xlsx... graphique.png."""
    db, _ = scripted_month()
    the_plan = plans.only_plan(db)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for suffix in EVALUATION:
        attachment = evaluation_file(
            db, the_plan, suffix, LAST_PASS, organisation=ORGANISATION, conseil=RHYTHM.conseil[-1]
        )
        written[f"evaluation.{suffix}"] = attachment.data
    for suffix in TABLE:
        attachment = table_file(db, the_plan, suffix, LAST_PASS, organisation=ORGANISATION)
        written[f"tableau.{suffix}"] = attachment.data
    written["graphique.png"] = chart_file(db, the_plan, LAST_PASS, ORGANISATION).data
    paths = {}
    for name, data in written.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def printed_pdfs(sources: dict[str, Path], out: Path) -> dict[str, Path]:
    """Each of `DOCUMENTS` as PDF: the office files printed by LibreOffice in one run, a PDF
    as it is (renamed so that two stems never meet)."""
    sources = {name: path for name, path in sources.items() if name in DOCUMENTS}
    office = {name: path for name, path in sources.items() if path.suffix != ".pdf"}
    renamed = {}
    for name, path in office.items():
        renamed[name] = path.with_name(name.replace(".", "-"))
        renamed[name] = renamed[name].with_suffix(path.suffix)
        renamed[name].write_bytes(path.read_bytes())
    pdfs = dict(zip(office, to_pdf(list(renamed.values()), out), strict=True))
    for name, path in sources.items():
        if path.suffix == ".pdf":
            pdfs[name] = out / f"{name.replace('.', '-')}.pdf"
            pdfs[name].write_bytes(path.read_bytes())
    return pdfs


@pytest.fixture(scope="session")
def printed(tmp_path_factory) -> dict[str, Printed]:
    folder = tmp_path_factory.mktemp("documents-look")
    pdfs = printed_pdfs(example_documents(folder / "files"), folder / "pdf")
    return {
        name: Printed(name, pdf, pdf_pages(pdf, folder / "png" / name.replace(".", "-")))
        for name, pdf in pdfs.items()
    }


def numbered(document: Printed) -> list[Page]:
    """The pages that show a number: all, but the evaluation's cover."""
    return document.pages[1:] if document.name.startswith("evaluation") else document.pages


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_page_is_a4_evaluation_portrait_table_landscape(printed, name):
    document = printed[name]
    expected = "A4 portrait" if name.startswith("evaluation") else "A4 paysage"

    assert document.pages
    assert [page_format(page) for page in document.pages] == [expected] * len(document.pages), [
        (round(page.width), round(page.height)) for page in document.pages
    ]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_ink_within_5_mm_of_the_page_edge(printed, name):
    narrow = {}
    for page in printed[name].pages:
        margins = margins_mm(page)
        if margins and min(margins) < MARGIN_MM:
            narrow[page.number] = tuple(round(side, 1) for side in margins)

    assert narrow == {}, "page: (left, top, right, bottom) mm"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_word_past_the_page_edge(printed, name):
    cut = {page.number: words_past_the_edge(page) for page in printed[name].pages}

    assert {number: words for number, words in cut.items() if words} == {}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_page_shows_its_number(printed, name):
    pages = numbered(printed[name])
    unnumbered = [page.number for page in pages if not shows_its_number(page)]

    assert pages
    assert unnumbered == [], f"{len(unnumbered)} of {len(pages)} pages without their number"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_value_prints_as_hashes(printed, name):
    """LibreOffice prints « ### » for a number or a date wider than its column."""
    hashed = {
        page.number: sum("###" in word.text for word in page.words) for page in printed[name].pages
    }

    assert {number: count for number, count in hashed.items() if count} == {}


def test_the_checks_see_a_letter_page_with_ink_at_its_edge_and_no_number(tmp_path):
    """The same checks on a page made to break them: US Letter, a word off the right edge,
    ink 1 mm from the top, a « 06/12/2021 » and a « 12 » away from the bands."""
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.text(20, 140, "Le 06/12/2021, 12 actions")
    pdf.text(200, 100, "dépassement")
    pdf.rect(20, 1, 100, 3, style="F")
    path = tmp_path / "broken.pdf"
    pdf.output(str(path))
    [page] = pdf_pages(path, tmp_path / "png")
    good = FPDF(format="A4")
    good.add_page()
    good.set_font("helvetica", size=12)
    good.text(20, 140, "Le 06/12/2021, 12 actions")
    good.text(100, 290, "page 1 / 1")
    good.output(str(tmp_path / "good.pdf"))
    [fine] = pdf_pages(tmp_path / "good.pdf", tmp_path / "png")

    assert page_format(page) is None and page_format(fine) == "A4 portrait"
    assert margins_mm(page)[1] < 2 and min(margins_mm(fine)) > MARGIN_MM
    assert [word[:6] for word in words_past_the_edge(page)] == ["dépass"]  # cut by the edge
    assert words_past_the_edge(fine) == []
    assert not shows_its_number(page) and shows_its_number(fine)


#: Column headers that every format of the table prints (xlsx, ods, pdf).
COLUMN_WORDS = ("Action", "Intitulé", "Pilotes", "Échéance", "Statut")


def cut_words(page: Page, words=COLUMN_WORDS) -> list[str]:
    """The `words` printed cut in two on `page`: « Actio » then « n » (a column too narrow
    for its header)."""
    shown = {word.text for word in page.words}
    return [
        f"{word[:cut]}|{word[cut:]}"
        for word in words
        for cut in range(3, len(word))
        if word[:cut] in shown and word[cut:] in shown
    ]


@pytest.mark.parametrize("name", [f"tableau.{suffix}" for suffix in TABLE])
def test_table_column_headers_are_printed_whole(printed, name):
    cut = {page.number: cut_words(page) for page in printed[name].pages}

    assert {number: words for number, words in cut.items() if words} == {}


#: Carlito (Calibri's metrics, installed with LibreOffice by .ci/run): the box pdftotext gives
#: a word is its ascent and descent, 1.22 times the font size.
CARLITO_BOX_PER_POINT = 1.22


def action_rows(page: Page) -> int:
    """The actions a printed page of the table lists: the numbers left of « Intitulé », below
    it, but the band rows' « OS n »."""
    [title] = [word for word in page.words if word.text == "Intitulé"]
    band_lines = {round(w.y0) for w in page.words if w.text == "OS" and w.x1 < title.x0}
    return sum(
        1
        for word in page.words
        if word.x1 < title.x0
        and word.y0 > title.y1
        and word.text.isdigit()
        and round(word.y0) not in band_lines
    )


def starts_an_os(page: Page) -> bool:
    return any(
        word.text == "OS" and following.text.isdigit()
        for word, following in zip(page.words, page.words[1:], strict=False)
    )


@pytest.mark.parametrize("name", ["tableau.xlsx", "tableau.ods"])
def test_a_full_printed_page_of_the_table_lists_20_actions_at_8_points(printed, name):
    """As LibreOffice prints the example: each page an OS fills (followed by more of the same
    OS) lists at least 20 actions, and the text prints at 8 points or more."""
    sheets = printed[name].pages[1:]  # the first is the summary
    full = [
        action_rows(page)
        for page, following in zip(sheets, sheets[1:], strict=False)
        if not starts_an_os(following)
    ]
    heights = sorted(word.y1 - word.y0 for page in sheets for word in page.words)
    printed_size = heights[len(heights) // 2] / CARLITO_BOX_PER_POINT

    assert sum(action_rows(page) for page in sheets) == 127
    assert full and min(full) >= 20, full
    assert printed_size >= 8
