"""!historique: every change of an action, or a person's changes. The history is append-only."""

from commands import texts
from commands.arguments import action_number, lookup_action
from commands.directory import ask_admins, chat_id
from commands.engine import Context, Reply
from commands.errors import MissingArgument, NotAllowed
from commands.formatting import safe, shorten
from commands.plan import describe_update
from commands.registry import command
from storage import history, store

#: Entries shown at most; the oldest are summarised by a count.
SHOWN = 40
EXAMPLE = "!historique 12"


@command(
    "historique",
    who="tout le monde ; celui d'une personne : administrateurs et elle-même",
    aliases=["history", "hist"],
    usage="N | @personne",
    summary="Toutes les modifications d'une action : qui, quand, quoi.",
    details=("Avec @personne : ses modifications. L'historique n'est jamais modifié ni effacé."),
    examples=["!historique 12", "!historique @anne:example.org"],
)
def show_history(ctx: Context, args: str) -> Reply:
    words = args.split()
    if not words:
        raise MissingArgument(texts.MISSING_ARGUMENT.format(what="le numéro", example=EXAMPLE))
    if words[0].startswith("@") or words[0] == ctx.user.chat_id:
        return _person_history(ctx, words[0])
    number = action_number(words[0], EXAMPLE)
    action = lookup_action(ctx.db, number)
    entries = store.history(ctx.db, number)
    if not entries:
        return Reply(text=texts.NO_HISTORY.format(number=number))
    lines = [f"Historique de l'action {number} — {shorten(action['title'], 60)}"]
    if len(entries) > SHOWN:
        lines.append(f"({len(entries) - SHOWN} modifications plus anciennes non affichées)")
    lines += [f"• {describe_update(entry)}" for entry in entries[-SHOWN:]]
    return Reply(text=safe("\n".join(lines)))


def _person_history(ctx: Context, word: str) -> Reply:
    person = word if word == ctx.user.chat_id else chat_id(word)
    if person != ctx.user.chat_id and not ctx.user.is_admin:
        raise NotAllowed(
            texts.PERSON_HISTORY_ADMIN_ONLY.format(
                ask=ask_admins(ctx.directory), me=ctx.user.chat_id
            )
        )
    entries = history.changes_by(ctx.db, person, SHOWN)
    if not entries:
        return Reply(text=safe(texts.NO_PERSON_HISTORY.format(who=shorten(person, 60))))
    total = history.count_changes_by(ctx.db, person)
    head = f"Modifications de {person} : {total}"
    lines = [head + (f" ({SHOWN} dernières)" if total > SHOWN else "")]
    lines += [f"• {entry['action_number']} — {describe_update(entry)}" for entry in entries]
    return Reply(text=safe("\n".join(lines)))
