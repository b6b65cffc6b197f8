"""An action's story for the Conseil, told from its chat updates: cleaned and in sentences.

Pilots write in a hurry ("✔ fait fait !", "– 35 %", "ok merci"); the evaluation must read like
a report, so their comments go through `sentence` and the history through `narrative`:

    >>> sentence("✔ marché marché attribué !!")
    'Marché attribué.'
    >>> sentence("– 35 %") is None   # a bare figure: the progress column says it already
    True
"""

import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from storage.clock import local_time
from storage.vocabulary import (
    ABANDONED,
    DONE,
    IN_PROGRESS,
    ON_HOLD,
    STATUS_CHANGE,
    fold,
    parse_status,
)

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

#: How a change of status reads in the story ("Démarrée en mars 2023.").
MILESTONES = {
    IN_PROGRESS: "Démarrée",
    DONE: "Réalisée",
    ON_HOLD: "Suspendue",
    ABANDONED: "Abandonnée",
}

#: Comments kept per action; older ones are left to the chat history.
COMMENT_LIMIT = 3

#: Words that carry no news on their own ("ok merci", "vu", "+1").
_NOISE = frozenset(
    {"ok", "okay", "oki", "merci", "thanks", "thx", "vu", "top", "super", "cool", "parfait"}
    | {"nickel", "test", "lol", "ras", "idem", "voila", "voilà", "bien", "reçu", "recu", "+1"}
    | {"mdr", "yes", "oui", "non"}
)
_SYMBOLS = ("So", "Sk", "Cs", "Co", "Cn")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufe0e\ufe0f]")
_MENTION = re.compile(r"@[\w.-]+(:[\w.-]+)?")
# A comment that is only a figure, a fraction or a percentage: "35 %", "1/3", "+10".
_BARE_FIGURE = re.compile(r"^[\s\d.,/%+\-–—]*$")
_DASHES = re.compile(r"\s*[–—]\s*")
_EDGE = re.compile(r"^[\s\-–—•*·.,;:!?»«\"'()]+|[\s\-–—•*·.,;:!?«»\"'(]+$")
_REPEATS = re.compile(r"\b(\w+)(\s+\1\b)+", re.IGNORECASE)
_SPACE_BEFORE = re.compile(r"\s+([.,)])")
_PUNCT_RUNS = re.compile(r"([!?.,;:])[!?.,;:]+")


def sentence(comment: str | None) -> str | None:
    """A chat comment as a sentence of the report, or None when it says nothing.

    Emoji and symbols go, "!" and dashes used as bullets go, a word said twice in a row is
    said once, the first letter is a capital and the sentence ends with a period.
    """
    if not comment:
        return None
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", comment))
    text = "".join(c for c in text if unicodedata.category(c) not in _SYMBOLS)
    text = _MENTION.sub("", text)
    text = " ".join(text.split())
    if _BARE_FIGURE.match(text):
        return None
    text = text.replace("!", ".")
    text = _PUNCT_RUNS.sub(r"\1", text)
    text = _DASHES.sub(", ", text)
    text = _REPEATS.sub(r"\1", text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _EDGE.sub("", text).strip()
    words = re.findall(r"[\w+]+", fold(text))
    if not words or all(word in _NOISE for word in words) or len(text) < 3:
        return None
    if not any(c.isalpha() for c in text) or parse_status(text):
        return None  # "fait", "en cours": the milestones say it
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "…", "?")) else text + "."


def month_year(moment) -> str:
    """`datetime(2023, 3, 1)` -> "mars 2023" (in Belgian time)."""
    day = local_time(moment)
    return f"{MONTHS[day.month - 1]} {day.year}"


def narrative(
    history: Sequence[dict],
    last_comment: str | None = None,
    period: tuple[date, date] | None = None,
) -> str | None:
    """The action's story in a few sentences, oldest first; None when there is nothing to say.

    Changes of status become milestones ("Réalisée en juin 2024."); the latest distinct
    comments follow as sentences. With a period (first day, last day), only its updates count.
    """
    if period:
        first, last = period
        history = [e for e in history if first <= local_time(e["at"]).date() <= last]
    events: list[tuple[int, str]] = []  # (position, sentence)
    seen: set[str] = set()
    comments: list[tuple[int, str]] = []
    for position, entry in enumerate(history):
        new = entry.get("new_status")
        if (
            entry.get("kind") == STATUS_CHANGE
            and new in MILESTONES
            and new != entry.get("old_status")
        ):
            events.append((position, f"{MILESTONES[new]} en {month_year(entry['at'])}."))
        text = sentence(entry.get("comment"))
        if text and fold(text) not in seen:
            seen.add(fold(text))
            comments.append((position, text))
    if not history and not period:
        text = sentence(last_comment)
        if text:
            comments.append((0, text))
    events.extend(comments[-COMMENT_LIMIT:])
    events.sort(key=lambda event: event[0])
    return " ".join(text for _, text in events) or None
