"""Reading the plan by objective: !os, !oo, !retard, !cherche, !synthese."""

import re
from collections import Counter

from commands import texts
from commands.engine import Context, Reply
from commands.errors import MissingArgument, UserError
from commands.formatting import percent, safe, shorten
from commands.plan import status_line
from commands.registry import command
from storage import queries, store
from storage.statuses import ABANDONED, DONE, STATUSES

#: Late actions listed per OS by !retard before "… and N more".
LATE_PER_OS = 8
SEARCH_RESULTS = 15
_OS = re.compile(r"^(?:os)?\s*(\d{1,4})$")
_OO = re.compile(r"^(?:oo)?\s*(\d{1,4})\s*[.,]\s*(\d{1,4})$")


def bar(share: float, width: int = 10) -> str:
    """`bar(0.4)` -> "▓▓▓▓░░░░░░"."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return "▓" * filled + "░" * (width - filled)


def done_share(actions: list[dict]) -> float:
    """Share of actions done, abandoned ones left out."""
    counted = [a for a in actions if a["status"] != ABANDONED]
    if not counted:
        return 0.0
    return sum(a["status"] == DONE for a in counted) / len(counted)


def progress_line(actions: list[dict]) -> str:
    """ "▓▓▓░░░░░░░ 30 % fait (3/10)" """
    share = done_share(actions)
    done = sum(a["status"] == DONE for a in actions)
    counted = sum(a["status"] != ABANDONED for a in actions)
    return f"{bar(share)} {round(share * 100)} % fait ({done}/{counted})"


def status_counts(actions: list[dict]) -> str:
    counts = Counter(a["status"] for a in actions)
    return ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])


def action_line(action: dict, today) -> str:
    return f"{action['number']} {shorten(action['title'], 55)} — {status_line(action, today)}"


def _os_number(ctx: Context, args: str) -> int:
    all_os = queries.strategic_objectives(ctx.db)
    if not all_os:
        raise UserError(texts.EMPTY_PLAN)
    high = all_os[-1]["number"]
    if not args:
        raise MissingArgument(texts.MISSING_ARGUMENT.format(what="le numéro d'OS", example="!os 2"))
    match = _OS.match(args.casefold())
    if not match or queries.strategic_objective(ctx.db, int(match.group(1))) is None:
        raise UserError(texts.UNKNOWN_OS.format(word=shorten(args, 20), high=high))
    return int(match.group(1))


@command(
    "os",
    usage="N",
    summary="Un objectif stratégique : ses OO, leur avancement et ses retards.",
    examples=["!os 2"],
)
def show_os(ctx: Context, args: str) -> Reply:
    number = _os_number(ctx, args)
    objective = queries.strategic_objective(ctx.db, number)
    actions = queries.actions_of_os(ctx.db, number)
    lines = [
        f"OS {number} — {objective['title']}",
        f"{len(actions)} actions : {status_counts(actions)}",
        progress_line(actions),
        "Objectifs opérationnels :",
    ]
    for oo in queries.operational_objectives(ctx.db, number):
        members = [a for a in actions if a["oo_number"] == oo["number"]]
        lines.append(
            f"• {oo['number']} {shorten(oo['title'], 50)} — {round(done_share(members) * 100)} %"
            f" fait ({len(members)} actions)"
        )
    late = [a for a in actions if store.is_overdue(a, ctx.today)]
    if late:
        lines.append(f"⚠ {len(late)} en retard : !retard {number}")
    lines.append("Détail d'un OO : !oo N.M")
    return Reply(text=safe("\n".join(lines)))


@command(
    "oo",
    usage="N.M",
    summary="Un objectif opérationnel avec ses actions, leur statut et avancement.",
    examples=["!oo 2.1"],
)
def show_oo(ctx: Context, args: str) -> Reply:
    if not args:
        what = "le numéro d'OO"
        raise MissingArgument(texts.MISSING_ARGUMENT.format(what=what, example="!oo 2.1"))
    match = _OO.match(args.casefold())
    if not match:
        raise UserError(texts.BAD_OO.format(word=shorten(args, 20)))
    os_number, position = int(match.group(1)), int(match.group(2))
    oo_number = f"{os_number}.{position}"
    objective = queries.operational_objective(ctx.db, oo_number)
    if objective is None:
        known = [oo["number"] for oo in queries.operational_objectives(ctx.db, os_number)]
        if not known:
            _os_number(ctx, str(os_number))  # refuses with the range of OS
        raise UserError(
            texts.UNKNOWN_OO.format(word=oo_number, os=os_number, known=", ".join(known))
        )
    actions = queries.actions_of_oo(ctx.db, oo_number)
    lines = [
        f"OO {oo_number} — {objective['title']}",
        f"{progress_line(actions)} — {status_counts(actions)}",
    ]
    lines += [f"• {action_line(a, ctx.today)}" for a in actions]
    lines.append("Détail d'une action : !action N")
    return Reply(text=safe("\n".join(lines)))


@command(
    "retard",
    aliases=["overdue", "retards"],
    usage="[OS]",
    summary="Les actions dont l'échéance est passée et qui ne sont pas faites, par OS.",
    examples=["!retard", "!retard 3"],
)
def overdue(ctx: Context, args: str) -> Reply:
    only = _os_number(ctx, args) if args else None
    late = [a for a in store.list_actions(ctx.db) if store.is_overdue(a, ctx.today)]
    if only is not None:
        late = [a for a in late if a["os_number"] == only]
    if not late:
        return Reply(text=texts.NO_OVERDUE)
    lines = [f"⚠ {len(late)} actions en retard au {ctx.today.strftime('%d/%m/%Y')} :"]
    for os_number in dict.fromkeys(a["os_number"] for a in late):
        members = [a for a in late if a["os_number"] == os_number]
        lines.append(f"OS {os_number} — {shorten(members[0]['os_title'], 50)} ({len(members)})")
        shown = members if only is not None else members[:LATE_PER_OS]
        lines += [f"• {_late_line(a)}" for a in shown]
        if len(members) > len(shown):
            lines.append(f"  … et {len(members) - len(shown)} autres : !retard {os_number}")
    return Reply(text=safe("\n".join(lines)))


def _late_line(action: dict) -> str:
    state = action["status"]
    if action["progress"] is not None:
        state += f" {percent(action['progress'])}"
    pilots = "/".join(action["pilots"]) or "—"
    return (
        f"{action['number']} {shorten(action['title'], 45)} "
        f"(échéance {shorten(action['deadline'], 20)}, {state}, {pilots})"
    )


@command(
    "cherche",
    aliases=["search", "chercher", "recherche"],
    usage="mots",
    summary="Chercher des actions par mots du titre ou des indicateurs (accents ignorés).",
    examples=["!cherche audit", "!cherche numerisation courrier"],
)
def search(ctx: Context, args: str) -> Reply:
    words = queries.search_words(args)
    if not words:
        raise MissingArgument(texts.SEARCH_MISSING)
    numbers = queries.search_actions(ctx.db, words)
    shown_words = shorten(" ".join(words), 60)
    if not numbers:
        return Reply(text=safe(texts.SEARCH_NOTHING.format(words=shown_words)))
    lines = [f"{len(numbers)} actions pour « {shown_words} » :"]
    for number in numbers[:SEARCH_RESULTS]:
        lines.append(f"• {action_line(store.get_action(ctx.db, number), ctx.today)}")
    if len(numbers) > SEARCH_RESULTS:
        lines.append(f"… et {len(numbers) - SEARCH_RESULTS} autres : précisez la recherche.")
    return Reply(text=safe("\n".join(lines)))


@command(
    "synthese",
    aliases=["summary", "resume"],
    summary="La synthèse du PST : par OS, les actions par statut et le % fait.",
    examples=["!synthese"],
)
def summary(ctx: Context, args: str) -> Reply:
    actions = store.list_actions(ctx.db)
    if not actions:
        raise UserError(texts.EMPTY_PLAN)
    late = sum(store.is_overdue(a, ctx.today) for a in actions)
    lines = [
        f"PST au {ctx.today.strftime('%d/%m/%Y')} : {len(actions)} actions",
        f"{progress_line(actions)} — {late} en retard",
    ]
    for objective in queries.strategic_objectives(ctx.db):
        members = [a for a in actions if a["os_number"] == objective["number"]]
        lines.append(f"OS {objective['number']} {shorten(objective['title'], 45)}")
        lines.append(f"  {progress_line(members)} — {status_counts(members) or 'aucune action'}")
    lines.append("Détail : !os N, retards : !retard")
    return Reply(text=safe("\n".join(lines)))
