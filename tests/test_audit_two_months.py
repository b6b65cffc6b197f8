"""An audit of two months of use: the bundled example PST is driven through the engine, with a
moving clock, from March to April 2026 (updates of status and progress, undos, corrections,
backdated dones, health changes with their reasons, a moved deadline, a weekly digest); then
every report is read back and compared with a recount the test makes itself.

The recount reads nothing the bot computed: `SCRIPT` lists what each message means to the test
(`Status`, `Health`, `Moved`) and which earlier ones it takes back (`Undo`), and `Ledger` counts
from that list alone: an undone change never happened, a « fait le 12/03 » took effect on 12/03.
The plan's layout (each action's OS, its title, its place) is read once from the import, before
any message.

    ledger = Ledger(SCRIPT, layout)
    ledger.status_on(23, date(2026, 3, 20))   # 'fait'
"""

import html
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pypdfium2
import pytest
from docx.oxml.ns import qn
from odf import teletype
from odf.namespaces import TEXTNS
from odf.opendocument import load as load_odf

from commands.engine import Engine
from commands.schedule import Rhythm, digest
from commands.types import Directory, Message
from reports.chart import progress_figure
from storage import sends
from storage.actions import list_actions
from storage.db import open_db
from storage.importing import import_plan, load_example
from storage.vocabulary import STATUS_COLUMNS, health_label
from tests.conftest import ADMIN, LUC, REGISTRY, SYLVIE, MovingClock

BRUSSELS = ZoneInfo("Europe/Brussels")
DONE, STARTED, NOT_STARTED = "fait", "en cours", "à démarrer"
ON_HOLD, ABANDONED = "suspendu", "abandonné"
BLOCKED, AT_RISK, GOOD = "bloque", "risque", "bon"
#: The day the reports are asked for, at 17:00 in Brussels.
LAST_DAY = date(2026, 4, 30)
APRIL = date(2026, 4, 1)
MONDAYS = [date(2026, 3, 2) + timedelta(weeks=week) for week in range(1, 9)]  # 09/03 .. 27/04
EVALUATION_FORMATS = ("md", "html", "odt", "docx", "pdf")
MILESTONES = {STARTED: "Démarrée", DONE: "Réalisée", ON_HOLD: "Suspendue", ABANDONED: "Abandonnée"}
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin")
HEADINGS = {
    "Actions réalisées": DONE,
    "Actions en cours": STARTED,
    "Actions à démarrer": NOT_STARTED,
    "Actions suspendues": ON_HOLD,
    "Actions abandonnées": ABANDONED,
}


# ---------------------------------------------------------------- what the test means


@dataclass(frozen=True)
class Status:
    """The action's status (and its progress once the message is stored); `on` the day a
    backdated « fait le 27/02 » took effect; `tag` names it for a later `Undo`."""

    code: int
    status: str
    progress: int | None = None
    on: date | None = None
    tag: str | None = None


@dataclass(frozen=True)
class Health:
    code: int
    health: str
    reason: str | None = None


@dataclass(frozen=True)
class Moved:
    """The DG moved the action's deadline to one ending on `end`."""

    code: int
    end: date


@dataclass(frozen=True)
class Undo:
    """Takes back the change tagged `tag` (an `!annuler`, or the first half of a correction)."""

    tag: str


@dataclass(frozen=True)
class Said:
    at: datetime  # UTC
    who: str
    text: str
    means: tuple = ()


def said(when: str, who: str, text: str, *means) -> Said:
    """`said("03/03 09:00", SYLVIE, "!maj 23 en cours 20%", Status(23, STARTED, 20))`: a
    message at that Brussels time in 2026, and what the test expects it to store."""
    moment = datetime.strptime(f"{when} 2026", "%d/%m %H:%M %Y").replace(tzinfo=BRUSSELS)
    return Said(moment.astimezone(UTC), who, text, means)


def dated(text: str) -> date:
    """ "27/02" -> 27/02/2026"""
    return datetime.strptime(f"{text}/2026", "%d/%m/%Y").date()


SV, LM, DG = SYLVIE, LUC, ADMIN

# Messages come from Tuesday to Friday; the digest goes on Mondays at 09:00 (MONDAYS).
SCRIPT = (
    # Week of 02/03: a correction of a percentage, an undone done, a done dated last month.
    said("03/03 09:00", SV, "!maj 23 en cours 20%", Status(23, STARTED, 20)),
    said("03/03 09:05", SV, "!maj 24 en cours 40%", Status(24, STARTED, 40, tag="24 à 40")),
    said("03/03 09:07", SV, "oups 4% pas 40%"),  # proposed: nothing stored until « oui »
    said("03/03 09:08", SV, "oui", Undo("24 à 40"), Status(24, STARTED, 4)),
    said("04/03 10:00", LM, "!maj 52 en cours 30%", Status(52, STARTED, 30)),
    said("04/03 10:02", LM, "!maj 53 fait dossier bouclé", Status(53, DONE, 100, tag="53")),
    said("04/03 10:06", LM, "!annuler", Undo("53")),
    said("05/03 11:00", SV, "!maj 25 fait le 27/02", Status(25, DONE, 100, on=dated("27/02"))),
    said(
        "06/03 14:00", DG, "!echeance 32 2026-06 report validé en CODIR", Moved(32, dated("30/06"))
    ),
    # Week of 09/03: health with reasons, a done dated before the last digest.
    said(
        "10/03 09:00",
        LM,
        "!maj 54 bloqué marché infructueux",
        Health(54, BLOCKED, "marché infructueux"),
    ),
    said(
        "10/03 09:30",
        SV,
        "!sante 33 risque budget pas voté",
        Health(33, AT_RISK, "budget pas voté"),
    ),
    said("11/03 10:00", SV, "!maj 23 fait", Status(23, DONE, 100)),
    said("12/03 10:00", LM, "!maj 52 en cours 60% marché attribué", Status(52, STARTED, 60)),
    said("13/03 15:00", SV, "!maj 34 fait le 06/03", Status(34, DONE, 100, on=dated("06/03"))),
    # Week of 16/03: a suspension and an abandon with their reasons, a correction of the action.
    said("17/03 09:00", LM, "!maj 54 en cours 10%", Status(54, STARTED, 10)),
    said("17/03 09:30", SV, "!maj 35 suspendu attente du budget", Status(35, ON_HOLD)),
    said("18/03 10:00", DG, "!maj 36 abandonné remplacé par l'action 61", Status(36, ABANDONED)),
    said("18/03 11:00", SV, "!maj 40 fait convention signée", Status(40, DONE, 100, tag="40")),
    said("18/03 11:03", SV, "pardon je voulais dire 61"),  # proposed
    said("18/03 11:04", SV, "oui", Undo("40"), Status(61, DONE, 100)),
    said("19/03 09:00", SV, "!sante 33 bon", Health(33, GOOD)),
    said("20/03 09:00", LM, "!maj 72 fait", Status(72, DONE, 100)),
    # Week of 23/03: an undone done, a done reopened, a backdated done within the week.
    said("24/03 09:00", LM, "!maj 73 en cours 50%", Status(73, STARTED, 50)),
    said("24/03 09:10", LM, "!maj 73 fait", Status(73, DONE, 100, tag="73")),
    said("24/03 09:12", LM, "!annuler", Undo("73")),
    said("25/03 10:00", SV, "!maj 23 en cours 90% une étape oubliée", Status(23, STARTED, 90)),
    said("26/03 11:00", LM, "!maj 74 fait le 24/03", Status(74, DONE, 100, on=dated("24/03"))),
    said(
        "27/03 14:00",
        LM,
        "!sante 75 bloque pas de prestataire",
        Health(75, BLOCKED, "pas de prestataire"),
    ),
    # Week of 30/03 (summer time): done again, one action's update undone among two.
    said("31/03 09:00", SV, "!maj 23 fait", Status(23, DONE, 100)),
    said("01/04 10:00", LM, "!maj 75 en cours 20%", Status(75, STARTED, 20)),
    said("02/04 10:00", LM, "!maj 76 en cours 30%", Status(76, STARTED, 30, tag="76")),
    said("02/04 10:02", LM, "!maj 77 fait", Status(77, DONE, 100)),
    said("02/04 10:04", LM, "!annuler 76", Undo("76")),
    # Week of 06/04.
    said("07/04 09:00", SV, "!maj 24 fait", Status(24, DONE, 100)),
    said("08/04 10:00", LM, "!maj 52 fait le 07/04", Status(52, DONE, 100, on=dated("07/04"))),
    said("09/04 10:00", LM, "!maj 1 en cours 25%", Status(1, STARTED, 25)),
    said("10/04 10:00", LM, "!maj 125 fait", Status(125, DONE, 100)),
    # Week of 13/04: a blocked action done, an undone done.
    said("14/04 09:00", LM, "!maj 109 en cours", Status(109, STARTED, None)),
    said("15/04 09:00", LM, "!maj 109 fait", Status(109, DONE, 100, tag="109")),
    said("15/04 09:03", LM, "!annuler", Undo("109")),
    said("16/04 10:00", SV, "!maj 51 fait", Status(51, DONE, 100)),
    said("17/04 10:00", LM, "!maj 54 fait", Status(54, DONE, 100)),
    # Weeks of 20/04 and 27/04.
    said("22/04 10:00", DG, "!maj 127 fait le 21/04", Status(127, DONE, 100, on=dated("21/04"))),
    said("23/04 10:00", LM, "!maj 10 en cours 10%", Status(10, STARTED, 10)),
    said("28/04 09:00", SV, "!maj 63 en cours 50%", Status(63, STARTED, 50)),
    said("29/04 10:00", LM, "!maj 56 fait", Status(56, DONE, 100, tag="56")),
    said("29/04 10:03", LM, "!annuler", Undo("56")),
)

#: The comment said with 53's done, undone: no report may show it.
UNDONE_COMMENT = "dossier bouclé"


# ---------------------------------------------------------------- the test's own recount


@dataclass(frozen=True)
class Fact:
    """One change the test made, as the test understands it."""

    said: datetime
    day: date  # the Brussels day it took effect
    change: object


def brussels_day(moment: datetime) -> date:
    return moment.astimezone(BRUSSELS).date()


class Ledger:
    """What stood at a moment, counted from SCRIPT alone."""

    def __init__(self, script, layout: dict[int, dict], until: datetime | None = None):
        self.layout = layout
        undone: set[str] = set()
        facts = []
        for line in script:
            if until is not None and line.at > until:
                break
            for change in line.means:
                if isinstance(change, Undo):
                    undone.add(change.tag)
                    continue
                on = getattr(change, "on", None) or brussels_day(line.at)
                facts.append(Fact(line.at, on, change))
        self.facts = [f for f in facts if getattr(f.change, "tag", None) not in undone]

    def of(self, code: int, kind=None) -> list[Fact]:
        return [
            f
            for f in self.facts
            if f.change.code == code and (kind is None or isinstance(f.change, kind))
        ]

    # -- statuses

    def status_on(self, code: int, day: date) -> str:
        """The status at the end of `day`: the latest said change that took effect by then."""
        found = [f for f in self.of(code, Status) if f.day <= day]
        return found[-1].change.status if found else NOT_STARTED

    def status(self, code: int) -> str:
        found = self.of(code, Status)
        return found[-1].change.status if found else NOT_STARTED

    def progress(self, code: int) -> int | None:
        found = self.of(code, Status)
        return found[-1].change.progress if found else None

    def statuses(self, day: date | None = None) -> dict[int, str]:
        return {
            code: self.status(code) if day is None else self.status_on(code, day)
            for code in self.layout
        }

    def done_percent(self, day: date | None = None) -> float:
        """Done over the actions of the plan, abandoned ones left out, to one decimal."""
        statuses = list(self.statuses(day).values())
        counted = len(statuses) - statuses.count(ABANDONED)
        return round(100 * statuses.count(DONE) / counted, 1)

    def milestones(self, code: int, first: date | None = None, last: date | None = None):
        """(status, day) of each standing change of status, by day, within [first, last]."""
        found, before = [], NOT_STARTED
        for fact in self.of(code, Status):
            if fact.change.status != before and fact.change.status in MILESTONES:
                inside = (first is None or fact.day >= first) and (last is None or fact.day <= last)
                if inside:
                    found.append((fact.change.status, fact.day))
            before = fact.change.status
        return sorted(found, key=lambda item: item[1])

    # -- what moved in a period

    def updated(self, first: date | None, last: date | None) -> list[int]:
        """Actions with a standing change (any kind) that took effect in [first, last]."""
        return [
            code
            for code in self.layout
            if any(
                (first is None or f.day >= first) and (last is None or f.day <= last)
                for f in self.of(code)
            )
        ]

    def moved(self, first: date | None, last: date | None) -> dict[int, str]:
        """Each updated action whose status differs from before the period: its final status."""
        found = {}
        for code in self.updated(first, last):
            before = NOT_STARTED if first is None else self.status_on(code, first - timedelta(1))
            after = self.status(code) if last is None else self.status_on(code, last)
            if after != before:
                found[code] = after
        return found

    # -- health and news

    def health(self, code: int) -> str | None:
        said = self.of(code, Health)
        return said[-1].change.health if said else None

    def silent(self, today: date, weeks: int = 6) -> list[int]:
        """Open actions without a standing change said in the `weeks` before `today`."""
        found = []
        for code, status in self.statuses().items():
            news = [f.said for f in self.of(code)]
            quiet = not news or brussels_day(max(news)) < today - timedelta(weeks=weeks)
            if status not in (DONE, ABANDONED) and quiet:
                found.append(code)
        return found

    def worries(self) -> list[tuple[int, str, str | None]]:
        """(code, health, reason) of the open actions blocked or at risk, blocked first."""
        found = []
        for code in self.layout:
            said = self.of(code, Health)
            open_ = self.status(code) not in (DONE, ABANDONED)
            if open_ and said and said[-1].change.health in (BLOCKED, AT_RISK):
                found.append((code, said[-1].change.health, said[-1].change.reason))
        return sorted(found, key=lambda item: item[1] != BLOCKED)

    def moved_deadlines(self, after: datetime, until: datetime) -> list[int]:
        return sorted(
            {
                f.change.code
                for f in self.facts
                if isinstance(f.change, Moved) and after < f.said <= until
            }
        )

    def late(self, day: date) -> int:
        """Open actions whose deadline (as imported, or as moved) ended before `day`."""
        ends = {code: place["end"] for code, place in self.layout.items()}
        ends |= {f.change.code: f.change.end for f in self.facts if isinstance(f.change, Moved)}
        return sum(
            1
            for code, status in self.statuses().items()
            if status not in (DONE, ABANDONED) and ends[code] is not None and ends[code] < day
        )


# ---------------------------------------------------------------- playing the two months


@dataclass
class Played:
    db: object
    engine: Engine
    clock: MovingClock
    layout: dict[int, dict]
    #: Monday -> (the digest's text, the moment of the digest before it).
    digests: dict[date, tuple[str, datetime]]
    replies: list


def monday_nine(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=BRUSSELS).astimezone(UTC)


@pytest.fixture(scope="module")
def played() -> Played:
    db = open_db(":memory:")
    import_plan(db, load_example())
    plan_id = db.execute("select id from plans").fetchone()[0]
    layout = {
        int(a.code): {"os": a.os_number, "os_title": a.os_title, "end": a.end}
        for a in list_actions(db, plan_id)
    }
    directory = Directory(
        admins={ADMIN},
        codir={"@codir:example.org"},
        links={"SV": {SYLVIE}, "LM": {LUC}, "chefs de service": {SYLVIE, LUC}},
    )
    clock = MovingClock()
    engine = Engine(db, directory, REGISTRY, clock=clock)
    digests, replies = {}, []
    previous = monday_nine(date(2026, 3, 2))  # the first digest counts the week before it
    mondays = iter(MONDAYS)
    monday = next(mondays)
    for line in SCRIPT:
        while monday is not None and monday_nine(monday) < line.at:
            clock.now = monday_nine(monday)
            outgoing = digest(db, Rhythm(), directory, clock.now)
            sends.record(db, outgoing)
            digests[monday] = (outgoing.text, previous)
            previous = clock.now
            monday = next(mondays, None)
        clock.now = line.at
        message = Message(sender=line.who, text=line.text, room="!dm", direct=True)
        reply = engine.handle(message)
        replies.append((line, reply))
    clock.now = datetime(2026, 4, 30, 17, 0, tzinfo=BRUSSELS).astimezone(UTC)
    return Played(db, engine, clock, layout, digests, replies)


@pytest.fixture(scope="module")
def ledger(played) -> Ledger:
    return Ledger(SCRIPT, played.layout)


def ask(played: Played, text: str):
    reply = played.engine.handle(Message(sender=ADMIN, text=text, room="!dm", direct=True))
    assert not reply.refused, reply.text
    return reply


def test_every_scripted_message_was_taken_as_the_script_means_it(played):
    for line, reply in played.replies:
        assert reply is not None, line.text
        if line.means:
            assert not reply.refused, (line.text, reply.text)
        else:  # a correction is proposed, and stored only on « oui »
            assert reply.proposal and "Répondez « oui »" in reply.text, (line.text, reply.text)


# ---------------------------------------------------------------- reading the files back


def text_of(data: bytes, fmt: str) -> str:
    """All the text a reader sees, whitespace collapsed (a wrapped line reads as one)."""
    if fmt == "md":
        lines = [
            line
            for line in data.decode("utf-8").splitlines()
            if not re.fullmatch(r"\|[-:|]+\|", line)
        ]
        raw = re.sub(r"\\(.)|[|*#]", lambda m: m.group(1) or " ", "\n".join(lines))
    elif fmt == "html":
        raw = html.unescape(re.sub(r"<[^>]+>", " ", data.decode("utf-8")))
    elif fmt == "odt":
        raw = "\n".join(_odt_texts(load_odf(io.BytesIO(data)).text))
    elif fmt == "docx":
        body = docx.Document(io.BytesIO(data)).element.body
        raw = "\n".join(
            "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))
        )
    else:
        pdf = pypdfium2.PdfDocument(data)
        raw = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    return " ".join(raw.replace("\u00a0", " ").split())


def _odt_texts(element) -> list[str]:
    if element.qname in ((TEXTNS, "h"), (TEXTNS, "p")):
        return [teletype.extractText(element)]
    return [text for child in element.childNodes for text in _odt_texts(child)]


def number(text: str) -> float:
    """ "10,3" -> 10.3"""
    return float(text.replace(",", "."))


_ACTION_START = re.compile(r"Action (\d+) – ")
_BOUNDARY = re.compile(
    r"Action \d+ – |Objectif (?:opérationnel|stratégique) \d|"
    + "|".join(HEADINGS)
    + r"|Conclusion|Annexe :"
)


def detail(text: str) -> dict[int, tuple[str, str]]:
    """Action code -> (the status heading it is listed under, its line, facts and story)."""
    # The detail after the contents page (its first entry and the body both open on
    # "Introduction").
    body = text.index("Introduction", text.index("Introduction", text.index("Table des")) + 1)
    start = re.compile(r"Objectif stratégique \d+ : ").search(text, body).start()
    end = text.index("Conclusion", start)
    part = text[start:end]
    found, heading = {}, None
    marks = sorted(
        [(m.start(), m.group(0)) for h in HEADINGS for m in re.finditer(re.escape(h), part)]
        + [(m.start(), m.group(0)) for m in _ACTION_START.finditer(part)]
    )
    for position, mark in marks:
        if mark in HEADINGS:
            heading = HEADINGS[mark]
            continue
        code = int(_ACTION_START.match(mark).group(1))
        rest = part[position + len(mark) :]
        after = _BOUNDARY.search(rest)
        assert code not in found, f"action {code} listed twice"
        found[code] = (heading, rest[: after.start()] if after else rest)
    return found


def month(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


@pytest.fixture(scope="module")
def evaluations(played):
    """(format, period) -> the evaluation's text, as `!evaluation` hands it out."""
    found = {}
    for fmt in EVALUATION_FORMATS:
        for period, words in (("whole", " annexe"), ("april", " depuis 2026-04-01")):
            (attachment,) = ask(played, f"!evaluation {fmt}{words}").attachments
            found[fmt, period] = text_of(attachment.data, fmt)
            if fmt == "md":
                found["md bytes", period] = attachment.data
    return found


# ---------------------------------------------------------------- the evaluation, every format


@pytest.mark.parametrize("fmt", EVALUATION_FORMATS)
def test_evaluation_summary_counts_the_statuses_as_recounted(evaluations, ledger, fmt):
    text = evaluations[fmt, "whole"]
    statuses = list(ledger.statuses().values())
    found = re.search(
        r"(\d+) actions : (\d+) réalisées?, (\d+) en cours, (\d+) à démarrer, (\d+) suspendues? et"
        r" (\d+) abandonnées? ; ([\d,]+) % des actions sont faites\.",
        text,
    )
    assert found, text[:2000]
    assert [int(g) for g in found.groups()[:6]] == [
        len(statuses),
        statuses.count(DONE),
        statuses.count(STARTED),
        statuses.count(NOT_STARTED),
        statuses.count(ON_HOLD),
        statuses.count(ABANDONED),
    ]
    assert number(found.group(7)) == ledger.done_percent()
    counted = len(statuses) - statuses.count(ABANDONED)
    assert (
        f"Au 30/04/2026, {statuses.count(DONE)} des {counted} actions du plan hors abandonnées"
        f" sont réalisées ({found.group(7)} %)" in text
    )


@pytest.mark.parametrize("fmt", EVALUATION_FORMATS)
def test_evaluation_counts_each_os_as_recounted(evaluations, ledger, played, fmt):
    text = evaluations[fmt, "whole"]
    statuses = ledger.statuses()
    for os_number in sorted({place["os"] for place in played.layout.values()}):
        members = [code for code, place in played.layout.items() if place["os"] == os_number]
        title = played.layout[members[0]]["os_title"]
        row = re.search(
            rf"(?<![\d,]){os_number} {re.escape(' '.join(title.split()))}"
            r" (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) ([\d,]+) %",
            text,
        )
        assert row, (fmt, os_number)
        mine = [statuses[code] for code in members]
        counts = [mine.count(status) for status in (DONE, STARTED, NOT_STARTED, ON_HOLD, ABANDONED)]
        assert [int(g) for g in row.groups()[:6]] == [len(members), *counts], (fmt, os_number)
        counted = len(mine) - mine.count(ABANDONED)
        assert number(row.group(7)) == round(100 * mine.count(DONE) / counted, 1)


@pytest.mark.parametrize("period", ["whole", "april"])
@pytest.mark.parametrize("fmt", EVALUATION_FORMATS)
def test_evaluation_what_moved_counts_each_action_once_in_its_final_state(
    evaluations, ledger, fmt, period
):
    text = evaluations[fmt, period]
    first, last = (None, None) if period == "whole" else (APRIL, LAST_DAY)
    updated, moved = ledger.updated(first, last), ledger.moved(first, last)
    when = "Depuis le début du suivi" if first is None else "Du 01/04/2026 au 30/04/2026"
    found = re.search(
        rf"{when}, (\d+) actions? (?:ont|a) reçu au moins une mise à jour ; (\d+) (?:ont|a)"
        r" démarré, (\d+) (?:ont|a) été réalisées?, (\d+) suspendues? et (\d+) abandonnées?\.",
        text,
    )
    assert found, text[text.index("Ce qui a bougé") :][:400]
    after = list(moved.values())
    assert [int(g) for g in found.groups()] == [
        len(updated),
        after.count(STARTED),
        after.count(DONE),
        after.count(ON_HOLD),
        after.count(ABANDONED),
    ]
    done = [str(code) for code, status in moved.items() if status == DONE]
    named = ", ".join(done[:12])
    rest = len(done) - 12
    tail = "" if rest <= 0 else f" et {rest} autre{'s' if rest > 1 else ''}"
    assert f"Réalisées sur la période : actions {named}{tail}." in text


@pytest.mark.parametrize("fmt", EVALUATION_FORMATS)
def test_evaluation_lists_each_action_once_under_its_recounted_status(evaluations, ledger, fmt):
    listed = detail(evaluations[fmt, "whole"])
    assert {code: heading for code, (heading, _) in listed.items()} == ledger.statuses()


@pytest.mark.parametrize("period", ["whole", "april"])
@pytest.mark.parametrize("fmt", EVALUATION_FORMATS)
def test_evaluation_story_tells_the_standing_milestones_on_the_day_they_took_effect(
    evaluations, ledger, fmt, period
):
    first, last = (None, None) if period == "whole" else (APRIL, LAST_DAY)
    for code, (_, story) in detail(evaluations[fmt, period]).items():
        told = re.findall(r"(Démarrée|Réalisée|Suspendue|Abandonnée) en (\w+ \d{4})\.", story)
        expected = [(MILESTONES[s], month(day)) for s, day in ledger.milestones(code, first, last)]
        assert told == expected, (code, story)


@pytest.mark.parametrize("fmt", EVALUATION_FORMATS)
def test_evaluation_shows_progress_and_health_as_recounted(evaluations, ledger, fmt):
    for code, (_, story) in detail(evaluations[fmt, "whole"]).items():
        progress = ledger.progress(code)
        if ledger.status(code) in (STARTED, ON_HOLD) and progress is not None:
            assert f"Avancement : {progress} %." in story, (code, story)
        else:
            assert "Avancement :" not in story, (code, story)
        health = ledger.health(code)
        if health:
            assert f"Santé : {health_label(health)}." in story, (code, story)
        else:
            assert "Santé :" not in story, (code, story)


def md_rows_under(data: bytes, heading: str) -> list[list[str]]:
    """The rows of the first Markdown table after `heading`, each as its cells' text."""
    lines = data.decode("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip("# ").startswith(heading))
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("| ") and not re.fullmatch(r"\|[-:|]+\|", line):
            cells = re.split(r"(?<!\\) \| ", line[2:-2])
            rows.append([re.sub(r"\\(.)", r"\1", cell).strip() for cell in cells])
    return rows[1:]  # the header row left out


@pytest.mark.parametrize("fmt", EVALUATION_FORMATS)
def test_evaluation_counts_late_and_silent_actions_from_the_standing_news(evaluations, ledger, fmt):
    late, silent = ledger.late(LAST_DAY), ledger.silent(LAST_DAY)
    assert (
        f"{late} actions ont dépassé leur échéance et {len(silent)} actions ouvertes n'ont reçu"
        " aucune mise à jour depuis 6 semaines" in evaluations[fmt, "whole"]
    )


def test_evaluation_annex_dates_the_last_news_that_stands(evaluations, ledger):
    # The annex's one table lists the late and the silent actions, each once.
    rows = md_rows_under(evaluations["md bytes", "whole"], "Annexe : actions en retard")
    silent = set(ledger.silent(LAST_DAY))
    shown = {int(row[0]): row[5] for row in rows if int(row[0]) in silent}
    assert sorted(shown) == sorted(silent)
    assert len({row[0] for row in rows}) == len(rows)
    for code, last in shown.items():
        news = [f.said for f in ledger.of(code)]
        assert last == (max(news).astimezone(BRUSSELS).strftime("%d/%m/%Y") if news else "aucune")
    # 53's done and 40's were undone: no news stands, whatever the undo's time.
    assert shown[53] == shown[40] == "aucune"


@pytest.mark.parametrize("fmt", EVALUATION_FORMATS)
def test_evaluation_tells_no_undone_change(evaluations, ledger, fmt):
    for period in ("whole", "april"):
        text = evaluations[fmt, period]
        assert "Annulation" not in text and "annulé" not in text
        assert UNDONE_COMMENT not in text.casefold()
    listed = detail(evaluations[fmt, "whole"])
    # 53, 40, 76 and 56 had only undone changes: no story at all; 73 and 109 only their start.
    for code in (53, 40, 76, 56):
        assert not ledger.of(code)
        assert "Réalisée" not in listed[code][1] and "Démarrée" not in listed[code][1]
    assert "Convention signée." in listed[61][1]  # the correction moved the comment to 61
    assert "Convention signée." not in listed[40][1]
    april = detail(evaluations[fmt, "april"])
    updated = ledger.updated(APRIL, LAST_DAY)
    for code, (_, story) in april.items():
        quiet = code not in updated
        assert ("Aucune mise à jour sur la période." in story) == quiet, (code, story)
    assert "Aucune mise à jour sur la période." in april[76][1]  # its start, undone on 02/04


def test_evaluation_dates_a_backdated_done_in_its_own_month(evaluations):
    listed = detail(evaluations["md", "whole"])
    assert "Réalisée en février 2026." in listed[25][1]  # « fait le 27/02 », said on 05/03
    assert "Le 27/02" not in listed[25][1] and "le 27/02" not in listed[25][1]


# ---------------------------------------------------------------- the table, xlsx and ods


def xlsx_rows(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: [tuple(r) for r in sheet.iter_rows(values_only=True)] for sheet in book}


_ODS = {
    "table": "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}",
    "office": "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}",
    "text": "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}",
}


def ods_rows(data: bytes) -> dict[str, list[tuple]]:
    root = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("content.xml"))
    table, office = _ODS["table"], _ODS["office"]
    sheets = {}
    for sheet in root.iter(f"{table}table"):
        rows = []
        for row in sheet.iter(f"{table}table-row"):
            cells = []
            for cell in row.iter(f"{table}table-cell"):
                kind = cell.get(f"{office}value-type")
                if kind == "float":
                    value = float(cell.get(f"{office}value"))
                    cells.append(int(value) if value.is_integer() else value)
                elif kind is None:
                    cells.append(None)
                else:
                    cells.append("\n".join("".join(p.itertext()) for p in cell))
            rows.append(tuple(cells))
        sheets[sheet.get(f"{table}name")] = rows
    return sheets


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_table_shows_each_action_and_each_os_as_recounted(played, ledger, fmt):
    (attachment,) = ask(played, f"!export {fmt}").attachments
    sheets = (xlsx_rows if fmt == "xlsx" else ods_rows)(attachment.data)
    shown = {}
    for name, rows in sheets.items():
        if name.startswith("OS "):
            for row in rows[2:]:
                if not row[0] or str(row[0]).startswith(("OS ", "OO ")):
                    continue  # the OS and OO band rows above the actions
                code, status, progress, health, comment = row[0], *row[5:9]
                shown[int(code)] = (status, progress, health or "")
                assert UNDONE_COMMENT not in (comment or "").casefold()
                if not ledger.of(int(code)):  # only undone changes: no comment of theirs
                    assert not comment, (code, comment)
    assert shown == {
        code: (ledger.status(code), ledger.progress(code), health_label(ledger.health(code)))
        for code in played.layout
    }

    statuses = ledger.statuses()
    summary = {row[0]: row for row in sheets["Synthèse"][2:]}
    for os_number in {place["os"] for place in played.layout.values()}:
        mine = [s for code, s in statuses.items() if played.layout[code]["os"] == os_number]
        row = summary[os_number]
        counts = [mine.count(s) for s in (DONE, STARTED, NOT_STARTED, ON_HOLD, ABANDONED)]
        assert list(row[2:8]) == [*counts, len(mine)]
        assert row[8] == round(100 * mine.count(DONE) / (len(mine) - mine.count(ABANDONED)), 1)
    assert summary["Total"][8] == ledger.done_percent()


# ---------------------------------------------------------------- !synthese


def test_synthese_counts_the_plan_and_each_os_as_recounted(played, ledger):
    lines = ask(played, "!synthese").text.splitlines()
    statuses = ledger.statuses()
    assert lines[0] == f"PST au 30/04/2026 : {len(statuses)} actions"

    def expected(codes) -> tuple[str, str]:
        """ "10,3 % fait (13/126)", "106 à démarrer, 6 en cours, 13 fait, …" """
        mine = [statuses[code] for code in codes]
        counted = len(mine) - mine.count(ABANDONED)
        share = f"{round(100 * mine.count(DONE) / counted, 1):g}".replace(".", ",")
        counts = ", ".join(
            f"{mine.count(s)} {s}"
            for s in (NOT_STARTED, STARTED, DONE, ON_HOLD, ABANDONED)
            if mine.count(s)
        )
        return f"{share} % fait ({mine.count(DONE)}/{counted})", counts

    progress, _ = expected(list(statuses))
    assert lines[1].endswith(f" {progress} — {ledger.late(LAST_DAY)} en retard")
    by_os = [line for line in lines if line.startswith("  ")]
    os_numbers = sorted({place["os"] for place in played.layout.values()})
    assert len(by_os) == len(os_numbers)
    for os_number, line in zip(os_numbers, by_os, strict=True):
        codes = [code for code, place in played.layout.items() if place["os"] == os_number]
        progress, counts = expected(codes)
        assert line.endswith(f" {progress} — {counts}"), (os_number, line)
    assert "l'action abandonnée non comptée" in lines[-2]


# ---------------------------------------------------------------- the chart's data


def test_chart_draws_the_recounted_share_done_at_each_date(played, ledger):
    plan_id = played.db.execute("select id from plans").fetchone()[0]
    actions = list_actions(played.db, plan_id, with_history=True)
    figure = progress_figure(actions, today=LAST_DAY)
    time_axes = figure.axes[1]
    days, values = time_axes.lines[0].get_data()
    days = [day if isinstance(day, date) else day.date() for day in days]
    assert days[-1] == LAST_DAY
    assert all(day.weekday() == 6 for day in days[:-1])  # weekly, ending on Sundays
    first_change = min(f.day for f in ledger.facts)  # 27/02, the backdated done
    assert days[0] - first_change < timedelta(days=7)
    assert list(values) == [ledger.done_percent(day) for day in days]
    statuses = ledger.statuses()
    os_numbers = sorted({place["os"] for place in played.layout.values()})
    bars = {container.get_label(): container for container in figure.axes[0].containers}
    for status in (DONE, STARTED, NOT_STARTED, ON_HOLD, ABANDONED):
        widths = [patch.get_width() for patch in bars[STATUS_COLUMNS[status]]]
        assert widths == [
            sum(1 for c, s in statuses.items() if s == status and played.layout[c]["os"] == n)
            for n in os_numbers
        ], status
    # Sunday 08/03: 25 (done « le 27/02 ») and 34 (« le 06/03 », said on 13/03); not 53,
    # whose done of 04/03 was undone.
    assert values[days.index(dated("08/03"))] == round(100 * 2 / 127, 1)


# ---------------------------------------------------------------- the digest, every Monday


def sections(text: str) -> dict[str, list[str]]:
    """Heading (count left out) -> the codes of its lines."""
    found, heading = {}, None
    for line in text.splitlines():
        if line.startswith("• "):
            code = line[2:].split(" ", 1)[0]
            found[heading].append(int(code) if code.isdigit() else code)
        else:
            heading = re.sub(r" \(\d+\)$", "", line.split(" : ")[0])
            found.setdefault(heading, [])
    return found


def changed_since(ledger: Ledger, previous: datetime) -> dict[str, list[int]]:
    """What the digest should list: each action whose status now differs from the one the CODIR
    knew at the last digest (the last standing change said by then), by its final status. A
    done said since then is news even when it is dated before (« fait le 06/03 » said on 13/03,
    after the digest of 09/03)."""
    known = Ledger(SCRIPT, ledger.layout, until=previous)
    groups = {"Faites": [], "Démarrées": [], "Suspendues ou abandonnées": []}
    for code in ledger.layout:
        before, after = known.status(code), ledger.status(code)
        if before == after:
            continue
        if after == DONE:
            groups["Faites"].append(code)
        elif after == STARTED:
            groups["Démarrées"].append(code)
        elif after in (ON_HOLD, ABANDONED):
            groups["Suspendues ou abandonnées"].append(code)
    return {heading: codes for heading, codes in groups.items() if codes}


@pytest.mark.parametrize("monday", MONDAYS)
def test_digest_lists_what_was_done_started_and_suspended_since_the_last_one(
    played, ledger, monday
):
    text, previous = played.digests[monday]
    now = Ledger(SCRIPT, played.layout, until=monday_nine(monday))
    found = sections(text)
    expected = changed_since(now, previous)
    for heading in ("Faites", "Démarrées", "Suspendues ou abandonnées"):
        assert sorted(found.get(heading, [])) == sorted(expected.get(heading, [])), (heading, text)


def test_digest_tells_a_backdated_done_the_week_it_was_said_and_counts_it_from_its_day(played):
    # « fait le 06/03 » said on 13/03: news in the digest of 16/03, with its day…
    text, _ = played.digests[dated("16/03")]
    assert 34 in sections(text)["Faites"]
    line = next(line for line in text.splitlines() if line.startswith("• 34 "))
    assert "06/03" in line
    # …and already done on 09/03 in the trend's « au dernier digest » (25 and 34: 2 of 127).
    shown = f"{round(100 * 2 / 127, 1):g}".replace(".", ",")
    assert f"; {shown} % au dernier digest" in text


@pytest.mark.parametrize("monday", MONDAYS)
def test_digest_trend_is_the_recounted_share_now_at_the_last_digest_and_a_month_ago(played, monday):
    text, previous = played.digests[monday]
    now = Ledger(SCRIPT, played.layout, until=monday_nine(monday))
    found = re.search(
        r"Avancement : ([\d,]+) % des actions faites \((\d+) sur (\d+), [^)]*\) ;"
        r" ([\d,]+) % au dernier digest, ([\d,]+) % il y a un mois ; (\d+) en retard\.",
        text,
    )
    assert found, text
    statuses = list(now.statuses().values())
    assert number(found.group(1)) == now.done_percent()
    assert int(found.group(2)) == statuses.count(DONE)
    assert int(found.group(3)) == len(statuses) - statuses.count(ABANDONED)
    assert number(found.group(4)) == now.done_percent(brussels_day(previous))
    assert number(found.group(5)) == now.done_percent(monday - timedelta(days=30))
    assert int(found.group(6)) == now.late(monday)


@pytest.mark.parametrize("monday", MONDAYS)
def test_digest_names_the_blocked_and_at_risk_with_their_reason_and_the_moved_deadlines(
    played, monday
):
    text, previous = played.digests[monday]
    now = Ledger(SCRIPT, played.layout, until=monday_nine(monday))
    found = sections(text)
    worries = now.worries()
    assert found.get("Bloquées ou à risque", []) == [code for code, _, _ in worries]
    for code, health, reason in worries:
        label = "bloquée" if health == BLOCKED else "à risque"
        line = next(line for line in text.splitlines() if line.startswith(f"• {code} "))
        assert line.endswith(f" — {label} : {reason}" if reason else f" — {label}")
    moved = now.moved_deadlines(previous, monday_nine(monday))
    assert found.get("Échéances reportées", []) == moved


@pytest.mark.parametrize("monday", MONDAYS)
def test_digest_never_lists_an_undone_change(played, monday):
    text, previous = played.digests[monday]
    listed = {code for codes in sections(text).values() for code in codes}
    # Changes whose only standing effect is none (53, 40, 76, 56), or whose done was undone.
    assert not listed & {53, 40, 76, 56}
    assert UNDONE_COMMENT not in text.casefold() and "Annul" not in text
    if monday == date(2026, 3, 30):
        assert 73 in sections(text)["Démarrées"] and 73 not in sections(text).get("Faites", [])
    if monday == date(2026, 4, 20):
        assert 109 in sections(text)["Démarrées"]
