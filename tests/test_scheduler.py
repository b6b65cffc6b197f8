"""The scheduler delivers what the rhythm makes due: recorded before it goes out, marked after,
never twice, to the right transport; and `pst-bot schedule` shows it. The rhythm itself
(what is due when) is tested in the core's tests: here `due` is a stand-in."""

import asyncio
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from nio import MatrixRoom

from bot.cli import main
from bot.config import Settings
from bot.matrix.direct import direct_room_in, reminder_content, tx_id
from bot.runtime import Runtime
from bot.scheduler import Scheduler, Unreachable
from bot.teams.reach import TeamsCourier
from commands.catalogue import build_registry
from commands.chat_ids import is_matrix_user, is_teams_user
from commands.engine import Engine
from commands.schedule import Outgoing
from commands.types import Directory
from storage import conversations, sends
from storage.db import open_db
from storage.importing import import_plan, load_example

NOW = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
LUC = "@luc:example.org"
ANNE = "aad:0f3c-anne"

DIGEST = Outgoing(
    "digest:2026-11-23", "digest", "codir", "salon CODIR", "Digest", "<p>Digest</p>", at=NOW
)
TO_LUC = Outgoing(
    "reminder:luc:2026-11-23", "reminder", LUC, "LM", "47 : échéance", "", (LUC,), at=NOW
)
TO_ANNE = Outgoing("reminder:anne:2026-11-23", "reminder", ANNE, "AB", "12 : en retard", "", at=NOW)


class FakeTransport:
    """Records what it delivers; can be down, still logging in, or unable to reach someone."""

    def __init__(self, name: str, prefix: str, db=None) -> None:
        self.name, self.prefix, self.db = name, prefix, db
        self.delivered: list[str] = []
        self.is_ready, self.down = True, False
        self.unreachable: set[str] = set()
        self.unsent_when_sending: list[set[str]] = []

    def ready(self) -> bool:
        return self.is_ready

    def reaches(self, recipient: str) -> bool:
        return recipient == "codir" or recipient.startswith(self.prefix)

    async def deliver(self, outgoing: Outgoing) -> None:
        if self.db is not None:
            self.unsent_when_sending.append({row["key"] for row in sends.unsent(self.db)})
        if self.down:
            raise ConnectionError("serveur injoignable")
        if outgoing.recipient in self.unreachable:
            raise Unreachable("jamais écrit au bot")
        self.delivered.append(outgoing.key)


@pytest.fixture
def db():
    database = open_db(":memory:")
    import_plan(database, load_example())
    return database


def scheduler_for(db, transports, messages, clock=lambda: NOW, stopping=None) -> Scheduler:
    engine = Engine(db, Directory(), build_registry())
    return Scheduler(
        Runtime(Settings(), db, engine, stopping=stopping or asyncio.Event()),
        transports,
        clock=clock,
        due=lambda db, rhythm, directory, now: list(messages),
    )


def sent_keys(db) -> set[str]:
    return {key for (key,) in db.execute("select key from sends where sent_at is not null")}


async def test_a_message_is_recorded_before_it_is_sent_and_marked_after(db):
    matrix = FakeTransport("matrix", "@", db)
    recorded = await scheduler_for(db, [matrix], [TO_LUC]).run_once(NOW)
    assert recorded == [TO_LUC]
    assert matrix.unsent_when_sending == [{TO_LUC.key}]  # recorded, not yet marked
    assert matrix.delivered == [TO_LUC.key]
    assert sent_keys(db) == {TO_LUC.key} and sends.unsent(db) == []


async def test_a_failed_send_is_sent_again_at_the_next_pass_and_only_once(db):
    matrix = FakeTransport("matrix", "@")
    scheduler = scheduler_for(db, [matrix], [TO_LUC])
    matrix.down = True
    await scheduler.run_once(NOW)
    assert [row["key"] for row in sends.unsent(db)] == [TO_LUC.key]
    matrix.down = False
    assert await scheduler.run_once(NOW) == []  # not recorded twice
    await scheduler.run_once(NOW)
    assert matrix.delivered == [TO_LUC.key]


async def test_a_restart_does_not_send_again_what_was_sent(db):
    first = FakeTransport("matrix", "@")
    await scheduler_for(db, [first], [DIGEST, TO_LUC]).run_once(NOW)
    again = FakeTransport("matrix", "@")
    assert await scheduler_for(db, [again], [DIGEST, TO_LUC]).run_once(NOW) == []
    assert first.delivered == [DIGEST.key, TO_LUC.key] and again.delivered == []


async def test_what_a_crash_left_recorded_but_unsent_goes_out_once_at_the_next_start(db):
    sends.record(db, TO_LUC)  # the bot died before sending it
    matrix = FakeTransport("matrix", "@")
    scheduler = scheduler_for(db, [matrix], [TO_LUC])
    await scheduler.run_once(NOW)
    await scheduler.run_once(NOW)
    assert matrix.delivered == [TO_LUC.key]


async def test_what_was_left_unsent_on_an_earlier_day_is_not_sent_any_more(db):
    sends.record(db, DIGEST)  # recorded Monday, bot down since
    sends.record(db, TO_LUC)
    matrix = FakeTransport("matrix", "@")
    tuesday = NOW + timedelta(days=1)
    await scheduler_for(db, [matrix], [], clock=lambda: tuesday).run_once(tuesday)
    assert matrix.delivered == [] and sends.unsent(db) == []


async def test_what_was_recorded_ahead_for_a_later_day_waits_for_that_day(db):
    sends.record(db, TO_LUC)  # `pst-bot schedule --now` for Monday, run on the Sunday
    matrix = FakeTransport("matrix", "@")
    sunday = NOW - timedelta(days=1)
    await scheduler_for(db, [matrix], [], clock=lambda: sunday).run_once(sunday)
    assert matrix.delivered == [] and len(sends.unsent(db)) == 1
    await scheduler_for(db, [matrix], []).run_once(NOW)
    assert matrix.delivered == [TO_LUC.key]


async def test_codir_goes_to_every_transport_and_a_person_only_to_theirs(db):
    matrix, teams = FakeTransport("matrix", "@"), FakeTransport("teams", "aad:")
    await scheduler_for(db, [matrix, teams], [DIGEST, TO_LUC, TO_ANNE]).run_once(NOW)
    assert matrix.delivered == [DIGEST.key, TO_LUC.key]
    assert teams.delivered == [DIGEST.key, TO_ANNE.key]


async def test_a_digest_one_transport_failed_is_not_posted_again_by_the_other(db):
    matrix, teams = FakeTransport("matrix", "@"), FakeTransport("teams", "aad:")
    scheduler = scheduler_for(db, [matrix, teams], [DIGEST])
    teams.down = True
    await scheduler.run_once(NOW)
    assert DIGEST.key not in sent_keys(db)
    teams.down = False
    await scheduler.run_once(NOW)
    assert matrix.delivered == [DIGEST.key] and teams.delivered == [DIGEST.key]
    assert sent_keys(db) == {DIGEST.key}


async def test_a_person_nobody_can_reach_is_given_up_not_retried(db):
    matrix, teams = FakeTransport("matrix", "@"), FakeTransport("teams", "aad:")
    teams.unreachable.add(ANNE)
    only_matrix = scheduler_for(db, [matrix], [TO_ANNE])
    await only_matrix.run_once(NOW)  # no transport for an Entra id
    assert sent_keys(db) == {TO_ANNE.key} and matrix.delivered == []
    other = Outgoing("reminder:anne:2026-11-24", "reminder", ANNE, "AB", "12", "", at=NOW)
    await scheduler_for(db, [matrix, teams], [other]).run_once(NOW)  # no Teams chat with her
    assert sent_keys(db) == {TO_ANNE.key, other.key} and teams.delivered == []


async def test_a_transport_still_logging_in_gets_its_messages_a_few_seconds_later(db):
    matrix = FakeTransport("matrix", "@")
    matrix.is_ready = False
    scheduler = scheduler_for(db, [matrix], [TO_LUC])
    await scheduler.run_once(NOW)
    assert scheduler.waiting and sends.unsent(db)
    matrix.is_ready = True
    await scheduler.run_once(NOW)
    assert not scheduler.waiting and matrix.delivered == [TO_LUC.key]


async def test_the_bot_passes_at_start_on_its_clock_and_stops_when_asked(db):
    stopping = asyncio.Event()
    seen: list[datetime] = []

    class Stopper(FakeTransport):
        async def deliver(self, outgoing: Outgoing) -> None:
            await super().deliver(outgoing)
            stopping.set()

    def clock() -> datetime:
        seen.append(NOW)
        return NOW

    matrix = Stopper("matrix", "@")
    scheduler = scheduler_for(db, [matrix], [TO_LUC], clock=clock, stopping=stopping)
    await asyncio.wait_for(scheduler.run(), 5)
    assert seen == [NOW] and matrix.delivered == [TO_LUC.key]


def test_a_matrix_reminder_notifies_the_pilot_in_text_not_notice():
    content = reminder_content(TO_LUC)
    assert content["msgtype"] == "m.text"
    assert content["m.mentions"] == {"user_ids": [LUC]}
    assert "47" in content["formatted_body"]
    assert tx_id(TO_LUC) == "rhythm-reminder:luc:2026-11-23"  # the same after a restart


def room_with_the_bot(room_id: str, *users: str) -> MatrixRoom:
    matrix_room = MatrixRoom(room_id, "@bot:example.org")
    for user in ("@bot:example.org", *users):
        matrix_room.add_member(user, None, None)
    return matrix_room


def test_the_direct_chat_is_the_room_with_that_person_alone():
    room = room_with_the_bot
    rooms = {
        "!group": room("!group", LUC, "@anne:example.org"),
        "!direct": room("!direct", LUC),
        "!other": room("!other", "@anne:example.org"),
    }
    assert direct_room_in(rooms, LUC) == "!direct"
    assert direct_room_in(rooms, "@zoe:example.org") is None


def test_a_configured_room_of_one_person_and_the_bot_is_not_their_direct_chat():
    """The DG alone with the bot in the CODIR room: their notice must not go there too."""
    codir = room_with_the_bot("!codir", LUC)

    assert direct_room_in({"!codir": codir}, LUC) == "!codir"
    assert direct_room_in({"!codir": codir}, LUC, frozenset({"!codir"})) is None


def test_each_chat_id_has_its_transport():
    assert is_matrix_user(LUC) and not is_matrix_user("luc@cpas.be") and not is_matrix_user(ANNE)
    assert is_teams_user(ANNE) and is_teams_user("luc@cpas.be") and not is_teams_user(LUC)


# ---------------------------------------------------------------- pst-bot schedule


@pytest.fixture
def database(tmp_path) -> str:
    path = str(tmp_path / "pst.db")
    seeded = open_db(path)
    import_plan(seeded, load_example())
    seeded.close()
    return path


def schedule(database: str, *extra: str) -> int:
    # Monday 23 November 2026, 10:00 in Brussels: the default digest ("lundi 09:00") is due.
    return main(["schedule", "--db", database, "--now", "2026-11-23 10:00", *extra])


def test_schedule_dry_run_prints_the_digest_and_records_nothing(database, capsys):
    assert schedule(database, "--dry-run") == 0
    out = capsys.readouterr().out
    assert out.startswith("→ salon CODIR :\n") and "Digest CODIR" in out
    assert open_db(database).execute("select count(*) from sends").fetchone()[0] == 0


def test_schedule_records_so_a_second_run_prints_nothing_new(database, capsys):
    assert schedule(database) == 0
    first = capsys.readouterr().out
    assert "→ salon CODIR :" in first and "notés comme envoyés" in first
    assert sends.unsent(open_db(database)) == []  # no transport configured: printed only
    assert schedule(database) == 0
    assert "→" not in capsys.readouterr().out


def test_schedule_refuses_an_unreadable_moment_in_french(database, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["schedule", "--db", database, "--now", "lundi matin"])
    assert exit_.value.code == 2
    assert "illisible (AAAA-MM-JJ HH:MM" in capsys.readouterr().err


class FakeTurns:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def post_codir(self, text: str) -> bool:
        self.sent.append(("codir", "", text))
        return True

    async def send_to(self, conversation_id: str, service_url: str, text: str) -> None:
        self.sent.append((conversation_id, service_url, text))


async def test_teams_reminds_in_the_stored_personal_chat_or_gives_up(db):
    turns = FakeTurns()
    runtime = Runtime(Settings(), db, Engine(db, Directory(), build_registry()))
    teams = TeamsCourier(SimpleNamespace(turns=turns, runtime=runtime))
    with pytest.raises(Unreachable):  # she never wrote to the bot
        await teams.deliver(TO_ANNE)
    conversations.remember(db, ANNE, "teams", "a:1xyz", "https://smba.example/emea/", NOW)
    await teams.deliver(TO_ANNE)
    await teams.deliver(DIGEST)
    assert turns.sent == [
        ("a:1xyz", "https://smba.example/emea/", TO_ANNE.text),
        ("codir", "", DIGEST.text),
    ]
    assert not TeamsCourier(SimpleNamespace(turns=None, runtime=runtime)).ready()
