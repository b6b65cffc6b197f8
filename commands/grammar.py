"""The grammar of a pilot's update line, what follows `!maj`, as a pure parser.

    >>> line = parse_update("n°47: en cours à 40 %, marché attribué")
    >>> line.codes, line.status, line.progress, line.comment
    (('47',), 'en cours', 40, 'marché attribué')
    >>> [(s.codes, s.status, s.progress) for s in read_updates("63 en cours 50% 47 fait")]
    [(('63',), 'en cours', 50), (('47',), 'fait', None)]

The text is cut into tokens (`commands/grammar_tokens.py`), then read by one small function per
rule (`commands/grammar_pieces.py`, `commands/grammar_segments.py`):

    line      = segment { segment } ["«" literal comment "»"]
    segment   = reference state comment       a new segment: a reference then a state, at a
                                              separator, "et", "puis" or right after a state
    reference = code { ("et" | "," | "&") code }    several actions only with "et", "," or "&"
    code      = ["action" | "l'action" | "le" | "la"] ["#" | "n°" | "no"] CODE   with a digit
    state     = [piece(status) [piece(progress)] | piece(progress) [piece(status)]]
                [piece(the same status)] | health | check-in
    status    = ["c'est" | "est" | "sont" | "statut"] (✅ | ✔ | ☑ | status words)
    progress  = ["avancement"] ["à" | "de"] ["~" | "env." | "environ"]
                (NUMBER | number in words) ("%" | "pour cent") | fraction | "à moitié"
    health    = "risqué", "à risque", "en danger", "bloqué"…: the health, never a status
    check-in  = "RAS", "rien de neuf": news that changes nothing
    comment   = the rest, once every plan word in it is read (the rule, below)

Words are storage/data/words.toml's (through storage.vocabulary). A status is exact, else one
edit away (a swapped pair counts as one: rapidfuzz) of a word of 5+ letters, unless two
statuses are as close or it reads an infinitive as a participle ("terminer").

The rule: nothing stored may ignore or contradict a word of the line. In the comment, a
percentage is read when the state has none and agrees with it; a health word is read. A status
word (or a near one), a second percentage, a question mark, a negation before a status or a
future ("démarre en janvier", "pour fin juin") is a doubt: the line is not applied, `Unsure`
says what would be stored and carries the canonical lines that store it (their comment in
« », read literally). Greetings, thanks and a signature at the end are not comments.

What stands where a status or a percentage goes but is neither is refused ("47 fiat",
"47 en cours 50", "47 48 fait"); each refusal is its own `GrammarError`
(`commands/grammar_refusals.py`).
"""

import re
from dataclasses import dataclass

from commands.grammar_refusals import WHY, GrammarError, NegatedStatus, Unsure
from commands.grammar_segments import Segment, scan, segments
from commands.grammar_tokens import tokenize
from storage.vocabulary import AT_RISK, BLOCKED, DONE, IN_PROGRESS, NOT_STARTED

#: A literal comment at the end, as the canonical lines write it: « … ».
_LITERAL = re.compile(r"\s*«\s*(?P<comment>[^«»]*?)\s*»\s*$")
#: How a canonical line says a health.
_HEALTH_WORDS = {AT_RISK: "à risque", BLOCKED: "bloqué"}
#: What a status said for later means today: "fini pour juin" is under way.
_NOT_YET = {DONE: IN_PROGRESS, IN_PROGRESS: NOT_STARTED}


@dataclass(frozen=True)
class UpdateLine:
    codes: tuple[str, ...]  # action codes as typed, cleaned: ("47",), ("47", "48"), ("1.1.1",)
    status: str | None  # a canonical status from storage.vocabulary (None: not given)
    progress: int | None  # 0..100, rounded; None: not given
    comment: str | None  # what remains once plan words are read; None when empty
    bare_progress: bool  # a percentage without a status ("!maj 47 40%": means en cours)
    health: str | None = None  # "risque" or "bloque" ("95 risqué"); None: not given
    checkin: bool = False  # "RAS", "rien de neuf": news, no change


def parse_update(text: str) -> UpdateLine:
    """The first (usually the only) segment of a line, read by `read_updates`."""
    return read_updates(text)[0]


def read_updates(text: str) -> tuple[UpdateLine, ...]:
    """Every segment of what a pilot typed after `!maj`; raises `Unsure` (a proposal) when a
    plan word is left unread or contradicts the rest, another GrammarError when the line
    cannot be read (with the corrected line to send again when the pilot was close)."""
    try:
        return _read(text)
    except GrammarError as refusal:
        if refusal.fix is None:
            raise
        raise refusal.corrected(text) from None


def _read(text: str) -> tuple[UpdateLine, ...]:
    literal = _LITERAL.search(text)
    body = text[: literal.start()] if literal else text
    tokens = tokenize(body)
    found = segments(tokens)
    for segment in found:
        scan(body, tokens, segment)
    if literal and literal.group("comment"):
        found[-1].comment = literal.group("comment")
    doubts = [(segment, doubt) for segment in found for doubt in segment.doubts]
    if doubts:
        _propose(found, doubts)
    return tuple(_line(segment) for segment in found)


def _line(segment: Segment) -> UpdateLine:
    bare = segment.progress is not None and segment.status is None
    return UpdateLine(
        segment.codes,
        segment.status,
        segment.progress,
        segment.comment,
        bare,
        segment.health,
        segment.checkin,
    )


def _propose(found: list[Segment], doubts) -> None:
    """Raise the proposal: what would be stored, the canonical lines that store it."""
    segment, (kind, word, status) = doubts[0]
    if kind == "near":
        why = WHY[kind].format(word=word, status=status)
    else:
        why = WHY[kind].format(word=word)
    for each in found:
        statuses = [s for k, _, s in each.doubts if k in ("status", "near") and s]
        if each.status is None and each.progress is None and len(set(statuses)) == 1:
            each.status = statuses[0]  # "47 le marché est terminé": the status is in the words
        later = [s for k, _, s in each.doubts if k == "future"]
        if each.status in _NOT_YET and each.status in later:  # "52 démarre en janvier"
            each.status = _NOT_YET[each.status]
    if kind == "negation" and not _says_something(segment):
        raise NegatedStatus(word, code=segment.codes[0])
    lines = [canonical(each) for each in found if _says_something(each) or each.comment]
    summary = " ; ".join(
        summary_of(each) for each in found if _says_something(each) or each.comment
    )
    raise Unsure(word, found, lines, why, summary)


def _says_something(segment: Segment) -> bool:
    return bool(segment.status or segment.progress is not None or segment.health or segment.checkin)


def canonical(segment: Segment) -> str:
    """The `!maj` line that stores `segment` as it is, its comment in « » (read literally)."""
    words = ["!maj", " et ".join(segment.codes)]
    if segment.status:
        words.append(segment.status)
    if segment.progress is not None:
        words.append(f"{segment.progress}%")
    if segment.health:
        words.append(_HEALTH_WORDS.get(segment.health, segment.health))
    if segment.checkin:
        words.append("RAS")
    if segment.comment:
        words.append(f"« {segment.comment} »")
    return " ".join(words)


def summary_of(segment: Segment) -> str:
    """ "63 → en cours, 50 %, « réunion »": what a proposal would store, in French."""
    said = []
    if segment.status:
        said.append(segment.status)
    if segment.progress is not None:
        said.append(f"{segment.progress} %")
    if segment.health:
        said.append(f"santé {_HEALTH_WORDS.get(segment.health, segment.health)}")
    if segment.checkin:
        said.append("rien de neuf")
    if segment.comment:
        comment = segment.comment if len(segment.comment) <= 60 else segment.comment[:59] + "…"
        said.append(f"« {comment} »")
    return f"{' et '.join(segment.codes)} → {', '.join(said)}"
