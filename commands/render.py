"""How an action, a person, a history entry and a change read, for every command group.

status_line(action, today)   # "en cours — 40 % — ⚠ en retard"
person_name(directory, "@luc:example.org")   # "LM": people are named, never by chat id
describe_update(entry, directory)   # "23/11/2026 10:40 LM : à démarrer → fait, 100 % — devis"
codir_post(ctx, action, "à démarrer → fait")   # the CODIR room's line for a change
codir_note(ctx, action, "réunion le 5 juin")   # its line for a comment that changes nothing
paged(SOME_OS)   # an argument followed by an optional "page 2", read as `args.page`
"""

import re
import unicodedata

from commands import fields_texts, texts
from commands.arguments import Param, Reading
from commands.chat_ids import is_teams_object, localpart
from commands.errors import UserError
from commands.formatting import esc, moment, percent, safe, shorten
from commands.types import CODIR_ROOM, Context, Directory, Post
from storage.actions import Action
from storage.french import number_text
from storage.plan_fields import ActionFields, Indicator, decision_text, money
from storage.vocabulary import (
    DEADLINE,
    DONE,
    FIELD_KINDS,
    GOOD,
    HEALTH,
    INDICATOR,
    KIND_LABELS,
    UNDO,
    fold,
)

#: "page 2", "p2", "p. 2": the last words of a list command asking for a later page.
_PAGE = re.compile(r"^p(?:age)?\.?\s?(\d{1,4})$", re.ASCII)


def status_line(action: Action, today) -> str:
    parts = [action.status]
    if action.progress is not None and action.status != DONE:
        parts.append(percent(action.progress))
    if action.health:
        parts.append(texts.HEALTH_PART.format(health=action.health))
    if action.is_late(today):
        parts.append(f"⚠ {texts.LATE}")
    return " — ".join(parts)


def action_line(action: Action, today) -> str:
    """ "29 Réaliser un audit… — en cours — 40 %" """
    return f"{action.code} {shorten(action.title, 55)} — {status_line(action, today)}"


def person_name(directory: Directory, chat_id: str, display_name: str = "") -> str:
    """How a person is named to others: the initials of the pilots the directory links to them
    alone, else their display name followed by their chat id's localpart, else that localpart,
    never the raw chat id.

    A display name is whatever its owner typed: « Luc Martin » may be anyone. Beside it, the
    localpart (which its owner cannot change) shows who it is: « Luc Martin (luc) », and
    someone else calling themselves so reads « Luc Martin (mallory) ». Invisible characters
    (bidi controls, zero-width marks) are removed, so that a name cannot turn the rest around.
    Teams ids are Entra object ids: there the name comes from the tenant's directory, alone.

    >>> team = Directory(links={"LM": {"@luc:x"}, "chefs": {"@luc:x", "@anne:x"}})
    >>> person_name(team, "@luc:x"), person_name(team, "@anne:x")
    ('LM', 'anne')
    >>> person_name(team, "@anne:x", "Anne Dupont"), person_name(Directory(), "@luc:example.org")
    ('Anne Dupont (anne)', 'luc')
    >>> person_name(Directory(), "@mallory:x", "LM"), person_name(Directory(), "@luc:x", "Luc")
    ('LM (mallory)', 'Luc')
    """
    # A group ("chefs de service", linked to several people) is not a name; initials are.
    mine = directory.pilots_of(chat_id)
    initials = sorted(code for code in mine if directory.people(code) <= {chat_id})
    if initials:
        return "/".join(initials)
    own = localpart(chat_id)
    display_name = shorten(_visible(display_name), 40)
    if display_name and is_teams_object(chat_id):
        return display_name
    if display_name and own and fold(display_name) != fold(own):
        return f"{display_name} ({own})"
    if display_name:
        return display_name
    if is_teams_object(chat_id):
        return texts.TEAMS_MEMBER  # an Entra object id names nobody a reader knows
    return own or chat_id


def _visible(name: str) -> str:
    """`name` without control and format characters (bidi controls, zero-width marks)."""
    return "".join(char for char in name or "" if unicodedata.category(char) not in ("Cc", "Cf"))


def sender_name(ctx: Context) -> str:
    """The name of who sent the command (see `person_name`)."""
    display_name = getattr(ctx.message, "sender_name", "") or ""
    return person_name(ctx.directory, ctx.user.chat_id, display_name)


def describe_update(entry: dict, directory: Directory) -> str:
    """One history entry as "23/11/2026 10:40 LM : à démarrer → fait, 100 % — comment"."""
    when_who = f"{moment(entry['at'])} {person_name(directory, entry['who'])} : "
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
    if entry["kind"] in FIELD_KINDS:
        what.append(f"{KIND_LABELS[entry['kind']]} : {entry['value'] or 'aucun'}")
    text = when_who + (", ".join(what) or KIND_LABELS.get(entry["kind"], entry["kind"]))
    if entry["comment"]:
        text += f" — {entry['comment']}"
    return safe(text)


def indicator_line(indicator: Indicator) -> str:
    """ "dossiers traités : 4 / 12 dossiers (33 %), était 2 le 03/11" """
    unit = f" {indicator.unit}" if indicator.unit else ""
    latest = indicator.latest
    reached = number_text(latest.value) if latest else "—"
    if indicator.target is None:
        text = f"{indicator.name} : {reached}{unit}"
    else:
        text = f"{indicator.name} : {reached} / {number_text(indicator.target)}{unit}"
        if latest and indicator.target:
            text += f" ({round(latest.value / indicator.target * 100)} %)"
    if len(indicator.values) > 1:
        before = indicator.values[-2]
        text += fields_texts.WAS.format(
            value=number_text(before.value), day=before.day.strftime("%d/%m")
        )
    return text


def field_lines(fields: ActionFields, towards: list[str] = ()) -> list[str]:
    """An action's fields for `!action`, only those set: indicators, budget, ODD, mandataires,
    decisions, synergies (`towards`: those other plans' actions mark towards this one)."""
    lines = [
        fields_texts.ACTION_INDICATOR.format(line=indicator_line(i)) for i in fields.indicators
    ]
    if fields.budget:
        years: dict[int, float] = {}
        for line in fields.budget:
            years[line.year] = years.get(line.year, 0) + line.amount
        lines.append(
            fields_texts.ACTION_BUDGET.format(
                total=money(sum(years.values())),
                years=", ".join(f"{year} : {money(amount)}" for year, amount in years.items()),
            )
        )
    if fields.odd:
        lines.append(fields_texts.ACTION_ODD.format(odd=", ".join(map(str, fields.odd))))
    if fields.mandataries:
        lines.append(fields_texts.ACTION_MANDATARIES.format(names=", ".join(fields.mandataries)))
    lines += [
        fields_texts.ACTION_DECISION.format(decision=decision_text(d)) for d in fields.decisions
    ]
    partners = [
        s.partner_plan + (f":{s.partner_code}" if s.partner_code else "") for s in fields.synergies
    ]
    if partners or towards:
        lines.append(
            fields_texts.ACTION_SYNERGIES.format(partners=" ; ".join([*partners, *towards]))
        )
    return lines


def one_post(posts: list[Post]) -> list[Post]:
    """The CODIR posts of one message as a single post, one line per change: a grouped update
    never floods the room."""
    if len(posts) <= 1:
        return posts
    text = "\n".join(post.text for post in posts)
    html = "<br>\n".join(post.html for post in posts)
    return [Post(room=CODIR_ROOM, text=text, html=html)]


def codir_post(ctx: Context, action: Action, what: str, comment: str | None = None) -> Post:
    """The CODIR room's line for a change: who, which action, what, and the comment."""
    title = shorten(action.title, 80)
    who, number = sender_name(ctx), action.code
    text = texts.CODIR_CHANGE.format(who=who, number=number, title=title, what=what)
    html = texts.CODIR_CHANGE_HTML.format(
        who=esc(who), number=number, title=esc(title), what=esc(what)
    )
    if comment:
        text += f" — {comment}"
        html += f" — <i>{esc(comment)}</i>"
    return Post(room=CODIR_ROOM, text=safe(text), html=html)


def health_news(old: str | None, new: str | None) -> bool:
    """Whether a health change is news for the CODIR: any change, except a first « bon »."""
    return new != old and not (new == GOOD and old is None)


def codir_note(ctx: Context, action: Action, comment: str) -> Post:
    """The CODIR room's short line for a comment alone: « 📝 Note de LM sur l'action 47 … »."""
    title, who, note = shorten(action.title, 50), sender_name(ctx), shorten(comment, 200)
    text = texts.CODIR_NOTE.format(who=who, number=action.code, title=title, comment=note)
    html = texts.CODIR_NOTE_HTML.format(
        who=esc(who), number=action.code, title=esc(title), comment=esc(note)
    )
    return Post(room=CODIR_ROOM, text=safe(text), html=html)


# ---------------------------------------------------------------- pages of a list


def _page(reading: Reading) -> int:
    """The page asked for at the end of the words ("page 2", "p2"), taken away; 1 when none."""
    for count in (2, 1):
        last = " ".join(reading.words[-count:])
        match = _PAGE.match(fold(last)) if len(reading.words) >= count else None
        if match:
            reading.words = reading.words[:-count]
            if int(match.group(1)) < 1:
                raise UserError(texts.PAGE_ZERO)
            return int(match.group(1))
    return 1


def paged(param: Param | None = None) -> Param:
    """`param` followed by an optional page ("!retard 3 page 2"), the page kept as `args.page`.
    Alone, `paged()` is just the page ("!mes-actions page 2")."""
    if param is None:
        return Param("page", "[page P]", _page)

    def read(reading: Reading):
        reading.values["page"] = _page(reading)
        return param.read(reading)

    return Param(param.name, f"{param.usage} [page P]".strip(), read)
