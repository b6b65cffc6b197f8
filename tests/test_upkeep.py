"""The daily upkeep: handled events forgotten after N days, the nightly backup when due, and
never an exception for a full disk or an unwritable folder."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import StorageConfig
from bot.upkeep import daily_upkeep
from storage.backup import nightly_backups
from storage.bookkeeping import handled_reply, prune_handled, record_handled
from storage.db import open_db
from storage.importing import import_plan, load_example
from storage.transactions import transaction

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)  # 10:30 in Brussels


def handled(db, event_id: str, days_ago: float, delivered: bool) -> None:
    with transaction(db):
        record_handled(db, event_id, {"text": "ok"})
        db.execute(
            "update handled_events set at = ?, delivered = ? where event_id = ?",
            [(NOW - timedelta(days=days_ago)).isoformat(), int(delivered), event_id],
        )


@pytest.fixture
def events():
    db = open_db(":memory:")
    handled(db, "$old-delivered", days_ago=31, delivered=True)
    handled(db, "$old-undelivered", days_ago=31, delivered=False)
    handled(db, "$recent-delivered", days_ago=29, delivered=True)
    return db


def remembered(db) -> set[str]:
    return {
        event
        for event in ("$old-delivered", "$old-undelivered", "$recent-delivered")
        if handled_reply(db, event) is not None
    }


def test_prune_forgets_delivered_events_older_than_the_limit_only(events):
    assert prune_handled(events, 30, NOW) == 1
    assert remembered(events) == {"$old-undelivered", "$recent-delivered"}


def test_prune_never_forgets_a_reply_still_owed(events):
    prune_handled(events, 1, NOW + timedelta(days=365))
    assert remembered(events) == {"$old-undelivered"}


def test_prune_twice_forgets_nothing_more(events):
    prune_handled(events, 30, NOW)
    assert prune_handled(events, 30, NOW) == 0


# ---------------------------------------------------------------- daily_upkeep


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "pst.db")
    import_plan(database, load_example())
    handled(database, "$old-delivered", days_ago=40, delivered=True)
    yield database
    database.close()


def test_upkeep_makes_the_nightly_backup_and_prunes(db, tmp_path):
    storage = StorageConfig(backup_dir=tmp_path / "backups", handled_events_days=30)
    lines = daily_upkeep(db, storage, NOW)
    [made] = nightly_backups(tmp_path / "backups")
    assert made.name == "pst-2025-03-14.db"
    assert lines == [
        f"Sauvegarde nocturne : {made} ({made.stat().st_size} octets)",
        "1 message(s) traité(s) depuis plus de 30 jours oublié(s)",
    ]


def test_upkeep_says_nothing_when_nothing_is_due(db, tmp_path):
    storage = StorageConfig(backup_dir=tmp_path / "backups")
    daily_upkeep(db, storage, NOW)
    assert daily_upkeep(db, storage, NOW + timedelta(minutes=5)) == []


def test_upkeep_without_backup_folder_only_prunes(db, tmp_path):
    storage = StorageConfig(backup_dir="", database=tmp_path / "pst.db")
    assert daily_upkeep(db, storage, NOW) == [
        "1 message(s) traité(s) depuis plus de 30 jours oublié(s)"
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "pst.db",
        "pst.db-shm",
        "pst.db-wal",
    ]


def test_upkeep_reports_an_unusable_backup_folder_and_still_prunes(db, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    storage = StorageConfig(backup_dir=tmp_path / "a-file" / "backups")
    [failed, pruned] = daily_upkeep(db, storage, NOW)
    assert failed.startswith(f"Échec de la sauvegarde nocturne dans {tmp_path}/a-file/backups : ")
    assert "nouvel essai au prochain passage" in failed
    assert pruned.startswith("1 message(s)")


#: The bot's process with a full disk: past 16 KB every write fails (RLIMIT_FSIZE), as on a
#: full disk; the database is opened before the limit, the backup is written after it.
FULL_DISK = """
import json, resource, signal, sys
from datetime import datetime
from bot.config import StorageConfig
from bot.upkeep import daily_upkeep
from storage.db import open_db

db = open_db(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))
storage = StorageConfig(backup_dir=sys.argv[2])
print(json.dumps(daily_upkeep(db, storage, datetime.fromisoformat(sys.argv[3]))))
"""


def test_upkeep_survives_a_disk_too_full_for_the_backup(db, tmp_path):
    folder = tmp_path / "backups"
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path / "pst.db"), str(folder), NOW.isoformat()],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    [failed, *_] = json.loads(result.stdout)
    assert failed.startswith(f"Échec de la sauvegarde nocturne dans {folder} : ")
    assert list(folder.iterdir()) == []  # no half-written backup left behind
