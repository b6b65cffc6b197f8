"""The CODIR digest reads the effective history (storage/effective.py): what moved since the
last digest, once per action in its final state; a backdated done dated by its given day, yet
news the week it is said; no undone change; the trend from the status each action had at the
end of a day; what each line tells (the last word, why a deadline moved, the state of what
falls due). And it holds its bound on a large plan where every section is full."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from commands.engine import Engine
from commands.formatting import PHONE
from commands.schedule import Outgoing, Rhythm, digest
from commands.types import Message
from storage import history, sends
from storage.clock import Clock, use_clock
from storage.db import open_db
from storage.importing import import_plan
from storage.importing.model import (
    ActionRow,
    OperationalObjectiveRow,
    ParsedPST,
    StrategicObjectiveRow,
)
from storage.transactions import transaction
from tests.conftest import ADMIN, LUC, REGISTRY, SYLVIE, MovingClock

BRUSSELS = ZoneInfo("Europe/Brussels")
#: The last digest went on Monday 10/03/2025; the pilots talk from Friday 14/03 (conftest NOW).
LAST_DIGEST = datetime(2025, 3, 10, 9, 0, tzinfo=BRUSSELS)
DIGEST_AT = datetime(2025, 3, 17, 9, 0, tzinfo=BRUSSELS)
LINE_52 = "52 Numérisation du courrier entrant et sor… (LM/ACB)"


@pytest.fixture
def say(db, directory):
    """The pilots in a direct chat, a minute between two messages, from conftest NOW on."""
    clock = MovingClock()
    engine = Engine(db, directory, REGISTRY, clock=clock)

    def send(sender: str, text: str):
        clock.wait(1)
        reply = engine.handle(Message(sender=sender, text=text, direct=True))
        assert not reply.refused or reply.proposal, reply.text
        return reply

    return send


@pytest.fixture
def the_digest(db, directory):
    """`the_digest()`: the text of the digest of 17/03, the previous one sent on 10/03."""
    sends.record(db, digest(db, Rhythm(), directory, LAST_DIGEST))
    return lambda: digest(db, Rhythm(), directory, DIGEST_AT).text


def _section(text: str, heading: str) -> list[str]:
    """The lines of the section whose heading starts with `heading`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    found = []
    for line in lines[start + 1 :]:
        if not line.startswith("• "):
            break
        found.append(line[2:])
    return found


# ---------------------------------------------------------------- what moved since the last digest


def test_digest_dates_a_backdated_done_by_its_given_day(say, the_digest):
    say(LUC, "!maj 52 fait le 05/03")  # said on 14/03, after the digest of 10/03
    text = the_digest()
    # News for the CODIR (it had not heard of it on 10/03), dated by the pilot's day.
    assert _section(text, "Faites (1)") == [f"{LINE_52} — le 05/03"]
    # Done on 05/03: counted in the % at the last digest, not in the one a month ago.
    assert "; 0,8 % au dernier digest, 0 % il y a un mois ;" in text


def test_digest_backdated_done_keeps_the_rest_of_the_comment(say, the_digest):
    say(LUC, "!maj 52 fait le 05/03 scanner installé")
    assert _section(the_digest(), "Faites (1)") == [f"{LINE_52} — le 05/03, scanner installé"]


def test_digest_undone_done_not_listed(say, the_digest):
    say(LUC, "!maj 52 fait")
    say(LUC, "annuler")
    text = the_digest()
    assert "Faites" not in text and "• 52 " not in text
    assert "Aucun changement de statut cette semaine." in text
    assert "Avancement : 0 % des actions faites" in text


def test_digest_undone_health_and_deadline_not_listed(say, the_digest):
    say(LUC, "!sante 53 bloque marché infructueux")
    say(LUC, "annuler")
    say(ADMIN, "!echeance 23 2026-06")
    say(ADMIN, "annuler")
    text = the_digest()
    assert "Bloquées ou à risque" not in text and "marché infructueux" not in text
    assert "Échéances reportées" not in text


def test_digest_corrected_update_lists_the_corrected_action_only(say, the_digest):
    say(LUC, "!maj 52 fait")
    say(LUC, "pardon je voulais dire 53")
    say(LUC, "oui")
    assert [line.split()[0] for line in _section(the_digest(), "Faites (1)")] == ["53"]


def test_digest_action_moved_twice_listed_once_in_final_state(say, the_digest):
    say(SYLVIE, "!maj 23 en cours 40%")
    say(SYLVIE, "!maj 23 fait")
    say(SYLVIE, "!maj 25 fait")
    say(SYLVIE, "!maj 25 en cours 60% attente du devis")  # reopened: started, not done
    text = the_digest()
    assert [line.split()[0] for line in _section(text, "Faites (1)")] == ["23"]
    started = _section(text, "Démarrées (1)")
    assert [line.split()[0] for line in started] == ["25"]
    assert started[0].endswith("— 60 %, attente du devis")


def test_digest_deadline_moved_twice_listed_once_from_first_to_last(say, the_digest):
    say(ADMIN, "!echeance 52 2026-06")
    say(ADMIN, "!echeance 52 2026-09")
    assert _section(the_digest(), "Échéances reportées (1)") == [
        f"{LINE_52} — 2020 pour entrant - 2022 pour sortant → 2026-09"
    ]


def test_digest_risk_reason_is_the_standing_one(say, the_digest):
    say(LUC, "!sante 53 bloque marché infructueux")
    say(LUC, "annuler")
    say(LUC, "!sante 53 risque devis trop cher")
    text = the_digest()
    assert _section(text, "Bloquées ou à risque (1)") == [
        "53 Etablissement d'un nouvel organigramme… (LM/AL) — à risque : devis trop cher"
    ]
    assert "marché infructueux" not in text


def test_digest_started_action_shows_its_last_progress_and_word(say, the_digest):
    say(SYLVIE, "!maj 23 en cours")
    say(SYLVIE, "!maj 23 en cours 60% devis reçu")
    assert _section(the_digest(), "Démarrées (1)")[0].endswith("— 60 %, devis reçu")


def test_digest_moved_deadline_says_why_when_said(say, the_digest):
    say(ADMIN, "!echeance 23 juin 2026 marché relancé")
    moved = _section(the_digest(), "Échéances reportées (1)")
    assert moved[0].startswith("23 ") and moved[0].endswith(" — 2020 → juin 2026, marché relancé")


def test_digest_due_soon_least_advanced_first_with_its_state(db, say, the_digest):
    with transaction(db):
        db.execute("update actions set end_date = '2025-04-10' where number in (23, 24, 32)")
    say(SYLVIE, "!maj 23 en cours 80%")
    say(SYLVIE, "!maj 32 en cours 20%")
    due = _section(the_digest(), "À échéance dans les 30 jours (3)")
    assert [line.split()[0] for line in due] == ["24", "32", "23"]
    assert due[0].endswith("— 10/04/2025, à démarrer")
    assert due[2].endswith("— 10/04/2025, en cours 80 %")


def test_digest_pilot_who_answered_on_an_action_now_done_is_not_silent(db, say, the_digest):
    with transaction(db):
        db.execute("update plans set created_at = '2025-01-06T08:00:00+00:00'")
    for day in (3, 5, 7):  # three reminders since the plan came in, none answered
        sends.record(
            db,
            Outgoing(
                key=f"reminder:{LUC}:{day}",
                kind="reminder",
                recipient=LUC,
                label="LM",
                text="…",
                html="…",
                at=datetime(2025, 3, day, 9, 5, tzinfo=BRUSSELS),
            ),
        )

    def silent() -> list[str]:
        line = next(x for x in the_digest().splitlines() if x.startswith("Sans nouvelles"))
        return line.split(" : ")[1].split(", ")

    assert "LM" in silent()
    say(LUC, "!maj 52 fait")  # a word from LM, on an action it closes
    assert "LM" not in silent()


# ---------------------------------------------------------------- the trend


def test_digest_trend_from_effective_status(db, say, the_digest):
    month_ago = DIGEST_AT - timedelta(days=30)  # 15/02
    history.record_update(db, 1, LUC, new_status="fait", at=month_ago - timedelta(days=10))
    history.record_update(db, 2, LUC, new_status="fait", at=month_ago + timedelta(days=5))
    mistaken = history.last_undoable(db, LUC)
    history.record_undo(db, mistaken, LUC, at=month_ago + timedelta(days=5), comments={})
    say(ADMIN, "!maj 3 fait le 25/02")  # said this week, done between the month mark and 10/03
    say(ADMIN, "!maj 4 fait")
    text = the_digest()
    # Now 1, 3 and 4 (3 of 127); at the end of 10/03, 1 and 3; at the end of 15/02, 1 only;
    # the undone done of 2 nowhere.
    assert "Avancement : 2,4 % des actions faites (3 sur 127, aucune abandonnée)" in text
    assert "; 1,6 % au dernier digest, 0,8 % il y a un mois ;" in text
    assert [line.split()[0] for line in _section(text, "Faites (2)")] == ["3", "4"]


# ---------------------------------------------------------------- a large plan, every section full

PILOTS = [f"P{n:02}" for n in range(1, 81)]
LONG_REASON = "le marché a été déclaré infructueux, il faut relancer avec un nouveau cahier"


def _large_plan() -> ParsedPST:
    """250 actions in 10 OS and 50 OO, due end 2024, long titles, 80 pilots, two or three per
    action."""
    objectives = [StrategicObjectiveRow(number=os, title=f"OS {os}") for os in range(1, 11)]
    operational = [
        OperationalObjectiveRow(os_number=os, number=f"{os}.{k}", title=f"OO {os}.{k}")
        for os in range(1, 11)
        for k in range(1, 6)
    ]
    actions = []
    for number in range(1, 251):
        os, k = (number - 1) // 25 + 1, (number - 1) % 25 // 5 + 1
        actions.append(
            ActionRow(
                os_number=os,
                os_title=f"OS {os}",
                oo_number=f"{os}.{k}",
                oo_title=f"OO {os}.{k}",
                code=str(number),
                title=f"Mise en place d'un dispositif d'accompagnement renforcé numéro {number}",
                # Pilots P01-P40 on the first 200 actions, P41-P80 on the last 50.
                pilots=[
                    PILOTS[(number + i * 7) % 40 + (40 if number > 200 else 0)]
                    for i in range(2 + number % 2)
                ],
                deadline="2024",
                end_date=date(2024, 12, 31),
                line=number,
            )
        )
    return ParsedPST(objectives=objectives, operational=operational, actions=actions)


@pytest.fixture
def large_db():
    """The large plan, come into the bot on 01/12/2024 (its silent pilots have been so since)."""
    came = datetime(2024, 12, 1, 9, 0, tzinfo=UTC)
    previous = use_clock(Clock(source=lambda: came))
    try:
        database = open_db(":memory:")
        import_plan(database, _large_plan())
    finally:
        use_clock(previous)
    return database


def test_digest_large_plan_fits_a_phone_most_urgent_first(large_db, directory):
    db = large_db
    week = LAST_DIGEST + timedelta(days=2)  # every change said between the two digests
    with transaction(db):
        db.execute("update actions set end_date = '2025-03-12' where number between 101 and 130")
        db.execute("update actions set end_date = '2025-04-10' where number between 131 and 170")
        db.execute("update actions set end_date = '2026-12-31' where number > 170")
    quiet = {p for p in PILOTS if p > "P40"}  # half the pilots never write
    rows = _large_plan().actions
    talking = [int(row.code) for row in rows if not quiet & set(row.pilots)]
    groups = {
        "bloque": talking[0:60:3],
        "risque": talking[1:60:3],
        "fait": talking[60:90],
        "en cours": talking[90:120],
        "suspendu": talking[120:130],
    }
    for value in ("bloque", "risque"):
        for number in groups[value]:
            history.record_update(
                db, number, LUC, kind="health", value=value, comment=LONG_REASON, at=week
            )
    for status in ("fait", "en cours", "suspendu"):
        for number in groups[status]:
            history.record_update(db, number, LUC, new_status=status, comment=LONG_REASON, at=week)
    moved = talking[130:150]
    for number in moved:
        history.record_deadline(db, number, ADMIN, deadline="2027-06", at=week)
    sends.record(db, digest(db, Rhythm(), directory, LAST_DIGEST))
    found = digest(db, Rhythm(), directory, DIGEST_AT)
    text = found.text

    assert len(text) <= PHONE
    assert text.endswith("Tableau complet : !tableau — actions en retard : !retard")
    # Each section: its count, the most urgent few, how many more and the command for them.
    headings = [line for line in text.splitlines() if not line.startswith("• ")]
    late = db.execute(
        "select count(*) from actions where end_date < '2025-03-17' and status not in"
        " ('fait', 'abandonné')"
    ).fetchone()[0]
    newly = db.execute(
        "select count(*) from actions where end_date between '2025-03-10' and '2025-03-16'"
        " and status not in ('fait', 'abandonné')"
    ).fetchone()[0]
    soon = db.execute(
        "select count(*) from actions where end_date between '2025-03-17' and '2025-04-16'"
        " and status not in ('fait', 'abandonné')"
    ).fetchone()[0]
    worried = [
        n for n in groups["bloque"] + groups["risque"] if n not in groups["fait"]
    ]  # an action done is no worry
    expected = [
        f"Bloquées ou à risque ({len(worried)})",
        f"Échéances reportées ({len(moved)})",
        f"Nouvellement en retard ({newly}, sur {late} en retard)",
        f"Faites ({len(groups['fait'])})",
        f"Démarrées ({len(groups['en cours'])})",
        f"Suspendues ou abandonnées ({len(groups['suspendu'])})",
        f"À échéance dans les 30 jours ({soon})",
    ]
    assert headings[1 : 1 + len(expected)] == expected
    for heading, command in zip(
        expected,
        ("!risques", "!tableau", "!retard", "!tableau", "!tableau", "!tableau", "!tableau"),
        strict=True,
    ):
        shown = _section(text, heading)
        count = int(re.search(r"\((\d+)", heading).group(1))
        assert shown[-1] == f"… et {count - len(shown) + 1} autres : {command}", heading
    # The most urgent first: a blocked action before one at risk.
    assert "bloquée" in _section(text, "Bloquées ou à risque")[0]
    # Every action line whole: code, short title, its pilots, and never a line cut.
    pilots_of = {row.code: "/".join(row.pilots) for row in rows}
    for line in text.splitlines():
        listed = re.match(r"• (\d+) (.+?) \(([^)]*)\)", line)
        if listed:
            code, title, pilots = listed.groups()
            assert pilots == pilots_of[code] and title.startswith("Mise en place"), line
    silent = next(line for line in text.splitlines() if line.startswith("Sans nouvelles"))
    assert f"{len(quiet)} pilotes) : " in silent and silent.endswith(f"et {len(quiet) - 12} autres")


def test_digest_several_large_plans_cut_whole_lines_only(large_db, directory):
    db = large_db
    for code in ("pst2", "pst3", "pst4", "pst5", "pst6", "pst7"):
        import_plan(db, _large_plan(), code, title=f"Plan {code}")
    with transaction(db):
        db.execute("update actions set end_date = '2025-03-12'")
    text = digest(db, Rhythm(), directory, DIGEST_AT).text
    assert len(text) <= PHONE
    assert text.endswith("…\nTableau complet : !tableau — actions en retard : !retard")
    for line in text.splitlines():
        listed = re.match(r"• (\d+) ", line)
        if listed:
            assert re.search(r"\([^)]*\) — échéance du 12/03/2025$", line), line


def test_digest_backdated_done_of_last_year_says_the_year(say, the_digest):
    say(LUC, "!maj 52 fait le 20/12/2024")
    assert _section(the_digest(), "Faites (1)") == [f"{LINE_52} — le 20/12/2024"]
