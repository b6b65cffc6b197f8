"""The kinds of arguments a command declares, and how the engine reads them from the message.

    @command("note", args=[ACTION, text("comment", "texte", missing=texts.NOTE_MISSING)], ...)
    def add_note(ctx, args):
        args.action.number, args.comment

Each kind takes its words from the front of what is left of the message, refuses with a
sentence a pilot understands (`UserError`), and gives the usage line its word ("N", "statut").
The engine reads them in order; a command never parses its own arguments.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from commands import texts
from commands.chat_ids import well_formed
from commands.errors import MissingArgument, UnknownAction, UserError
from commands.formatting import shorten
from commands.types import Args, Context
from storage.actions import Action, action_by_code, code_range, codes_ending
from storage.vocabulary import ACTION_CODE, fold

#: What may stand before a code: "#29", "n°29", "N° 29".
_CODE_PREFIX = re.compile(r"^(?:#|n°|no\.?|nº)\s*", re.IGNORECASE)
#: The longest free text a command stores (a note, a comment, a reason).
MAX_TEXT = 1000


@dataclass
class Reading:
    """What a kind sees: the context, the words left, the values read so far, the example."""

    ctx: Context
    words: list[str]
    values: Args
    example: str

    def take(self, count: int = 1) -> list[str]:
        taken, self.words = self.words[:count], self.words[count:]
        return taken

    def rest(self) -> str:
        """Every word left, single-spaced (line breaks become spaces)."""
        return " ".join(self.take(len(self.words)))


@dataclass(frozen=True)
class Param:
    """One declared argument: its name in `args`, its word in the usage line, how it is read."""

    name: str
    usage: str
    read: Callable[[Reading], Any] = field(compare=False)


def read_args(
    ctx: Context,
    params: tuple[Param, ...],
    text: str,
    example: str,
    after_each: Callable[[Args], None] = lambda args: None,
) -> Args:
    """Read `params` in order from `text`, calling `after_each` with what is read so far after
    each one (so a refusal comes as early as it can); the words nobody takes are ignored."""
    reading = Reading(ctx=ctx, words=text.split(), values=Args(), example=example)
    for param in params:
        reading.values[param.name] = param.read(reading)
        after_each(reading.values)
    return reading.values


def usage(params: tuple[Param, ...]) -> str:
    """The usage line of a declaration: "N statut [NN%] [commentaire]"."""
    return " ".join(p.usage for p in params if p.usage)


# ---------------------------------------------------------------- the plan and its actions


def plan_of(reading: Reading):
    """The plan of this room (see the engine), kept as `args.plan`; refuses when none can be
    chosen."""
    if reading.ctx.plan is None:
        raise UserError(reading.ctx.plan_refusal or texts.EMPTY_PLAN)
    return reading.values.setdefault("plan", reading.ctx.plan)


#: The room's plan, as `args.plan` (a storage.plans.Plan); shows nothing in the usage line.
PLAN = Param("plan", "", plan_of)


def action_code(word: str, example: str) -> str:
    """`"47"`, `"#47"`, `"n°1.1.2"` -> the code; refuses anything else."""
    code = _CODE_PREFIX.sub("", word.strip()).rstrip(".,;:!?)")  # "!action 47."
    if not ACTION_CODE.match(code):
        raise UnknownAction(texts.NOT_A_NUMBER.format(word=word[:30], example=example))
    return code


def lookup_action(db, the_plan, code: str) -> Action:
    """The plan's action with this code; refuses with the plan's first and last codes."""
    action = action_by_code(db, the_plan.id, code)
    if action is None:
        # « A1 » as the file printed it, when the numbering restarted in each OO (a code
        # of digits only is never completed: « 3.2 » is not « 1.3.2 »).
        has_letter = any(character.isalpha() for character in code)
        printed = codes_ending(db, the_plan.id, code) if has_letter else []
        if len(printed) == 1:
            return action_by_code(db, the_plan.id, printed[0])
        if printed:
            raise UnknownAction(
                texts.AMBIGUOUS_ACTION.format(
                    number=code, codes=", ".join(printed[:6]), first=printed[0]
                )
            )
        bounds = code_range(db, the_plan.id)
        if bounds is None:
            raise UnknownAction(texts.EMPTY_PLAN)
        low, high = bounds
        raise UnknownAction(texts.UNKNOWN_ACTION.format(number=code, low=low, high=high))
    return action


def _action(reading: Reading) -> Action:
    the_plan = plan_of(reading)
    if not reading.words:
        raise MissingArgument(
            texts.MISSING_ARGUMENT.format(what="le numéro", example=reading.example)
        )
    (word,) = reading.take()
    return lookup_action(reading.ctx.db, the_plan, action_code(word, reading.example))


#: An action of the room's plan, by its code: "29", "#29", "1.1.2" (sets `args.plan` too).
ACTION = Param("action", "N", _action)


# ---------------------------------------------------------------- people


def chat_id(word: str) -> str:
    """A person as typed: a Matrix id ("@anne:example.org"), a Teams identity
    ("aad:<object id>") or a UPN ("anne@cpas.be", lower-cased); refuses anything else."""
    checked = well_formed(word)
    if checked is not None:
        return checked
    raise UserError(texts.BAD_CHAT_ID.format(word=shorten(word, 40)))


def _person(reading: Reading) -> str | None:
    return chat_id(reading.take()[0]) if reading.words else None


#: An optional person, by chat id.
PERSON = Param("person", "[@personne]", _person)


# ---------------------------------------------------------------- free text


def limited(text: str, what: str, limit: int = MAX_TEXT) -> str:
    if len(text) > limit:
        raise UserError(texts.TOO_LONG.format(what=what, length=len(text), limit=limit))
    return text


def text(
    name: str, usage_word: str, *, what: str, missing: str | None = None, limit: int = MAX_TEXT
) -> Param:
    """The rest of the message as one text; required when `missing` (its refusal) is given,
    else optional (None when empty); at most `limit` characters."""

    def read(reading: Reading) -> str | None:
        value = limited(reading.rest(), what, limit)
        if not value and missing:
            raise MissingArgument(missing)
        return value or None

    return Param(name, usage_word if missing else f"[{usage_word}]", read)


def word_choice(name: str, usage_word: str, choices: dict[str, Any], refuse: Callable) -> Param:
    """One word among `choices` (folded keys); `refuse(word)` is the refusal for the others."""

    def read(reading: Reading) -> Any:
        if not reading.words:
            return None
        (word,) = reading.take()
        if fold(word) not in choices:
            raise UserError(refuse(shorten(word, 30)))
        return choices[fold(word)]

    return Param(name, usage_word, read)
