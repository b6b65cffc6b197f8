"""Where a person can be reached without having just written: a transport's conversation with
them (a Teams personal chat), kept from their last message or the app's installation.

    remember(db, "aad:0f3c…", "teams", "a:1xyz…", "https://smba.trafficmanager.net/emea/", now)
    reference(db, "aad:0f3c…", "teams")   # {"conversation_id": …, "service_url": …} or None
"""

from datetime import datetime

import sqlite_utils

from storage.transactions import transaction


def remember(
    db: sqlite_utils.Database,
    person: str,
    transport: str,
    conversation_id: str,
    service_url: str,
    at: datetime,
) -> None:
    with transaction(db):
        db.execute(
            "insert into conversations (person, transport, conversation_id, service_url, at)"
            " values (?,?,?,?,?) on conflict (person, transport) do update set"
            " conversation_id = excluded.conversation_id, service_url = excluded.service_url,"
            " at = excluded.at",
            [person, transport, conversation_id, service_url, at.isoformat()],
        )


def reference(db: sqlite_utils.Database, person: str, transport: str) -> dict | None:
    row = db.execute(
        "select conversation_id, service_url from conversations where person = ? and transport = ?",
        [person, transport],
    ).fetchone()
    return {"conversation_id": row[0], "service_url": row[1]} if row else None
