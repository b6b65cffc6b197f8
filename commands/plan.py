"""Reading the plan: !action, !mes-actions, !tableau."""

from commands import texts
from commands.arguments import require_action
from commands.engine import Context, Reply
from commands.errors import UserError
from commands.formatting import day, esc, moment, percent, safe, shorten
from commands.registry import command
from storage import store
from storage.statuses import DONE, STATUSES


def status_line(action: dict, today) -> str:
    parts = [action["status"]]
    if action["progress"] is not None and action["status"] != DONE:
        parts.append(percent(action["progress"]))
    if action.get("health"):
        parts.append(f"santé : {action['health']}")
    if store.is_overdue(action, today):
        parts.append(f"⚠ {texts.LATE}")
    return " — ".join(parts)


#: How each kind of history entry reads when it changes no status.
KIND_LABELS = {
    "status": "mise à jour",
    "note": "note",
    "indicator": "indicateur",
    "health": "santé",
    "deadline": "échéance",
    "import": "import",
    "undo": "annulation",
}


def describe_update(entry: dict) -> str:
    """One history entry as "23/11/2026 10:40 LM : à démarrer → fait, 100 % — comment"."""
    when_who = f"{moment(entry['at'])} {entry['who']} : "
    if entry["kind"] == "undo":
        # An undo's comment says what it cancelled.
        return safe(when_who + (entry["comment"] or KIND_LABELS["undo"]))
    what = []
    if entry["old_status"] != entry["new_status"]:
        what.append(f"{entry['old_status']} → {entry['new_status']}")
    if entry["new_progress"] is not None and entry["new_progress"] != entry["old_progress"]:
        what.append(percent(entry["new_progress"]))
    if entry["kind"] in ("indicator", "health", "deadline") and entry["value"]:
        what.append(f"{KIND_LABELS[entry['kind']]} : {entry['value']}")
    text = when_who + (", ".join(what) or KIND_LABELS.get(entry["kind"], entry["kind"]))
    if entry["comment"]:
        text += f" — {entry['comment']}"
    return safe(text)


@command(
    "action",
    aliases=["a"],
    usage="N",
    summary="Voir une action : objectifs, indicateurs, pilotes, échéance, statut.",
    examples=["!action 29"],
)
def show_action(ctx: Context, args: str) -> Reply:
    action, _ = require_action(ctx.db, args, "!action 29")
    deadline = action["deadline"] or "non fixée"
    if action["end_date"]:
        deadline += f" (fin : {day(action['end_date'])})"
    head = f"Action {action['number']} — {action['title']}"
    lines = [
        f"OS {action['os_number']} › OO {action['oo_number']} {shorten(action['oo_title'], 80)}",
        f"Indicateurs : {action['indicators'] or '—'}",
        f"Pilotes : {', '.join(action['pilots']) or '—'}",
        f"Échéance : {deadline}",
        f"Statut : {status_line(action, ctx.today)}",
    ]
    if action["indicator_value"]:
        lines.append(f"Valeur atteinte : {action['indicator_value']}")
    if action["last_comment"]:
        lines.append(f"Dernier commentaire : {action['last_comment']}")
    updates = store.last_updates(ctx.db, action["number"], 3)
    if updates:
        lines.append("Dernières mises à jour :")
        lines += [f"• {describe_update(u)}" for u in updates]
    text = "\n".join([safe(head)] + [safe(line) for line in lines])
    html = f"<b>{esc(head)}</b><br>\n" + "<br>\n".join(esc(line) for line in lines)
    return Reply(text=text, html=html)


_GROUP_ORDER = ["en cours", "à démarrer", "suspendu", "fait", "abandonné"]


@command(
    "mine",
    aliases=["mes-actions", "mesactions", "moi-actions"],
    summary="Vos actions, groupées par statut, les retards d'abord.",
    examples=["!mes-actions"],
)
def my_actions(ctx: Context, args: str) -> Reply:
    if not ctx.user.pilots:
        raise UserError(texts.NO_PILOT_LINK)
    actions = store.actions_of_pilots(ctx.db, set(ctx.user.pilots))
    who = "/".join(sorted(ctx.user.pilots))
    if not actions:
        return Reply(text=texts.NO_ACTIONS.format(who=who))
    late = [a for a in actions if store.is_overdue(a, ctx.today)]
    groups = [(f"⚠ En retard ({len(late)})", late)] if late else []
    for status in _GROUP_ORDER:
        members = [a for a in actions if a["status"] == status and a not in late]
        if members:
            groups.append((f"{status.capitalize()} ({len(members)})", members))
    text_lines = [f"Actions de {who} : {len(actions)}"]
    html_parts = [f"<b>Actions de {esc(who)} : {len(actions)}</b>"]
    for heading, members in groups:
        items = [_mine_line(a) for a in members]
        text_lines.append(heading)
        text_lines += [f"• {item}" for item in items]
        html_parts.append(
            f"<b>{esc(heading)}</b><ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"
        )
    return Reply(text=safe("\n".join(text_lines)), html="\n".join(html_parts))


def _mine_line(action: dict) -> str:
    line = f"{action['number']} {shorten(action['title'], 60)}"
    extra = [action["deadline"]] if action["deadline"] else []
    if action["progress"] is not None and action["status"] != DONE:
        extra.append(percent(action["progress"]))
    return line + (f" ({', '.join(extra)})" if extra else "")


@command(
    "table",
    aliases=["tableau"],
    summary="Le tableau consolidé du PST en fichier CSV, avec un résumé.",
    examples=["!tableau"],
)
def consolidated_table(ctx: Context, args: str) -> Reply:
    from commands.exports import table_file
    from commands.reports import status_summary

    rows = store.consolidated_rows(ctx.db)
    if not rows:
        raise UserError(texts.EMPTY_PLAN)
    summary = status_summary(rows)
    lines = [f"Tableau consolidé : {len(rows)} actions au {ctx.today.strftime('%d/%m/%Y')}."]
    lines.append(f"{_counts(summary['by_status'])} ({summary['done_percent']:g} % faites).")
    for group in summary["by_os"]:
        lines.append(f"OS {group['os_number']} : {_counts(group['by_status'])}")
    attachment = table_file(ctx.db, "csv", ctx.today, rows)
    return Reply(text="\n".join(lines), attachments=[attachment])


def _counts(by_status: dict) -> str:
    return ", ".join(f"{by_status[s]} {s}" for s in STATUSES if by_status.get(s))
