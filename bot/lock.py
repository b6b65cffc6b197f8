"""One bot per database: `pst-bot run` holds an exclusive lock on `<database>.lock`.

    with bot_lock(settings.storage.database):      # AlreadyRunning if another bot holds it
        asyncio.run(run_transports(settings))

Two bots on one database would both answer every command. The lock is `flock` on a file next
to the database (created 0600); the kernel releases it when the process ends, even killed, so
a crash never leaves a stale lock behind. The other commands (`import`, `export`, `backup`...)
do not take it: the DG imports a PST while the bot runs.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.permissions import create_private_folder


class AlreadyRunning(Exception):
    """Another process holds the lock of this database."""

    def __init__(self, database: Path, pid: int | None) -> None:
        super().__init__(f"{database} is locked by process {pid}")
        self.database, self.pid = database, pid


def lock_path(database: str | Path) -> Path:
    database = Path(database)
    return database.with_name(database.name + ".lock")


@contextmanager
def bot_lock(database: str | Path) -> Iterator[Path]:
    """Hold the database's lock for the block; raise AlreadyRunning at once if it is taken."""
    path = lock_path(database)
    create_private_folder(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(Path(database), _read_pid(fd)) from None
        # The holder's process id, for `pst-bot check` and for the message of a second bot.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock


def running_bot(database: str | Path) -> int | None:
    """The process id of the bot running on `database` (0 if unknown), or None if none runs.

    Probes the lock without creating its file and releases it at once."""
    try:
        fd = os.open(lock_path(database), os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return _read_pid(fd) or 0
    finally:
        os.close(fd)
    return None


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None
