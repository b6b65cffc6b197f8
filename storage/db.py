"""The SQLite database: opening it, its schema and migrations, and transactions.

    >>> db = open_db(":memory:")
    >>> schema_version(db)
    3

Writes go through `transaction(db)` with plain SQL: sqlite-utils' table helpers commit on their
own, which would break the one-command-one-transaction rule, so they are used for reads and for
creating the schema only.
"""

import errno
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import sqlite_utils

from storage.vocabulary import now_utc


def _migration_1(db: sqlite_utils.Database) -> None:
    """The plan, its pilots, the append-only history and the transport bookkeeping."""
    db["strategic_objectives"].create(
        {"number": int, "title": str, "volet": str}, pk="number", not_null={"title"}
    )
    db["operational_objectives"].create(
        {"number": str, "os_number": int, "title": str, "position": int},
        pk="number",
        foreign_keys=[("os_number", "strategic_objectives", "number")],
        not_null={"title", "os_number"},
    )
    db["actions"].create(
        {
            "number": int,
            "oo_number": str,
            "title": str,
            "indicators": str,
            "deadline": str,
            "start_date": str,
            "end_date": str,
            "status": str,
            "progress": int,
            "health": str,
            "indicator_value": str,
            "last_comment": str,
            "updated_at": str,
        },
        pk="number",
        foreign_keys=[("oo_number", "operational_objectives", "number")],
        not_null={"title", "status"},
        defaults={"status": "à démarrer", "indicators": "", "deadline": ""},
    )
    db["action_pilots"].create(
        {"action_number": int, "pilot": str, "position": int},
        pk=("action_number", "pilot"),
        foreign_keys=[("action_number", "actions", "number")],
    )
    db["action_pilots"].create_index(["pilot"])
    # Append-only: one row per change, never updated nor deleted.
    db["updates"].create(
        {
            "id": int,
            "action_number": int,
            "at": str,
            "who": str,
            "kind": str,
            "old_status": str,
            "new_status": str,
            "old_progress": int,
            "new_progress": int,
            "comment": str,
            "value": str,
            "source_id": str,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"action_number", "at", "who", "kind"},
    )
    db["updates"].create_index(["action_number", "id"])
    db["updates"].create_index(["who", "id"])
    # Directory changes made in chat, audited like the history.
    db["pilot_links"].create(
        {"pilot": str, "chat_id": str}, pk=("pilot", "chat_id"), not_null={"pilot", "chat_id"}
    )
    db["directory_audit"].create(
        {"id": int, "at": str, "who": str, "change": str, "pilot": str, "chat_id": str}, pk="id"
    )
    # Exactly-once delivery: an event id is stored in the same transaction as its effect.
    db["handled_events"].create(
        {"event_id": str, "at": str, "reply": str, "delivered": int},
        pk="event_id",
        defaults={"delivered": 0},
    )
    db["kv"].create({"key": str, "value": str}, pk="key")


def _migration_2(db: sqlite_utils.Database) -> None:
    """Accent-insensitive full-text search over titles and indicators."""
    db["actions"].enable_fts(
        ["title", "indicators"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )


def _migration_3(db: sqlite_utils.Database) -> None:
    """Directory and roles changed in chat; the value a deadline change replaced."""
    # linked = 0 records that an admin removed a link the configuration makes.
    db.execute("alter table pilot_links add column linked integer not null default 1")
    db["roles"].create(
        {"chat_id": str, "role": str, "at": str, "who": str}, pk="chat_id", not_null={"role"}
    )
    db.execute("alter table directory_audit add column role text")
    db.execute("alter table updates add column old_value text")


def _migration_4(db: sqlite_utils.Database) -> None:
    """The people the bot has seen write to it (a new admin must be one of them)."""
    db["people_seen"].create({"chat_id": str, "first_at": str}, pk="chat_id")


def _migration_5(db: sqlite_utils.Database) -> None:
    """Several plans in one database. Objectives and actions belong to a plan; an action keeps
    its number as the database's key (history and pilots refer to it) and gains its code as
    printed ("29", "1.1.1"), unique within its plan. Rooms may be mapped to a plan in chat.

    SQLite cannot change a primary key in place: the plan tables are rebuilt and copied. The
    plan already there (if any) becomes plan "pst".
    """
    db.execute("PRAGMA defer_foreign_keys = ON")
    db.execute(
        "create table plans (id integer primary key, code text not null unique,"
        " title text not null, organisation text not null default '',"
        " period text not null default '', state text not null default 'active')"
    )
    db.execute(
        "create table room_plans (room text primary key,"
        " plan_id integer not null references plans(id), at text, who text)"
    )
    if db.execute("select count(*) from strategic_objectives").fetchone()[0]:
        db.execute("insert into plans (id, code, title) values (1, 'pst', 'PST')")
    db["actions"].disable_fts()
    old = ("updates", "action_pilots", "actions", "operational_objectives", "strategic_objectives")
    for table in old:
        db.execute(f"alter table {table} rename to old_{table}")
    db.execute(
        "create table strategic_objectives (id integer primary key,"
        " plan_id integer not null references plans(id), number integer not null,"
        " title text not null, volet text, unique (plan_id, number))"
    )
    db.execute(
        "create table operational_objectives (id integer primary key,"
        " plan_id integer not null references plans(id),"
        " os_id integer not null references strategic_objectives(id), number text not null,"
        " title text not null, position integer, unique (plan_id, number))"
    )
    db.execute(
        "create table actions (number integer primary key,"
        " plan_id integer not null references plans(id), code text not null,"
        " oo_id integer not null references operational_objectives(id), position integer,"
        " title text not null, indicators text default '', deadline text default '',"
        " start_date text, end_date text, status text not null default 'à démarrer',"
        " progress integer, health text, indicator_value text, last_comment text,"
        " updated_at text, unique (plan_id, code))"
    )
    db.execute(
        "create table action_pilots (action_number integer references actions(number),"
        " pilot text, position integer, primary key (action_number, pilot))"
    )
    db.execute(
        "create table updates (id integer primary key,"
        " action_number integer not null references actions(number), at text not null,"
        " who text not null, kind text not null, old_status text, new_status text,"
        " old_progress integer, new_progress integer, comment text, value text,"
        " source_id text, old_value text)"
    )
    db.execute(
        "insert into strategic_objectives (id, plan_id, number, title, volet)"
        " select number, 1, number, title, volet from old_strategic_objectives"
    )
    db.execute(
        "insert into operational_objectives (plan_id, os_id, number, title, position)"
        " select 1, os_number, number, title, position from old_operational_objectives"
    )
    db.execute(
        "insert into actions (number, plan_id, code, oo_id, position, title, indicators,"
        " deadline, start_date, end_date, status, progress, health, indicator_value,"
        " last_comment, updated_at)"
        " select a.number, 1, cast(a.number as text), o.id, a.number, a.title, a.indicators,"
        " a.deadline, a.start_date, a.end_date, a.status, a.progress, a.health,"
        " a.indicator_value, a.last_comment, a.updated_at"
        " from old_actions a join operational_objectives o on o.number = a.oo_number"
    )
    db.execute(
        "insert into action_pilots (action_number, pilot, position)"
        " select action_number, pilot, position from old_action_pilots"
    )
    columns = (
        "id, action_number, at, who, kind, old_status, new_status, old_progress,"
        " new_progress, comment, value, source_id, old_value"
    )
    db.execute(f"insert into updates ({columns}) select {columns} from old_updates")
    for table in old:
        db.execute(f"drop table old_{table}")
    db["action_pilots"].create_index(["pilot"])
    db["updates"].create_index(["action_number", "id"])
    db["updates"].create_index(["who", "id"])
    db["actions"].create_index(["oo_id"])
    _migration_2(db)


def _migration_6(db: sqlite_utils.Database) -> None:
    """Several transports: where to reach a person proactively (a Teams chat), and the posts
    one transport's commands owe the others' CODIR rooms."""
    db["conversations"].create(
        {"person": str, "transport": str, "conversation_id": str, "service_url": str, "at": str},
        pk=("person", "transport"),
        not_null={"conversation_id"},
    )
    db["outbox"].create(
        {"id": int, "transport": str, "room": str, "text": str, "html": str, "at": str},
        pk="id",
        not_null={"transport", "room", "text"},
    )
    db["outbox"].create_index(["transport", "id"])


def _migration_7(db: sqlite_utils.Database) -> None:
    """The plan's rhythm: every scheduled send (recorded before it goes out, marked after), which
    action each reminder was about and why, and the people's quiet settings."""
    db["sends"].create(
        {
            "key": str,
            "kind": str,
            "recipient": str,
            "label": str,
            "text": str,
            "html": str,
            "mentions": str,
            "actions": str,
            "due_at": str,
            "recorded_at": str,
            "sent_at": str,
        },
        pk="key",
        not_null={"kind", "recipient", "text"},
    )
    db["sends"].create_index(["kind", "recipient", "due_at"])
    db["reminded"].create(
        {"id": int, "chat_id": str, "action_number": int, "reason": str, "at": str, "key": str},
        pk="id",
        not_null={"chat_id", "action_number", "reason", "at"},
    )
    db["reminded"].create_index(["chat_id", "action_number", "reason"])
    # One row per person who said something about their reminders (absent until, or off).
    db["reminder_settings"].create(
        {"chat_id": str, "away_until": str, "off": int, "at": str},
        pk="chat_id",
        defaults={"off": 0},
    )
    # Since when a plan is in the bot: an action with no news is "silent" counted from there,
    # not from the beginning of time (plans already there count from this upgrade).
    db.execute("alter table plans add column created_at text")
    db.execute("update plans set created_at = ?", [now_utc().isoformat()])


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
]


class DatabaseTooNew(Exception):
    """The database was written by a newer pst-bot: refused rather than misread.

    The command line says it in French (bot/console_texts.py) from `path`, `found`, `known`.
    """

    def __init__(self, path: str | Path, found: int, known: int) -> None:
        super().__init__(f"{path}: schema version {found}, this code knows up to {known}")
        self.path, self.found, self.known = str(path), found, known


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


def companions(path: Path) -> list[Path]:
    """The files SQLite keeps next to a database in WAL mode."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating and migrating if needed) the PST database at `path`.

    A new database file is created 0600 in a folder created 0700; SQLite gives its -wal and
    -shm files the database's mode. A database written by a newer pst-bot raises
    `DatabaseTooNew`, before anything is changed in it.
    """
    on_disk = str(path) != ":memory:"
    if on_disk:
        create_private_folder(Path(path).parent)
        create_private_file(Path(path))
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    if (found := schema_version(db)) > len(MIGRATIONS):
        db.close()
        raise DatabaseTooNew(path, found, len(MIGRATIONS))
    db.execute("PRAGMA foreign_keys = ON")
    if on_disk:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA busy_timeout = 5000")
    migrate(db)
    if on_disk:
        for companion in companions(Path(path)):
            # Not ours (another user's -shm) or not there: nothing to tighten.
            with suppress(FileNotFoundError, PermissionError):
                os.chmod(companion, 0o600)
    return db


def open_existing(path: str | Path) -> sqlite_utils.Database:
    """An existing database as it is, neither created nor migrated nor switched to WAL: to
    copy it or look at it while a bot (perhaps an older or newer one) runs on it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    conn = sqlite3.connect(
        path.resolve().as_uri() + "?mode=rw",
        uri=True,
        isolation_level=None,
        check_same_thread=False,
    )
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA busy_timeout = 5000")
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> None:
    """Apply the migrations the database has not seen yet, each in its own transaction."""
    for version, step in enumerate(MIGRATIONS, start=1):
        if schema_version(db) >= version:
            continue
        with transaction(db):
            step(db)
            db.execute(f"PRAGMA user_version = {version}")


@contextmanager
def transaction(db: sqlite_utils.Database, write: bool = True) -> Iterator[sqlite_utils.Database]:
    """All or nothing: commit when the block ends, roll back if it raises.

    `write=False` begins a deferred transaction: it reads without taking the write lock, which
    it takes only at its first write (a command that only reads never blocks the others).
    Nested calls join the outer transaction.
    """
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
    try:
        yield db
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
