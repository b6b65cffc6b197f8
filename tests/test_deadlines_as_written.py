"""Deadlines as PSTs write them: part-year periods end on their real last day."""

import calendar
import re
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from commands.engine import Engine
from commands.types import Directory, Message
from storage.actions import get_action
from storage.db import open_db
from storage.deadlines import parse_deadline, read_deadline
from storage.importing import import_plan, load_example, parse_csv
from tests.conftest import ADMIN, NOW, REGISTRY

AS_WRITTEN = [
    ("T2 2026", date(2026, 4, 1), date(2026, 6, 30)),
    ("2e trimestre 2026", date(2026, 4, 1), date(2026, 6, 30)),
    ("2ème Trimestre 2026", date(2026, 4, 1), date(2026, 6, 30)),
    ("deuxième trimestre 2026", date(2026, 4, 1), date(2026, 6, 30)),
    ("1er trimestre 2026", date(2026, 1, 1), date(2026, 3, 31)),
    ("Q3 2026", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026-T3", date(2026, 7, 1), date(2026, 9, 30)),
    ("4e trim. 2026", date(2026, 10, 1), date(2026, 12, 31)),
    ("dernier trimestre 2026", date(2026, 10, 1), date(2026, 12, 31)),
    ("S1 2027", date(2027, 1, 1), date(2027, 6, 30)),
    ("S2-27", date(2027, 7, 1), date(2027, 12, 31)),
    ("1er semestre 2027", date(2027, 1, 1), date(2027, 6, 30)),
    ("second semestre 2026", date(2026, 7, 1), date(2026, 12, 31)),
    ("mi-2026", date(2026, 6, 1), date(2026, 6, 30)),
    ("fin juin 2026", date(2026, 6, 21), date(2026, 6, 30)),
    ("mi-juin 2026", date(2026, 6, 11), date(2026, 6, 20)),
    ("début juin 2026", date(2026, 6, 1), date(2026, 6, 10)),
    ("juin 2026", date(2026, 6, 1), date(2026, 6, 30)),
    ("septembre 2026", date(2026, 9, 1), date(2026, 9, 30)),
    ("début 2026", date(2026, 1, 1), date(2026, 3, 31)),
    ("fin 2026", date(2026, 10, 1), date(2026, 12, 31)),
    ("2025-2027", date(2025, 1, 1), date(2027, 12, 31)),
    ("fin d'année 2026", date(2026, 10, 1), date(2026, 12, 31)),
    ("mi-année 2026", date(2026, 6, 1), date(2026, 6, 30)),
    ("rentrée 2026", date(2026, 9, 1), date(2026, 9, 30)),
    ("été 2026", date(2026, 6, 21), date(2026, 9, 22)),
    ("en continu jusqu'en 2026", date(2026, 1, 1), date(2026, 12, 31)),
    ("à continuer en 2026", date(2026, 1, 1), date(2026, 12, 31)),
    # Accents, case and typos.
    ("DEBUT 2026", date(2026, 1, 1), date(2026, 3, 31)),
    ("Fin Juin 2026", date(2026, 6, 21), date(2026, 6, 30)),
    ("septmbre 2026", date(2026, 9, 1), date(2026, 9, 30)),
    ("fevier 2026", date(2026, 2, 1), date(2026, 2, 28)),
    ("2e trimestr 2026", date(2026, 4, 1), date(2026, 6, 30)),
    ("1er semstre 2027", date(2027, 1, 1), date(2027, 6, 30)),
]


@pytest.mark.parametrize(("raw", "start", "end"), AS_WRITTEN)
def test_deadline_as_written_runs_over_its_real_period(raw, start, end):
    assert parse_deadline(raw) == (start, end)


@pytest.mark.parametrize(
    "raw", ["continu", "permanent", "en continu", "Permanente", "récurrent", "permanant"]
)
def test_ongoing_deadline_has_no_end_and_is_understood(raw):
    deadline = read_deadline(raw)
    assert (deadline.end, deadline.ongoing, deadline.understood) == (None, True, True)


def test_ongoing_deadline_with_a_year_keeps_its_start_and_no_end():
    deadline = read_deadline("continu dès 2022")
    assert (deadline.start, deadline.end, deadline.ongoing) == (date(2022, 1, 1), None, True)


@pytest.mark.parametrize(
    "raw",
    ["T5 2026", "3e semestre 2026", "hiver 2026", "quand ce sera possible", "31/02/2022 - 2024"],
)
def test_deadline_not_understood_gives_no_date_rather_than_a_guess(raw):
    deadline = read_deadline(raw)
    assert (deadline.start, deadline.end, deadline.understood) == (None, None, False)


# --- At import and in chat ------------------------------------------------------------------

CSV_HEADER = "os,oo,action,title,indicators,pilots,deadline,status,progress,comment\n"


def imported(*deadlines: str):
    """A plan with one action per deadline (action 1 on line 2, ...), and its import report."""
    rows = [f"1,1.1,{n},Action {n},,LM,{raw},,,\n" for n, raw in enumerate(deadlines, 1)]
    db = open_db(":memory:")
    return db, import_plan(db, parse_csv(CSV_HEADER + "".join(rows)))


def test_import_stores_the_real_end_of_a_part_year_deadline():
    db, report = imported("T2 2026", "1er semestre 2027", "mi-2026")
    ends = [get_action(db, n).end for n in (1, 2, 3)]
    assert ends == [date(2026, 6, 30), date(2027, 6, 30), date(2026, 6, 30)]
    assert "Échéances" not in report.summary()


def test_import_names_the_line_of_a_deadline_not_understood_and_keeps_its_text():
    db, report = imported("2026", "quand le budget sera voté")
    action = get_action(db, 2)
    assert (action.deadline, action.start, action.end) == ("quand le budget sera voté", None, None)
    assert "action 2 (ligne 3) : « quand le budget sera voté »" in report.summary()


def test_import_reads_continu_as_ongoing_not_as_a_deadline_not_understood():
    db, report = imported("continu", "permanent")
    assert get_action(db, 1).end is None
    summary = report.summary()
    assert "Échéances en continu" in summary and "action 2 (ligne 3)" in summary
    assert "non reconnues" not in summary


@pytest.mark.parametrize(
    ("written", "end"),
    [
        ("T3 2026", date(2026, 9, 30)),
        ("mi-2026", date(2026, 6, 30)),
        ("S1 2027", date(2027, 6, 30)),
    ],
)
def test_echeance_in_chat_takes_the_real_end_of_the_period(say, db, written, end):
    reply = say(ADMIN, f"!echeance 23 {written} report validé")
    assert not reply.refused, reply.text
    assert (get_action(db, 23).deadline, get_action(db, 23).end) == (written, end)


# --- Properties -----------------------------------------------------------------------------

QUARTER = ["T{n}", "Q{n}", "{nth} trimestre", "trimestre {n}", "{nth} trim."]
SEMESTER = ["S{n}", "{nth} semestre", "semestre {n}"]
NTH = {1: ["1er", "1e", "premier"], 2: ["2e", "2ème", "deuxième", "second", "2nd"]}
NTH.update({3: ["3e", "3ème", "troisième"], 4: ["4e", "quatrième", "dernier"]})
MONTH_NAMES = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"]
MONTH_NAMES += ["septembre", "octobre", "novembre", "décembre"]


@st.composite
def written_periods(draw):
    """(text, last day) for « <quarter|semester|month> <year> », spelled as people do."""
    year = draw(st.integers(2000, 2100))
    kind = draw(st.sampled_from(["quarter", "semester", "month"]))
    if kind == "month":
        month = draw(st.integers(1, 12))
        words = MONTH_NAMES[month - 1]
    else:
        count = 4 if kind == "quarter" else 2
        number = draw(st.integers(1, count))
        pattern = draw(st.sampled_from(QUARTER if kind == "quarter" else SEMESTER))
        nth = draw(st.sampled_from(NTH[number] if kind == "quarter" else NTH[number][:4]))
        words = pattern.format(n=number, nth=nth)
        month = number * 12 // count
    text = f"{words} {year}"
    text = draw(st.sampled_from([text, text.upper(), text.title(), text.lower()]))
    return text, date(year, month, calendar.monthrange(year, month)[1])


@given(written_periods())
def test_any_written_period_ends_on_its_last_day(case):
    text, last_day = case
    assert parse_deadline(text)[1] == last_day


WORDS = ["trimestre", "semestre", "mi-", "fin", "début", "juin", "sept", "T2", "S1", "continu"]


@given(
    st.lists(
        st.one_of(
            st.sampled_from(WORDS),
            st.integers(0, 2300).map(str),
            st.text(alphabet="abcéT QS0123456789-/.'", max_size=8),
        ),
        max_size=6,
    ).map(" ".join)
)
@example("Q 100")  # once read as Q1 2000
def test_random_text_never_gives_a_year_it_does_not_mention(text):
    mentioned = {int(n) for n in re.findall(r"\d{4}", text)}
    mentioned |= {2000 + int(n) for n in re.findall(r"(?<!\d)\d{2}(?!\d)", text)}
    start, end = parse_deadline(text)
    for day in (start, end):
        assert day is None or day.year in mentioned


@pytest.mark.parametrize(
    ("written", "end"),
    [("2e trimestre 2026", "30/06/2026"), ("premier semestre 2027", "30/06/2027")],
)
def test_echeance_in_chat_reads_quarters_and_semesters_in_words(written, end):
    db = open_db(":memory:")
    import_plan(db, load_example())
    engine = Engine(db, Directory(admins={ADMIN}), REGISTRY, clock=lambda: NOW)
    reply = engine.handle(
        Message(sender=ADMIN, text=f"!echeance 23 {written} budget voté", room="!r")
    )
    assert not reply.refused, reply.text
    action = get_action(db, 23)
    assert action.deadline == written
    assert action.end.strftime("%d/%m/%Y") == end
