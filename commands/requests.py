"""Pilots ask, the DG decides: `!demande` (a later deadline, « pas moi », a new action in an
OO, a suspension, an abandon), `!demandes` for the DG and the CODIR, `!valider N` that applies
the request in the command's transaction (history, CODIR post) and `!refuser N raison`. The
pilot is told either way: a message recorded in `sends` in the same transaction, that the
running bot delivers within the minute (as it does a reminder). Nothing changes the plan
before the decision.

With `[access] validate = ["abandon", "suspend"]`, a pilot's `!maj 95 abandonné …` is such a
request too (commands/updates.py calls `status_request`).
"""

from datetime import datetime

from commands import requests_texts as texts
from commands.access import ADMINS, READERS_OF_REPORTS
from commands.arguments import PLAN, action_code, lookup_action, text
from commands.errors import UserError
from commands.formatting import esc, safe, shorten
from commands.registry import command
from commands.request_records import STATUS_OF, Asked, announced, describe, name_of
from commands.request_words import (
    PUNCTUATION,
    deadline_and_reason,
    split_reason,
    text_of,
    without_polite,
)
from commands.schedule import Outgoing
from commands.types import CODIR_ROOM, Args, Context, Post, Reply
from storage import history, requests, sends
from storage.actions import action_by_code, get_action, operational_objective
from storage.clock import today as local_day
from storage.deadlines import read_deadline
from storage.vocabulary import NOT_STARTED, NOTE, code_key, fold

#: `!demande` kind words, folded.
_KINDS = {
    "echeance": requests.DEADLINE,
    "echeances": requests.DEADLINE,
    "report": requests.DEADLINE,
    "reporter": requests.DEADLINE,
    "delai": requests.DEADLINE,
    "prolongation": requests.DEADLINE,
    "prolonger": requests.DEADLINE,
    "pas-moi": requests.NOT_ME,
    "pasmoi": requests.NOT_ME,
    "suspendre": requests.SUSPEND,
    "suspension": requests.SUSPEND,
    "suspendu": requests.SUSPEND,
    "suspendue": requests.SUSPEND,
    "abandon": requests.ABANDON,
    "abandonner": requests.ABANDON,
    "abandonne": requests.ABANDON,
    "abandonnee": requests.ABANDON,
}
_NEW = {"nouvelle", "nouveau", "nouvel"}
#: Words that may stand before the kind (« une nouvelle échéance », « un report »), folded.
_BEFORE_KIND = {"un", "une", "mon", "ma", *_NEW}
#: « pas moi » as pilots say it, folded: [c'est | ce n'est | c] pas [à | a | pour] moi.
_NOT_ME_LEADS = (("c'est",), ("cest",), ("c", "est"), ("c",), ("ce", "n'est"), ("ce", "n", "est"))
_NOT_ME_TO = {"a", "pour"}
REQUEST = "request"


def _strip_word(words: list[str], *expected: str) -> list[str]:
    return words[1:] if words and fold(words[0]).strip(PUNCTUATION) in expected else words


def _read_new_action(ctx: Context, words: list[str]) -> Asked:
    words = _strip_word(words, "action")
    words = _strip_word(words, "dans")
    words = _strip_word(words, "oo", "l'oo", "o.o", "l'o.o")
    if not words:
        raise UserError(texts.OO_MISSING)
    oo = words[0].removeprefix("OO").removeprefix("oo").strip(PUNCTUATION)
    if operational_objective(ctx.db, ctx.plan.id, oo) is None:
        raise UserError(texts.OO_UNKNOWN.format(oo=shorten(oo, 20)))
    title = text_of(_strip_word(words[1:], "titre", "intitule"))  # « 👍 » is no title
    if not title:
        raise UserError(texts.TITLE_MISSING.format(oo=oo))
    if not ctx.user.is_admin and not ctx.user.pilots:
        raise UserError(texts.NOT_A_PILOT)
    return Asked(requests.NEW_ACTION, oo=oo, wanted=title)


def _not_me(rest: list[str]) -> list[str]:
    """« c'est pas moi », « pas à moi » … as the one word « pas-moi »."""
    folded = [fold(word).strip(PUNCTUATION) for word in rest]
    for lead in ((), *_NOT_ME_LEADS):
        start = len(lead)
        if tuple(folded[:start]) != lead or folded[start : start + 1] != ["pas"]:
            continue
        end = start + 1
        if end < len(folded) and folded[end] in _NOT_ME_TO:
            end += 1
        if folded[end : end + 1] == ["moi"]:
            return ["pas-moi", *rest[end + 1 :]]
    return rest


def read_request(ctx: Context, said: str | None) -> Asked:
    """What `!demande …` asks; refuses in French what it cannot read. The grammar:

    request   = "nouvelle" new-action | ["action"] code [un|une|nouvelle …] kind [what] [reason]
    kind      = échéance|report|délai|prolongation | pas-moi | suspendre | abandon
    what      = a deadline (« au 30 juin 2027 svp » is « 30 juin 2027 ») after échéance;
                the reason itself after suspendre or abandon (required)
    reason    = (raison | car | parce que) words
    pas-moi   = [c'est | ce n'est] pas [à | pour] moi
    new-action = [action] [dans] [l']OO number [titre] title
    """
    words = (said or "").split()
    if not words:
        raise UserError(texts.MISSING)
    if fold(words[0]) in _NEW:
        return _read_new_action(ctx, words[1:])
    words = _strip_word(words, "action", "l'action")
    if not words:
        raise UserError(texts.MISSING)
    action = lookup_action(ctx.db, ctx.plan, action_code(words[0], "!demande 95 échéance 2027"))
    if not ctx.user.may_update(action.pilots) and not ctx.user.is_admin:
        pilots = ", ".join(action.pilots) or "aucun"
        raise UserError(texts.NOT_PILOT.format(code=action.code, pilots=pilots))
    rest = _not_me(words[1:])
    while len(rest) > 1 and fold(rest[0]) in _BEFORE_KIND:
        rest = rest[1:]
    if not rest:
        raise UserError(texts.MISSING)
    word = rest[0].strip(PUNCTUATION)
    kind = _KINDS.get(fold(word))
    if kind is None:
        raise UserError(texts.UNKNOWN_KIND.format(word=shorten(rest[0], 30)))
    if kind == requests.DEADLINE:
        wanted, reason = deadline_and_reason(rest[1:])
        if not wanted:
            raise UserError(texts.DEADLINE_MISSING.format(code=action.code))
        if not read_deadline(wanted).understood:
            raise UserError(texts.DEADLINE_NOT_UNDERSTOOD.format(wanted=shorten(wanted, 40)))
        return Asked(kind, action=action, wanted=wanted, reason=reason)
    body, reason = split_reason(rest[1:])
    reason = " ".join(filter(None, [text_of(without_polite(body)), reason])) or None
    if kind in STATUS_OF and not reason:
        raise UserError(texts.REASON_MISSING.format(code=action.code, kind=word))
    return Asked(kind, action=action, reason=reason)


@command(
    "demande",
    aliases=["demander", "requete"],
    args=[
        PLAN,
        text(
            "request",
            "N échéance|pas-moi|abandon|suspendre … | nouvelle OO N titre …",
            what="Demande",
            missing=texts.MISSING,
        ),
    ],
    summary="Demander au DG un report, un changement de pilote, une nouvelle action, une "
    "suspension ou un abandon ; rien ne change avant sa décision.",
    examples=[
        "!demande 95 échéance 2027-06-30 raison marché relancé",
        "!demande 12 pas-moi",
        "!demande nouvelle OO 2.1 titre Créer un guichet unique",
        "!demande 95 abandon projet repris par la commune",
    ],
)
def ask(ctx: Context, args: Args) -> Reply:
    row, what, post = announced(ctx, read_request(ctx, args.request))
    return Reply(text=safe(texts.RECORDED.format(id=row["id"], what=what)), posts=[post])


@command(
    "demandes",
    args=[PLAN],
    who=READERS_OF_REPORTS,
    summary="Les demandes des pilotes en attente de décision.",
    examples=["!demandes"],
)
def list_requests(ctx: Context, args: Args) -> Reply:
    rows = requests.open_requests(ctx.db, ctx.plan.id)
    if not rows:
        return Reply(text=texts.NONE_OPEN)
    lines = [texts.OPEN_HEAD.format(count=len(rows))]
    for row in rows:
        reason = texts.REASON.format(reason=shorten(row["reason"], 60)) if row["reason"] else ""
        day = f"{local_day(datetime.fromisoformat(row['at'])):%d/%m}"  # Brussels, not UTC
        lines.append(
            texts.OPEN_LINE.format(
                id=row["id"],
                who=name_of(ctx, row["who"]),
                day=day,
                what=describe(ctx, row),
                reason=reason,
            )
        )
    lines.append(texts.OPEN_FOOT)
    return Reply(text=safe("\n".join(lines)))


def _open_request(ctx: Context, said: str | None) -> tuple[dict, list[str]]:
    words = (said or "").split()
    if not words:
        raise UserError(texts.MISSING_NUMBER)
    word = words[0].lstrip("#").removeprefix("n°").strip(".,;:")
    if not word.isdigit():
        raise UserError(texts.NOT_A_NUMBER.format(word=shorten(words[0], 20)))
    row = requests.get_request(ctx.db, int(word))
    if row is None or row["plan_id"] not in (None, ctx.plan.id):
        raise UserError(texts.UNKNOWN.format(id=word))
    if row["decided_at"]:
        raise UserError(texts.DECIDED.format(id=word, decision=row["decision"]))
    return row, words[1:]


def _tell(ctx: Context, row: dict, line: str) -> None:
    """The pilot's message, recorded for the bot to deliver (once: its key is the request's)."""
    sends.record(
        ctx.db,
        Outgoing(
            key=f"{REQUEST}:{row['id']}:{row['decision']}",
            kind=REQUEST,
            recipient=row["who"],
            label=name_of(ctx, row["who"]),
            text=safe(line),
            html=esc(line),
            mentions=(row["who"],),
            at=ctx.now,
        ),
    )


def _apply(ctx: Context, row: dict, words: list[str]) -> str:
    """Do what the request asks, in the command's transaction; what was done."""
    note = {"id": row["id"]}
    if row["kind"] == requests.NEW_ACTION:
        return _create_action(ctx, row)
    action = get_action(ctx.db, row["action_number"])
    if row["kind"] == requests.DEADLINE:
        wanted = deadline_and_reason(words)[0] or row["wanted"] or ""
        read = read_deadline(wanted)
        if not read.understood:
            raise UserError(texts.BAD_DEADLINE.format(wanted=shorten(wanted, 40), id=row["id"]))
        if read.end is not None and read.end < ctx.today:
            raise UserError(texts.PAST_DEADLINE.format(wanted=shorten(wanted, 40), id=row["id"]))
        entry = history.record_deadline(
            ctx.db,
            action.number,
            ctx.user.chat_id,
            deadline=wanted,
            at=ctx.now,
            comment=row["reason"],
            source_id=ctx.message.event_id,
        )
        return texts.DONE_DEADLINE.format(
            code=action.code, old=entry["old_value"] or "—", new=wanted
        )
    if row["kind"] == requests.NOT_ME:
        theirs = ctx.directory.pilots_of(row["who"]) & set(action.pilots)
        pilots = "/".join(sorted(theirs)) or name_of(ctx, row["who"])
        if theirs:
            marks = ",".join("?" * len(theirs))
            ctx.db.execute(
                f"delete from action_pilots where action_number = ? and pilot in ({marks})",
                [action.number, *sorted(theirs)],
            )
        history.record_update(
            ctx.db,
            action.number,
            ctx.user.chat_id,
            kind=NOTE,
            comment=texts.NOT_ME_NOTE.format(pilots=pilots, **note),
            source_id=ctx.message.event_id,
            at=ctx.now,
        )
        return texts.DONE_NOT_ME.format(pilots=pilots, code=action.code)
    status = STATUS_OF[row["kind"]]
    entry = history.record_update(
        ctx.db,
        action.number,
        ctx.user.chat_id,
        new_status=status,
        comment=texts.STATUS_NOTE.format(reason=row["reason"] or "", **note).strip(),
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    return texts.DONE_STATUS.format(code=action.code, old=entry["old_status"], new=status)


def _next_code(ctx: Context, oo: str) -> str:
    codes = [
        r[0] for r in ctx.db.execute("select code from actions where plan_id = ?", [ctx.plan.id])
    ]
    if all(code.isdigit() for code in codes):
        return str(max((int(code) for code in codes), default=0) + 1)
    number = 1
    while f"{oo}.{number}" in codes:
        number += 1
    return f"{oo}.{number}"


def _create_action(ctx: Context, row: dict) -> str:
    oo = operational_objective(ctx.db, ctx.plan.id, row["oo_number"])
    code = _next_code(ctx, row["oo_number"])
    position = ctx.db.execute(
        "select coalesce(max(position), 0) + 1 from actions where oo_id = ?", [oo["id"]]
    ).fetchone()[0]
    cursor = ctx.db.execute(
        "insert into actions (plan_id, code, position, oo_id, title, indicators, deadline,"
        " status) values (?, ?, ?, ?, ?, '', '', ?)",
        [ctx.plan.id, code, position, oo["id"], row["wanted"], NOT_STARTED],
    )
    number = cursor.lastrowid
    pilots = sorted(ctx.directory.pilots_of(row["who"]), key=code_key)
    ctx.db.conn.executemany(
        "insert into action_pilots (action_number, pilot, position) values (?, ?, ?)",
        [(number, pilot, index) for index, pilot in enumerate(pilots)],
    )
    history.record_update(
        ctx.db,
        number,
        ctx.user.chat_id,
        kind=NOTE,
        comment=texts.NEW_ACTION_NOTE.format(id=row["id"]),
        source_id=ctx.message.event_id,
        at=ctx.now,
    )
    assert action_by_code(ctx.db, ctx.plan.id, code) is not None
    return texts.DONE_NEW_ACTION.format(code=code, title=row["wanted"], oo=row["oo_number"])


@command(
    "valider",
    aliases=["accepter"],
    args=[PLAN, text("request", "N [échéance]", what="Demande", missing=texts.MISSING_NUMBER)],
    who=ADMINS,
    summary="Valider une demande : elle est appliquée (historique, salon CODIR) et le pilote "
    "est prévenu.",
    examples=["!valider 3", "!valider 1 2027-06-30"],
)
def validate(ctx: Context, args: Args) -> Reply:
    row, words = _open_request(ctx, args.request)
    what = describe(ctx, row)
    done = _apply(ctx, row, words)
    row = requests.decide(ctx.db, row["id"], ctx.user.chat_id, requests.VALIDATED, at=ctx.now)
    _tell(ctx, row, texts.TOLD_VALIDATED.format(id=row["id"], what=what))
    post = texts.CODIR_VALIDATED.format(id=row["id"], who=name_of(ctx, row["who"]), done=done)
    return Reply(
        text=safe(texts.VALIDATED.format(id=row["id"], done=done)),
        posts=[Post(room=CODIR_ROOM, text=safe(post), html=esc(post))],
    )


@command(
    "refuser",
    args=[PLAN, text("request", "N raison", what="Demande", missing=texts.MISSING_NUMBER)],
    who=ADMINS,
    summary="Refuser une demande en disant pourquoi ; le pilote est prévenu.",
    examples=["!refuser 2 le service reste pilote"],
)
def refuse(ctx: Context, args: Args) -> Reply:
    row, words = _open_request(ctx, args.request)
    reason = text_of(words)  # « . » or « 👍 » is no reason
    if not reason:
        raise UserError(texts.MISSING_REASON)
    what = describe(ctx, row)
    row = requests.decide(
        ctx.db, row["id"], ctx.user.chat_id, requests.REFUSED, at=ctx.now, answer=reason
    )
    _tell(ctx, row, texts.TOLD_REFUSED.format(id=row["id"], what=what, reason=reason))
    return Reply(text=safe(texts.REFUSED.format(id=row["id"], who=name_of(ctx, row["who"]))))
