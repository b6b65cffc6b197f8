"""The rules of one segment of an update line (`commands/grammar.py` states the grammar): the
action reference, then the state (status, percentage, health, check-in), one small function per
rule. Each returns what it read and the index after it, or None; a refusal is raised as its own
`GrammarError` (`commands/grammar_refusals.py`).
"""

import difflib
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from text_to_num import text2num

from commands.grammar_refusals import (
    GrammarError,
    MissingAction,
    NearStatus,
    NotAnAction,
    NumberAfterAction,
    NumberWithoutPercent,
    ProgressOutOfRange,
    UnknownStatus,
)
from commands.grammar_tokens import NUMBER as _NUMBER
from commands.grammar_tokens import SEPARATORS as _SEPARATORS
from commands.grammar_tokens import Token, phrase_at
from commands.grammar_tokens import glued as _glued
from commands.grammar_tokens import is_ as _is
from commands.grammar_tokens import skip as _skip
from commands.grammar_tokens import words_at as _words
from storage.vocabulary import (
    ACTION_CODE,
    APPROXIMATELY,
    CHECKIN_AFTER,
    CHECKIN_WORDS,
    COURTESY,
    DONE,
    HEALTH_WORDS,
    NUMBER_ROOTS,
    PROGRESS_WORDS,
    fold,
    parse_status,
    status_words,
)

_ACTION_WORDS = ("action", "actions", "l'action", "le", "la", "l'", "les")
_STATUS_LEADS = (("c'est",), ("c", "est"), ("est",), ("sont",), ("statut",), ("is",), ())
_PERCENT_WORDS = (("pourcent",), ("pourcents",), ("pour", "cent"), ("pour", "cents"), ("percent",))
_STATUS_WORDS = status_words()
#: Words that tie a status to what follows: "en attente du SPW", "bloqué par le marché".
COMPLEMENTS = ("du", "de", "des", "d'", "par", "pour", "faute", "depuis", "suite", "en")
_LONGEST_PHRASE = 4  # "pas encore commencé", "à démarrer": a status is at most four words
#: Fractions read as progress where a percentage goes: "3/4", "1/2", "50/100".
_FRACTION_BASES = (2, 3, 4, 5, 10, 100)


# ---------------------------------------------------------------- the reference


def reference(tokens: list[Token], i: int) -> tuple[tuple[str, ...], int]:
    found = code(tokens, i)
    if found is None:
        words = (t.text for t in tokens[i:] if t.kind == "word")
        word = next((w for w in words if fold(w) not in _ACTION_WORDS), "")
        raise NotAnAction(word) if word else MissingAction()
    codes, i = [found[0]], found[1]
    while _is(tokens, i, "punct", ",", "&") or _is(tokens, i, "word", "et", "and"):
        if (found := code(tokens, i + 1)) is None:
            break
        codes.append(found[0])
        i = found[1]
    return tuple(dict.fromkeys(codes)), i


def code(tokens: list[Token], i: int) -> tuple[str, int] | None:
    """A code at `i`, after "action", "l'action", "le" or a prefix ("#", "n°")."""
    i += _is(tokens, i, "word", *_ACTION_WORDS)
    i += _is(tokens, i, "word", "action", "actions")  # "les actions 46 et 47"
    i += _is(tokens, i, "prefix")
    if not _is(tokens, i, "word") or not ACTION_CODE.match(tokens[i].text):
        return None
    if progress(tokens, i):  # "47, 12,5%": a percentage, not a second action
        return None
    return tokens[i].text, i + 1


# ---------------------------------------------------------------- the state


def state(tokens: list[Token], i: int) -> tuple[str | None, int | None, int]:
    """At most one status and one percentage, in either order; the same status said twice
    ("✅ fait", "fait ✅") is read once."""
    status, value, i = _status_and_progress(tokens, i)
    if status and (again := _same_status(tokens, _skip(tokens, i), status)):
        i = again
    return status, value, i


def health(tokens: list[Token], i: int) -> tuple[str, int] | None:
    """A health word at `i` ("risqué", "en danger", "bloqué"): its health value."""
    j = phrase_at(tokens, i, HEALTH_WORDS, longest=2)
    if j is None:
        return None
    return HEALTH_WORDS[fold(" ".join(t.text for t in tokens[i:j]))], j


def checkin(tokens: list[Token], i: int) -> int | None:
    """The index after "RAS", "rien de neuf" at `i`, and the time that may follow it
    ("rien de neuf cette semaine")."""
    j = phrase_at(tokens, i, CHECKIN_WORDS, longest=4)
    if j is None:
        return None
    return phrase_at(tokens, j, CHECKIN_AFTER, longest=4) or j


def starts_segment(tokens: list[Token], j: int) -> bool:
    """A reference followed by a state stands at `j`: another action's update begins."""
    if code(tokens, j) is None:
        return False
    try:
        _, k = reference(tokens, j)
        k = _skip(tokens, k)
        status, value, _ = state(tokens, k)
    except GrammarError:
        return False
    return bool(status or value is not None or health(tokens, k) or checkin(tokens, k))


def _same_status(tokens: list[Token], i: int, status: str) -> int | None:
    try:
        found = piece(status_at, tokens, i)
    except GrammarError:
        return None
    return found[1] if found and found[0] == status else None


def _status_and_progress(tokens: list[Token], i: int) -> tuple[str | None, int | None, int]:
    if health(tokens, i) or checkin(tokens, i):
        return None, None, i
    if found := piece(status_at, tokens, i):
        status, i = found
        if more := piece(progress, tokens, _skip(tokens, i)):
            return status, more[0], more[1]
        if not starts_segment(tokens, _skip(tokens, i)):  # "25 suspendu 32 à 10 %"
            _refuse_stray(tokens, _skip(tokens, i), status=False)
        return status, None, i
    if found := piece(progress, tokens, i):
        value, i = found
        if more := piece(status_at, tokens, _skip(tokens, i)):
            return more[0], value, more[1]
        if not starts_segment(tokens, _skip(tokens, i)):
            _refuse_stray(tokens, _skip(tokens, i), progress=False)
        return None, value, i
    _refuse_stray(tokens, i, after_reference=True)
    return None, None, i


def piece(rule, tokens: list[Token], i: int):
    """`rule` at `i`, bare or in parentheses: "(fait)", "(40%)"."""
    if found := rule(tokens, i):
        return found
    if _is(tokens, i, "punct", "(") and (found := rule(tokens, i + 1)):
        value, j = found
        if _is(tokens, j, "punct", ")"):
            return value, j + 1
    return None


def status_at(tokens: list[Token], i: int, near: bool = True) -> tuple[str, int] | None:
    for lead in _STATUS_LEADS:
        j = _words(tokens, i, lead)
        if j is None:
            continue
        j = _skip(tokens, j) if lead else j
        if _is(tokens, j, "mark"):
            return DONE, j + 1
        if found := _status_words(tokens, j, near):
            return found
    return None


def _status_words(tokens: list[Token], i: int, near: bool) -> tuple[str, int] | None:
    """The longest status phrase at `i`, exact first, else at distance one. Its words may be
    joined by a hyphen: "en-cours" reads "en cours"."""
    ends, j = [], i  # the index after each word of the phrase
    while len(ends) < _LONGEST_PHRASE and _is(tokens, j, "word"):
        ends.append(j + 1)
        hyphen = _is(tokens, j + 1, "punct", "-", "\u2011") and _glued(tokens, j, j + 1)
        j += 2 if hyphen and _glued(tokens, j + 1, j + 2) else 1
    words = [tokens[end - 1].text for end in ends]
    sizes = range(len(words), 0, -1)
    for size in sizes:
        if status := parse_status(" ".join(words[:size])):
            return status, ends[size - 1]
    if not near:
        return None
    for size in sizes:
        if status := near_status(" ".join(words[:size])):
            end = ends[size - 1]
            if not _alone(tokens, end):  # "47 annuel budget voté": ask, never guess
                raise _did_you_mean(tokens, i, end, status)
            return status, end
    return None


def _alone(tokens: list[Token], i: int) -> bool:
    """Nothing but a separator, a parenthesis or a percentage follows token `i - 1`."""
    if i >= len(tokens) or (_is(tokens, i, "punct") and tokens[i].text in _SEPARATORS + "?()"):
        return True
    return bool(piece(progress, tokens, i))


def _did_you_mean(tokens: list[Token], i: int, end: int, status: str) -> NearStatus:
    """The question for words `i..end` that look like `status`, with the line to resend."""
    word = " ".join(t.text for t in tokens[i:end])
    fix = (tokens[i].start, tokens[end - 1].end, status)
    return NearStatus(word, fix, status=status)


def near_status(phrase: str) -> str | None:
    """The one status whose word of 5+ letters is one edit of `phrase` (a swap of neighbours
    counts as one: rapidfuzz's Damerau-Levenshtein), if exactly one status is that close."""
    typed = fold(phrase)
    if len(typed) > 20:
        return None
    close = process.extract(
        typed, _STATUS_WORDS, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=None
    )
    statuses = {parse_status(found) for found, _, _ in close if _may_correct(typed, found)}
    return statuses.pop() if len(statuses) == 1 else None


def _may_correct(typed: str, candidate: str) -> bool:
    """Only between words of 5+ letters, and never an infinitive to a participle: "terminer" and
    "démarrer" name work to do, not "terminé" or "démarré"."""
    infinitive = typed.endswith("er") and not candidate.endswith("er")
    long_enough = min(sum(c.isalpha() for c in word) for word in (typed, candidate)) >= 5
    return long_enough and not infinitive


# ---------------------------------------------------------------- progress


def progress(tokens: list[Token], i: int, fractions: bool = True) -> tuple[int, int] | None:
    """A percentage at `i` ("40 %", "12,5 pour cent", "cinquante pour cent", "~60 %",
    "env. 60 %", "3/4", "50/100", "à moitié"), rounded half up; refuses one outside 0..100.
    Without `fractions` (in a comment) only "/100" is a fraction: "le 1/2" there is a date."""
    if _is(tokens, i, "word", "avancement", "progression"):
        i = _skip(tokens, i + 1)
    i += _is(tokens, i, "word", "a", "de")
    if (j := phrase_at(tokens, i, PROGRESS_WORDS, longest=3)) is not None:
        return PROGRESS_WORDS[fold(" ".join(t.text for t in tokens[i:j])).replace(" - ", "-")], j
    i = _approximately(tokens, i)
    if (found := _number(tokens, i)) or (found := _number_in_words(tokens, i)):
        number, j = found
    else:
        return None
    if (fraction := _fraction(tokens, i, j, fractions)) is not None:
        return fraction
    end = _percent(tokens, j)
    if end is None:
        return None
    value = Decimal(number)
    if i > 0 and tokens[i - 1].text == "-" and _glued(tokens, i - 1, i):
        value = -value  # "-35%": a minus sign, not a separator
    return _rounded(value), end


def _approximately(tokens: list[Token], i: int) -> int:
    """The index after "~", "env.", "environ", "à peu près" at `i` (a rough figure is read)."""
    if _is(tokens, i, "punct", "~", "≈"):
        return i + 1
    if (j := phrase_at(tokens, i, APPROXIMATELY, longest=3)) is not None:
        return j + _is(tokens, j, "punct", ".")
    return i


def _number(tokens: list[Token], i: int) -> tuple[str, int] | None:
    if not (_is(tokens, i, "word") and _NUMBER.match(tokens[i].text)):
        return None
    number, j = tokens[i].text, i + 1
    comma = _is(tokens, j, "punct", ",") and _glued(tokens, i, j) and _glued(tokens, j, j + 1)
    if comma and tokens[j + 1].text.isdigit():  # a decimal comma: "12,5%"
        number, j = f"{number}.{tokens[j + 1].text}", j + 2
    return number, j


def _number_in_words(tokens: list[Token], i: int) -> tuple[str, int] | None:
    """ "cinquante", "quatre-vingt-dix", "vingt cinq" at `i` (text2num), when a percent follows."""
    if not _is(tokens, i, "word", *NUMBER_ROOTS):
        return None
    for size in range(7, 0, -1):
        if i + size > len(tokens) or _percent(tokens, i + size) is None:
            continue
        part = tokens[i : i + size]
        if not all(t.kind == "word" or t.text == "-" for t in part) or part[0].text == "-":
            continue
        try:
            return str(text2num(fold(" ".join(t.text for t in part)).replace(" - ", "-"), "fr")), (
                i + size
            )
        except ValueError:
            continue
    return None


def _fraction(tokens: list[Token], i: int, j: int, any_base: bool) -> tuple[int, int] | None:
    """ "3/4" -> 75, "50/100" -> 50: a fraction of a known base, glued, at most one; "12/03"
    is a date, not a fraction."""
    if not (_is(tokens, j, "punct", "/") and _glued(tokens, j - 1, j) and _glued(tokens, j, j + 1)):
        return None
    if not (_is(tokens, j + 1, "word") and tokens[j + 1].text.isdigit()):
        return None
    top, base = Decimal(tokens[i].text), int(tokens[j + 1].text)
    if base not in (_FRACTION_BASES if any_base else (100,)) or j - i != 1:
        return None
    if top > base:
        if base == 100:
            raise ProgressOutOfRange(f"{tokens[i].text}/{base}")
        return None
    return _rounded(top * 100 / base), j + 2


def _rounded(value: Decimal) -> int:
    if not 0 <= value <= 100:
        raise ProgressOutOfRange(f"{value:f} %".replace(".", ","))
    rounded = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    # Almost done is not done, and begun is not "0 %": "99,5 %" is 99, "0,4 %" is 1.
    return min(max(rounded, 1 if value > 0 else 0), 99 if value < 100 else 100)


def _percent(tokens: list[Token], i: int) -> int | None:
    if _is(tokens, i, "percent"):
        return i + 1
    return next((j for p in _PERCENT_WORDS if (j := _words(tokens, i, p))), None)


# ---------------------------------------------------------------- what is neither


def _refuse_stray(tokens, i, *, status=True, progress=True, after_reference=False) -> None:
    """Ask, never store as a comment, what stands where an expected piece goes but is none:
    a word or emoji standing alone for a status ("47 fiat", "47 ❌"), a number without % for
    a percentage ("en cours 50"), or any code-like word right after the reference ("47 48")."""
    symbol = _is(tokens, i, "punct") and unicodedata.category(tokens[i].text) == "So"
    if not (_is(tokens, i, "word") or symbol) or phrase_at(tokens, i, COURTESY, longest=4):
        return  # "47 40 % merci": thanks, dropped later
    word, alone = tokens[i].text, _alone(tokens, i + 1)
    if progress and ACTION_CODE.match(word) and (alone or after_reference):
        if after_reference:
            raise NumberAfterAction(word)
        if _NUMBER.match(word):
            raise NumberWithoutPercent(word, (tokens[i].start, tokens[i].end, word + " %"))
    if status and alone:
        guess = _closest_status(word)
        if guess:
            raise _did_you_mean(tokens, i, i + 1, guess)
        raise UnknownStatus(word)


def _closest_status(word: str) -> str | None:
    """The status a mistyped word most looks like ("fiat" -> fait), if it looks like one."""
    found = difflib.get_close_matches(fold(word), _STATUS_WORDS, n=1, cutoff=0.6)
    return parse_status(found[0]) if found else None
