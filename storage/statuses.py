"""Canonical action statuses and the words pilots use for them.

>>> parse_status("Réalisé")
'fait'
>>> split_status(["en", "cours", "40%", "marché", "attribué"])
('en cours', ['40%', 'marché', 'attribué'])
"""

import re
import unicodedata

NOT_STARTED = "à démarrer"
IN_PROGRESS = "en cours"
DONE = "fait"
ON_HOLD = "suspendu"
ABANDONED = "abandonné"

#: Display order, also the order of the history report headings.
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, ON_HOLD, ABANDONED)
#: Statuses after which an action is no longer "late".
CLOSED = frozenset({DONE, ABANDONED})

ENGLISH = {
    NOT_STARTED: "not started",
    IN_PROGRESS: "in progress",
    DONE: "done",
    ON_HOLD: "on hold",
    ABANDONED: "abandoned",
}

_SYNONYMS = {
    DONE: ["fait", "réalisé", "terminé", "terminée", "finalisé", "fini", "done"],
    IN_PROGRESS: ["en cours", "commencé", "démarré", "started", "in progress", "ongoing"],
    NOT_STARTED: [
        "à démarrer",
        "a demarrer",
        "pas fait",
        "non commencé",
        "pas commencé",
        "todo",
        "to do",
        "not started",
    ],
    ON_HOLD: ["suspendu", "en pause", "en attente", "bloqué", "on hold", "paused"],
    ABANDONED: ["abandonné", "annulé", "abandoned", "cancelled", "canceled"],
}

HEALTHS = {"bon": "bon", "ok": "bon", "risque": "risque", "bloque": "bloque", "blocage": "bloque"}


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: the form we compare user words in."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("’", "'").split())


_BY_FOLDED = {fold(word): status for status, words in _SYNONYMS.items() for word in words}
_BY_FOLDED.update({fold(s): s for s in STATUSES})
# Feminine and plural forms: "réalisée", "terminées", "abandonnés"...
for _word, _status in list(_BY_FOLDED.items()):
    if " " not in _word and _word.endswith("e"):
        for suffix in ("e", "s", "es"):
            _BY_FOLDED.setdefault(_word + suffix, _status)
_LONGEST = max(len(w.split()) for w in _BY_FOLDED)

_PROGRESS = re.compile(r"^(-?\d+)\s*%$")


def parse_status(text: str) -> str | None:
    """The canonical status for a word or phrase, or None."""
    return _BY_FOLDED.get(fold(text))


def split_status(words: list[str]) -> tuple[str | None, list[str]]:
    """Take the longest status phrase at the start of `words`; return it and the rest."""
    for size in range(min(_LONGEST, len(words)), 0, -1):
        status = parse_status(" ".join(words[:size]))
        if status:
            return status, words[size:]
    return None, words


def parse_progress(word: str) -> int | None:
    """`"40%"` -> 40; None when the word is not a percentage. Range is checked by the caller."""
    match = _PROGRESS.match(word.strip())
    return int(match.group(1)) if match else None


def accepted_words() -> str:
    """The status words a pilot may type, for refusal messages."""
    return ", ".join(STATUSES)
