"""A named indicator said in chat: `!indicateur 6 "dossiers traités" 4` (a dated value) or
`… cible 12 unité dossiers` (an admin's definition). !indicateur (commands/progress.py) hands
its value here when it starts with a quote; the other fields are commands/fields.py's. Every
write has its history entry (storage/plan_fields_chat.py), so `!annuler` takes it back."""

from commands import fields_texts as t
from commands import texts
from commands.errors import MissingArgument, NotAllowed, UserError
from commands.fields_grammar import MAX_NAME, NAMED, read_number
from commands.formatting import safe, shorten
from commands.render import indicator_line
from commands.types import Context, Reply
from storage import plan_fields_chat
from storage.actions import Action
from storage.french import number_text
from storage.plan_fields import fields_of
from storage.vocabulary import fold

#: What a named indicator's name starts with, after `!indicateur N`.
QUOTES = ('"', "«", "“", "”")


def record_named_indicator(ctx: Context, action: Action, said: str) -> Reply:
    """`!indicateur 6 "dossiers traités" 4` (a value) or `… cible 12 unité dossiers` (an
    admin's definition); called by !indicateur when its value starts with a quote."""
    match = NAMED.match(said.strip())
    if match is None:
        raise UserError(t.INDICATOR_NAME_UNCLOSED)
    name, words = match["name"], match["rest"].split()
    known = plan_fields_chat.indicator_named(ctx.db, action.number, name)
    if words and fold(words[0]) == "cible":
        return _define(ctx, action, known["name"] if known else name, words[1:])
    if known is None:
        names = [row["name"] for row in plan_fields_chat.indicator_rows(ctx.db, action.number)]
        refusal = (
            t.UNKNOWN_INDICATOR.format(number=action.code, name=name, names=", ".join(names))
            if names
            else t.NO_INDICATOR_YET.format(number=action.code, name=name)
        )
        raise UserError(safe(refusal + t.DEFINE_INDICATOR.format(number=action.code, name=name)))
    if not words:
        raise MissingArgument(t.INDICATOR_VALUE_MISSING.format(number=action.code, name=name))
    value = read_number(words[0])
    if value is None:
        refusal = t.BAD_INDICATOR_VALUE.format(
            word=shorten(words[0], 20), number=action.code, name=known["name"]
        )
        raise UserError(safe(refusal))
    unit = fold(known["unit"] or "")
    if words[1:] and fold(" ".join(words[1:])) != unit:
        example = f'!indicateur {action.code} "{known["name"]}" {words[0]}'
        raise UserError(
            safe(t.NOT_UNDERSTOOD.format(word=shorten(" ".join(words[1:]), 30), example=example))
        )
    plan_fields_chat.record_measure(
        ctx.db,
        action.number,
        ctx.user.chat_id,
        known,
        value,
        at=ctx.now,
        source_id=ctx.message.event_id,
    )
    indicator = next(
        i
        for i in fields_of(ctx.db, [action.number])[action.number].indicators
        if i.name == known["name"]
    )
    return Reply(
        text=safe(t.INDICATOR_VALUE_SET.format(number=action.code, line=indicator_line(indicator)))
    )


def _define(ctx: Context, action: Action, name: str, words: list[str]) -> Reply:
    if not ctx.user.is_admin:
        raise NotAllowed(t.DEFINE_ADMIN_ONLY.format(ask=texts.ask_admins(ctx.directory.admins)))
    target = read_number(words[0]) if words else None
    if target is None:
        raise UserError(t.BAD_TARGET.format(word=shorten(words[0] if words else "—", 20)))
    unit_words = words[1:]
    if unit_words and fold(unit_words[0]) in ("unite", "unites", "en"):
        unit_words = unit_words[1:]
    unit = " ".join(unit_words)[:MAX_NAME] or None
    plan_fields_chat.define_indicator(
        ctx.db,
        action.number,
        ctx.user.chat_id,
        name,
        target=target,
        unit=unit,
        at=ctx.now,
        source_id=ctx.message.event_id,
    )
    defined = plan_fields_chat.indicator_named(ctx.db, action.number, name)
    shown_unit = f" {defined['unit']}" if defined["unit"] else ""
    return Reply(
        text=safe(
            t.INDICATOR_DEFINED.format(
                number=action.code,
                name=defined["name"],
                target=number_text(target),
                unit=shown_unit,
            )
        )
    )


