"""One bot per database: a second `pst-bot run` on the same database stops at once, the other
commands run beside the bot, and a crashed bot leaves no lock behind. Real processes."""

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.lock import AlreadyRunning, LockIsALink, bot_lock, lock_path, running_bot

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "storage" / "data" / "pst-cpas-frameries-2019-2024.md"


def pst_bot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.fixture
def config(tmp_path) -> Path:
    """A bot whose homeserver never answers: it keeps retrying its login, lock held."""
    path = tmp_path / "config.toml"
    path.write_text(
        "[matrix]\n"
        'homeserver = "http://127.0.0.1:9"\n'
        'user_id = "@pst-bot:localhost"\n'
        'password = "unused"\n'
        'pickle_key = "unused"\n'
        f'store_path = "{tmp_path / "state"}"\n'
        "[storage]\n"
        f'database = "{tmp_path / "pst.db"}"\n'
        'backup_dir = ""\n',
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


def wait_for_lock(bot: subprocess.Popen, database: Path) -> int:
    """The pid written in the lock once `bot` holds it (a guard, not a timed assertion)."""
    deadline = time.monotonic() + 60
    while (pid := running_bot(database)) is None:
        assert bot.poll() is None, bot.communicate()[1]
        assert time.monotonic() < deadline, "the first bot never took the lock"
        time.sleep(0.05)
    return pid


def test_second_bot_on_the_same_database_exits_at_once_with_code_2(config, tmp_path):
    database = tmp_path / "pst.db"
    first = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,  # shown if it stops before taking the lock
        text=True,
    )
    try:
        assert wait_for_lock(first, database) == first.pid
        second = pst_bot("run", "--config", str(config))
        assert second.returncode == 2
        assert second.stderr.strip().startswith(
            f"Un autre bot tourne déjà sur la base {database} (processus {first.pid}) : "
            "un seul bot par base"
        )
        assert "Traceback" not in second.stderr
        assert first.poll() is None  # the first one runs on
    finally:
        first.kill()
        first.communicate()
    assert running_bot(database) is None  # killed: the kernel released the lock


def test_lock_is_released_when_its_block_ends(tmp_path):
    with bot_lock(tmp_path / "pst.db"):
        pass
    with bot_lock(tmp_path / "pst.db") as path:
        assert path == tmp_path / "pst.db.lock"


def test_run_is_refused_while_the_lock_is_held_and_the_database_is_left_unopened(config, tmp_path):
    with bot_lock(tmp_path / "pst.db"):
        result = pst_bot("run", "--config", str(config))
    assert result.returncode == 2
    assert f"(processus {os.getpid()})" in result.stderr
    assert not (tmp_path / "pst.db").exists()
    assert not (tmp_path / "state").exists()


def test_import_export_and_backup_run_beside_the_bot(tmp_path):
    database = tmp_path / "pst.db"
    with bot_lock(database):
        imported = pst_bot("import", str(EXAMPLE), "--db", str(database))
        exported = pst_bot("export", "--db", str(database), "-o", str(tmp_path / "pst.csv"))
        saved = pst_bot("backup", "--db", str(database), "-o", str(tmp_path / "copie.db"))
        assert running_bot(database) == os.getpid()
    assert [imported.returncode, exported.returncode, saved.returncode] == [0, 0, 0]
    assert "127 actions importés" in imported.stdout
    assert (tmp_path / "pst.csv").exists() and (tmp_path / "copie.db").exists()


def test_lock_is_exclusive_within_one_process_too(tmp_path):
    with (
        bot_lock(tmp_path / "pst.db"),
        pytest.raises(AlreadyRunning) as refused,
        bot_lock(tmp_path / "pst.db"),
    ):
        pass
    assert refused.value.pid == os.getpid()


def test_lock_file_is_owner_only_next_to_the_database(tmp_path):
    with bot_lock(tmp_path / "state" / "pst.db"):
        path = lock_path(tmp_path / "state" / "pst.db")
        assert path == tmp_path / "state" / "pst.db.lock"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700


def test_no_bot_is_running_when_no_lock_file_exists(tmp_path):
    assert running_bot(tmp_path / "pst.db") is None
    assert not lock_path(tmp_path / "pst.db").exists()


def test_a_symbolic_link_to_the_database_takes_the_same_lock(tmp_path):
    real = tmp_path / "data" / "pst.db"
    real.parent.mkdir()
    real.touch()
    link = tmp_path / "pst.db"
    link.symlink_to(real)
    with bot_lock(link) as path:
        assert path == real.parent / "pst.db.lock"
        with pytest.raises(AlreadyRunning), bot_lock(real):
            pass
        assert running_bot(real) == os.getpid()


def test_a_linked_folder_leads_to_the_same_lock(tmp_path):
    (tmp_path / "srv").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "srv", target_is_directory=True)
    with bot_lock(tmp_path / "srv" / "pst.db"):
        with pytest.raises(AlreadyRunning), bot_lock(tmp_path / "alias" / "pst.db"):
            pass
        assert running_bot(tmp_path / "alias" / "pst.db") == os.getpid()


def test_a_lock_file_planted_as_a_link_is_refused_not_truncated(tmp_path):
    victim = tmp_path / "config.toml"
    victim.write_text("[storage]\n", encoding="utf-8")
    (tmp_path / "pst.db.lock").symlink_to(victim)
    with pytest.raises(LockIsALink), bot_lock(tmp_path / "pst.db"):
        pass
    assert victim.read_text(encoding="utf-8") == "[storage]\n"


def test_run_refuses_a_planted_lock_link_in_french(config, tmp_path):
    (tmp_path / "pst.db.lock").symlink_to(tmp_path / "elsewhere")
    result = pst_bot("run", "--config", str(config))
    assert result.returncode == 2
    assert "est un lien symbolique : refusé" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "elsewhere").exists()
