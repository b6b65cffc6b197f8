"""The pilot directory and roles in chat: !pilote, !pilotes, !role, !moi.

Links and roles changed here are stored (storage/people.py), audited, and win over the
configuration; the engine re-reads them at every message.
"""

import difflib
import re

from commands import texts
from commands.access import (
    ADMIN,
    CODIR,
    PILOT,
    READER,
    ROLE_NAMES,
    Directory,
    Identity,
    effective_directory,
)
from commands.engine import Context, Reply
from commands.errors import MissingArgument, NotAllowed, UserError
from commands.formatting import safe, shorten
from commands.registry import command
from storage import people, queries, store
from storage.statuses import fold

LINK_EXAMPLE = "!pilote AB @anne:example.org"
_CHAT_ID = re.compile(r"^@\S{1,254}$")
_REMOVE_WORDS = {"retirer", "enlever", "supprimer", "-"}
_ROLE_WORDS = {
    "admin": ADMIN,
    "administrateur": ADMIN,
    "dg": ADMIN,
    "codir": CODIR,
    "pilote": PILOT,
    "pilot": PILOT,
    "lecteur": READER,
    "reader": READER,
    "lecture": READER,
}
_RESET_WORDS = {"defaut", "default", "config", "configuration", "aucun"}


def ask_admins(directory: Directory) -> str:
    """ " Demandez à @dg:x." — whom to ask, for refusals."""
    admins = sorted(directory.admins)[:3]
    return f" Demandez à {', '.join(admins)}." if admins else ""


def chat_id(word: str) -> str:
    if not _CHAT_ID.match(word):
        raise UserError(texts.BAD_CHAT_ID.format(word=shorten(word, 40)))
    return word


def known_pilots(ctx: Context) -> list[str]:
    """Pilots of the plan, and those only the directory names."""
    return sorted(set(store.pilot_codes(ctx.db)) | set(ctx.directory.links))


def resolve_pilot(ctx: Context, text: str) -> str:
    """The pilot as the plan spells it ("ab" -> "AB", "chefs de  service" -> "chefs de service")."""
    wanted = fold(text)
    codes = known_pilots(ctx)
    for code in codes:
        if fold(code) == wanted:
            return code
    folded = {fold(code): code for code in codes}
    close = difflib.get_close_matches(wanted, folded, n=1, cutoff=0.6)
    hint = texts.DID_YOU_MEAN_PILOT.format(code=folded[close[0]]) if close else ""
    raise UserError(texts.UNKNOWN_PILOT.format(code=shorten(text, 40), hint=hint))


def _pilot_summary(ctx: Context, code: str) -> list[str]:
    actions = store.actions_of_pilots(ctx.db, {code})
    late = [a for a in actions if store.is_overdue(a, ctx.today)]
    numbers = ", ".join(str(a["number"]) for a in actions[:25])
    if len(actions) > 25:
        numbers += "…"
    line = f"Actions : {len(actions)}" + (f" ({len(late)} en retard)" if late else "")
    return [line + (f" — {numbers}" if numbers else "")]


@command(
    "pilote",
    who="voir : administrateurs et CODIR ; lier ou retirer : administrateurs",
    aliases=["pilot"],
    usage="XX [@personne…] [retirer @personne]",
    summary="Voir qui est lié à un pilote (initiales ou groupe), ou lier une personne.",
    details=(
        "Un groupe (« chefs de service ») peut être lié à plusieurs personnes. Les changements "
        "sont enregistrés et priment sur la configuration."
    ),
    examples=[LINK_EXAMPLE, "!pilote chefs de service @a:x @b:x", "!pilote AB retirer @anne:x"],
    roles=[ADMIN, CODIR],
    writes=True,
)
def pilot_directory(ctx: Context, args: str) -> Reply:
    words = args.split()
    ids_at = next(
        (i for i, w in enumerate(words) if w.startswith(("@", "-@")) or fold(w) in _REMOVE_WORDS),
        len(words),
    )
    code_words, rest = words[:ids_at], words[ids_at:]
    if not code_words:
        raise MissingArgument(texts.PILOT_MISSING.format(example=LINK_EXAMPLE))
    code = resolve_pilot(ctx, " ".join(code_words))
    if not rest:
        return _show_pilot(ctx, code)
    if not ctx.user.is_admin:
        raise NotAllowed(
            texts.DIRECTORY_ADMIN_ONLY.format(ask=ask_admins(ctx.directory), code=code)
        )
    lines = []
    removing = False
    for word in rest:
        if fold(word) in _REMOVE_WORDS:
            removing = True
            continue
        if word.startswith("-@"):
            removing, word = True, word[1:]
        lines.append(_change_link(ctx, code, chat_id(word), removing))
    if not lines:
        raise MissingArgument(
            texts.PERSON_MISSING.format(example=f"!pilote {code} retirer @anne:x")
        )
    return Reply(text=safe("\n".join(lines)))


def _change_link(ctx: Context, code: str, person: str, removing: bool) -> str:
    linked = person in effective_directory(ctx.db, ctx.directory).people(code)
    if removing:
        if not linked:
            raise UserError(texts.NOT_LINKED.format(who=person, code=code))
        people.unlink_pilot(ctx.db, code, person, who=ctx.user.chat_id, at=ctx.now)
        return f"{person} n'est plus lié(e) au pilote {code}."
    if linked:
        raise UserError(texts.ALREADY_LINKED.format(who=person, code=code))
    people.link_pilot(ctx.db, code, person, who=ctx.user.chat_id, at=ctx.now)
    count = len(store.actions_of_pilots(ctx.db, {code}))
    return f"{person} est maintenant lié(e) au pilote {code} ({count} actions)."


def _show_pilot(ctx: Context, code: str) -> Reply:
    linked = sorted(ctx.directory.people(code))
    if not linked:
        lines = [texts.NOBODY_LINKED.format(code=code)]
    else:
        lines = [f"Pilote {code} : {', '.join(linked)}"]
    lines += _pilot_summary(ctx, code)
    return Reply(text=safe("\n".join(lines)))


@command(
    "pilotes",
    aliases=["pilots"],
    summary="L'annuaire : chaque pilote, ses actions et les personnes liées.",
    details="Les pilotes sans personne liée sont listés à la fin.",
    examples=["!pilotes"],
    roles=[ADMIN, CODIR],
)
def list_pilots(ctx: Context, args: str) -> Reply:
    counts = queries.action_counts_by_pilot(ctx.db)
    linked, unlinked = [], []
    for code in known_pilots(ctx):
        people_ids = sorted(ctx.directory.people(code))
        actions = counts.get(code, 0)
        if people_ids:
            note = f"{actions} actions" if code in counts else "absent du PST"
            linked.append(f"• {code} ({note}) : {', '.join(people_ids)}")
        else:
            unlinked.append(f"{code} ({actions})")
    lines = [f"Pilotes liés ({len(linked)}) :"] + (linked or ["• aucun"])
    if unlinked:
        lines.append(f"Sans personne liée ({len(unlinked)}) : {', '.join(unlinked)}")
        lines.append(f"Pour lier : {LINK_EXAMPLE}")
    return Reply(text=safe("\n".join(lines)))


def describe_person(ctx: Context, person: Identity, you: bool) -> list[str]:
    stored = people.stored_roles(ctx.db)
    origin = " (donné dans le chat)" if person.chat_id in stored else ""
    rights = texts.RIGHTS[person.role]
    if person.role == CODIR and person.pilots:
        rights += texts.ALSO_UPDATE_OWN
    lines = [
        ("Vous : " if you else "Personne : ") + person.chat_id,
        f"Rôle : {ROLE_NAMES[person.role]}{origin} — peut {rights}.",
    ]
    if person.pilots:
        codes = sorted(person.pilots)
        actions = store.actions_of_pilots(ctx.db, set(codes))
        late = sum(store.is_overdue(a, ctx.today) for a in actions)
        line = f"Pilote : {', '.join(codes)} — {len(actions)} actions"
        lines.append(line + (f", {late} en retard" if late else ""))
        if you:
            lines.append("Vos actions : !mes-actions")
    elif you:
        lines.append(texts.NO_PILOT_LINK.rstrip("."))
    return lines


@command(
    "moi",
    aliases=["whoami"],
    summary="Ce que le bot sait de vous : rôle, pilotes liés, actions.",
    examples=["!moi"],
)
def who_am_i(ctx: Context, args: str) -> Reply:
    return Reply(text=safe("\n".join(describe_person(ctx, ctx.user, you=True))))


@command(
    "role",
    aliases=["roles"],
    usage="[@personne [admin|codir|pilote|lecteur|defaut]]",
    summary="Voir les rôles, ou changer le rôle d'une personne.",
    details=(
        "Rôles : admin (DG, coordinateur PST), codir (lit tout, reçoit les synthèses), "
        "pilote (met à jour ses actions), lecteur. « defaut » rend la main à la configuration. "
        "Le dernier administrateur ne peut pas être retiré."
    ),
    examples=["!role", "!role @anne:example.org codir", "!role @anne:example.org defaut"],
    roles=[ADMIN],
    writes=True,
)
def change_role(ctx: Context, args: str) -> Reply:
    words = args.split()
    if not words:
        return _list_roles(ctx)
    person = chat_id(words[0])
    if len(words) == 1:
        identity = ctx.directory.identify(person)
        return Reply(text=safe("\n".join(describe_person(ctx, identity, you=False))))
    word = fold(words[1])
    before = ctx.directory.identify(person).role
    if word in _RESET_WORDS:
        people.clear_role(ctx.db, person, who=ctx.user.chat_id, at=ctx.now)
    elif word in _ROLE_WORDS:
        if _ROLE_WORDS[word] == before:
            raise UserError(texts.SAME_ROLE.format(who=person, role=ROLE_NAMES[before]))
        people.set_role(ctx.db, person, _ROLE_WORDS[word], who=ctx.user.chat_id, at=ctx.now)
    else:
        raise UserError(texts.UNKNOWN_ROLE.format(word=shorten(words[1], 30)))
    after = effective_directory(ctx.db, ctx.directory)
    if not after.admins:
        raise UserError(texts.LAST_ADMIN.format(who=person))
    role = ROLE_NAMES[after.identify(person).role]
    return Reply(text=safe(f"{person} : {ROLE_NAMES[before]} → {role}."))


def _list_roles(ctx: Context) -> Reply:
    directory = ctx.directory
    stored = people.stored_roles(ctx.db)
    lines = [
        f"Administrateurs : {', '.join(sorted(directory.admins)) or '—'}",
        f"CODIR : {', '.join(sorted(directory.codir)) or '—'}",
    ]
    readers = sorted(p for p, role in directory.roles.items() if role == READER)
    if readers:
        lines.append(f"Lecteurs (sans mise à jour) : {', '.join(readers)}")
    if stored:
        changed = ", ".join(f"{p} ({ROLE_NAMES[r]})" for p, r in sorted(stored.items()))
        lines.append(f"Donnés dans le chat : {changed}")
    lines.append("Les pilotes sont ceux liés dans l'annuaire : !pilotes")
    return Reply(text=safe("\n".join(lines)))
