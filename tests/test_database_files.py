"""The database on disk: owner-only files, and a database newer than the code refused."""

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from storage import history
from storage.db import DatabaseTooNew, open_db
from storage.importing import import_plan, load_example
from storage.migrations import CURRENT_VERSION

ROOT = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """Run as if the system's umask let everyone read what is created."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_new_database_and_its_wal_files_are_readable_by_their_owner_only(tmp_path, open_umask):
    path = tmp_path / "state" / "pst.db"
    db = open_db(path)
    import_plan(db, load_example())
    history.record_update(db, 52, "@luc:example.org", new_status="fait")
    assert mode(path) == 0o600
    assert mode(path.with_name("pst.db-wal")) == 0o600
    assert mode(path.with_name("pst.db-shm")) == 0o600
    db.close()


def test_folder_created_for_the_database_is_owner_only(tmp_path, open_umask):
    open_db(tmp_path / "state" / "pst.db").close()
    assert mode(tmp_path / "state") == 0o700


def test_an_existing_folder_keeps_its_mode(tmp_path):
    os.chmod(tmp_path, 0o755)
    open_db(tmp_path / "pst.db").close()
    assert mode(tmp_path) == 0o755


def test_an_existing_database_is_opened_with_its_content(tmp_path):
    path = tmp_path / "pst.db"
    db = open_db(path)
    import_plan(db, load_example())
    db.close()
    assert open_db(path)["actions"].count == 127


def too_new_database(path: Path) -> Path:
    open_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    conn.close()
    return path


def test_database_newer_than_the_code_is_refused_untouched(tmp_path):
    path = too_new_database(tmp_path / "pst.db")
    with pytest.raises(DatabaseTooNew) as refused:
        open_db(path)
    assert (refused.value.found, refused.value.known) == (CURRENT_VERSION + 1, CURRENT_VERSION)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION + 1
    conn.close()


def test_command_line_refuses_a_newer_database_in_french_without_traceback(tmp_path):
    path = too_new_database(tmp_path / "pst.db")
    example = ROOT / "storage" / "data" / "pst-cpas-frameries-2019-2024.md"
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "import", str(example), "--db", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"La base {path} a été écrite par une version plus récente de pst-bot" in result.stderr
    assert f"schéma v{CURRENT_VERSION + 1}" in result.stderr
    assert f"jusqu'à la v{CURRENT_VERSION}" in result.stderr
    assert "Mettez pst-bot à jour" in result.stderr


def test_bot_refuses_to_run_on_a_newer_database(tmp_path):
    path = too_new_database(tmp_path / "pst.db")
    config = tmp_path / "config.toml"
    config.write_text(
        '[matrix]\nhomeserver = "http://127.0.0.1:9"\nuser_id = "@pst-bot:localhost"\n'
        f'password = "unused"\npickle_key = "unused"\nstore_path = "{tmp_path / "state"}"\n'
        f'[storage]\ndatabase = "{path}"\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"La base {path} a été écrite par une version plus récente")
    assert "Traceback" not in result.stderr
