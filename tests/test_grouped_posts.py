"""`[rhythm] codir_posts = "grouped"`: the CODIR room gets one post per quarter hour with
every change of that quarter, each once (issue 20, item 4)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ConfigError, load_config
from bot.upkeep import daily_upkeep
from commands.engine import Engine
from commands.schedule import GROUPED, Rhythm, due, grouped_posts
from commands.types import Message, Post
from storage import held_posts, sends
from tests.conftest import LUC, NOW, REGISTRY, SYLVIE, MovingClock

GROUPED_RHYTHM = Rhythm(codir_posts="grouped", digest_day=None)
# NOW is 09:30 UTC, 10:30 in Brussels: the quarter 09:30-09:45 UTC.
QUARTER_OVER = datetime(2025, 3, 14, 9, 45, 30, tzinfo=UTC)


@pytest.fixture
def clock():
    return MovingClock()


@pytest.fixture
def grouped(db, directory, clock):
    engine = Engine(db, directory, REGISTRY, clock=clock, rhythm=GROUPED_RHYTHM)

    def send(sender: str, text: str, event_id: str | None = None):
        return engine.handle(Message(sender=sender, text=text, room="!room", event_id=event_id))

    return send


def record(db, directory, now):
    """The grouped posts a scheduler pass at `now` records (as bot/scheduler.record_due does;
    the reminders due at the same time are left out)."""
    found = due(db, GROUPED_RHYTHM, directory, now)
    return [o for o in found if o.kind == GROUPED and sends.record(db, o)]


def test_grouped_changes_are_not_posted_one_by_one(grouped):
    reply = grouped(SYLVIE, "!maj 23 en cours 40%")
    assert not reply.refused
    assert reply.posts == []


def test_one_post_per_quarter_with_every_change_of_it_each_once(grouped, db, directory, clock):
    grouped(SYLVIE, "!maj 23 en cours 40%")
    clock.wait(5)
    grouped(LUC, "!maj 50 fait")
    clock.wait(4)
    grouped(SYLVIE, "!sante 24 bloque marché infructueux")
    assert record(db, directory, NOW + timedelta(minutes=14)) == []  # the quarter is not over
    posts = record(db, directory, QUARTER_OVER)
    assert len(posts) == 1
    post = posts[0]
    assert post.kind == GROUPED and post.recipient == "codir"
    lines = post.text.splitlines()
    assert lines[0] == "Changements de 10:30 à 10:45"
    assert [line[:6] for line in lines[1:]] == ["10:30 ", "10:35 ", "10:39 "]
    assert " 23 " in lines[1] and " 50 " in lines[2] and "marché infructueux" in lines[3]
    # Asked again, at the next pass or an hour later: nothing more.
    assert record(db, directory, QUARTER_OVER + timedelta(minutes=1)) == []
    assert record(db, directory, QUARTER_OVER + timedelta(hours=1)) == []


def test_each_quarter_has_its_own_post(grouped, db, directory, clock):
    grouped(SYLVIE, "!maj 23 en cours")
    clock.wait(20)  # 09:50: the next quarter
    grouped(SYLVIE, "!maj 24 en cours")
    first = record(db, directory, QUARTER_OVER)
    assert len(first) == 1 and " 23 " in first[0].text and " 24 " not in first[0].text
    second = record(db, directory, QUARTER_OVER + timedelta(minutes=15))
    assert len(second) == 1 and " 24 " in second[0].text and " 23 " not in second[0].text
    assert first[0].key != second[0].key


def test_an_undo_within_the_quarter_is_in_the_post_too(grouped, db, directory, clock):
    grouped(SYLVIE, "!maj 23 fait")
    clock.wait(1)
    grouped(SYLVIE, "!annuler")
    [post] = record(db, directory, QUARTER_OVER)
    assert len(post.text.splitlines()) == 3  # the head, the change, its undo


def test_a_quarter_without_change_posts_nothing(grouped, db, directory):
    grouped(SYLVIE, "!action 23")  # a read
    grouped(SYLVIE, "!maj 23 à démarrer")  # the status it already has: no change
    assert record(db, directory, QUARTER_OVER) == []


def test_a_replayed_message_is_held_once(grouped, db, directory):
    grouped(SYLVIE, "!maj 23 en cours", event_id="$one")
    grouped(SYLVIE, "!maj 23 en cours", event_id="$one")
    [post] = record(db, directory, QUARTER_OVER)
    assert len(post.text.splitlines()) == 2


def test_a_refused_command_holds_nothing(grouped, db, directory):
    assert grouped(SYLVIE, "!maj 9999 fait").refused
    assert db.execute("select count(*) from held_posts").fetchone()[0] == 0
    assert record(db, directory, QUARTER_OVER) == []


def test_held_posts_still_go_out_after_a_switch_back_to_each(grouped, db, directory):
    grouped(SYLVIE, "!maj 23 en cours")
    each = replace(GROUPED_RHYTHM, codir_posts="each")
    found = due(db, each, directory, QUARTER_OVER)
    assert [o.kind for o in found if o.kind == GROUPED] == [GROUPED]


def test_each_is_the_default_and_posts_at_once(say):
    assert len(say(SYLVIE, "!maj 23 en cours").posts) == 1


def test_a_crowded_quarter_goes_in_parts_without_losing_a_change(db):
    posts = [replace_post(f"change {n} " + "x" * 200) for n in range(200)]
    held_posts.hold(db, posts, NOW)
    parts = grouped_posts(db, GROUPED_RHYTHM, QUARTER_OVER)
    assert len(parts) > 1
    assert len({part.key for part in parts}) == len(parts)
    told = [line for part in parts for line in part.text.splitlines()[1:]]
    assert [line.split()[2] for line in told] == [str(n) for n in range(200)]
    assert all(len(part.text) <= 12_000 for part in parts)


def replace_post(text):
    return Post(room="codir", text=text, html="")


def test_upkeep_forgets_held_posts_after_a_week(grouped, db, tmp_path):
    grouped(SYLVIE, "!maj 23 en cours")
    storage = load_config(config_file(tmp_path)).storage
    daily_upkeep(db, storage, NOW + timedelta(days=6))
    assert db.execute("select count(*) from held_posts").fetchone()[0] == 1
    daily_upkeep(db, storage, NOW + timedelta(days=8))
    assert db.execute("select count(*) from held_posts").fetchone()[0] == 0


def config_file(tmp_path, codir_posts="grouped"):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\ndatabase = "{tmp_path / "pst.db"}"\nbackup_dir = ""\n'
        f'[rhythm]\ncodir_posts = "{codir_posts}"\n',
        encoding="utf-8",
    )
    return path


def test_the_configuration_says_grouped(tmp_path):
    assert load_config(config_file(tmp_path)).rhythm.codir_posts == "grouped"


def test_an_unknown_codir_posts_value_is_refused_by_name(tmp_path):
    with pytest.raises(ConfigError) as refused:
        load_config(config_file(tmp_path, "hourly"))
    assert "codir_posts" in str(refused.value)
