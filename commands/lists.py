"""Lists of actions: a pilot's own (!mes-actions) and the whole plan as a table (!tableau)."""

from commands import files, texts
from commands.access import READERS_OF_REPORTS
from commands.arguments import PLAN
from commands.errors import UserError
from commands.formatting import day, paginate, percent, shorten
from commands.registry import command
from commands.render import paged
from commands.types import Args, Context, Reply
from storage.actions import Action, list_actions
from storage.plan_fields import actions_of_mandataries
from storage.progress import status_summary
from storage.vocabulary import DONE, PILOT_ORDER, STATUSES


@command(
    "mes-actions",
    aliases=["mine", "mesactions", "moi-actions", "mes-action"],
    args=[PLAN, paged()],
    summary="Vos actions, groupées par statut, les retards d'abord.",
    details=texts.IN_PAGES,
    examples=["!mes-actions", "!mes-actions page 2"],
    questions=["mes action", "mon action", "faire"],
    questions_rank=30,
)
def my_actions(ctx: Context, args: Args) -> Reply:
    actions, who = _mine(ctx, args)
    if not actions:
        return Reply(text=texts.NO_ACTIONS.format(who=who))
    late = [a for a in actions if a.is_late(ctx.today)]
    groups = [(texts.MINE_LATE.format(count=len(late)), late)] if late else []
    for status in PILOT_ORDER:
        members = [a for a in actions if a.status == status and a not in late]
        if members:
            groups.append((f"{status.capitalize()} ({len(members)})", members))
    head = texts.MINE_HEAD.format(who=who, count=len(actions))
    return _grouped(head, groups, args.page, "!mes-actions")


@command(
    "mes-retards",
    aliases=["my-overdue", "mesretards", "mes-retard"],
    args=[PLAN, paged()],
    summary="Vos actions en retard (échéance passée, pas faites).",
    details=texts.IN_PAGES,
    examples=["!mes-retards", "!mes-retards page 2"],
    questions=["retard mes", "retard mon", "retard je"],
    questions_rank=10,
)
def my_overdue(ctx: Context, args: Args) -> Reply:
    actions, who = _mine(ctx, args)
    late = [a for a in actions if a.is_late(ctx.today)]
    if not late:
        return Reply(text=texts.MINE_NONE_LATE.format(who=who))
    head = texts.MINE_LATE_HEAD.format(who=who, count=len(late))
    return _grouped(head, [("", late)], args.page, "!mes-retards")


def _mine(ctx: Context, args: Args) -> tuple[list[Action], str]:
    """The actions of the pilots the sender is linked to, and those pilots' codes; with the
    actions whose mandataire is named as one of them (a mandataire is named as the directory
    names a pilot: initials or name, accents and case forgiven)."""
    if not ctx.user.pilots:
        raise UserError(texts.NO_PILOT_LINK)
    names = sorted(ctx.user.pilots)
    mandated = actions_of_mandataries(ctx.db, args.plan.id, names)
    where = (
        f"a.number in (select action_number from action_pilots where pilot in"
        f" ({','.join('?' * len(names))}))"
    )
    if mandated:
        where += f" or a.number in ({','.join('?' * len(mandated))})"
    actions = list_actions(ctx.db, args.plan.id, f"({where})", [*names, *mandated])
    return actions, "/".join(names)


def _grouped(head: str, groups: list[tuple[str, list[Action]]], page: int, again: str) -> Reply:
    lines = [(heading, [_mine_line(a) for a in members]) for heading, members in groups]
    return paginate(head, lines, page, again)


def _mine_line(action: Action) -> str:
    line = f"{action.code} {shorten(action.title, 60)}"
    extra = [action.deadline] if action.deadline else []
    if action.progress is not None and action.status != DONE:
        extra.append(percent(action.progress))
    return line + (f" ({', '.join(extra)})" if extra else "")


@command(
    "tableau",
    aliases=["table"],
    args=[PLAN],
    who=READERS_OF_REPORTS,
    summary="Le tableau consolidé du PST en fichier CSV, avec un résumé.",
    examples=["!tableau"],
    questions=["tableau"],
    questions_rank=90,
)
def consolidated_table(ctx: Context, args: Args) -> Reply:
    rows = files.plan_actions(ctx.db, args.plan)
    summary = status_summary(rows)
    lines = [texts.TABLE_HEAD.format(count=len(rows), day=day(ctx.today))]
    lines.append(
        texts.TABLE_DONE.format(
            counts=_counts(summary["by_status"]), percent=f"{summary['done_percent']:g}"
        )
    )
    for group in summary["by_os"]:
        lines.append(f"OS {group['os_number']} : {_counts(group['by_status'])}")
    attachment = files.table_file(
        ctx.db, args.plan, "csv", ctx.now, rows, organisation=ctx.organisation
    )
    return Reply(text="\n".join(lines), attachments=[attachment])


def _counts(by_status: dict) -> str:
    return ", ".join(f"{by_status[s]} {s}" for s in STATUSES if by_status.get(s))
