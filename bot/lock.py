"""One bot per database: `pst-bot run` holds an exclusive lock on `<database>.lock`.

    with bot_lock(settings.storage.database):      # AlreadyRunning if another bot holds it
        asyncio.run(run_transports(settings))

Two bots on one database would both answer every command. The lock is `flock` on a file next
to the database (created 0600); the kernel releases it when the process ends, even killed, so
a crash never leaves a stale lock behind. The other commands (`import`, `export`, `backup`...)
do not take it: the DG imports a PST while the bot runs.

The lock is that of the database file itself, whatever path names it: `pst.db` through a
symbolic link, or through a linked folder, takes the same lock as its real path. The lock file
itself is never followed if it is a link (a link planted there would be truncated).
"""

import errno
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


class LockIsALink(OSError):
    """The lock file is a symbolic link: refused rather than followed."""

    def __init__(self, path: Path) -> None:
        super().__init__(errno.ELOOP, "lien symbolique refusé", str(path))
        self.path = path


def lock_path(database: str | Path) -> Path:
    """The lock next to the database's real file (links resolved).

    >>> lock_path("/srv/pst-bot/pst.db").name
    'pst.db.lock'
    """
    database = Path(database).resolve()
    return database.with_name(database.name + ".lock")


def _open_lock(path: Path, flags: int) -> int:
    try:
        return os.open(path, flags | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise LockIsALink(path) from None
        raise


@contextmanager
def bot_lock(database: str | Path) -> Iterator[Path]:
    """Hold the database's lock for the block; raise AlreadyRunning at once if it is taken."""
    path = lock_path(database)
    create_private_folder(path.parent)
    fd = _open_lock(path, os.O_RDWR | os.O_CREAT)
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
        fd = _open_lock(lock_path(database), os.O_RDWR)
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
