"""The effective history (storage/effective.py): the changes that still stand once undos and
corrections are out, each with the day it took effect, as every report of the past reads it."""

from datetime import UTC, date, datetime

from reports.evaluation import evaluation_report
from reports.narrative import narrative
from storage import history
from storage.actions import list_actions
from storage.effective import done_day, given_day, moved_between, standing, status_on
from storage.progress import done_percent_over_time
from tests.conftest import SYLVIE
from tests.report_rows import report_row


def at(month, day, hour=9):
    return datetime(2026, month, day, hour, 30, tzinfo=UTC)


def actions(db):
    plan_id = db.execute("select id from plans").fetchone()[0]
    return {a.number: a for a in list_actions(db, plan_id, with_history=True)}


def undo_last(db, who=SYLVIE, when=None):
    return history.record_undo(
        db, history.last_undoable(db, who), who, at=when or at(3, 20), comments={}
    )


def test_an_undone_change_and_its_undo_are_gone(db):
    history.record_update(db, 23, SYLVIE, new_status="en cours", at=at(3, 2))
    history.record_update(db, 23, SYLVIE, new_status="fait", at=at(3, 10))
    undo_last(db, when=at(3, 11))

    changes = standing(history.entries(db, 23))

    assert [(c.old_status, c.new_status) for c in changes] == [("à démarrer", "en cours")]


def test_a_reverted_pair_leaves_nothing_and_the_action_did_not_move(db):
    history.record_update(db, 85, SYLVIE, new_status="fait", at=at(3, 10))
    undo_last(db, when=at(3, 10, 10))

    action = actions(db)[85]

    assert standing(action.history) == []
    assert moved_between([action], date(2026, 3, 1), date(2026, 3, 31)) == []
    assert done_day(action) is None


def test_a_correction_keeps_only_the_corrected_update(db):
    history.record_update(db, 24, SYLVIE, new_status="fait", at=at(3, 10))
    undo_last(db, when=at(3, 10, 10))
    history.record_update(db, 24, SYLVIE, new_status="en cours", progress=40, at=at(3, 10, 10))

    changes = standing(history.entries(db, 24))

    assert [(c.new_status, c.new_progress) for c in changes] == [("en cours", 40)]


def test_a_done_counts_once_in_a_period_in_its_final_state(db):
    history.record_update(db, 47, SYLVIE, new_status="fait", at=at(3, 3))
    history.record_update(db, 47, SYLVIE, new_status="en cours", at=at(3, 5))
    history.record_update(db, 47, SYLVIE, new_status="fait", at=at(3, 9))
    history.record_update(db, 110, SYLVIE, new_status="en cours", at=at(3, 4))

    moves = moved_between(actions(db).values(), date(2026, 3, 1), date(2026, 3, 31))

    assert [(m.action.number, m.before, m.after) for m in moves] == [
        (47, "à démarrer", "fait"),
        (110, "à démarrer", "en cours"),
    ]
    assert [m.action.number for m in moves if m.after == "fait" and m.status_moved] == [47]


def test_fait_le_12_03_is_dated_12_03_and_the_message_time_is_kept(db):
    history.record_update(db, 23, SYLVIE, new_status="fait", comment="le 12/03", at=at(3, 20))

    (change,) = standing(history.entries(db, 23))
    action = actions(db)[23]

    assert change.day == date(2026, 3, 12)
    assert change.at == at(3, 20)
    assert done_day(action) == date(2026, 3, 12)
    assert status_on(action, date(2026, 3, 11)) == "à démarrer"
    assert status_on(action, date(2026, 3, 12)) == "fait"


def test_a_given_day_still_ahead_is_last_year_and_a_bad_one_is_ignored():
    assert given_day("le 28/12", date(2027, 1, 5)) == date(2026, 12, 28)
    assert given_day("fait le 3/1/2027 marché attribué", date(2027, 1, 5)) == date(2027, 1, 3)
    assert given_day("le 3/1/2028", date(2027, 1, 5)) is None  # explicit and in the future
    assert given_day("le 31/02", date(2027, 3, 5)) is None
    assert given_day("1/3", date(2027, 3, 5)) is None  # a fraction, not a day


def test_a_note_with_a_day_is_dated_by_its_message():
    entry = {"id": 1, "kind": "note", "comment": "le 12/03 réunion", "at": at(3, 20)}

    (change,) = standing([entry])

    assert change.day == date(2026, 3, 20)


def test_a_change_after_midnight_in_brussels_takes_the_local_day():
    entry = {"id": 1, "kind": "status", "old_status": "à démarrer", "new_status": "en cours"}
    entry["at"] = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)

    assert standing([entry])[0].day == date(2026, 7, 1)


def test_status_on_a_day_reads_only_standing_changes():
    raw = [
        {"id": 1, "kind": "status", "old_status": "à démarrer", "new_status": "fait"},
        {"id": 2, "kind": "undo", "old_status": "fait", "new_status": "à démarrer", "value": "1"},
    ]
    for entry in raw:
        entry["at"] = at(3, 10)
    row = report_row(1, "à démarrer", history=raw)

    assert status_on(row, date(2026, 3, 31)) == "à démarrer"
    assert done_day(row) is None


def test_the_chart_over_time_leaves_undone_dones_out_and_dates_a_done_on_its_day(db):
    history.record_update(db, 23, SYLVIE, new_status="fait", comment="le 27/02", at=at(3, 2))
    history.record_update(db, 24, SYLVIE, new_status="fait", at=at(3, 3))
    undo_last(db, when=at(3, 3, 10))
    rows = list(actions(db).values())
    counted = len([a for a in rows if a.status != "abandonné"])

    series = dict(done_percent_over_time(rows, date(2026, 3, 20), step="month"))

    assert series[date(2026, 2, 28)] == round(100 / counted, 1)  # 23, done on 27/02
    assert series[date(2026, 3, 20)] == round(100 / counted, 1)  # 24's done was undone


def test_the_evaluation_counts_each_done_once_and_tells_no_undone_change(db):
    march = dict(since=date(2026, 3, 1), generated_on=date(2026, 3, 31))
    history.record_update(db, 3, SYLVIE, new_status="fait", comment="le 12/03", at=at(3, 20))
    for status in ("fait", "en cours", "fait"):
        history.record_update(db, 47, SYLVIE, new_status=status, at=at(3, 4))
    history.record_update(db, 110, SYLVIE, new_status="fait", at=at(3, 5))
    history.record_update(db, 110, SYLVIE, new_status="fait", comment="merci", at=at(3, 6))
    history.record_update(db, 94, SYLVIE, new_status="fait", at=at(3, 7))
    undo_last(db, when=at(3, 7, 10))
    history.record_update(db, 85, SYLVIE, new_status="fait", at=at(3, 8))
    history.record_update(db, 85, SYLVIE, new_status="à démarrer", at=at(3, 9))
    rows = actions(db)
    codes = ", ".join(rows[n].code for n in (3, 47, 110))

    text = evaluation_report(list(rows.values()), "md", **march).decode()

    assert "4 actions ont reçu au moins une mise à jour" in text  # 3, 47, 85, 110
    assert "0 ont démarré, 3 ont été réalisées" in text
    assert f"Réalisées sur la période : actions {codes}." in text
    assert "Annulation" not in text and "Le 12/03." not in text


def test_a_backdated_done_tells_its_own_month():
    raw = [
        {"id": 1, "kind": "status", "old_status": "en cours", "new_status": "fait"},
    ]
    raw[0] |= {"comment": "le 28/02 rapport remis", "at": at(3, 2)}

    assert narrative(raw) == "Réalisée en février 2026. Rapport remis."
