"""One clock: every "today" is the local day of the configured zone (storage/clock.py)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.config import load_config
from commands.engine import Engine
from commands.types import Message
from storage import clock
from tests.conftest import REGISTRY, SYLVIE

#: 00:30 in Brussels on 1 July 2026 (summer time, UTC+2), still 30 June in UTC.
HALF_PAST_MIDNIGHT = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
#: 23:30 in Brussels on 30 June 2026.
HALF_PAST_ELEVEN = datetime(2026, 6, 30, 21, 30, tzinfo=UTC)


def _action_52_due_30_june(db):
    db.execute("update actions set end_date = '2026-06-30', status = 'en cours' where code = '52'")


def _answer(db, directory, now, text):
    engine = Engine(db, directory, REGISTRY, clock=lambda: now)
    return engine.handle(Message(sender=SYLVIE, text=text, room="!room")).text


def test_an_action_due_30_june_is_late_at_half_past_midnight_on_1_july_in_brussels(db, directory):
    _action_52_due_30_june(db)
    assert "en retard" in _answer(db, directory, HALF_PAST_MIDNIGHT, "!action 52")


def test_the_same_action_is_not_late_at_half_past_eleven_on_30_june(db, directory):
    _action_52_due_30_june(db)
    assert "en retard" not in _answer(db, directory, HALF_PAST_ELEVEN, "!action 52")


def test_the_day_is_the_local_day_in_winter_too():
    # 23:30 UTC on 31 December is 00:30 on 1 January in Brussels (UTC+1).
    assert clock.today(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)


def test_the_configured_zone_gives_every_today():
    previous = clock.use_clock(clock.Clock(ZoneInfo("Europe/Brussels")))
    try:
        clock.use_zone("America/New_York")
        assert clock.today(HALF_PAST_MIDNIGHT) == date(2026, 6, 30)
        assert clock.local_time(HALF_PAST_MIDNIGHT) == datetime(2026, 6, 30, 18, 30)
    finally:
        clock.use_clock(previous)


def test_now_comes_from_the_clock_source_in_utc_to_the_second():
    moment = datetime(2026, 7, 1, 0, 30, 15, 999, tzinfo=ZoneInfo("Europe/Brussels"))
    fixed = clock.Clock(source=lambda: moment)
    assert fixed.now() == datetime(2026, 6, 30, 22, 30, 15, tzinfo=UTC)
    assert fixed.today() == date(2026, 7, 1)


def test_a_naive_moment_is_taken_as_already_local():
    naive = datetime(2026, 7, 1, 0, 30)
    assert clock.local_time(naive) == naive


def test_loading_the_configuration_sets_the_clock_zone(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[rhythm]\ntimezone = "Europe/Paris"\n', encoding="utf-8")
    previous = clock.use_clock(clock.Clock())
    try:
        load_config(path)
        assert clock.zone() == ZoneInfo("Europe/Paris")
    finally:
        clock.use_clock(previous)
