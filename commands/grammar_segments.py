"""Segments and the rule of an update line (`commands/grammar.py` states the grammar).

A line may name several actions, each with its own state: `52 fait, 53 en cours 30 %`,
`L'action 52 est terminée. L'action 53 en cours.` A new segment starts where a reference
followed by a state stands at the start, after a separator, "et" or "puis", or right after the
previous state (`63 en cours 50% 47 fait`).

The rule: the comment is what remains once every plan word is read. `scan` reads the remainder
and says what is still there: a percentage (read when the state had none and it agrees), a
health word (read), a status word, a near spelling of one, a question mark, a negation before a
status, a future ("pour fin juin"): each is a doubt, and the line is proposed, not applied.
Greetings, thanks and a signature at the end are dropped.
"""

import re
from dataclasses import dataclass, field

from commands.grammar_pieces import (
    COMPLEMENTS,
    checkin,
    health,
    near_status,
    progress,
    reference,
    starts_segment,
    state,
    status_at,
)
from commands.grammar_tokens import SEPARATORS, Token, is_, phrase_at, skip
from storage.vocabulary import (
    COURTESY,
    DONE,
    FUTURE,
    FUTURE_TIMES,
    IN_PROGRESS,
    NEGATIONS,
    NOT_STARTED,
    ON_HOLD,
    fold,
)

_JOINS = ("et", "puis", "ensuite")
#: What a pilot may mean as "%" without writing it: "50 pc" is asked about.
_UNITS = ("pc", "pct", "pcts", "p")
_BOUNDARY_PUNCT = ",.;-–—+&\n!"


@dataclass
class Segment:
    """One action reference and what the line says about it, as token spans of the text."""

    codes: tuple[str, ...]
    status: str | None
    progress: int | None
    start: int  # the first token of the remainder (the comment)
    end: int  # the token after the remainder
    health: str | None = None
    checkin: bool = False
    comment: str | None = None
    doubts: list[tuple[str, str, str | None]] = field(default_factory=list)  # kind, word, status


def segments(tokens: list[Token]) -> list[Segment]:
    """Every segment of the line, in order; the first must start it (else NoAction)."""
    found, i = [], skip(tokens, _courtesy_at(tokens, 0))
    while True:
        codes, i = reference(tokens, i)
        start = skip(tokens, i)
        status, value, i = state(tokens, start)
        segment = Segment(codes, status, value, i, len(tokens))
        if status is None and value is None:
            if found_health := health(tokens, start):
                segment.health, i = found_health
            elif (j := checkin(tokens, start)) is not None:
                segment.checkin, i = True, j
        if (status or segment.health) and value is None and is_(tokens, i, "word", *COMPLEMENTS):
            i = start  # "en attente du collège": the status words begin the comment too
        segment.start = i
        following = _next_segment(tokens, i)
        segment.end = len(tokens) if following is None else following
        while segment.end > i and is_(tokens, segment.end - 1, "word", *_JOINS):
            segment.end -= 1  # "52 fait et 53 en cours": "et" joins, it is no comment
        found.append(segment)
        if following is None:
            return found
        i = following


def _next_segment(tokens: list[Token], i: int) -> int | None:
    for j in range(i, len(tokens)):
        boundary = (
            j == i
            or (is_(tokens, j - 1, "punct") and tokens[j - 1].text in _BOUNDARY_PUNCT)
            or is_(tokens, j - 1, "word", *_JOINS)
            or is_(tokens, j, "word", "action", "l'action")
        )
        if boundary and starts_segment(tokens, j):
            return j
    return None


# ---------------------------------------------------------------- the rule on the remainder


def scan(text: str, tokens: list[Token], segment: Segment) -> None:
    """Read the remainder of `segment`: take what belongs to the state, note each doubt, and
    set `segment.comment` to what is left (courtesy dropped)."""
    start, end = segment.start, _without_courtesy(tokens, segment.start, segment.end)
    taken: list[tuple[int, int]] = []
    k = start
    while k < end:
        k = _read_word(tokens, k, end, segment, taken)
    segment.comment = _comment(text, tokens, start, end, taken)


def _read_word(tokens, k: int, end: int, segment: Segment, taken: list) -> int:
    """One plan word at `k` in the remainder, read or noted as a doubt; the index after it."""
    token = tokens[k]
    if is_(tokens, k, "punct", "?"):
        segment.doubts.append(("question", "?", None))
        return k + 1
    if is_(tokens, k, "mark") and segment.status != DONE:  # "fontaines installées ✅"
        segment.doubts.append(("status", token.text, DONE))
        return k + 1
    if token.kind == "word" and token.text.isdigit() and is_(tokens, k + 1, "word", *_UNITS):
        segment.doubts.append(("progress", text_of(tokens, k, k + 2), None))  # "50 pc"
        if segment.progress is None and int(token.text) <= 100:
            segment.progress = int(token.text)  # proposed as « 50 % », asked about
            taken.append((k, k + 2))
        return k + 2
    if (found := progress(tokens, k, fractions=False)) and found[1] <= end:
        value, j = found
        words = text_of(tokens, k, j)
        if segment.progress is None and _agrees(segment.status, value):
            segment.progress = value
            taken.append((k, j))
        elif segment.progress is not None and segment.progress != value:
            segment.doubts.append(("two_progress", f"{segment.progress} % et {words}", None))
        elif segment.progress != value:
            segment.doubts.append(("progress", words, None))
        return j
    negated = _negation_before(tokens, k, segment.start)
    if (found := status_at(tokens, k, near=False)) and found[1] <= end:
        status, j = found
        words = text_of(tokens, k, j)
        if negated:
            segment.doubts.append(("negation", text_of(tokens, negated, j), None))
        elif _future_after(tokens, j, end) or _future_before(tokens, k, segment.start):
            segment.doubts.append(("future", text_of(tokens, k, min(j + 3, end)), status))
        elif status != segment.status:
            segment.doubts.append(("status", words, status))
        return j
    if (found := health(tokens, k)) and found[1] <= end:
        value, j = found
        if negated or (segment.health and segment.health != value):
            segment.doubts.append(("health", text_of(tokens, k, j), None))
        else:
            segment.health = value
            if not is_(tokens, j, "word", *COMPLEMENTS):  # "bloqué par le marché" stays said
                taken.append((_connector_before(tokens, k, segment.start), j))  # "mais bloqué"
        return j
    if token.kind == "word" and len(token.text) >= 6 and (guess := near_status(token.text)):
        segment.doubts.append(("near", token.text, guess))
        return k + 1
    if is_(tokens, k, "word", *FUTURE) and _future_after(tokens, k + 1, end):
        segment.doubts.append(("future", text_of(tokens, k, min(k + 3, end)), None))
        return k + 1
    return k + 1


#: Words that only join a plan word to what comes before it ("en cours mais bloqué").
_CONNECTORS = {"mais", "et", "donc", "puis", "car", "but", "and"}


def _connector_before(tokens, k: int, start: int) -> int:
    """Where a plan word at `k` starts once a joining word right before it is counted in."""
    if k - 1 >= start and tokens[k - 1].kind == "word" and tokens[k - 1].folded in _CONNECTORS:
        return k - 1
    return k


def _agrees(status: str | None, value: int) -> bool:
    if status == DONE:
        return value == 100
    if status == NOT_STARTED:
        return value == 0
    if status in (IN_PROGRESS, ON_HOLD):
        return value < 100
    return True


def _negation_before(tokens, k: int, start: int) -> int | None:
    """Where a negation right before token `k` starts ("pas", "pas encore", "n'est pas")."""
    for size in (3, 2, 1):
        i = k - size
        if i >= start and phrase_at(tokens, i, NEGATIONS, longest=size) == k:
            return i
    return None


def _future_after(tokens, j: int, end: int) -> bool:
    """A time right after a future word or a status: "en janvier", "pour fin juin", "en 2027"."""
    i = j
    while i < min(j + 3, end) and is_(
        tokens,
        i,
        "word",
        "en",
        "pour",
        "d'ici",
        "fin",
        "le",
        "la",
        "au",
        "a",
        "debut",
        "mi",
        "courant",
        "dici",
    ):
        i += 1
    if i >= end or i == j and not is_(tokens, i, "word", *FUTURE_TIMES):
        return False
    word = fold(tokens[i].text)
    return word in FUTURE_TIMES or bool(re.fullmatch(r"20[2-9][0-9]", word))


def _future_before(tokens, k: int, start: int) -> bool:
    return k - 1 >= start and is_(tokens, k - 1, "word", "sera", "seront", "va", "vont")


def _courtesy_at(tokens, i: int) -> int:
    """The index after greetings at `i` ("Bonjour, 47 fait")."""
    while (j := phrase_at(tokens, i, COURTESY, longest=4)) is not None:
        i = skip(tokens, j)
    return i


def _without_courtesy(tokens, start: int, end: int) -> int:
    """The end of the remainder without the thanks, greetings and signature at its end."""
    while True:
        bare = end
        while (
            bare > start
            and is_(tokens, bare - 1, "punct")
            and tokens[bare - 1].text in (SEPARATORS + "()")
        ):
            bare -= 1
        if (signature := _signature(tokens, start, bare)) is not None:
            end = signature
            continue
        for size in (4, 3, 2, 1):
            if bare - size >= start and phrase_at(tokens, bare - size, COURTESY, size) == bare:
                end = bare - size
                break
        else:
            return end


def _signature(tokens, start: int, end: int) -> int | None:
    """ "- Marie", "— Jean Dupont" at the end: a dash then one or two capitalised words; or a
    thanks or greeting then a name ("merci Luc", "Cordialement, Luc")."""
    for size in (1, 2):
        names = tokens[end - size : end]
        if end - size <= start or not all(
            t.kind == "word" and t.text[:1].isupper() and t.text.isalpha() for t in names
        ):
            continue
        before = end - size
        if is_(tokens, before - 1, "punct", "-", "–", "—"):
            return before - 1
        bare = before - 1 if is_(tokens, before - 1, "punct", ",") else before
        for length in (4, 3, 2, 1):
            i = bare - length
            if i >= start and phrase_at(tokens, i, COURTESY, length) == bare:
                return i
    return None


def _comment(text: str, tokens, start: int, end: int, taken: list) -> str | None:
    if start >= end:
        return None
    pieces, at = [], tokens[start].start
    for i, j in taken:
        pieces.append(text[at : tokens[i].start])
        at = tokens[j - 1].end
    pieces.append(text[at : tokens[end - 1].end])
    comment = " ".join("".join(pieces).split())
    comment = re.sub(rf"^[\s{re.escape(SEPARATORS)}]+", "", comment)
    comment = re.sub(
        rf"[\s{re.escape(SEPARATORS.replace('.', '').replace('!', ''))}]+$", "", comment
    ).strip()
    return comment if any(c.isalnum() for c in comment) else None


def text_of(tokens, i: int, j: int) -> str:
    return " ".join(t.text for t in tokens[i:j])
