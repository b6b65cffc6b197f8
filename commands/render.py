"""How an action, a history entry and a change read, for every command group that shows them.

status_line(action, today)   # "en cours — 40 % — ⚠ en retard"
describe_update(entry)       # "23/11/2026 10:40 LM : à démarrer → fait, 100 % — marché attribué"
codir_post(ctx, action, "à démarrer → fait")   # the CODIR room's line for a change
"""

from commands import texts
from commands.formatting import esc, moment, percent, safe, shorten
from commands.types import CODIR_ROOM, Context, Post
from storage import plan
from storage.vocabulary import DEADLINE, DONE, HEALTH, INDICATOR, KIND_LABELS, UNDO


def status_line(action: dict, today) -> str:
    parts = [action["status"]]
    if action["progress"] is not None and action["status"] != DONE:
        parts.append(percent(action["progress"]))
    if action.get("health"):
        parts.append(texts.HEALTH_PART.format(health=action["health"]))
    if plan.is_overdue(action, today):
        parts.append(f"⚠ {texts.LATE}")
    return " — ".join(parts)


def action_line(action: dict, today) -> str:
    """ "29 Réaliser un audit… — en cours — 40 %" """
    return f"{action['code']} {shorten(action['title'], 55)} — {status_line(action, today)}"


def describe_update(entry: dict) -> str:
    """One history entry as "23/11/2026 10:40 LM : à démarrer → fait, 100 % — comment"."""
    when_who = f"{moment(entry['at'])} {entry['who']} : "
    if entry["kind"] == UNDO:
        # An undo's comment says what it cancelled.
        return safe(when_who + (entry["comment"] or KIND_LABELS[UNDO]))
    what = []
    if entry["old_status"] != entry["new_status"]:
        what.append(f"{entry['old_status']} → {entry['new_status']}")
    if entry["new_progress"] is not None and entry["new_progress"] != entry["old_progress"]:
        what.append(percent(entry["new_progress"]))
    if entry["kind"] in (INDICATOR, HEALTH, DEADLINE) and entry["value"]:
        what.append(f"{KIND_LABELS[entry['kind']]} : {entry['value']}")
    text = when_who + (", ".join(what) or KIND_LABELS.get(entry["kind"], entry["kind"]))
    if entry["comment"]:
        text += f" — {entry['comment']}"
    return safe(text)


def one_post(posts: list[Post]) -> list[Post]:
    """The CODIR posts of one message as a single post, one line per change: a grouped update
    never floods the room."""
    if len(posts) <= 1:
        return posts
    text = "\n".join(post.text for post in posts)
    html = "<br>\n".join(post.html for post in posts)
    return [Post(room=CODIR_ROOM, text=text, html=html)]


def codir_post(ctx: Context, action: dict, what: str, comment: str | None = None) -> Post:
    """The CODIR room's line for a change: who, which action, what, and the comment."""
    title = shorten(action["title"], 80)
    who, number = ctx.user.chat_id, action["code"]
    text = texts.CODIR_CHANGE.format(who=who, number=number, title=title, what=what)
    html = texts.CODIR_CHANGE_HTML.format(
        who=esc(who), number=number, title=esc(title), what=esc(what)
    )
    if comment:
        text += f" — {comment}"
        html += f" — <i>{esc(comment)}</i>"
    return Post(room=CODIR_ROOM, text=safe(text), html=html)
