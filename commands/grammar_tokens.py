"""The tokens of an update line (`commands/grammar.py`): words, numbers, `%`, marks and
punctuation, each with its place in the text, and the small tests the grammar's rules share.

    >>> [t.text for t in tokenize("n°47: en cours à 40 %")]
    ['n°', '47', ':', 'en', 'cours', 'à', '40', '%']
"""

import re
from dataclasses import dataclass

from storage.vocabulary import fold


@dataclass(frozen=True)
class Token:
    kind: str  # "prefix", "mark", "percent", "word" or "punct"
    text: str
    start: int
    end: int
    folded: str = ""  # the text as compared (storage.vocabulary.fold), computed once


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
NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
SEPARATORS = ":,.;!-–—…\u2011"  # U+2011: the no-break hyphen some keyboards type


def tokenize(text: str) -> list[Token]:
    """Every token of `text` but spaces, each with its place in `text`."""
    return [
        Token(m.lastgroup, m.group(), m.start(), m.end(), fold(m.group()))
        for m in _TOKEN.finditer(text)
        if m.lastgroup != "space"
    ]


def is_(tokens: list[Token], i: int, kind: str, *texts: str) -> bool:
    """Token `i` exists, is of this kind and, when `texts` are given, one of them (folded)."""
    if i >= len(tokens) or tokens[i].kind != kind:
        return False
    return not texts or tokens[i].folded in texts


def words_at(tokens: list[Token], i: int, phrase: tuple[str, ...]) -> int | None:
    """The index after `phrase` (folded words) if it stands at `i`."""
    found = all(is_(tokens, i + k, "word", word) for k, word in enumerate(phrase))
    return i + len(phrase) if found else None


def skip(tokens: list[Token], i: int) -> int:
    """The index after any separators at `i`."""
    while is_(tokens, i, "punct") and tokens[i].text in SEPARATORS:
        i += 1
    return i


def glued(tokens: list[Token], i: int, j: int) -> bool:
    """Tokens `i` and `j` touch, with no space between."""
    return j < len(tokens) and tokens[i].end == tokens[j].start


def phrase_at(tokens: list[Token], i: int, phrases, longest: int = 4) -> int | None:
    """The index after the longest of `phrases` (folded; words joined by spaces, "-" glued
    or not) that stands at `i`."""
    for size in range(longest, 0, -1):
        words = tokens[i : i + size]
        if len(words) < size:
            continue
        folded = " ".join(t.folded for t in words).replace(" - ", "-")
        if folded in phrases or folded.replace(" ", "") in phrases:
            return i + size
    return None
