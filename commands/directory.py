"""The pilot directory and roles in chat: !moi, !pilote, !pilotes, !role.

Links and roles changed here are stored (storage/people.py), audited, and win over the
configuration; the engine re-reads them at every message.
"""

import difflib

from commands import texts
from commands.access import ADMINS, Rule, effective_directory, roles
from commands.arguments import PERSON, Param, Reading, chat_id, word_choice
from commands.chat_ids import looks_like_chat_id
from commands.errors import MissingArgument, UserError
from commands.formatting import paginate, safe, shorten
from commands.registry import command
from commands.render import paged
from commands.types import ADMIN, CODIR, PILOT, READER, Args, Context, Identity, Reply
from storage import people
from storage.actions import Action, action_counts_by_pilot, actions_of_pilots, pilot_codes
from storage.vocabulary import fold

LINK_EXAMPLE = "!pilote AB @anne:example.org"
_REMOVE_WORDS = {"retirer", "enlever", "supprimer", "-"}
_RESET = "defaut"
#: Pilots without anybody linked, listed by !pilotes this many to a line.
_CODES_PER_LINE = 8
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
    **dict.fromkeys(("defaut", "default", "config", "configuration", "aucun"), _RESET),
}


def known_pilots(ctx: Context) -> list[str]:
    """Pilots of the room's plan, and those only its directory names."""
    codes = pilot_codes(ctx.db, ctx.plan.id if ctx.plan else None)
    return sorted(set(codes) | set(ctx.directory.pilots))


def _plan_id(ctx: Context) -> int:
    """The plan a link changed here belongs to: the room's (shared when there is none)."""
    return ctx.plan.id if ctx.plan else people.SHARED


def actions_of(ctx: Context, codes: set[str]) -> list[Action]:
    """The actions these pilots pilot in the room's plan (none when the room has no plan)."""
    return [] if ctx.plan is None else actions_of_pilots(ctx.db, ctx.plan.id, codes)


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


def _is_person_word(word: str) -> bool:
    """A Matrix id, a Teams identity or a UPN (or "-" before one), or "retirer"."""
    person = word.removeprefix("-")
    return looks_like_chat_id(person) or fold(word) in _REMOVE_WORDS


def _pilot(reading: Reading) -> str:
    """The pilot's initials or group name: every word before the first person."""
    words = reading.words
    end = next((i for i, w in enumerate(words) if _is_person_word(w)), len(words))
    if not end:
        raise MissingArgument(texts.PILOT_MISSING.format(example=LINK_EXAMPLE))
    return resolve_pilot(reading.ctx, " ".join(reading.take(end)))


def _link_changes(reading: Reading) -> list[tuple[str, bool]] | None:
    """(word, removing?) for every person named; "retirer" (or "-@x") removes what follows.
    None when the message names nobody and no change (the pilot is only shown)."""
    if not reading.words:
        return None
    changes, removing = [], False
    for word in reading.take(len(reading.words)):
        if fold(word) in _REMOVE_WORDS:
            removing = True
            continue
        if word.startswith("-") and _is_person_word(word[1:]):
            removing, word = True, word[1:]
        changes.append((word, removing))
    return changes


def _changes_need_admin(ctx: Context, args: Args) -> str | None:
    if args.changes is not None and not ctx.user.is_admin:
        return texts.DIRECTORY_ADMIN_ONLY.format(
            ask=texts.ask_admins(ctx.directory.admins), code=args.pilot
        )
    return None


PILOT_CODE = Param("pilot", "XX", _pilot)
LINK_CHANGES = Param("changes", "[@personne…] [retirer @personne]", _link_changes)
ROLE_WORD = word_choice(
    "role",
    "[admin|codir|pilote|lecteur|defaut]",
    _ROLE_WORDS,
    lambda word: texts.UNKNOWN_ROLE.format(word=word),
)


def describe_person(ctx: Context, person: Identity, you: bool) -> list[str]:
    stored = people.stored_roles(ctx.db)
    origin = texts.ROLE_FROM_CHAT if person.chat_id in stored else ""
    rights = texts.RIGHTS[person.role]
    if person.role == CODIR and person.pilots:
        rights += texts.ALSO_UPDATE_OWN
    lines = [
        (texts.YOU if you else texts.PERSON) + person.chat_id,
        texts.ROLE_LINE.format(role=texts.ROLE_NAMES[person.role], origin=origin, rights=rights),
    ]
    if person.pilots:
        codes = sorted(person.pilots)
        actions = actions_of(ctx, set(codes))
        late = sum(a.is_late(ctx.today) for a in actions)
        line = texts.PILOT_LINE.format(codes=", ".join(codes), count=len(actions))
        lines.append(line + (texts.LATE_COUNT.format(count=late) if late else ""))
        if you:
            lines.append(texts.YOUR_ACTIONS)
    elif you:
        lines.append(texts.NO_PILOT_LINK.rstrip("."))
    return lines


@command(
    "moi",
    aliases=["whoami", "qui-suis-je"],
    summary="Ce que le bot sait de vous : rôle, pilotes liés, actions.",
    examples=["!moi"],
)
def who_am_i(ctx: Context, args: Args) -> Reply:
    return Reply(text=safe("\n".join(describe_person(ctx, ctx.user, you=True))))


@command(
    "pilote",
    aliases=["pilot"],
    args=[PILOT_CODE, LINK_CHANGES],
    who=Rule(texts.WHO_DIRECTORY, roles=frozenset({ADMIN, CODIR}), check=_changes_need_admin),
    summary="Voir qui est lié à un pilote (initiales ou groupe), ou lier une personne.",
    details=(
        "Un groupe (« chefs de service ») peut être lié à plusieurs personnes. Les changements "
        "sont enregistrés et priment sur la configuration."
    ),
    examples=[LINK_EXAMPLE, "!pilote chefs de service @a:x @b:x", "!pilote AB retirer @anne:x"],
)
def pilot_directory(ctx: Context, args: Args) -> Reply:
    code = args.pilot
    if args.changes is None:
        return _show_pilot(ctx, code)
    lines = [_change_link(ctx, code, chat_id(word), removing) for word, removing in args.changes]
    if not lines:
        raise MissingArgument(
            texts.PERSON_MISSING.format(example=f"!pilote {code} retirer @anne:x")
        )
    return Reply(text=safe("\n".join(lines)))


def _change_link(ctx: Context, code: str, person: str, removing: bool) -> str:
    current = effective_directory(ctx.db, ctx.directory).for_plan(ctx.directory.plan)
    linked = person in current.people(code)
    if removing:
        if not linked:
            raise UserError(texts.NOT_LINKED.format(who=person, code=code))
        people.unlink_pilot(
            ctx.db, code, person, who=ctx.user.chat_id, at=ctx.now, plan_id=_plan_id(ctx)
        )
        return texts.UNLINKED.format(who=person, code=code)
    if linked:
        raise UserError(texts.ALREADY_LINKED.format(who=person, code=code))
    people.link_pilot(ctx.db, code, person, who=ctx.user.chat_id, at=ctx.now, plan_id=_plan_id(ctx))
    count = len(actions_of(ctx, {code}))
    return texts.LINKED.format(who=person, code=code, count=count)


def _show_pilot(ctx: Context, code: str) -> Reply:
    linked = sorted(ctx.directory.people(code))
    if not linked:
        lines = [texts.NOBODY_LINKED.format(code=code)]
    else:
        lines = [texts.PILOT_PEOPLE.format(code=code, people=", ".join(linked))]
    actions = actions_of(ctx, {code})
    late = [a for a in actions if a.is_late(ctx.today)]
    numbers = ", ".join(a.code for a in actions[:25])
    if len(actions) > 25:
        numbers += "…"
    line = texts.PILOT_ACTIONS.format(count=len(actions))
    line += texts.PILOT_LATE.format(count=len(late)) if late else ""
    lines.append(line + (f" — {numbers}" if numbers else ""))
    return Reply(text=safe("\n".join(lines)))


@command(
    "pilotes",
    aliases=["pilots"],
    args=[paged()],
    who=roles(ADMIN, CODIR),
    summary="L'annuaire : chaque pilote, ses actions et les personnes liées.",
    details=f"Les pilotes sans personne liée sont listés à la fin. {texts.IN_PAGES}",
    examples=["!pilotes"],
    questions=["pilote"],
    questions_rank=110,
)
def list_pilots(ctx: Context, args: Args) -> Reply:
    counts = {} if ctx.plan is None else action_counts_by_pilot(ctx.db, ctx.plan.id)
    linked, unlinked = [], []
    for code in known_pilots(ctx):
        people_ids = sorted(ctx.directory.people(code))
        actions = counts.get(code, 0)
        if people_ids:
            note = texts.PILOT_COUNT.format(count=actions) if code in counts else texts.NOT_IN_PST
            linked.append(f"{code} ({note}) : {', '.join(people_ids)}")
        else:
            unlinked.append(f"{code} ({actions})")
    head = texts.LINKED_PILOTS.format(count=len(linked))
    groups = [("", linked or [texts.NOBODY])]
    tail = []
    if unlinked:
        # Several codes a line: a phone shows them in a few lines, not one per code.
        rows = [
            ", ".join(unlinked[i : i + _CODES_PER_LINE])
            for i in range(0, len(unlinked), _CODES_PER_LINE)
        ]
        groups.append((texts.UNLINKED_HEADING.format(count=len(unlinked)), rows))
        tail = [texts.HOW_TO_LINK.format(example=LINK_EXAMPLE)]
    return paginate(head, groups, args.page, "!pilotes", tail=tail)


@command(
    "role",
    aliases=["roles"],
    args=[PERSON, ROLE_WORD],
    who=ADMINS,
    summary="Voir les rôles, ou changer le rôle d'une personne.",
    details=(
        "Rôles : admin (DG, coordinateur PST), codir (lit tout, reçoit les synthèses), "
        "pilote (met à jour ses actions), lecteur. « defaut » rend la main à la configuration. "
        "Le dernier administrateur ne peut pas être retiré."
    ),
    examples=["!role", "!role @anne:example.org codir", "!role @anne:example.org defaut"],
)
def change_role(ctx: Context, args: Args) -> Reply:
    person, role = args.person, args.role
    if person is None:
        return _list_roles(ctx)
    before = ctx.directory.identify(person).role
    if role is None:
        identity = ctx.directory.identify(person)
        return Reply(text=safe("\n".join(describe_person(ctx, identity, you=False))))
    if role == _RESET:
        people.clear_role(ctx.db, person, who=ctx.user.chat_id, at=ctx.now)
    elif role == before:
        raise UserError(texts.SAME_ROLE.format(who=person, role=texts.ROLE_NAMES[before]))
    elif role == ADMIN and not _known(ctx, person):
        raise UserError(texts.UNSEEN_ADMIN.format(who=person))
    else:
        people.set_role(ctx.db, person, role, who=ctx.user.chat_id, at=ctx.now)
    after = effective_directory(ctx.db, ctx.directory)
    if not after.admins:
        raise UserError(texts.LAST_ADMIN.format(who=person))
    now = texts.ROLE_NAMES[after.identify(person).role]
    return Reply(text=safe(f"{person} : {texts.ROLE_NAMES[before]} → {now}."))


def _known(ctx: Context, person: str) -> bool:
    """Someone the bot has seen write, or the configuration names: an admin must be real."""
    configured = ctx.directory.configured or ctx.directory
    named = configured.admins | configured.codir | configured.linked_people()
    return person in named or people.has_been_seen(ctx.db, person)


def _list_roles(ctx: Context) -> Reply:
    directory = ctx.directory
    stored = people.stored_roles(ctx.db)
    lines = [
        texts.ADMINS_LINE.format(people=", ".join(sorted(directory.admins)) or "—"),
        texts.CODIR_LINE.format(people=", ".join(sorted(directory.codir)) or "—"),
    ]
    readers = sorted(p for p, role in directory.roles.items() if role == READER)
    if readers:
        lines.append(texts.READERS_LINE.format(people=", ".join(readers)))
    if stored:
        changed = ", ".join(f"{p} ({texts.ROLE_NAMES[r]})" for p, r in sorted(stored.items()))
        lines.append(texts.ROLES_FROM_CHAT.format(people=changed))
    lines.append(texts.PILOTS_ARE_LINKED)
    return Reply(text=safe("\n".join(lines)))
