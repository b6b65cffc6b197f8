"""Several plans in one database: !plans lists them, !plan shows or sets this room's plan."""

from commands import texts
from commands.access import Rule
from commands.arguments import Param, Reading
from commands.errors import UserError
from commands.formatting import safe, shorten
from commands.registry import command
from commands.types import Args, Context, Reply
from storage import plans


def _plan_code(reading: Reading) -> plans.Plan | None:
    """A plan of the database, by its code; None when no code is given."""
    if not reading.words:
        return None
    (word,) = reading.take()
    try:
        return plans.choose_plan(reading.ctx.db, code=word)
    except plans.NoPlan:
        raise UserError(texts.UNKNOWN_PLAN.format(code=shorten(word, 40), codes="aucun")) from None
    except plans.PlanUnknown as error:
        codes = ", ".join(error.codes)
        raise UserError(texts.UNKNOWN_PLAN.format(code=shorten(word, 40), codes=codes)) from None


def _choosing_needs_admin(ctx: Context, args: Args) -> str | None:
    if args.chosen is not None and not ctx.user.is_admin:
        return texts.PLAN_ADMIN_ONLY.format(ask=texts.ask_admins(ctx.directory.admins))
    return None


def _line(db, plan: plans.Plan, here: plans.Plan | None) -> str:
    count = plans.counts(db, plan.id)
    state = texts.PLAN_CLOSED_MARK if plan.closed else ""
    mark = texts.PLAN_HERE_MARK if here is not None and here.id == plan.id else ""
    return texts.PLAN_LINE.format(
        code=plan.code,
        title=shorten(plan.title, 60),
        os=count["os"],
        oo=count["oo"],
        actions=count["actions"],
        state=state,
        here=mark,
    )


@command(
    "plans",
    summary="Les PST de la base : code, titre, objectifs et actions ; celui de ce salon.",
    examples=["!plans"],
)
def list_plans(ctx: Context, args: Args) -> Reply:
    every = plans.all_plans(ctx.db)
    if not every:
        raise UserError(texts.EMPTY_PLAN)
    lines = [texts.PLANS_HEAD.format(count=len(every))]
    lines += [_line(ctx.db, plan, ctx.plan) for plan in every]
    if ctx.plan is None:
        lines.append(ctx.plan_refusal)
    return Reply(text=safe("\n".join(lines)))


@command(
    "plan",
    args=[Param("chosen", "[code]", _plan_code)],
    who=Rule(texts.WHO_PLAN, check=_choosing_needs_admin),
    summary="Le PST de ce salon, ou (administrateurs) choisir le PST de ce salon.",
    details="Le choix est enregistré et prime sur la configuration ([rooms.plans]).",
    examples=["!plan", "!plan commune"],
)
def room_plan(ctx: Context, args: Args) -> Reply:
    if args.chosen is None:
        if ctx.plan is None:
            return Reply(text=ctx.plan_refusal)
        return Reply(text=safe(texts.ROOM_PLAN.format(line=_line(ctx.db, ctx.plan, None))))
    if ctx.plan is not None and ctx.plan.id == args.chosen.id and ctx.message.room:
        stored = plans.room_plan(ctx.db, ctx.message.room)
        if stored is not None and stored.id == args.chosen.id:
            raise UserError(texts.SAME_ROOM_PLAN.format(code=args.chosen.code))
    plans.set_room_plan(ctx.db, ctx.message.room, args.chosen.id, who=ctx.user.chat_id, at=ctx.now)
    return Reply(text=safe(texts.ROOM_PLAN_SET.format(code=args.chosen.code)))
