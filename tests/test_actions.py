"""One Action value (storage/actions.py): what storage returns, what commands and reports read,
and the one rule of lateness."""

import dataclasses
from datetime import UTC, date, datetime

import pytest

from storage.actions import Action, action_by_code, get_action, list_actions
from storage.plans import only_plan
from storage.vocabulary import ABANDONED, DONE, IN_PROGRESS, NOT_STARTED, ON_HOLD


def _action(**fields) -> Action:
    base = dict(
        number=1, plan_id=1, code="29", title="Audit", os_number=1, os_title="OS", volet=None,
        oo_number="1.1", oo_title="OO", oo_position=1, position=1, pilots=("LM",),
        indicators="", deadline="30/06/2026", start=None, end=date(2026, 6, 30),
        status=IN_PROGRESS, progress=40, health=None, indicator_value=None, last_comment=None,
        updated_at=None,
    )
    return Action(**(base | fields))


def test_an_open_action_is_late_from_the_day_after_its_end():
    action = _action()
    assert not action.is_late(date(2026, 6, 30))
    assert action.is_late(date(2026, 7, 1))
    assert action.days_late(date(2026, 7, 31)) == 31


@pytest.mark.parametrize("status", [DONE, ABANDONED])
def test_a_done_or_abandoned_action_is_never_late(status):
    action = _action(status=status)
    assert not action.is_late(date(2030, 1, 1))
    assert action.days_late(date(2030, 1, 1)) == 0


@pytest.mark.parametrize("status", [NOT_STARTED, IN_PROGRESS, ON_HOLD])
def test_a_not_started_in_progress_or_suspended_action_can_be_late(status):
    assert _action(status=status).is_late(date(2026, 7, 1))


def test_an_action_without_an_end_date_is_never_late():
    action = _action(end=None, deadline="")
    assert action.days_late(date(2099, 1, 1)) == 0


def test_an_action_is_a_frozen_value():
    action = _action()
    with pytest.raises(dataclasses.FrozenInstanceError):
        action.status = DONE  # type: ignore[misc]


def test_the_printed_number_is_a_number_when_the_code_is_one():
    assert _action(code="29").printed_number == 29
    assert _action(code="1.1.1").printed_number == "1.1.1"


def test_storage_reads_the_same_action_by_key_and_by_code(db):
    plan_id = only_plan(db).id
    by_code = action_by_code(db, plan_id, "52")
    assert by_code == get_action(db, by_code.number)
    assert by_code.pilots == ("LM", "ACB") and by_code.pilots_text == "LM/ACB"
    assert isinstance(by_code.end, date)


def test_the_history_comes_only_when_asked(db, say):
    say("@dg:example.org", "!maj 52 en cours 40%")
    plan_id = only_plan(db).id
    (plain,) = [a for a in list_actions(db, plan_id) if a.code == "52"]
    (told,) = [a for a in list_actions(db, plan_id, with_history=True) if a.code == "52"]
    assert plain.history == ()
    assert [entry["new_progress"] for entry in told.history] == [40]
    assert isinstance(told.history[0]["at"], datetime)
    assert isinstance(told.updated_at, datetime)
    assert plain == told  # the history does not make another action


def test_an_open_action_without_news_for_the_weeks_given_is_silent():
    updated = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
    action = _action(updated_at=updated)
    assert not action.is_silent(date(2026, 6, 12))  # exactly six weeks later
    assert action.is_silent(date(2026, 6, 13))
    assert action.is_silent(date(2026, 5, 16), weeks=2)
    assert not _action(updated_at=updated, status=DONE).is_silent(date(2030, 1, 1))
    assert _action(updated_at=None).is_silent(date(2026, 1, 1))
