"""What a pilot means when the line is not a command: read from the words alone, before the
commands are looked for (commands/conversation.py asks `meant` for each free line).

    >>> meant("c'est quoi le 114")
    Understood(text='!action 114', answer='', proposal=(), refused=False)
    >>> meant("en retard chez moi").text
    '!mes-retards'
    >>> meant("non pas 116 je voulais dire 113").text
    '!corriger non pas 116 je voulais dire 113'
    >>> meant("95 on demande un report a 2027").text
    '!report 95 2027'
    >>> meant("done 52").proposal
    ('!maj 52 fait',)
    >>> meant("52 fait") is None
    True

Each intent is one small rule: a correction of one's last update (`!corriger`, which needs the
history, so it is a command), a deadline request (`!report`), a question about one action
(`!action N`), one's own late actions (`!mes-retards`), a message in English or Dutch (a
French pointer, with the update it likely means as a proposal). `mistyped` reads a command
word with one typo ("!mja 52 fait": a swapped pair counts as one edit).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from commands import intent_texts, texts
from commands.grammar import parse_update
from commands.grammar_refusals import GrammarError, Unsure
from commands.request_words import PUNCTUATION, deadline_and_reason
from storage.deadlines import read_deadline
from storage.vocabulary import fold


@dataclass(frozen=True)
class Understood:
    """The command text to run ("!maj 47 fait\\n48 en cours"), or an answer without a command
    (a pointer, a hello), or neither: the message is not for the bot. An answer may carry a
    `proposal`: the commands a one-tap « oui » would run (as a `commands.errors.Proposal`)."""

    text: str | None = None
    answer: str = ""
    proposal: tuple[str, ...] = ()
    #: The answer refuses (an unknown command), rather than points or greets.
    refused: bool = False


#: An action code as pilots type it in a sentence ("114", "1.2.3"); a year is not one.
_CODE = re.compile(r"(?<![\w%.,])(\d{1,3}(?:\.\d{1,3}){0,3})(?![\w%]|[.,]\d)")
_YEAR = re.compile(r"\b(20\d\d)\b")

# ---------------------------------------------------------------- a correction

_CORRECTION = re.compile(
    r"^(?:pardon|oups|oops|oups|zut|correction|erratum|erreur|sorry)\b|\bi\s+meant\b"
    r"|je\s+voulais\s+dire|je\s+me\s+suis\s+trompe|^non,?\s+(?:pas\s+)?\d"
    r"|^non,?\s+pas\b|\d\s*%\s*(?:et\s+)?pas\s+\d",
)


def _correction(folded: str, line: str) -> Understood | None:
    if _CORRECTION.search(folded) and re.search(r"\d", folded):
        return Understood(text=f"!corriger {line}")
    return None


# ---------------------------------------------------------------- a deadline request

_DEFERRAL = re.compile(r"\b(?:report|prolongation|delai\s+supplementaire)\b")
#: The words that name the action in « report de l'action 47 … », not part of the deadline.
_ACTION = ("action", "l'action")


def _deferral(folded: str, line: str) -> Understood | None:
    if not _DEFERRAL.search(folded) or _has_status(line):
        return None  # "63 en cours, report à mars" is an update with its comment
    codes = [c for c in _CODE.findall(folded) if not _YEAR.fullmatch(c)]
    if not codes:
        return Understood(text="!report")
    return Understood(text=" ".join(["!report", codes[0], *_deferral_said(line, codes[0])]))


def _deferral_said(line: str, code: str) -> list[str]:
    """The deadline the line asks for after « report » (« jusqu'au 31 mars 2028 » is « 31 mars
    2028 », never its year alone), with its reason; nothing when it says no deadline."""
    words = line.split()
    bare = [fold(word).strip(PUNCTUATION) for word in words]
    after = next(
        (
            index + 1 + (bare[index + 1 : index + 2] == ["supplementaire"])
            for index, word in enumerate(bare)
            if word in ("report", "prolongation", "delai")
        ),
        None,
    )
    if after is None:  # « (report) »: the word is there, not alone
        return []
    said = [
        w for w, b in zip(words[after:], bare[after:], strict=True) if b not in (code, *_ACTION)
    ]
    wanted, reason = deadline_and_reason(said)
    if not read_deadline(wanted).understood:
        return []
    return [wanted, *(["car", reason] if reason else [])]


# ---------------------------------------------------------------- one's own late actions

_MINE_LATE = re.compile(r"\bretard\w*\b.*\b(?:chez|pour)\s+moi\b")  # "mes retards" is a command
#: "mes actions en retard", "c quoi mes retards" (a question with "?" gets its pointer).
_MINE_LATE_SAID = re.compile(
    r"^(?:c\s+quoi\s+|c'est\s+quoi\s+)?mes\s+(?:actions\s+en\s+retard|retards)$"
)


def _late_mine(folded: str, line: str) -> Understood | None:
    if _MINE_LATE_SAID.match(folded) and folded != "mes retards":
        return Understood(text="!mes-retards")
    if _MINE_LATE.search(folded) and not re.search(r"\d", folded):
        return Understood(text="!mes-retards")
    return None


# ---------------------------------------------------------------- a question about one action

#: Words that only ask about the action they name ("c'est quoi le 114", "info 118", "et le 52 ?").
_ASKING = {
    "c'est", "c", "est", "quoi", "le", "la", "l'", "l", "et", "info", "infos", "information",
    "informations", "sur", "du", "de", "action", "l'action", "quid", "qu'en", "est-il", "il",
    "koi", "kwa", "cest",
    "ou", "en", "montre", "moi", "montre-moi", "voir", "detail", "details", "fiche", "n°", "no",
    "#", "svp", "stp", "?",
}  # fmt: skip


def _about_one_action(folded: str, line: str) -> Understood | None:
    codes = _CODE.findall(folded)
    if len(codes) != 1:
        return None
    rest = _CODE.sub(" ", folded, count=1)
    words = re.findall(r"[\w'-]+|\?|#|n°", rest)
    if not words or not all(word in _ASKING for word in words):
        return None
    if "?" not in words and set(words) <= {"action", "l'action", "#", "n°", "no"}:
        return None  # "action 47" and "47" are already read as commands
    return Understood(text=f"!action {codes[0]}")


# ---------------------------------------------------------------- English and Dutch

_FOREIGN_DONE = {"done", "finished", "complete", "completed", "klaar", "gedaan", "afgerond"}
_FOREIGN_GOING = {"ongoing", "started", "bezig", "progress", "begonnen", "gestart"}
_FOREIGN = {
    "hello", "hi", "thanks", "thank", "you", "please", "is", "in", "the", "action", "my",
    "status", "update", "it", "has", "been", "now", "not", "yet", "good", "morning", "hallo",
    "hulp", "dank", "bedankt", "goedemorgen", "de", "het", "actie", "mijn", "nog", "niet",
    "what", "how", "are", "show", "me", "list", "of", "our", "we", "i", "am", "ik", "ben",
    "wat", "hoe", "toon", "mij", "hey", "dear", "bot", "and", "en", "what's", "whats", "late",
    "for", "zijn", "acties", "sorry", "meant", "which", "do", "have", "to", "te", "laat",
} | _FOREIGN_DONE | _FOREIGN_GOING  # fmt: skip
#: Words that are not French, so a message made only of them is in English or Dutch.
_NOT_FRENCH = _FOREIGN - {"de", "en", "action", "status", "me", "hello", "hey", "bot", "i"}


def _foreign(folded: str, line: str) -> Understood | None:
    if _reads_as_update(line) or re.search(r"\d\s*%", line):
        return None  # "120 done", "1 ongoing 10 %": the grammar reads (or refuses) them
    words = re.findall(r"[a-z']+", folded)
    if not words or not all(word in _FOREIGN for word in words):
        return None
    if not set(words) & _NOT_FRENCH:
        return None
    codes = _CODE.findall(folded)
    status = (
        "fait"
        if set(words) & _FOREIGN_DONE
        else "en cours"
        if set(words) & _FOREIGN_GOING
        else None
    )
    if len(codes) == 1 and status and not (set(words) & {"not", "niet", "yet", "nog"}):
        suggested = f"{codes[0]} {status}"
        return Understood(
            answer=intent_texts.FOREIGN_UPDATE.format(line=suggested),
            proposal=(f"!maj {suggested}",),
        )
    return Understood(answer=intent_texts.FOREIGN)


# ---------------------------------------------------------------- a check-in said of an action

_CHECKIN_OF = re.compile(
    r"^(?:ras|r\.a\.s|rien de neuf|rien a signaler|pas de changement)\s*,?\s*"
    r"(?:pour|sur|concernant|cote)\s+(?:le\s+|la\s+|l'|l\s+)?(?:action\s+)?(\d{1,3}(?:\.\d{1,3}){0,3})$"
)


def _checkin_of(folded: str, line: str) -> Understood | None:
    """ "RAS pour le 113": a check-in of action 113, said the other way round."""
    found = _CHECKIN_OF.match(folded.rstrip(" .!"))
    return Understood(text=f"!maj {found.group(1)} RAS") if found else None


# ---------------------------------------------------------------- an action and words only


def _note_only(folded: str, line: str) -> Understood | None:
    """ "117 fascicule imprimé": an action then words, no state: proposed as a note."""
    parsed, refusal = _read(line)
    if refusal is not None:
        return None
    if len(parsed.codes) != 1 or not parsed.comment or _states_something(parsed):
        return None
    (number,) = parsed.codes
    return Understood(
        answer=intent_texts.NOTE_ONLY.format(number=number, comment=parsed.comment),
        proposal=(f"!note {number} {parsed.comment}",),
    )


def _states_something(parsed) -> bool:
    return any((parsed.status, parsed.progress is not None, parsed.health, parsed.checkin))


_POINT_ON = re.compile(
    r"^(?:point|update|news|nouvelles|mise a jour|maj|suivi)\s+(?:sur|pour|de|du|concernant)\s+"
    r"(?:le\s+|la\s+|l'action\s+|l'|l\s+|action\s+)?(\d{1,3}(?:\.\d{1,3}){0,3})\s*[:,-]?\s*(.+)$"
)


def _point_on(folded: str, line: str) -> Understood | None:
    """ "Point sur le 53 : en cours, 45 %": the update, once its heading is set aside."""
    found = _POINT_ON.match(folded)
    if found is None:
        return None
    code = found.group(1)
    rest = line[line.find(code) + len(code) :].lstrip(" :,-–")
    update = f"{code} {rest}"
    return Understood(text=f"!maj {update}") if _reads_as_update(update) else None


_RULES = (
    _point_on,
    _checkin_of, _correction, _deferral, _late_mine, _about_one_action, _foreign, _note_only,
)  # fmt: skip


def meant(line: str) -> Understood | None:
    """What a free line (not starting with "!") means, when one intent reads it; else None."""
    folded = " ".join(fold(line).split())
    for rule in _RULES:
        found = rule(folded, line.strip())
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------- a mistyped command word


def mistyped(command_text: str, registry) -> Understood | None:
    """ "!mja 52 fait" -> a proposal of "!maj 52 fait" (when the rest reads as an update, or
    there is no rest for a command without arguments), else « Vouliez-vous dire !maj ? »;
    None when no command word is one edit away."""
    word, _, rest = command_text[1:].partition(" ")
    typed = fold(word)
    if len(typed) < 3:
        return None
    close = sorted(
        {
            registry.by_word[known].name
            for known in registry.by_word
            if OSA.distance(typed, known) == 1
        }
    )
    if len(close) != 1:
        return None
    (name,) = close
    cmd = registry.find(name)
    rest = rest.strip()
    optional = all(not p.usage or p.usage.startswith("[") for p in cmd.args)
    if (not rest and optional) or (name == "maj" and rest and _reads_as_update(rest)):
        line = f"!{name}" + (f" {rest}" if rest else "")
        return Understood(
            answer=intent_texts.MISTYPED.format(word=f"!{word}", line=line), proposal=(line,)
        )
    if registry.closest(word) == name:
        return None  # the engine's own refusal suggests it already
    hint = texts.DID_YOU_MEAN.format(word=name)
    text = texts.UNKNOWN_COMMAND.format(word=f"!{word}"[:40], hint=hint)
    return Understood(answer=text, refused=True)


@lru_cache(maxsize=64)
def _read(line: str) -> tuple:
    """The grammar's reading of `line`, or its refusal: (UpdateLine, None) or (None, error).
    The intents ask about the same line several times; the grammar reads it once."""
    try:
        return parse_update(line), None
    except GrammarError as refusal:
        return None, refusal


def _has_status(line: str) -> bool:
    parsed, refusal = _read(line)
    if isinstance(refusal, Unsure):  # "52 en cours report à mars": an update it proposes
        return any(segment.status is not None for segment in refusal.segments)
    return parsed is not None and parsed.status is not None


def _reads_as_update(rest: str) -> bool:
    parsed, refusal = _read(rest)
    if refusal is not None:
        return isinstance(refusal, Unsure)
    return parsed.status is not None or parsed.progress is not None
