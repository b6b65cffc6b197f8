"""What the bot says about a proposal (`commands.errors.Proposal`), and the words that answer one.

>>> answer_of("Oui !"), answer_of("👍🏽"), answer_of("c'est ça"), answer_of("Non merci")
('yes', 'yes', 'yes', 'no')
>>> answer_of("47 fait") is None
True
"""

import unicodedata

from storage.vocabulary import fold

YES, NO = "yes", "no"

#: Added to every proposal's question: how to confirm it in one tap.
HINT = "Répondez « oui » (ou 👍) pour l'enregistrer ; tout autre message l'oublie."
#: « non » to a proposal.
DROPPED = "D'accord, rien n'est enregistré."
#: A confirmation after PROPOSAL_MINUTES.
EXPIRED = "Cette proposition a expiré (après {minutes} minutes) : renvoyez votre mise à jour."
#: A reaction or a button confirming a proposal that is no longer pending.
NOTHING_PENDING = "Plus rien à confirmer : cette proposition a déjà été appliquée ou oubliée."

#: Answers that confirm, as typed (folded, without punctuation, before comparing).
_YES = (
    "oui",
    "ouais",
    "ouep",
    "yes",
    "ok",
    "okay",
    "oki",
    "d'accord",
    "dac",
    "c'est ça",
    "c'est bon",
    "exact",
    "exactement",
    "parfait",
    "oui merci",
    "ok merci",
    "oui c'est ça",
    "oui svp",
    "oui s'il vous plaît",
    "oui, enregistrer",
    "👍",
    "✅",
    "✔️",
    "✔",
    "👌",
    "🆗",
)
_NO = ("non", "non merci", "nan", "no", "pas ça", "annule", "👎", "❌", "✖️")


def _plain(text: str) -> str:
    """Folded, punctuation and emoji variants (skin tones, U+FE0F) gone, single-spaced."""
    kept = []
    for char in fold(text):
        category = unicodedata.category(char)
        if char == "\ufe0f" or 0x1F3FB <= ord(char) <= 0x1F3FF:
            continue
        kept.append(" " if category.startswith("P") else char)
    return " ".join("".join(kept).split())


_ANSWERS = {_plain(word): YES for word in _YES} | {_plain(word): NO for word in _NO}
#: Longest answer we read: anything longer is a message of its own.
_LONGEST = max(len(word) for word in _ANSWERS)


def answer_of(text: str) -> str | None:
    """YES, NO, or None when `text` does not answer a proposal."""
    if len(text) > _LONGEST * 2:
        return None
    return _ANSWERS.get(_plain(text))
