"""The schema steps of version 8 onwards (storage/migrations.py gives each its version in
`STEPS` and runs them): deadline requests, held posts, pilots per plan, the evaluation's texts,
pending imports, the actions' fields, requests for the DG, campaigns, the reminders' events.

A step released is never changed (databases out there have run it); a new one is appended here
and to `STEPS`.
"""

import sqlite_utils


def deadline_requests(db: sqlite_utils.Database) -> None:
    """The deadline changes pilots ask for in chat ("95 on demande un report à 2027"), kept for
    the DG to grant or refuse (storage/requests.py)."""
    db["deadline_requests"].create(
        {
            "id": int,
            "action_number": int,
            "who": str,
            "at": str,
            "wanted": str,
            "reason": str,
            "source_id": str,
            "decided_at": str,
            "decision": str,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"action_number", "who", "at"},
    )
    db["deadline_requests"].create_index(["action_number"])


def held_posts(db: sqlite_utils.Database) -> None:
    """CODIR posts held for the quarter hour's grouped post (storage/held_posts.py)."""
    db["held_posts"].create(
        {"id": int, "key": str, "room": str, "text": str, "html": str, "at": str},
        pk="id",
        not_null={"key", "room", "text", "at"},
    )
    db["held_posts"].create_index(["at"])


def pilots_per_plan(db: sqlite_utils.Database) -> None:
    """Pilots belong to a plan: a link changed in chat is kept on the plans whose actions that
    pilot leads (on the first plan when none does; shared, plan 0, when there is no plan)."""
    db["plan_pilot_links"].create(
        {"plan_id": int, "pilot": str, "chat_id": str, "linked": int},
        pk=("plan_id", "pilot", "chat_id"),
        not_null={"plan_id", "pilot", "chat_id", "linked"},
        defaults={"linked": 1},
    )
    first = db.execute("select min(id) from plans").fetchone()[0] or 0
    links = db.execute("select pilot, chat_id, linked from pilot_links").fetchall()
    for pilot, chat_id, linked in links:
        owners = db.execute(
            "select distinct a.plan_id from action_pilots p join actions a"
            " on a.number = p.action_number where p.pilot = ? order by a.plan_id",
            [pilot],
        ).fetchall()
        for (plan_id,) in owners or [(first,)]:
            db.execute(
                "insert into plan_pilot_links values (?, ?, ?, ?)",
                [plan_id, pilot, chat_id, linked],
            )
    db["pilot_links"].drop()
    db.execute("alter table plan_pilot_links rename to pilot_links")
    db.execute("alter table directory_audit add column plan_id integer")


def evaluation_texts(db: sqlite_utils.Database) -> None:
    """The CODIR's introduction and comments per OS for the evaluation, one per plan and key
    (storage/evaluation_texts.py)."""
    db["evaluation_texts"].create(
        {"plan_id": int, "key": str, "text": str, "who": str, "at": str},
        pk=("plan_id", "key"),
        not_null={"plan_id", "key", "text", "who", "at"},
    )


def pending_imports(db: sqlite_utils.Database) -> None:
    """A plan file an admin dropped in a room, waiting for « !importer confirmer » (30 minutes
    at most; deleted once applied, cancelled or expired: storage/pending_imports.py)."""
    db["pending_imports"].create(
        {
            "id": int,
            "room": str,
            "sender": str,
            "plan_id": int,
            "file_name": str,
            "data": bytes,
            "at": str,
        },
        pk="id",
        not_null={"room", "sender", "file_name", "data", "at"},
    )
    db["pending_imports"].create_index(["room", "sender"])


def plan_fields(db: sqlite_utils.Database) -> None:
    """What administrations keep per action beside its status (storage/plan_fields.py):
    indicators with a unit and a target and their dated values, budget lines per year, ODD
    tags, mandataires, the Collège's and Conseil's decisions, synergies with another plan.
    A value or a decision said in chat points to its history entry (`update_id`), so an undo
    takes it back; one imported has none."""
    db["indicators"].create(
        {
            "id": int,
            "action_number": int,
            "position": int,
            "name": str,
            "unit": str,
            "target": float,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"action_number", "position", "name"},
    )
    db["indicators"].create_index(["action_number", "name"], unique=True)
    db["indicator_values"].create(
        {"id": int, "indicator_id": int, "value": float, "day": str, "who": str, "update_id": int},
        pk="id",
        foreign_keys=[("indicator_id", "indicators", "id"), ("update_id", "updates", "id")],
        not_null={"indicator_id", "value", "day"},
    )
    db["indicator_values"].create_index(["indicator_id", "day"])
    db["budget_lines"].create(
        {
            "id": int,
            "action_number": int,
            "year": int,
            "amount": float,
            "kind": str,
            "funding": str,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"action_number", "year", "amount", "kind"},
    )
    db["budget_lines"].create_index(["action_number"])
    db["action_odd"].create(
        {"action_number": int, "odd": int},
        pk=("action_number", "odd"),
        foreign_keys=[("action_number", "actions", "number")],
    )
    db["action_mandataries"].create(
        {"action_number": int, "position": int, "name": str},
        pk=("action_number", "name"),
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"position"},
    )
    db["decisions"].create(
        {
            "id": int,
            "action_number": int,
            "body": str,
            "day": str,
            "point": str,
            "url": str,
            "who": str,
            "at": str,
            "update_id": int,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number"), ("update_id", "updates", "id")],
        not_null={"action_number", "body", "day"},
    )
    db["decisions"].create_index(["action_number"])
    db["synergies"].create(
        {
            "id": int,
            "action_number": int,
            "partner_plan": str,
            "partner_code": str,
            "who": str,
            "at": str,
            "update_id": int,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number"), ("update_id", "updates", "id")],
        not_null={"action_number", "partner_plan"},
    )
    db["synergies"].create_index(["action_number"])


def requests_for_the_dg(db: sqlite_utils.Database) -> None:
    """Every kind of request a pilot makes to the DG (storage/requests.py), not only a later
    deadline: « ce n'est pas moi », a new action in an OO, a suspension or an abandon; who
    decided and what they answered. The deadline requests already kept are the first rows."""
    db["requests"].create(
        {
            "id": int,
            "plan_id": int,
            "action_number": int,
            "oo_number": str,
            "kind": str,
            "who": str,
            "at": str,
            "wanted": str,
            "reason": str,
            "source_id": str,
            "decided_at": str,
            "decided_by": str,
            "decision": str,
            "answer": str,
        },
        pk="id",
        foreign_keys=[("action_number", "actions", "number")],
        not_null={"kind", "who", "at"},
    )
    db.execute(
        "insert into requests (id, plan_id, action_number, kind, who, at, wanted, reason,"
        " source_id, decided_at, decision)"
        " select r.id, a.plan_id, r.action_number, 'echeance', r.who, r.at, r.wanted, r.reason,"
        " r.source_id, r.decided_at, r.decision"
        " from deadline_requests r left join actions a on a.number = r.action_number"
    )
    db["deadline_requests"].drop()
    db["requests"].create_index(["decided_at", "plan_id"])


def campaigns(db: sqlite_utils.Database) -> None:
    """Reporting campaigns: a window in which every pilot of a scope gives word on their
    actions, and the situation at its close, kept (storage/campaigns.py)."""
    db["campaigns"].create(
        {
            "id": int,
            "plan_id": int,
            "os_number": int,
            "opens": str,
            "closes": str,
            "who": str,
            "at": str,
        },
        pk="id",
        foreign_keys=[("plan_id", "plans", "id")],
        not_null={"plan_id", "opens", "closes", "who", "at"},
    )
    db["campaign_snapshots"].create(
        {
            "campaign_id": int,
            "action_number": int,
            "status": str,
            "progress": int,
            "health": str,
            "last_comment": str,
            "answered": int,
            "taken_at": str,
        },
        pk=("campaign_id", "action_number"),
        foreign_keys=[("campaign_id", "campaigns", "id"), ("action_number", "actions", "number")],
    )


def reminder_events(db: sqlite_utils.Database) -> None:
    """The chat event of each direct message the bot sent (a reminder among them), and the
    reactions on a reminder it applied, so that a ✅ on a reminder and its removal are
    understood after a restart too (storage/sends.py, commands/reminder_taps.py)."""
    db["sent_events"].create(
        {"event_id": str, "send_key": str, "room": str},
        pk="event_id",
        foreign_keys=[("send_key", "sends", "key")],
        not_null={"send_key"},
    )
    db["reminder_taps"].create(
        {"event_id": str, "reminder_event_id": str, "sender": str, "at": str},
        pk="event_id",
        not_null={"reminder_event_id", "sender", "at"},
    )
