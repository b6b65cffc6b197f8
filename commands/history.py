"""!historique: every change of an action, or a person's changes, newest first, in pages. The
history is append-only: it shows every line, an undone one marked « (annulé) » (the reports read
only the changes that still stand, storage/effective.py)."""

from commands import texts
from commands.access import Rule
from commands.arguments import Param, Reading, action_code, chat_id, lookup_action, plan_of
from commands.chat_ids import looks_like_chat_id
from commands.errors import MissingArgument
from commands.formatting import paginate, safe, shorten
from commands.registry import command
from commands.render import describe_update, paged, person_name
from commands.types import Args, Context, Reply
from storage import history
from storage.effective import undone_ids
from storage.vocabulary import fold

#: What a person types for their own history instead of their chat id.
_ME = "moi"
#: After a line an undo (or a correction) cancelled.
UNDONE_MARK = " (annulé)"


def _line(entry: dict, directory, undone: set[int]) -> str:
    text = describe_update(entry, directory)
    return text + UNDONE_MARK if entry["id"] in undone else text


def _action_or_person(reading: Reading) -> tuple[dict | None, str | None]:
    """An action ("12") or a person ("@anne:x", "moi", or one's own chat id): (action, person)."""
    if not reading.words:
        what = "le numéro"
        raise MissingArgument(texts.MISSING_ARGUMENT.format(what=what, example=reading.example))
    (word,) = reading.take()
    me = reading.ctx.user.chat_id
    if word == me or fold(word) == _ME:
        return None, me
    if looks_like_chat_id(word):
        return None, chat_id(word)
    code = action_code(word, reading.example)
    return lookup_action(reading.ctx.db, plan_of(reading), code), None


def _own_or_admin(ctx: Context, args: Args) -> str | None:
    _, person = args.subject
    if person is None or person == ctx.user.chat_id or ctx.user.is_admin:
        return None
    return texts.OWN_HISTORY_ADMIN_ONLY.format(ask=texts.ask_admins(ctx.directory.admins))


SUBJECT = Param("subject", "N | @personne | moi", _action_or_person)


@command(
    "historique",
    aliases=["history", "hist"],
    args=[paged(SUBJECT)],
    who=Rule(texts.WHO_HISTORY, check=_own_or_admin),
    summary="Toutes les modifications d'une action : qui, quand, quoi, les plus récentes d'abord.",
    details=(
        "Avec @personne : ses modifications ; « moi » : les vôtres. L'historique n'est jamais "
        f"modifié ni effacé. {texts.IN_PAGES}"
    ),
    examples=[
        "!historique 12",
        "!historique 12 page 2",
        "!historique moi",
        "!historique @anne:example.org",
    ],
    questions=["historique", "change", "modifi"],
    questions_rank=70,
    pointer="!historique 47",
)
def show_history(ctx: Context, args: Args) -> Reply:
    action, person = args.subject
    if person is not None:
        return _person_history(ctx, person, args.page)
    entries = history.entries(ctx.db, action.number)[::-1]
    code = action.code
    if not entries:
        return Reply(text=texts.NO_HISTORY.format(number=code))
    head = texts.HISTORY_HEAD.format(number=code, title=shorten(action.title, 60))
    undone = undone_ids(entries)
    items = [_line(entry, ctx.directory, undone) for entry in entries]
    return paginate(head, [("", items)], args.page, f"!historique {code}")


def _person_history(ctx: Context, person: str, page: int) -> Reply:
    name = person_name(ctx.directory, person)
    total = history.count_changes_by(ctx.db, person)
    if not total:
        return Reply(text=safe(texts.NO_PERSON_HISTORY.format(who=name)))
    entries = history.changes_by(ctx.db, person, total)
    undone = history.undone_ids(ctx.db)
    items = [f"{e['action_code']} — {_line(e, ctx.directory, undone)}" for e in entries]
    again = "!historique " + (_ME if person == ctx.user.chat_id else person)
    head = texts.PERSON_HISTORY_HEAD.format(who=name, total=total)
    return paginate(head, [("", items)], page, again)
