"""Importing a PST in chat: a file dropped by an admin is previewed, then applied once on
« !importer confirmer » within 30 minutes, or cancelled; the file is not kept; anything wrong is
said in French and changes nothing."""

from pathlib import Path

import pytest

from bot.teams.downloads import FileHosts
from bot.teams.trust import ServiceUrls
from commands.engine import Engine
from commands.types import Directory, IncomingFile, Message
from storage import pending_imports, plans
from storage.db import open_db
from storage.importing import import_plan, parse_file
from storage.importing.model import MAX_FILE_BYTES
from storage.transactions import transaction
from tests.conftest import ADMIN, REGISTRY, STRANGER, MovingClock, snapshot

ROOM = "!room"
CSV = (Path(__file__).parent / "fixtures" / "pst-minimal.csv").read_bytes()


@pytest.fixture
def clock():
    return MovingClock()


@pytest.fixture
def empty_engine(clock):
    return Engine(open_db(":memory:"), Directory(admins={ADMIN}), REGISTRY, clock=clock)


def drop(
    engine, name, data: bytes | None, *, sender=ADMIN, event_id="$drop", size=None, direct=False
):
    dropped = IncomingFile(name=name, size=len(data or b"") if size is None else size, data=data)
    message = Message(
        sender=sender, text="", room=ROOM, event_id=event_id, attachment=dropped, direct=direct
    )
    return engine.handle(message)


def say(engine, text: str, *, sender=ADMIN, event_id=None):
    return engine.handle(Message(sender=sender, text=text, room=ROOM, event_id=event_id))


def actions(engine) -> int:
    return engine.db.execute("select count(*) from actions").fetchone()[0]


def kept_files(engine) -> int:
    return engine.db.execute("select count(*) from pending_imports").fetchone()[0]


def test_a_dropped_file_is_previewed_as_the_cli_dry_run_says_and_nothing_is_imported(
    empty_engine,
):
    reply = drop(empty_engine, "pst.csv", CSV)
    expected = import_plan(
        open_db(":memory:"),
        parse_file(Path(__file__).parent / "fixtures" / "pst-minimal.csv"),
        dry_run=True,
    )
    assert not reply.refused
    assert expected.summary() in reply.text
    assert "4 nouvelles" in reply.text and "!importer confirmer" in reply.text
    assert actions(empty_engine) == 0
    assert kept_files(empty_engine) == 1


def test_confirming_applies_the_file_once_and_forgets_it(empty_engine):
    drop(empty_engine, "pst.csv", CSV)
    applied = say(empty_engine, "!importer confirmer", event_id="$confirm")
    assert not applied.refused and "appliqué" in applied.text
    assert actions(empty_engine) == 4
    assert kept_files(empty_engine) == 0
    again = say(empty_engine, "!importer confirmer", event_id="$confirm-2")
    assert again.refused and "Aucun fichier en attente" in again.text
    assert actions(empty_engine) == 4


def test_a_replayed_confirmation_is_not_applied_twice(empty_engine):
    drop(empty_engine, "pst.csv", CSV)
    first = say(empty_engine, "!importer confirmer", event_id="$confirm")
    before = snapshot(empty_engine.db, without=("people_seen", "handled_events"))
    replayed = say(empty_engine, "!importer confirmer", event_id="$confirm")
    assert replayed.text == first.text  # the stored reply, not delivered yet
    empty_engine.delivered("$confirm")
    assert say(empty_engine, "!importer confirmer", event_id="$confirm") is None
    assert snapshot(empty_engine.db, without=("people_seen", "handled_events")) == before


def test_a_replayed_drop_is_not_previewed_again(empty_engine):
    drop(empty_engine, "pst.csv", CSV)
    empty_engine.delivered("$drop")
    assert drop(empty_engine, "pst.csv", CSV) is None
    assert kept_files(empty_engine) == 1


def test_a_file_confirmed_after_30_minutes_has_expired_and_is_deleted(empty_engine, clock):
    drop(empty_engine, "pst.csv", CSV)
    clock.wait(pending_imports.KEPT_MINUTES + 1)
    reply = say(empty_engine, "!importer confirmer")
    assert reply.refused and "30 minutes" in reply.text
    assert actions(empty_engine) == 0
    assert kept_files(empty_engine) == 0


def test_cancelling_deletes_the_file_and_changes_nothing(empty_engine):
    drop(empty_engine, "pst.csv", CSV)
    reply = say(empty_engine, "!importer annuler")
    assert not reply.refused and "annulé" in reply.text
    assert kept_files(empty_engine) == 0 and actions(empty_engine) == 0
    assert "Aucun fichier" in say(empty_engine, "!importer annuler").text


def test_a_non_admins_file_is_ignored_with_a_short_notice(empty_engine):
    before = snapshot(empty_engine.db)
    reply = drop(empty_engine, "pst.csv", CSV, sender=STRANGER)
    assert reply.refused and "ignoré" in reply.text and "administrateurs" in reply.text
    assert snapshot(empty_engine.db) == before


def test_a_non_admin_cannot_confirm_an_admins_file(empty_engine):
    drop(empty_engine, "pst.csv", CSV)
    reply = say(empty_engine, "!importer confirmer", sender=STRANGER)
    assert reply.refused and actions(empty_engine) == 0 and kept_files(empty_engine) == 1


@pytest.mark.parametrize(
    "name, data, size, said",
    [
        ("pst.csv", b"nimporte,quoi\n1,2\n", None, "refusé"),
        ("pst.xlsx", b"not a zip at all", None, "refusé"),
        ("pst.csv", None, 1000, "n'a pas pu être téléchargé"),
        ("pst.csv", None, MAX_FILE_BYTES + 1, "la limite est de 20 Mo"),
    ],
    ids=["wrong-columns", "broken-xlsx", "not-downloaded", "too-big"],
)
def test_a_bad_file_is_refused_in_french_and_changes_nothing(empty_engine, name, data, size, said):
    before = snapshot(empty_engine.db)
    reply = drop(empty_engine, name, data, size=size)
    assert reply.refused and said in reply.text, reply.text
    assert "rien n'a été modifié" in reply.text
    assert snapshot(empty_engine.db) == before


def test_a_file_of_another_plan_is_refused_and_the_room_plan_is_untouched(db, clock):
    engine = Engine(db, Directory(admins={ADMIN}), REGISTRY, clock=clock)
    before = snapshot(db)
    reply = drop(engine, "autre.csv", CSV)
    assert reply.refused and "rien n'a été modifié" in reply.text
    assert snapshot(db) == before


def test_a_photo_shared_in_a_group_room_is_not_for_the_bot(empty_engine):
    assert drop(empty_engine, "photo.jpg", b"\xff\xd8") is None


def test_a_file_of_another_format_in_a_direct_chat_is_refused_naming_it(empty_engine):
    before = snapshot(empty_engine.db)
    reply = drop(empty_engine, "pst.docx", b"whatever", direct=True)
    assert reply.refused and ".docx" in reply.text and "rien n'a été modifié" in reply.text
    assert snapshot(empty_engine.db) == before


def test_confirming_with_nothing_dropped_says_so(empty_engine):
    reply = say(empty_engine, "!importer confirmer")
    assert reply.refused and "Aucun fichier en attente" in reply.text


def test_importer_without_a_file_says_to_drop_one(empty_engine):
    reply = say(empty_engine, "!importer")
    assert reply.refused and "Déposez" in reply.text


def test_the_upkeep_expiry_deletes_only_old_files(empty_engine, clock):
    drop(empty_engine, "pst.csv", CSV)
    assert pending_imports.expire(empty_engine.db, clock.now) == 0
    assert pending_imports.expire(empty_engine.db, clock.now.replace(hour=23)) == 1
    assert kept_files(empty_engine) == 0


def test_a_new_drop_replaces_the_file_waiting(empty_engine):
    drop(empty_engine, "first.csv", CSV)
    drop(empty_engine, "second.csv", CSV, event_id="$drop-2")
    assert kept_files(empty_engine) == 1
    assert "second.csv" in say(empty_engine, "!importer annuler").text


def test_the_file_goes_into_the_rooms_plan(clock):
    engine = Engine(open_db(":memory:"), Directory(admins={ADMIN}), REGISTRY, clock=clock)
    with transaction(engine.db):
        plans.create_plan(engine.db, "cpas")
        plans.create_plan(engine.db, "commune")
    refused = drop(engine, "pst.csv", CSV)
    assert refused.refused and "commune" in refused.text  # several plans, none chosen here
    say(engine, "!plan commune")
    assert "PST « commune »" in drop(engine, "pst.csv", CSV, event_id="$drop-2").text
    say(engine, "!importer confirmer")
    commune = plans.plan_by_code(engine.db, "commune").id
    in_commune = "select count(*) from actions where plan_id = ?"
    assert engine.db.execute(in_commune, [commune]).fetchone()[0] == 4


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("https://frameries-my.sharepoint.com/personal/dg/_layouts/15/download.aspx?x=1", True),
        ("https://frameries.sharepoint.us/sites/pst/download.aspx?x=1", True),
        ("http://frameries-my.sharepoint.com/download.aspx", False),
        ("https://frameries-my.sharepoint.com:8443/download.aspx", False),
        ("https://sharepoint.com.evil.example/download.aspx", False),
        ("https://evil.example@frameries-my.sharepoint.com/x", False),
        ("https://169.254.169.254/latest/meta-data/", False),
        ("http://127.0.0.1:8080/admin", False),
        ("https://standin.example:8443/download/1?tempauth=x", True),  # configured
    ],
)
def test_teams_files_are_fetched_only_from_trusted_hosts(url, allowed):
    hosts = FileHosts(ServiceUrls({("https", "standin.example", 8443)}))
    assert hosts.allows(url) is allowed


def test_the_daily_upkeep_deletes_a_file_left_unconfirmed(empty_engine, clock, tmp_path):
    from bot.config import StorageConfig
    from bot.upkeep import daily_upkeep

    storage = StorageConfig(database=tmp_path / "pst.db", backup_dir=None)
    drop(empty_engine, "pst.csv", CSV)
    daily_upkeep(empty_engine.db, storage, clock.now)
    assert kept_files(empty_engine) == 1
    daily_upkeep(empty_engine.db, storage, clock.now.replace(hour=23))
    assert kept_files(empty_engine) == 0
