"""The bot's daily upkeep: the nightly backup when it is due, and forgetting old handled events
the CODIR posts held for grouped posts long ago and the dropped plan files not confirmed.

    for line in daily_upkeep(db, settings.storage, now_utc()):
        log.info("%s", line)

Called every few minutes from the bot's loop, in a worker thread: most calls do nothing (the
day's backup exists, nothing is old enough to prune). No other thread may use `db` during the
call (the bot runs it through its DatabaseWorker, one call at a time): a sqlite3 connection
used by two threads at once would mix their transactions. It never raises for a full disk, an
unwritable folder or a busy database: it says so in a line starting with "Échec", and the next
call tries again.
"""

import sqlite3
from datetime import datetime, timedelta

import sqlite_utils

from bot import console_texts as texts
from bot.config import StorageConfig
from storage import pending_imports
from storage.backup import nightly
from storage.bookkeeping import prune_handled
from storage.held_posts import prune as prune_held


def daily_upkeep(db: sqlite_utils.Database, storage: StorageConfig, now: datetime) -> list[str]:
    """What was done, in French, one line each (nothing when nothing was due)."""
    lines = []
    if storage.backup_dir is not None:
        try:
            made = nightly(db, storage.backup_dir, now, storage.backup_hour, storage.backups_kept)
        except (OSError, sqlite3.Error) as error:
            reason = getattr(error, "strerror", None) or str(error)
            lines.append(
                texts.UPKEEP_BACKUP_FAILED.format(folder=storage.backup_dir, reason=reason)
            )
        else:
            if made is not None:
                lines.append(texts.UPKEEP_BACKUP_MADE.format(path=made, size=made.stat().st_size))
    try:
        pruned = prune_handled(db, storage.handled_events_days, now)
    except sqlite3.Error as error:
        lines.append(texts.UPKEEP_PRUNE_FAILED.format(reason=error))
    else:
        if pruned:
            lines.append(texts.UPKEEP_PRUNED.format(count=pruned, days=storage.handled_events_days))
    try:
        # Held posts are grouped within the day; a week later they are only weight.
        prune_held(db, now - timedelta(days=7))
        # A dropped plan file not confirmed within its 30 minutes is not kept.
        pending_imports.expire(db, now)
    except sqlite3.Error as error:
        lines.append(texts.UPKEEP_PRUNE_FAILED.format(reason=error))
    return lines
