"""Backups: consistent with what sits in the WAL, standalone, owner-only, restorable; the nightly
one made once a day after its hour, with rotation."""

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import history
from storage.actions import get_action, list_actions
from storage.backup import backup, nightly, nightly_backups
from storage.db import companions, open_db, open_existing
from storage.importing import import_plan, load_example

ROOT = Path(__file__).resolve().parent.parent
LUC = "@luc:example.org"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def state(db, number: int = 52) -> tuple:
    """What a pilot would read about an action: the action and its history."""
    return get_action(db, number), history.entries(db, number)


@pytest.fixture
def running(tmp_path):
    """The bot's connection to pst.db, with its latest changes still in the WAL (no
    checkpoint), as while the bot runs."""
    db = open_db(tmp_path / "pst.db")
    import_plan(db, load_example())
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    history.record_update(db, 52, LUC, new_status="en cours", progress=40, comment="marché")
    history.record_update(db, 52, LUC, new_status="fait", comment="réceptionné")
    yield db
    db.close()


def test_backup_contains_the_changes_still_in_the_wal(running, tmp_path):
    database = tmp_path / "pst.db"
    naive = tmp_path / "cp.db"
    shutil.copyfile(database, naive)  # what `cp pst.db` gives while the bot runs
    assert get_action(open_existing(naive), 52).status == "à démarrer"

    reader = open_existing(database)  # another process's connection, as `pst-bot backup`
    target = backup(reader, tmp_path / "copie.db")
    reader.close()

    copy = open_db(target)
    assert copy["actions"].count == 127
    assert state(copy) == state(running)
    assert [entry["comment"] for entry in history.entries(copy, 52)] == ["marché", "réceptionné"]


def test_backup_is_one_owner_only_file_in_delete_mode(running, tmp_path):
    target = backup(running, tmp_path / "backups" / "copie.db")
    assert sorted(path.name for path in target.parent.iterdir()) == ["copie.db"]
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_backup_replaces_an_older_file_of_the_same_name(running, tmp_path):
    target = tmp_path / "copie.db"
    target.write_bytes(b"an old backup")
    backup(running, target)
    assert open_existing(target)["actions"].count == 127


def test_restored_database_answers_like_the_original_at_backup_time(running, tmp_path):
    database = tmp_path / "pst.db"
    saved = backup(running, tmp_path / "copie.db")
    at_backup = state(running)
    whole_plan = list_actions(running, 1, with_history=True)
    history.record_update(running, 52, LUC, new_status="suspendu", comment="après la sauvegarde")
    running.close()  # 1. stop the bot

    shutil.copyfile(saved, database)  # 2. copy the backup over the database
    for leftover in companions(database):
        leftover.unlink(missing_ok=True)
    restored = open_db(database)  # 3. start

    assert state(restored) == at_backup
    assert list_actions(restored, 1, with_history=True) == whole_plan
    history.record_update(restored, 52, LUC, new_status="fait")  # and it takes changes again
    assert get_action(restored, 52).status == "fait"


def test_backup_command_copies_the_running_bots_database(running, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "backup",
            "--db",
            str(tmp_path / "pst.db"),
            "-o",
            str(tmp_path / "copie.db"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    size = (tmp_path / "copie.db").stat().st_size
    assert result.stdout.strip() == (
        f"Sauvegarde écrite : {tmp_path / 'copie.db'} ({size} octets, 127 actions)"
    )
    assert state(open_db(tmp_path / "copie.db")) == state(running)


def test_backup_command_takes_the_database_from_the_config(running, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndatabase = "{tmp_path / "pst.db"}"\n')
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "backup", "--config", str(config), "-o", "copie.db"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert state(open_db(tmp_path / "copie.db")) == state(running)


def test_backup_command_says_when_the_database_does_not_exist(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "backup", "--db", "absente.db", "-o", "copie.db"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "Base introuvable : absente.db"
    assert not (tmp_path / "absente.db").exists()
    assert not (tmp_path / "copie.db").exists()


# ---------------------------------------------------------------- nightly


#: 14 March 2025: Brussels is UTC+1, so 01:00 UTC is 02:00 local.
def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


def test_nightly_backup_waits_for_the_local_hour(running, tmp_path):
    folder = tmp_path / "backups"
    assert nightly(running, folder, at(14, 0, 59), hour=2, kept=14) is None  # 01:59 local
    assert not folder.exists()
    made = nightly(running, folder, at(14, 1, 0), hour=2, kept=14)  # 02:00 local
    assert made == folder / "pst-2025-03-14.db"
    assert state(open_db(made)) == state(running)
    assert mode(made) == 0o600
    assert mode(folder) == 0o700


def test_nightly_backup_is_named_for_the_local_day(running, tmp_path):
    # 23:30 UTC on the 14th is 00:30 on the 15th in Brussels.
    made = nightly(running, tmp_path, at(14, 23, 30), hour=0, kept=14)
    assert made == tmp_path / "pst-2025-03-15.db"


def test_nightly_backup_is_made_once_a_day(running, tmp_path):
    assert nightly(running, tmp_path, at(14, 3), hour=2, kept=14) is not None
    history.record_update(running, 52, LUC, new_status="suspendu")
    assert nightly(running, tmp_path, at(14, 22), hour=2, kept=14) is None
    assert get_action(open_db(tmp_path / "pst-2025-03-14.db"), 52).status == "fait"
    assert nightly(running, tmp_path, at(15, 3), hour=2, kept=14) == tmp_path / "pst-2025-03-15.db"


def test_nightly_rotation_keeps_the_newest_backups(running, tmp_path):
    folder = tmp_path / "backups"
    for day in range(1, 8):
        nightly(running, folder, at(day, 3), hour=2, kept=3)
    assert [path.name for path in nightly_backups(folder)] == [
        "pst-2025-03-05.db",
        "pst-2025-03-06.db",
        "pst-2025-03-07.db",
    ]


def test_nightly_rotation_leaves_other_files_alone(running, tmp_path):
    (tmp_path / "pst-manuelle.db").write_bytes(b"kept by hand")
    start = at(1, 3)
    for offset in range(3):
        nightly(running, tmp_path, start + timedelta(days=offset), hour=2, kept=1)
    assert [path.name for path in nightly_backups(tmp_path)] == ["pst-2025-03-03.db"]
    assert (tmp_path / "pst-manuelle.db").read_bytes() == b"kept by hand"
