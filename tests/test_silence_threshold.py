"""The silence threshold is the configuration's (`[rhythm] silent_after_weeks`) everywhere:
reminders, digest and the evaluation, its prose included."""

from datetime import UTC, date, datetime, timedelta

from commands.engine import Engine
from commands.schedule import Rhythm
from commands.types import Message
from reports import evaluation_report
from storage.actions import list_actions
from storage.plans import only_plan
from tests.conftest import ADMIN, REGISTRY

TODAY = date(2026, 6, 30)


def _only_52_open_updated_weeks_ago(db, weeks: int) -> None:
    moment = datetime(2026, 6, 30, 10, tzinfo=UTC) - timedelta(weeks=weeks)
    db.execute("update actions set status = 'fait', updated_at = ?", [moment.isoformat()])
    # 52 open, not late (its deadline ahead): in the annex only if silent.
    db.execute("update actions set status = 'en cours', end_date = '2027-12-31' where code = '52'")


def _silent_section(db, weeks: int) -> str:
    actions = list_actions(db, only_plan(db).id, with_history=True)
    text = evaluation_report(
        actions, "md", generated_on=TODAY, silent_after_weeks=weeks, annex=True
    )
    return _annex(text)


def _annex(text: bytes) -> str:
    """The annex (late and silent actions) from « N semaines » on."""
    return text.decode("utf-8").split("sans nouvelles : aucune mise à jour depuis ")[1]


def test_the_evaluation_lists_as_silent_what_the_configured_weeks_say(db):
    _only_52_open_updated_weeks_ago(db, 3)
    section = _silent_section(db, 2)
    assert section.startswith("2 semaines.")
    assert "| 52 | Numérisation du courrier" in section


def test_an_action_updated_within_the_configured_weeks_is_not_silent(db):
    _only_52_open_updated_weeks_ago(db, 3)
    section = _silent_section(db, 6)
    assert section.startswith("6 semaines.")
    assert "| 52 |" not in section


def test_the_evaluation_asked_in_chat_uses_the_rooms_rhythm(db, directory):
    _only_52_open_updated_weeks_ago(db, 4)
    rhythm = Rhythm(silent_after_weeks=3)
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    engine = Engine(db, directory, REGISTRY, clock=lambda: now, rhythm=rhythm)
    reply = engine.handle(Message(sender=ADMIN, text="!evaluation md annexe", room="!room"))
    (attachment,) = reply.attachments
    section = _annex(attachment.data)
    assert section.startswith("3 semaines.") and "| 52 |" in section
