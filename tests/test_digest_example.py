"""The CODIR digest of the bundled example after a month of scripted use, as the CODIR reads
it: docs/examples/digest-apres-un-mois.md keeps it, with the scenario in one paragraph.

The month runs through the engine and the scheduler's own pass (`bot.scheduler.record_due`)
with a moving clock: pilots answer their reminders in a direct chat, one reports a blocked
action with its reason, one undoes a mistaken done, one dates a done back, the DG moves a
deadline, two pilots never answer. After a change to the digest, regenerate the file and read
it again:

    PST_REGENERATE_EXAMPLES=1 .venv/bin/python -m pytest tests/test_digest_example.py
"""

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler import record_due
from commands.engine import Engine
from commands.formatting import PHONE
from commands.schedule import DIGEST, Rhythm, due
from commands.types import Directory, Message
from storage.clock import Clock, use_clock
from storage.db import open_db
from storage.importing import import_plan, load_example
from tests.conftest import REGISTRY, MovingClock

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "digest-apres-un-mois.md"
REGENERATE = os.environ.get("PST_REGENERATE_EXAMPLES") == "1"

BRUSSELS = ZoneInfo("Europe/Brussels")
#: The Conseil of 24/01/2022 hears the PST's evaluation: the digest lists what falls due before.
RHYTHM = Rhythm(conseil=(date(2021, 10, 25), date(2022, 1, 24)))

DG = "@dg:frameries.example"
LUC, SYLVIE, MARC = "@luc:frameries.example", "@sylvie:frameries.example", "@marc:frameries.example"
ANNE, VINCENT, LAURA = (
    "@anne:frameries.example",
    "@vincent:frameries.example",
    "@laura:frameries.example",
)
ALAIN, MARTINE, DIDIER = (
    "@alain:frameries.example",
    "@martine:frameries.example",
    "@didier:frameries.example",
)
DIRECTORY = Directory(
    admins={DG},
    codir={LUC, MARC, ALAIN},
    links={
        "LM": {LUC},
        "SV": {SYLVIE},
        "MR": {MARC},
        "AB": {ANNE},
        "VM": {VINCENT},
        "LL": {LAURA},
        "AL": {ALAIN},
        "MAC": {MARTINE},  # never answers
        "DB": {DIDIER},  # never answers
    },
)

#: The plan comes into the bot on Monday 08/11/2021 at 08:00; the last digest of the month
#: goes on Monday 06/12 at 09:05, the scheduler's pass of that morning.
IMPORTED = datetime(2021, 11, 8, 8, 0, tzinfo=BRUSSELS)
LAST_PASS = datetime(2021, 12, 6, 9, 5, tzinfo=BRUSSELS)

#: The month, day by day: (day, local time, who, what they type in their direct chat).
MONTH = [
    # Week 1: the first reminders are answered.
    ("2021-11-08", "10:20", LUC, "!maj 52 en cours 30% scanner commandé"),
    ("2021-11-08", "11:05", SYLVIE, "23 fait, 24 en cours 80%"),
    ("2021-11-09", "09:40", MARC, "49 fait le 29/10"),
    ("2021-11-10", "14:10", ANNE, "26 en cours 20%"),
    ("2021-11-12", "10:30", LAURA, "110 fait, 113 fait"),
    # Week 2.
    ("2021-11-15", "10:15", VINCENT, "37 en cours 50% plantations au printemps"),
    ("2021-11-16", "15:20", LUC, "53 en cours 60% organigramme présenté au CODIR"),
    ("2021-11-17", "09:50", ALAIN, "62 fait"),
    ("2021-11-18", "11:30", SYLVIE, "35 en cours enquête envoyée aux résidents"),
    # Week 3: a blocked action, a mistaken done undone.
    ("2021-11-22", "10:05", VINCENT, "!sante 94 bloque marché infructueux, relance en janvier"),
    ("2021-11-23", "16:40", LUC, "127 fait"),
    ("2021-11-23", "16:42", LUC, "annuler"),
    ("2021-11-25", "10:10", SYLVIE, "24 fait"),
    ("2021-11-26", "14:00", MARC, "RAS pour le 57"),
    # Week 4, since the digest of 29/11.
    ("2021-11-29", "10:00", LAURA, "114 en cours 40% bénévoles rencontrés"),
    ("2021-11-30", "09:30", DG, "!echeance 34 juin 2022 recrutement relancé"),
    ("2021-12-01", "10:45", MARC, "54 fait le 26/11 tarifs votés au Conseil"),
    ("2021-12-01", "11:15", LUC, "53 en cours 80%"),
    ("2021-12-01", "17:20", LUC, "53 fait"),
    ("2021-12-02", "10:20", ANNE, "!maj 36 suspendu attente du nouveau règlement de volontariat"),
    ("2021-12-03", "09:15", LUC, "127 fait"),
    ("2021-12-03", "09:16", LUC, "annuler 127"),
    ("2021-12-03", "15:30", SYLVIE, "!sante 32 risque manque d'infirmières pour les audits"),
]

SCENARIO = (
    "Le PST d'exemple (CPAS de Frameries, 127 actions) est importé le lundi 8 novembre 2021 ; "
    "le Conseil du 24/01/2022 entendra son évaluation (`[rhythm] conseil`). Pendant quatre "
    "semaines, les pilotes répondent à leurs rappels dans leur conversation directe avec le "
    "bot : des actions démarrent ou se terminent (l'une passe deux fois de statut la même "
    "semaine, 53 : en cours puis faite), VM signale l'action 94 bloquée avec sa raison, SV "
    "l'action 32 à risque, LM marque 127 faite par erreur et l'annule (deux fois), MR écrit le "
    "1er décembre « 54 fait le 26/11 », AB suspend 36 en disant pourquoi, la DG reporte "
    "l'échéance de 34 ; MAC et DB ne répondent à aucun de leurs rappels. Voici le digest que "
    "le salon CODIR reçoit le lundi 6 décembre à 9 h (`tests/test_digest_example.py` le "
    "refait ; `PST_REGENERATE_EXAMPLES=1` réécrit ce fichier)."
)


def _at(day: str, time: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BRUSSELS).astimezone(UTC)


def scripted_month():
    """The database after the month, and the digest the scheduler's pass of 06/12 sends."""
    clock = MovingClock()
    clock.now = IMPORTED.astimezone(UTC)
    previous = use_clock(Clock(zone=BRUSSELS, source=clock))
    try:
        db = open_db(":memory:")
        import_plan(db, load_example())
        engine = Engine(db, DIRECTORY, REGISTRY, clock=clock, rhythm=RHYTHM)
        for day in _days():
            clock.now = _at(day, "09:05")  # the scheduler's morning pass: digest, reminders
            record_due(db, due, RHYTHM, DIRECTORY, clock.now)
            for when, time, who, text in MONTH:
                if when == day:
                    clock.now = _at(day, time)
                    reply = engine.handle(Message(sender=who, text=text, direct=True))
                    assert not reply.refused, f"{day} {time} {text!r}: {reply.text}"
        clock.now = LAST_PASS.astimezone(UTC)
        sent = record_due(db, due, RHYTHM, DIRECTORY, clock.now)
    finally:
        use_clock(previous)
    return db, next(o for o in sent if o.kind == DIGEST)


def _days() -> list[str]:
    """The four weeks from Monday 08/11 to Sunday 05/12: the scheduler passes every morning
    (it sends no reminder on a weekend or a holiday, such as 11/11)."""
    first = date(2021, 11, 8).toordinal()
    days = [date.fromordinal(n).isoformat() for n in range(first, first + 28)]
    assert {day for day, *_ in MONTH} <= set(days)
    return days


def _written(text: str) -> str:
    return f"# Le digest CODIR après un mois d'usage\n\n{SCENARIO}\n\n```text\n{text}\n```\n"


def _kept() -> str:
    found = re.search(r"```text\n(.*?)\n```", EXAMPLE.read_text(encoding="utf-8"), re.S)
    assert found, f"{EXAMPLE} holds no ```text block"
    return found.group(1)


@pytest.fixture(scope="module")
def month():
    return scripted_month()


def test_digest_example_is_the_one_kept_in_docs(month):
    _, sent = month
    if REGENERATE:
        EXAMPLE.parent.mkdir(parents=True, exist_ok=True)
        EXAMPLE.write_text(_written(sent.text), encoding="utf-8")
    assert _kept() == sent.text, "PST_REGENERATE_EXAMPLES=1 rewrites the example; read it"
    assert SCENARIO in EXAMPLE.read_text(encoding="utf-8")


def _headings(text: str) -> list[str]:
    return [
        line.split(" (")[0].split(" :")[0] for line in text.splitlines()[1:] if line[:2] != "• "
    ]


def test_digest_example_reads_as_an_agenda_most_urgent_first(month):
    _, sent = month
    text = sent.text
    assert len(text) <= PHONE
    assert text.startswith("Digest CODIR du 06/12/2021 (changements depuis le 29/11/2021)")
    assert _headings(text) == [
        "Bloquées ou à risque",
        "Échéances reportées",
        "Faites",
        "Démarrées",
        "Suspendues ou abandonnées",
        "À échéance avant le Conseil du 24/01/2022",
        "Sans nouvelles",
        "Avancement",
        "Tableau complet",
    ]


def test_digest_example_tells_the_month_as_it_stands(month):
    _, sent = month
    text = sent.text
    assert "• 94 " in text and "bloquée : marché infructueux, relance en janvier" in text
    assert "à risque : manque d'infirmières pour les audits" in text
    assert "• 34 " in text and "2021 → juin 2022, recrutement relancé" in text
    # 53 moved twice this week: once, done; 54 done on the day its pilot gave.
    assert text.count("• 53 ") == 1 and "— le 01/12" in text
    assert "• 54 " in text and "— le 26/11, tarifs votés au Conseil" in text
    # 127, done by mistake and undone, twice: nowhere.
    assert "• 127 " not in text.split("À échéance")[0]
    # The two pilots who never answered three reminders.
    silent = next(line for line in text.splitlines() if line.startswith("Sans nouvelles"))
    assert silent.endswith(": MAC, DB")
