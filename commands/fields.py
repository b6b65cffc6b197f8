"""What administrations keep per action beside its status, said in chat: !budget, !odd,
!mandataire, !decision, !synergie (a named indicator: commands/named_indicators.py).

What follows the action's code is read by commands/fields_grammar.py (its docstring states
the grammar); anything it has no place for is refused, never stored.

Who: ODD tags and a synergy are the pilots' (and the admins'); a budget line, a mandataire
and a decision are the admins'. Every write has its history entry
(storage/plan_fields_chat.py), so `!annuler` takes it back.

A mandataire is named as the directory names a pilot (initials or name, a key of [pilots]):
`!mes-actions` lists the actions whose mandataire is one of the names the person is linked to.
"""

from commands import fields_texts as t
from commands import texts
from commands.access import ADMINS, PILOTS_OF_ACTION, Rule
from commands.arguments import ACTION, PLAN, Param, Reading, action_code, lookup_action
from commands.errors import MissingArgument, UserError
from commands.fields_grammar import (
    MAX_NAME,
    read_budget,
    read_decision,
    read_odd,
    read_partner,
)
from commands.formatting import paginate, safe
from commands.registry import command
from commands.render import action_line, paged
from commands.types import Args, Context, Reply
from storage import plan_fields, plan_fields_chat
from storage.actions import list_actions
from storage.plan_fields import fields_of, money
from storage.vocabulary import fold

# ---------------------------------------------------------------- the commands


def _rest(name: str, usage_word: str, grammar) -> Param:
    """Every word left, read by `grammar(words, example)`."""

    def read(reading: Reading):
        return grammar(reading.take(len(reading.words)), reading.example)

    return Param(name, usage_word, read)


@command(
    "budget",
    args=[ACTION, _rest("line", "année montant ordinaire|extraordinaire [source]", read_budget)],
    who=ADMINS,
    summary="Ajouter une ligne budgétaire à une action (une année, un montant, sa source).",
    details="Les totaux par OO et OS sont dans !oo et !os. !annuler retire la ligne.",
    examples=['!budget 12 2026 15000 ordinaire "SPW"', "!budget 12 2027 8 500 extraordinaire"],
)
def add_budget(ctx: Context, args: Args) -> Reply:
    action, line = args.action, args.line
    plan_fields_chat.record_budget(
        ctx.db, action.number, ctx.user.chat_id, line, at=ctx.now, source_id=ctx.message.event_id
    )
    total = sum(b.amount for b in fields_of(ctx.db, [action.number])[action.number].budget)
    funding = f" ({line.funding})" if line.funding else ""
    return Reply(
        text=safe(
            t.BUDGET_SET.format(
                number=action.code,
                year=line.year,
                amount=money(line.amount),
                kind=line.kind,
                funding=funding,
                total=money(total),
            )
        )
    )


def _odd_words(reading: Reading):
    """("list", ODD or None for « aucun ») or ("set", action, ODD list)."""
    words = reading.take(len(reading.words))
    if not words:
        raise MissingArgument(t.ODD_MISSING)
    if len(words) == 1:
        tags = read_odd(words)
        return ("list", tags[0] if tags else None)
    the_plan = PLAN.read(reading)
    action = lookup_action(reading.ctx.db, the_plan, action_code(words[0], reading.example))
    return ("set", action, read_odd(words[1:]))


def _may_tag(ctx: Context, args: Args) -> str | None:
    if args.odd[0] != "set":
        return None
    return PILOTS_OF_ACTION.check(ctx, Args(action=args.odd[1]))


@command(
    "odd",
    aliases=["sdg"],
    args=[PLAN, paged(Param("odd", "[N] ODD… | aucun", _odd_words))],
    who=Rule(t.WHO_ODD, check=_may_tag),
    summary="Les ODD (1 à 17) d'une action, ou les actions d'un ODD.",
    details=(
        "!odd 11 liste les actions de l'ODD 11 ; !odd aucun, celles sans ODD ; "
        "!odd 12 aucun retire les ODD de l'action 12."
    ),
    examples=["!odd 12 11 13", "!odd 11", "!odd aucun"],
)
def odd(ctx: Context, args: Args) -> Reply:
    if args.odd[0] == "list":
        return _odd_list(ctx, args.plan, args.odd[1], args.page)
    _, action, tags = args.odd
    before = list(fields_of(ctx.db, [action.number])[action.number].odd)
    shown = ", ".join(map(str, tags))
    if before == tags:
        raise UserError(t.SAME_ODD.format(number=action.code, odd=shown or "aucun"))
    plan_fields_chat.record_odd(
        ctx.db, action.number, ctx.user.chat_id, tags, at=ctx.now, source_id=ctx.message.event_id
    )
    if not tags:
        return Reply(text=t.ODD_CLEARED.format(number=action.code))
    return Reply(text=t.ODD_SET.format(number=action.code, odd=shown))


def _odd_list(ctx: Context, the_plan, tag: int | None, page: int) -> Reply:
    numbers = plan_fields.actions_with_odd(ctx.db, the_plan.id, tag)
    if not numbers:
        return Reply(text=t.ODD_ALL_TAGGED if tag is None else t.ODD_NONE_FOUND.format(odd=tag))
    marks = ",".join("?" * len(numbers))
    actions = list_actions(ctx.db, the_plan.id, f"a.number in ({marks})", numbers)
    head = (
        t.NO_ODD_LIST_HEAD.format(count=len(actions))
        if tag is None
        else t.ODD_LIST_HEAD.format(odd=tag, count=len(actions))
    )
    items = [action_line(a, ctx.today) for a in actions]
    return paginate(head, [("", items)], page, f"!odd {tag if tag is not None else 'aucun'}")


def _names(words: list[str], example: str) -> list[str]:
    said = " ".join(words).strip()
    if not said:
        raise MissingArgument(t.MANDATARY_MISSING.format(number="12"))
    if fold(said) in t.NONE_WORDS:
        return []
    names = [name.strip(' "«»“”') for name in said.split(",") if name.strip(' "«»“”')]
    for name in names:
        if len(name) > MAX_NAME:
            raise UserError(texts.TOO_LONG.format(what="Nom", length=len(name), limit=MAX_NAME))
    return names


@command(
    "mandataire",
    aliases=["mandataires", "echevin"],
    args=[ACTION, _rest("names", "Nom | aucun", _names)],
    who=ADMINS,
    summary="Ajouter le mandataire (échevin, président) d'une action ; « aucun » les retire.",
    details=(
        "Nommez-le comme l'annuaire nomme un pilote (initiales ou nom) : ses !mes-actions "
        "listent alors aussi les actions dont il est mandataire."
    ),
    examples=["!mandataire 12 JD", "!mandataire 12 aucun"],
)
def add_mandatary(ctx: Context, args: Args) -> Reply:
    action, names = args.action, args.names
    before = plan_fields_chat.mandataries_of(ctx.db, action.number)
    if not names and not before:
        raise UserError(t.NO_MANDATARY.format(number=action.code))
    for name in names:
        if fold(name) in {fold(b) for b in before}:
            raise UserError(safe(t.SAME_MANDATARY.format(name=name, number=action.code)))
    after = [*before, *names] if names else []
    plan_fields_chat.record_mandataries(
        ctx.db, action.number, ctx.user.chat_id, after, at=ctx.now, source_id=ctx.message.event_id
    )
    if not after:
        return Reply(text=t.MANDATARY_CLEARED.format(number=action.code))
    return Reply(text=safe(t.MANDATARY_SET.format(number=action.code, names=", ".join(after))))


@command(
    "decision",
    aliases=["deliberation"],
    args=[ACTION, _rest("decision", "conseil|college date [point X] [https://…]", read_decision)],
    who=ADMINS,
    summary="Noter une décision du Conseil ou du Collège sur une action (date, point, lien).",
    details="Date : 2027-03-24 ou 24/03/2027. Le lien doit commencer par https://.",
    examples=["!decision 29 conseil 2027-03-24 point 12 https://deliberations.be/2027/12"],
)
def add_decision(ctx: Context, args: Args) -> Reply:
    action, decision = args.action, args.decision
    if decision in fields_of(ctx.db, [action.number])[action.number].decisions:
        raise UserError(t.SAME_DECISION.format(number=action.code))
    plan_fields_chat.record_decision(
        ctx.db,
        action.number,
        ctx.user.chat_id,
        decision,
        at=ctx.now,
        source_id=ctx.message.event_id,
    )
    said = plan_fields.decision_text(decision)
    return Reply(text=safe(t.DECISION_SET.format(number=action.code, decision=said)))


@command(
    "synergie",
    aliases=["synergy"],
    args=[ACTION, _rest("partner", "plan:code", read_partner)],
    who=PILOTS_OF_ACTION,
    summary="Noter qu'une action est en synergie avec celle d'un autre plan (PST commune, CPAS).",
    details=(
        "Si l'autre plan est dans le bot, son action doit exister ; "
        "la synergie s'affiche dans les deux."
    ),
    examples=["!synergie 29 commune:5.1.4"],
)
def add_synergy(ctx: Context, args: Args) -> Reply:
    action, partner = args.action, args.partner
    known, number = (False, None)
    if partner.partner_code:
        known, number = plan_fields.action_in_plan(
            ctx.db, partner.partner_plan, partner.partner_code
        )
        if known and number is None:
            raise UserError(
                safe(t.UNKNOWN_PARTNER.format(plan=partner.partner_plan, code=partner.partner_code))
            )
    if number == action.number:
        raise UserError(t.SELF_SYNERGY)
    said = plan_fields.synergy_text(partner)
    current = fields_of(ctx.db, [action.number])[action.number].synergies
    if any(fold(plan_fields.synergy_text(s)) == fold(said) for s in current):
        raise UserError(safe(t.SAME_SYNERGY.format(number=action.code, partner=said)))
    plan_fields_chat.record_synergy(
        ctx.db, action.number, ctx.user.chat_id, partner, at=ctx.now, source_id=ctx.message.event_id
    )
    return Reply(text=safe(t.SYNERGY_SET.format(number=action.code, partner=said)))
