"""Quiet times and the digest on demand: !absent, !rappels, !digest.

!absent jusqu'au 20/12/2026     no reminder until that day, inclusive (!absent fin: back)
!rappels off | on               one's own reminders
!rappels pause | reprise        every reminder (admins)
!digest                         the CODIR digest as it would go now (admins, CODIR)
"""

import re
from datetime import date

from commands import rhythm_texts, texts
from commands.access import READERS_OF_REPORTS, Rule
from commands.arguments import Param, Reading, word_choice
from commands.errors import MissingArgument, UserError
from commands.formatting import day, shorten
from commands.registry import command
from commands.schedule import Rhythm, digest
from commands.types import Args, Context, Reply
from storage import absences
from storage.clock import today as local_today
from storage.vocabulary import fold

#: The words before the date: "jusqu'au", "jusqu au", "au", "until".
_UNTIL_WORDS = re.compile(r"^(?:jusqu ?'? ?(?:au|a)|au|until|to)\s+")
#: "20/12/2026", "20-12-2026", "20.12.2026" or "2026-12-20".
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
#: "!absent fin": back before the announced day.
_BACK_WORDS = {"fin", "non", "stop", "retour", "off", "aucune"}

OFF, ON, PAUSE, RESUME = "off", "on", "pause", "reprise"
_CHOICES = {
    "off": OFF,
    "non": OFF,
    "on": ON,
    "oui": ON,
    "pause": PAUSE,
    "reprise": RESUME,
    "reprendre": RESUME,
    "resume": RESUME,
}


def read_until(text: str) -> date | None:
    """What follows !absent: the last day away, or None for "back" ("fin", "non").

    >>> read_until("jusqu'au 20/12/2026"), read_until("fin")
    (datetime.date(2026, 12, 20), None)
    """
    words = _UNTIL_WORDS.sub("", fold(text).replace("’", "'"))
    if words in _BACK_WORDS:
        return None
    match = _DAY_MONTH_YEAR.match(words)
    parts = (match[3], match[2], match[1]) if match else None
    if parts is None and (match := _ISO.match(words)):
        parts = (match[1], match[2], match[3])
    try:
        return date(*(int(part) for part in parts)) if parts else _refuse(text)
    except ValueError:
        return _refuse(text)


def _refuse(text: str):
    raise UserError(rhythm_texts.AWAY_BAD_DATE.format(word=shorten(text, 30)))


def _until(reading: Reading) -> date | None:
    if not reading.words:
        example = rhythm_texts.away_example(local_today(reading.ctx.now))
        raise MissingArgument(rhythm_texts.AWAY_MISSING.format(away=example))
    until = read_until(reading.rest())
    today = local_today(reading.ctx.now)
    if until is not None and until < today:
        raise UserError(rhythm_texts.AWAY_PAST.format(until=day(until)))
    return until


UNTIL = Param("until", "jusqu'au JJ/MM/AAAA|fin", _until)


@command(
    "absent",
    aliases=["away"],
    args=[UNTIL],
    summary="Ne plus recevoir de rappels jusqu'à une date incluse (congé, maladie).",
    details="!absent fin au retour, si c'est plus tôt. Le digest CODIR n'est pas concerné.",
    examples=["!absent jusqu'au 20/12/2026", "!absent 20/12/2026", "!absent fin"],
)
def set_away(ctx: Context, args: Args) -> Reply:
    person = ctx.user.chat_id
    if args.until is None:
        if absences.away_until(ctx.db, person) is None:
            raise UserError(rhythm_texts.AWAY_NOT_SET)
        absences.set_away(ctx.db, person, None, at=ctx.now)
        return Reply(text=rhythm_texts.AWAY_ENDED)
    absences.set_away(ctx.db, person, args.until, at=ctx.now)
    return Reply(text=rhythm_texts.AWAY_SET.format(until=day(args.until)))


def _pause_is_for_admins(ctx: Context, args: Args) -> str | None:
    if args.choice in (PAUSE, RESUME) and not ctx.user.is_admin:
        return rhythm_texts.REMINDERS_PAUSE_ADMINS.format(
            ask=texts.ask_admins(ctx.directory.admins)
        )
    return None


@command(
    "rappels",
    aliases=["reminders"],
    args=[
        word_choice(
            "choice",
            "off|on|pause|reprise",
            _CHOICES,
            lambda word: rhythm_texts.REMINDERS_UNKNOWN.format(word=word),
        )
    ],
    who=Rule(rhythm_texts.WHO_SELF_OR_ADMINS, check=_pause_is_for_admins, needs=("choice",)),
    summary="Couper ou rétablir ses rappels ; les mettre tous en pause (administrateurs).",
    details=(
        "Les rappels partent les jours ouvrables, aux heures de bureau, un message par "
        "personne. Le digest CODIR n'est pas concerné."
    ),
    examples=["!rappels off", "!rappels on", "!rappels pause", "!rappels reprise"],
)
def set_reminders(ctx: Context, args: Args) -> Reply:
    choice, person = args.choice, ctx.user.chat_id
    if choice is None:
        raise MissingArgument(rhythm_texts.REMINDERS_MISSING)
    if choice in (PAUSE, RESUME):
        if absences.paused(ctx.db) == (choice == PAUSE):
            already = choice == PAUSE
            raise UserError(
                rhythm_texts.REMINDERS_ALREADY_PAUSED
                if already
                else rhythm_texts.REMINDERS_NOT_PAUSED
            )
        absences.set_paused(ctx.db, choice == PAUSE, who=person, at=ctx.now)
        return Reply(
            text=rhythm_texts.REMINDERS_PAUSED
            if choice == PAUSE
            else rhythm_texts.REMINDERS_RESUMED
        )
    if absences.reminders_on(ctx.db, person) == (choice == ON):
        raise UserError(
            rhythm_texts.REMINDERS_ALREADY_ON
            if choice == ON
            else rhythm_texts.REMINDERS_ALREADY_OFF
        )
    absences.set_reminders(ctx.db, person, on=choice == ON, at=ctx.now)
    return Reply(text=rhythm_texts.REMINDERS_ON if choice == ON else rhythm_texts.REMINDERS_OFF)


@command(
    "digest",
    who=READERS_OF_REPORTS,
    summary="Voir maintenant le digest CODIR de la semaine, tel qu'il partirait.",
    details="Le digest part seul chaque semaine dans le salon CODIR ; celui-ci n'est pas envoyé.",
    examples=["!digest"],
)
def show_digest(ctx: Context, args: Args) -> Reply:
    # The configured cadence is the bot's; its defaults tell the same changes and silences.
    outgoing = digest(ctx.db, ctx.rhythm or Rhythm(), ctx.directory, ctx.now)
    return Reply(text=outgoing.text, html=outgoing.html)
