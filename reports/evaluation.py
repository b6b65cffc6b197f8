"""The mid-term (or final) evaluation of the PST, in the shape Walloon CPAS already write it.

First the totals and the progress per OS; then, per OS and per OO, the actions under
"Actions réalisées", "Actions en cours", "Actions à démarrer", "Actions suspendues" and
"Actions abandonnées" (empty headings are left out), each action once, with its last comment
and a summary of its updates.

    >>> from reports.sample import synthetic_plan
    >>> evaluation_report(synthetic_plan(10), "md").decode().splitlines()[0]
    '# Évaluation à mi-législature du PST'
"""

import textwrap
from datetime import date

from reports.document import FORMATS, Document, Heading, Paragraph, Table, render
from reports.labels import EVALUATION_TITLE, SUMMARY_HEADERS, TOTAL, VOLET_LABELS
from reports.plan import (
    format_date_fr,
    format_percent,
    group_plan,
    local_time,
    pilots_text,
    status_summary,
    who_text,
)
from storage.vocabulary import (
    ABANDONED,
    DONE,
    HEALTH_LABELS,
    IN_PROGRESS,
    KIND_LABELS,
    NOT_STARTED,
    ON_HOLD,
    REPORT_ORDER,
    STATUS_CHANGE,
    STATUS_COLUMNS,
    STATUS_HEADINGS,
    health_label,
)

#: Updates listed per action; older ones are counted, not listed.
HISTORY_LIMIT = 5


def evaluation_report(
    rows: list[dict],
    fmt: str,
    *,
    title: str = EVALUATION_TITLE,
    since: date | None = None,
    generated_on: date | None = None,
) -> bytes:
    """The evaluation as file bytes; `fmt` is "html", "odt", "docx" or "md".

    With `since`, only the updates from `since` to `generated_on` (today by default) are
    summarised, and the first page states that period. Every action appears, whatever `since`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Format inconnu : {fmt!r} (formats possibles : {', '.join(FORMATS)})")
    document = evaluation_document(
        rows, title=title, since=since, generated_on=generated_on or date.today()
    )
    return render(document, fmt)


def evaluation_document(
    rows: list[dict], *, title: str, since: date | None, generated_on: date
) -> Document:
    blocks: list = []
    if since:
        blocks.append(
            Paragraph(
                f"Période évaluée : du {format_date_fr(since)} au {format_date_fr(generated_on)}. "
                "Les mises à jour résumées sont celles de cette période.",
                "meta",
            )
        )
    blocks.append(Paragraph(f"Situation au {format_date_fr(generated_on)}.", "meta"))
    blocks.extend(_overview(rows))
    blocks.append(Heading("Détail par objectif", 1))
    period = (since, generated_on) if since else None
    for os_group in group_plan(rows):
        volet = f" ({VOLET_LABELS[os_group.volet]})" if os_group.volet in VOLET_LABELS else ""
        blocks.append(
            Heading(f"Objectif stratégique {os_group.number} : {os_group.title}{volet}", 2)
        )
        for oo_group in os_group.objectives:
            blocks.append(Heading(f"Objectif opérationnel {oo_group.number} : {oo_group.title}", 3))
            for status in REPORT_ORDER:
                actions = [a for a in oo_group.actions if a["status"] == status]
                if not actions:
                    continue
                blocks.append(Heading(STATUS_HEADINGS[status], 4))
                for action in actions:
                    blocks.extend(_action_blocks(action, period))
    return Document(title, blocks)


def _overview(rows: list[dict]) -> list:
    summary = status_summary(rows)
    total, counts = summary["total"], summary["by_status"]

    def share(count: int) -> str:
        return format_percent(100 * count / total if total else 0)

    sentence = (
        f"{total} actions : {counts[DONE]} réalisées ({share(counts[DONE])}), "
        f"{counts[IN_PROGRESS]} en cours, {counts[NOT_STARTED]} à démarrer, "
        f"{counts[ON_HOLD]} suspendues et {counts[ABANDONED]} abandonnées. "
        f"Avancement moyen : {format_percent(summary['progress_percent'])} "
        "(actions abandonnées exclues, action réalisée comptée à 100 %)."
    )
    totals = [(STATUS_COLUMNS[s], str(counts[s]), share(counts[s])) for s in REPORT_ORDER]
    totals.append((TOTAL, str(total), share(total)))
    per_os = [
        (
            str(os["os_number"]),
            os["os_title"],
            *(str(count) for count in os["by_status"].values()),
            str(os["total"]),
            format_percent(os["done_percent"]),
            format_percent(os["progress_percent"]),
        )
        for os in summary["by_os"]
    ]
    return [
        Heading("Synthèse", 1),
        Paragraph(sentence),
        Table(("Statut", "Actions", "Part"), totals, frozenset({1, 2})),
        Heading("Avancement par objectif stratégique", 2),
        Table(
            SUMMARY_HEADERS,
            per_os,
            frozenset(range(2, len(SUMMARY_HEADERS))),
            widths=(1, 7) + (2,) * (len(SUMMARY_HEADERS) - 2),
        ),
    ]


def action_line(action: dict) -> str:
    """The line that names an action in the report.

    >>> action_line({"number": 3, "title": "Achat", "pilots": ["LM", "MR"], "deadline": "2024"})
    'Action 3 – Achat (pilotes : LM/MR ; échéance : 2024)'
    """
    details = []
    if action.get("pilots"):
        details.append(f"pilotes : {pilots_text(action)}")
    if action.get("deadline"):
        details.append(f"échéance : {action['deadline']}")
    suffix = f" ({' ; '.join(details)})" if details else ""
    return f"Action {action['number']} – {action['title']}{suffix}"


def _action_blocks(action: dict, period: tuple[date, date] | None) -> list[Paragraph]:
    blocks = [Paragraph(action_line(action), "action")]
    if action.get("last_comment"):
        blocks.append(Paragraph(action["last_comment"], "comment"))
    facts = []
    if action["status"] in (IN_PROGRESS, ON_HOLD) and action.get("progress") is not None:
        facts.append(f"Avancement : {action['progress']}\u00a0%.")
    if action.get("health") in HEALTH_LABELS:
        facts.append(f"Santé : {health_label(action['health'])}.")
    summary = history_summary(action.get("history") or [], period)
    if summary:
        facts.append(summary)
    if facts:
        blocks.append(Paragraph(" ".join(facts), "history"))
    return blocks


def history_summary(history: list[dict], period: tuple[date, date] | None = None) -> str | None:
    """The latest updates in one sentence; None when there is nothing to say.

    With a period (first day, last day), only the updates of that period count.
    """
    if period:
        first, last = period
        history = [e for e in history if first <= local_time(e["at"]).date() <= last]
        if not history:
            return "Aucune mise à jour sur la période."
    if not history:
        return None
    shown = history[-HISTORY_LIMIT:]
    older = len(history) - len(shown)
    label = "Mises à jour sur la période" if period else "Mises à jour"
    more = f" (et {older} plus ancienne{'s' if older > 1 else ''})" if older else ""
    return f"{label} : {' ; '.join(_entry_text(e) for e in shown)}{more}."


def _entry_text(entry: dict) -> str:
    who = who_text(entry.get("who"))
    head = format_date_fr(entry["at"]) + (f" ({who})" if who else "")
    kind = entry.get("kind")
    details = []
    if kind == STATUS_CHANGE:
        old, new = entry.get("old_status"), entry.get("new_status")
        details.append(f"{old} → {new}" if old and old != new else f"{new or ''}".strip())
    else:
        details.append(KIND_LABELS.get(kind, kind or ""))
    if entry.get("progress") is not None:
        details.append(f"{entry['progress']}\u00a0%")
    text = ", ".join(d for d in details if d)
    if entry.get("comment"):
        comment = " ".join(entry["comment"].split())
        if len(comment) > 120:
            comment = textwrap.shorten(comment, 120, placeholder=" […]")
        text += f" « {comment} »"
    return f"{head} : {text}"
