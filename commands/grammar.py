"""The grammar of a pilot's update line, what follows `!maj`, as a pure parser.

    >>> line = parse_update("n°47: en cours à 40 %, marché attribué")
    >>> line.codes, line.status, line.progress, line.comment
    (('47',), 'en cours', 40, 'marché attribué')

The text is cut into tokens (words, numbers, `%`, marks, punctuation; any Unicode space between
them), then read by one small function per rule:

    update    = reference state comment
    reference = code { ("et" | "," | "&") code }    several actions only with "et", "," or "&"
    code      = ["action" | "l'action"] ["#" | "n°" | "no"] CODE        a CODE contains a digit
    state     = [piece(status) [piece(progress)] | piece(progress) [piece(status)]]
                [piece(the same status)]            "✅ fait", "fait ✅": read once
    piece(x)  = x | "(" x ")"                       separators (: , . ; ! - – —) may precede it
    status    = ["c'est" | "c est" | "est" | "statut"] (✅ | ✔ | ☑ | status words)
    progress  = ["avancement" | "progression"] ["à" | "de"] NUMBER ("%" | "pourcent" | "pour cent")
    comment   = the rest of the text, leading separators and spaces trimmed; without a letter
                or a digit ("👍", "!!") it is no comment

Status words are storage.vocabulary's, longest phrase first; failing that, one phrase at distance
one (Damerau-Levenshtein) of a status word of 5+ letters ("terminr", "encours", "suspendi"),
unless two statuses are as close or it reads an infinitive as a participle ("terminer").
Only one status and one percentage are read: "fait, en cours de validation" keeps the rest.

What stands where a status or a percentage goes but is neither is refused, never stored as a
comment: a word or emoji standing alone ("47 fiat", "47 fiat, ...", "47 fiat 50%", "47 ❌"), a
number without % ("47 en cours 50"), a code-like word right after the reference ("47 48 fait",
"47 50": the pilot meant "47 et 48" or "50 %"). A word followed by more words starts a comment;
a line with only a comment has no status nor progress, and the caller decides. Each refusal is
its own exception type (`commands/grammar_refusals.py`), a `GrammarError`.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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
from storage.vocabulary import (
    ACTION_CODE,
    DONE,
    fold,
    parse_status,
    status_words,
)


@dataclass(frozen=True)
class UpdateLine:
    codes: tuple[str, ...]  # action codes as typed, cleaned: ("47",), ("47", "48"), ("1.1.1",)
    status: str | None  # a canonical status from storage.vocabulary (None: not given)
    progress: int | None  # 0..100, rounded; None: not given
    comment: str | None  # the rest, leading separators trimmed; None when empty
    bare_progress: bool  # a percentage without a status ("!maj 47 40%": means en cours)


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    kind: str  # "prefix", "mark", "percent", "word" or "punct"
    text: str
    start: int
    end: int


_TOKEN = re.compile(
    # Emoji joiners and modifiers count as spaces: "❌️" reads as "❌".
    r"(?P<space>[\s\u200b\u200d\u2060\ufeff\ufe0f\U0001f3fb-\U0001f3ff]+)"
    r"|(?P<prefix>\#|n\s*[°º]|no\.?(?=\s*[0-9]))"
    r"|(?P<mark>[✅✔☑])"
    r"|(?P<percent>[%％﹪])"
    # Dotted words with a digit (codes "1.1.1", "A.2.3", decimals "12.4"), then plain words.
    # A number glued to its unit is two words: "50pourcent" reads "50 pourcent".
    r"|(?P<word>[0-9]+(?=pour)"
    r"|(?=[\w.]{0,40}[0-9])[^\W_]+(?:\.[^\W_]+)+|[^\W_]+(?:['’][^\W_]+)*)"
    r"|(?P<punct>.)",
    re.IGNORECASE | re.DOTALL,
)
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
_SEPARATORS = ":,.;!-–—…\u2011"  # U+2011: the no-break hyphen some keyboards type
_ACTION_WORDS = ("action", "actions", "l'action")
_STATUS_LEADS = (("c'est",), ("c", "est"), ("est",), ("statut",), ())
_PERCENT_WORDS = (("pourcent",), ("pourcents",), ("pour", "cent"), ("pour", "cents"))
_STATUS_WORDS = status_words()
#: Words that tie a status to what follows: "en attente du SPW", "bloqué par le marché".
_COMPLEMENTS = ("du", "de", "des", "d'", "par", "pour", "faute", "depuis", "suite", "en")
_LONGEST_PHRASE = 3  # "non commencé", "à démarrer": a status is at most three words


def tokenize(text: str) -> list[Token]:
    """Every token of `text` but spaces, each with its place in `text`."""
    return [
        Token(m.lastgroup, m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(text)
        if m.lastgroup != "space"
    ]


def _is(tokens: list[Token], i: int, kind: str, *texts: str) -> bool:
    """Token `i` exists, is of this kind and, when `texts` are given, one of them (folded)."""
    if i >= len(tokens) or tokens[i].kind != kind:
        return False
    return not texts or fold(tokens[i].text) in texts


def _words(tokens: list[Token], i: int, phrase: tuple[str, ...]) -> int | None:
    """The index after `phrase` (folded words) if it stands at `i`."""
    found = all(_is(tokens, i + k, "word", word) for k, word in enumerate(phrase))
    return i + len(phrase) if found else None


def _skip(tokens: list[Token], i: int) -> int:
    """The index after any separators at `i`."""
    while _is(tokens, i, "punct") and tokens[i].text in _SEPARATORS:
        i += 1
    return i


# ---------------------------------------------------------------- rules


def parse_update(text: str) -> UpdateLine:
    """What a pilot typed after `!maj`, read; raises GrammarError when it cannot be (with the
    corrected line to send again when the pilot was close)."""
    try:
        return _update(text)
    except GrammarError as refusal:
        if refusal.fix is None:
            raise
        raise refusal.corrected(text) from None


def _update(text: str) -> UpdateLine:
    tokens = tokenize(text)
    codes, i = _reference(tokens, _skip(tokens, 0))
    start = _skip(tokens, i)
    status, progress, i = _state(tokens, start)
    if status and progress is None and _is(tokens, i, "word", *_COMPLEMENTS):
        i = start  # "en attente du collège": the status words begin the comment too
    rest = text[tokens[i].start :] if i < len(tokens) else ""
    comment = re.sub(rf"^[\s{re.escape(_SEPARATORS)}]+", "", rest).strip()
    if not any(c.isalnum() for c in comment):  # "fait 👍", "fait !!": nothing more to say
        comment = ""
    return UpdateLine(codes, status, progress, comment or None, progress is not None and not status)


def _reference(tokens: list[Token], i: int) -> tuple[tuple[str, ...], int]:
    found = _code(tokens, i)
    if found is None:
        words = (t.text for t in tokens[i:] if t.kind == "word")
        word = next((w for w in words if fold(w) not in _ACTION_WORDS), "")
        raise NotAnAction(word) if word else MissingAction()
    codes, i = [found[0]], found[1]
    while _is(tokens, i, "punct", ",", "&") or _is(tokens, i, "word", "et"):
        if (found := _code(tokens, i + 1)) is None:
            break
        codes.append(found[0])
        i = found[1]
    return tuple(dict.fromkeys(codes)), i


def _code(tokens: list[Token], i: int) -> tuple[str, int] | None:
    i += _is(tokens, i, "word", *_ACTION_WORDS)
    i += _is(tokens, i, "prefix")
    if not _is(tokens, i, "word") or not ACTION_CODE.match(tokens[i].text):
        return None
    if _progress(tokens, i):  # "47, 12,5%": a percentage, not a second action
        return None
    return tokens[i].text, i + 1


def _state(tokens: list[Token], i: int) -> tuple[str | None, int | None, int]:
    """At most one status and one percentage, in either order; the same status said twice
    ("✅ fait", "fait ✅") is read once."""
    status, progress, i = _status_and_progress(tokens, i)
    if status and (again := _same_status(tokens, _skip(tokens, i), status)):
        i = again
    return status, progress, i


def _same_status(tokens: list[Token], i: int, status: str) -> int | None:
    """The index after `status` said again at `i`, if it is; a different status or a near miss
    there starts the comment ("fait, en cours de validation")."""
    try:
        found = _piece(_status, tokens, i)
    except GrammarError:
        return None
    return found[1] if found and found[0] == status else None


def _status_and_progress(tokens: list[Token], i: int) -> tuple[str | None, int | None, int]:
    if found := _piece(_status, tokens, i):
        status, i = found
        if more := _piece(_progress, tokens, _skip(tokens, i)):
            return status, more[0], more[1]
        _refuse_stray(tokens, _skip(tokens, i), status=False)
        return status, None, i
    if found := _piece(_progress, tokens, i):
        progress, i = found
        if more := _piece(_status, tokens, _skip(tokens, i)):
            return more[0], progress, more[1]
        _refuse_stray(tokens, _skip(tokens, i), progress=False)
        return None, progress, i
    _refuse_stray(tokens, i, after_reference=True)
    return None, None, i


def _piece(rule, tokens: list[Token], i: int):
    """`rule` at `i`, bare or in parentheses: "(fait)", "(40%)"."""
    if found := rule(tokens, i):
        return found
    if _is(tokens, i, "punct", "(") and (found := rule(tokens, i + 1)):
        value, j = found
        if _is(tokens, j, "punct", ")"):
            return value, j + 1
    return None


def _status(tokens: list[Token], i: int) -> tuple[str, int] | None:
    for lead in _STATUS_LEADS:
        j = _words(tokens, i, lead)
        if j is None:
            continue
        j = _skip(tokens, j) if lead else j
        if _is(tokens, j, "mark"):
            return DONE, j + 1
        if found := _status_words(tokens, j):
            return found
    return None


def _status_words(tokens: list[Token], i: int) -> tuple[str, int] | None:
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
    for size in sizes:
        if status := _near_status(" ".join(words[:size])):
            end = ends[size - 1]
            if not _alone(tokens, end):  # "47 annuel budget voté": ask, never guess
                raise _did_you_mean(tokens, i, end, status)
            return status, end
    return None


def _alone(tokens: list[Token], i: int) -> bool:
    """Nothing but a separator, a parenthesis or a percentage follows token `i - 1`."""
    if i >= len(tokens) or (_is(tokens, i, "punct") and tokens[i].text in _SEPARATORS + "?()"):
        return True
    return bool(_piece(_progress, tokens, i))


def _did_you_mean(tokens: list[Token], i: int, end: int, status: str) -> NearStatus:
    """The question for words `i..end` that look like `status`, with the line to resend."""
    word = " ".join(t.text for t in tokens[i:end])
    fix = (tokens[i].start, tokens[end - 1].end, status)
    return NearStatus(word, fix, status=status)


def _near_status(phrase: str) -> str | None:
    """The one status whose word of 5+ letters is at distance one of `phrase`, if any."""
    typed = fold(phrase)
    if len(typed) > 20:
        return None
    statuses = {
        parse_status(candidate)
        for candidate in _STATUS_WORDS
        if _one_apart(typed, candidate) and _may_correct(typed, candidate)
    }
    return statuses.pop() if len(statuses) == 1 else None


def _may_correct(typed: str, candidate: str) -> bool:
    """Only between words of 5+ letters, and never an infinitive to a participle: "terminer" and
    "démarrer" name work to do, not "terminé" or "démarré"."""
    infinitive = typed.endswith("er") and not candidate.endswith("er")
    long_enough = min(sum(c.isalpha() for c in word) for word in (typed, candidate)) >= 5
    return long_enough and not infinitive


def _one_apart(a: str, b: str) -> bool:
    """At most one deletion, insertion, substitution or swap of neighbours apart (Damerau-
    Levenshtein), in one pass: ("terminr", "termine") and ("encuors", "encours") are."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    swapped = a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
    return a[i + 1 :] == b[i + 1 :] or swapped


def _progress(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """A percentage at `i`, rounded half up; refuses one outside 0..100."""
    if _is(tokens, i, "word", "avancement", "progression"):
        i = _skip(tokens, i + 1)
    i += _is(tokens, i, "word", "a", "de")
    if not (_is(tokens, i, "word") and _NUMBER.match(tokens[i].text)):
        return None
    number, j = tokens[i].text, i + 1
    comma = _is(tokens, j, "punct", ",") and _glued(tokens, i, j) and _glued(tokens, j, j + 1)
    if comma and tokens[j + 1].text.isdigit():  # a decimal comma: "12,5%"
        number, j = f"{number}.{tokens[j + 1].text}", j + 2
    end = _percent(tokens, j)
    if end is None:
        return None
    value = Decimal(number)
    if i > 0 and tokens[i - 1].text == "-" and _glued(tokens, i - 1, i):
        value = -value  # "-35%": a minus sign, not a separator
    if not 0 <= value <= 100:
        raise ProgressOutOfRange(f"{value:f} %".replace(".", ","))
    rounded = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    # Almost done is not done, and begun is not "0 %": "99,5 %" is 99, "0,4 %" is 1.
    return min(max(rounded, 1 if value > 0 else 0), 99 if value < 100 else 100), end


def _glued(tokens: list[Token], i: int, j: int) -> bool:
    """Tokens `i` and `j` touch, with no space between."""
    return j < len(tokens) and tokens[i].end == tokens[j].start


def _percent(tokens: list[Token], i: int) -> int | None:
    if _is(tokens, i, "percent"):
        return i + 1
    return next((j for p in _PERCENT_WORDS if (j := _words(tokens, i, p))), None)


def _refuse_stray(tokens, i, *, status=True, progress=True, after_reference=False) -> None:
    """Ask, never store as a comment, what stands where an expected piece goes but is none:
    a word or emoji standing alone for a status ("47 fiat", "47 ❌"), a number without % for
    a percentage ("en cours 50"), or any code-like word right after the reference ("47 48")."""
    symbol = _is(tokens, i, "punct") and unicodedata.category(tokens[i].text) == "So"
    if not (_is(tokens, i, "word") or symbol):
        return
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
