"""Undoing one's own updates: !annuler (the last, or the last of one action) and !corriger (undo
the last and apply the corrected one, as a proposal confirmed in one tap).

    !annuler          -> the last update of this person, whatever the action
    !annuler 59       -> their last standing update of action 59, nothing else
    !corriger non pas 116, 113   -> « … je l'annule et j'enregistre « !maj 113 fait » » + oui
"""

import re
from datetime import datetime, timedelta

from commands import fields_texts, intent_texts, texts
from commands.access import OWN_CHANGES
from commands.arguments import ACTION, Param, Reading, lookup_action, text
from commands.errors import NotAllowed, Proposal, UserError
from commands.formatting import moment, percent, safe, shorten
from commands.registry import command
from commands.render import codir_post, one_post, person_name
from commands.types import Args, Context, Reply
from storage import history, plan_fields_chat, plans
from storage.actions import get_action
from storage.vocabulary import (
    ADMIN_KINDS,
    DEADLINE,
    DONE,
    FIELD_KINDS,
    HEALTH,
    IN_PROGRESS,
    INDICATOR,
    KIND_LABELS,
    MANDATARY,
    NOTE,
    ODD,
    STATUS_CHANGE,
    fold,
)

UNDO_MINUTES = 15


def describe_undone(entry: dict, db) -> str:
    """What undoing `entry` does, e.g. "en cours, 40 % → à démarrer"."""
    kind = entry["kind"]
    if kind == NOTE:
        return texts.UNDONE_NOTE.format(note=shorten(entry["comment"] or "", 40))
    if kind in (INDICATOR, HEALTH):
        label = "indicateur" if kind == INDICATOR else "santé"
        before = history.value_before(db, entry, kind) or "—"
        return f"{label} {entry['value']} → {before}"
    if kind == DEADLINE:
        return f"échéance {entry['value']} → {entry['old_value'] or '—'}"
    if kind in (ODD, MANDATARY):
        label = KIND_LABELS[kind]
        return f"{label} {entry['value'] or 'aucun'} → {entry['old_value'] or 'aucun'}"
    if kind in FIELD_KINDS:
        return fields_texts.UNDONE_FIELD.format(
            what=KIND_LABELS[kind], value=shorten(entry["value"] or "", 60)
        )
    now = entry["new_status"] + _pct(entry["new_progress"])
    before = entry["old_status"] + _pct(entry["old_progress"])
    return f"{now} → {before}"


def _pct(progress: int | None) -> str:
    return f", {percent(progress)}" if progress is not None else ""


def _undone_action(reading: Reading):
    """The action whose last update to undo ("!annuler 59"), or None for the last update."""
    return ACTION.read(reading) if reading.words else None


@command(
    "annuler",
    aliases=["undo"],
    args=[Param("action", "[N]", _undone_action)],
    who=OWN_CHANGES,
    summary=f"Annuler votre dernière mise à jour (dans les {UNDO_MINUTES} minutes).",
    details=(
        "L'annulation est ajoutée à l'historique, rien n'est effacé. Une mise à jour groupée "
        "est annulée en entier. Répété, !annuler remonte à la mise à jour précédente. "
        "Avec un numéro, seule votre dernière mise à jour de cette action est annulée. "
        "Impossible si quelqu'un a modifié l'action depuis."
    ),
    examples=["!annuler", "!annuler 59"],
    questions=["annuler", "trompe", "erreur"],
    questions_rank=40,
)
def undo(ctx: Context, args: Args) -> Reply:
    action = args.action
    entries = history.last_undoable(
        ctx.db, ctx.user.chat_id, action.number if action is not None else None
    )
    if not entries:
        if action is not None:
            raise UserError(intent_texts.NOTHING_TO_UNDO_ON_ACTION.format(number=action.code))
        if history.count_changes_by(ctx.db, ctx.user.chat_id):
            raise UserError(texts.NOTHING_MORE_TO_UNDO)
        raise UserError(texts.NOTHING_TO_UNDO)
    latest = entries[-1]
    if ctx.now - datetime.fromisoformat(latest["at"]) > timedelta(minutes=UNDO_MINUTES):
        too_old = intent_texts.UNDO_ACTION_TOO_OLD if action is not None else texts.UNDO_TOO_OLD
        raise UserError(
            too_old.format(
                number=latest["action_code"], at=moment(latest["at"]), minutes=UNDO_MINUTES
            )
        )
    for entry in entries:
        current = get_action(ctx.db, entry["action_number"])
        owner = plans.plan_by_id(ctx.db, current.plan_id)
        if owner.closed:
            raise UserError(texts.PLAN_CLOSED.format(code=owner.code))
        # Rights are today's: a pilot unlinked since, or an admin no longer one, may not undo.
        if entry["kind"] in ADMIN_KINDS and ctx.user.is_admin:
            continue
        if entry["kind"] in ADMIN_KINDS or not ctx.user.may_update(current.pilots):
            raise NotAllowed(texts.UNDO_NOT_ALLOWED.format(number=entry["action_code"]))
    group = {e["id"] for e in entries}
    for entry in entries:
        newer = history.newer_change(ctx.db, entry, ignore=group)
        if newer is not None:
            raise UserError(
                texts.UNDO_BLOCKED.format(
                    number=entry["action_code"],
                    who=person_name(ctx.directory, newer["who"]),
                    at=moment(newer["at"]),
                )
            )
    undone = {entry["id"]: describe_undone(entry, ctx.db) for entry in entries}
    history.record_undo(
        ctx.db,
        entries,
        ctx.user.chat_id,
        at=ctx.now,
        comments={id_: texts.UNDO_COMMENT.format(what=what) for id_, what in undone.items()},
        source_id=ctx.message.event_id,
    )
    for entry in entries:
        plan_fields_chat.take_back(ctx.db, entry)
    lines = [
        texts.UNDONE_LINE.format(number=e["action_code"], what=undone[e["id"]]) for e in entries
    ]
    posts = [
        codir_post(
            ctx,
            get_action(ctx.db, e["action_number"]),
            texts.UNDONE_POST.format(what=undone[e["id"]]),
        )
        for e in entries
        if e["kind"] in (STATUS_CHANGE, DEADLINE)
    ]
    if len(lines) == 1:
        return Reply(text=safe(texts.UNDONE_ONE.format(line=lines[0])), posts=posts)
    text_ = texts.UNDONE_MANY.format(count=len(lines))
    listed = "\n".join(f"• {line}" for line in lines)
    return Reply(text=safe(text_ + "\n" + listed), posts=one_post(posts))


# ---------------------------------------------------------------- !corriger

#: "4%" / "40 %": a percentage in a correction.
_PERCENT = re.compile(r"(\d{1,3})\s*%")
#: An action code in a correction, not a percentage nor a year.
_CODE = re.compile(r"(?<![\w%.,])(\d{1,3}(?:\.\d{1,3}){0,3})(?![\w%]|[.,]\d|\s*%)")
#: What only says "this is a correction", before the corrected update ("pardon 53 fait").
_LEAD = re.compile(
    r"^(?:(?:pardon|oups|oops|zut|correction|erratum|erreur|non|je\s+voulais\s+dire|plutot)"
    r"[\s,:;.!-]*)+"
)


def _entry_line(entry: dict, code: str, progress: int | None = None) -> str:
    """The command that stores `entry` again on action `code` (with `progress` instead of its
    own, for a status change)."""
    comment = f" {entry['comment']}" if entry["comment"] else ""
    kind = entry["kind"]
    if kind == NOTE:
        return f"!note {code}{comment}"
    if kind == HEALTH:
        return f"!sante {code} {entry['value']}{comment}"
    if kind == INDICATOR:
        return f"!indicateur {code} {entry['value']}"
    if kind == DEADLINE:
        return f"!echeance {code} {entry['value']}{comment}"
    if kind in FIELD_KINDS:
        raise UserError(fields_texts.NOTHING_LEFT_TO_CORRECT)
    status = entry["new_status"]
    if progress is None:
        progress = entry["new_progress"]
    elif progress == 100:
        status = DONE
    elif status == DONE:
        status = IN_PROGRESS
    shown = f" {progress}%" if progress is not None and status != DONE else ""
    return f"!maj {code} {status}{shown}{comment}"


def _what(entry: dict) -> str:
    """What `entry` stored, in a few words: "fait, 100 %", "note « réunion »"."""
    if entry["kind"] == STATUS_CHANGE:
        progress = entry["new_progress"]
        return entry["new_status"] + (f", {percent(progress)}" if progress is not None else "")
    if entry["kind"] == NOTE:
        return texts.UNDONE_NOTE.format(note=shorten(entry["comment"] or "", 40))
    return f"{entry['kind']} {entry['value']}"


def _corrected(ctx: Context, said: str) -> tuple[dict, str]:
    """The entry to undo and the line that replaces it, read from the correction."""
    folded = fold(said)
    wrong_code = re.search(
        r"\bpas\s+(?:le\s+|l'action\s+)?(\d{1,3}(?:\.\d{1,3}){0,3})\b(?!\s*%)", folded
    )
    wrong_pct = re.search(r"\bpas\s+(\d{1,3})\s*%", folded)
    codes = [c for c in _CODE.findall(folded) if not wrong_code or c != wrong_code.group(1)]
    percents = [int(p) for p in _PERCENT.findall(folded)]
    if wrong_pct:
        percents.remove(int(wrong_pct.group(1)))
    wrong = wrong_code.group(1) if wrong_code else None
    entry = _recent_entry(ctx, wrong)
    rest = _LEAD.sub("", folded).strip()
    if rest and re.match(r"\d", rest) and not wrong and not percents and re.search(r"[a-z]", rest):
        return entry, "!maj " + _LEAD.sub("", said.strip(), count=1).strip()  # "pardon 53 fait"
    if codes and not percents:
        new = lookup_action(ctx.db, ctx.plan, codes[0]) if ctx.plan else None
        if new is None:
            raise UserError(ctx.plan_refusal or intent_texts.WHICH_CORRECTION)
        return entry, _entry_line(entry, new.code)
    if percents and entry["kind"] == STATUS_CHANGE and len(percents) == 1:
        if not 0 <= percents[0] <= 100:
            raise UserError(intent_texts.WHICH_CORRECTION)
        return entry, _entry_line(entry, entry["action_code"], percents[0])
    raise UserError(intent_texts.WHICH_CORRECTION)


def _recent_entry(ctx: Context, code: str | None) -> dict:
    """This person's last standing update (of action `code` when given), if recent enough to
    undo; one action only."""
    number = None
    if code is not None:
        if ctx.plan is None:
            raise UserError(ctx.plan_refusal)
        number = lookup_action(ctx.db, ctx.plan, code).number
    entries = history.last_undoable(ctx.db, ctx.user.chat_id, number)
    recent = entries and ctx.now - datetime.fromisoformat(entries[-1]["at"]) <= timedelta(
        minutes=UNDO_MINUTES
    )
    if not recent:
        if code is not None:
            raise UserError(intent_texts.NO_RECENT_UPDATE_OF.format(number=code))
        raise UserError(intent_texts.NO_RECENT_UPDATE)
    codes = sorted({e["action_code"] for e in entries})
    if len(codes) > 1:
        raise UserError(
            intent_texts.WHICH_OF_GROUPED.format(codes=", ".join(codes), first=codes[0])
        )
    return entries[-1]


@command(
    "corriger",
    aliases=["correction"],
    args=[text("correction", "correction", what="Correction")],
    who=OWN_CHANGES,
    summary=(
        f"Corriger votre dernière mise à jour (dans les {UNDO_MINUTES} minutes) : "
        "annulée et remplacée, après votre « oui »."
    ),
    details="Compris aussi : « pardon je voulais dire 53 », « oups 4 % pas 40 % ».",
    examples=["!corriger non pas 116, 113", "!corriger 113 fait"],
)
def correct(ctx: Context, args: Args) -> Reply:
    entry, line = _corrected(ctx, args.correction or "")
    what = _what(entry)
    raise Proposal(
        safe(
            intent_texts.CORRECTION_PROPOSAL.format(old=entry["action_code"], what=what, line=line)
        ),
        (f"!annuler {entry['action_code']}", line),
    )
