"""!historique: every change of an action, or a person's changes. The history is append-only."""

from commands import texts
from commands.access import Rule
from commands.arguments import Param, Reading, action_code, chat_id, lookup_action, plan_of
from commands.errors import MissingArgument
from commands.formatting import safe, shorten
from commands.registry import command
from commands.render import describe_update
from commands.types import Args, Context, Reply
from storage import history

#: Entries shown at most; the oldest are summarised by a count.
SHOWN = 40


def _action_or_person(reading: Reading) -> tuple[dict | None, str | None]:
    """An action ("12") or a person ("@anne:x", or one's own chat id): (action, person)."""
    if not reading.words:
        what = "le numéro"
        raise MissingArgument(texts.MISSING_ARGUMENT.format(what=what, example=reading.example))
    (word,) = reading.take()
    if word.startswith("@") or word == reading.ctx.user.chat_id:
        return None, word if word == reading.ctx.user.chat_id else chat_id(word)
    code = action_code(word, reading.example)
    return lookup_action(reading.ctx.db, plan_of(reading), code), None


def _own_or_admin(ctx: Context, args: Args) -> str | None:
    _, person = args.subject
    if person is None or person == ctx.user.chat_id or ctx.user.is_admin:
        return None
    return texts.PERSON_HISTORY_ADMIN_ONLY.format(
        ask=texts.ask_admins(ctx.directory.admins), me=ctx.user.chat_id
    )


SUBJECT = Param("subject", "N | @personne", _action_or_person)


@command(
    "historique",
    aliases=["history", "hist"],
    args=[SUBJECT],
    who=Rule(texts.WHO_HISTORY, check=_own_or_admin),
    summary="Toutes les modifications d'une action : qui, quand, quoi.",
    details="Avec @personne : ses modifications. L'historique n'est jamais modifié ni effacé.",
    examples=["!historique 12", "!historique @anne:example.org"],
)
def show_history(ctx: Context, args: Args) -> Reply:
    action, person = args.subject
    if person is not None:
        return _person_history(ctx, person)
    entries = history.entries(ctx.db, action["number"])
    code = action["code"]
    if not entries:
        return Reply(text=texts.NO_HISTORY.format(number=code))
    lines = [texts.HISTORY_HEAD.format(number=code, title=shorten(action["title"], 60))]
    if len(entries) > SHOWN:
        lines.append(texts.HISTORY_OLDER.format(count=len(entries) - SHOWN))
    lines += [f"• {describe_update(entry)}" for entry in entries[-SHOWN:]]
    return Reply(text=safe("\n".join(lines)))


def _person_history(ctx: Context, person: str) -> Reply:
    entries = history.changes_by(ctx.db, person, SHOWN)
    if not entries:
        return Reply(text=safe(texts.NO_PERSON_HISTORY.format(who=shorten(person, 60))))
    total = history.count_changes_by(ctx.db, person)
    head = texts.PERSON_HISTORY_HEAD.format(who=person, total=total)
    lines = [head + (texts.PERSON_HISTORY_LAST.format(count=SHOWN) if total > SHOWN else "")]
    lines += [f"• {entry['action_code']} — {describe_update(entry)}" for entry in entries]
    return Reply(text=safe("\n".join(lines)))
