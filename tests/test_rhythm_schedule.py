"""When the bot speaks on its own: the digest at its time, reminders grouped per person, quiet
times respected, nothing twice. The clock is a parameter: no test sleeps."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import RhythmConfig, digest_time, working_hours
from commands.schedule import Rhythm, due
from storage import absences, sends
from storage.transactions import transaction
from tests.conftest import ADMIN, LUC, SYLVIE

BRUSSELS = ZoneInfo("Europe/Brussels")
RHYTHM = Rhythm()


def at(text: str) -> datetime:
    """ "2026-11-23 09:00", Brussels time -> the aware moment."""
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def calm(db, now: datetime) -> None:
    """Every action far from its deadline and with fresh news: nothing needs a word."""
    with transaction(db):
        db.execute("update actions set end_date = '2030-12-31'")
        db.execute(
            "insert into updates (action_number, at, who, kind, old_status, new_status)"
            " select number, ?, 'import', 'note', status, status from actions",
            [(now - timedelta(days=1)).astimezone(UTC).isoformat()],
        )


def set_end(db, number: int, end: str) -> None:
    db.execute("update actions set end_date = ? where number = ?", [end, number])


def record_all(db, outgoing) -> None:
    for item in outgoing:
        assert sends.record(db, item)


def reminders(found):
    return {o.recipient: o for o in found if o.kind == "reminder"}


# ---------------------------------------------------------------- the digest


def test_digest_is_not_due_before_its_local_time(db, directory):
    assert [
        o for o in due(db, RHYTHM, directory, at("2026-11-23 08:59")) if o.kind == "digest"
    ] == []


def test_digest_goes_at_its_local_day_and_time_to_the_codir_room(db, directory):
    (digest,) = [
        o for o in due(db, RHYTHM, directory, at("2026-11-23 09:00")) if o.kind == "digest"
    ]
    assert (digest.key, digest.recipient, digest.label) == (
        "digest:2026-11-23",
        "codir",
        "salon CODIR",
    )
    assert digest.text.startswith("Digest CODIR du 23/11/2026")


def test_missed_digest_is_caught_up_once_later_the_same_day(db, directory):
    late = due(db, RHYTHM, directory, at("2026-11-23 15:10"))
    assert [o.key for o in late if o.kind == "digest"] == ["digest:2026-11-23"]
    record_all(db, late)
    assert due(db, RHYTHM, directory, at("2026-11-23 16:00")) == []


def test_missed_digest_is_not_sent_the_next_day(db, directory):
    assert [
        o for o in due(db, RHYTHM, directory, at("2026-11-24 09:30")) if o.kind == "digest"
    ] == []


def test_digest_goes_on_time_on_a_public_holiday_when_reminders_do_not(db, directory):
    whit_monday = due(db, RHYTHM, directory, at("2026-05-25 09:00"))
    assert [o.kind for o in whit_monday] == ["digest"]


def test_no_digest_when_turned_off(db, directory):
    silent = Rhythm(digest_day=None)
    assert [
        o for o in due(db, silent, directory, at("2026-11-23 09:00")) if o.kind == "digest"
    ] == []


def test_rhythm_is_built_from_the_configuration():
    config = RhythmConfig(
        digest="mardi 10:15",
        working_hours="09:00-16:00",
        reminders_before=[7, 30],
        conseil=["2027-06-23", "2027-03-24"],
    )
    rhythm = Rhythm.from_config(
        config, digest_time(config.digest), working_hours(config.working_hours)
    )
    assert (rhythm.digest_day, rhythm.digest_time) == (1, time(10, 15))
    assert (rhythm.work_start, rhythm.work_end) == (time(9, 0), time(16, 0))
    assert rhythm.reminders_before == (30, 7) and rhythm.holiday_country == "BE"
    assert rhythm.conseil == (date(2027, 3, 24), date(2027, 6, 23))


# ---------------------------------------------------------------- reminders, grouped


def test_reminders_group_all_of_a_persons_actions_in_one_message(db, directory):
    now = at("2026-11-24 10:00")
    calm(db, now)
    set_end(db, 52, "2026-12-24")  # LM, in 30 days
    set_end(db, 53, "2026-11-01")  # LM, missed
    db.execute("delete from updates where action_number = 54")  # LM, never any news
    db.execute("update plans set created_at = '2026-01-05T08:00:00+00:00'")  # since January
    found = reminders(due(db, RHYTHM, directory, now))
    assert set(found) == {LUC}
    luc = found[LUC]
    assert luc.key == f"reminder:{LUC}:2026-11-24" and luc.label == "LM"
    assert luc.mentions == (LUC,) and luc.actions == ("52", "53", "54")
    assert "3 actions" in luc.text
    assert "échéance dans 30 jours (24/12/2026) → !maj 52 fait" in luc.text
    assert "échéance dépassée (01/11/2026) → !maj 53 fait" in luc.text
    assert "sans nouvelles depuis 6 semaines → !maj 54 fait" in luc.text
    assert "« 52 fait » suffit" in luc.text
    assert "« !absent jusqu'au 08/12/2026 »" in luc.text  # two weeks ahead, never a day gone


def test_an_action_of_a_group_reaches_each_of_its_people(db, directory):
    now = at("2026-11-24 10:00")
    calm(db, now)
    (number,) = db.execute(
        "select action_number from action_pilots where pilot = 'chefs de service' limit 1"
    ).fetchone() or pytest.skip("no group action in the example")
    set_end(db, number, "2026-11-20")
    assert set(reminders(due(db, RHYTHM, directory, now))) == {LUC, SYLVIE}


def test_deadline_thresholds_are_reminded_once_each(db, directory):
    calm(db, at("2026-11-24 10:00"))
    set_end(db, 52, "2026-12-24")
    days = ["2026-11-24", "2026-11-25", "2026-12-16", "2026-12-17", "2026-12-18"]
    reminded = []
    for day in days:
        found = reminders(due(db, RHYTHM, directory, at(f"{day} 10:00")))
        record_all(db, found.values())
        reminded.append(day if LUC in found else None)
    # 30 days before, then 7 days before (17/12), never in between nor after.
    assert reminded == ["2026-11-24", None, None, "2026-12-17", None]


def test_a_deadline_within_the_last_threshold_is_reminded_once_not_for_each_threshold(
    db, directory
):
    calm(db, at("2026-11-24 10:00"))
    set_end(db, 52, "2026-11-27")
    first = reminders(due(db, RHYTHM, directory, at("2026-11-24 10:00")))[LUC]
    assert "échéance dans 3 jours" in first.text
    record_all(db, [first])
    assert LUC not in reminders(due(db, RHYTHM, directory, at("2026-11-25 10:00")))


def test_missed_deadline_is_reminded_at_most_every_overdue_days(db, directory):
    calm(db, at("2026-11-02 10:00"))
    set_end(db, 52, "2026-11-01")
    seen = []
    for day in ["2026-11-02", "2026-11-03", "2026-11-13", "2026-11-16", "2026-11-17"]:
        found = reminders(due(db, RHYTHM, directory, at(f"{day} 10:00")))
        record_all(db, found.values())
        seen.append(LUC in found)
    assert seen == [True, False, False, True, False]


def test_silent_action_is_reminded_once_per_silent_period(db, directory):
    now = at("2026-11-24 10:00")
    calm(db, now - timedelta(weeks=7))  # last news 7 weeks ago, no deadline near
    luc = reminders(due(db, RHYTHM, directory, now))[LUC]
    assert (
        "sans nouvelles depuis 6 semaines" in luc.text and "33 actions" in luc.text
    )  # LM and the group
    record_all(db, [luc])
    later = [now + timedelta(weeks=w) for w in (1, 5)]
    assert [LUC in reminders(due(db, RHYTHM, directory, t)) for t in later] == [False, False]
    assert LUC in reminders(due(db, RHYTHM, directory, now + timedelta(weeks=6)))


def test_news_on_an_action_stops_its_silence_reminder(db, directory):
    now = at("2026-11-24 10:00")
    calm(db, now - timedelta(weeks=7))
    db.execute(
        "insert into updates (action_number, at, who, kind) select action_number, ?, ?, 'note'"
        " from action_pilots where pilot in ('LM', 'chefs de service')",
        [(now - timedelta(days=2)).astimezone(UTC).isoformat(), LUC],
    )
    assert LUC not in reminders(due(db, RHYTHM, directory, now))


def test_a_long_reminder_lists_twelve_actions_and_counts_the_others(db, directory):
    luc = reminders(due(db, RHYTHM, directory, at("2026-11-24 10:00")))[LUC]
    assert luc.text.count("\n• ") == 12 and "… et 21 autres : !mes-actions" in luc.text
    assert len(luc.text) < 2000


# ---------------------------------------------------------------- quiet times


@pytest.fixture
def needy(db):
    """LM's action 52 is late: LM needs a reminder whenever reminders may go."""
    calm(db, at("2026-11-01 10:00"))
    set_end(db, 52, "2026-10-31")
    return db


@pytest.mark.parametrize(
    "moment",
    ["2026-11-28 10:00", "2026-11-29 10:00"],
    ids=["saturday", "sunday"],
)
def test_no_reminder_on_weekends(needy, directory, moment):
    assert reminders(due(needy, RHYTHM, directory, at(moment))) == {}


def test_weekends_may_be_working_days_when_configured(needy, directory):
    weekends_too = Rhythm(skip_weekends=False)
    assert LUC in reminders(due(needy, weekends_too, directory, at("2026-11-28 10:00")))


@pytest.mark.parametrize("day", ["2026-11-11", "2026-12-25", "2026-11-02"])
def test_no_reminder_on_belgian_public_holidays(needy, directory, day):
    found = reminders(due(needy, RHYTHM, directory, at(f"{day} 10:00")))
    # 11/11 (Armistice) and 25/12 are public holidays; 2/11 (All Souls) is not.
    assert (LUC in found) == (day == "2026-11-02")


def test_holidays_are_not_skipped_without_a_country(needy, directory):
    assert LUC in reminders(
        due(needy, Rhythm(holiday_country=""), directory, at("2026-11-11 10:00"))
    )


@pytest.mark.parametrize(
    ("moment", "sent"),
    [("08:29", False), ("08:30", True), ("16:59", True), ("17:00", False), ("22:00", False)],
)
def test_reminders_only_within_working_hours_local_time(needy, directory, moment, sent):
    assert (LUC in reminders(due(needy, RHYTHM, directory, at(f"2026-11-24 {moment}")))) == sent


def test_absent_person_gets_no_reminder_until_the_day_after_inclusive(needy, directory):
    absences.set_away(needy, LUC, datetime(2026, 11, 27).date(), at=at("2026-11-23 10:00"))
    assert LUC not in reminders(due(needy, RHYTHM, directory, at("2026-11-27 10:00")))
    assert LUC in reminders(due(needy, RHYTHM, directory, at("2026-11-30 10:00")))


def test_reminders_turned_off_are_respected_and_on_again(needy, directory):
    absences.set_reminders(needy, LUC, on=False, at=at("2026-11-23 10:00"))
    assert LUC not in reminders(due(needy, RHYTHM, directory, at("2026-11-24 10:00")))
    absences.set_reminders(needy, LUC, on=True, at=at("2026-11-24 11:00"))
    assert LUC in reminders(due(needy, RHYTHM, directory, at("2026-11-24 11:00")))


def test_pause_stops_every_reminder_but_not_the_digest(needy, directory):
    absences.set_paused(needy, True, who=ADMIN, at=at("2026-11-20 10:00"))
    assert [o.kind for o in due(needy, RHYTHM, directory, at("2026-11-23 10:00"))] == ["digest"]
    absences.set_paused(needy, False, who=ADMIN, at=at("2026-11-23 11:00"))
    assert LUC in reminders(due(needy, RHYTHM, directory, at("2026-11-23 11:00")))


# ---------------------------------------------------------------- never twice


def test_nothing_recorded_is_due_again_the_same_day(needy, directory):
    first = due(needy, RHYTHM, directory, at("2026-11-23 09:30"))
    assert {o.kind for o in first} == {"digest", "reminder"}
    record_all(needy, first)
    for later in ("2026-11-23 09:30", "2026-11-23 14:00", "2026-11-23 16:59"):
        assert due(needy, RHYTHM, directory, at(later)) == []


def test_recording_twice_is_refused_and_unsent_waits_until_marked(needy, directory):
    (digest,) = [
        o for o in due(needy, RHYTHM, directory, at("2026-11-23 09:30")) if o.kind == "digest"
    ]
    assert sends.record(needy, digest) and not sends.record(needy, digest)
    assert [row["key"] for row in sends.unsent(needy)] == ["digest:2026-11-23"]
    assert sends.last_sent(needy, "digest") is None
    sends.mark_sent(needy, digest.key, at=at("2026-11-23 09:31"))
    assert sends.unsent(needy) == []
    assert sends.last_sent(needy, "digest", "codir") == at("2026-11-23 09:31")


def test_unsent_row_gives_back_the_outgoing(needy, directory):
    luc = reminders(due(needy, RHYTHM, directory, at("2026-11-24 10:00")))[LUC]
    sends.record(needy, luc)
    (row,) = sends.unsent(needy)
    assert row["mentions"] == [LUC] and row["actions"] == ["52"]
    assert (row["text"], row["html"], row["label"]) == (luc.text, luc.html, "LM")


def test_a_plan_just_imported_makes_nobody_silent(db, directory):
    now = at("2026-11-24 10:00")
    db.execute("delete from updates")
    db.execute("update actions set end_date = '2030-12-31'")  # no deadline needs a word
    db.execute("update plans set created_at = ?", [(now - timedelta(days=2)).isoformat()])
    found = reminders(due(db, RHYTHM, directory, now))
    assert not any("sans nouvelles" in outgoing.text for outgoing in found.values())
    later = now + timedelta(weeks=6)
    assert any(
        "sans nouvelles" in o.text for o in reminders(due(db, RHYTHM, directory, later)).values()
    )
