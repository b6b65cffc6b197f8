"""Reading the plan: !action, and by objective !os, !oo, !synthese, !retard, !cherche."""

import re

from commands import fields_texts, texts
from commands.arguments import ACTION, PLAN, Param, Reading, plan_of
from commands.errors import MissingArgument, UserError
from commands.formatting import day, esc, paginate, percent, safe, shorten
from commands.registry import command
from commands.render import action_line, describe_update, field_lines, paged, status_line
from commands.types import Args, Context, Reply
from storage import history, plan_fields
from storage.actions import (
    Action,
    actions_of_oo,
    actions_of_os,
    get_action,
    list_actions,
    operational_objective,
    operational_objectives,
    search_actions,
    search_words,
    strategic_objective,
    strategic_objectives,
)
from storage.french import format_number
from storage.progress import count_statuses, done_percent, done_percent_note
from storage.vocabulary import ABANDONED, DONE, STATUSES

_OS = re.compile(r"^(?:os)?\s*(\d{1,4})$")
_OO = re.compile(r"^(?:oo)?\s*(\d{1,4})\s*[.,]\s*(\d{1,4})$")


# ---------------------------------------------------------------- arguments of this group


def _os_number(reading: Reading) -> int:
    """An OS of the plan: "2" or "os 2"; refuses with the range of OS."""
    plan_id = plan_of(reading).id
    all_os = strategic_objectives(reading.ctx.db, plan_id)
    if not all_os:
        raise UserError(texts.EMPTY_PLAN)
    words = reading.rest()
    if not words:
        what = "le numéro d'OS"
        raise MissingArgument(texts.MISSING_ARGUMENT.format(what=what, example=reading.example))
    match = _OS.match(words.casefold())
    if not match or strategic_objective(reading.ctx.db, plan_id, int(match.group(1))) is None:
        raise UserError(texts.UNKNOWN_OS.format(word=shorten(words, 20), high=all_os[-1]["number"]))
    return int(match.group(1))


def _oo_number(reading: Reading) -> str:
    """An OO of the plan: "2.1" (or "2,1", "oo 2.1"); refuses with the OO of that OS."""
    plan_id = plan_of(reading).id
    words = reading.rest()
    if not words:
        what = "le numéro d'OO"
        raise MissingArgument(texts.MISSING_ARGUMENT.format(what=what, example=reading.example))
    match = _OO.match(words.casefold())
    if not match:
        raise UserError(texts.BAD_OO.format(word=shorten(words, 20)))
    os_number, position = int(match.group(1)), int(match.group(2))
    number = f"{os_number}.{position}"
    if operational_objective(reading.ctx.db, plan_id, number) is None:
        oos = operational_objectives(reading.ctx.db, plan_id, os_number)
        known = [oo["number"] for oo in oos]
        if not known:
            reading.words = [str(os_number)]
            _os_number(reading)  # refuses with the range of OS
        raise UserError(texts.UNKNOWN_OO.format(word=number, os=os_number, known=", ".join(known)))
    return number


def _optional_os(reading: Reading) -> int | None:
    return _os_number(reading) if reading.words else None


def _search_words(reading: Reading) -> list[str]:
    plan_of(reading)
    words = search_words(reading.rest())
    if not words:
        raise MissingArgument(texts.SEARCH_MISSING)
    return words


OS = Param("os", "N", _os_number)
OO = Param("oo", "N.M", _oo_number)
SOME_OS = Param("os", "[OS]", _optional_os)
SEARCH = Param("words", "mots", _search_words)


# ---------------------------------------------------------------- shared lines


def bar(share: float, width: int = 10) -> str:
    """`bar(0.4)` -> "▓▓▓▓░░░░░░"."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return "▓" * filled + "░" * (width - filled)


def done_share(actions: list[Action]) -> float:
    """Share of actions done, abandoned ones left out (`storage.progress.done_percent`)."""
    return done_percent(count_statuses(actions)) / 100


def progress_line(actions: list[Action]) -> str:
    """ "▓▓▓░░░░░░░ 30 % fait (3/10)" """
    share = done_share(actions)
    done = sum(a.status == DONE for a in actions)
    counted = sum(a.status != ABANDONED for a in actions)
    return texts.PROGRESS_LINE.format(
        bar=bar(share), percent=round(share * 100), done=done, counted=counted
    )


def status_counts(actions: list[Action]) -> str:
    counts = count_statuses(actions)
    return ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])


# ---------------------------------------------------------------- commands


@command(
    "action",
    aliases=["a"],
    args=[ACTION],
    summary="Voir une action : objectifs, indicateurs, pilotes, échéance, statut.",
    examples=["!action 29"],
    questions=["action"],
    questions_rank=130,
    pointer="!action 47",
)
def show_action(ctx: Context, args: Args) -> Reply:
    action = args.action
    deadline = action.deadline or texts.NO_DEADLINE
    if action.end:
        deadline += texts.DEADLINE_END.format(day=day(action.end))
    head = texts.ACTION_HEAD.format(number=action.code, title=action.title)
    lines = [
        texts.ACTION_PLACE.format(
            os=action.os_number, oo=action.oo_number, title=shorten(action.oo_title, 80)
        ),
        texts.ACTION_INDICATORS.format(value=action.indicators or "—"),
        texts.ACTION_PILOTS.format(value=", ".join(action.pilots) or "—"),
        texts.ACTION_DEADLINE.format(value=deadline),
        texts.ACTION_STATUS.format(value=status_line(action, ctx.today)),
    ]
    if action.indicator_value:
        lines.append(texts.ACTION_REACHED.format(value=action.indicator_value))
    lines += _fields(ctx, args.plan.code, action)
    if action.last_comment:
        lines.append(texts.ACTION_LAST_COMMENT.format(value=action.last_comment))
    entries = history.last_entries(ctx.db, action.number, 3)
    if entries:
        lines.append(texts.ACTION_LAST_UPDATES)
        lines += [f"• {describe_update(e, ctx.directory)}" for e in entries]
    text = "\n".join([safe(head)] + [safe(line) for line in lines])
    html = f"<b>{esc(head)}</b><br>\n" + "<br>\n".join(esc(line) for line in lines)
    return Reply(text=text, html=html)


def _fields(ctx: Context, plan_code: str, action: Action) -> list[str]:
    """The action's indicators, budget, ODD, mandataires, decisions and synergies (those other
    plans' actions mark towards it too), only what is set."""
    fields = plan_fields.fields_of(ctx.db, [action.number])[action.number]
    towards = [
        fields_texts.SYNERGY_FROM.format(
            partner=f"{row['plan_code']}:{row['action_code']}", plan=row["plan_code"]
        )
        for row in plan_fields.synergies_towards(ctx.db, plan_code, action.code)
    ]
    return field_lines(fields, towards)


def _budget_line(total: float | None) -> list[str]:
    return [fields_texts.OBJECTIVE_BUDGET.format(total=plan_fields.money(total))] if total else []


@command(
    "os",
    args=[OS],
    summary="Un objectif stratégique : ses OO, leur avancement et ses retards.",
    examples=["!os 2"],
)
def show_os(ctx: Context, args: Args) -> Reply:
    number = args.os
    plan_id = args.plan.id
    objective = strategic_objective(ctx.db, plan_id, number)
    actions = actions_of_os(ctx.db, plan_id, number)
    lines = [
        f"OS {number} — {objective['title']}",
        texts.ACTION_COUNT.format(count=len(actions), statuses=status_counts(actions)),
        progress_line(actions),
        *_budget_line(plan_fields.budget_totals(ctx.db, plan_id)["os"].get(number)),
        texts.OS_OBJECTIVES,
    ]
    for oo in operational_objectives(ctx.db, plan_id, number):
        members = [a for a in actions if a.oo_number == oo["number"]]
        lines.append(
            texts.OS_OO_LINE.format(
                number=oo["number"],
                title=shorten(oo["title"], 50),
                percent=round(done_share(members) * 100),
                count=len(members),
            )
        )
    late = [a for a in actions if a.is_late(ctx.today)]
    if late:
        lines.append(texts.OS_LATE.format(count=len(late), number=number))
    lines.append(texts.OS_MORE)
    return Reply(text=safe("\n".join(lines)))


@command(
    "oo",
    args=[paged(OO)],
    summary="Un objectif opérationnel avec ses actions, leur statut et avancement.",
    details=texts.IN_PAGES,
    examples=["!oo 2.1"],
)
def show_oo(ctx: Context, args: Args) -> Reply:
    objective = operational_objective(ctx.db, args.plan.id, args.oo)
    actions = actions_of_oo(ctx.db, args.plan.id, args.oo)
    head = (
        f"OO {args.oo} — {shorten(objective['title'], 200)}\n"
        f"{progress_line(actions)} — {status_counts(actions)}"
    )
    budget = plan_fields.budget_totals(ctx.db, args.plan.id)["oo"].get(args.oo)
    head = "\n".join([head, *_budget_line(budget)])
    items = [action_line(a, ctx.today) for a in actions]
    return paginate(head, [("", items)], args.page, f"!oo {args.oo}", tail=[texts.OO_MORE])


@command(
    "synthese",
    aliases=["summary", "resume"],
    args=[PLAN],
    summary="La synthèse du PST : par OS, les actions par statut et le % fait.",
    examples=["!synthese"],
    questions=["avancement", "ou en est", "synthese"],
    questions_rank=60,
    broad_questions=["plan"],
)
def summary(ctx: Context, args: Args) -> Reply:
    actions = list_actions(ctx.db, args.plan.id)
    if not actions:
        raise UserError(texts.EMPTY_PLAN)
    late = sum(a.is_late(ctx.today) for a in actions)
    lines = [
        texts.SUMMARY_HEAD.format(day=day(ctx.today), count=len(actions)),
        texts.SUMMARY_PROGRESS.format(progress=_exact_progress_line(actions), late=late),
    ]
    for objective in strategic_objectives(ctx.db, args.plan.id):
        members = [a for a in actions if a.os_number == objective["number"]]
        lines.append(f"OS {objective['number']} {shorten(objective['title'], 45)}")
        counts = status_counts(members) or texts.NO_ACTION_IN_OS
        lines.append(f"  {_exact_progress_line(members)} — {counts}")
    lines.append(done_percent_note(count_statuses(actions)))
    lines.append(texts.SUMMARY_MORE)
    return Reply(text=safe("\n".join(lines)))


def _exact_progress_line(actions: list[Action]) -> str:
    """ "▓▓▓░░░░░░░ 33,3 % fait (3/9)": the same figure, to the decimal, as the reports."""
    by_status = count_statuses(actions)
    percent = done_percent(by_status)
    return texts.PROGRESS_LINE.format(
        bar=bar(percent / 100),
        percent=format_number(percent),
        done=by_status[DONE],
        counted=len(actions) - by_status[ABANDONED],
    )


@command(
    "retard",
    aliases=["overdue", "retards", "en-retard"],
    args=[PLAN, paged(SOME_OS)],
    summary="Les actions dont l'échéance est passée et qui ne sont pas faites, par OS.",
    details=texts.IN_PAGES,
    examples=["!retard", "!retard 3", "!retard page 2", "!retard 3 page 2"],
    questions=["retard"],
    questions_rank=20,
)
def overdue(ctx: Context, args: Args) -> Reply:
    actions = list_actions(ctx.db, args.plan.id)
    late = [a for a in actions if a.is_late(ctx.today)]
    if args.os is not None:
        late = [a for a in late if a.os_number == args.os]
    if not late:
        return Reply(text=texts.NO_OVERDUE)
    groups = []
    for os_number in dict.fromkeys(a.os_number for a in late):
        members = [a for a in late if a.os_number == os_number]
        title = shorten(members[0].os_title, 50)
        heading = f"OS {os_number} — {title} ({len(members)})"
        groups.append((heading, [_late_line(a) for a in members]))
    head = texts.OVERDUE_HEAD.format(count=len(late), day=day(ctx.today))
    again = "!retard" if args.os is None else f"!retard {args.os}"
    return paginate(head, groups, args.page, again)


def _late_line(action: Action) -> str:
    state = action.status
    if action.progress is not None:
        state += f" {percent(action.progress)}"
    return texts.OVERDUE_LINE.format(
        number=action.code,
        title=shorten(action.title, 45),
        deadline=shorten(action.deadline, 20),
        state=state,
        pilots="/".join(action.pilots) or "—",
    )


@command(
    "cherche",
    aliases=["search", "chercher", "recherche"],
    args=[paged(SEARCH)],
    summary="Chercher des actions par mots du titre ou des indicateurs (accents ignorés).",
    details=texts.IN_PAGES,
    examples=["!cherche audit", "!cherche numerisation courrier", "!cherche de page 2"],
    questions=["cherche", "trouve"],
    questions_rank=120,
    pointer="!cherche mots",
)
def search(ctx: Context, args: Args) -> Reply:
    numbers = search_actions(ctx.db, args.plan.id, args.words)
    shown_words = shorten(" ".join(args.words), 60)
    if not numbers:
        return Reply(text=safe(texts.SEARCH_NOTHING.format(words=shown_words)))
    head = texts.SEARCH_HEAD.format(count=len(numbers), words=shown_words)
    items = [action_line(get_action(ctx.db, number), ctx.today) for number in numbers]
    return paginate(head, [("", items)], args.page, "!cherche " + " ".join(args.words))
