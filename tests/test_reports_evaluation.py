"""The evaluation report, read back from each of its four formats."""

import io
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import docx
import pytest
from odf import teletype
from odf.namespaces import TEXTNS
from odf.opendocument import load as load_odf

from reports import evaluation_report
from reports.evaluation import action_line
from reports.narrative import COMMENT_LIMIT, narrative
from reports.sample import synthetic_plan
from storage.vocabulary import STATUS_HEADINGS
from tests.report_rows import report_row

FORMATS = ["html", "md", "odt", "docx"]
HEADING_STATUS = {heading: status for status, heading in STATUS_HEADINGS.items()}
ACTION = re.compile(r"^Action (\d+) – ")


def entry(at, kind="status", **fields):
    return {
        "at": at,
        "who": "@sylvie:example.org",
        "kind": kind,
        "old_status": None,
        "new_status": None,
        "progress": None,
        "comment": None,
    } | fields


def action(number, status, oo="1.1", os=1, **fields):
    defaults = {
        "os_number": os,
        "os_title": f"Objectif stratégique {os}",
        "volet": "externe",
        "oo_number": oo,
        "oo_title": f"Objectif opérationnel {oo}",
        "title": f"Intitulé {number}",
        "deadline": "2024",
        "start": None,
        "end": None,
        "progress": None,
        "last_comment": None,
    }
    return report_row(number, status, **(defaults | fields))


# ---------------------------------------------------------------- readers, one per format


class _Blocks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks, self._tag = [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5", "p"):
            self._tag = tag
            self.blocks.append((tag, ""))
        elif tag == "br" and self._tag:
            self.blocks[-1] = (self._tag, self.blocks[-1][1] + "\n")

    def handle_endtag(self, tag):
        if tag == self._tag:
            self._tag = None

    def handle_data(self, data):
        if self._tag:
            self.blocks[-1] = (self._tag, self.blocks[-1][1] + data)


def blocks(data: bytes, fmt: str) -> list[tuple[str, str]]:
    """(kind, text) of every heading ("h1".."h5") and paragraph ("p"), in document order."""
    if fmt == "html":
        parser = _Blocks()
        parser.feed(data.decode("utf-8"))
        return parser.blocks
    if fmt == "md":
        result = []
        for chunk in data.decode("utf-8").split("\n\n"):
            text = re.sub(r"\\(.)", r"\1", chunk.strip()).replace("  \n", "\n")
            if text.startswith("#"):
                hashes, _, title = text.partition(" ")
                result.append((f"h{len(hashes)}", title))
            elif not text.startswith("|"):
                result.append(("p", text.strip("*")))
        return result
    if fmt == "odt":
        body = load_odf(io.BytesIO(data)).text
        result = []
        for element in body.childNodes:
            if element.qname == (TEXTNS, "h"):
                level = int(element.getAttribute("outlinelevel"))
                result.append((f"h{level + 1}", teletype.extractText(element)))
            elif element.qname == (TEXTNS, "p"):
                result.append(("p", teletype.extractText(element)))
        return result
    document = docx.Document(io.BytesIO(data))
    result = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name
        if style == "Title":
            result.append(("h1", paragraph.text))
        elif style.startswith("Heading "):
            result.append((f"h{int(style.split()[1]) + 1}", paragraph.text))
        else:
            result.append(("p", paragraph.text))
    return result


def actions_by_heading(data: bytes, fmt: str) -> dict[int, list[str]]:
    """Action number -> the status headings it was found under (once each, we hope)."""
    found: dict[int, list[str]] = {}
    current = None
    for kind, text in blocks(data, fmt):
        if kind.startswith("h"):
            current = HEADING_STATUS.get(text)  # an OS or OO heading ends the status section
        match = ACTION.match(text)
        if kind == "p" and match:
            found.setdefault(int(match.group(1)), []).append(current)
    return found


@pytest.fixture(scope="module")
def plan():
    return synthetic_plan(127)


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_action_appears_once_under_the_heading_of_its_status(plan, fmt):
    data = evaluation_report(plan, fmt, generated_on=date(2024, 6, 30))
    found = actions_by_heading(data, fmt)

    assert sorted(found) == [a.number for a in plan]
    for a in plan:
        assert found[a.number] == [a.status], a.code


@pytest.mark.parametrize("fmt", FORMATS)
def test_headings_follow_os_then_oo_then_status_and_empty_ones_are_left_out(fmt):
    rows = [
        action(1, "fait"),
        action(2, "abandonné"),
        action(3, "en cours", oo="1.2"),
        action(4, "à démarrer", oo="2.1", os=2),
    ]
    headings = [text for kind, text in blocks(evaluation_report(rows, fmt), fmt) if kind != "p"]
    detail = headings[headings.index("Volet externe") + 1 : headings.index("Bilan des synergies")]

    assert detail == [
        "Objectif stratégique 1 : Objectif stratégique 1",
        "Objectif opérationnel 1.1 : Objectif opérationnel 1.1",
        "Actions réalisées",
        "Actions abandonnées",
        "Objectif opérationnel 1.2 : Objectif opérationnel 1.2",
        "Actions en cours",
        "Objectif stratégique 2 : Objectif stratégique 2",
        "Objectif opérationnel 2.1 : Objectif opérationnel 2.1",
        "Actions à démarrer",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_first_part_gives_totals_share_done_and_progress_per_os(fmt):
    rows = [action(1, "fait"), action(2, "en cours", progress=50), action(3, "fait", os=2)]
    data = evaluation_report(rows, fmt, title="Évaluation finale", generated_on=date(2024, 6, 30))
    texts = [text for _, text in blocks(data, fmt)]

    assert texts[0] == "Évaluation finale"
    assert "Situation au 30/06/2024" in texts
    assert any(t.startswith("3 actions : 2 réalisées, 1 en cours") for t in texts)
    assert "Avancement par objectif stratégique" in texts


def test_first_part_tables_list_statuses_and_each_os():
    rows = [action(1, "fait"), action(2, "en cours", progress=50), action(3, "fait", os=2)]
    text = evaluation_report(rows, "md").decode()

    assert "| Réalisées | 2 | 66,7\u00a0% |" in text
    assert "| Total | 3 | 100\u00a0% |" in text
    assert "| 1 | Objectif stratégique 1 | 2 | 1 | 1 | 0 | 0 | 0 | 50\u00a0% |" in text


def test_action_line_names_pilots_and_deadline():
    assert (
        action_line(action(3, "fait"))
        == "Action 3 – Intitulé 3 (pilotes : LM/MR ; échéance : 2024)"
    )
    assert action_line(action(3, "fait", pilots=(), deadline="")) == "Action 3 – Intitulé 3"


@pytest.mark.parametrize("fmt", FORMATS)
def test_facts_and_story_follow_their_action(fmt):
    history = [
        entry(
            datetime(2023, 3, 1, 9, tzinfo=UTC),
            old_status="à démarrer",
            new_status="en cours",
            progress=30,
            comment="Cahier des charges",
        )
    ]
    rows = [
        action(
            1,
            "en cours",
            progress=30,
            health="risque",
            last_comment="Marché lancé",
            history=history,
        )
    ]
    texts = [text for kind, text in blocks(evaluation_report(rows, fmt), fmt) if kind == "p"]
    start = texts.index(action_line(rows[0]))

    assert texts[start + 1] == (
        "Avancement : 30\u00a0%. Santé : à risque. Indicateur : Fait/pas fait."
    )
    assert texts[start + 2] == "Démarrée en mars 2023. Cahier des charges."


# ---------------------------------------------------------------- the period


@pytest.mark.parametrize("fmt", FORMATS)
def test_since_states_the_period_and_keeps_only_its_updates(fmt):
    history = [
        entry(datetime(2020, 5, 1, tzinfo=UTC), kind="note", comment="Ancienne note"),
        entry(datetime(2022, 2, 1, tzinfo=UTC), kind="note", comment="Note récente"),
    ]
    rows = [action(1, "en cours", history=history), action(2, "fait", history=history[:1])]
    data = evaluation_report(rows, fmt, since=date(2022, 1, 1), generated_on=date(2024, 6, 30))
    texts = [text for _, text in blocks(data, fmt)]
    joined = "\n".join(texts)

    # On the cover, under the title and the plan (the contents page follows it).
    cover = texts[: texts.index("Introduction")]
    assert "Période évaluée : du 01/01/2022 au 30/06/2024" in cover
    assert "Note récente" in joined
    assert "Ancienne note" not in joined
    assert "Aucune mise à jour sur la période." in joined  # action 2 still listed
    assert sorted(actions_by_heading(data, fmt)) == [1, 2]


def test_narrative_uses_local_dates_at_the_period_edges():
    # 23:30 UTC on 31 December is already 1 January in Brussels.
    history = [
        entry(datetime(2021, 12, 31, 23, 30, tzinfo=UTC), kind="note", comment="Bonne année")
    ]

    assert "Bonne année" in narrative(history, period=(date(2022, 1, 1), date(2022, 12, 31)))
    assert narrative(history, period=(date(2021, 1, 1), date(2021, 12, 31))) is None


def test_narrative_keeps_the_latest_distinct_comments_and_every_milestone():
    history = [
        entry(datetime(2021, 1, day, tzinfo=UTC), kind="note", comment=f"Étape {day}")
        for day in range(1, 9)
    ]
    history.insert(0, entry(datetime(2020, 5, 1, tzinfo=UTC), new_status="en cours"))
    history.append(entry(datetime(2021, 2, 1, tzinfo=UTC), kind="note", comment="étape 8 !"))
    story = narrative(history)

    assert story.startswith("Démarrée en mai 2020.")
    assert story.count("Étape") == COMMENT_LIMIT
    assert "Étape 8." in story and "Étape 5." not in story
    assert narrative([]) is None


def test_narrative_falls_back_on_the_last_comment_without_history():
    assert narrative([], "marché attribué") == "Marché attribué."


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_with_markup_and_odd_characters_is_kept_as_text(fmt):
    rows = [
        action(1, "fait", title="<b>Réunions</b> & *suivi* | qualité \x07", last_comment="a\nb")
    ]
    texts = [text for _, text in blocks(evaluation_report(rows, fmt), fmt)]

    assert (
        "Action 1 – <b>Réunions</b> & *suivi* | qualité  (pilotes : LM/MR ; échéance : 2024)"
        in texts
    )
    assert "A b." in texts  # the comment, as a sentence


def test_unknown_format_is_refused_with_the_possible_ones():
    with pytest.raises(ValueError, match="html, md, odt, docx, pdf"):
        evaluation_report([], "rtf")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_plan_gives_a_report_with_zero_actions(fmt):
    texts = [text for _, text in blocks(evaluation_report([], fmt), fmt)]

    assert any(t.startswith("0 actions : 0 réalisées") for t in texts)


def test_objective_titles_get_the_widest_column_in_odt_and_docx():
    rows = synthetic_plan(12)
    odt = load_odf(io.BytesIO(evaluation_report(rows, "odt")))
    widths = [
        float(props.getAttribute("columnwidth").removesuffix("cm"))
        for style in odt.automaticstyles.childNodes
        for props in style.childNodes
        if props.qname[1] == "table-column-properties"
    ]
    per_os = widths[3:12]  # after the three columns of the status table
    assert max(per_os) == per_os[1] and abs(sum(per_os) - 17.0) < 0.05
    document = docx.Document(io.BytesIO(evaluation_report(rows, "docx")))
    per_os = document.tables[1]
    assert per_os.columns[1].width == max(column.width for column in per_os.columns)
