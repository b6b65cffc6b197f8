"""The PST's words, each said once: statuses, health values, history kinds, their French labels
and display orders, and the one accent fold.

    >>> parse_status("Réalisé")
    'fait'
    >>> split_status(["en", "cours", "40%", "marché", "attribué"])
    ('en cours', ['40%', 'marché', 'attribué'])
    >>> fold("  Échéance  Réalisée ")
    'echeance realisee'

The words themselves (synonyms, health, check-in, progress in words, courtesy, negations,
futures) are data, one table: storage/data/words.toml.

Every module that compares what a user typed or prints a status takes it from here: storage,
commands and reports alike. Times and days are storage/clock.py's.
"""

import re
import tomllib
import unicodedata
from pathlib import Path

# ---------------------------------------------------------------- folding user words


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: the one form user words are compared in."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("’", "'").split())


# ---------------------------------------------------------------- action codes


#: An action code as printed: "29", "1.1.1", "A.2.3" (a digit somewhere, at most 5 parts of at
#: most 6 letters or digits).
ACTION_CODE = re.compile(r"^(?=.*[0-9])[0-9A-Za-z]{1,6}(?:\.[0-9A-Za-z]{1,6}){0,4}$")


def code_key(code: str) -> tuple:
    """Sort key of an action code as printed, its parts compared as numbers:
    "1.2.10" after "1.2.9", "A.2" after "9"."""
    parts = code.replace("-", ".").split(".")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts)


# ---------------------------------------------------------------- statuses

NOT_STARTED = "à démarrer"
IN_PROGRESS = "en cours"
DONE = "fait"
ON_HOLD = "suspendu"
ABANDONED = "abandonné"

#: The life of an action, in order: how counts read ("12 à démarrer, 30 en cours, …").
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, ON_HOLD, ABANDONED)
#: Reports for the Conseil list what is done first and what was dropped last.
REPORT_ORDER = (DONE, IN_PROGRESS, NOT_STARTED, ON_HOLD, ABANDONED)
#: A pilot's own list starts with what needs their work.
PILOT_ORDER = (IN_PROGRESS, NOT_STARTED, ON_HOLD, DONE, ABANDONED)
#: Statuses after which an action is no longer "late".
CLOSED = frozenset({DONE, ABANDONED})

#: Report headings, one per status (the evaluation's sections).
STATUS_HEADINGS = {
    DONE: "Actions réalisées",
    IN_PROGRESS: "Actions en cours",
    NOT_STARTED: "Actions à démarrer",
    ON_HOLD: "Actions suspendues",
    ABANDONED: "Actions abandonnées",
}
#: Column headers and legend entries that count actions per status.
STATUS_COLUMNS = {
    DONE: "Réalisées",
    IN_PROGRESS: "En cours",
    NOT_STARTED: "À démarrer",
    ON_HOLD: "Suspendues",
    ABANDONED: "Abandonnées",
}


def _table() -> dict:
    """The words table (storage/data/words.toml): every synonym, health, check-in, progress,
    courtesy, negation and future word, as data."""
    return tomllib.loads((Path(__file__).parent / "data" / "words.toml").read_text("utf-8"))


WORDS = _table()
_SYNONYMS = WORDS["statuses"]

_BY_FOLDED = {fold(word): status for status, words in _SYNONYMS.items() for word in words}
_BY_FOLDED.update({fold(s): s for s in STATUSES})
# Feminine and plural forms: "réalisée", "terminées", "abandonnés"...
for _word, _status in list(_BY_FOLDED.items()):
    if " " not in _word and _word.endswith("e"):
        for suffix in ("e", "s", "es"):
            _BY_FOLDED.setdefault(_word + suffix, _status)
_LONGEST = max(len(w.split()) for w in _BY_FOLDED)


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


def accepted_words(last: str = ", ") -> str:
    """The status words a pilot may type, for refusal messages: "à démarrer, …, abandonné"
    (or "…, suspendu ou abandonné" with `last=" ou "`)."""
    return ", ".join(STATUSES[:-1]) + last + STATUSES[-1]


def status_words() -> list[str]:
    """Every folded word or phrase read as a status, synonyms included."""
    return list(_BY_FOLDED)


# ---------------------------------------------------------------- health

GOOD, AT_RISK, BLOCKED = "bon", "risque", "bloque"
#: What a pilot may type for each health value.
HEALTHS = {"bon": GOOD, "ok": GOOD, "risque": AT_RISK, "bloque": BLOCKED, "blocage": BLOCKED}
#: How a health value reads, after "santé" in chat and in the reports' "Santé" column.
HEALTH_LABELS = {GOOD: "bonne", AT_RISK: "à risque", BLOCKED: "bloquée"}


def _with_forms(words: list[str]) -> dict[str, None]:
    folded = {fold(w): None for w in words}
    for word in list(folded):
        if " " not in word and word.endswith("e"):
            folded.update({word + suffix: None for suffix in ("e", "s", "es")})
    return folded


#: Health said in an update line ("95 risqué", "bloqué par le marché"), folded: health value.
HEALTH_WORDS = {
    word: health for health, words in WORDS["health"].items() for word in _with_forms(words)
}
#: "RAS", "rien de neuf": a check-in, news that changes nothing.
CHECKIN_WORDS = frozenset(fold(w) for w in WORDS["checkin"]["words"])
CHECKIN_AFTER = frozenset(fold(w) for w in WORDS["checkin"]["after"])
#: Progress in words, folded: "à moitié" -> 50.
PROGRESS_WORDS = {fold(w): value for w, value in WORDS["progress"].items()}
APPROXIMATELY = frozenset(fold(w) for w in WORDS["approximately"]["words"])
COURTESY = frozenset(fold(w) for w in WORDS["courtesy"]["words"])
NEGATIONS = frozenset(fold(w) for w in WORDS["negation"]["words"])
FUTURE = frozenset(fold(w) for w in WORDS["future"]["words"])
NUMBER_ROOTS = frozenset(fold(w) for w in WORDS["numbers"]["roots"])
FUTURE_TIMES = frozenset(fold(w) for w in WORDS["future"]["months"] + WORDS["future"]["times"])


def health_label(value: str | None) -> str:
    """`"bloque"` -> "bloquée"; an unknown value is shown as stored, None as ""."""
    return HEALTH_LABELS.get(value or "", value or "")


# ---------------------------------------------------------------- history kinds

STATUS_CHANGE, NOTE, INDICATOR, HEALTH, DEADLINE, IMPORT, UNDO = (
    "status",
    "note",
    "indicator",
    "health",
    "deadline",
    "import",
    "undo",
)
#: How each kind of history entry reads, in chat and in the reports.
KIND_LABELS = {
    STATUS_CHANGE: "mise à jour",
    NOTE: "note",
    INDICATOR: "indicateur",
    HEALTH: "santé",
    DEADLINE: "échéance",
    IMPORT: "import",
    UNDO: "annulation",
}
#: What the chat says of an action's fields (storage/plan_fields.py): a named indicator's
#: value, an indicator defined, a budget line, ODD tags, mandataires, a decision, a synergy.
MEASURE, INDICATOR_SET, BUDGET, ODD, MANDATARY, DECISION, SYNERGY = (
    "measure",
    "indicator_set",
    "budget",
    "odd",
    "mandatary",
    "decision",
    "synergy",
)
KIND_LABELS.update(
    {
        MEASURE: "indicateur",
        INDICATOR_SET: "indicateur défini",
        BUDGET: "budget",
        ODD: "ODD",
        MANDATARY: "mandataire",
        DECISION: "décision",
        SYNERGY: "synergie",
    }
)
#: The field kinds (their entry's `value` says what was set).
FIELD_KINDS = (MEASURE, INDICATOR_SET, BUDGET, ODD, MANDATARY, DECISION, SYNERGY)
#: Kinds only an admin sets, so only an admin undoes.
ADMIN_KINDS = frozenset({DEADLINE, INDICATOR_SET, BUDGET, MANDATARY, DECISION})
#: The kinds of entries a person may undo (not imports, not undos).
UNDOABLE = (STATUS_CHANGE, NOTE, INDICATOR, HEALTH, DEADLINE, *FIELD_KINDS)
