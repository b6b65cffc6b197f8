"""People who leave: a pilot who left every room of the bot (Matrix), was removed from the
team (Teams `membersRemoved`) or whose reminders cannot reach them any more. The DG gets one
message listing their open actions and the `!pilote` lines to give them to someone else; their
reminders and campaign requests stop (storage/absences.py counts them as quiet) until they
are linked again or come back.

    record_departure(db, directory, "@luc:x", LEFT, now)   # True: recorded, the DG told
"""

from datetime import datetime

from commands import departure_texts as texts
from commands.access import effective_directory
from commands.formatting import esc, safe, shorten
from commands.render import person_name
from commands.schedule import Outgoing
from commands.types import Directory
from storage import absences, plans, sends
from storage.actions import list_actions
from storage.transactions import transaction
from storage.vocabulary import CLOSED

LEFT, REMOVED, UNREACHABLE = "left", "removed", "unreachable"
DEPARTURE = "departure"
#: Actions the message names at most per plan (the count says the rest).
MOST_LINES = 15


def departure_message(db, directory: Directory, chat_id: str, reason: str) -> str | None:
    """The DG's message: who, why, their open actions per plan and the `!pilote` lines; None
    when they pilot nothing open."""
    lines, pilots_seen = [], []
    open_plans = [p for p in plans.all_plans(db) if not p.closed]
    for the_plan in open_plans:
        theirs = directory.for_plan(the_plan.code).pilots_of(chat_id)
        if not theirs:
            continue
        actions = [
            a
            for a in list_actions(db, the_plan.id)
            if a.status not in CLOSED and theirs.intersection(a.pilots)
        ]
        if not actions:
            continue
        if len(open_plans) > 1:
            lines.append(texts.PLAN.format(title=the_plan.title or the_plan.code))
        for action in actions[:MOST_LINES]:
            pilots = "/".join(action.pilots)
            lines.append(
                texts.LINE.format(code=action.code, title=shorten(action.title, 50), pilots=pilots)
            )
        if len(actions) > MOST_LINES:
            lines.append(texts.MORE.format(count=len(actions) - MOST_LINES))
        pilots_seen += [p for p in sorted(theirs) if p not in pilots_seen]
    if not lines:
        return None
    name = person_name(directory, chat_id)
    head = texts.HEAD.format(name=name, why=texts.WHY[reason])
    how = [texts.HOW.format(pilot=pilot) for pilot in pilots_seen]
    return "\n".join([head, *lines, texts.HOW_HEAD, *how])


def record_departure(db, directory: Directory, chat_id: str, reason: str, now: datetime) -> bool:
    """Note that `chat_id` left (once until they come back) and record the DG's message for
    each admin; False when it was known already or they pilot nothing."""
    directory = effective_directory(db, directory)
    with transaction(db):
        if absences.departed(db, chat_id):
            return False
        text = departure_message(db, directory, chat_id, reason)
        if text is None:
            return False
        absences.set_departed(db, chat_id, reason, at=now)
        html = "<br>\n".join(esc(line) for line in text.split("\n"))
        for admin in sorted(directory.admins):
            sends.record(
                db,
                Outgoing(
                    key=f"{DEPARTURE}:{chat_id}:{now.date().isoformat()}:{admin}",
                    kind=DEPARTURE,
                    recipient=admin,
                    label=person_name(directory, admin),
                    text=safe(text),
                    html=html,
                    mentions=(admin,),
                    at=now,
                ),
            )
    return True


def record_return(db, chat_id: str) -> bool:
    """`chat_id` is back (joined a room of the bot again): their reminders go again."""
    with transaction(db):
        return absences.set_departed(db, chat_id, None, at=None)
