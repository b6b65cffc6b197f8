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
from datetime import date, datetime

from storage.clock import local_time
from storage.effective import Change, standing, without_given_day
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


def month_year(moment: date | datetime) -> str:
    """`datetime(2023, 3, 1)` -> "mars 2023" (in Belgian time); a day is taken as it is."""
    day = moment if not isinstance(moment, datetime) else local_time(moment)
    return f"{MONTHS[day.month - 1]} {day.year}"


def narrative(
    history: Sequence[dict],
    last_comment: str | None = None,
    period: tuple[date, date] | None = None,
    *,
    changes: Sequence[Change] | None = None,
) -> str | None:
    """The action's story in a few sentences, oldest first; None when there is nothing to say.

    Told from the changes that still stand (`storage.effective.standing`: an undone update and
    its undo are not told), each on the day it took effect: changes of status become
    milestones ("Réalisée en juin 2024.", a "fait le 12/11" in November); the latest distinct
    comments follow as sentences. With a period (first day, last day), only its changes count.
    `changes`: the history's standing changes when already read (`effective.changes_of`).
    """
    changes = standing(history) if changes is None else changes
    if period:
        first, last = period
        changes = [c for c in changes if first <= c.day <= last]
    events: list[tuple[date, int, str]] = []  # (day, position, sentence)
    seen: set[str] = set()
    comments: list[tuple[date, int, str]] = []
    for position, change in enumerate(changes):
        comment = change.comment
        if change.kind == STATUS_CHANGE and change.moves_status:
            comment = without_given_day(comment)  # the milestone carries the day
            if change.new_status in MILESTONES:
                milestone = f"{MILESTONES[change.new_status]} en {month_year(change.day)}."
                events.append((change.day, position, milestone))
        text = sentence(comment)
        if text and fold(text) not in seen:
            seen.add(fold(text))
            comments.append((change.day, position, text))
    if not changes and not period:
        text = sentence(last_comment)
        if text:
            comments.append((date.min, 0, text))
    events.extend(comments[-COMMENT_LIMIT:])
    events.sort(key=lambda event: event[:2])
    return " ".join(text for _, _, text in events) or None
