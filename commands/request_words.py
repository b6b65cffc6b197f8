"""How a pilot says the deadline they ask for and why, shared by `!demande N échéance …` and
`!report N …` (and the free lines read as one): the deadline is the words that are a deadline,
« au 30 juin 2027 svp car marché relancé » is « 30 juin 2027 » with the reason « marché
relancé »; words after the deadline that are not one are part of the reason, never of the
deadline the DG would apply."""

from storage.deadlines import read_deadline, split_deadline
from storage.vocabulary import fold

#: Words that may stand before the wanted deadline (« report au 30 juin 2027 »), folded.
_BEFORE_DEADLINE = {":", "au", "a", "le", "pour", "en", "vers", "d'ici", "jusqu'au", "jusqu'a"}
_BEFORE_DEADLINE |= {"supplementaire", "de", "du"}
#: Words that may close the line and are no part of the deadline (« 2028 svp »), folded.
_POLITE = {"svp", "stp", "merci", "please", "pls"}
#: The words that start the reason, folded (« parce que » drops its « que »).
_REASON_WORDS = {"raison", "parce", "car"}
PUNCTUATION = ".,;:!?"


def text_of(words: list[str]) -> str | None:
    """The words as one text, None when they hold no letter nor digit (« ! », « 👍 »)."""
    joined = " ".join(words).strip(" :")
    return joined if any(c.isalnum() for c in joined) else None


def split_reason(words: list[str]) -> tuple[list[str], str | None]:
    """The words before « raison », « car » or « parce que », and the reason after them."""
    for index, word in enumerate(words):
        if fold(word).strip(PUNCTUATION) in _REASON_WORDS:
            rest = words[index + 1 :]
            if fold(word) == "parce" and rest and fold(rest[0]) == "que":
                rest = rest[1:]
            elif fold(word) == "parce" and rest and fold(rest[0]).startswith("qu'"):
                rest = [rest[0][3:], *rest[1:]]  # « parce qu'il manque … »
            return words[:index], text_of(rest)
    return words, None


def without_polite(words: list[str]) -> list[str]:
    """The words without the « svp », « merci » that close them."""
    while words and fold(words[-1]).strip(PUNCTUATION) in _POLITE:
        words = words[:-1]
    return words


def _trimmed(body: list[str]) -> list[str]:
    """The words without those around the deadline (« au … svp »)."""
    words = list(body)
    while words and fold(words[0]).strip(PUNCTUATION) in {"", *_BEFORE_DEADLINE}:
        words = words[1:]
    while words and (fold(words[-1]).strip(PUNCTUATION) in _POLITE or not text_of(words[-1:])):
        words = words[:-1]
    return words


def deadline_and_reason(words: list[str]) -> tuple[str, str | None]:
    """The deadline asked for ("" when none is said) and the reason, from the words after the
    kind. A deadline followed by other words (« juin 2027 marché relancé ») is the deadline
    alone, the rest joins the reason; words that hold no deadline are kept whole, for the DG
    to read (« quand le marché sera relancé »)."""
    body, reason = split_reason(words)
    words = _trimmed(body)
    head, rest = split_deadline(words)
    if rest and read_deadline(head).understood:
        words = head.split()
        reason = " ".join(filter(None, [text_of(without_polite(rest)), reason]))
    return " ".join(words).strip(PUNCTUATION + " "), reason or None
