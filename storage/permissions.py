"""Files only their owner reads: the database, its WAL files, its folder, the backups, the lock.

    >>> import tempfile
    >>> state = Path(tempfile.mkdtemp()) / "state"
    >>> create_private_folder(state)                    # 0700 if created, else left as it is
    >>> create_private_file(state / "pst.db")           # 0600; False if it was there already
    True
    >>> oct(os.stat(state / "pst.db").st_mode & 0o777)
    '0o600'
    >>> restrict_to_owner([state / "pst.db-wal"])       # 0600 for those there and ours

The modes are set exactly, whatever the umask: a pilot's updates and the directory are personal
data, and the umask of a service is not something to rely on.
"""

import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path


def create_private_folder(path: Path) -> None:
    """Create `path` (and its parents) if missing, the folder itself readable by its owner
    only (0700). An existing folder is left as it is."""
    try:
        path.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        return
    os.chmod(path, 0o700)  # exactly, whatever the umask


def create_private_file(path: Path) -> bool:
    """Create an empty file readable by its owner only (0600); False if it already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    os.fchmod(fd, 0o600)
    os.close(fd)
    return True


def restrict_to_owner(paths: Iterable[Path]) -> None:
    """Make each of `paths` readable by its owner only (0600), skipping those not there or
    not ours (another user's -shm): nothing to tighten then."""
    for path in paths:
        with suppress(FileNotFoundError, PermissionError):
            os.chmod(path, 0o600)
