"""The legal calendar: from `[organisation] installation`, the PST's nine months, its
publication, the mid-term and end-of-term evaluations; one notice 90 and one 30 days ahead of
each to the CODIR room and to each admin, saying what the plans miss, never twice."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, parse_config
from bot.scheduler import rhythm_of
from commands import legal_texts
from commands.catalogue import build_registry
from commands.engine import Engine
from commands.legal_calendar import milestones
from commands.schedule import Rhythm, due
from commands.types import Message
from storage import sends
from storage.actions import action_by_code
from storage.plans import only_plan
from storage.transactions import transaction
from tests.conftest import ADMIN

BRUSSELS = ZoneInfo("Europe/Brussels")
INSTALLED = date(2024, 12, 2)
RHYTHM = Rhythm(installation=INSTALLED)
MATRIX = {"homeserver": "https://matrix.example.org", "user_id": "@pst:example.org"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def legal(db, directory, now, rhythm=RHYTHM):
    return [o for o in due(db, rhythm, directory, now) if o.kind == "legal"]


def fresh(db, now: datetime) -> None:
    """Every action has news the day before `now`: none is silent."""
    with transaction(db):
        db.execute("update actions set updated_at = ?", [(now - timedelta(days=1)).isoformat()])


def test_the_milestones_follow_the_installation_day():
    days = {m.key: m.day for m in milestones(INSTALLED)}

    assert days == {
        "pst": date(2025, 9, 2),
        "publication": date(2025, 9, 2),
        "mi-legislature": date(2027, 12, 2),
        "fin-legislature": date(2030, 10, 2),
    }


#: The PST and its publication fall on the same day: one notice says both.
PST_AND_PUBLICATION = legal_texts.AND.join(
    [legal_texts.MILESTONE_PST, legal_texts.MILESTONE_PUBLICATION]
)


def test_ninety_days_ahead_the_codir_and_each_admin_get_one_notice(db, directory):
    now = at("2025-06-04 09:00")  # 90 days before 02/09/2025, a Wednesday

    found = legal(db, directory, now)

    assert sorted(o.recipient for o in found) == sorted({"codir", *directory.admins})
    heads = {o.text.splitlines()[0] for o in found}
    assert heads == {
        legal_texts.NOTICE_HEAD.format(what=PST_AND_PUBLICATION, day="02/09/2025", days=90)
    }
    assert {o.mentions for o in found if o.recipient == ADMIN} == {(ADMIN,)}


def test_milestones_given_one_by_one_before_are_not_given_again_as_one(db, directory):
    now = at("2025-06-04 09:00")
    [to_codir] = [o for o in legal(db, directory, now) if o.recipient == "codir"]
    for what in ("pst", "publication"):  # as an earlier version gave them
        assert sends.record(db, replace(to_codir, key=f"legal:{what}:2025-09-02:90:codir"))

    found = legal(db, directory, now)

    assert sorted(o.recipient for o in found) == sorted(directory.admins)


def test_a_notice_is_given_once_never_twice(db, directory):
    now = at("2025-06-04 09:00")
    for outgoing in legal(db, directory, now):
        assert sends.record(db, outgoing)

    assert legal(db, directory, now + timedelta(hours=1)) == []
    assert legal(db, directory, now + timedelta(days=1)) == []


def test_the_thirty_day_notice_waits_for_a_working_day(db, directory):
    sunday = at("2025-08-03 10:00")  # 30 days before 02/09/2025

    assert legal(db, directory, sunday) == []
    monday = legal(db, directory, at("2025-08-04 09:00"))
    assert {o.text.splitlines()[0] for o in monday} == {
        legal_texts.NOTICE_HEAD.format(what=PST_AND_PUBLICATION, day="02/09/2025", days=29)
    }
    assert {o.key.split(":")[3] for o in monday} == {"30"}


def test_a_window_missed_while_the_bot_was_down_is_not_given_late(db, directory):
    found = legal(db, directory, at("2025-08-20 09:00"))  # 13 days before

    assert {o.key.split(":")[3] for o in found} == {"30"}
    assert legal(db, directory, at("2025-09-03 09:00")) == []  # the day after: over


def test_no_notice_outside_working_hours_nor_without_installation(db, directory):
    assert legal(db, directory, at("2025-06-04 07:00")) == []
    assert legal(db, directory, at("2025-06-04 09:00"), Rhythm()) == []


def test_the_notice_names_what_the_plan_misses(db, directory):
    now = at("2027-09-03 09:00")  # 90 days before the mid-term evaluation
    fresh(db, now)
    the_plan = only_plan(db)
    without_pilot = action_by_code(db, the_plan.id, "12").number
    without_deadline = action_by_code(db, the_plan.id, "14").number
    silent = action_by_code(db, the_plan.id, "29").number
    with transaction(db):
        db.execute("delete from action_pilots where action_number = ?", [without_pilot])
        db.execute("update actions set deadline = '' where number = ?", [without_deadline])
        db.execute("update actions set updated_at = null where number = ?", [silent])

    [notice] = {o.text for o in legal(db, directory, now)}

    assert notice.splitlines() == [
        legal_texts.NOTICE_HEAD.format(
            what=legal_texts.MILESTONE_MIDTERM, day="02/12/2027", days=90
        ),
        "Sans pilote (1) : 12",
        "Sans échéance (1) : 14",
        "Sans nouvelles (1) : 29",
        legal_texts.NO_SYNERGY,
    ]


def test_a_marked_synergy_and_a_complete_plan_leave_nothing_missing(db, directory):
    now = at("2027-09-03 09:00")
    fresh(db, now)
    number = action_by_code(db, only_plan(db).id, "29").number
    with transaction(db):
        db["synergies"].insert({"action_number": number, "partner_plan": "commune"})
    with transaction(db):
        db.execute("update actions set deadline = 'continu' where deadline = ''")

    [notice] = {o.text for o in legal(db, directory, now)}

    assert notice.splitlines()[1:] == [legal_texts.NOTHING_MISSING]


def test_the_installation_day_is_read_from_the_organisation_section():
    settings = parse_config(
        {"matrix": {**MATRIX, "password": "x"}, "organisation": {"installation": "2024-12-02"}}
    )

    assert rhythm_of(settings).installation == INSTALLED


def test_a_malformed_installation_day_is_refused_naming_the_key():
    with pytest.raises(ConfigError, match="organisation.installation"):
        parse_config(
            {"matrix": {**MATRIX, "password": "x"}, "organisation": {"installation": "02/13/2024"}}
        )


def calendar(db, directory, rhythm):
    engine = Engine(
        db,
        directory,
        build_registry(),
        clock=lambda: datetime(2025, 6, 4, 8, tzinfo=UTC),
        rhythm=rhythm,
    )
    return engine.handle(Message(sender=ADMIN, text="!calendrier", room="!room")).text


def test_the_calendar_command_shows_the_milestones_and_what_is_missing(db, directory):
    lines = calendar(db, directory, RHYTHM).splitlines()

    assert lines[:5] == [
        legal_texts.CALENDAR_HEAD.format(day="02/12/2024"),
        f"• {legal_texts.MILESTONE_PST} : 02/09/2025 (dans 90 jours)",
        f"• {legal_texts.MILESTONE_PUBLICATION} : 02/09/2025 (dans 90 jours)",
        f"• {legal_texts.MILESTONE_MIDTERM} : 02/12/2027 (dans 911 jours)",
        f"• {legal_texts.MILESTONE_END} : 02/10/2030 (dans 1946 jours)",
    ]
    assert lines[5] == legal_texts.MISSING_HEAD
    assert legal_texts.NO_SYNERGY in lines


def test_the_calendar_command_says_how_to_give_the_installation_day(db, directory):
    assert calendar(db, directory, Rhythm()) == legal_texts.NO_INSTALLATION
