"""Why the update grammar (`commands/grammar.py`) refuses a line: one exception type per refusal,
each a `UserError` whose message is the reply, so that callers decide by type.

    >>> str(UnknownStatus("pouet"))[:24]
    '« pouet » : quel statut '
    >>> isinstance(NotAnAction("fait"), NoAction)
    True

`NoAction` (nothing that reads as an action starts the line: `MissingAction`, `NotAnAction`)
says the line was not meant as an update; every other refusal asks the pilot about a line that
was (`UnknownStatus`, `NearStatus`, `NumberWithoutPercent`, `NumberAfterAction`,
`ProgressOutOfRange`).
"""

from typing import ClassVar

from commands.errors import UserError
from storage.vocabulary import accepted_words

EXAMPLE = "!maj 47 en cours 50 %"
RESEND = " Renvoyez : « !maj {line} »"
CONFIRM = " Je note : « !maj {line} ». C'est bien ça ? (oui / non)"


class GrammarError(UserError):
    """A line the grammar refuses; `str()` is the reply, `.word` the offending word (at most 30
    characters). A near miss carries `.fix` (start, end, replacement in the line) and, once
    the line is known, `.line`: the corrected line the reply offers to send again."""

    #: The reply, with {word} and the refusal's own fields.
    template: ClassVar[str] = ""

    def __init__(self, word: str = "", fix=None, **fields):
        self.word, self.fix, self.line = word[:30], fix, None
        self.fields = fields
        super().__init__(self.template.format(word=self.word, **fields))

    def corrected(self, text: str) -> "GrammarError":
        """The same refusal, offering `text` with the fix applied."""
        start, end, replacement = self.fix
        self.line = " ".join((text[:start] + replacement + text[end:]).split())
        self.args = (str(self) + RESEND.format(line=self.line),)
        return self

    def question(self) -> str:
        """The near miss as a proposal: what was asked, then the corrected line, to confirm."""
        asked = self.template.format(word=self.word, **self.fields)
        return asked + CONFIRM.format(line=self.line)


class NoAction(GrammarError):
    """The line does not start with an action: it was not meant as an update."""


class MissingAction(NoAction):
    template = "Il manque le numéro de l'action. Exemple : " + EXAMPLE


class NotAnAction(NoAction):
    template = "« {word} » n'est pas un numéro d'action. Exemple : " + EXAMPLE


class UnknownStatus(GrammarError):
    template = "« {word} » : quel statut ? " + accepted_words(" ou ") + "."


class NearStatus(GrammarError):
    """A word one typo from a status; `.fields["status"]` is that status."""

    template = "« {word} » : vouliez-vous dire « {status} » ?"


class NumberWithoutPercent(GrammarError):
    template = "« {word} » : vouliez-vous dire {word} % ?"


class NumberAfterAction(GrammarError):
    template = (
        "« {word} » : une autre action (écrivez « et {word} ») ou un avancement (« {word} % ») ?"
    )


class ProgressOutOfRange(GrammarError):
    template = "Avancement « {word} » impossible : donnez un pourcentage de 0 à 100."


class NegatedStatus(GrammarError):
    """A status word under a negation ("pas vraiment fini") and nothing else to go by."""

    template = (
        "« {word} » : une négation devant un statut, je ne sais pas quoi noter. "
        "Écrivez le statut, par exemple « !maj {code} en cours »."
    )


class Unsure(GrammarError):
    """A line understood well enough to propose, not to apply: a word of plan data is left
    in the comment or contradicts the rest. `.segments` are the lines as they would be stored
    (their comments taken literally), `.lines` the canonical commands that store them;
    `str()` says why and what would be stored, as a question."""

    template = "{why} Je note : {summary}. C'est bien ça ? (oui / non)"

    def __init__(self, word: str, segments, lines, why: str, summary: str):
        super().__init__(word, why=why, summary=summary)
        self.segments, self.lines = tuple(segments), tuple(lines)


#: Why a line is proposed rather than applied, by what was found in it.
WHY = {
    "question": "Un « ? » : vous n'êtes pas sûr ?",
    "status": "« {word} » est aussi un statut.",
    "near": "« {word} » ressemble à « {status} ».",
    "negation": "« {word} » : une négation.",
    "future": "« {word} » : c'est prévu, pas encore fait.",
    "two_progress": "Deux avancements ({word}) : je garde le premier.",
    "progress": "« {word} » : un avancement dans le commentaire.",
    "health": "« {word} » : une santé dans le commentaire.",
}
