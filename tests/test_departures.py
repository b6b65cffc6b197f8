"""People who leave (issue 24 item 4): the DG gets one message listing the person's open
actions and the `!pilote` lines to reassign them; their reminders stop until they are back.
A reminder the transport cannot deliver any more counts as leaving."""

import asyncio
from datetime import UTC, datetime

from bot.config import Settings
from bot.runtime import Runtime
from bot.scheduler import Scheduler
from commands import departure_texts as texts
from commands.catalogue import build_registry
from commands.departures import LEFT, record_departure, record_return
from commands.engine import Engine
from commands.schedule import Outgoing, Rhythm, due
from commands.types import Directory
from storage import absences, sends
from storage.actions import list_actions
from storage.plans import only_plan
from tests.test_scheduler import FakeTransport

NOW = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
DG, LUC = "@dg:example.org", "@luc:example.org"
DIRECTORY = Directory(admins={DG}, links={"LM": {LUC}})


def to_the_dg(db):
    return [row for row in db.query("select * from sends where kind = 'departure'")]


def open_lm_actions(db):
    return [
        a.code
        for a in list_actions(db, only_plan(db).id)
        if "LM" in a.pilots and a.status not in ("fait", "abandonné")
    ]


def test_the_dg_is_told_once_with_the_actions_and_how_to_reassign_them(db):
    assert record_departure(db, DIRECTORY, LUC, LEFT, NOW)
    assert not record_departure(db, DIRECTORY, LUC, LEFT, NOW)

    [message] = to_the_dg(db)
    lines = message["text"].splitlines()
    assert message["recipient"] == DG
    assert lines[0] == texts.HEAD.format(name="LM", why=texts.WHY[LEFT])
    listed = [line.split()[1] for line in lines if line.startswith("• ")]
    assert listed == open_lm_actions(db)[: len(listed)] and len(listed) >= 1
    assert lines[-2:] == [texts.HOW_HEAD, texts.HOW.format(pilot="LM")]


def test_their_reminders_stop_until_they_are_back(db):
    with db.conn:
        db.execute("update actions set end_date = '2026-11-30'")  # a week away: reminded
    reminded = {o.recipient for o in due(db, Rhythm(), DIRECTORY, NOW) if o.kind == "reminder"}
    assert LUC in reminded

    record_departure(db, DIRECTORY, LUC, LEFT, NOW)
    quiet = {o.recipient for o in due(db, Rhythm(), DIRECTORY, NOW) if o.kind == "reminder"}
    assert LUC not in quiet and absences.departed(db, LUC)

    assert record_return(db, LUC)
    back = {o.recipient for o in due(db, Rhythm(), DIRECTORY, NOW) if o.kind == "reminder"}
    assert LUC in back


def test_someone_who_pilots_nothing_is_not_reported(db):
    assert not record_departure(db, DIRECTORY, "@visitor:example.org", LEFT, NOW)
    assert to_the_dg(db) == []


async def test_a_reminder_that_cannot_reach_its_pilot_tells_the_dg(db):
    reminder = Outgoing(
        "reminder:luc:2026-11-23", "reminder", LUC, "LM", "47 : échéance", "", (LUC,), at=NOW
    )
    matrix = FakeTransport("matrix", "@")
    matrix.unreachable.add(LUC)
    engine = Engine(db, DIRECTORY, build_registry())
    scheduler = Scheduler(
        Runtime(Settings(), db, engine, stopping=asyncio.Event()),
        [matrix],
        clock=lambda: NOW,
        due=lambda db, rhythm, directory, now: [reminder],
    )

    await scheduler.run_once(NOW)

    [message] = to_the_dg(db)
    assert texts.WHY["unreachable"] in message["text"]
    assert sends.recorded(db, [reminder.key])
